//! `eval` (ECMA-262 2025, 19.2.1): the global function (an indirect eval) and the direct
//! eval that a call `eval(x)` by that name makes (13.3.6.1 step 6, `interp.rs`).
//!
//! An indirect eval (`(0, eval)(x)`, `globalThis.eval(x)`, `eval` passed around) parses the
//! string as a Script and evaluates it as global code, in a new declarative environment whose
//! parent is the global one. A direct eval evaluates it in a new declarative environment whose
//! parent is the caller's scope: it sees the caller's bindings, `this`, `new.target` and
//! `arguments`, and a sloppy one's `var`s and functions become bindings of the caller's
//! function scope (the scopes are found by name at run time, so nothing needs re-resolving).
//!
//! The completion value (what `eval` returns) is the one the statements leave as they end
//! while eval code runs (`interp/completion.rs`): through blocks, `if`, loops, `switch`,
//! labels, `try` and the `break` and `continue` that leave them, as the spec's Completion
//! Records carry it.
//!
//! Source positions inside the evaluated string are offsets into that string, while error
//! reports map offsets into the script's own text: an uncaught error thrown by eval'd code is
//! reported with its message and stack line, but the quoted source line is not the eval'd one.

use std::rc::Rc;

use crate::interp::{Env, Frame, Scope, completion, exec, hoist, make_function};
use crate::ir::{Block, Body, DeclKind};
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(crate) fn install(r: &Rc<Realm>) {
    // 19.2.1 eval ( x ): 1. Return ? PerformEval(x, false, false).
    let eval = r.native("eval", 1, |_, args, _| perform_eval(&args.first().cloned().unwrap_or_default()));
    let _ = r.intrinsic_eval.set(eval.clone());
    r.global.define("eval", JsValue::Object(eval), false);
}

/// Whether `f` is %eval% (13.3.6.1 step 6.a: SameValue(func, %eval%)).
pub(crate) fn is_intrinsic_eval(f: &JsValue) -> bool {
    matches!((f, realm().intrinsic_eval.get()), (JsValue::Object(f), Some(e)) if f.ptr_eq(e))
}

/// The code of an eval, parsed: 11.a. Let script be ParseText(x, Script); b. If script is a
/// List of errors, throw a SyntaxError exception (an Error for code outside the subset).
fn parse_eval(source: &str, strict_caller: bool) -> Result<Rc<crate::ir::FuncDef>, JsValue> {
    let script = crate::lower::parse_code(source, strict_caller).map_err(|e| {
        let (name, message) = e.js_error();
        realm().error(name, message)
    })?;
    Ok(script.body)
}

/// PerformEval (19.2.1.1) with `strictCaller` and `direct` false: an indirect eval.
///
/// # Errors
///
/// A SyntaxError for a string that does not parse (an Error for code outside the subset), the
/// errors of EvalDeclarationInstantiation, and whatever the code throws.
pub(crate) fn perform_eval(x: &JsValue) -> Result<JsValue, JsValue> {
    // 2. If x is not a String, return x.
    let JsValue::String(source) = x else { return Ok(x.clone()) };
    let def = parse_eval(source, false)?;
    let r = realm();
    // 16. (direct is false) Let lexEnv be NewDeclarativeEnvironment(evalRealm.[[GlobalEnv]]),
    // varEnv be evalRealm.[[GlobalEnv]]: a classic script's top-level lexical bindings are in
    // the global environment; under Node's module imitation the script's own are not global,
    // so the parent is a global environment of its own, with `this` the global object.
    let global_env = r.global_env.borrow().clone().unwrap_or_else(|| {
        let frame = Frame::new(Some(JsValue::Object(r.global.clone())), JsValue::Undefined, None, None);
        let env = Scope::make(None, Some(frame), None, false);
        env.mark_global();
        env
    });
    drop(r);
    evaluate(&def, &global_env, &global_env, def.strict)
}

/// PerformEval (19.2.1.1) with `direct` true: `eval(x)` called by that name in `caller`'s
/// scope, whose strictness is strictCaller.
///
/// # Errors
///
/// As [`perform_eval`]; EvalDeclarationInstantiation's SyntaxError for a `var` that a
/// `let`/`const` of the caller's already binds.
pub(crate) fn perform_direct_eval(x: &JsValue, caller: &Env) -> Result<JsValue, JsValue> {
    // 2. If x is not a String, return x.
    let JsValue::String(source) = x else { return Ok(x.clone()) };
    // 11. ParseText (strict mode code when the caller is: 11.2.2).
    let def = parse_eval(source, caller.is_strict())?;
    // 15. If direct is true: a. Let lexEnv be NewDeclarativeEnvironment(runningContext's
    // LexicalEnvironment). b. Let varEnv be runningContext's VariableEnvironment: the nearest
    // function (or script) scope.
    let mut var_env = caller.clone();
    while !var_env.is_var_scope() && !var_env.is_global_scope() {
        let Some(parent) = var_env.parent().cloned() else { break };
        var_env = parent;
    }
    // 13.-14. (the caller's `this`, `new.target`, `super` and `arguments` are found through
    // the scope chain, from lexEnv outwards.)
    evaluate(&def, caller, &var_env, def.strict)
}

/// PerformEval steps 16-30 once lexEnv's parent and varEnv are known: the new lexical
/// environment, EvalDeclarationInstantiation, and the code's completion value.
fn evaluate(
    def: &Rc<crate::ir::FuncDef>,
    outer: &Env,
    var_env: &Env,
    strict: bool,
) -> Result<JsValue, JsValue> {
    let def = def.clone();
    let Body::Block(body) = &def.body else { return Ok(JsValue::Undefined) };
    // lexEnv = NewDeclarativeEnvironment(outer). 17. If strictEval is true, set varEnv to
    // lexEnv (a variable environment of its own).
    let lex_env = if strict {
        Scope::make(Some(outer.clone()), None, None, true)
    } else {
        Scope::new_block(Some(outer.clone()), false)
    };
    let var_env = if strict { lex_env.clone() } else { var_env.clone() };
    eval_declaration_instantiation(body, &def.var_names, &var_env, &lex_env, strict)?;
    // 29-30. Let result be Completion(Evaluation of body); if result is a normal completion
    // and result.[[Value]] is empty, set result to NormalCompletion(undefined).
    // The statements keep their completion values while this code runs (`completion.rs`);
    // the body's is its StatementList's (14.2.2): the last statement's that is not empty.
    let _tracking = completion::Tracking::start();
    let mut fut = Box::pin(async move {
        let mut value = None;
        for stmt in &body.stmts {
            match exec(stmt, &lex_env).await {
                Ok(()) => {}
                Err(crate::interp::Ctrl::Throw(e)) => return Err(e),
                // Eval code has no return, and a break or continue outside its loop is an
                // early error.
                Err(_) => return Ok(JsValue::Undefined),
            }
            if let Some(v) = completion::get() {
                value = Some(v);
            }
        }
        Ok(value.unwrap_or_default())
    });
    crate::interp::poll_once(fut.as_mut())
}

/// A SyntaxError for a `var` (or function) of eval code that a lexical binding already has.
fn already_declared(name: &str) -> JsValue {
    realm().error("SyntaxError", &format!("Identifier '{name}' has already been declared"))
}

/// EvalDeclarationInstantiation (19.2.1.3): `varEnv` is the global environment (sloppy code:
/// `var` and function declarations become configurable properties of the global object), a
/// function's scope (a sloppy direct eval: they become its bindings) or, for strict code,
/// `lexEnv` itself.
fn eval_declaration_instantiation(
    body: &Block,
    var_names: &[crate::ir::Name],
    var_env: &Env,
    lex_env: &Env,
    strict: bool,
) -> Result<(), JsValue> {
    let r = realm();
    let global = r.global.clone();
    drop(r);
    // Lexical declarations (`let`, `const`, `class`) are uninitialized bindings of lexEnv.
    let lexical = Block { stmts: Vec::new(), lexical: body.lexical.clone(), functions: Vec::new() };
    hoist(&lexical, lex_env);
    if strict {
        // 17 and 30: varEnv is lexEnv, a declarative environment: functions and vars are its
        // bindings.
        for name in var_names {
            if !body.lexical.iter().any(|(n, k)| n == name && *k != DeclKind::Var) {
                lex_env.declare(name, Some(JsValue::Undefined), true);
            }
        }
        let functions = Block { stmts: Vec::new(), lexical: Vec::new(), functions: body.functions.clone() };
        hoist(&functions, lex_env);
        return Ok(());
    }
    let declared = || var_names.iter().chain(body.functions.iter().map(|f| &f.name));
    // 3. If strict is false, then
    // a. If varEnv is a Global Environment Record, then for each element name of varNames:
    // i. If varEnv.HasLexicalDeclaration(name) is true, throw a SyntaxError exception.
    // (Of a function's scope, a `let`/`const` there: a sloppy function's top-level lexical
    // declarations are in an Environment Record of their own below varEnv, FunctionDeclaration-
    // Instantiation step 30, which the walk below checks.)
    for name in declared() {
        let lexical = if var_env.is_global_scope() {
            var_env.has_binding(name)
        } else if var_env.is_evaluating_parameters() {
            // An eval in a parameter initializer: the parameters (and `arguments`) are in
            // the Environment Record between lexEnv and varEnv (step 3.d).
            var_env.has_binding(name)
        } else {
            var_env.binding_is_lexical(name) == Some(true)
        };
        if lexical {
            return Err(already_declared(name));
        }
    }
    // b. Let thisEnv be lexEnv. c. Assert: the following loop will terminate.
    // d. Repeat, while thisEnv is not varEnv: i. If thisEnv is not an Object Environment
    // Record, then ... 2. For each element name of varNames: a. If ! thisEnv.HasBinding(name)
    // is true, then (B.3.4) i. If thisEnv is not the Environment Record for a Catch clause,
    // throw a SyntaxError exception. ii. Set thisEnv to thisEnv.[[OuterEnv]].
    let mut this_env = lex_env.parent().cloned();
    while let Some(env) = this_env {
        if Rc::ptr_eq(&env, var_env) {
            break;
        }
        if !env.is_object_environment() && !env.is_catch_scope() {
            for name in declared() {
                if env.has_binding(name) {
                    return Err(already_declared(name));
                }
            }
        }
        this_env = env.parent().cloned();
    }
    if !var_env.is_global_scope() {
        if !var_names.is_empty() || !body.functions.is_empty() {
            crate::interp::note_eval_bindings();
        }
        // 17.d.ii: a function: Else (varEnv is not global), i. Let bindingExists be !
        // varEnv.HasBinding(fn). ii. If bindingExists is false, then CreateMutableBinding(fn,
        // true) and InitializeBinding(fn, fo). iii. Else, SetMutableBinding(fn, fo, false).
        for f in &body.functions {
            let fo = JsValue::Object(make_function(f.clone(), lex_env.clone()));
            var_env.declare(&f.name, Some(fo), true);
        }
        // 18.a.ii: a var: 1. Let bindingExists be ! varEnv.HasBinding(vn). 2. If bindingExists
        // is false, then CreateMutableBinding(vn, true), InitializeBinding(vn, undefined).
        for name in var_names {
            if !var_env.has_binding(name) {
                var_env.declare(name, Some(JsValue::Undefined), true);
            }
        }
        return Ok(());
    }
    // 8. For each Parse Node d of varDeclarations that is a function declaration (the last
    // one of a name wins): iv. Let fnDefinable be ? varEnv.CanDeclareGlobalFunction(fn);
    // v. If fnDefinable is false, throw a TypeError exception.
    for f in &body.functions {
        if !can_declare_global_function(&global, &f.name) {
            return Err(realm().error("TypeError", &format!("Cannot redefine property: {}", f.name)));
        }
    }
    // 10. For each var name: ... i. Let vnDefinable be ? varEnv.CanDeclareGlobalVar(vn);
    // ii. If vnDefinable is false, throw a TypeError exception.
    if !global.is_extensible() {
        for name in var_names {
            if !global.has_own(&**name) {
                return Err(realm().error(
                    "TypeError",
                    &format!("Cannot define property {name}, object is not extensible"),
                ));
            }
        }
    }
    // 17. For each Parse Node f of functionsToInitialize: c. Let fo be
    // InstantiateFunctionObject(f, lexEnv, privateEnv); d. If varEnv is a Global Environment
    // Record, then i. Perform ? varEnv.CreateGlobalFunctionBinding(fn, fo, true).
    for f in &body.functions {
        let fo = JsValue::Object(make_function(f.clone(), lex_env.clone()));
        create_global_binding(&global, &f.name, Some(fo));
    }
    // 18. For each String vn of declaredVarNames: a. If varEnv is a Global Environment Record,
    // then i. Perform ? varEnv.CreateGlobalVarBinding(vn, true).
    for name in var_names {
        if !body.functions.iter().any(|f| f.name == *name) {
            create_global_binding(&global, name, None);
        }
    }
    Ok(())
}

/// CanDeclareGlobalFunction (9.1.1.4.16).
fn can_declare_global_function(global: &crate::value::Obj, name: &str) -> bool {
    // 2. Let existingProp be ? globalObject.[[GetOwnProperty]](N).
    match global.get_own_property(name) {
        // 3. If existingProp is undefined, return ? IsExtensible(globalObject).
        None => global.is_extensible(),
        // 4. If existingProp.[[Configurable]] is true, return true.
        Some(d) if d.configurable == Some(true) => true,
        // 5. If IsDataDescriptor(existingProp) is true and existingProp has attribute values
        // { [[Writable]]: true, [[Enumerable]]: true }, return true.
        Some(d) => d.is_data() && d.writable == Some(true) && d.enumerable == Some(true),
    }
}

/// CreateGlobalFunctionBinding (9.1.1.4.18) with `fo`, or CreateGlobalVarBinding (9.1.1.4.17)
/// without, both with D (deletable) true.
fn create_global_binding(global: &crate::value::Obj, name: &crate::ir::Name, fo: Option<JsValue>) {
    use crate::property::{PropertyDescriptor, PropertyKey};
    let key = PropertyKey::String(name.clone());
    let existing = global.get_own_property(&key);
    match fo {
        Some(fo) => {
            // 9.1.1.4.18 steps 3-4: a new (or configurable) property gets all attributes
            // (configurable because D is true); otherwise only its value changes.
            let desc = match existing {
                None => PropertyDescriptor::data(fo, true, true, true),
                Some(d) if d.configurable == Some(true) => PropertyDescriptor::data(fo, true, true, true),
                Some(_) => PropertyDescriptor { value: Some(fo), ..PropertyDescriptor::default() },
            };
            // 5. Perform ? DefinePropertyOrThrow(globalObject, N, desc): checked by
            // CanDeclareGlobalFunction above.
            let _ = global.define_own_property(&key, desc);
        }
        None => {
            // 9.1.1.4.17 step 3: If hasProperty is false and extensible is true, then define
            // N as { [[Value]]: undefined, writable, enumerable, configurable: D }.
            if existing.is_none() {
                let _ = global.define_own_property(
                    &key,
                    PropertyDescriptor::data(JsValue::Undefined, true, true, true),
                );
            }
        }
    }
}
