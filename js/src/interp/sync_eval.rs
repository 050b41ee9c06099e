//! The synchronous evaluator: statements and expressions of code that cannot suspend.
//!
//! The evaluator in `interp.rs` is `async` so that `await` and `yield` can suspend an async
//! function's or a generator's body; the price is a boxed future for every statement,
//! non-leaf expression and call, polled once and dropped, since almost all code never
//! suspends. Lowering marks each function whose own code has no `await`, `yield` or
//! `for await` (`FuncDef::suspends`); the body of such a plain function or arrow (and a
//! script without them) runs here instead, as ordinary recursive Rust calls, and so does each
//! statement of an async function or generator that cannot suspend (`Stmt::Sync`).
//!
//! The steps of each form are not written twice: both evaluators expand the same macros of
//! `interp.rs` (`exec_body!`, `eval_body!`, `bind_body!`, the `*_fn!` helpers), with
//! `.await` after each evaluation in the async one and nothing here, and each macro's
//! unqualified calls (`eval`, `exec`, `bind`, ...) resolving to this module's functions of
//! the same names. Only the forms that suspend differ: they cannot occur in code run here
//! (an internal error if they did), and the few rare forms whose helpers are `async`
//! elsewhere (class definitions, `super(...)`, `new` of a closure with fields) drive those
//! futures once, which always finish, as `call_sync` did before.
//!
//! The stack limit is unchanged: each statement, non-leaf expression and call checks the
//! real stack (`crate::stack::check`) as the async evaluator's futures did, and the run is on
//! the same segment ([`crate::stack::on_js_stack`]), so deep recursion is a `RangeError`.

use super::*;

/// An internal error for a suspension point met by this evaluator (lowering routes every
/// function that has one to the async evaluator).
fn cannot_suspend() -> Ctrl {
    Ctrl::Throw(realm().error("Error", "settle-js internal error: a synchronous body was suspended"))
}

/// Evaluates `expr` in `env`.
pub(super) fn eval(expr: &Expr, env: &Env) -> Res<JsValue> {
    // A name, the commonest operand, read here, before the other quick forms' dispatch.
    if let Expr::Ident(id, pos, cache) = expr {
        crate::realm::set_pos(*pos);
        return get_ident_value(id, cache, env);
    }
    if is_quick(expr) { eval_quick(expr, env) } else { eval_compound(expr, env) }
}

/// Every form but the leaves [`eval`] takes first.
fn eval_compound(expr: &Expr, env: &Env) -> Res<JsValue> {
    eval_body!(expr, env, [],
        Expr::Yield(_) | Expr::YieldStar(_) | Expr::Await(..) => return Err(cannot_suspend()),
    )
}

/// Evaluates a statement.
pub(super) fn exec(stmt: &Stmt, env: &Env) -> Res<()> {
    // An expression statement, the commonest, with `exec_body!`'s steps for it but without
    // the frame of `exec_labeled`, whose match holds every statement's state.
    if let Stmt::Expr(e) = stmt {
        crate::stack::check()?;
        // 14.5.1: Return ? GetValue(exprRef).
        let value = eval(e, env)?;
        completion::set(Some(value));
        return Ok(());
    }
    exec_labeled(stmt, env, Vec::new())
}

/// Evaluates a statement inside the labelled statements `labels`.
pub(super) fn exec_labeled(stmt: &Stmt, env: &Env, labels: Vec<Name>) -> Res<()> {
    exec_body!(stmt, env, labels, [])
}

fn exec_block(block: &Block, env: &Env) -> Res<()> {
    exec_block_body!(block, env, [])
}

/// BindingInitialization of `pattern` with `value`.
pub(super) fn bind(pattern: &Pattern, value: JsValue, env: &Env, mode: Mode) -> Res<()> {
    bind_body!(pattern, value, env, mode, [])
}

bind_iterated_fn!([] []);
eval_key_fn!([] []);
eval_member_key_fn!([] []);
with_environment_fn!([] []);
for_each_body_fn!([] []);
exec_var_fn!([] []);

/// An initializer's evaluation (the async evaluator's inlines a top-level `await`).
fn eval_operand(expr: &Expr, env: &Env) -> Res<JsValue> {
    eval(expr, env)
}
eval_args_fn!([] []);
eval_call_args_fn!([] []);
place_fn!([] []);
compound_fn!([] []);

/// `for await` only occurs in async functions.
fn for_await_of(_: &ForOfHead, _: JsValue, _: &Stmt, _: &Env, _: &[Name]) -> Res<()> {
    Err(cannot_suspend())
}

/// ClassDefinitionEvaluation (its helpers are shared with async code: a computed key may
/// `await` there).
fn class_definition_evaluation(def: &ClassDef, env: &Env) -> Res<Obj> {
    poll_once(crate::class::class_definition_evaluation(def, env))
}

/// `super(...args)`.
fn super_call(env: &Env, args: Vec<JsValue>) -> Res<JsValue> {
    poll_once(crate::class::super_call(env, args))
}

/// `new F(...args)`.
fn construct(f: &JsValue, args: Vec<JsValue>, text: &str) -> Result<JsValue, JsValue> {
    let mut fut = super::construct(f, args, text);
    poll_once(fut.as_mut())
}

/// Calls `f` with `this` and `args` and runs it to completion: every call does, a plain
/// function's body here, an async function's or generator's only up to making its promise or
/// generator object.
pub(crate) fn call_now(f: JsValue, this: JsValue, args: Vec<JsValue>) -> Result<JsValue, JsValue> {
    if let JsValue::Object(obj) = &f
        && let Class::Function(func) = obj.class()
        && let Some(result) = func.call_native(&this, &args, false)
    {
        return result;
    }
    match plain_closure(&f) {
        Some((obj, def, env)) => run_closure_framed(Invocation {
            def,
            env,
            fobj: obj.clone(),
            this,
            args: args.into(),
            frame: None,
        }),
        None => {
            let mut fut = super::call(f, this, args);
            poll_once(fut.as_mut())
        }
    }
}

/// [`call_now`] of arguments the caller keeps: a plain function's body runs with them
/// borrowed (no argument vector per call of a promise handler or a `forEach` callback).
pub(crate) fn call_slice(f: &JsValue, this: &JsValue, args: &[JsValue]) -> Result<JsValue, JsValue> {
    match plain_closure(f) {
        Some((obj, def, env)) => run_closure_framed(Invocation {
            def,
            env,
            fobj: obj.clone(),
            this: this.clone(),
            args: args.into(),
            frame: None,
        }),
        None => call_now(f.clone(), this.clone(), args.to_vec()),
    }
}

/// The function object, definition and scope of `f` if it is a closure whose call runs on
/// this evaluator (a plain function or arrow, not a class constructor).
fn plain_closure(f: &JsValue) -> Option<(&Obj, Rc<FuncDef>, Env)> {
    let JsValue::Object(obj) = f else { return None };
    match obj.class() {
        Class::Function(Func::Closure { def, env, .. })
            if def.runs_sync() && !matches!(def.kind, FuncKind::ClassConstructor { .. }) =>
        {
            Some((obj, def.clone(), env.clone()))
        }
        _ => None,
    }
}

/// [`run_closure_sync`] on the trace's call stack when the run tracks frames.
pub(super) fn run_closure_framed(call: Invocation<'_>) -> Result<JsValue, JsValue> {
    // Untraced runs (almost all) need not copy the name.
    if !crate::callstack::tracking() {
        return run_closure_sync(call);
    }
    let name = call.def.name.clone();
    crate::callstack::framed_sync(&name, || run_closure_sync(call))
}

/// Runs a plain function's body (one that cannot suspend) to completion: the same prologue
/// as [`run_closure`] ([`instantiate`]), then the body on this evaluator.
pub(crate) fn run_closure_sync(call: Invocation<'_>) -> Result<JsValue, JsValue> {
    let def = call.def.clone();
    let scope = match instantiate(call, None) {
        Ok(scope) => scope,
        Err(e) => return completion(Err(e)),
    };
    let result = match &def.body {
        Body::Expr(e) => eval(e, &scope),
        Body::Block(block) => {
            hoist(block, &scope);
            block.stmts.iter().try_for_each(|stmt| exec(stmt, &scope).map(drop)).map(|()| JsValue::Undefined)
        }
    };
    Scope::recycle(scope);
    completion(result)
}
