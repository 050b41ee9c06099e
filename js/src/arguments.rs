//! Arguments exotic objects (ECMA-262 2025, 10.4.4): a function's `arguments`.
//!
//! The elements live in the object's element vector, as an array's do. A sloppy function with
//! a simple parameter list gets a *mapped* arguments object (CreateMappedArgumentsObject,
//! 10.4.4.7): index `i` (below both the number of arguments and of parameters) is tied to the
//! `i`th parameter's binding, so a write to either shows in the other. The tie is kept from
//! both ends: a parameter binding that is mapped writes through to the element (`interp.rs`'s
//! `assign_var`), and an element write sets the binding ([`Arguments::written`], from the
//! object's [[DefineOwnProperty]]); deleting the element removes the mapping (10.4.4.5
//! [[Delete]] step 3), and so does freezing it ([[DefineOwnProperty]] with `writable: false`,
//! 10.4.4.2 step 7.b.i).

use std::cell::RefCell;

use crate::interp::Env;
use crate::ir::{FuncDef, Name, Pattern};
use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{Class, JsValue, Obj};

/// An arguments object's internal slots.
pub(crate) struct Arguments {
    /// The elements (the properties "0", "1", ...).
    pub(crate) items: RefCell<Vec<crate::object::Element>>,
    /// [[ParameterMap]]: for each mapped index, the parameter it is tied to; `None` where the
    /// index is not (or no longer) mapped. Empty for an unmapped arguments object.
    map: RefCell<Vec<Option<Name>>>,
    /// The function's environment, where the mapped parameters' bindings live.
    env: RefCell<Option<Env>>,
}

impl Arguments {
    /// Whether index `i` is still mapped to its parameter.
    pub(crate) fn is_mapped(&self, i: usize) -> bool {
        self.map.borrow().get(i).is_some_and(Option::is_some)
    }

    /// After element `i` was set to `value`: 10.4.4.2 step 7.a (and 10.4.4.4 [[Set]]), Set the
    /// mapped parameter's binding too.
    pub(crate) fn written(&self, i: usize, value: &JsValue) {
        let name = self.map.borrow().get(i).cloned().flatten();
        let env = self.env.borrow().clone();
        if let (Some(name), Some(env)) = (name, env) {
            env.set_parameter(&name, value.clone());
        }
    }

    /// Removes index `i` from the parameter map (its binding keeps its value).
    pub(crate) fn unmap(&self, i: usize) {
        if let Some(entry) = self.map.borrow_mut().get_mut(i) {
            *entry = None;
        }
    }

    /// Removes every mapping (`Object.freeze`: each element becomes non-writable).
    pub(crate) fn unmap_all(&self) {
        self.map.borrow_mut().clear();
    }

    /// Drops the elements, the map and the environment (the end of a run: `heap.rs`).
    pub(crate) fn clear(&self) -> Vec<crate::object::Element> {
        self.map.borrow_mut().clear();
        drop(self.env.borrow_mut().take());
        std::mem::take(&mut *self.items.borrow_mut())
    }
}

/// The names of a simple parameter list (IsSimpleParameterList, 15.1.3), or `None`.
fn simple_parameter_names(def: &FuncDef) -> Option<Vec<Name>> {
    if def.rest.is_some() {
        return None;
    }
    def.params
        .iter()
        .map(|p| match (&p.pattern, &p.default) {
            (Pattern::Ident(name), None) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// FunctionDeclarationInstantiation (10.2.11) steps 22.a-b: CreateUnmappedArgumentsObject
/// (10.4.4.6) for strict code or a non-simple parameter list, else
/// CreateMappedArgumentsObject (10.4.4.7) over `env`, the scope the parameters are bound in.
/// Returns the object and the mapped parameters' `(name, index)`, for the bindings to write
/// through.
pub(crate) fn create_arguments_object(
    def: &FuncDef,
    function: &Obj,
    args: &[JsValue],
    env: &Env,
) -> (Obj, Vec<(Name, usize)>) {
    let r = realm();
    let names = if def.strict { None } else { simple_parameter_names(def) };
    // 10.4.4.7 steps 15-17: index from the last argument down, each name mapped once (the last
    // parameter of a duplicated name wins).
    let mut map: Vec<Option<Name>> = vec![None; args.len().min(names.as_ref().map_or(0, Vec::len))];
    let mut mapped = Vec::new();
    if let Some(names) = &names {
        let mut seen: Vec<&Name> = Vec::new();
        for index in (0..map.len()).rev() {
            let name = &names[index];
            if !seen.contains(&name) {
                seen.push(name);
                map[index] = Some(name.clone());
                mapped.push((name.clone(), index));
            }
        }
    }
    if names.is_some() {
        // The mapped object holds the scope (`heap::register_scope`).
        env.capture();
    }
    let data = Arguments {
        items: RefCell::new(args.iter().cloned().map(Some).collect()),
        map: RefCell::new(map),
        env: RefCell::new(names.is_some().then(|| env.clone())),
    };
    // 10.4.4.6 step 2 / 10.4.4.7 step 4-9: an object whose [[Prototype]] is %Object.prototype%.
    let obj = Obj::new(Class::Arguments(Box::new(data)), Some(r.object_proto.clone()));
    // 10.4.4.6 step 7 (10.4.4.7 step 17): Perform ! DefinePropertyOrThrow(obj, "length",
    // PropertyDescriptor { [[Value]]: 𝔽(len), [[Writable]]: true, [[Enumerable]]: false,
    // [[Configurable]]: true }).
    obj.define_with("length", JsValue::Number(args.len() as f64), true, false, true);
    // 10.4.4.6 step 8: Perform ! DefinePropertyOrThrow(obj, @@iterator, PropertyDescriptor {
    // [[Value]]: %Array.prototype.values%, [[Writable]]: true, [[Enumerable]]: false,
    // [[Configurable]]: true }).
    let values = r.array_values.borrow().clone();
    let iterator = PropertyKey::Symbol(r.symbols.iterator.clone());
    if def.strict || names.is_none() {
        // 10.4.4.6 step 9: callee is an accessor of %ThrowTypeError%, neither enumerable nor
        // configurable.
        let thrower = JsValue::Object(r.throw_type_error());
        obj.define_own_property(
            &PropertyKey::from("callee"),
            crate::property::PropertyDescriptor {
                get: Some(thrower.clone()),
                set: Some(thrower),
                enumerable: Some(false),
                configurable: Some(false),
                ..Default::default()
            },
        )
        .ok();
    } else {
        // 10.4.4.7 step 21: callee is the function, writable and configurable.
        obj.define_with("callee", JsValue::Object(function.clone()), true, false, true);
    }
    if let Some(values) = values {
        obj.define_with(&iterator, JsValue::Object(values), true, false, true);
    }
    (obj, mapped)
}
