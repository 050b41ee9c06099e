//! The Promise object (27.2.6): its state, PerformPromiseThen, and the constructor and
//! prototype methods built on them. `then` is where a handler is wrapped: its closure (the
//! third step of the path in lib.rs) calls the handler and resolves the derived promise.
//! What settles a promise (FulfillPromise, RejectPromise, TriggerPromiseReactions) is with the
//! resolving functions (`resolving.rs`); the reaction jobs are in `reaction.rs`.
//!
//! Step numbers and quoted step text: ECMA-262 2025 (16th edition).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use settle_runtime::LoopId;

use crate::drop::drop_iteratively;
use crate::error::{Error, PanicError, Reason, Value};
use crate::pool::{PoolRc, coerce};
use crate::reaction::{ReactionRef, Reactions, Record, call_handler, enqueue_reaction_job};
use crate::resolution::{IntoResolution, Marker, NoThenables, Resolution, Thenables};
use crate::resolving::Resolvers;
use crate::tracker::{Operation, host_promise_rejection_tracker};

/// \[\[PromiseState\]\] as seen from outside.
///
/// ```
/// use settle::promise::{Promise, PromiseState};
/// let el = settle::runtime::EventLoop::new();
/// let _g = el.enter();
/// assert_eq!(Promise::<i32>::resolve(1).state(), PromiseState::Fulfilled);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PromiseState {
    /// Not settled yet (possibly already resolved to another promise or thenable).
    Pending,
    /// Settled with a value.
    Fulfilled,
    /// Settled with a reason.
    Rejected,
}

/// A promise: a cheap-to-clone, single-threaded handle to one ECMAScript Promise on the
/// current settle event loop.
///
/// - `T`, the value type, and `E`, the reason type (by default settle's [`Error`]); see
///   [`Reason`] for how the spec's own errors reach `E`.
/// - `D` classifies values that resolve a promise (default [`NoThenables`]); embedders with
///   dynamic values plug in their thenable detection there (see [`Thenables`]).
///
/// Settles at most once and never changes afterwards. Handlers always run asynchronously, as
/// microtask jobs, exactly once, in registration order. Using a promise in a way that queues a
/// job needs a current event loop ([`settle_runtime::Handle::current`]).
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use settle::promise::Promise;
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let out = Rc::new(RefCell::new(Vec::new()));
/// let log = out.clone();
/// el.queue_task(move || {
///     Promise::<i32>::resolve(41)
///         .then(|v| Ok(v + 1))
///         .then(move |v| { log.borrow_mut().push(v); Ok(()) });
/// });
/// el.run().unwrap();
/// assert_eq!(*out.borrow(), [42]);
/// ```
pub struct Promise<T, E = Error, D = NoThenables> {
    /// The promise's block, pooled (`pool.rs`), seen with its tail as `dyn Tail`.
    pub(crate) cell: PoolRc<PromiseCell<T, E, D>>,
}

/// A promise object's internal slots, and whatever shares its allocation (`X`).
///
/// A promise made by `then` carries the reaction record of that `then` call as its tail
/// (`X = Record<..>`), so the derived promise and the reaction that will resolve it are one
/// allocation; every other promise has no tail (`X = ()`). Handles see the tail as `dyn Tail`.
pub(crate) struct PromiseCell<T, E, D, X: ?Sized = dyn Tail> {
    /// \[\[PromiseState\]\], \[\[PromiseResult\]\] and the reaction lists. Borrowed only for the few
    /// instructions that read or change it, never while user code runs.
    pub(crate) state: RefCell<State<T, E>>,
    /// \[\[PromiseIsHandled\]\]: whether a handler was ever attached, which is all the rejection
    /// tracker reads of a promise (`tracker.rs`; its lists live on the loop). Set by
    /// PerformPromiseThen (below), read by RejectPromise (`resolving.rs`).
    pub(crate) handled: Cell<bool>,
    /// How many resolving-function pairs have been used (see `Resolvers`).
    pub(crate) resolutions: Cell<u32>,
    /// The loop the promise was made on, which runs its jobs (`owner.rs`). Two bytes, in what
    /// was padding.
    pub(crate) owner: LoopId,
    marker: Marker<D>,
    /// The `then` call's reaction record, for a promise made by `then` (its job is in
    /// `reaction.rs`).
    pub(crate) tail: X,
}

/// What may share a promise's allocation: nothing, or the reaction record of the `then` call
/// that made the promise.
pub(crate) trait Tail: 'static {}

impl Tail for () {}

impl<T: 'static, E: 'static, F: 'static> Tail for Record<T, E, F> {}

impl<T, E, D, X> PromiseCell<T, E, D, X> {
    /// A pending promise: \[\[PromiseState\]\] pending, empty reaction lists,
    /// \[\[PromiseIsHandled\]\] false.
    pub(crate) fn pending(tail: X) -> PromiseCell<T, E, D, X> {
        PromiseCell::pending_on(tail, LoopId::current())
    }

    /// A pending promise owned by `owner` (`owner.rs`).
    pub(crate) fn pending_on(tail: X, owner: LoopId) -> PromiseCell<T, E, D, X> {
        PromiseCell {
            state: RefCell::new(State::Pending(Reactions::new())),
            handled: Cell::new(false),
            resolutions: Cell::new(0),
            owner,
            marker: PhantomData,
            tail,
        }
    }
}

pub(crate) enum State<T, E> {
    /// \[\[PromiseFulfillReactions\]\] and \[\[PromiseRejectReactions\]\], kept as one list of paired
    /// records in registration order.
    Pending(Reactions<T, E>),
    Fulfilled(T),
    Rejected(E),
}

impl<T, E, D> Clone for Promise<T, E, D> {
    fn clone(&self) -> Self {
        Promise { cell: self.cell.clone() }
    }
}

/// Identity, like JavaScript's `===` on promise objects: two handles are equal when they are
/// the same promise. Lets embedders key maps by promise (Node's rejection events report the
/// promise object).
///
/// ```
/// use std::collections::HashSet;
/// use settle::promise::Promise;
/// let el = settle::runtime::EventLoop::new();
/// let _g = el.enter();
/// let p = Promise::<i32>::resolve(1);
/// let set: HashSet<_> = [p.clone(), p.clone(), Promise::resolve(1)].into_iter().collect();
/// assert_eq!(set.len(), 2);
/// assert!(set.contains(&p));
/// ```
impl<T, E, D> PartialEq for Promise<T, E, D> {
    fn eq(&self, other: &Self) -> bool {
        self.ptr_eq(other)
    }
}

impl<T, E, D> Eq for Promise<T, E, D> {}

impl<T, E, D> std::hash::Hash for Promise<T, E, D> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::ptr::hash(PoolRc::as_ptr(&self.cell) as *const (), state);
    }
}

impl<T, E, D> Promise<T, E, D> {
    /// Whether two handles are the same promise (JavaScript's `===`).
    ///
    /// ```
    /// use settle::promise::Promise;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let p = Promise::<i32>::resolve(1);
    /// assert!(Promise::resolve(p.clone()).ptr_eq(&p));
    /// ```
    pub fn ptr_eq(&self, other: &Promise<T, E, D>) -> bool {
        PoolRc::ptr_eq(&self.cell, &other.cell)
    }

    /// \[\[PromiseState\]\].
    ///
    /// ```
    /// use settle::promise::{Promise, PromiseState};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (p, _r) = Promise::<i32>::with_resolvers();
    /// assert_eq!(p.state(), PromiseState::Pending);
    /// ```
    pub fn state(&self) -> PromiseState {
        match &*self.cell.state.borrow() {
            State::Pending(_) => PromiseState::Pending,
            State::Fulfilled(_) => PromiseState::Fulfilled,
            State::Rejected(_) => PromiseState::Rejected,
        }
    }

    /// \[\[PromiseIsHandled\]\]: whether a handler was ever attached (or [`Promise::defer`] was
    /// called). An unhandled rejected promise is reported at the end of the checkpoint.
    ///
    /// ```
    /// use settle::promise::Promise;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let p = Promise::<i32>::resolve(1);
    /// assert!(!p.is_handled());
    /// p.then(|v| Ok(v));
    /// assert!(p.is_handled());
    /// ```
    pub fn is_handled(&self) -> bool {
        self.cell.handled.get()
    }

    /// The book's "pit of success" opt-out (chapter 3, "Error Handling"): marks the promise as
    /// going to be handled later, so a rejection is not reported as unhandled. Returns the
    /// promise, for chaining.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use settle::promise::{Error, Promise, RejectionPolicy, set_rejection_policy};
    /// use settle::runtime::EventLoop;
    ///
    /// let el = EventLoop::new();
    /// let reported = Rc::new(Cell::new(0));
    /// let r = reported.clone();
    /// set_rejection_policy(&el, RejectionPolicy::Callback(Rc::new(move |_| r.set(r.get() + 1))));
    /// el.queue_task(|| {
    ///     let later = Promise::<i32>::reject(Error::msg("later")).defer();
    ///     let _unhandled = Promise::<i32>::reject(Error::msg("reported"));
    ///     assert!(later.is_handled());
    /// });
    /// el.run().unwrap();
    /// assert_eq!(reported.get(), 1, "only the promise without defer() is reported");
    /// ```
    pub fn defer(self) -> Self {
        self.cell.handled.set(true);
        self
    }
}

impl<T: Clone, E: Clone, D> Promise<T, E, D> {
    /// \[\[PromiseResult\]\]: `None` while pending.
    ///
    /// ```
    /// use settle::promise::Promise;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// assert_eq!(Promise::<i32>::resolve(3).result().unwrap().unwrap(), 3);
    /// ```
    pub fn result(&self) -> Option<Result<T, E>> {
        match &*self.cell.state.borrow() {
            State::Pending(_) => None,
            State::Fulfilled(v) => Some(Ok(v.clone())),
            State::Rejected(e) => Some(Err(e.clone())),
        }
    }
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Promise<T, E, D> {
    pub(crate) fn pending() -> Promise<T, E, D> {
        Promise { cell: coerce!(PoolRc::new(PromiseCell::pending(()))) }
    }

    /// `new Promise(executor)` (27.2.3.1). The executor runs at once with the promise's
    /// [`Resolvers`]; if it returns `Err` or panics, the promise is rejected with that error
    /// (unless the executor already resolved it).
    ///
    /// ```
    /// use settle::promise::{Error, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let p = Promise::<i32>::new(|r| { r.resolve(42); Ok(()) });
    /// assert_eq!(p.result().unwrap().unwrap(), 42);
    /// let q = Promise::<i32>::new(|_| Err(Error::msg("Oops"))).defer();
    /// assert_eq!(q.result().unwrap().unwrap_err(), Error::msg("Oops"));
    /// ```
    pub fn new(executor: impl FnOnce(Resolvers<T, E, D>) -> Result<(), E>) -> Promise<T, E, D> {
        // 1. If NewTarget is undefined, throw a TypeError exception.
        // 2. If IsCallable(executor) is false, throw a TypeError exception.
        //    (Both guaranteed by the types.)
        // 3. Let promise be ? OrdinaryCreateFromConstructor(NewTarget, "%Promise.prototype%",
        //    « [[PromiseState]], [[PromiseResult]], [[PromiseFulfillReactions]],
        //    [[PromiseRejectReactions]], [[PromiseIsHandled]] »).
        // 4. Set promise.[[PromiseState]] to pending.
        // 5. Set promise.[[PromiseFulfillReactions]] to a new empty List.
        // 6. Set promise.[[PromiseRejectReactions]] to a new empty List.
        // 7. Set promise.[[PromiseIsHandled]] to false.
        let promise = Promise::pending();
        // 8. Let resolvingFunctions be CreateResolvingFunctions(promise).
        let resolving_functions = Resolvers::create_resolving_functions(&promise);
        // 9. Let completion be Completion(Call(executor, undefined,
        //    « resolvingFunctions.[[Resolve]], resolvingFunctions.[[Reject]] »)).
        let functions = resolving_functions.clone();
        let completion = match catch_unwind(AssertUnwindSafe(move || executor(functions))) {
            Ok(completion) => completion,
            Err(payload) => Err(E::from_panic(PanicError::from_payload(payload.as_ref()))),
        };
        // 10. If completion is an abrupt completion, then
        //     a. Perform ? Call(resolvingFunctions.[[Reject]], undefined, « completion.[[Value]] »).
        if let Err(error) = completion {
            resolving_functions.reject(error);
        }
        // 11. Return promise.
        promise
    }

    /// `Promise.withResolvers()` (27.2.4.9, ES2024): a pending promise and its resolving
    /// functions.
    ///
    /// ```
    /// use settle::promise::Promise;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (p, r) = Promise::<&str>::with_resolvers();
    /// r.resolve("done");
    /// assert_eq!(p.result().unwrap().unwrap(), "done");
    /// ```
    pub fn with_resolvers() -> (Promise<T, E, D>, Resolvers<T, E, D>) {
        // NewPromiseCapability(%Promise%) with the intrinsic constructor.
        let promise = Promise::pending();
        let resolvers = Resolvers::create_resolving_functions(&promise);
        (promise, resolvers)
    }

    /// `Promise.try(f)` (27.2.4.8, ES2025): calls `f` now; its result resolves the promise and
    /// its failure (an `Err` or a panic) rejects it.
    ///
    /// ```
    /// use settle::promise::{Error, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let p = Promise::<i32>::r#try(|| Ok(6 * 7));
    /// assert_eq!(p.result().unwrap().unwrap(), 42);
    /// let q = Promise::<i32>::r#try(|| -> Result<i32, Error> { panic!("thrown") }).defer();
    /// assert_eq!(q.result().unwrap().unwrap_err().to_string(), "panic: thrown");
    /// ```
    pub fn r#try<R>(f: impl FnOnce() -> Result<R, E>) -> Promise<T, E, D>
    where
        R: IntoResolution<T, E, D>,
    {
        // Step 3: NewPromiseCapability(C).
        let (promise, capability) = Promise::with_resolvers();
        // Step 4: Completion(Call(callbackfn, undefined, args)).
        match call_handler(|()| f(), ()) {
            // Step 5: abrupt -> Call(promiseCapability.[[Reject]], status.[[Value]]).
            Err(error) => capability.reject(error),
            // Step 6: Call(promiseCapability.[[Resolve]], status.[[Value]]).
            Ok(value) => capability.resolve(value),
        }
        promise
    }

    /// `Promise.resolve(x)` (27.2.4.7), that is PromiseResolve(%Promise%, x) (27.2.4.7.1):
    /// a settle promise comes back as the very same promise; anything else gives a new promise
    /// resolved with it (a thenable is adopted one job later).
    pub(crate) fn promise_resolve(x: impl IntoResolution<T, E, D>) -> Promise<T, E, D> {
        match x.into_resolution() {
            // PromiseResolve step 1: IsPromise(x) and x.constructor is C -> return x.
            Resolution::Promise(p) => p,
            // Steps 2-4 with a plain value: Call(capability.[[Resolve]], x) fulfills the new
            // promise at once, before anything can observe it or react to it; so it is made
            // fulfilled, with its one pair of resolving functions counted as used.
            Resolution::Value(value) => Promise {
                cell: coerce!(PoolRc::new(PromiseCell {
                    state: RefCell::new(State::Fulfilled(value)),
                    handled: Cell::new(false),
                    resolutions: Cell::new(1),
                    owner: LoopId::current(),
                    marker: PhantomData,
                    tail: (),
                })),
            },
            // Steps 2-4: NewPromiseCapability(C); Call(capability.[[Resolve]], x).
            other => {
                let (promise, capability) = Promise::with_resolvers();
                capability.resolve(other);
                promise
            }
        }
    }

    /// `Promise.reject(r)` (27.2.4.6): a promise rejected with `r`. If no handler is attached
    /// by the end of the current checkpoint, it is reported as an unhandled rejection.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current: the rejection tracker lives on the loop.
    #[track_caller]
    pub(crate) fn promise_reject(r: E) -> Promise<T, E, D> {
        let (promise, capability) = Promise::with_resolvers();
        capability.reject(r);
        promise
    }

    /// `promise.then(onFulfilled)` (27.2.5.4): a new promise resolved with what the handler
    /// returns (`Ok`: a value, a promise or a thenable, adopted as by `resolve`; `Err` or a
    /// panic: the JavaScript `throw`, rejecting it). A rejection passes through unchanged.
    ///
    /// ```
    /// use settle::promise::Promise;
    /// let el = settle::runtime::EventLoop::new();
    /// el.queue_task(|| {
    ///     let p = Promise::<i32>::resolve(20).then(|v| Ok(v + 1)).then(|v| Ok(v * 2));
    ///     p.then(|v| { assert_eq!(v, 42); Ok(()) });
    /// });
    /// el.run().unwrap();
    /// ```
    pub fn then<U, R>(&self, on_fulfilled: impl FnOnce(T) -> Result<R, E> + 'static) -> Promise<U, E, D>
    where
        U: Value,
        D: Thenables<U, E>,
        R: IntoResolution<U, E, D>,
    {
        self.then_reaction(move |argument, capability, host| match argument {
            Ok(value) => match call_handler(on_fulfilled, value) {
                Ok(result) => capability.resolve_lent(host, result),
                Err(error) => capability.reject(error),
            },
            // No onRejected: the "Thrower" default, NewPromiseReactionJob step 1.d.ii.
            Err(reason) => capability.reject(reason),
        })
    }

    /// `promise.then(onFulfilled, onRejected)` (27.2.5.4) with both handlers.
    ///
    /// ```
    /// use settle::promise::{Error, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// el.queue_task(|| {
    ///     Promise::<i32>::reject(Error::msg("Oops"))
    ///         .then_both(|v| Ok(v), |e| Ok(if e == Error::msg("Oops") { -1 } else { 0 }))
    ///         .then(|v| { assert_eq!(v, -1); Ok(()) });
    /// });
    /// el.run().unwrap();
    /// ```
    pub fn then_both<U, R1, R2>(
        &self,
        on_fulfilled: impl FnOnce(T) -> Result<R1, E> + 'static,
        on_rejected: impl FnOnce(E) -> Result<R2, E> + 'static,
    ) -> Promise<U, E, D>
    where
        U: Value,
        D: Thenables<U, E>,
        R1: IntoResolution<U, E, D>,
        R2: IntoResolution<U, E, D>,
    {
        self.then_reaction(move |argument, capability, host| match argument {
            Ok(value) => match call_handler(on_fulfilled, value) {
                Ok(result) => capability.resolve_lent(host, result),
                Err(error) => capability.reject(error),
            },
            Err(reason) => match call_handler(on_rejected, reason) {
                Ok(result) => capability.resolve_lent(host, result),
                Err(error) => capability.reject(error),
            },
        })
    }

    /// `promise.then(onFulfilled?, onRejected?)` with optional handlers, as an embedder's
    /// `then` receives them: a missing handler passes the value (Identity) or the reason
    /// (Thrower) through, exactly as the spec's defaults do.
    ///
    /// ```
    /// use settle::promise::{Error, Promise};
    /// type Handler = fn(i32) -> Result<i32, Error>;
    /// let el = settle::runtime::EventLoop::new();
    /// el.queue_task(|| {
    ///     Promise::<i32>::resolve(5)
    ///         .then_with(None::<Handler>, None::<fn(Error) -> Result<i32, Error>>)
    ///         .then(|v| { assert_eq!(v, 5); Ok(()) });
    /// });
    /// el.run().unwrap();
    /// ```
    pub fn then_with<R1, R2>(
        &self,
        on_fulfilled: Option<impl FnOnce(T) -> Result<R1, E> + 'static>,
        on_rejected: Option<impl FnOnce(E) -> Result<R2, E> + 'static>,
    ) -> Promise<T, E, D>
    where
        R1: IntoResolution<T, E, D>,
        R2: IntoResolution<T, E, D>,
    {
        self.then_reaction(move |argument, capability, host| match (argument, on_fulfilled, on_rejected) {
            (Ok(value), Some(handler), _) => match call_handler(handler, value) {
                Ok(result) => capability.resolve_lent(host, result),
                Err(error) => capability.reject(error),
            },
            // Step 1.d.i: handler empty, type Fulfill -> NormalCompletion(argument).
            (Ok(value), None, _) => capability.resolve_lent(host, value),
            (Err(reason), _, Some(handler)) => match call_handler(handler, reason) {
                Ok(result) => capability.resolve_lent(host, result),
                Err(error) => capability.reject(error),
            },
            // Step 1.d.ii: handler empty, type Reject -> ThrowCompletion(argument).
            (Err(reason), _, None) => capability.reject(reason),
        })
    }

    /// `promise.catch(onRejected)` (27.2.5.1), that is `then(undefined, onRejected)`.
    ///
    /// ```
    /// use settle::promise::{Error, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// el.queue_task(|| {
    ///     Promise::<i32>::reject(Error::msg("Oops"))
    ///         .catch(|e| { assert_eq!(e.to_string(), "Oops"); Ok(0) })
    ///         .then(|v| { assert_eq!(v, 0); Ok(()) });
    /// });
    /// el.run().unwrap();
    /// ```
    pub fn catch<R>(&self, on_rejected: impl FnOnce(E) -> Result<R, E> + 'static) -> Promise<T, E, D>
    where
        R: IntoResolution<T, E, D>,
    {
        self.then_reaction(move |argument, capability, host| match argument {
            Ok(value) => capability.resolve_lent(host, value),
            Err(reason) => match call_handler(on_rejected, reason) {
                Ok(result) => capability.resolve_lent(host, result),
                Err(error) => capability.reject(error),
            },
        })
    }

    /// `promise.finally(onFinally)` (27.2.5.3): runs `on_finally` when the promise settles,
    /// then passes the original value or reason through, after waiting for what `on_finally`
    /// returned (a promise is awaited). If `on_finally` fails, or returns a promise that
    /// rejects, that failure replaces the outcome. Costs two extra ticks over `then`.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use settle::promise::Promise;
    ///
    /// let el = settle::runtime::EventLoop::new();
    /// let cleaned = Rc::new(Cell::new(false));
    /// let c = cleaned.clone();
    /// el.queue_task(move || {
    ///     Promise::<i32>::resolve(42)
    ///         .finally(move || { c.set(true); Ok(()) })
    ///         .then(|v| { assert_eq!(v, 42); Ok(()) });
    /// });
    /// el.run().unwrap();
    /// assert!(cleaned.get());
    /// ```
    pub fn finally<X, R>(&self, on_finally: impl FnOnce() -> Result<R, E> + 'static) -> Promise<T, E, D>
    where
        X: Value,
        D: Thenables<X, E>,
        R: IntoResolution<X, E, D>,
    {
        self.then_reaction(move |argument, capability, _host| {
            // thenFinally (27.2.5.3.1) and catchFinally (27.2.5.3.2), step 1.a:
            // Call(onFinally, undefined).
            let result = match call_handler(|()| on_finally(), ()) {
                Ok(result) => result,
                // The closure threw: the derived promise rejects with that error.
                Err(error) => return capability.reject(error),
            };
            // Step 1.c: PromiseResolve(C, result).
            let promise = Promise::<X, E, D>::promise_resolve(result);
            // Steps 1.d-1.f: return promise.then(valueThunk) / promise.then(thrower).
            let chained: Promise<T, E, D> = match argument {
                Ok(value) => promise.then(move |_| Ok(value)),
                Err(reason) => promise.then(move |_| Err::<T, E>(reason)),
            };
            // The handler returned a promise: the derived promise adopts it.
            capability.resolve(chained);
        })
    }

    /// The common part of `then`, `catch` and `finally`: 27.2.5.4 Promise.prototype.then
    /// steps 3-5 with C = %Promise%. `job` is the reaction job's body for both outcomes; it
    /// receives the derived promise's capability.
    pub(crate) fn then_reaction<U>(
        &self,
        job: impl FnOnce(Result<T, E>, &Resolvers<U, E, D>, &mut dyn Any) + 'static,
    ) -> Promise<U, E, D>
    where
        U: Value,
        D: Thenables<U, E>,
    {
        // Step 4: NewPromiseCapability(C). The derived promise is allocated together with the
        // reaction record of step 5, as its tail; the record's job makes the capability.
        // The derived promise belongs to the loop of the promise it derives from (its jobs
        // follow the chain), which also spares a look at the current loop per `then`.
        let block =
            PoolRc::new(PromiseCell::<U, E, D, _>::pending_on(Record::<T, E, _>::new(job), self.cell.owner));
        let derived = Promise { cell: coerce!(block.clone()) };
        // Step 5: PerformPromiseThen(promise, onFulfilled, onRejected, resultCapability).
        self.perform_promise_then(ReactionRef::new(block));
        derived
    }

    /// 27.2.5.4.1 PerformPromiseThen ( promise, onFulfilled, onRejected, resultCapability ),
    /// with the two reaction records already built as one `reaction` (steps 1-8).
    pub(crate) fn perform_promise_then(&self, reaction: ReactionRef<T, E>) {
        // 1. Assert: IsPromise(promise) is true.
        // 2-8. resultCapability, the job callbacks, fulfillReaction and rejectReaction: all in
        //    `reaction`, built by the caller.
        let cell = &self.cell;
        let mut state = cell.state.borrow_mut();
        // 9. If promise.[[PromiseState]] is pending, then
        //    a. Append fulfillReaction to promise.[[PromiseFulfillReactions]].
        //    b. Append rejectReaction to promise.[[PromiseRejectReactions]].
        let State::Pending(reactions) = &mut *state else {
            drop(state);
            // Steps 10-12 for a settled promise, out of line: the pending case then saves
            // fewer registers (callgrind, 2026-12-07, docs/benchmarks.md entry 22).
            return self.perform_promise_then_settled(reaction);
        };
        reactions.push(reaction);
        drop(state);
        // 12. Set promise.[[PromiseIsHandled]] to true.
        cell.handled.set(true);
        // 13-14. Return resultCapability.[[Promise]] (or undefined): the caller holds it.
    }

    /// PerformPromiseThen's steps 10-12, for a promise that is not pending.
    #[inline(never)]
    fn perform_promise_then_settled(&self, reaction: ReactionRef<T, E>) {
        let cell = &self.cell;
        let state = cell.state.borrow();
        let (reaction, argument) = match &*state {
            State::Pending(_) => unreachable!("the caller saw the promise settled"),
            // 10. Else if promise.[[PromiseState]] is fulfilled, then
            //    a. Let value be promise.[[PromiseResult]].
            //    b. Let fulfillJob be NewPromiseReactionJob(fulfillReaction, value).
            State::Fulfilled(value) => (reaction, Ok(value.clone())),
            // 11. Else,
            //    a. Assert: The value of promise.[[PromiseState]] is rejected.
            //    b. Let reason be promise.[[PromiseResult]].
            //    d. Let rejectJob be NewPromiseReactionJob(rejectReaction, reason).
            State::Rejected(reason) => (reaction, Err(reason.clone())),
        };
        drop(state);
        //    c. If promise.[[PromiseIsHandled]] is false, perform
        //       HostPromiseRejectionTracker(promise, "handle").
        if argument.is_err() && !cell.handled.get() {
            host_promise_rejection_tracker(self, Operation::Handle);
        }
        // 12. Set promise.[[PromiseIsHandled]] to true.
        cell.handled.set(true);
        // 10.c. Perform HostEnqueuePromiseJob(fulfillJob.[[Job]], fulfillJob.[[Realm]]).
        // 11.e. Perform HostEnqueuePromiseJob(rejectJob.[[Job]], rejectJob.[[Realm]]).
        // (After step 12: a job never runs before the flag is set, so the order is unobservable.)
        enqueue_reaction_job(reaction, argument, cell.owner);
        // 13-14. Return resultCapability.[[Promise]] (or undefined): the caller holds it.
    }
}

impl<T: Clone, E, D> Promise<T, E, D> {
    /// \[\[PromiseResult\]\] of a fulfilled promise (a copy); `None` while pending or once
    /// rejected.
    #[inline]
    pub(crate) fn fulfilled_value(&self) -> Option<T> {
        match &*self.cell.state.borrow() {
            State::Fulfilled(value) => Some(value.clone()),
            _ => None,
        }
    }

    /// PerformPromiseThen (27.2.5.4.1) steps 10 and 12 on a promise known to be fulfilled,
    /// for a caller that has already taken the value (`fulfilled_value`) and built the
    /// reaction job as `job`: sets \[\[PromiseIsHandled\]\] and queues the job on the
    /// promise's loop, as step 10.c does (no rejection tracking: the promise is not rejected).
    #[inline]
    pub(crate) fn perform_promise_then_fulfilled(&self, job: impl FnOnce(&mut dyn Any) + 'static) {
        debug_assert!(matches!(&*self.cell.state.borrow(), State::Fulfilled(_)));
        // 12. Set promise.[[PromiseIsHandled]] to true.
        self.cell.handled.set(true);
        // 10.c. Perform HostEnqueuePromiseJob(fulfillJob.[[Job]], fulfillJob.[[Realm]]).
        crate::owner::enqueue_on_owner(self.cell.owner, job);
    }
}

impl<T, E, D, X: ?Sized> Drop for PromiseCell<T, E, D, X> {
    fn drop(&mut self) {
        // A pending promise dropped with reactions owns the rest of its chain: unwind it
        // without recursion.
        // (Settled promises, the common case, are left alone.)
        if let State::Pending(reactions) = self.state.get_mut()
            && !reactions.is_empty()
        {
            drop_iteratively(std::mem::replace(reactions, Reactions::new()).into_erased());
        }
    }
}

impl<T: fmt::Debug, E: fmt::Debug, D> fmt::Debug for Promise<T, E, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cell.state.try_borrow() {
            Ok(state) => match &*state {
                State::Pending(_) => f.write_str("Promise { <pending> }"),
                State::Fulfilled(v) => write!(f, "Promise {{ {v:?} }}"),
                State::Rejected(e) => write!(f, "Promise {{ <rejected> {e:?} }}"),
            },
            Err(_) => f.write_str("Promise { <busy> }"),
        }
    }
}
