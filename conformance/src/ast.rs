//! The generated programs: a small AST of asynchronous JavaScript.
//!
//! Names and labels are not stored: the printer (`print.rs`) numbers log labels, resolver,
//! handler and catch parameters, thenable tags and timer variables in print order, and turns
//! the `u8` references below into valid names (modulo what is in scope). So every tree, and
//! every tree proptest shrinks it to, prints as a valid program of the settle-js subset.

/// A whole program: the `process.on` listeners it installs first, then its statements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Which rejection listeners the program registers before anything else.
    pub listeners: Listeners,
    /// What the `unhandledRejection` listener (if any) does after logging its arguments, the
    /// first time it runs.
    pub on_unhandled: Vec<Stmt>,
    /// The top-level statements. A top-level [`Stmt::Promise`] is assigned to the next
    /// promise variable `p0`, `p1`, ...; later code refers to those variables.
    pub body: Vec<Stmt>,
}

/// The `process.on` listeners a program installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listeners {
    /// None: an unhandled rejection crashes the program (Node's default, exit code 1).
    None,
    /// `unhandledRejection` only.
    Unhandled,
    /// `unhandledRejection` and `rejectionHandled`.
    Both,
    /// Both, and the `unhandledRejection` listener attaches a `catch` to the promise it is given.
    BothHandling,
}

/// Timer delays. Widely spaced (see `DELAYS_MS`) so that Node's real clock orders timers the
/// way the virtual clock does; the harness still discards programs whose deadlines come close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delay {
    /// `0` (Node makes it 1 ms).
    Zero,
    /// One step.
    Short,
    /// Two steps and a half.
    Long,
}

/// The delays in milliseconds, indexed like [`Delay`].
pub const DELAYS_MS: [u32; 3] = [0, 40, 100];

impl Delay {
    /// The delay in milliseconds.
    pub fn ms(self) -> u32 {
        DELAYS_MS[self as usize]
    }
}

/// A statement. Every callback (timer, microtask, `nextTick`, executor, handler, async body)
/// logs its own label first, so the output shows when each one ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `console.log("Ln")`.
    Log,
    /// `queueMicrotask(() => { .. })`.
    Microtask(Vec<Stmt>),
    /// `process.nextTick(() => { .. })`.
    NextTick(Vec<Stmt>),
    /// `tN = setTimeout(() => { .. }, delay)`.
    Timeout(Delay, Vec<Stmt>),
    /// `tN = setInterval(..)` that clears itself on its `runs`-th run (1 to 3).
    Interval(Delay, u8, Vec<Stmt>),
    /// `clearTimeout(tK)`: some timer variable (perhaps not yet set, or already fired).
    Clear(u8),
    /// A promise expression; at top level it is assigned to the next `pN`.
    Promise(PExpr),
    /// `resN(value)` or `rejN(value)` of an enclosing executor (only generated inside one).
    Settle {
        /// Which enclosing executor (modulo how many enclose the statement).
        target: u8,
        /// `rej` instead of `res`.
        reject: bool,
        /// The argument.
        value: Value,
    },
    /// `console.log("Ln", show(await value))` (only generated in async bodies).
    Await(Value),
    /// `try { .. } catch (eN) { log; .. } finally { log; .. }`; at least one of the two clauses.
    Try {
        /// The protected block.
        body: Vec<Stmt>,
        /// The catch block, if any.
        catch: Option<Vec<Stmt>>,
        /// The finally block, if any.
        finally: Option<Vec<Stmt>>,
    },
    /// `throw value`.
    Throw(Value),
    /// `return value` (only generated inside a function body, perhaps inside a `try`).
    Return(Value),
    /// `console.log("Ln", show(yield value))`: what the generator is resumed with (only
    /// generated directly in a generator body; an async generator awaits the value first).
    Yield(Value),
    /// `console.log("Ln", show(yield* source))`: delegation, logging the delegate's return
    /// value (only in a generator body; a sync generator delegates to sync sources only).
    YieldStar(Source),
    /// `for await (const xN of source) { log xN; .. }` then a log after the loop (only
    /// generated directly in an async body, async generators included).
    ForAwait(Source, Vec<Stmt>),
    /// `if (++cN >= n) break;` for the innermost `for await` (n is 1 to 3; only generated in
    /// a loop body): leaving the loop early calls the iterator's `return()`.
    Break(u8),
}

/// What `for await` iterates and `yield*` delegates to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `(async function* () { log; .. })()`.
    AsyncGen(Vec<Stmt>, End),
    /// `(function* () { log; .. })()`: a sync iterator, which `for await` and an async
    /// generator's `yield*` wrap in CreateAsyncFromSyncIterator (its yielded promises and
    /// thenables are awaited).
    SyncGen(Vec<Stmt>, End),
    /// `[v, ..]`: an array (its iterator has no `return` or `throw`).
    Array(Vec<Value>),
}

/// A call of an async generator's method, from [`PExpr::Drive`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Which method.
    pub method: Method,
    /// Its argument.
    pub arg: Value,
    /// When it is called.
    pub when: When,
}

/// An async generator's three methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `next(v)`.
    Next,
    /// `return(v)`.
    Return,
    /// `throw(v)`.
    Throw,
}

/// When a [`Call`] is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Right away, in the order of the calls (requests queue in the AsyncGeneratorQueue).
    Now,
    /// From `queueMicrotask`.
    Microtask,
    /// From a timer.
    Timer(Delay),
}

/// A value: what is passed to resolve/reject, returned, thrown, awaited, or given to a
/// combinator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A small number.
    Num(u8),
    /// `new Error("En")`.
    Error(u8),
    /// `pK`: a promise variable (modulo those assigned so far, this statement's own included:
    /// it may still be `undefined`, or be the promise being resolved).
    Ref(u8),
    /// A promise made on the spot.
    Promise(Box<PExpr>),
    /// A thenable object with a `then` of the given behaviour, calling back with the value.
    Thenable(Then, Box<Value>),
    /// `withThen(promise, "Tn")`: a native promise whose own `then` is replaced by one that logs
    /// `Tn.then` and calls %Promise.prototype.then%. ECMA-262 looks `then` up on every object a
    /// promise is resolved with, so resolve functions, combinators and `finally` call it (V8's
    /// fast path applies only while `then` is the intrinsic).
    ReplacedThen(Box<PExpr>),
}

/// How a thenable's `then` behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// Calls `resolve(value)` synchronously.
    Sync,
    /// Calls `reject(value)` synchronously.
    RejectSync,
    /// Calls `resolve(value)` from a microtask.
    Deferred,
    /// Calls `resolve(value)` from a timer.
    Timer(Delay),
    /// Calls `resolve(value)` then `reject(..)`: the second call must be ignored.
    Both,
    /// Calls `resolve(value)` twice.
    Twice,
    /// Calls `resolve(value)`, then throws: the throw must be ignored.
    ThrowAfter,
    /// `then` itself throws.
    Throws,
    /// A `then` getter that logs and returns a well-behaved `then`.
    Getter,
    /// A `then` getter that throws.
    ThrowingGetter,
    /// `then` is not callable: the object is a plain value.
    NotCallable,
    /// `then` never calls back.
    Never,
}

/// A promise expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PExpr {
    /// `pK`, a promise variable assigned before this top-level statement (`Promise.resolve()`
    /// when there is none).
    Ref(u8),
    /// `Promise.resolve(value)`.
    Resolve(Box<Value>),
    /// `Promise.reject(value)`.
    Reject(Box<Value>),
    /// `new Promise((resN, rejN) => { .. })`; the executor may end with a throw.
    New(Vec<Stmt>, End),
    /// `(async () => { .. })()`.
    Async(Vec<Stmt>, End),
    /// `Promise.all/allSettled/any/race([..])`.
    Combinator(Combinator, Vec<Value>),
    /// `Sub.resolve(value)`, with `class Sub extends Promise` whose constructor logs `new Sub`:
    /// a subclass receiver (and, through species, every `then` on the result constructs `Sub`).
    SubResolve(Box<Value>),
    /// `Sub.all/allSettled/any/race([..])`: the combinator with a subclass receiver, which looks
    /// up `Sub.resolve` and constructs `Sub`.
    SubCombinator(Combinator, Vec<Value>),
    /// `base.then(..)`, `.catch(..)`, `.finally(..)`.
    Chain(Box<PExpr>, Link),
    /// `(async () => { log; for await (const xN of source) { log xN; .. } log; })()`.
    ForAwait(Box<Source>, Vec<Stmt>),
    /// `((gN) => { .. })((async function* () { .. })())`: the generator's methods called by
    /// hand, each call's promise then'd with logging handlers (`value`, `done`, or the
    /// reason). The first call is made at once and its then'd promise is the expression's
    /// value; later calls may come from microtasks or timers.
    Drive {
        /// The async generator's body.
        body: Vec<Stmt>,
        /// How its body ends.
        end: End,
        /// The calls, in order (the first one's `when` is taken as `Now`).
        calls: Vec<Call>,
    },
}

/// The four combinators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combinator {
    /// `Promise.all`.
    All,
    /// `Promise.allSettled`.
    AllSettled,
    /// `Promise.any`.
    Any,
    /// `Promise.race`.
    Race,
}

/// One link of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// `.then(h)`.
    Then(Handler),
    /// `.then(h1, h2)`.
    ThenBoth(Handler, Handler),
    /// `.then(undefined, h)`.
    OnRejected(Handler),
    /// `.catch(h)`.
    Catch(Handler),
    /// `.finally(h)` (the handler gets no argument).
    Finally(Handler),
    /// `.then()`: both defaults, the value or reason passes through.
    Passthrough,
}

/// A reaction handler: logs its label and argument, runs its body, ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    /// An `async` arrow (its body may `await`).
    pub is_async: bool,
    /// The statements after the log.
    pub body: Vec<Stmt>,
    /// How it ends.
    pub end: End,
}

/// How a function body ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Falls off the end (returns `undefined`).
    None,
    /// `return value` (ignored in an executor).
    Return(Value),
    /// `throw value`.
    Throw(Value),
}
