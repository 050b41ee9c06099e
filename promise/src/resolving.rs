//! The resolving functions: CreateResolvingFunctions (27.2.1.3), the Promise Reject Function
//! (27.2.1.3.1), the Promise Resolve Function (27.2.1.3.2), NewPromiseResolveThenableJob
//! (27.2.2.2), and what they lead to: FulfillPromise (27.2.1.4), RejectPromise (27.2.1.7) and
//! TriggerPromiseReactions (27.2.1.8).
//!
//! This file is the one place where a resolution value is classified and a promise is
//! settled: follow a value from [`Resolvers::resolve`] to `fulfill_promise` (or to the thenable
//! job, which comes back here), then to `trigger_promise_reactions` at the end of the file,
//! which queues one job per reaction: the next step is `reaction.rs`.
//!
//! Step numbers and quoted step text: ECMA-262 2025 (16th edition).

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use crate::error::{Error, PanicError, Reason, TypeError, Value};
use settle_runtime::LoopId;

use crate::pool::PoolRc;
use crate::promise::{Promise, PromiseCell, State};
use crate::reaction::{Reactions, new_reaction};
use crate::resolution::{IntoResolution, NoThenables, Resolution, Thenable, Thenables};
use crate::tracker::{Operation, host_promise_rejection_tracker};

/// A promise's resolving functions, `resolve` and `reject`, sharing one \[\[AlreadyResolved\]\]
/// flag: the record CreateResolvingFunctions (27.2.1.3) returns.
///
/// The first call of either wins; later calls are ignored, even while the first resolution is
/// still pending (a promise resolved with a pending promise is "resolved" but not settled).
/// Clones share the flag, as the two JavaScript functions share their record.
///
/// ```
/// use settle::promise::{Error, Promise};
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let _g = el.enter();
/// let (p, r) = Promise::<i32>::with_resolvers();
/// r.resolve(1);
/// r.resolve(2); // ignored
/// r.reject(Error::msg("ignored too"));
/// assert_eq!(p.result().unwrap().unwrap(), 1);
/// ```
pub struct Resolvers<T, E = Error, D = NoThenables> {
    promise: Promise<T, E, D>,
    /// Which pair of resolving functions of `promise` this is. The flag itself lives in the
    /// promise as a count of used pairs: pair `k` is "already resolved" once the count passes
    /// `k`. A new pair is only ever created (by the thenable job) after the previous one was
    /// used, so at most one pair is live at a time and the count is exactly the spec's flags.
    pair: u32,
}

impl<T, E, D> Clone for Resolvers<T, E, D> {
    fn clone(&self) -> Self {
        Resolvers { promise: self.promise.clone(), pair: self.pair }
    }
}

impl<T, E, D> fmt::Debug for Resolvers<T, E, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolvers").field("already_resolved", &self.is_already_resolved()).finish()
    }
}

impl<T, E, D> Resolvers<T, E, D> {
    /// 27.2.1.3 CreateResolvingFunctions ( promise ): a fresh pair with its own
    /// \[\[AlreadyResolved\]\] (false).
    pub(crate) fn create_resolving_functions(promise: &Promise<T, E, D>) -> Resolvers<T, E, D> {
        // 1. Let alreadyResolved be the Record { [[Value]]: false }.
        //    (Encoded as "the used-pair count is still this pair's index".)
        // 2-11. The two functions, each with [[Promise]] promise and [[AlreadyResolved]]
        //    alreadyResolved: this one value is both.
        // 12. Return the Record { [[Resolve]]: resolve, [[Reject]]: reject }.
        Resolvers { promise: promise.clone(), pair: promise.cell.resolutions.get() }
    }

    /// The resolving functions NewPromiseCapability (27.2.1.5) made along with a promise that
    /// nothing else can resolve: the first pair, unused.
    pub(crate) fn capability_of(promise: Promise<T, E, D>) -> Resolvers<T, E, D> {
        debug_assert_eq!(promise.cell.resolutions.get(), 0, "the capability's promise was resolved");
        Resolvers { promise, pair: 0 }
    }

    /// Whether `resolve` or `reject` has been called on this pair.
    ///
    /// ```
    /// use settle::promise::Promise;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (_p, r) = Promise::<i32>::with_resolvers();
    /// assert!(!r.is_already_resolved());
    /// r.resolve(5);
    /// assert!(r.is_already_resolved());
    /// ```
    pub fn is_already_resolved(&self) -> bool {
        self.promise.cell.resolutions.get() != self.pair
    }

    /// The promise these functions resolve.
    ///
    /// ```
    /// use settle::promise::Promise;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (p, r) = Promise::<i32>::with_resolvers();
    /// assert!(r.promise().ptr_eq(&p));
    /// ```
    pub fn promise(&self) -> &Promise<T, E, D> {
        &self.promise
    }

    /// Steps 5-6 of both functions: if alreadyResolved, return; otherwise set it.
    fn take_already_resolved(&self) -> bool {
        if self.is_already_resolved() {
            return true;
        }
        self.promise.cell.resolutions.set(self.pair + 1);
        false
    }
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Resolvers<T, E, D> {
    /// The Promise Resolve Function (27.2.1.3.2), JavaScript's `resolve(resolution)`.
    ///
    /// A plain value fulfills the promise; a settle promise or a thenable is adopted one job
    /// later (NewPromiseResolveThenableJob), which is why `resolve(fulfilledPromise)` lets
    /// reactions run two ticks later than `resolve(value)` (the book's p1/p3 example); the
    /// promise itself rejects it with a TypeError.
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle::promise::Promise;
    /// use settle::runtime::EventLoop;
    ///
    /// // The book's p1/p3 example (chapter 3): prints A B, not B A.
    /// let el = EventLoop::new();
    /// let out = Rc::new(RefCell::new(Vec::new()));
    /// {
    ///     let _g = el.enter();
    ///     let p3 = Promise::<&str>::new(|r| { r.resolve("B"); Ok(()) });
    ///     let p1 = Promise::<&str>::new(|r| { r.resolve(p3); Ok(()) });
    ///     let p2 = Promise::<&str>::new(|r| { r.resolve("A"); Ok(()) });
    ///     let (o1, o2) = (out.clone(), out.clone());
    ///     p1.then(move |v| { o1.borrow_mut().push(v); Ok(()) });
    ///     p2.then(move |v| { o2.borrow_mut().push(v); Ok(()) });
    /// }
    /// el.run().unwrap();
    /// assert_eq!(*out.borrow(), ["A", "B"]);
    /// ```
    #[inline]
    pub fn resolve(&self, resolution: impl IntoResolution<T, E, D>) {
        // No host at hand: the classifier gets `&mut ()`.
        self.resolve_lent(&mut (), resolution);
    }

    /// The Promise Resolve Function (27.2.1.3.2) inside a job, which has the host the loop is
    /// run with: a plain value is classified with it (`Thenables::classify_in`).
    #[inline]
    pub(crate) fn resolve_lent(&self, host: &mut dyn Any, resolution: impl IntoResolution<T, E, D>) {
        // 1. Let F be the active function object.
        // 2. Assert: F has a [[Promise]] internal slot whose value is an Object.
        // 3. Let promise be F.[[Promise]].
        // 4. Let alreadyResolved be F.[[AlreadyResolved]].
        // 5. If alreadyResolved.[[Value]] is true, return undefined.
        // 6. Set alreadyResolved.[[Value]] to true.
        if self.take_already_resolved() {
            return;
        }
        // Steps 8-12 (is it an Object, Get(resolution, "then"), IsCallable) happen in the
        // classifier, here, after alreadyResolved is set, so an ignored call never runs a
        // `then` getter and a getter that calls this function again is ignored.
        let promise = &self.promise;
        match resolution.into_resolution_in(host, promise) {
            // 7. If SameValue(resolution, promise) is true, then
            //    a. Let selfResolutionError be a newly created TypeError object.
            //    b. Perform RejectPromise(promise, selfResolutionError).
            Resolution::Promise(p) if p.ptr_eq(promise) => {
                promise.reject_promise(E::from_type_error(TypeError::ChainingCycle));
            }
            // 8. If resolution is not an Object, then
            //    a. Perform FulfillPromise(promise, resolution).
            // 12. If IsCallable(thenAction) is false, then
            //    a. Perform FulfillPromise(promise, resolution).
            Resolution::Value(value) => promise.fulfill_promise(value),
            // 9. Let then be Completion(Get(resolution, "then")).
            // 10. If then is an abrupt completion, then
            //    a. Perform RejectPromise(promise, then.[[Value]]).
            Resolution::Throw(reason) => promise.reject_promise(reason),
            // 13. Let thenJobCallback be HostMakeJobCallback(thenAction).
            // 14. Let job be NewPromiseResolveThenableJob(promise, resolution, thenJobCallback).
            // 15. Perform HostEnqueuePromiseJob(job.[[Job]], job.[[Realm]]).
            Resolution::Promise(p) => new_promise_resolve_thenable_job(promise.clone(), Adoptee::Promise(p)),
            Resolution::Thenable(t) => {
                new_promise_resolve_thenable_job(promise.clone(), Adoptee::Thenable(t))
            }
        }
        // 16. Return undefined.
    }

    /// The Promise Resolve Function (27.2.1.3.2) with the host at hand: as
    /// [`Resolvers::resolve`], but a plain value is classified by
    /// [`Thenables::classify_in`](crate::Thenables::classify_in) with `host`, so an engine's
    /// `then` lookup (steps 9-12) runs with its context, after the \[\[AlreadyResolved\]\] check
    /// (a second call does not classify at all). A callback queued with a `_with` method
    /// passes the `&mut H` it borrows.
    ///
    /// ```
    /// use settle::prelude::*;
    ///
    /// let el = EventLoop::new();
    /// el.queue_task_with(|calls: &mut u32| {
    ///     *calls += 1;
    ///     let (p, r) = Promise::<i32>::with_resolvers();
    ///     r.resolve_in(calls, 1);
    ///     r.resolve_in(calls, 2); // already resolved: ignored
    ///     assert_eq!(p.result().unwrap().unwrap(), 1);
    /// });
    /// let mut calls = 0u32;
    /// el.run_with(&mut calls).unwrap();
    /// assert_eq!(calls, 1);
    /// ```
    pub fn resolve_in<H: 'static>(&self, host: &mut H, value: T) {
        // Steps 1-6 in `resolve_with`; steps 7-16 on the classified value.
        self.resolve_with(move |promise| D::classify_in(host, value, promise));
    }

    /// The Promise Resolve Function (27.2.1.3.2) for an embedder that classifies the value
    /// itself (steps 7-12) with its own engine at hand: `classify` runs after steps 5-6, so it
    /// runs at most once per pair, only for the call that counts, and a re-entrant call made
    /// while it runs (from a `then` getter) is ignored, as in the spec.
    pub(crate) fn resolve_with(&self, classify: impl FnOnce(&Promise<T, E, D>) -> Resolution<T, E, D>) {
        // Steps 5-6.
        if self.take_already_resolved() {
            return;
        }
        let resolution = classify(&self.promise);
        self.resolve_classified(resolution);
    }

    /// Steps 7-16 of the Promise Resolve Function, for a classified resolution: the same
    /// steps as `resolve`'s, which keeps its own copy so that the Rust-typed hot path stays
    /// one function the compiler inlines into the reaction job (callgrind: a shared helper
    /// cost 19 instructions per `then` link).
    fn resolve_classified(&self, resolution: Resolution<T, E, D>) {
        let promise = &self.promise;
        match resolution {
            // 7. If SameValue(resolution, promise) is true, then
            //    a. Let selfResolutionError be a newly created TypeError object.
            //    b. Perform RejectPromise(promise, selfResolutionError).
            Resolution::Promise(p) if p.ptr_eq(promise) => {
                promise.reject_promise(E::from_type_error(TypeError::ChainingCycle));
            }
            // 8. If resolution is not an Object, then
            //    a. Perform FulfillPromise(promise, resolution).
            // 12. If IsCallable(thenAction) is false, then
            //    a. Perform FulfillPromise(promise, resolution).
            Resolution::Value(value) => promise.fulfill_promise(value),
            // 9. Let then be Completion(Get(resolution, "then")).
            // 10. If then is an abrupt completion, then
            //    a. Perform RejectPromise(promise, then.[[Value]]).
            Resolution::Throw(reason) => promise.reject_promise(reason),
            // 13. Let thenJobCallback be HostMakeJobCallback(thenAction).
            // 14. Let job be NewPromiseResolveThenableJob(promise, resolution, thenJobCallback).
            // 15. Perform HostEnqueuePromiseJob(job.[[Job]], job.[[Realm]]).
            Resolution::Promise(p) => new_promise_resolve_thenable_job(promise.clone(), Adoptee::Promise(p)),
            Resolution::Thenable(t) => {
                new_promise_resolve_thenable_job(promise.clone(), Adoptee::Thenable(t))
            }
        }
        // 16. Return undefined.
    }

    /// The Promise Reject Function (27.2.1.3.1), JavaScript's `reject(reason)`.
    ///
    /// The reason is used as it is; rejecting with a promise makes the promise itself the
    /// reason (it is not adopted).
    ///
    /// ```
    /// use settle::promise::{Error, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (p, r) = Promise::<i32>::with_resolvers();
    /// p.catch(|e| Ok(if e == Error::msg("Oops") { 1 } else { 0 }));
    /// r.reject(Error::msg("Oops"));
    /// assert_eq!(p.result().unwrap().unwrap_err(), Error::msg("Oops"));
    /// ```
    pub fn reject(&self, reason: E) {
        // 1. Let F be the active function object.
        // 2. Assert: F has a [[Promise]] internal slot whose value is an Object.
        // 3. Let promise be F.[[Promise]].
        // 4. Let alreadyResolved be F.[[AlreadyResolved]].
        // 5. If alreadyResolved.[[Value]] is true, return undefined.
        // 6. Set alreadyResolved.[[Value]] to true.
        if self.take_already_resolved() {
            return;
        }
        // 7. Perform RejectPromise(promise, reason).
        self.promise.reject_promise(reason);
        // 8. Return undefined.
    }
}

/// What a thenable job adopts.
enum Adoptee<T, E, D> {
    Promise(Promise<T, E, D>),
    Thenable(Rc<dyn Thenable<T, E, D>>),
}

/// 27.2.2.2 NewPromiseResolveThenableJob ( promiseToResolve, thenable, then ), queued with
/// HostEnqueuePromiseJob (9.5.5).
fn new_promise_resolve_thenable_job<T, E, D>(promise_to_resolve: Promise<T, E, D>, thenable: Adoptee<T, E, D>)
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    let promise_to_resolve_owner = promise_to_resolve.cell.owner;
    #[cfg(settle_mutation)]
    let adopt_now = matches!(thenable, Adoptee::Promise(_))
        && crate::mutation::is_active(crate::mutation::Mutation::AdoptPromiseWithoutJob);
    // 1. Let job be a new Job Abstract Closure with no parameters that captures
    //    promiseToResolve, thenable, and then and performs the following steps when called:
    let job = move |host: &mut dyn Any| {
        // a. Let resolvingFunctions be CreateResolvingFunctions(promiseToResolve).
        let resolving_functions = Resolvers::create_resolving_functions(&promise_to_resolve);
        match thenable {
            // b. Let thenCallResult be Completion(HostCallJobCallback(then, thenable,
            //    « resolvingFunctions.[[Resolve]], resolvingFunctions.[[Reject]] »)).
            // For a settle promise whose `then` is %Promise.prototype.then% (the classifier
            // said so): its steps, PerformPromiseThen(thenable, resolve, reject). The derived promise that `then`
            // would create is unobservable (its handlers never throw), so none is made.
            Adoptee::Promise(thenable) => {
                let reaction = new_reaction(move |argument: Result<T, E>| match argument {
                    Ok(value) => resolving_functions.resolve(value),
                    Err(reason) => resolving_functions.reject(reason),
                });
                thenable.perform_promise_then(reaction);
            }
            // b. (as above) for any other thenable: Call(then, thenable, « resolve, reject »).
            Adoptee::Thenable(thenable) => {
                let functions = resolving_functions.clone();
                let then_call_result =
                    match catch_unwind(AssertUnwindSafe(|| thenable.then_in(host, functions))) {
                        Ok(completion) => completion,
                        Err(payload) => Err(E::from_panic(PanicError::from_payload(payload.as_ref()))),
                    };
                // c. If thenCallResult is an abrupt completion, then
                //    i. Return ? Call(resolvingFunctions.[[Reject]], undefined,
                //       « thenCallResult.[[Value]] »).
                // (Ignored when `then` already resolved.)
                // d. Return ! thenCallResult.
                if let Err(error) = then_call_result {
                    resolving_functions.reject(error);
                }
            }
        }
    };
    #[cfg(settle_mutation)]
    if adopt_now {
        return job(&mut ());
    }
    // HostEnqueuePromiseJob, on the loop that owns promiseToResolve.
    crate::owner::enqueue_on_owner(promise_to_resolve_owner, job);
}

/// FulfillPromise and RejectPromise, where the resolving functions lead: they settle the promise
/// and hand its reactions to TriggerPromiseReactions, which queues their jobs (`reaction.rs`).
impl<T: Value, E: Reason, D: Thenables<T, E>> Promise<T, E, D> {
    /// 27.2.1.4 FulfillPromise ( promise, value ).
    ///
    /// Inline, as LLVM chose on its own until a task's header grew a word: then a task's
    /// completion called it out of line, 14 instructions more per task (callgrind, W7,
    /// 2026-12-07).
    #[inline]
    pub(crate) fn fulfill_promise(&self, value: T) {
        // A promise that only this handle reaches, with no reaction waiting, is one nobody can
        // ever observe (a `then` whose result is dropped, the common case): setting its state
        // would be unobservable work on a promise about to be freed. Skipped.
        if PoolRc::strong_count(&self.cell) == 1
            && matches!(&*self.cell.state.borrow(), State::Pending(reactions) if reactions.is_empty())
        {
            return;
        }
        // 1. Assert: The value of promise.[[PromiseState]] is pending.
        // 2. Let reactions be promise.[[PromiseFulfillReactions]].
        // 3. Set promise.[[PromiseResult]] to value.
        // 4. Set promise.[[PromiseFulfillReactions]] to undefined.
        // 5. Set promise.[[PromiseRejectReactions]] to undefined.
        // 6. Set promise.[[PromiseState]] to fulfilled.
        let reactions = Self::settle(&self.cell, State::Fulfilled(value.clone()));
        // 7. Perform TriggerPromiseReactions(reactions, value).
        trigger_promise_reactions(reactions, Ok(value), self.cell.owner);
        // 8. Return unused.
    }

    /// 27.2.1.7 RejectPromise ( promise, reason ).
    pub(crate) fn reject_promise(&self, reason: E) {
        // 1. Assert: The value of promise.[[PromiseState]] is pending.
        // 2. Let reactions be promise.[[PromiseRejectReactions]].
        // 3. Set promise.[[PromiseResult]] to reason.
        // 4. Set promise.[[PromiseFulfillReactions]] to undefined.
        // 5. Set promise.[[PromiseRejectReactions]] to undefined.
        // 6. Set promise.[[PromiseState]] to rejected.
        let reactions = Self::settle(&self.cell, State::Rejected(reason.clone()));
        // 7. If promise.[[PromiseIsHandled]] is false, perform
        //    HostPromiseRejectionTracker(promise, "reject").
        if !self.cell.handled.get() {
            host_promise_rejection_tracker(self, Operation::Reject);
        }
        // 8. Perform TriggerPromiseReactions(reactions, reason).
        trigger_promise_reactions(reactions, Err(reason), self.cell.owner);
        // 9. Return unused.
    }

    /// Moves a pending promise to `settled`, returning its reactions. Dropping the reaction
    /// list here is what breaks the promise -> reaction -> resolving functions -> promise
    /// cycle once a promise settles. Takes the cell, not the promise: called from another
    /// codegen unit (FulfillPromise is inlined into its callers), `&self` made it load the
    /// cell's two words itself, 6 instructions per settlement (callgrind, W2, 2026-12-07);
    /// inlined, it made the Promise Resolve Function too large to inline into a `then` job
    /// (31 more per handler, W3).
    fn settle(cell: &PromiseCell<T, E, D>, settled: State<T, E>) -> Reactions<T, E> {
        let mut state = cell.state.borrow_mut();
        match std::mem::replace(&mut *state, settled) {
            State::Pending(reactions) => reactions,
            // The resolving functions' [[AlreadyResolved]] flag makes this unreachable. Should a
            // bug reach it, the first outcome is put back: a promise never changes once settled.
            first => {
                *state = first;
                unreachable!("a settled promise was settled again")
            }
        }
    }
}

/// 27.2.1.8 TriggerPromiseReactions ( reactions, argument ): one job per reaction, in order.
// `#[inline]`: moved here from promise.rs, it stopped being inlined into FulfillPromise and W2
// counted 3 more instructions per link (callgrind); with the hint, the same count as before.
#[inline]
fn trigger_promise_reactions<T: Clone + 'static, E: Clone + 'static>(
    reactions: Reactions<T, E>,
    argument: Result<T, E>,
    owner: LoopId,
) {
    // 1. For each element reaction of reactions, do
    //    a. Let job be NewPromiseReactionJob(reaction, argument).
    //    b. Perform HostEnqueuePromiseJob(job.[[Job]], job.[[Realm]]).
    // (A single reaction takes the argument itself; several get clones.)
    reactions.enqueue_all(argument, owner);
    // 2. Return unused.
}
