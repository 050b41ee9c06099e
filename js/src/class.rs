//! Classes (ECMA-262 2025, 15.7): ClassDefinitionEvaluation, fields
//! (InitializeInstanceElements, DefineField), `super(...)` (13.3.7.1 SuperCall) and `super.x`
//! (13.3.7.3 MakeSuperPropertyReference).

use std::cell::RefCell;
use std::rc::Rc;

use crate::interp::{Ctrl, Env, Frame, Res, call, construct_sync, eval, eval_key, make_method, this_frame};
use crate::ir::{ClassDef, ClassElement, MethodKind};
use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{Class, Func, JsValue, Obj};

/// A class constructor's [[Fields]]: ClassFieldDefinition records (6.2.12), in order.
#[derive(Default)]
pub(crate) struct ClassFields {
    fields: RefCell<Vec<(PropertyKey, Option<JsValue>)>>,
}

fn type_error(message: &str) -> Ctrl {
    Ctrl::Throw(realm().error("TypeError", message))
}

/// SetFunctionName (10.2.9) for a computed key: a Symbol's description in brackets.
pub(crate) fn set_function_name(f: &Obj, key: &PropertyKey, prefix: &str) {
    let name = match key {
        PropertyKey::String(s) => s.to_string(),
        PropertyKey::Symbol(s) => s.description().map_or(String::new(), |d| format!("[{d}]")),
    };
    let name = if prefix.is_empty() { name } else { format!("{prefix} {name}") };
    f.define_with("name", JsValue::from(name), false, false, true);
}

/// A static element, run after the class binding is initialized (15.7.14 step 31).
enum Static {
    Field(PropertyKey, Option<JsValue>),
    Block(JsValue),
}

/// ClassDefinitionEvaluation (15.7.14), without private names.
pub(crate) async fn class_definition_evaluation(def: &ClassDef, env: &Env) -> Res<Obj> {
    let r = realm();
    // 1-4. Let classEnv be NewDeclarativeEnvironment(env); if classBinding is not undefined,
    // perform ! classEnv.CreateImmutableBinding(classBinding, true). All of a class is strict.
    let class_scope = crate::interp::Scope::new_block(Some(env.clone()), true);
    if let Some(name) = &def.binding {
        class_scope.declare(name, None, false);
    }
    // 8. If ClassHeritage is not present, protoParent is %Object.prototype% and
    // constructorParent is %Function.prototype%.
    let (proto_parent, constructor_parent) = match &def.heritage {
        None => (Some(r.object_proto.clone()), r.function_proto.clone()),
        // 9. Else: evaluate ClassHeritage in classEnv (its binding still uninitialized).
        Some(heritage) => {
            drop(r);
            let superclass = eval(heritage, &class_scope).await?;
            let r = realm();
            match &superclass {
                // e. If superclass is null, protoParent is null and constructorParent is
                // %Function.prototype%.
                JsValue::Null => (None, r.function_proto.clone()),
                // f. Else if IsConstructor(superclass) is false, throw a TypeError exception.
                JsValue::Object(s) if s.is_constructor() => {
                    // g.i. Let protoParent be ? Get(superclass, "prototype").
                    // ii. If protoParent is neither an Object nor null, throw a TypeError.
                    let proto_parent = match s.get("prototype")? {
                        JsValue::Object(p) => Some(p),
                        JsValue::Null => None,
                        other => {
                            let text = crate::inspect::inspect(&other);
                            return Err(type_error(&format!(
                                "Class extends value does not have valid prototype property {text}"
                            )));
                        }
                    };
                    // iii. Let constructorParent be superclass.
                    (proto_parent, s.clone())
                }
                other => {
                    let text = crate::inspect::inspect(other);
                    return Err(type_error(&format!(
                        "Class extends value {text} is not a constructor or null"
                    )));
                }
            }
        }
    };
    // 10. Let proto be OrdinaryObjectCreate(protoParent).
    let proto = Obj::new(Class::Object, proto_parent);
    // 14-16. Let F be the constructor (its [[HomeObject]] proto), with [[Prototype]]
    // constructorParent; MakeClassConstructor(F); SetFunctionName(F, className).
    let fields = Rc::new(ClassFields::default());
    let constructor = def.constructor.clone();
    let (length, name) = (constructor.length, constructor.name.clone());
    // The constructor holds the class scope (`heap::register_scope`).
    class_scope.capture();
    let f = Obj::new(
        Class::Function(Func::Closure {
            def: constructor,
            env: class_scope.clone(),
            home: Some(proto.clone()),
            class: Some(fields.clone()),
        }),
        Some(constructor_parent),
    );
    f.define_with("length", JsValue::Number(length as f64), false, false, true);
    f.define_with("name", JsValue::String(name.into()), false, false, true);
    // 17. Perform MakeConstructor(F, false, proto): `prototype` is not writable.
    f.define_with("prototype", JsValue::Object(proto.clone()), false, false, false);
    // 19. Perform CreateMethodProperty(proto, "constructor", F).
    proto.define("constructor", JsValue::Object(f.clone()), false);
    // 25-27. For each ClassElement e: ClassElementEvaluation, instance fields to F.[[Fields]],
    // static fields and blocks kept for after the binding is initialized.
    let mut statics = Vec::new();
    for element in &def.elements {
        match element {
            ClassElement::Method { key, def, is_static, kind } => {
                let target = if *is_static { &f } else { &proto };
                let key = eval_key(key, &class_scope).await?;
                // DefineMethod (15.4.4) / MethodDefinitionEvaluation: the method's home object
                // is the object it is defined on.
                let m = make_method(def.clone(), class_scope.clone(), Some(target.clone()));
                let prefix = match kind {
                    MethodKind::Method => "",
                    MethodKind::Get => "get",
                    MethodKind::Set => "set",
                };
                if def.name.is_empty() || key.as_str().is_none_or(|s| def.name.as_ref() != s) {
                    set_function_name(&m, &key, prefix);
                }
                match kind {
                    // { [[Writable]]: true, [[Enumerable]]: false, [[Configurable]]: true }.
                    MethodKind::Method => target.define(&key, JsValue::Object(m), false),
                    MethodKind::Get => target.define_accessor(&key, Some(JsValue::Object(m)), None, false),
                    MethodKind::Set => target.define_accessor(&key, None, Some(JsValue::Object(m)), false),
                }
            }
            ClassElement::Field { key, init, is_static } => {
                let target = if *is_static { &f } else { &proto };
                let key = eval_key(key, &class_scope).await?;
                let init = init.as_ref().map(|d| {
                    JsValue::Object(make_method(d.clone(), class_scope.clone(), Some(target.clone())))
                });
                if *is_static {
                    statics.push(Static::Field(key, init));
                } else {
                    fields.fields.borrow_mut().push((key, init));
                }
            }
            ClassElement::StaticBlock(d) => {
                let block = make_method(d.clone(), class_scope.clone(), Some(f.clone()));
                statics.push(Static::Block(JsValue::Object(block)));
            }
        }
    }
    // 29. If classBinding is not undefined, perform ! classEnv.InitializeBinding(classBinding, F).
    if let Some(name) = &def.binding {
        class_scope.declare(name, Some(JsValue::Object(f.clone())), false);
    }
    // 31. For each element elementRecord of staticElements: DefineField(F, elementRecord) or
    // Call(elementRecord.[[BodyFunction]], F).
    let this = JsValue::Object(f.clone());
    for s in statics {
        match s {
            Static::Field(key, init) => {
                let value = match init {
                    Some(init) => call(init, this.clone(), Vec::new()).await?,
                    None => JsValue::Undefined,
                };
                create_data_property_or_throw(&f, &key, value)?;
            }
            Static::Block(block) => {
                call(block, this.clone(), Vec::new()).await?;
            }
        }
    }
    // 32. Return F.
    Ok(f)
}

/// CreateDataPropertyOrThrow (7.3.6).
fn create_data_property_or_throw(o: &Obj, key: &PropertyKey, value: JsValue) -> Result<(), JsValue> {
    if !o.create_data_property(key, value)? {
        return Err(realm().error("TypeError", &format!("Cannot define property {}", key.display())));
    }
    Ok(())
}

/// InitializeInstanceElements (7.3.34): DefineField for each of the constructor's fields.
pub(crate) async fn initialize_instance_elements(o: &Obj, constructor: &Obj) -> Result<(), JsValue> {
    let Class::Function(Func::Closure { class: Some(fields), .. }) = constructor.class() else {
        return Ok(());
    };
    let fields = fields.fields.borrow().clone();
    let this = JsValue::Object(o.clone());
    for (key, init) in fields {
        // DefineField (7.3.33): 3-4. initValue is Call(initializer, receiver), or undefined.
        let value = match init {
            Some(init) => call(init, this.clone(), Vec::new()).await?,
            None => JsValue::Undefined,
        };
        // 6. Perform ? CreateDataPropertyOrThrow(receiver, fieldName, initValue).
        create_data_property_or_throw(o, &key, value)?;
    }
    Ok(())
}

/// SuperCall (13.3.7.1) steps 1-2 and 4-9, with the arguments evaluated (step 3).
pub(crate) async fn super_call(env: &Env, args: Vec<JsValue>) -> Res<JsValue> {
    let frame = this_frame(env).ok_or_else(|| type_error("'super' keyword unexpected here"))?;
    Ok(super_call_in(&frame, args).await?)
}

/// `super(...args)` in the constructor whose frame is `frame`.
pub(crate) async fn super_call_in(frame: &Rc<Frame>, args: Vec<JsValue>) -> Result<JsValue, JsValue> {
    // 1. Let newTarget be GetNewTarget().
    let new_target = frame.new_target.clone();
    // 2. Let func be GetSuperConstructor(): activeFunction.[[GetPrototypeOf]]().
    let active = frame
        .function
        .clone()
        .ok_or_else(|| realm().error("SyntaxError", "'super' keyword unexpected here"))?;
    let func = active.proto();
    // 4. If IsConstructor(func) is false, throw a TypeError exception.
    let Some(func) = func.filter(Obj::is_constructor) else {
        return Err(realm().error("TypeError", "Super constructor is not a constructor"));
    };
    // 5. Let result be ? Construct(func, argList, newTarget).
    let result = construct_sync(&JsValue::Object(func), args, &new_target)?;
    // 6-7. Perform ? thisER.BindThisValue(result): a second `super()` is a ReferenceError.
    if frame.this.borrow().is_some() {
        return Err(realm().error("ReferenceError", "Super constructor may only be called once"));
    }
    *frame.this.borrow_mut() = Some(result.clone());
    // 8-9. Perform ? InitializeInstanceElements(result, F); return result.
    if let JsValue::Object(o) = &result {
        initialize_instance_elements(o, &active).await?;
    }
    Ok(result)
}

/// MakeSuperPropertyReference's base (13.3.7.3): the home object's prototype, and `this`.
pub(crate) fn super_base(env: &Env) -> Res<(Option<Obj>, JsValue)> {
    let frame = this_frame(env).ok_or_else(|| type_error("'super' keyword unexpected here"))?;
    // 1. Let env be GetThisEnvironment(); 2. Let actualThis be ? env.GetThisBinding().
    let this = frame.this.borrow().clone().ok_or_else(|| {
        Ctrl::Throw(realm().error(
            "ReferenceError",
            "Must call super constructor in derived class before accessing 'this' or returning from derived constructor",
        ))
    })?;
    // GetSuperBase (9.1.1.3.5): home.[[GetPrototypeOf]]().
    let home = frame.home.clone().ok_or_else(|| type_error("'super' keyword unexpected here"))?;
    Ok((home.proto(), this))
}
