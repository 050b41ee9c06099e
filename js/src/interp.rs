//! The evaluator.
//!
//! Evaluation is `async`: every statement and expression evaluates to a boxed future. Only an
//! `await` inside an `async` function body ever suspends, and an async function runs as its
//! own settle task (`spawn_local`), so its `await`s resume it inside the reaction job, on the
//! exact tick JavaScript specifies. Everywhere else (the top level, plain functions called
//! from native code, promise handlers, timer callbacks) the future is polled once and is
//! always ready: [`call_sync`].

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use settle_promise::PromiseStatics;

use self::sync_eval::call_now;
use crate::bindings::{Binding, Bindings};
use crate::callstack::framed;
use crate::class::{class_definition_evaluation, super_call};
use crate::generator::{GenSlot, Generator, Resume, YieldPoint, Yielded};
use crate::ir::*;
use crate::promise::wrap_promise;
use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{Class, Func, JsPromise, JsValue, Obj};

pub(crate) type Env = Rc<Scope>;

/// Runs a statement of either evaluator: one that lowering marked [`Stmt::Sync`] (its own code
/// cannot suspend) on the synchronous evaluator, as plain calls, and any other by `exec` with
/// `$aw` after it (`.await` in the async evaluator, nothing in the synchronous one). Checked
/// here, at the call, rather than in `exec`, so that the async evaluator makes no future for
/// such a statement at all.
macro_rules! exec_stmt {
    ($stmt:expr, $env:expr, [$($aw:tt)*]) => {
        {
            let stmt: &Stmt = &$stmt;
            match stmt {
                Stmt::Sync(inner) => sync_eval::exec(inner, $env),
                stmt => exec(stmt, $env) $($aw)*,
            }
        }
    };
}

/// The role of a scope for a direct eval's declarations.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    /// A function's, script's or strict eval's variable environment.
    Var,
    /// A block's (or a loop's, a class's, a sloppy eval's lexical one, a `with`'s).
    Block,
    /// A `catch` clause's parameter scope.
    Catch,
    /// A named function expression's own name (funcEnv).
    FunctionName,
    /// A sloppy function's scope while its parameters with initializers are evaluated: its
    /// bindings (the parameters, `arguments`) are then in an Environment Record of their own
    /// (FunctionDeclarationInstantiation step 20), which a direct eval's `var` may not bind.
    Parameters,
    /// The global Environment Record's declarative part (a classic script's top level, or
    /// the one an indirect eval makes under Node's module imitation): `var`s of an eval
    /// there become properties of the global object.
    Global,
}

pub(crate) struct Scope {
    vars: RefCell<Bindings>,
    parent: Option<Env>,
    /// The function Environment Record's fields (9.1.1.3) of a function or script scope;
    /// `None` for blocks and arrow functions, which see their parent's.
    pub(crate) frame: Option<Rc<Frame>>,
    /// A generator's slot, in the scope of its body.
    generator: Option<Rc<GenSlot>>,
    /// Whether the code of this scope is strict mode code (11.2.2): inherited by blocks,
    /// set by functions.
    strict: bool,
    /// Its slot in the realm's heap registry (`heap.rs`), emptied when it drops.
    heap_slot: Cell<u32>,
    /// What the scope is to a direct eval (EvalDeclarationInstantiation, 19.2.1.3).
    kind: Cell<ScopeKind>,
    /// Whether code may run in this scope before all its bindings exist (a function with
    /// parameter expressions, a loop's or `catch`'s pattern with defaults or computed keys): then
    /// each binding created in it advances the binding epoch ([`bump_binding_epoch`]).
    late: Cell<bool>,
    /// The [[BindingObject]] of an object Environment Record (9.1.1.2) made by `with`: the
    /// scope's bindings are then this object's properties (`object_env.rs`), not `vars`.
    object: Option<Obj>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let slot = self.heap_slot.get();
        // Most scopes of plain functions' calls were never registered (`heap::register_scope`).
        if slot < crate::heap::NOT_YET {
            crate::heap::unregister_scope(slot, self);
        }
    }
}

thread_local! {
    /// Scopes of finished calls, kept for reuse ([`Scope::recycle`]).
    static SPARE_SCOPES: RefCell<Vec<Env>> = const { RefCell::new(Vec::new()) };
    /// Frames of finished calls, kept for reuse ([`Frame::recycle`]).
    static SPARE_FRAMES: RefCell<Vec<Rc<Frame>>> = const { RefCell::new(Vec::new()) };
}

/// How many spare scopes (and frames) are kept: as deep as the calls that finish one after
/// another usually nest; more would only hold memory.
const SPARE_SCOPES_MAX: usize = 16;

/// Puts a finished call's emptied scope or frame on its spare list, unless the list is full.
fn keep_spare<T: 'static>(list: &'static std::thread::LocalKey<RefCell<Vec<T>>>, item: T) {
    list.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.len() < SPARE_SCOPES_MAX {
            spare.push(item);
        }
    });
}

/// A function call's (or the script's) `this`, `new.target`, active function and home object.
pub(crate) struct Frame {
    /// [[ThisValue]]; `None` while uninitialized ([[ThisBindingStatus]] uninitialized: a
    /// derived constructor before `super()`).
    pub(crate) this: RefCell<Option<JsValue>>,
    /// [[NewTarget]]: the constructor `new` was applied to, or undefined for a call.
    pub(crate) new_target: JsValue,
    /// [[FunctionObject]].
    pub(crate) function: Option<Obj>,
    /// The function's [[HomeObject]] (methods), for `super.x`.
    pub(crate) home: Option<Obj>,
}

impl Frame {
    pub(crate) fn new(
        this: Option<JsValue>,
        new_target: JsValue,
        function: Option<Obj>,
        home: Option<Obj>,
    ) -> Rc<Frame> {
        match SPARE_FRAMES.with(|spare| spare.borrow_mut().pop()) {
            Some(mut spare) => {
                let frame = Rc::get_mut(&mut spare).expect("a spare frame is held by its list only");
                *frame.this.get_mut() = this;
                frame.new_target = new_target;
                frame.function = function;
                frame.home = home;
                spare
            }
            None => Rc::new(Frame { this: RefCell::new(this), new_target, function, home }),
        }
    }

    /// Keeps a finished call's frame for the next [`Frame::new`] if nothing else holds it
    /// (see [`Scope::recycle`]).
    fn recycle(mut frame: Rc<Frame>) {
        let Some(f) = Rc::get_mut(&mut frame) else { return };
        *f.this.get_mut() = None;
        f.new_target = JsValue::Undefined;
        f.function = None;
        f.home = None;
        keep_spare(&SPARE_FRAMES, frame);
    }
}

impl Scope {
    /// A block's scope.
    pub(crate) fn new(parent: Option<Env>) -> Env {
        let strict = parent.as_ref().is_some_and(|p| p.strict);
        Scope::new_block(parent, strict)
    }

    /// A block's scope with the given strictness (a class body's is strict).
    pub(crate) fn new_block(parent: Option<Env>, strict: bool) -> Env {
        // Registered now only if its parent is: the blocks of a plain function's call are
        // registered with it, when a closure captures them (`heap::register_scope`).
        let lazy = parent.as_ref().is_some_and(|p| p.heap_slot.get() == crate::heap::NOT_YET);
        let scope = Scope::build(parent, None, None, strict, lazy);
        scope.kind.set(ScopeKind::Block);
        scope
    }

    /// Whether this scope is a function's (or a script's, or a strict eval's) variable
    /// environment, where `var`s go.
    pub(crate) fn is_var_scope(&self) -> bool {
        matches!(self.kind.get(), ScopeKind::Var | ScopeKind::Parameters)
    }

    /// Whether parameter initializers are running in this (a sloppy function's) scope.
    pub(crate) fn is_evaluating_parameters(&self) -> bool {
        self.kind.get() == ScopeKind::Parameters
    }

    /// Whether the code of this scope is strict mode code.
    pub(crate) fn is_strict(&self) -> bool {
        self.strict
    }

    /// Whether this is the global Environment Record's declarative part.
    pub(crate) fn is_global_scope(&self) -> bool {
        self.kind.get() == ScopeKind::Global
    }

    /// Marks this scope as the global Environment Record's declarative part.
    pub(crate) fn mark_global(&self) {
        self.kind.set(ScopeKind::Global);
    }

    /// Whether this is a `catch` clause's scope (B.3.4: a direct eval's `var` may bind the
    /// name of its parameter).
    pub(crate) fn is_catch_scope(&self) -> bool {
        self.kind.get() == ScopeKind::Catch
    }

    /// Whether this is a `with` statement's object Environment Record.
    pub(crate) fn is_object_environment(&self) -> bool {
        self.object.is_some()
    }

    /// The enclosing scope.
    pub(crate) fn parent(&self) -> Option<&Env> {
        self.parent.as_ref()
    }

    /// The binding `name` of this scope, if it has one, and whether it is lexical.
    pub(crate) fn binding_is_lexical(&self, name: &str) -> Option<bool> {
        self.vars.borrow().get(name).map(|b| b.lexical)
    }

    /// NewObjectEnvironment(O, true, E) (9.1.2.3) for a `with` statement: a scope whose
    /// bindings are the properties of `object`.
    pub(crate) fn new_object_environment(object: Obj, parent: Env) -> Env {
        let strict = parent.strict;
        // The object holds no scope, so this one can wait for a capture as a block does.
        let lazy = parent.heap_slot.get() == crate::heap::NOT_YET;
        let scope = Rc::new(Scope {
            vars: RefCell::new(Bindings::default()),
            parent: Some(parent),
            frame: None,
            generator: None,
            strict,
            heap_slot: Cell::new(crate::heap::NOT_YET),
            kind: Cell::new(ScopeKind::Block),
            late: Cell::new(false),
            object: Some(object),
        });
        if !lazy {
            scope.heap_slot.set(crate::heap::register_scope(&scope));
        }
        scope
    }

    /// A function's (or script's, or eval's) scope, registered with the heap now.
    pub(crate) fn make(
        parent: Option<Env>,
        frame: Option<Rc<Frame>>,
        generator: Option<Rc<GenSlot>>,
        strict: bool,
    ) -> Env {
        Scope::build(parent, frame, generator, strict, false)
    }

    /// A scope; registered with the heap now unless `lazy` (then when a closure captures it:
    /// [`Scope::capture`]). Every scope up the chain of a registered one is registered, so
    /// that a capture's walk can stop at the first registered scope.
    fn build(
        parent: Option<Env>,
        frame: Option<Rc<Frame>>,
        generator: Option<Rc<GenSlot>>,
        strict: bool,
        lazy: bool,
    ) -> Env {
        if !lazy && let Some(parent) = &parent {
            parent.capture();
        }
        let scope = match SPARE_SCOPES.with(|spare| spare.borrow_mut().pop()) {
            Some(mut spare) => {
                // As `recycle` left it: no bindings, no parent, frame or generator, and
                // every other field as below.
                let s = Rc::get_mut(&mut spare).expect("a spare scope is held by its list only");
                s.parent = parent;
                s.frame = frame;
                s.generator = generator;
                s.strict = strict;
                spare
            }
            None => Rc::new(Scope {
                vars: RefCell::new(Bindings::default()),
                parent,
                frame,
                generator,
                strict,
                heap_slot: Cell::new(crate::heap::NOT_YET),
                kind: Cell::new(ScopeKind::Var),
                late: Cell::new(false),
                object: None,
            }),
        };
        if !lazy {
            scope.heap_slot.set(crate::heap::register_scope(&scope));
        }
        scope
    }

    /// Keeps a finished call's scope for the next [`Scope::build`] if nothing else holds it
    /// (no closure captured it, so it was never registered with the heap either): its
    /// bindings, parent and frame are dropped now, as they would be with it, and its
    /// allocation and binding list are reused. Calls are the commonest allocation of a
    /// script; a callback's scope freed while 10^5 promises are live takes glibc's slow
    /// paths (about 300 instructions a call, callgrind of W3, 2026-12-07).
    pub(crate) fn recycle(mut env: Env) {
        // A registered scope is also held by the registry's `Weak`, so `get_mut` refuses it.
        let Some(scope) = Rc::get_mut(&mut env) else { return };
        if scope.object.is_some() || scope.heap_slot.get() != crate::heap::NOT_YET {
            return;
        }
        scope.vars.get_mut().reset();
        scope.parent = None;
        if let Some(frame) = scope.frame.take() {
            Frame::recycle(frame);
        }
        scope.generator = None;
        scope.kind.set(ScopeKind::Var);
        scope.late.set(false);
        keep_spare(&SPARE_SCOPES, env);
    }

    /// Registers this scope and every scope up its chain that is not registered yet: called
    /// when something in the heap comes to hold it (a closure's `env`, a class constructor's,
    /// a mapped arguments object), after which it may be part of a cycle that only the
    /// end-of-run sweep breaks (`heap.rs`).
    pub(crate) fn capture(self: &Rc<Scope>) {
        let mut scope = Some(self);
        while let Some(s) = scope
            && s.heap_slot.get() == crate::heap::NOT_YET
        {
            s.heap_slot.set(crate::heap::register_scope(s));
            scope = s.parent.as_ref();
        }
    }

    /// Drops the bindings (when the run ends: see `heap.rs`).
    pub(crate) fn clear(&self) {
        let vars = self.vars.borrow_mut().take();
        drop(vars);
    }

    /// Creates a binding unless the scope already has one by that name (then `value`, if
    /// given, replaces the old value).
    pub(crate) fn declare(&self, name: &Name, value: Option<JsValue>, mutable: bool) {
        let mut vars = self.vars.borrow_mut();
        match vars.get_mut(name) {
            Some(b) => {
                if value.is_some() {
                    b.value = value;
                }
                b.mutable = mutable;
            }
            None => {
                if self.late.get() {
                    bump_binding_epoch();
                }
                vars.push(Binding { name: name.clone(), value, mutable, lexical: false, arguments: None })
            }
        }
    }

    fn has(&self, name: &str) -> bool {
        self.vars.borrow().get(name).is_some()
    }

    /// Sets a parameter's binding in this scope without writing through to the arguments
    /// object (the write came from it: `arguments.rs`).
    pub(crate) fn set_parameter(&self, name: &Name, value: JsValue) {
        if let Some(b) = self.vars.borrow_mut().get_mut(name) {
            b.value = Some(value);
        }
    }

    /// Ties a parameter's binding to element `index` of a mapped arguments object.
    fn map_parameter(&self, name: &Name, arguments: &Obj, index: usize) {
        if let Some(b) = self.vars.borrow_mut().get_mut(name) {
            b.arguments = Some((arguments.clone(), index));
        }
    }

    /// HasBinding (9.1.1.1.1) of this scope alone.
    pub(crate) fn has_binding(&self, name: &str) -> bool {
        self.has(name)
    }
}

/// Abrupt completions.
pub(crate) enum Ctrl {
    Throw(JsValue),
    Return(JsValue),
    Break(Option<Name>),
    Continue(Option<Name>),
    /// An optional chain met `null` or `undefined`.
    Short,
}

impl From<JsValue> for Ctrl {
    fn from(v: JsValue) -> Ctrl {
        Ctrl::Throw(v)
    }
}

pub(crate) type Res<T> = Result<T, Ctrl>;
pub(crate) type Fut<'a, T> = Pin<Box<dyn Future<Output = Res<T>> + 'a>>;
/// A call in progress: `Err` is a thrown value.
pub(crate) type CallFuture = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

fn type_error(message: &str) -> Ctrl {
    Ctrl::Throw(realm().error("TypeError", message))
}

fn reference_error(message: &str) -> Ctrl {
    Ctrl::Throw(realm().error("ReferenceError", message))
}

/// Calls a function and drives it to completion at once: for native code calling back into
/// the script (handlers, timer callbacks, getters, `map`...). Never suspends, because only
/// async function bodies await, and those run as tasks of their own.
pub(crate) fn call_sync(f: &JsValue, this: &JsValue, args: &[JsValue]) -> Result<JsValue, JsValue> {
    // A native function is called as `call` would (the stack check, then the function), but
    // without the argument vector and the finished future's box `call` makes for it: most
    // of the calls from settle-promise's jobs are resolving and element functions.
    if let JsValue::Object(obj) = f
        && let Class::Function(func) = obj.class()
        && let Some(result) = func.call_native(this, args, false)
    {
        return result;
    }
    sync_eval::call_slice(f, this, args)
}

/// Drives `fut`, the future of code that cannot suspend (no `await` or `yield`: lowering
/// sends such code to the async evaluator), to its completion in one poll; a pending future
/// is settle-js's internal error.
pub(crate) fn poll_once<T, E: From<JsValue>>(fut: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    let mut fut = std::pin::pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(r) => r,
        Poll::Pending => {
            Err(realm().error("Error", "settle-js internal error: a synchronous call was suspended").into())
        }
    }
}

/// Calls `f` with `this` and `args`.
pub(crate) fn call(f: JsValue, this: JsValue, args: Vec<JsValue>) -> CallFuture {
    let JsValue::Object(obj) = &f else {
        let text = crate::inspect::inspect(&f);
        return Box::pin(std::future::ready(Err(
            realm().error("TypeError", &format!("{text} is not a function"))
        )));
    };
    if let Class::Function(func) = obj.class()
        && let Some(result) = func.call_native(&this, &args, false)
    {
        return Box::pin(std::future::ready(result));
    }
    match obj.class() {
        Class::Function(Func::Bound(bound)) => {
            let mut all = bound.args.clone();
            all.extend(args);
            call(bound.target.clone(), bound.this.clone(), all)
        }
        Class::Function(Func::Closure { def, env, .. }) => {
            // 10.2.1 [[Call]] step 2: If F.[[IsClassConstructor]] is true, throw a TypeError.
            if matches!(def.kind, FuncKind::ClassConstructor { .. }) {
                let message = format!("Class constructor {} cannot be invoked without 'new'", def.name);
                return Box::pin(std::future::ready(Err(realm().error("TypeError", &message))));
            }
            let call = Invocation {
                def: def.clone(),
                env: env.clone(),
                fobj: obj.clone(),
                this,
                args: args.into(),
                frame: None,
            };
            if def.is_generator {
                // 27.5.3.1 GeneratorStart / 27.6.3.2 AsyncGeneratorStart: the body, suspended
                // at its start (suspended-start).
                let slot = Rc::new(GenSlot::new(def.is_async));
                let mut body = framed(&def.name, Box::pin(run_closure(call, Some(slot.clone()))));
                // 1. Perform ? FunctionDeclarationInstantiation(functionObject, argumentsList):
                // the parameters are bound now, up to the StartPoint.
                if let Poll::Ready(Err(e)) = body.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
                    return Box::pin(std::future::ready(Err(e)));
                }
                let proto = match obj.get("prototype") {
                    Ok(JsValue::Object(p)) => p,
                    _ if def.is_async => realm().async_generator_proto.clone(),
                    _ => realm().generator_proto.clone(),
                };
                let generator = Obj::new(Class::Generator(Generator::new(body, slot)), Some(proto));
                return Box::pin(std::future::ready(Ok(JsValue::Object(generator))));
            }
            if def.is_async {
                let promise = if crate::callstack::tracking() {
                    JsPromise::from_future(framed(&def.name, Box::pin(run_closure(call, None))))
                } else {
                    JsPromise::from_future(async move { run_closure(call, None).await })
                };
                Box::pin(std::future::ready(Ok(wrap_promise(promise))))
            } else {
                Box::pin(std::future::ready(sync_eval::run_closure_framed(call)))
            }
        }
        _ => {
            let text = crate::inspect::inspect(&f);
            Box::pin(std::future::ready(
                Err(realm().error("TypeError", &format!("{text} is not a function"))),
            ))
        }
    }
}

/// A call of a closure: what [[Call]] and [[Construct]] hand to its body.
pub(crate) struct Invocation<'a> {
    pub(crate) def: Rc<FuncDef>,
    pub(crate) env: Env,
    pub(crate) fobj: Obj,
    pub(crate) this: JsValue,
    /// The arguments: borrowed from a caller that runs the body at once (`call_sync`'s
    /// callers keep theirs), owned by a body that may outlive it (an async function's).
    pub(crate) args: std::borrow::Cow<'a, [JsValue]>,
    /// The frame [[Construct]] made (so it can read `this` afterwards); a call makes its own.
    pub(crate) frame: Option<Rc<Frame>>,
}

/// Runs a closure's body on the async evaluator (async functions, generators): binds `this`,
/// `arguments` and the parameters, hoists declarations. A plain function's body runs on the
/// synchronous one instead ([`run_closure_sync`]); both begin with [`instantiate`].
pub(crate) async fn run_closure(
    call: Invocation<'static>,
    generator: Option<Rc<GenSlot>>,
) -> Result<JsValue, JsValue> {
    let is_generator_body = generator.is_some();
    let def = call.def.clone();
    let result = match instantiate(call, generator) {
        Ok(scope) => {
            async {
                // A generator's body waits here, after FunctionDeclarationInstantiation, for
                // its first resumption (suspended-start): EvaluateGeneratorBody (15.5.2) and
                // EvaluateAsyncGeneratorBody (15.6.2) step 1 run at the call, so a throwing
                // parameter default throws from the call itself.
                if is_generator_body {
                    crate::generator::StartPoint::default().await;
                }
                match &def.body {
                    Body::Expr(e) => eval(e, &scope).await,
                    Body::Block(block) => {
                        hoist(block, &scope);
                        for stmt in &block.stmts {
                            exec_stmt!(stmt, &scope, [.await])?;
                        }
                        Ok(JsValue::Undefined)
                    }
                }
            }
            .await
        }
        Err(e) => Err(e),
    };
    completion(result)
}

/// A function body's completion as the call's result: a `return`'s value, a throw, or
/// undefined.
fn completion(result: Res<JsValue>) -> Result<JsValue, JsValue> {
    match result {
        Ok(v) | Err(Ctrl::Return(v)) => Ok(v),
        Err(Ctrl::Throw(e)) => Err(e),
        Err(_) => Ok(JsValue::Undefined),
    }
}

/// What [`instantiate`] works out once per function definition, on its first call.
#[derive(Debug)]
pub(crate) struct Prologue {
    /// FunctionDeclarationInstantiation step 8: hasParameterExpressions is ContainsExpression
    /// of formals (a default, or a pattern's initializer or computed key).
    has_parameter_expressions: bool,
    /// The parameters are distinct plain names without defaults, with no rest parameter, and
    /// the call makes no `arguments` object: steps 21-27 then only bind each name to its
    /// argument and each other `var` to undefined, with no search for an existing binding.
    simple: bool,
    /// With `simple`, the `var` names that are not parameters'.
    fresh_vars: Vec<Name>,
}

/// The [`Prologue`] of `def`.
fn prologue(def: &FuncDef) -> &Prologue {
    def.prologue.get_or_init(|| {
        let has_parameter_expressions = def.params.iter().any(|p| {
            p.default.is_some()
                || !matches!(p.pattern, Pattern::Ident(_)) && pattern_has_expressions(&p.pattern)
        }) || def.rest.as_ref().is_some_and(pattern_has_expressions);
        let names: Vec<&Name> = def
            .params
            .iter()
            .filter_map(|p| match (&p.pattern, &p.default) {
                (Pattern::Ident(name), None) => Some(name),
                _ => None,
            })
            .collect();
        let simple = names.len() == def.params.len()
            && def.rest.is_none()
            && (!def.uses_arguments || def.is_arrow)
            && names.iter().enumerate().all(|(i, n)| !names[..i].contains(n));
        let fresh_vars = if simple {
            def.var_names.iter().filter(|v| !names.contains(v)).cloned().collect()
        } else {
            Vec::new()
        };
        Prologue { has_parameter_expressions, simple, fresh_vars }
    })
}

/// The prologue of every closure call, for both evaluators: the stack check, `this`
/// (OrdinaryCallBindThis), the function scope, `arguments` and
/// FunctionDeclarationInstantiation (10.2.11) up to the body. Parameter initializers never
/// suspend (`await` and `yield` are early errors in them), so they are evaluated by the
/// synchronous evaluator even for an async function or a generator, whose body then runs
/// on the async one. Returns the scope the body runs in.
fn instantiate(call: Invocation<'_>, generator: Option<Rc<GenSlot>>) -> Res<Env> {
    let Invocation { def, env, fobj, this, args, frame } = call;
    // Calls of every kind (plain, async, generator bodies) nest on the machine stack.
    crate::stack::check()?;
    let r = realm();
    r.step()?;
    let home = match fobj.class() {
        Class::Function(Func::Closure { home, .. }) => home.clone(),
        _ => None,
    };
    // A plain function's call scope is registered with the heap only if a closure captures
    // it (`heap::register_scope`); an async function's or a generator's body may be held by
    // its task or generator object, so its scopes are registered at once.
    let lazy = generator.is_none() && def.runs_sync();
    let env = if def.self_binding {
        // 15.2.5 InstantiateOrdinaryFunctionExpression step 5 (15.6.4 for async generators):
        // funcEnv.CreateImmutableBinding(name, false): not a strict binding, so a sloppy
        // assignment to it is ignored (9.1.1.1.5 step 5.b).
        let strict = env.strict;
        let named = Scope::build(Some(env), None, None, strict, lazy);
        named.kind.set(ScopeKind::FunctionName);
        named.declare(&def.name, Some(JsValue::Object(fobj.clone())), false);
        named
    } else {
        env
    };
    let frame = if def.is_arrow {
        None
    } else if let Some(frame) = frame {
        Some(frame)
    } else if !def.strict && this.is_nullish() {
        // OrdinaryCallBindThis (10.2.1.2) step 6: sloppy code sees the global object for
        // undefined or null, and a wrapper object for other primitives; strict code sees
        // thisArgument as it is.
        Some(Frame::new(
            Some(JsValue::Object(r.global.clone())),
            JsValue::Undefined,
            Some(fobj.clone()),
            home,
        ))
    } else if !def.strict && !matches!(this, JsValue::Object(_)) {
        // Step 6.b: Let thisValue be ! ToObject(thisArgument).
        let boxed = crate::builtins::to_object(&this)?;
        Some(Frame::new(Some(JsValue::Object(boxed)), JsValue::Undefined, Some(fobj.clone()), home))
    } else {
        Some(Frame::new(Some(this), JsValue::Undefined, Some(fobj.clone()), home))
    };
    let scope = Scope::build(Some(env), frame, generator, def.strict, lazy);
    let prologue = prologue(&def);
    if prologue.simple {
        drop(r);
        // Steps 21-27 for a list of distinct names and no `arguments` object: each
        // parameter's binding initialized to its argument (IteratorBindingInitialization of
        // a plain name), then each other `var` to undefined, in the order the general path
        // below would create them (a reference's cached slot depends on it).
        let mut vars = scope.vars.borrow_mut();
        let count = def.params.len() + prologue.fresh_vars.len();
        if count > 1 {
            vars.reserve(count);
        }
        for (i, param) in def.params.iter().enumerate() {
            let Pattern::Ident(name) = &param.pattern else { unreachable!("a simple parameter list") };
            let value = Some(args.get(i).cloned().unwrap_or_default());
            vars.push(Binding { name: name.clone(), value, mutable: true, lexical: false, arguments: None });
        }
        for name in &prologue.fresh_vars {
            let value = Some(JsValue::Undefined);
            vars.push(Binding { name: name.clone(), value, mutable: true, lexical: false, arguments: None });
        }
        drop(vars);
        return Ok(scope);
    }
    let has_parameter_expressions = prologue.has_parameter_expressions;
    // Parameter expressions run before the parameters after them (and the `var`s and the
    // body's declarations) are bound.
    if has_parameter_expressions {
        scope.late.set(true);
    }
    let mut mapped = Vec::new();
    if def.uses_arguments && !def.is_arrow {
        drop(r);
        let (arguments, map) = crate::arguments::create_arguments_object(&def, &fobj, &args, &scope);
        mapped = map.into_iter().map(|(name, i)| (name, i, arguments.clone())).collect();
        scope.declare(&Name::from("arguments"), Some(JsValue::Object(arguments)), true);
    } else {
        drop(r);
    }
    // The parameters and `var`s (FunctionDeclarationInstantiation steps 20-28).
    let scope = {
        // FunctionDeclarationInstantiation step 20: a sloppy function's parameter expressions
        // run with the parameters in an Environment Record of their own.
        let parameter_expressions = !def.strict && has_parameter_expressions;
        if parameter_expressions {
            scope.kind.set(ScopeKind::Parameters);
            // Step 21: each parameter name gets its (uninitialized) binding first, so an
            // initializer sees a later parameter in its temporal dead zone and an eval's
            // `var` of its name conflicts.
            let mut names = Vec::new();
            for p in &def.params {
                crate::lower::pattern_names(&p.pattern, &mut names);
            }
            if let Some(rest) = &def.rest {
                crate::lower::pattern_names(rest, &mut names);
            }
            for name in &names {
                if !scope.has(name) {
                    scope.declare(name, None, true);
                }
            }
        }
        for (i, param) in def.params.iter().enumerate() {
            let mut value = args.get(i).cloned().unwrap_or_default();
            if matches!(value, JsValue::Undefined)
                && let Some(default) = &param.default
            {
                value = sync_eval::eval(default, &scope)?;
            }
            match &param.pattern {
                // What `bind` does for a name, without its dispatch: most parameters.
                Pattern::Ident(name) => scope.declare(name, Some(value), true),
                pattern => sync_eval::bind(pattern, value, &scope, Mode::Declare(true))?,
            }
        }
        for (name, index, arguments) in &mapped {
            scope.map_parameter(name, arguments, *index);
        }
        if let Some(rest) = &def.rest {
            let items = args.get(def.params.len()..).map(<[JsValue]>::to_vec).unwrap_or_default();
            sync_eval::bind(rest, realm().new_array(items), &scope, Mode::Declare(true))?;
        }
        if parameter_expressions {
            scope.kind.set(ScopeKind::Var);
        }
        if has_parameter_expressions {
            // Step 28.a: a separate Environment Record is needed to ensure that closures
            // created by expressions in the formal parameter list do not have visibility of
            // declarations in the function body.
            // Step 28.b-c: let varEnv be NewDeclarativeEnvironment(env); it is the
            // VariableEnvironment (where the body's `var`s, functions and a direct eval's
            // `var`s go).
            let var_env = Scope::build(Some(scope.clone()), None, None, def.strict, lazy);
            // parameterBindings: the parameter names, and `arguments` when the object was
            // made (not a binding a direct eval in an initializer added).
            let mut parameter_bindings = Vec::new();
            for p in &def.params {
                crate::lower::pattern_names(&p.pattern, &mut parameter_bindings);
            }
            if let Some(rest) = &def.rest {
                crate::lower::pattern_names(rest, &mut parameter_bindings);
            }
            if def.uses_arguments && !def.is_arrow {
                parameter_bindings.push(Name::from("arguments"));
            }
            var_env.vars.borrow_mut().reserve(def.var_names.len());
            for name in &def.var_names {
                // Step 28.e.i.2-4: varEnv.CreateMutableBinding(n, false); the initial value is
                // undefined unless n is in parameterBindings (the parameters, and `arguments`
                // when the object was made) and not in functionNames: then
                // ! env.GetBindingValue(n, false) (a `var` of a parameter's name starts with
                // the parameter's value).
                let parameter = parameter_bindings
                    .contains(name)
                    .then(|| scope.vars.borrow().get(name).and_then(|b| b.value.clone()))
                    .flatten();
                let function =
                    matches!(&def.body, Body::Block(b) if b.functions.iter().any(|f| f.name == *name));
                let value = parameter.filter(|_| !function).unwrap_or_default();
                var_env.declare(name, Some(value), true);
            }
            var_env
        } else {
            // Step 27: one Environment Record for the parameters and the `var`s; a `var` of a
            // parameter's name is the parameter.
            scope.vars.borrow_mut().reserve(def.var_names.len());
            for name in &def.var_names {
                if !scope.has(name) {
                    scope.declare(name, Some(JsValue::Undefined), true);
                }
            }
            scope.clone()
        }
    };
    Ok(scope)
}

/// Runs a script's top level.
pub(crate) fn run_script(script: &Script, this: JsValue) -> Result<JsValue, JsValue> {
    let r = realm();
    let frame = Frame::new(Some(this), JsValue::Undefined, None, None);
    let global_scope = Scope::make(None, Some(frame), None, script.body.strict);
    let classic = r.script.then(|| r.global.clone());
    if classic.is_some() {
        global_scope.mark_global();
        *r.global_env.borrow_mut() = Some(global_scope.clone());
    }
    drop(r);
    let def = script.body.clone();
    let fut: CallFuture = Box::pin(async move {
        let Body::Block(block) = &def.body else { return Ok(JsValue::Undefined) };
        match &classic {
            // GlobalDeclarationInstantiation (16.1.7), steps 16-17: function declarations
            // (CreateGlobalFunctionBinding) and then `var` names (CreateGlobalVarBinding)
            // become properties of the global object; `let`/`const` stay in the lexical scope.
            // V8 creates them in source order instead; the spec's order (functions first) shows
            // in Object.keys(globalThis).
            Some(global) => {
                let lexical =
                    Block { stmts: Vec::new(), lexical: block.lexical.clone(), functions: Vec::new() };
                hoist(&lexical, &global_scope);
                for f in &block.functions {
                    let value = JsValue::Object(make_function(f.clone(), global_scope.clone()));
                    global.define(&f.name, value, true);
                }
                for name in &def.var_names {
                    if !global.has_own(name) {
                        global.define(name, JsValue::Undefined, true);
                    }
                }
            }
            None => {
                global_scope.vars.borrow_mut().reserve(def.var_names.len());
                for name in &def.var_names {
                    global_scope.declare(name, Some(JsValue::Undefined), true);
                }
                hoist(block, &global_scope);
            }
        }
        for stmt in &block.stmts {
            // A script without `await` (every classic script) runs on the synchronous
            // evaluator.
            let completion = if def.suspends {
                exec(stmt, &global_scope).await
            } else {
                sync_eval::exec(stmt, &global_scope)
            };
            match completion {
                Ok(()) => {}
                Err(Ctrl::Throw(e)) => return Err(e),
                Err(_) => return Ok(JsValue::Undefined),
            }
        }
        Ok(JsValue::Undefined)
    });
    let mut fut = framed(&Name::from("(top level)"), fut);
    poll_once(fut.as_mut())
}

/// Creates a block's lexical bindings (uninitialized) and its function declarations.
pub(crate) fn hoist(block: &Block, scope: &Env) {
    for (name, kind) in &block.lexical {
        if *kind != DeclKind::Var {
            if scope.late.get() {
                bump_binding_epoch();
            }
            let mut vars = scope.vars.borrow_mut();
            vars.remove(name);
            vars.push(Binding {
                name: name.clone(),
                value: None,
                mutable: *kind == DeclKind::Let,
                lexical: true,
                arguments: None,
            });
        }
    }
    for def in &block.functions {
        let f = make_function(def.clone(), scope.clone());
        scope.declare(&def.name, Some(JsValue::Object(f)), true);
    }
}

/// A function object for a closure.
pub(crate) fn make_function(def: Rc<FuncDef>, env: Env) -> Obj {
    make_method(def, env, None)
}

/// A function object for a closure with a [[HomeObject]] (a class's or object literal's
/// method).
pub(crate) fn make_method(def: Rc<FuncDef>, env: Env, home: Option<Obj>) -> Obj {
    let r = realm();
    let constructor = def.is_constructor();
    let (is_generator, is_async) = (def.is_generator, def.is_async);
    // SetFunctionLength (10.2.10) and SetFunctionName (10.2.9): { [[Writable]]: false,
    // [[Enumerable]]: false, [[Configurable]]: true }, `length` first: implied by the
    // definition until used (`Obj::new_function`).
    // The closure holds its scope: it may now be part of a cycle (`heap::register_scope`).
    env.capture();
    let f = Obj::new_function(Func::Closure { def, env, home, class: None }, r.function_proto.clone());
    if is_generator {
        // 15.5.3 InstantiateGeneratorFunctionExpression: a prototype inheriting from
        // %GeneratorPrototype%, { [[Writable]]: true, [[Enumerable]]: false, [[Configurable]]: false }.
        // 15.6.4 InstantiateAsyncGeneratorFunctionExpression: %AsyncGeneratorPrototype%.
        let parent = if is_async { r.async_generator_proto.clone() } else { r.generator_proto.clone() };
        let proto = Obj::new(Class::Object, Some(parent));
        f.define_new(&r.prototype_key, JsValue::Object(proto), true, false, false);
    } else if constructor {
        // MakeConstructor (10.2.5): the same attributes; the prototype's `constructor` is
        // writable and configurable, not enumerable.
        let proto = r.new_object();
        proto.define(&r.constructor_key, JsValue::Object(f.clone()), false);
        f.define_new(&r.prototype_key, JsValue::Object(proto), true, false, false);
    }
    f
}

/// Where ResolveBinding (9.4.2) found a name: the Environment Record that has it.
pub(crate) enum Resolved {
    /// A declarative (or function) scope holding the binding.
    Declarative(Env),
    /// An object Environment Record of a `with` (its [[BindingObject]]).
    Object(Obj),
    /// A property of the global object.
    Global,
}

/// ResolveBinding(name) (9.4.2) through GetIdentifierReference (9.1.2.1): walks the scope
/// chain asking each Environment Record's HasBinding; `None` is an unresolvable reference.
/// An object record's HasBinding may run user code (a getter, `Symbol.unscopables`).
pub(crate) fn resolve_binding(env: &Env, name: &str) -> Res<Option<Resolved>> {
    let mut scope = Some(env.clone());
    while let Some(s) = scope {
        // 2. Let exists be ? env.HasBinding(name).
        let exists = match &s.object {
            Some(object) => {
                if crate::object_env::has_binding(object, name)? {
                    return Ok(Some(Resolved::Object(object.clone())));
                }
                false
            }
            None => s.has(name),
        };
        // 3. If exists is true, return the Reference Record { [[Base]]: env, ... }.
        if exists {
            return Ok(Some(Resolved::Declarative(s)));
        }
        // 4. Else, let outer be env.[[OuterEnv]]; return ? GetIdentifierReference(outer, ...).
        scope = s.parent.clone();
    }
    // The global Environment Record's object part (its declarative part is the script scope).
    Ok(if realm().global.has_property(name) { Some(Resolved::Global) } else { None })
}

thread_local! {
    /// Whether a sloppy direct eval has created a binding in one of the script's scopes on
    /// this thread (EvalDeclarationInstantiation's `var`s and functions in a function's
    /// variable environment): from then on a name the script binds nowhere may still be bound
    /// in a scope, so [`get_ident`] asks the scopes again. Never cleared.
    static EVAL_BINDINGS: Cell<bool> = const { Cell::new(false) };
}

/// Notes that eval code is creating bindings in an existing variable environment (see
/// [`EVAL_BINDINGS`]); that is also a late binding ([`bump_binding_epoch`]).
pub(crate) fn note_eval_bindings() {
    EVAL_BINDINGS.with(|b| b.set(true));
    bump_binding_epoch();
}

thread_local! {
    /// The binding epoch: a reference's [`SiteCache`] is valid only in the epoch it was filled
    /// in. Starts at 1 (a cache of 0 is empty).
    static BINDING_EPOCH: Cell<u64> = const { Cell::new(1) };
}

/// Advances the binding epoch, emptying every reference's [`SiteCache`]: called for each
/// binding created in a scope that code may already have searched (a sloppy eval's `var`s, a
/// binding made while parameter expressions or pattern defaults run, `init_var`'s fallback).
/// Every other binding is made while its scope is set up, before any code runs in it, and
/// the scopes set up at one place of the code hold the same names in the same order every
/// time, so a cached (hops, slot) stays right for every later run of the reference.
pub(crate) fn bump_binding_epoch() {
    BINDING_EPOCH.with(|e| e.set(e.get() + 1));
}

/// Whether binding `pattern` runs code of the script (a default or a computed key), which a
/// closure made there could use to search the scope before the pattern's later names exist.
fn pattern_has_expressions(pattern: &Pattern) -> bool {
    match pattern {
        Pattern::Ident(_) | Pattern::Target(..) => false,
        Pattern::Default(..) | Pattern::Member(_) => true,
        Pattern::Object { props, rest } => {
            props.iter().any(|(k, p)| matches!(k, PropKey::Computed(_)) || pattern_has_expressions(p))
                || rest.as_deref().is_some_and(pattern_has_expressions)
        }
        Pattern::Array { elems, rest } => {
            elems.iter().flatten().any(pattern_has_expressions)
                || rest.as_deref().is_some_and(pattern_has_expressions)
        }
    }
}

/// Where a reference's name is bound, as [`find_binding`] answers.
enum Found<'e> {
    /// In this declarative scope, at this position.
    Slot(&'e Scope, usize),
    /// In no scope of the chain, which has no `with` scope: the global object's, if any.
    Global,
    /// A `with` scope is on the way, or the reference is not cacheable: the spec's walk.
    Walk,
}

/// Finds a cacheable reference's declarative binding: from its [`SiteCache`] when that was
/// filled in this epoch and the slot still holds a binding of this name (the interned name's
/// pointer), else by walking the scopes and filling the cache.
#[inline(always)]
fn find_binding<'e>(id: &IdentRef, cache: &SiteCache, env: &'e Env) -> Found<'e> {
    match cached_slot(id, cache, env) {
        Some((scope, slot)) => Found::Slot(scope, slot),
        None => find_binding_uncached(id, cache, env),
    }
}

/// [`find_binding`]'s miss: the spec's walk for a reference the cache cannot serve, else the
/// walk that fills the cache.
#[inline(never)]
fn find_binding_uncached<'e>(id: &IdentRef, cache: &SiteCache, env: &'e Env) -> Found<'e> {
    if !id.cacheable {
        return Found::Walk;
    }
    walk_and_cache(id, cache, env)
}

/// The scope [`SiteCache`] leads to from `env`, and the position in it, if the cache was
/// filled in this epoch and that position still holds a binding of this name (the interned
/// name's pointer).
///
/// The cache is filled only for a cacheable reference, where its walk found a declarative
/// binding ([`walk_and_cache`]), so a filled cache of this epoch needs no look at
/// [`IdentRef::cacheable`] or [`IdentRef::unbound`]; an empty one (0) is of no epoch, since
/// the epoch starts at 1. The hit is a handful of loads, so it is inlined where names are read
/// and written; the miss paths stay out of line.
#[inline(always)]
fn cached_slot<'e>(id: &IdentRef, cache: &SiteCache, env: &'e Env) -> Option<(&'e Scope, usize)> {
    let c = cache.0.get();
    if c >> 24 != BINDING_EPOCH.with(Cell::get) {
        return None;
    }
    let mut scope: &Scope = env;
    for _ in 0..(c >> 16) & 0xff {
        scope = scope.parent.as_deref()?;
    }
    let slot = (c & 0xffff) as usize;
    let found =
        scope.object.is_none() && scope.vars.borrow().at(slot).is_some_and(|b| Rc::ptr_eq(&b.name, &id.name));
    found.then_some((scope, slot))
}

/// [`find_binding`] by walking the scopes, filling the cache with what it finds.
fn walk_and_cache<'e>(id: &IdentRef, cache: &SiteCache, env: &'e Env) -> Found<'e> {
    let epoch = BINDING_EPOCH.with(Cell::get);
    let mut scope: &Env = env;
    let mut hops: u64 = 0;
    loop {
        if scope.object.is_some() {
            return Found::Walk;
        }
        if let Some(slot) = scope.vars.borrow().position(&id.name) {
            if hops < 0x100 && slot < 0x1_0000 && epoch < 1 << 39 {
                cache.0.set(epoch << 24 | hops << 16 | slot as u64);
            }
            return Found::Slot(scope, slot);
        }
        match &scope.parent {
            Some(parent) => scope = parent,
            None => return Found::Global,
        }
        hops += 1;
    }
}

/// GetValue of an identifier reference, without the `this` [`get_ident`] also answers: the
/// value of the binding its cache leads to ([`cached_slot`]), inlined where names are read,
/// and [`get_ident`] out of line for everything else (a miss, an uninitialized binding, a
/// global, `with`).
///
/// The hit is [`cached_slot`]'s, written out so that the binding is checked and read in one
/// borrow.
#[inline(always)]
fn get_ident_value(id: &IdentRef, cache: &SiteCache, env: &Env) -> Res<JsValue> {
    let c = cache.0.get();
    if c >> 24 == BINDING_EPOCH.with(Cell::get) {
        let mut scope: Option<&Scope> = Some(env);
        for _ in 0..(c >> 16) & 0xff {
            scope = scope.and_then(|s| s.parent.as_deref());
        }
        if let Some(scope) = scope
            && scope.object.is_none()
            && let Some(b) = scope.vars.borrow().at((c & 0xffff) as usize)
            && Rc::ptr_eq(&b.name, &id.name)
            && let Some(v) = &b.value
        {
            return Ok(v.clone());
        }
    }
    get_ident_uncached(id, cache, env)
}

/// [`get_ident`]'s value, for [`get_ident_value`]'s miss.
#[inline(never)]
fn get_ident_uncached(id: &IdentRef, cache: &SiteCache, env: &Env) -> Res<JsValue> {
    get_ident(id, cache, env).map(|(v, _)| v)
}

/// GetValue of an identifier reference (with its WithBaseObject, as [`get_reference`]): a
/// name the script binds nowhere ([`IdentRef::unbound`]), outside `with`, and with no eval
/// having added bindings, can only be the global object's property, so the scopes are not
/// searched (docs/design.md, "settle-js name resolution").
///
/// Any other reference outside `with` and eval code reads the slot it found its binding in
/// the last time ([`find_binding`]).
fn get_ident(id: &IdentRef, cache: &SiteCache, env: &Env) -> Res<(JsValue, JsValue)> {
    if id.unbound.get() && !EVAL_BINDINGS.with(Cell::get) {
        return get_global_cached(id, cache);
    }
    match find_binding(id, cache, env) {
        Found::Slot(scope, slot) => {
            let vars = scope.vars.borrow();
            match vars.at(slot).and_then(|b| b.value.as_ref()) {
                Some(v) => Ok((v.clone(), JsValue::Undefined)),
                // 9.1.1.1.6 GetBindingValue step 2: an uninitialized binding.
                None => Err(reference_error(&format!("Cannot access '{}' before initialization", id.name))),
            }
        }
        Found::Global => get_global(&id.name),
        Found::Walk => get_reference(env, &id.name),
    }
}

/// GetValue (6.2.5.5) of an identifier reference, and the `this` a call of it gets: the
/// binding object of a `with` scope (WithBaseObject, 9.1.1.2.10), undefined otherwise.
///
/// ResolveBinding and GetBindingValue in one walk: a declarative scope's binding is read
/// where it is found (not found, then searched again), and the global object's own data
/// property (`Promise`, `queueMicrotask`) is read by the search that finds it (not
/// [[HasProperty]] and then [[Get]], two searches). Both are unobservable: neither a
/// declarative scope nor an ordinary object's own data property runs user code.
fn get_reference(env: &Env, name: &str) -> Res<(JsValue, JsValue)> {
    let mut scope = env;
    loop {
        match &scope.object {
            // An object Environment Record: HasBinding may run user code (a getter,
            // `Symbol.unscopables`), so it goes the spec's way.
            Some(object) => {
                if crate::object_env::has_binding(object, name)? {
                    let v = crate::object_env::get_binding_value(object, name, env.strict)?;
                    return Ok((v, JsValue::Object(object.clone())));
                }
            }
            None => {
                if let Some(b) = scope.vars.borrow().get(name) {
                    return match &b.value {
                        Some(v) => Ok((v.clone(), JsValue::Undefined)),
                        // 9.1.1.1.6 GetBindingValue step 2: an uninitialized binding.
                        None => {
                            Err(reference_error(&format!("Cannot access '{name}' before initialization")))
                        }
                    };
                }
            }
        }
        match &scope.parent {
            Some(parent) => scope = parent,
            None => break,
        }
    }
    get_global(name)
}

/// The global Environment Record's object part of [`get_reference`]: the global object's
/// property `name`, or a ReferenceError when it has none.
/// A [`SiteCache`] holding the position of a global object's property rather than a
/// declarative slot: its top bit, which no binding epoch reaches ([`walk_and_cache`] fills
/// the cache only below 2^39), so the slot paths never take it for theirs.
const GLOBAL_POSITION: u64 = 1 << 63;

/// [`get_global`] of a name the script binds nowhere, through the reference's cache: the
/// position the global object's own data property had the last time, checked by its key
/// (the list only grows at its end, and a deletion that moves it is seen as another key
/// there), so `Promise` or `queueMicrotask` is read without a hash of the name.
fn get_global_cached(id: &IdentRef, cache: &SiteCache) -> Res<(JsValue, JsValue)> {
    let global = realm().global.clone();
    let c = cache.0.get();
    if c & GLOBAL_POSITION != 0
        && let Some(v) = global.own_data_at((c & 0xffff_ffff) as usize, &id.name)
    {
        return Ok((v, JsValue::Undefined));
    }
    if let Some((i, v)) = global.own_data_position(&id.name) {
        if let Ok(i) = u32::try_from(i) {
            cache.0.set(GLOBAL_POSITION | u64::from(i));
        }
        return Ok((v, JsValue::Undefined));
    }
    get_global(&id.name)
}

fn get_global(name: &str) -> Res<(JsValue, JsValue)> {
    let global = realm().global.clone();
    // An own data property: its value, found by one search.
    if let Some(crate::object::Prop { slot: crate::object::Slot::Data(v), .. }) = global.own_prop(name) {
        return Ok((v, JsValue::Undefined));
    }
    if global.has_property(name) {
        return Ok((global.get(name)?, JsValue::Undefined));
    }
    // 6.2.5.5 step 2: If IsUnresolvableReference(V), throw a ReferenceError.
    Err(reference_error(&format!("{name} is not defined")))
}

/// GetBindingValue of a resolved name, and its WithBaseObject.
fn get_resolved(resolved: &Resolved, env: &Env, name: &str) -> Res<(JsValue, JsValue)> {
    match resolved {
        Resolved::Declarative(scope) => {
            let vars = scope.vars.borrow();
            let b = vars.get(name).expect("found by resolve_binding");
            match &b.value {
                Some(v) => Ok((v.clone(), JsValue::Undefined)),
                None => Err(reference_error(&format!("Cannot access '{name}' before initialization"))),
            }
        }
        Resolved::Object(object) => {
            let v = crate::object_env::get_binding_value(object, name, env.strict)?;
            Ok((v, JsValue::Object(object.clone())))
        }
        Resolved::Global => Ok((realm().global.clone().get(name)?, JsValue::Undefined)),
    }
}

/// PutValue (6.2.5.6) of an identifier reference.
fn assign_var(env: &Env, name: &str, value: JsValue) -> Res<()> {
    match resolve_binding(env, name)? {
        Some(Resolved::Declarative(scope)) => {
            let slot = scope.vars.borrow().position(name).expect("found by resolve_binding");
            set_declarative(&scope, slot, name, value, env.strict)
        }
        // 6.2.5.6 step 4 (an Environment Record base): ? base.SetMutableBinding(V, W, strict).
        Some(Resolved::Object(object)) => {
            Ok(crate::object_env::set_mutable_binding(&object, name, value, env.strict)?)
        }
        Some(Resolved::Global) | None => put_global(env, name, value),
    }
}

/// PutValue (6.2.5.6) of an identifier reference whose walk found no declarative binding and
/// no `with` scope: the global object's property.
fn put_global(env: &Env, name: &str, value: JsValue) -> Res<()> {
    // PutValue (6.2.5.6) step 3: an unresolvable reference is a ReferenceError in strict
    // code; sloppy code creates a global property.
    let global = realm().global.clone();
    if env.strict && !global.has_property(name) {
        return Err(reference_error(&format!("{name} is not defined")));
    }
    set_member(&JsValue::Object(global), &PropertyKey::from(name), value, env.strict)?;
    Ok(())
}

/// PutValue (6.2.5.6) of an assignment target's name, resolved as [`get_ident`] resolves a
/// read: a name the script binds nowhere (outside `with`, no eval having added bindings) is
/// the global object's property; any other cacheable reference writes the slot its
/// [`SiteCache`] holds, or walks and fills it ([`find_binding`]); a reference inside `with`
/// or in eval code takes [`assign_var`]'s walk, which asks each object record's HasBinding
/// again. Every answer is the walk's, so a compound assignment still resolves its name a
/// second time for the write, after the right-hand side ran (as V8 does).
fn put_ident(id: &IdentRef, cache: &SiteCache, env: &Env, value: JsValue) -> Res<()> {
    if id.unbound.get() && !EVAL_BINDINGS.with(Cell::get) {
        return put_global(env, &id.name, value);
    }
    match find_binding(id, cache, env) {
        Found::Slot(scope, slot) => set_declarative(scope, slot, &id.name, value, env.strict),
        Found::Global => put_global(env, &id.name, value),
        Found::Walk => assign_var(env, &id.name, value),
    }
}

/// SetMutableBinding (9.1.1.1.5) of a declarative scope's binding `name`, at `slot`.
fn set_declarative(scope: &Scope, slot: usize, name: &str, value: JsValue, strict: bool) -> Res<()> {
    let mut vars = scope.vars.borrow_mut();
    let b = vars.at_mut(slot).expect("a binding found by the walk or the cache");
    // 2. If the binding for N in envRec has not yet been initialized, throw a ReferenceError.
    if b.value.is_none() {
        return Err(reference_error(&format!("Cannot access '{name}' before initialization")));
    }
    // 5. Else (an immutable binding): b. If S is true, throw a TypeError; S is true for a
    // strict binding (step 3), which all are but a named function expression's own name.
    if !b.mutable {
        drop(vars);
        if !strict && scope.kind.get() == ScopeKind::FunctionName {
            return Ok(());
        }
        return Err(type_error("Assignment to constant variable."));
    }
    let Some((o, i)) = b.arguments.clone() else {
        b.value = Some(value);
        return Ok(());
    };
    b.value = Some(value.clone());
    drop(vars);
    // A mapped parameter: the arguments object's element follows (10.4.4.7.2
    // MakeArgSetter's effect seen from the parameter's side).
    if let Class::Arguments(a) = o.class()
        && a.is_mapped(i)
        && let Some(v) = a.items.borrow_mut().get_mut(i)
    {
        *v = Some(value);
    }
    Ok(())
}

/// Initializes the nearest binding called `name` (a `let`/`const` leaving its dead zone).
fn init_var(env: &Env, name: &str, value: JsValue) {
    // The nearest declarative scope's binding, passing over `with` scopes (the bindings that
    // declarations initialize are never an object's): one search per scope and no handles,
    // and it is almost always in `env` itself (the declaration's own scope).
    let mut scope: &Scope = env;
    loop {
        if scope.object.is_none()
            && let Some(b) = scope.vars.borrow_mut().get_mut(name)
        {
            b.value = Some(value);
            return;
        }
        match &scope.parent {
            Some(parent) => scope = parent,
            None => break,
        }
    }
    // A binding made after code ran in the scope: see `bump_binding_epoch`.
    bump_binding_epoch();
    env.declare(&Name::from(name), Some(value), true);
}

fn generator_slot(env: &Env) -> Option<Rc<GenSlot>> {
    let mut scope = Some(env.clone());
    while let Some(s) = scope {
        if let Some(g) = &s.generator {
            return Some(g.clone());
        }
        scope = s.parent.clone();
    }
    None
}

/// The nearest function (or script) frame: GetThisEnvironment (9.4.3).
pub(crate) fn this_frame(env: &Env) -> Option<Rc<Frame>> {
    let mut scope = Some(env.clone());
    while let Some(s) = scope {
        if let Some(frame) = &s.frame {
            return Some(frame.clone());
        }
        scope = s.parent.clone();
    }
    None
}

/// ResolveThisBinding (9.4.4): a derived constructor's `this` before `super()` is a
/// ReferenceError.
fn lookup_this(env: &Env) -> Res<JsValue> {
    match this_frame(env) {
        None => Ok(JsValue::Undefined),
        Some(frame) => frame.this.borrow().clone().ok_or_else(|| {
            reference_error("Must call super constructor in derived class before accessing 'this' or returning from derived constructor")
        }),
    }
}

/// How a pattern binds its names.
#[derive(Clone, Copy)]
enum Mode {
    /// Assignment (`a = 1`, `var` with an initializer).
    Assign,
    /// Initialization of a hoisted `let`/`const`.
    Init,
    /// A new binding in the given scope (parameters, loop variables, `catch`); the flag says
    /// whether it is mutable.
    Declare(bool),
}

/// BindingInitialization of a pattern, the steps both evaluators share (`.await` after each
/// evaluation in the async one: `$aw`).
macro_rules! bind_body {
    ($pattern:ident, $value:ident, $env:ident, $mode:ident, [$($aw:tt)*]) => {{
        let (pattern, value, env, mode) = ($pattern, $value, $env, $mode);
        match pattern {
            Pattern::Ident(name) => match mode {
                Mode::Assign => assign_var(env, name, value)?,
                Mode::Init => init_var(env, name, value),
                Mode::Declare(mutable) => env.declare(name, Some(value), mutable),
            },
            Pattern::Target(id, cache) => match mode {
                Mode::Assign => put_ident(id, cache, env, value)?,
                Mode::Init => init_var(env, &id.name, value),
                Mode::Declare(mutable) => env.declare(&id.name, Some(value), mutable),
            },
            Pattern::Default(inner, default) => {
                let value =
                    if matches!(value, JsValue::Undefined) { eval(default, env) $($aw)*? } else { value };
                bind(inner, value, env, mode) $($aw)*?;
            }
            Pattern::Member(target) => {
                let Expr::Member { object, key, pos, .. } = &**target else {
                    return Err(type_error("Invalid assignment target"));
                };
                let object = eval(object, env) $($aw)*?;
                let key = eval_member_key(key, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                set_member_key(&object, &key, value, env.strict)?;
            }
            Pattern::Object { props, rest, .. } => {
                if value.is_nullish() {
                    let first = props.first().map(|(k, _)| match k {
                        PropKey::Static(n) => n.to_string(),
                        PropKey::Computed(_) => String::new(),
                    });
                    let what = crate::inspect::inspect(&value);
                    let message = match first {
                        Some(p) if !p.is_empty() => {
                            format!("Cannot destructure property '{p}' of '{what}' as it is {what}.")
                        }
                        _ => format!("Cannot destructure '{what}' as it is {what}."),
                    };
                    return Err(type_error(&message));
                }
                let mut used = Vec::new();
                for (key, target) in props {
                    let key = eval_key(key, env) $($aw)*?;
                    let v = value.get(&key)?;
                    used.push(key);
                    bind(target, v, env, mode) $($aw)*?;
                }
                if let Some(rest) = rest {
                    let copy = realm().new_object();
                    if let JsValue::Object(o) = &value {
                        for k in o.own_enumerable_keys() {
                            if !used.contains(&k) {
                                copy.define(&k, o.get(&k)?, true);
                            }
                        }
                    }
                    bind(rest, JsValue::Object(copy), env, mode) $($aw)*?;
                }
            }
            Pattern::Array { elems, rest, .. } => {
                // 8.6.2 BindingInitialization: Let iteratorRecord be ? GetIterator(value, sync),
                // then IteratorBindingInitialization; if iteratorRecord.[[Done]] is false,
                // return ? IteratorClose(iteratorRecord, result).
                if let Some(array) = crate::iteration::unobservable_array(&value) {
                    let items = array.array_values().unwrap_or_default();
                    for (i, elem) in elems.iter().enumerate() {
                        if let Some(target) = elem {
                            bind(target, items.get(i).cloned().unwrap_or_default(), env, mode) $($aw)*?;
                        }
                    }
                    if let Some(rest) = rest {
                        let tail = items.get(elems.len()..).map(<[JsValue]>::to_vec).unwrap_or_default();
                        bind(rest, realm().new_array(tail), env, mode) $($aw)*?;
                    }
                    return Ok(());
                }
                let mut record = crate::iteration::get_iterator(&value)?;
                let result = bind_iterated(elems, rest, &mut record, env, mode) $($aw)*;
                if record.done {
                    return result;
                }
                match result {
                    Ok(()) => crate::iteration::iterator_close(&record, Ok(()))?,
                    Err(Ctrl::Throw(e)) => {
                        crate::iteration::iterator_close(&record, Err::<(), _>(e))?;
                    }
                    Err(other) => {
                        crate::iteration::iterator_close(&record, Ok(()))?;
                        return Err(other);
                    }
                }
            }
        }
        Ok(())
    }};
}

fn bind<'a>(pattern: &'a Pattern, value: JsValue, env: &'a Env, mode: Mode) -> EvalFut<'a, ()> {
    // A pattern without an initializer, a computed key or a member target runs no code that
    // could suspend (a destructuring's iterator steps and getters are calls, which finish
    // within them): bound at once, as every caller awaits the binding at once (`const a =
    // await p` in an async body binds `a` with no future).
    if !pattern_has_expressions(pattern) {
        return EvalFut::Done(Some(sync_eval::bind(pattern, value, env, mode)));
    }
    EvalFut::Boxed(Box::pin(async move { bind_body!(pattern, value, env, mode, [.await]) }))
}

macro_rules! bind_iterated_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
/// IteratorBindingInitialization of an array pattern's elements and rest from an iterator
/// (the caller closes it).
$($asy)* fn bind_iterated(
    elems: &[Option<Pattern>],
    rest: &Option<Box<Pattern>>,
    record: &mut crate::iteration::IteratorRecord,
    env: &Env,
    mode: Mode,
) -> Res<()> {
    for elem in elems {
        let v = if record.done {
            JsValue::Undefined
        } else {
            crate::iteration::iterator_step_value(record)?.unwrap_or_default()
        };
        if let Some(target) = elem {
            bind(target, v, env, mode) $($aw)*?;
        }
    }
    if let Some(rest) = rest {
        let mut tail = Vec::new();
        while !record.done {
            if let Some(v) = crate::iteration::iterator_step_value(record)? {
                tail.push(v);
            }
        }
        bind(rest, realm().new_array(tail), env, mode) $($aw)*?;
    }
    Ok(())
}
    };
}
bind_iterated_fn!([async] [.await]);

/// The values of an iterable (IteratorToList of GetIterator): spread elements and arguments.
pub(crate) fn iterate(value: &JsValue) -> Result<Vec<JsValue>, JsValue> {
    crate::iteration::iterate_to_list(value)
}

macro_rules! eval_key_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
/// A property name's key: a static one, or a computed one evaluated and ToPropertyKey'd.
pub(crate) $($asy)* fn eval_key(key: &PropKey, env: &Env) -> Res<PropertyKey> {
    match key {
        PropKey::Static(n) => Ok(PropertyKey::String(n.clone())),
        PropKey::Computed(e) => Ok(eval(e, env) $($aw)*?.to_key()?),
    }
}
    };
}
eval_key_fn!([async] [.await]);

/// A member expression's key as evaluated: a property key, or an array index that came as a
/// Number (`a[i]`), kept as an integer so that element reads and writes need no key string
/// (formatting the Number and parsing it back as an index was most of a store's cost,
/// issue 16).
pub(crate) enum MemberKey {
    Key(PropertyKey),
    Index(u32),
}

impl MemberKey {
    /// The key of a computed member's value: ToPropertyKey (7.1.19), except that a Number
    /// that is an array index (an integer in 0 .. 2^32 - 2, -0 included, whose ToString is
    /// "0") stays a number; ToPropertyKey of a Number has no side effects to reorder.
    fn of(value: JsValue) -> Result<MemberKey, JsValue> {
        if let JsValue::Number(n) = value
            && (0.0..4_294_967_295.0).contains(&n)
            && n.fract() == 0.0
        {
            return Ok(MemberKey::Index(n as u32));
        }
        Ok(MemberKey::Key(value.to_key()?))
    }

    /// The property key (an index as its canonical string).
    fn to_key(&self) -> PropertyKey {
        match self {
            MemberKey::Key(k) => k.clone(),
            MemberKey::Index(i) => PropertyKey::from(i.to_string()),
        }
    }
}

macro_rules! eval_member_key_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
/// A member expression's key, evaluated ([`MemberKey`]).
$($asy)* fn eval_member_key(key: &PropKey, env: &Env) -> Res<MemberKey> {
    match key {
        PropKey::Static(n) => Ok(MemberKey::Key(PropertyKey::String(n.clone()))),
        PropKey::Computed(e) => Ok(MemberKey::of(eval(e, env) $($aw)*?)?),
    }
}
    };
}
eval_member_key_fn!([async] [.await]);

/// `object[key]` with an evaluated member key: a present array element is read directly.
fn get_member_key(object: &JsValue, key: &MemberKey) -> Result<JsValue, JsValue> {
    match key {
        MemberKey::Key(k) => get_member(object, k),
        MemberKey::Index(i) => {
            if let JsValue::Object(o) = object
                && let Some(v) = o.array_element(*i)
            {
                return Ok(v);
            }
            get_member(object, &key.to_key())
        }
    }
}

/// `object[key] = value` with an evaluated member key: an array element store that
/// [`Obj::set_array_element`] is sure of is done directly.
fn set_member_key(object: &JsValue, key: &MemberKey, value: JsValue, strict: bool) -> Result<(), JsValue> {
    match key {
        MemberKey::Key(k) => set_member(object, k, value, strict),
        MemberKey::Index(i) => {
            let value = match object {
                JsValue::Object(o) => match o.set_array_element(*i, value) {
                    Ok(()) => return Ok(()),
                    Err(value) => value,
                },
                _ => value,
            };
            set_member(object, &key.to_key(), value, strict)
        }
    }
}

/// `object[key]`.
pub(crate) fn get_member(object: &JsValue, key: &PropertyKey) -> Result<JsValue, JsValue> {
    if object.is_nullish() {
        let what = if matches!(object, JsValue::Null) { "null" } else { "undefined" };
        let key = key.display();
        return Err(
            realm().error("TypeError", &format!("Cannot read properties of {what} (reading '{key}')"))
        );
    }
    object.get(key)
}

/// `object.name` (GetValue of a property reference with a static key) through the site's
/// cache: where the data property was found the last time, on the object itself or on its
/// prototype, and its position in that object's property list (0: empty). A hit reads the
/// property at that position after checking its key, and for the prototype that the object
/// has no own property of that name, so what it answers is what [[Get]]'s walk would find;
/// everything else (a miss, an accessor, exotic objects, deeper prototypes) is
/// [`get_member`].
fn get_named(object: &JsValue, name: &Name, cache: &SiteCache) -> Result<JsValue, JsValue> {
    let JsValue::Object(o) = object else { return get_member(object, &PropertyKey::String(name.clone())) };
    if o.ordinary_named_get() {
        let c = cache.0.get();
        let position = (c & 0xffff_ffff) as usize;
        if c >> 32 == 1 {
            if let Some(v) = o.own_data_at(position, name) {
                return Ok(v);
            }
        } else if c >> 32 == 2
            && o.lacks_own(name)
            && let Some(proto) = o.proto()
            && proto.ordinary_named_get()
            && let Some(v) = proto.own_data_at(position, name)
        {
            return Ok(v);
        }
        return get_named_uncached(o, name, cache);
    }
    get_member(object, &PropertyKey::String(name.clone()))
}

/// [`get_named`]'s miss: the walk, and the cache filled when the property is a data
/// property of the object or of its prototype.
#[inline(never)]
fn get_named_uncached(o: &Obj, name: &Name, cache: &SiteCache) -> Result<JsValue, JsValue> {
    let fill = |depth: u64, position: usize| {
        if let Ok(position) = u32::try_from(position) {
            cache.0.set(depth << 32 | u64::from(position));
        }
    };
    if let Some((position, v)) = o.own_data_position(name) {
        fill(1, position);
        return Ok(v);
    }
    if o.lacks_own(name)
        && let Some(proto) = o.proto()
        && proto.ordinary_named_get()
        && let Some((position, v)) = proto.own_data_position(name)
    {
        fill(2, position);
        return Ok(v);
    }
    o.get(&PropertyKey::String(name.clone()))
}

/// `object[key] = value`: PutValue (6.2.5.6) step 5 for a property reference; a refused
/// [[Set]] throws in strict code (step 5.e) and is ignored in sloppy code.
pub(crate) fn set_member(
    object: &JsValue,
    key: &PropertyKey,
    value: JsValue,
    strict: bool,
) -> Result<(), JsValue> {
    let refused = |what: &str| {
        let message = format!("Cannot assign to read only property '{}' of {what}", key.display());
        Err(realm().error("TypeError", &message))
    };
    match object {
        JsValue::Object(o) => {
            if !o.set_with(key, value, object)? && strict {
                return Err(realm().error("TypeError", &refused_set_message(o, key)));
            }
            Ok(())
        }
        JsValue::Undefined | JsValue::Null => {
            let what = if matches!(object, JsValue::Null) { "null" } else { "undefined" };
            let key = key.display();
            Err(realm().error("TypeError", &format!("Cannot set properties of {what} (setting '{key}')")))
        }
        // A primitive: the property is looked up on its prototype (a setter there runs); with
        // none, the assignment is refused (OrdinarySet step 2.b: the receiver is not an Object).
        primitive => {
            let proto = match primitive {
                JsValue::String(_) => realm().string_proto.clone(),
                JsValue::Number(_) => realm().number_proto.clone(),
                JsValue::Bool(_) => realm().boolean_proto.clone(),
                JsValue::BigInt(_) => realm().bigint_proto.clone(),
                _ => realm().symbol_proto.clone(),
            };
            if !proto.set_with(key, value, primitive)? && strict {
                return refused(&format!("{} '{}'", primitive.type_of(), crate::inspect::inspect(primitive)));
            }
            Ok(())
        }
    }
}

/// How V8 names an object in its TypeErrors (its side-effect-free string of an object,
/// `Object::NoSideEffectsToString`): a function by its source text, an error as
/// `Name: message`, an object whose `toString` is Object.prototype's by its constructor's
/// name (`#<Foo>`), any other by its builtin tag (`[object String]` for a String wrapper,
/// `[object Date]`).
pub(crate) fn error_text_of_object(o: &Obj) -> String {
    match o.class() {
        Class::Function(Func::Closure { def, .. }) => def.source.to_string(),
        Class::Function(f) => format!("function {}() {{ [native code] }}", crate::value::function_name(f)),
        _ => crate::builtins::no_side_effects_to_string(&JsValue::Object(o.clone())),
    }
}

/// The TypeError message of a [[Set]] that strict code refused (PutValue 6.2.5.6 step 5.e),
/// worded as V8 words it after OrdinarySet's reason: the property found on the prototype chain
/// is an accessor without a setter or a non-writable data property, or there is none and the
/// receiver is not extensible. Reading the descriptors runs no user code (no Proxy exists).
fn refused_set_message(o: &Obj, key: &PropertyKey) -> String {
    let k = key.display();
    let text = error_text_of_object(o);
    // A writable `length` refused: ArraySetLength stopped at a non-configurable index
    // (10.4.2.4 step 17.b), the one below the length it left, which V8 names.
    if key.as_str() == Some("length")
        && let Some(len) = o.array_len().filter(|n| *n > 0)
        && o.get_own_property(key).is_some_and(|d| d.writable == Some(true))
    {
        return format!("Cannot delete property '{}' of {text}", len - 1);
    }
    let mut holder = Some(o.clone());
    let mut found = false;
    while let Some(h) = holder {
        if let Some(desc) = h.get_own_property(key) {
            if desc.get.is_some() || desc.set.is_some() {
                return format!("Cannot set property {k} of {text} which has only a getter");
            }
            found = true;
            break;
        }
        holder = h.proto();
    }
    if !found && !o.is_extensible() {
        return format!("Cannot add property {k}, object is not extensible");
    }
    // An index at or past a read-only `length` (10.4.2.1 step 2.f): V8 names the length.
    if !found
        && key.array_index().is_some_and(|i| o.array_len().is_some_and(|len| i as usize >= len))
        && !o.array_length_writable()
    {
        return format!("Cannot assign to read only property 'length' of object '{text}'");
    }
    let kind = if o.is_callable() { "function" } else { "object" };
    format!("Cannot assign to read only property '{k}' of {kind} '{text}'")
}

/// A block's evaluation (14.2.2), shared by both evaluators.
macro_rules! exec_block_body {
    ($block:ident, $env:ident, [$($aw:tt)*]) => {{
        let (block, env) = ($block, $env);
        let own;
        let scope: &Env = if block.needs_scope() {
            own = Scope::new(Some(env.clone()));
            hoist(block, &own);
            &own
        } else {
            env
        };
        if completion::tracking() {
            // 14.2.2: the block's value is its list's, UpdateEmpty'd into an abrupt completion.
            let mut value = completion::Running::list();
            for stmt in &block.stmts {
                if let Err(e) = exec_stmt!(stmt, &scope, [$($aw)*]) {
                    value.abrupt();
                    return Err(e);
                }
                value.after();
            }
            value.finish();
            return Ok(());
        }
        for stmt in &block.stmts {
            exec_stmt!(stmt, &scope, [$($aw)*])?;
        }
        Ok(())
    }};
}

pub(crate) fn exec_block<'a>(block: &'a Block, env: &'a Env) -> Fut<'a, ()> {
    Box::pin(async move { exec_block_body!(block, env, [.await]) })
}

macro_rules! with_environment_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
/// 14.11.2 Runtime Semantics: Evaluation of `with (Expression) Statement`, steps 1-6: the
/// object Environment Record the body runs in.
pub(crate) $($asy)* fn with_environment(object: &Expr, env: &Env) -> Res<Env> {
    // 1. Let val be ? Evaluation of Expression.
    // 2. Let obj be ? ToObject(? GetValue(val)).
    let value = eval(object, env) $($aw)*?;
    let obj = crate::builtins::to_object(&value)?;
    // 3. Let oldEnv be the running execution context's LexicalEnvironment.
    // 4. Let newEnv be NewObjectEnvironment(obj, true, oldEnv).
    // 5. Set the running execution context's LexicalEnvironment to newEnv (the body's
    //    scope; 7. restoring oldEnv is the caller's scope staying as it was).
    Ok(Scope::new_object_environment(obj, env.clone()))
}
    };
}
with_environment_fn!([async] [.await]);

/// What a loop body's completion means for the loop.
enum Flow {
    Next,
    Exit,
}

impl completion::LoopFlow for Flow {
    fn exits(&self) -> bool {
        matches!(self, Flow::Exit)
    }
}

fn loop_flow(result: Res<()>, labels: &[Name]) -> Res<Flow> {
    match result {
        Ok(()) => Ok(Flow::Next),
        Err(Ctrl::Break(None)) => Ok(Flow::Exit),
        Err(Ctrl::Break(Some(l))) if labels.contains(&l) => Ok(Flow::Exit),
        Err(Ctrl::Continue(None)) => Ok(Flow::Next),
        Err(Ctrl::Continue(Some(l))) if labels.contains(&l) => Ok(Flow::Next),
        Err(other) => Err(other),
    }
}

pub(crate) fn exec<'a>(stmt: &'a Stmt, env: &'a Env) -> Fut<'a, ()> {
    exec_labeled(stmt, env, Vec::new())
}

/// A statement's evaluation, the steps both evaluators share: `$aw` is `.await` in the
/// async one (`exec_labeled`) and nothing in the synchronous one (`sync_eval.rs`), whose
/// same-named functions the unqualified calls here resolve to.
macro_rules! exec_body {
    ($stmt:ident, $env:ident, $labels:ident, [$($aw:tt)*]) => {{
        let (stmt, env, labels) = ($stmt, $env, $labels);
        crate::stack::check()?;
        match stmt {
            Stmt::Expr(e) => {
                // 14.5.1: Return ? GetValue(exprRef).
                let value = eval(e, env) $($aw)*?;
                completion::set(Some(value));
            }
            Stmt::Var(decl) => {
                exec_var(decl, env) $($aw)*?;
                completion::set(None);
            }
            Stmt::Return(e) => {
                let v = match e {
                    // In an async generator, lowering made `return e` `return await e`
                    // (14.10.1 step 3).
                    Some(e) => eval(e, env) $($aw)*?,
                    None => JsValue::Undefined,
                };
                return Err(Ctrl::Return(v));
            }
            // 14.6.2: Return ? UpdateEmpty(stmtCompletion, undefined) (the completion of the
            // branch taken, or undefined).
            Stmt::If(test, then, otherwise) => {
                if eval(test, env) $($aw)*?.truthy() {
                    completion::or_undefined(exec_stmt!(then, env, [$($aw)*]))?;
                } else if let Some(otherwise) = otherwise {
                    completion::or_undefined(exec_stmt!(otherwise, env, [$($aw)*]))?;
                } else {
                    completion::set(Some(JsValue::Undefined));
                }
            }
            Stmt::Block(block) => exec_block(block, env) $($aw)*?,
            Stmt::With(object, body) => {
                let scope = with_environment(object, env) $($aw)*?;
                // 14.11.2 step 8: Return ? UpdateEmpty(C, undefined).
                completion::or_undefined(exec_stmt!(body, &scope, [$($aw)*]))?;
            }
            Stmt::For(f) => {
                let ForStmt { init, test, update, body, per_iteration, copies } = &**f;
                let loop_env = if per_iteration.is_empty() {
                    env.clone()
                } else {
                    let s = Scope::new(Some(env.clone()));
                    if let Some(ForInit::Var(decl)) = init {
                        for name in per_iteration {
                            s.declare(name, None, decl.kind == DeclKind::Let);
                        }
                    }
                    s
                };
                match init {
                    Some(ForInit::Var(decl)) => exec_var(decl, &loop_env) $($aw)*?,
                    Some(ForInit::Expr(e)) => {
                        eval(e, &loop_env) $($aw)*?;
                    }
                    None => {}
                }
                let copy = |from: &Env| -> Env {
                    // 14.7.4.4 CreatePerIterationEnvironment, unless no closure can tell the
                    // copy from the loop's scope (`ForStmt::copies`).
                    if !*copies {
                        return from.clone();
                    }
                    let s = Scope::new(Some(env.clone()));
                    // Exactly the loop's bindings: a pushed-to list would keep room for four
                    // in every iteration's scope that a closure captures.
                    s.vars.borrow_mut().reserve(from.vars.borrow().len());
                    for b in from.vars.borrow().iter() {
                        s.vars.borrow_mut().push(Binding {
                            name: b.name.clone(),
                            value: b.value.clone(),
                            mutable: b.mutable,
                            lexical: b.lexical,
                            arguments: None,
                        });
                    }
                    s
                };
                let mut iter_env = copy(&loop_env);
                // 14.7.4.3 ForBodyEvaluation step 1: Let V be undefined.
                let mut v = completion::Running::undefined();
                loop {
                    realm().step()?;
                    if let Some(test) = test
                        && !eval(test, &iter_env) $($aw)*?.truthy()
                    {
                        break;
                    }
                    if let Flow::Exit = v.flow(loop_flow(exec_stmt!(body, &iter_env, [$($aw)*]), &labels))? {
                        break;
                    }
                    iter_env = copy(&iter_env);
                    if let Some(update) = update {
                        eval(update, &iter_env) $($aw)*?;
                    }
                }
                v.finish();
            }
            Stmt::ForOf(f) => {
                let ForOfStmt { head, iterable, body, pos, is_await } = &**f;
                let value = eval(iterable, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                if *is_await {
                    return for_await_of(head, value, body, env, &labels) $($aw)*;
                }
                // Arrays whose iteration is unobservable are iterated live, as their iterator
                // does (pushing extends the loop).
                // 14.7.5.7 ForIn/OfBodyEvaluation step 2: Let V be undefined.
                let mut v = completion::Running::undefined();
                if let Some(array) = crate::iteration::unobservable_array(&value) {
                    let mut i = 0;
                    loop {
                        realm().step()?;
                        // A hole reads as undefined, as the array iterator's Get does.
                        let Some(item) = array
                            .array_items()
                            .and_then(|items| items.borrow().get(i).map(|e| e.clone().unwrap_or_default()))
                        else {
                            break;
                        };
                        i += 1;
                        let result = for_each_body(head, item, body, env) $($aw)*;
                        if let Flow::Exit = v.flow(loop_flow(result, &labels))? {
                            break;
                        }
                    }
                    v.finish();
                    return Ok(());
                }
                // 14.7.5.7 ForIn/OfBodyEvaluation with iterationKind iterate: each step is
                // IteratorStepValue; leaving the body abruptly (break, return, throw, a
                // labelled continue of an outer loop) closes the iterator.
                let mut record = crate::iteration::get_iterator(&value)?;
                loop {
                    realm().step()?;
                    let Some(item) = crate::iteration::iterator_step_value(&mut record)? else { break };
                    let result = for_each_body(head, item, body, env) $($aw)*;
                    match v.flow(loop_flow(result, &labels)) {
                        Ok(Flow::Next) => {}
                        Ok(Flow::Exit) => {
                            crate::iteration::iterator_close(&record, Ok(()))?;
                            break;
                        }
                        Err(Ctrl::Throw(e)) => {
                            crate::iteration::iterator_close(&record, Err::<(), _>(e))?;
                        }
                        Err(other) => {
                            // The iterator's `return` runs code: the completion's value is
                            // kept across it.
                            let value = completion::get();
                            crate::iteration::iterator_close(&record, Ok(()))?;
                            completion::set(value);
                            return Err(other);
                        }
                    }
                }
                v.finish();
            }
            Stmt::ForIn(f) => {
                let ForInStmt { head, object, body } = &**f;
                let value = eval(object, env) $($aw)*?;
                let mut keys = Vec::new();
                let mut current = value.as_object().cloned();
                while let Some(o) = current {
                    for k in o.own_keys(true) {
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                    current = o.proto();
                }
                // 14.7.5.7 step 2: Let V be undefined.
                let mut v = completion::Running::undefined();
                for key in keys {
                    realm().step()?;
                    let result = for_each_body(head, JsValue::String(key.into()), body, env) $($aw)*;
                    if let Flow::Exit = v.flow(loop_flow(result, &labels))? {
                        break;
                    }
                }
                v.finish();
            }
            Stmt::While(test, body) => {
                // 14.7.3.2 WhileLoopEvaluation step 1: Let V be undefined.
                let mut v = completion::Running::undefined();
                while eval(test, env) $($aw)*?.truthy() {
                    realm().step()?;
                    if let Flow::Exit = v.flow(loop_flow(exec_stmt!(body, env, [$($aw)*]), &labels))? {
                        break;
                    }
                }
                v.finish();
            }
            Stmt::DoWhile(body, test) => {
                // 14.7.2.2 DoWhileLoopEvaluation step 1: Let V be undefined.
                let mut v = completion::Running::undefined();
                loop {
                    realm().step()?;
                    if let Flow::Exit = v.flow(loop_flow(exec_stmt!(body, env, [$($aw)*]), &labels))? {
                        break;
                    }
                    if !eval(test, env) $($aw)*?.truthy() {
                        break;
                    }
                }
                v.finish();
            }
            // 14.9.2, 14.8.2: a break or continue completion, its value empty.
            Stmt::Break(label) => {
                completion::set(None);
                return Err(Ctrl::Break(label.clone()));
            }
            Stmt::Continue(label) => {
                completion::set(None);
                return Err(Ctrl::Continue(label.clone()));
            }
            Stmt::Throw(e, pos) => {
                let v = eval(e, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                return Err(Ctrl::Throw(v));
            }
            Stmt::Try(t) => {
                let TryStmt { block, catch, finally } = &**t;
                let mut result = exec_block(block, env) $($aw)*;
                if let (Err(Ctrl::Throw(error)), Some((param, handler))) = (&result, catch) {
                    let scope = Scope::new(Some(env.clone()));
                    scope.kind.set(ScopeKind::Catch);
                    scope.late.set(param.as_ref().is_some_and(pattern_has_expressions));
                    let error = error.clone();
                    let bound = match param {
                        Some(param) => bind(param, error, &scope, Mode::Declare(true)) $($aw)*,
                        None => Ok(()),
                    };
                    result = match bound {
                        Ok(()) => exec_block(handler, &scope) $($aw)*,
                        Err(e) => Err(e),
                    };
                }
                // 14.15.3: C is the try or catch block's completion, which a normal finally
                // block leaves as it was; Return ? UpdateEmpty(C, undefined).
                let value = completion::get();
                if let Some(finally) = finally
                    && let Err(e) = exec_block(finally, env) $($aw)*
                {
                    // An abrupt finally block's completion is F: UpdateEmpty(F, undefined).
                    return completion::or_undefined(Err(e));
                }
                completion::set(Some(value.unwrap_or_default()));
                result?;
            }
            Stmt::Switch(sw) => {
                let SwitchStmt { discriminant, cases, scope } = &**sw;
                let value = eval(discriminant, env) $($aw)*?;
                let s = Scope::new(Some(env.clone()));
                hoist(scope, &s);
                let mut start = None;
                for (i, (test, _)) in cases.iter().enumerate() {
                    if let Some(test) = test
                        && eval(test, &s) $($aw)*?.strict_equals(&value)
                    {
                        start = Some(i);
                        break;
                    }
                }
                if start.is_none() {
                    start = cases.iter().position(|(t, _)| t.is_none());
                }
                // 14.12.4 CaseBlockEvaluation step 1: Let V be undefined.
                let mut v = completion::Running::undefined();
                if let Some(start) = start {
                    'cases: for (_, body) in &cases[start..] {
                        for stmt in body {
                            match exec_stmt!(stmt, &s, [$($aw)*]) {
                                Ok(()) => v.after(),
                                Err(Ctrl::Break(None)) => {
                                    v.after_break();
                                    break 'cases;
                                }
                                Err(Ctrl::Break(Some(l))) if labels.contains(&l) => {
                                    v.after_break();
                                    break 'cases;
                                }
                                Err(other) => {
                                    v.abrupt();
                                    return Err(other);
                                }
                            }
                        }
                    }
                }
                v.finish();
            }
            Stmt::Labeled(label, body) => {
                let mut labels = labels.clone();
                labels.push(label.clone());
                match exec_labeled(body, env, labels) $($aw)* {
                    Err(Ctrl::Break(Some(l))) if l == *label => {}
                    other => other?,
                }
            }
            Stmt::Class(name, def) => {
                let f = class_definition_evaluation(def, env) $($aw)*?;
                init_var(env, name, JsValue::Object(f));
                completion::set(None);
            }
            Stmt::Empty => completion::set(None),
            // A statement marked by lowering that reached `exec` itself (the first statement
            // of `eval` code's list, say) rather than `exec_stmt!`: the same synchronous run.
            Stmt::Sync(inner) => sync_eval::exec_labeled(inner, env, labels)?,
        }
        Ok(())
    }};
}

fn exec_labeled<'a>(stmt: &'a Stmt, env: &'a Env, labels: Vec<Name>) -> Fut<'a, ()> {
    // The statements that suspend in most async bodies (`const v = await p`, `await f()`,
    // `return await p`) get a future of their own steps, those of their arms in `exec_body!`:
    // the general one is as large as the state of its largest arm (776 bytes), allocated and
    // copied for every statement (issue 16).
    match stmt {
        Stmt::Var(decl) => Box::pin(async move {
            crate::stack::check()?;
            exec_var(decl, env).await?;
            completion::set(None);
            Ok(())
        }),
        Stmt::Expr(e) => Box::pin(async move {
            crate::stack::check()?;
            let value = eval_operand(e, env).await?;
            completion::set(Some(value));
            Ok(())
        }),
        Stmt::Return(Some(e)) => Box::pin(async move {
            crate::stack::check()?;
            Err(Ctrl::Return(eval_operand(e, env).await?))
        }),
        _ => Box::pin(async move { exec_body!(stmt, env, labels, [.await]) }),
    }
}

/// ForIn/OfBodyEvaluation (14.7.5.7) with iteratorKind async: `for await (head of value)`.
async fn for_await_of(head: &ForOfHead, value: JsValue, body: &Stmt, env: &Env, labels: &[Name]) -> Res<()> {
    use crate::iteration::async_iteration::{async_iterator_close, get_async_iterator};
    // ForIn/OfHeadEvaluation (14.7.5.6) step 7.b: Return ? GetIterator(exprValue, async).
    let record = get_async_iterator(&value)?;
    // 6. Repeat,
    loop {
        realm().step()?;
        // a. Let nextResult be ? Call(iteratorRecord.[[NextMethod]], iteratorRecord.[[Iterator]]).
        let next_result = record.next(None)?;
        // b. If iteratorKind is async, set nextResult to ? Await(nextResult).
        let next_result = await_value(next_result).await?;
        // c. If nextResult is not an Object, throw a TypeError exception.
        if !matches!(next_result, JsValue::Object(_)) {
            let text = crate::inspect::inspect(&next_result);
            return Err(type_error(&format!("Iterator result {text} is not an object")));
        }
        // d. Let done be ? IteratorComplete(nextResult). e. If done is true, return V.
        if next_result.get("done")?.truthy() {
            return Ok(());
        }
        // f. Let nextValue be ? IteratorValue(nextResult).
        let next_value = next_result.get("value")?;
        let result = for_each_body(head, next_value, body, env).await;
        // l-m. If LoopContinues is false (or the body is abrupt), then: if iteratorKind is
        // async, return ? AsyncIteratorClose(iteratorRecord, status). (Only async functions
        // have `for await`, and eval code is never one: no completion value to keep.)
        match loop_flow(result, labels) {
            Ok(Flow::Next) => {}
            Ok(Flow::Exit) => {
                async_iterator_close(&record, Ok(())).await?;
                return Ok(());
            }
            Err(Ctrl::Throw(e)) => {
                async_iterator_close(&record, Err::<(), _>(e)).await?;
                return Ok(());
            }
            Err(other) => {
                async_iterator_close(&record, Ok(())).await?;
                return Err(other);
            }
        }
    }
}

macro_rules! for_each_body_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
$($asy)* fn for_each_body(head: &ForOfHead, item: JsValue, body: &Stmt, env: &Env) -> Res<()> {
    match head {
        ForOfHead::Decl(DeclKind::Var, pattern) | ForOfHead::Target(pattern) => {
            bind(pattern, item, env, Mode::Assign) $($aw)*?;
            exec_stmt!(body, env, [$($aw)*])
        }
        ForOfHead::Decl(kind, pattern) => {
            let scope = Scope::new(Some(env.clone()));
            scope.late.set(pattern_has_expressions(pattern));
            bind(pattern, item, &scope, Mode::Declare(*kind == DeclKind::Let)) $($aw)*?;
            exec_stmt!(body, &scope, [$($aw)*])
        }
    }
}
    };
}
for_each_body_fn!([async] [.await]);

macro_rules! exec_var_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
$($asy)* fn exec_var(decl: &VarDecl, env: &Env) -> Res<()> {
    for (pattern, init) in &decl.decls {
        match decl.kind {
            DeclKind::Var => {
                if let Some(init) = init {
                    let v = eval_operand(init, env) $($aw)*?;
                    bind(pattern, v, env, Mode::Assign) $($aw)*?;
                }
            }
            DeclKind::Let | DeclKind::Const => {
                let v = match init {
                    Some(init) => eval_operand(init, env) $($aw)*?,
                    None => JsValue::Undefined,
                };
                bind(pattern, v, env, Mode::Init) $($aw)*?;
            }
        }
    }
    Ok(())
}
    };
}
exec_var_fn!([async] [.await]);

/// Evaluates an initializer or a statement's expression: `await e` there (`const v = await
/// p`, `await f();`) is evaluated in the caller's future, its arm's steps inlined (the stack
/// check, the operand, Await), rather than in a boxed future of its own: one allocation less
/// per such statement of an async body.
async fn eval_operand(expr: &Expr, env: &Env) -> Res<JsValue> {
    match expr {
        Expr::Await(arg, pos) => {
            crate::stack::check()?;
            let v = eval(arg, env).await?;
            crate::realm::set_pos(*pos);
            await_value(v).await
        }
        _ => eval(expr, env).await,
    }
}

macro_rules! eval_args_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
$($asy)* fn eval_args(args: &[Arg], env: &Env) -> Res<Vec<JsValue>> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        match a {
            Arg::Expr(e) => out.push(eval(e, env) $($aw)*?),
            Arg::Spread(e) => {
                let v = eval(e, env) $($aw)*?;
                out.extend(iterate(&v)?);
            }
        }
    }
    Ok(out)
}
    };
}
eval_args_fn!([async] [.await]);

/// The number of arguments a call keeps in place ([`ArgList`]) rather than in a vector.
const INLINE_ARGS: usize = 3;

/// A call's evaluated arguments: up to [`INLINE_ARGS`] of them in place, so that calling a
/// function with a few arguments (a promise's `then`, `queueMicrotask`, a callback) needs no
/// vector: the callee borrows them (`call_sync`); more, or a spread, in a vector.
pub(crate) enum ArgList {
    Inline { len: usize, items: [JsValue; INLINE_ARGS] },
    Heap(Vec<JsValue>),
}

impl ArgList {
    /// The arguments in a vector (for a callee that keeps them).
    pub(crate) fn into_vec(self) -> Vec<JsValue> {
        match self {
            ArgList::Inline { len, items } => items.into_iter().take(len).collect(),
            ArgList::Heap(items) => items,
        }
    }
}

impl std::ops::Deref for ArgList {
    type Target = [JsValue];

    fn deref(&self) -> &[JsValue] {
        match self {
            ArgList::Inline { len, items } => &items[..*len],
            ArgList::Heap(items) => items,
        }
    }
}

macro_rules! eval_call_args_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
/// ArgumentListEvaluation (13.3.8.1) of a call's arguments, in place when they are few and
/// none is a spread.
$($asy)* fn eval_call_args(args: &[Arg], env: &Env) -> Res<ArgList> {
    if args.len() > INLINE_ARGS || args.iter().any(|a| matches!(a, Arg::Spread(_))) {
        return Ok(ArgList::Heap(eval_args(args, env) $($aw)*?));
    }
    let mut items: [JsValue; INLINE_ARGS] = Default::default();
    for (slot, a) in items.iter_mut().zip(args) {
        if let Arg::Expr(e) = a {
            *slot = eval(e, env) $($aw)*?;
        }
    }
    Ok(ArgList::Inline { len: args.len(), items })
}
    };
}
eval_call_args_fn!([async] [.await]);

/// `new F(...args)`.
pub(crate) fn construct(f: &JsValue, args: Vec<JsValue>, text: &str) -> CallFuture {
    construct_with(f, args, f, text)
}

/// Construct (7.3.14) with `new.target` from the caller, driven to completion at once.
pub(crate) fn construct_sync(
    f: &JsValue,
    args: Vec<JsValue>,
    new_target: &JsValue,
) -> Result<JsValue, JsValue> {
    let text = crate::inspect::inspect(f);
    let mut fut = construct_with(f, args, new_target, &text);
    poll_once(fut.as_mut())
}

/// GetPrototypeFromConstructor (10.1.14): `constructor.prototype` if it is an object, else
/// the realm's intrinsic default.
fn prototype_from_constructor(constructor: &JsValue, default: &Obj) -> Result<Obj, JsValue> {
    match constructor.get("prototype")? {
        JsValue::Object(p) => Ok(p),
        _ => Ok(default.clone()),
    }
}

/// [[Construct]] of `f` with `new_target` if `f` is a built-in constructor (which borrows the
/// arguments and finishes at once); `None` for anything else.
fn construct_native(f: &JsValue, args: &[JsValue], new_target: &JsValue) -> Option<Result<JsValue, JsValue>> {
    let JsValue::Object(obj) = f else { return None };
    let Class::Function(Func::Native { f: native, ctor: true, .. }) = obj.class() else { return None };
    let result = native(&JsValue::Undefined, args, true);
    // A built-in constructor creates its object from %Intrinsic.prototype%; called with
    // another new.target (a subclass, Reflect.construct), the object's prototype is
    // newTarget's instead (OrdinaryCreateFromConstructor).
    if !new_target.strict_equals(f)
        && let Ok(JsValue::Object(o)) = &result
    {
        let default = o.proto().unwrap_or_else(|| realm().object_proto.clone());
        match prototype_from_constructor(new_target, &default) {
            Ok(p) => {
                o.set_prototype_of(Some(p));
                // A subclass's promise (`new Sub(..)`, `super(..)`) stays the object the
                // rejection listener gets, even if the script drops it.
                if o.promise().is_some() {
                    crate::promise::pin_subclass_promise(o);
                }
            }
            Err(e) => return Some(Err(e)),
        }
    }
    Some(result)
}

/// [[Construct]] of `f` with `new_target` (10.2.2 for ordinary functions).
fn construct_with(f: &JsValue, args: Vec<JsValue>, new_target: &JsValue, text: &str) -> CallFuture {
    let not_ctor = || -> CallFuture {
        let e = realm().error("TypeError", &format!("{text} is not a constructor"));
        Box::pin(std::future::ready(Err(e)))
    };
    let JsValue::Object(obj) = f else { return not_ctor() };
    if let Some(result) = construct_native(f, &args, new_target) {
        return Box::pin(std::future::ready(result));
    }
    match obj.class() {
        Class::Function(Func::Closure { def, env, home, class }) if def.is_constructor() => {
            let r = realm();
            let (derived, default) = match def.kind {
                FuncKind::ClassConstructor { derived, default } => (derived, default),
                _ => (false, false),
            };
            // 10.2.2 [[Construct]] step 3: if kind is base, Let thisArgument be ?
            // OrdinaryCreateFromConstructor(newTarget, "%Object.prototype%").
            let this = if derived {
                None
            } else {
                match prototype_from_constructor(new_target, &r.object_proto) {
                    Ok(p) => Some(JsValue::Object(Obj::new(Class::Object, Some(p)))),
                    Err(e) => return Box::pin(std::future::ready(Err(e))),
                }
            };
            drop(r);
            let frame = Frame::new(this.clone(), new_target.clone(), Some(obj.clone()), home.clone());
            let call = Invocation {
                def: def.clone(),
                env: env.clone(),
                fobj: obj.clone(),
                this: this.clone().unwrap_or_default(),
                args: args.into(),
                frame: Some(frame.clone()),
            };
            let (fobj, has_fields) = (obj.clone(), class.is_some());
            let name = def.name.clone();
            let body: CallFuture = Box::pin(async move {
                // Step 6.b: a base class constructor initializes the fields before its body.
                if let (Some(JsValue::Object(t)), true) = (&this, has_fields) {
                    crate::class::initialize_instance_elements(t, &fobj).await?;
                }
                let result = if derived && default {
                    // 15.7.14 step 14.a: a derived default constructor does
                    // `super(...args)` without the array iterator.
                    crate::class::super_call_in(&frame, call.args.into_owned()).await?;
                    JsValue::Undefined
                } else {
                    sync_eval::run_closure_sync(call)?
                };
                // Steps 10-12: an object result replaces `this`.
                if matches!(result, JsValue::Object(_)) {
                    return Ok(result);
                }
                if let Some(this) = this {
                    return Ok(this);
                }
                if !matches!(result, JsValue::Undefined) {
                    return Err(realm()
                        .error("TypeError", "Derived constructors may only return object or undefined"));
                }
                // Step 13: Let thisBinding be ? constructorEnv.GetThisBinding().
                frame.this.borrow().clone().ok_or_else(|| {
                    realm().error(
                        "ReferenceError",
                        "Must call super constructor in derived class before accessing 'this' or returning from derived constructor",
                    )
                })
            });
            framed(&name, body)
        }
        Class::Function(Func::Bound(bound)) => {
            let target = &bound.target;
            let mut all = bound.args.clone();
            all.extend(args);
            // 10.4.1.2 step 5: If SameValue(F, newTarget) is true, set newTarget to target.
            let new_target = if new_target.strict_equals(f) { target.clone() } else { new_target.clone() };
            construct_with(target, all, &new_target, text)
        }
        _ => not_ctor(),
    }
}

/// `value instanceof f`.
pub(crate) fn instance_of(value: &JsValue, f: &JsValue) -> Result<bool, JsValue> {
    let JsValue::Object(fobj) = f else {
        return Err(realm().error("TypeError", "Right-hand side of 'instanceof' is not callable"));
    };
    if let Class::Function(Func::Bound(bound)) = fobj.class() {
        return instance_of(value, &bound.target);
    }
    if !fobj.is_callable() {
        return Err(realm().error("TypeError", "Right-hand side of 'instanceof' is not callable"));
    }
    let JsValue::Object(o) = value else { return Ok(false) };
    let JsValue::Object(proto) = fobj.get("prototype")? else {
        return Err(
            realm().error("TypeError", "Function has non-object prototype 'undefined' in instanceof check")
        );
    };
    let mut current = o.proto();
    while let Some(p) = current {
        if p.ptr_eq(&proto) {
            return Ok(true);
        }
        current = p.proto();
    }
    Ok(false)
}

fn compare(a: &JsValue, b: &JsValue) -> Result<Option<std::cmp::Ordering>, JsValue> {
    let a = a.to_primitive(false)?;
    let b = b.to_primitive(false)?;
    if let (JsValue::String(x), JsValue::String(y)) = (&a, &b) {
        return Ok(Some(x.encode_utf16().cmp(y.encode_utf16())));
    }
    // IsLessThan (7.2.13) steps 3.a-d and 4: a BigInt against a String (StringToBigInt), a
    // BigInt or a Number compares mathematically.
    use crate::bigint::{cmp_number, string_to_bigint};
    match (&a, &b) {
        (JsValue::BigInt(x), JsValue::BigInt(y)) => return Ok(Some(x.cmp(y))),
        (JsValue::BigInt(x), JsValue::String(s)) => return Ok(string_to_bigint(s).map(|y| x.cmp(&y))),
        (JsValue::String(s), JsValue::BigInt(y)) => return Ok(string_to_bigint(s).map(|x| x.cmp(y))),
        (JsValue::BigInt(x), other) => return Ok(cmp_number(*x, other.to_number()?)),
        (other, JsValue::BigInt(y)) => {
            return Ok(cmp_number(*y, other.to_number()?).map(std::cmp::Ordering::reverse));
        }
        _ => {}
    }
    let (x, y) = (a.to_number()?, b.to_number()?);
    Ok(x.partial_cmp(&y))
}

/// The arithmetic and comparison operators on two evaluated operands.
pub(crate) fn binary(op: BinaryOperator, a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue> {
    use BinaryOperator as B;
    use std::cmp::Ordering as O;
    if let (JsValue::Number(x), JsValue::Number(y)) = (a, b)
        && let Some(v) = number_binary(op, *x, *y)
    {
        return Ok(v);
    }
    // ApplyStringOrNumericBinaryOperator (13.15.3): after ToPrimitive (and the string case of
    // `+`), 3-4. Let lnum be ? ToNumeric(lval), rnum be ? ToNumeric(rval); 5. If Type(lnum) is
    // not Type(rnum), throw a TypeError exception; 6. If lnum is a BigInt, the BigInt
    // operation.
    let numeric = matches!(
        op,
        B::Addition
            | B::Subtraction
            | B::Multiplication
            | B::Division
            | B::Remainder
            | B::Exponential
            | B::ShiftLeft
            | B::ShiftRight
            | B::ShiftRightZeroFill
            | B::BitwiseAnd
            | B::BitwiseOR
            | B::BitwiseXOR
    );
    if numeric {
        // 13.15.3 ApplyStringOrNumericBinaryOperator: `+` converts with no preferred type.
        let (a_prim, b_prim) = if op == B::Addition {
            (a.to_primitive_default()?, b.to_primitive_default()?)
        } else {
            (a.to_primitive(false)?, b.to_primitive(false)?)
        };
        if op == B::Addition && (matches!(a_prim, JsValue::String(_)) || matches!(b_prim, JsValue::String(_)))
        {
            // A concatenation node, not a copy: `s += x` in a loop stays linear.
            let text = |v: &JsValue| match v {
                JsValue::String(s) => Ok(s.clone()),
                other => other.to_js_string().map(crate::jsstr::JsStr::from),
            };
            return Ok(JsValue::String(crate::jsstr::JsStr::concat(&text(&a_prim)?, &text(&b_prim)?)));
        }
        match (&a_prim, &b_prim) {
            (JsValue::BigInt(x), JsValue::BigInt(y)) => return crate::bigint::binary(op, *x, *y),
            (JsValue::BigInt(_), _) | (_, JsValue::BigInt(_)) => {
                // ToNumeric of the other operand runs first (a Symbol's TypeError wins).
                if !matches!(a_prim, JsValue::BigInt(_)) {
                    a_prim.to_number()?;
                }
                if !matches!(b_prim, JsValue::BigInt(_)) {
                    b_prim.to_number()?;
                }
                return Err(crate::bigint::mixed());
            }
            _ => {}
        }
        // Both Numbers now: Table 2's Number operation (ToNumeric of `a` first, so its
        // Symbol's TypeError wins).
        let (x, y) = (a_prim.to_number()?, b_prim.to_number()?);
        return Ok(number_binary(op, x, y).expect("an arithmetic or bitwise operator"));
    }
    Ok(match op {
        B::Equality => JsValue::Bool(a.loose_equals(b)?),
        B::Inequality => JsValue::Bool(!a.loose_equals(b)?),
        B::StrictEquality => JsValue::Bool(a.strict_equals(b)),
        B::StrictInequality => JsValue::Bool(!a.strict_equals(b)),
        B::LessThan => JsValue::Bool(compare(a, b)? == Some(O::Less)),
        B::GreaterThan => JsValue::Bool(compare(a, b)? == Some(O::Greater)),
        B::LessEqualThan => JsValue::Bool(matches!(compare(a, b)?, Some(O::Less | O::Equal))),
        B::GreaterEqualThan => JsValue::Bool(matches!(compare(a, b)?, Some(O::Greater | O::Equal))),
        B::Instanceof => JsValue::Bool(instance_of(a, b)?),
        B::In => {
            let JsValue::Object(o) = b else {
                let text = crate::inspect::inspect(a);
                return Err(realm().error(
                    "TypeError",
                    &format!(
                        "Cannot use 'in' operator to search for '{text}' in {}",
                        crate::inspect::inspect(b)
                    ),
                ));
            };
            JsValue::Bool(o.has_property(&a.to_key()?))
        }
        _ => unreachable!("the arithmetic and bitwise operators returned above"),
    })
}

/// [`binary`] of two Numbers, for the operators whose steps on Numbers call no user code:
/// ToPrimitive and ToNumeric of a Number are the Number itself (7.1.1 step 2, 7.1.3 step 1),
/// so ApplyStringOrNumericBinaryOperator (13.15.3) comes down to the Number operation of
/// Table 2 (Number::add, Number::lessThan, ...) and IsLooselyEqual and IsStrictlyEqual to
/// Number::equal: most operators of most scripts see two Numbers (`i < n`, `s + x`), which go
/// straight here; `binary`'s general path ends here too once its operands are Numbers.
/// `None` for `instanceof` and `in`, which throw for a Number.
// Inlined at both of `binary`'s calls: the two-Numbers test at its top must stay a few
// instructions (a call there costs every `i < n`).
#[inline(always)]
fn number_binary(op: BinaryOperator, x: f64, y: f64) -> Option<JsValue> {
    use crate::number::{to_int32, to_uint32};
    use BinaryOperator as B;
    Some(match op {
        B::Addition => JsValue::Number(x + y),
        B::Subtraction => JsValue::Number(x - y),
        B::Multiplication => JsValue::Number(x * y),
        B::Division => JsValue::Number(x / y),
        B::Remainder => JsValue::Number(if y.is_infinite() && x.is_finite() { x } else { x % y }),
        B::Exponential => JsValue::Number(crate::number::exponentiate(x, y)),
        B::ShiftLeft => JsValue::Number(f64::from(to_int32(x).wrapping_shl(to_uint32(y) & 31))),
        B::ShiftRight => JsValue::Number(f64::from(to_int32(x) >> (to_uint32(y) & 31))),
        B::ShiftRightZeroFill => JsValue::Number(f64::from(to_uint32(x) >> (to_uint32(y) & 31))),
        B::BitwiseAnd => JsValue::Number(f64::from(to_int32(x) & to_int32(y))),
        B::BitwiseOR => JsValue::Number(f64::from(to_int32(x) | to_int32(y))),
        B::BitwiseXOR => JsValue::Number(f64::from(to_int32(x) ^ to_int32(y))),
        // Number::equal (6.1.6.1.13): NaN is equal to nothing, +0 to -0.
        B::Equality | B::StrictEquality => JsValue::Bool(x == y),
        B::Inequality | B::StrictInequality => JsValue::Bool(x != y),
        // Number::lessThan (6.1.6.1.12): undefined (false) when either is NaN, which IEEE
        // comparison also answers false.
        B::LessThan => JsValue::Bool(x < y),
        B::GreaterThan => JsValue::Bool(x > y),
        B::LessEqualThan => JsValue::Bool(x <= y),
        B::GreaterEqualThan => JsValue::Bool(x >= y),
        B::Instanceof | B::In => return None,
    })
}

fn compound_op(op: AssignmentOperator) -> Option<BinaryOperator> {
    use AssignmentOperator as A;
    use BinaryOperator as B;
    Some(match op {
        A::Addition => B::Addition,
        A::Subtraction => B::Subtraction,
        A::Multiplication => B::Multiplication,
        A::Division => B::Division,
        A::Remainder => B::Remainder,
        A::Exponential => B::Exponential,
        A::ShiftLeft => B::ShiftLeft,
        A::ShiftRight => B::ShiftRight,
        A::ShiftRightZeroFill => B::ShiftRightZeroFill,
        A::BitwiseOR => B::BitwiseOR,
        A::BitwiseXOR => B::BitwiseXOR,
        A::BitwiseAnd => B::BitwiseAnd,
        _ => return None,
    })
}

/// A reference that can be read and written: a variable (its reference record and slot
/// cache) or a property.
enum Place<'a> {
    Var(&'a IdentRef, &'a SiteCache),
    Prop(JsValue, MemberKey),
}

macro_rules! place_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
$($asy)* fn place<'a>(target: &'a Expr, env: &Env) -> Res<Place<'a>> {
    match target {
        Expr::Ident(id, _, cache) => Ok(Place::Var(id, cache)),
        Expr::Member { object, key, pos, .. } => {
            let o = eval(object, env) $($aw)*?;
            let k = eval_member_key(key, env) $($aw)*?;
            crate::realm::set_pos(*pos);
            Ok(Place::Prop(o, k))
        }
        _ => Err(Ctrl::Throw(realm().error("SyntaxError", "Invalid left-hand side in assignment"))),
    }
}
    };
}
place_fn!([async] [.await]);

/// The steps of an update expression (`x++`, `--o.k`) after its place is evaluated.
fn update(op: Update, prefix: bool, p: &Place, pos: Pos, env: &Env) -> Res<JsValue> {
    crate::realm::set_pos(pos);
    // 13.4.2.1 / 13.4.4.1: Let oldValue be ? ToNumeric(? GetValue(expr)); add or
    // subtract one of its type.
    let (old, new) = match crate::bigint::to_numeric(&read_place(p, env)?)? {
        JsValue::BigInt(n) => {
            let new = if op == Update::Inc { n.checked_add(1) } else { n.checked_sub(1) };
            (JsValue::BigInt(n), JsValue::BigInt(new.ok_or_else(crate::bigint::too_big)?))
        }
        old => {
            let old = old.to_number()?;
            let new = if op == Update::Inc { old + 1.0 } else { old - 1.0 };
            (JsValue::Number(old), JsValue::Number(new))
        }
    };
    write_place(p, env, new.clone())?;
    Ok(if prefix { new } else { old })
}

/// [`update`] of a name: a mutable, initialized declarative binding holding a Number (a loop
/// counter) is read and written where one walk finds it, with the same steps (ToNumeric of a
/// Number is itself, and SetMutableBinding of such a binding only stores); any other binding,
/// or a `with` scope on the way (whose HasBinding may run user code), goes through [`update`].
fn update_name(
    op: Update,
    prefix: bool,
    id: &IdentRef,
    cache: &SiteCache,
    pos: Pos,
    env: &Env,
) -> Res<JsValue> {
    if let Found::Slot(scope, slot) = find_binding(id, cache, env)
        && let Some(b) = scope.vars.borrow_mut().at_mut(slot)
        && let (Some(JsValue::Number(old)), true, None) = (&b.value, b.mutable, &b.arguments)
    {
        crate::realm::set_pos(pos);
        let old = *old;
        let new = if op == Update::Inc { old + 1.0 } else { old - 1.0 };
        b.value = Some(JsValue::Number(new));
        return Ok(JsValue::Number(if prefix { new } else { old }));
    }
    if !id.cacheable {
        // Outside the cache's reach (with, eval code): the walk of the earlier commit.
        let mut scope = env;
        while scope.object.is_none() {
            if let Some(b) = scope.vars.borrow_mut().get_mut(&id.name) {
                if let (Some(JsValue::Number(old)), true, None) = (&b.value, b.mutable, &b.arguments) {
                    crate::realm::set_pos(pos);
                    let old = *old;
                    let new = if op == Update::Inc { old + 1.0 } else { old - 1.0 };
                    b.value = Some(JsValue::Number(new));
                    return Ok(JsValue::Number(if prefix { new } else { old }));
                }
                break;
            }
            match &scope.parent {
                Some(parent) => scope = parent,
                None => break,
            }
        }
    }
    update(op, prefix, &Place::Var(id, cache), pos, env)
}

fn read_place(p: &Place, env: &Env) -> Res<JsValue> {
    match p {
        Place::Var(id, cache) => get_ident_value(id, cache, env),
        Place::Prop(o, k) => Ok(get_member_key(o, k)?),
    }
}

fn write_place(p: &Place, env: &Env, value: JsValue) -> Res<()> {
    match p {
        Place::Var(id, cache) => put_ident(id, cache, env, value),
        Place::Prop(o, k) => Ok(set_member_key(o, k, value, env.strict)?),
    }
}

/// An evaluation in progress: finished already for the expressions [`eval_quick`]
/// evaluates without suspending (no future is made for them), else the boxed
/// future of [`eval_boxed`]. Every caller awaits it at once, so evaluating those eagerly, when
/// [`eval`] is called, happens at the same point of the program as awaiting would.
/// A pattern's binding ([`bind`]) is the same kind of step, with no value.
pub(crate) enum EvalFut<'a, T = JsValue> {
    /// The completion of an expression evaluated without a future (taken when polled).
    Done(Option<Res<T>>),
    /// Any other expression.
    Boxed(Fut<'a, T>),
}

impl<T: Unpin> Future for EvalFut<'_, T> {
    type Output = Res<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Res<T>> {
        match self.get_mut() {
            EvalFut::Done(done) => {
                Poll::Ready(done.take().expect("an evaluation is polled after it finished"))
            }
            EvalFut::Boxed(fut) => fut.as_mut().poll(cx),
        }
    }
}

/// Evaluates `expr` in `env`. Leaves (literals, names, `this`, function expressions), binary
/// operators and static member reads over leaves cannot suspend and are evaluated at once
/// (each a few instructions: the boxed future of every other form costs an allocation and a
/// copy of its state, the largest part of a small function's call, issue 16).
pub(crate) fn eval<'a>(expr: &'a Expr, env: &'a Env) -> EvalFut<'a> {
    if let Expr::Ident(id, pos, cache) = expr {
        crate::realm::set_pos(*pos);
        return EvalFut::Done(Some(get_ident_value(id, cache, env)));
    }
    if is_quick(expr) {
        return EvalFut::Done(Some(eval_quick(expr, env)));
    }
    EvalFut::Boxed(eval_boxed(expr, env))
}

/// The evaluation of a leaf ([`is_leaf`]: literals, names, `this`, function expressions, a
/// name's update): the same steps as their arms in [`eval_boxed`] (none of them recurses, so
/// none needs [`crate::stack::check`]).
///
/// # Panics
///
/// If `expr` is not a leaf (its callers ask [`is_leaf`] first).
fn eval_leaf(expr: &Expr, env: &Env) -> Res<JsValue> {
    match expr {
        Expr::Null => Ok(JsValue::Null),
        Expr::Bool(b) => Ok(JsValue::Bool(*b)),
        Expr::Num(n) => Ok(JsValue::Number(*n)),
        Expr::BigInt(n) => Ok(JsValue::BigInt(*n)),
        Expr::Str(s) => Ok(JsValue::String(s.clone())),
        Expr::Ident(id, pos, cache) => {
            crate::realm::set_pos(*pos);
            get_ident_value(id, cache, env)
        }
        Expr::This => lookup_this(env),
        Expr::Function(def) => Ok(JsValue::Object(make_function(def.clone(), env.clone()))),
        // A name's update (`i++`): its place is the name itself.
        Expr::Update { op, prefix, target, pos } => match &**target {
            Expr::Ident(id, _, cache) => update_name(*op, *prefix, id, cache, *pos, env),
            _ => unreachable!("an update of a name is the only leaf update"),
        },
        _ => unreachable!("eval_leaf of a form that is not a leaf"),
    }
}

/// Whether [`eval_quick`] evaluates `expr`: a leaf, or a binary operator or non-optional
/// member read (static, or computed with a leaf key) whose operands are leaves.
#[inline]
fn is_quick(expr: &Expr) -> bool {
    match expr {
        Expr::Binary(_, a, b, _) => is_leaf(a) && is_leaf(b),
        Expr::Member { object, key, optional: false, .. } => {
            is_leaf(object)
                && match &**key {
                    PropKey::Static(_) => true,
                    PropKey::Computed(k) => is_leaf(k),
                }
        }
        _ => is_leaf(expr),
    }
}

/// The evaluation of the forms [`is_quick`] accepts (`i < n`, `v + 1`, `o.x`, `a[i]` and the
/// leaves), with the steps of their arms in [`eval_boxed`]. One level deep only, so it needs
/// no stack check either. Both evaluators take these forms here, the synchronous one without
/// wrapping the result, the async one without a boxed future.
///
/// # Panics
///
/// If `expr` is not such a form (its callers ask [`is_quick`] first).
fn eval_quick(expr: &Expr, env: &Env) -> Res<JsValue> {
    match expr {
        Expr::Binary(op, a, b, pos) => {
            let a = eval_leaf(a, env)?;
            let b = eval_leaf(b, env)?;
            crate::realm::set_pos(*pos);
            Ok(binary(*op, &a, &b)?)
        }
        Expr::Member { object, key, pos, cache, .. } => match &**key {
            PropKey::Static(name) => {
                let o = eval_leaf(object, env)?;
                crate::realm::set_pos(*pos);
                Ok(get_named(&o, name, cache)?)
            }
            // `a[i]`: the object, then the key, then ToPropertyKey and [[Get]], as the
            // boxed arm does.
            PropKey::Computed(k) => {
                let o = eval_leaf(object, env)?;
                let k = MemberKey::of(eval_leaf(k, env)?)?;
                crate::realm::set_pos(*pos);
                Ok(get_member_key(&o, &k)?)
            }
        },
        _ => eval_leaf(expr, env),
    }
}

/// Whether [`eval_leaf`] evaluates `expr`.
fn is_leaf(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Null
            | Expr::Bool(_)
            | Expr::Num(_)
            | Expr::BigInt(_)
            | Expr::Str(_)
            | Expr::Ident(..)
            | Expr::This
            | Expr::Function(_)
    ) || matches!(expr, Expr::Update { target, .. } if matches!(**target, Expr::Ident(..)))
}

/// An expression's evaluation, the steps both evaluators share (see [`exec_body`]); the
/// arms after `$aw` are the evaluator's own (the suspending forms).
macro_rules! eval_body {
    ($expr:ident, $env:ident, [$($aw:tt)*], $($own:tt)*) => {{
        let (expr, env) = ($expr, $env);
        crate::stack::check()?;
        Ok(match expr {
            Expr::Null => JsValue::Null,
            Expr::Bool(b) => JsValue::Bool(*b),
            Expr::Num(n) => JsValue::Number(*n),
            Expr::BigInt(n) => JsValue::BigInt(*n),
            Expr::Str(s) => JsValue::String(s.clone()),
            // 13.2.7.3 Evaluation of RegularExpressionLiteral: Return ! RegExpCreate(pattern,
            // flags) (its early errors were reported when the script was lowered).
            Expr::RegExp(data) => JsValue::Object(crate::builtins::regexp::regexp_object(data.clone())),
            Expr::Template(quasis, exprs) => {
                let mut s = String::new();
                for (i, q) in quasis.iter().enumerate() {
                    s.push_str(q);
                    if let Some(e) = exprs.get(i) {
                        let v = eval(e, env) $($aw)*?;
                        s.push_str(&v.to_js_string()?);
                    }
                }
                JsValue::from(s)
            }
            Expr::Ident(id, pos, cache) => {
                crate::realm::set_pos(*pos);
                get_ident_value(id, cache, env)?
            }
            Expr::This => lookup_this(env)?,
            Expr::Class(def) => JsValue::Object(class_definition_evaluation(def, env) $($aw)*?),
            Expr::SuperCall { args, pos } => {
                let args = eval_args(args, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                super_call(env, args) $($aw)*?
            }
            Expr::SuperMember { key, pos } => {
                let key = eval_key(key, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                let (base, this) = crate::class::super_base(env)?;
                match base {
                    Some(base) => base.get_with(&key, &this)?,
                    None => {
                        return Err(type_error(&format!(
                            "Cannot read properties of null (reading '{}')",
                            key.display()
                        )));
                    }
                }
            }
            Expr::NewTarget => this_frame(env).map_or(JsValue::Undefined, |f| f.new_target.clone()),
            Expr::Array(elems) => {
                // 13.2.4.1 ArrayAccumulation: an Elision only advances the index (a hole);
                // spread elements are iterated.
                let mut items = Vec::with_capacity(elems.len());
                for el in elems {
                    match el {
                        ArrayElem::Expr(e) => items.push(Some(eval(e, env) $($aw)*?)),
                        ArrayElem::Spread(e) => {
                            let v = eval(e, env) $($aw)*?;
                            items.extend(iterate(&v)?.into_iter().map(Some));
                        }
                        ArrayElem::Hole => items.push(None),
                    }
                }
                let r = realm();
                JsValue::Object(Obj::new(Class::Array(RefCell::new(items)), Some(r.array_proto.clone())))
            }
            Expr::Object(props) => {
                let obj = realm().new_object();
                for prop in props {
                    match prop {
                        ObjProp::Value(key_expr, value_expr) => {
                            let key = eval_key(key_expr, env) $($aw)*?;
                            let value = eval(value_expr, env) $($aw)*?;
                            // 13.2.5.5 PropertyDefinitionEvaluation: an anonymous function
                            // under a computed key is named by NamedEvaluation with the key
                            // (static keys are named when lowered).
                            if let (PropKey::Computed(_), Expr::Function(def), JsValue::Object(f)) =
                                (key_expr, value_expr, &value)
                                && def.name.is_empty()
                            {
                                crate::class::set_function_name(f, &key, "");
                            }
                            obj.define(&key, value, true);
                        }
                        ObjProp::Getter(key_expr, def) => {
                            let key = eval_key(key_expr, env) $($aw)*?;
                            let f = make_function(def.clone(), env.clone());
                            if let PropKey::Computed(_) = key_expr {
                                crate::class::set_function_name(&f, &key, "get");
                            }
                            obj.define_accessor(&key, Some(JsValue::Object(f)), None, true);
                        }
                        ObjProp::Setter(key_expr, def) => {
                            let key = eval_key(key_expr, env) $($aw)*?;
                            let f = make_function(def.clone(), env.clone());
                            if let PropKey::Computed(_) = key_expr {
                                crate::class::set_function_name(&f, &key, "set");
                            }
                            obj.define_accessor(&key, None, Some(JsValue::Object(f)), true);
                        }
                        ObjProp::Spread(e) => {
                            let v = eval(e, env) $($aw)*?;
                            match &v {
                                JsValue::Object(src) => {
                                    for k in src.own_enumerable_keys() {
                                        obj.define(&k, src.get(&k)?, true);
                                    }
                                }
                                JsValue::String(s) => {
                                    for (i, c) in s.chars().enumerate() {
                                        obj.define(&i.to_string(), JsValue::from(c.to_string()), true);
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                JsValue::Object(obj)
            }
            Expr::Function(def) => JsValue::Object(make_function(def.clone(), env.clone())),
            Expr::Unary(op, arg, pos) => {
                use UnaryOperator as U;
                if *op == U::Delete {
                    return Ok(match &**arg {
                        Expr::Member { object, key, .. } => {
                            let o = eval(object, env)$($aw)*?;
                            let k = eval_key(key, env)$($aw)*?;
                            crate::realm::set_pos(*pos);
                            // 13.5.1.2 step 5.c: let baseObj be ? ToObject(ref.[[Base]]) (a
                            // String's wrapper has its read-only indices and `length`; `null`
                            // and `undefined` throw).
                            let obj = crate::builtins::to_object(&o)?;
                            // Step 5.e: let deleteStatus be ? baseObj.[[Delete]](ref.[[ReferencedName]]).
                            let deleted = obj.delete(&k);
                            // Step 5.f: if deleteStatus is false and IsStrictReference(ref) is
                            // true, throw a TypeError.
                            if !deleted && env.strict {
                                let text = error_text_of_object(&obj);
                                let message = format!("Cannot delete property '{}' of {text}", k.display());
                                return Err(realm().error("TypeError", &message).into());
                            }
                            JsValue::Bool(deleted)
                        }
                        // 13.5.1.2 step 5.b: if IsSuperReference(ref) is true, throw a
                        // ReferenceError (after the reference is evaluated: its key, then
                        // the this binding, 13.3.7.1).
                        Expr::SuperMember { key, pos } => {
                            eval_key(key, env) $($aw)*?;
                            crate::realm::set_pos(*pos);
                            crate::class::super_base(env)?;
                            return Err(realm()
                                .error("ReferenceError", "Unsupported reference to 'super'")
                                .into());
                        }
                        // 13.5.1.2 delete of an identifier reference (sloppy code only):
                        // base.DeleteBinding(name); of a `with` object, its [[Delete]].
                        Expr::Ident(id, ..) => match resolve_binding(env, &id.name)? {
                            Some(Resolved::Object(object)) => {
                                JsValue::Bool(crate::object_env::delete_binding(&object, &id.name))
                            }
                            _ => JsValue::Bool(true),
                        },
                        _ => JsValue::Bool(true),
                    });
                }
                let v = eval(arg, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                match op {
                    U::UnaryPlus => JsValue::Number(v.to_number()?),
                    // 13.5.4 and 13.5.6: ToNumeric, then Number::unaryMinus / BigInt::unaryMinus
                    // (or bitwiseNOT).
                    U::UnaryNegation => match crate::bigint::to_numeric(&v)? {
                        JsValue::BigInt(n) => {
                            JsValue::BigInt(n.checked_neg().ok_or_else(crate::bigint::too_big)?)
                        }
                        n => JsValue::Number(-n.to_number()?),
                    },
                    U::LogicalNot => JsValue::Bool(!v.truthy()),
                    U::BitwiseNot => match crate::bigint::to_numeric(&v)? {
                        JsValue::BigInt(n) => JsValue::BigInt(!n),
                        n => JsValue::Number(f64::from(!crate::number::to_int32(n.to_number()?))),
                    },
                    U::Typeof => JsValue::from(v.type_of()),
                    U::Void | U::Delete => JsValue::Undefined,
                }
            }
            // 13.5.3.1 typeof: an unresolvable reference is "undefined".
            Expr::TypeofIdent(name) => match resolve_binding(env, name)? {
                None => JsValue::from("undefined"),
                Some(resolved) => JsValue::from(get_resolved(&resolved, env, name)?.0.type_of()),
            },
            Expr::Update { op, prefix, target, pos } => {
                let p = place(target, env) $($aw)*?;
                update(*op, *prefix, &p, *pos, env)?
            }
            Expr::Binary(op, a, b, pos) => {
                let a = eval(a, env) $($aw)*?;
                let b = eval(b, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                binary(*op, &a, &b)?
            }
            Expr::Logical(op, a, b) => {
                let a = eval(a, env) $($aw)*?;
                let take_left = match op {
                    LogicalOperator::Or => a.truthy(),
                    LogicalOperator::And => !a.truthy(),
                    LogicalOperator::Coalesce => !a.is_nullish(),
                };
                if take_left { a } else { eval(b, env) $($aw)*? }
            }
            Expr::Cond(test, a, b) => {
                if eval(test, env) $($aw)*?.truthy() {
                    eval(a, env) $($aw)*?
                } else {
                    eval(b, env) $($aw)*?
                }
            }
            Expr::Assign { op, target, value, pos } => {
                if *op == AssignmentOperator::Assign {
                    if let Pattern::Member(m) = &**target {
                        // Evaluate the reference before the value, as JavaScript does.
                        let p = place(m, env) $($aw)*?;
                        let v = eval(value, env) $($aw)*?;
                        crate::realm::set_pos(*pos);
                        write_place(&p, env, v.clone())?;
                        return Ok(v);
                    }
                    let v = eval(value, env) $($aw)*?;
                    bind(target, v.clone(), env, Mode::Assign) $($aw)*?;
                    return Ok(v);
                }
                let p = match &**target {
                    Pattern::Target(id, cache) => Place::Var(id, cache),
                    Pattern::Member(m) => place(m, env) $($aw)*?,
                    _ => {
                        return Err(Ctrl::Throw(
                            realm().error("SyntaxError", "Invalid left-hand side in assignment"),
                        ));
                    }
                };
                compound(op, p, value, env, *pos) $($aw)*?
            }
            Expr::Member { object, key, optional, pos, .. } => {
                let o = eval(object, env) $($aw)*?;
                if *optional && o.is_nullish() {
                    return Err(Ctrl::Short);
                }
                let k = eval_member_key(key, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                get_member_key(&o, &k)?
            }
            Expr::Chain(inner) => match eval(inner, env) $($aw)* {
                Err(Ctrl::Short) => JsValue::Undefined,
                other => other?,
            },
            Expr::Call { callee, args, optional, pos, text } => {
                let (f, this) = match &**callee {
                    Expr::Member { object, key, optional: opt_member, pos: mpos, cache } => {
                        let o = eval(object, env) $($aw)*?;
                        if *opt_member && o.is_nullish() {
                            return Err(Ctrl::Short);
                        }
                        let f = match &**key {
                            // A method's name: the cached read (no key made).
                            PropKey::Static(name) if !o.is_nullish() => {
                                crate::realm::set_pos(*mpos);
                                get_named(&o, name, cache)?
                            }
                            _ => {
                                let k = eval_member_key(key, env) $($aw)*?;
                                crate::realm::set_pos(*mpos);
                                get_member_key(&o, &k)?
                            }
                        };
                        (f, o)
                    }
                    Expr::SuperMember { key, pos: mpos } => {
                        let key = eval_key(key, env) $($aw)*?;
                        crate::realm::set_pos(*mpos);
                        let (base, this) = crate::class::super_base(env)?;
                        let f = match base {
                            Some(base) => base.get_with(&key, &this)?,
                            None => JsValue::Undefined,
                        };
                        (f, this)
                    }
                    // 13.3.6.1 step 6 / EvaluateCall: a function found in a `with` object is
                    // called with the object as `this` (WithBaseObject).
                    Expr::Ident(id, ipos, cache) => {
                        crate::realm::set_pos(*ipos);
                        let name = &id.name;
                        let (f, this) = get_ident(id, cache, env)?;
                        // 13.3.6.1 step 6: If ref is not a property reference, its
                        // [[ReferencedName]] is "eval" and SameValue(func, %eval%) is true:
                        // a direct eval (not `eval?.(x)`, an OptionalExpression).
                        if &**name == "eval" && !*optional && crate::builtins::is_intrinsic_eval(&f) {
                            // a. Let argList be ? ArgumentListEvaluation of arguments.
                            let args = eval_args(args, env) $($aw)*?;
                            crate::realm::set_pos(*pos);
                            // b. If argList has no elements, return undefined.
                            // c. Let evalArg be the first element of argList.
                            let Some(arg) = args.into_iter().next() else { return Ok(JsValue::Undefined) };
                            // d. If IsStrict(this CallExpression) is true, let strictCaller be
                            // true; otherwise false. e. Return ? PerformEval(evalArg,
                            // strictCaller, true).
                            return Ok(crate::builtins::perform_direct_eval(&arg, env)?);
                        }
                        (f, this)
                    }
                    other => (eval(other, env) $($aw)*?, JsValue::Undefined),
                };
                if *optional && f.is_nullish() {
                    return Err(Ctrl::Short);
                }
                let args = eval_call_args(args, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                if !f.is_callable() {
                    return Err(type_error(&format!("{text} is not a function")));
                }
                match args {
                    // A vector the callee may keep (an async function's arguments).
                    ArgList::Heap(args) => call_now(f, this, args)?,
                    // Borrowed by a native function or a plain function's body.
                    args => call_sync(&f, &this, &args)?,
                }
            }
            Expr::New { callee, args, pos, text } => {
                let f = eval(callee, env) $($aw)*?;
                let args = eval_call_args(args, env) $($aw)*?;
                crate::realm::set_pos(*pos);
                // A built-in constructor (`new Promise(executor)`) borrows the arguments and
                // finishes at once: no vector, no future.
                match construct_native(&f, &args, &f) {
                    Some(result) => result?,
                    None => construct(&f, args.into_vec(), text) $($aw)*?,
                }
            }
            Expr::Seq(exprs) => {
                let mut last = JsValue::Undefined;
                for e in exprs {
                    last = eval(e, env) $($aw)*?;
                }
                last
            }
            $($own)*
        })
    }};
}

/// Evaluates `expr` in `env` as a boxed future (every form; [`eval`] calls it for those it
/// does not evaluate at once).
fn eval_boxed<'a>(expr: &'a Expr, env: &'a Env) -> Fut<'a, JsValue> {
    // `await e`, the form an async body suspends at, gets a future of its arm's steps only
    // (the general one is as large as its largest arm's state: 808 bytes).
    if let Expr::Await(..) = expr {
        return Box::pin(eval_operand(expr, env));
    }
    Box::pin(async move {
        eval_body!(expr, env, [.await],
            Expr::Yield(arg) => {
                let v = match arg {
                    Some(arg) => eval(arg, env).await?,
                    None => JsValue::Undefined,
                };
                let slot = generator_slot(env).ok_or_else(|| type_error("yield outside a generator"))?;
                if slot.is_async() {
                    return crate::generator::async_generator::async_generator_yield(slot, v).await;
                }
                match YieldPoint::new(slot, Yielded::Value(v)).await {
                    Resume::Next(v) => v,
                    Resume::Throw(e) => return Err(Ctrl::Throw(e)),
                    Resume::Return(v) => return Err(Ctrl::Return(v)),
                }
            }
            Expr::YieldStar(arg) => {
                let v = eval(arg, env).await?;
                let slot = generator_slot(env).ok_or_else(|| type_error("yield outside a generator"))?;
                crate::generator::yield_star(slot, v).await?
            }
            Expr::Await(..) => unreachable!("eval_boxed evaluates an await by eval_operand"),
        )
    })
}

/// PromiseResolve(%Promise%, v) (27.2.4.7.1), as a settle promise.
pub(crate) fn promise_resolve_intrinsic(v: JsValue) -> Result<JsPromise, JsValue> {
    Ok(match v {
        // Step 1: a promise whose `constructor` is %Promise% is itself, even with a replaced
        // `then` (never called).
        JsValue::Object(_) => {
            use settle_promise::realm::{self, Realm as _};
            let c = crate::promise::JsRealm.promise_constructor();
            let p = realm::promise_resolve(&crate::promise::JsRealm, &c, v)?;
            p.as_object().and_then(|o| o.promise().cloned()).expect("PromiseResolve(%Promise%) is a promise")
        }
        v => JsPromise::resolve(v),
    })
}

/// Await (27.7.5.3): PromiseResolve(%Promise%, v), then wait for it. Awaited directly in the
/// function's (or async generator resumption's) task, so the code after it resumes in the
/// reaction job itself.
pub(crate) async fn await_value(v: JsValue) -> Res<JsValue> {
    let promise = promise_resolve_intrinsic(v)?;
    Ok(promise.await?)
}

macro_rules! compound_fn {
    ([$($asy:tt)*] [$($aw:tt)*]) => {
$($asy)* fn compound(op: &AssignmentOperator, p: Place<'_>, value: &Expr, env: &Env, pos: Pos) -> Res<JsValue> {
    let old = read_place(&p, env)?;
    let new = match op {
        AssignmentOperator::LogicalAnd
        | AssignmentOperator::LogicalOr
        | AssignmentOperator::LogicalNullish => {
            let keep = match op {
                AssignmentOperator::LogicalAnd => !old.truthy(),
                AssignmentOperator::LogicalOr => old.truthy(),
                _ => !old.is_nullish(),
            };
            if keep {
                return Ok(old);
            }
            eval(value, env) $($aw)*?
        }
        other => {
            let rhs = eval(value, env) $($aw)*?;
            crate::realm::set_pos(pos);
            let bin = compound_op(*other).expect("an arithmetic compound assignment");
            binary(bin, &old, &rhs)?
        }
    };
    write_place(&p, env, new.clone())?;
    Ok(new)
}
    };
}
compound_fn!([async] [.await]);

// Last, so that the macros above (the steps both evaluators share) are in its scope.
pub(crate) mod completion;
mod sync_eval;
