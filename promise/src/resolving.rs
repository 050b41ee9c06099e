//! The resolving functions: CreateResolvingFunctions (27.2.1.3), the Promise Reject Function
//! (27.2.1.3.1), the Promise Resolve Function (27.2.1.3.2) and NewPromiseResolveThenableJob
//! (27.2.2.2).
//!
//! This file is the one place where a resolution value is classified and a promise is
//! resolved: follow a value from [`Resolvers::resolve`] to `fulfill_promise` or to the thenable
//! job, and from there to the reactions in `promise.rs`.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use crate::error::{Error, PanicError, Reason, TypeError, Value};
use crate::promise::Promise;
use crate::reaction::new_reaction;
use crate::resolution::{IntoResolution, NoThenables, Resolution, Thenable, Thenables};

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
        // Step 1: alreadyResolved = { [[Value]]: false }, encoded as "the used-pair count is
        // still this pair's index".
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

    /// Steps 4-5 of both functions: if alreadyResolved, return; otherwise set it.
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
    pub fn resolve(&self, resolution: impl IntoResolution<T, E, D>) {
        // Steps 1-5: F.[[Promise]], F.[[AlreadyResolved]]; if already resolved, return.
        if self.take_already_resolved() {
            return;
        }
        let promise = &self.promise;
        // Steps 8-12 (Get(resolution, "then"), IsCallable) happen in the classifier, here,
        // after the already-resolved check, so an ignored call never runs a `then` getter.
        match resolution.into_resolution() {
            // Step 7: SameValue(resolution, promise) -> reject with a TypeError.
            Resolution::Promise(p) if p.ptr_eq(promise) => {
                promise.reject_promise(E::from_type_error(TypeError::ChainingCycle));
            }
            // Steps 8 and 12: not an object, or `then` not callable -> FulfillPromise.
            Resolution::Value(value) => promise.fulfill_promise(value),
            // Step 10: Get(resolution, "then") threw -> RejectPromise.
            Resolution::Throw(reason) => promise.reject_promise(reason),
            // Steps 13-16: NewPromiseResolveThenableJob, HostEnqueuePromiseJob.
            Resolution::Promise(p) => new_promise_resolve_thenable_job(promise.clone(), Adoptee::Promise(p)),
            Resolution::Thenable(t) => {
                new_promise_resolve_thenable_job(promise.clone(), Adoptee::Thenable(t))
            }
        }
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
        // Steps 1-5.
        if self.take_already_resolved() {
            return;
        }
        // Step 6: RejectPromise(promise, reason).
        self.promise.reject_promise(reason);
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
    #[cfg(feature = "mutation-testing")]
    let adopt_now = matches!(thenable, Adoptee::Promise(_))
        && crate::mutation::is_active(crate::mutation::Mutation::AdoptPromiseWithoutJob);
    let job = move || {
        // Step 1.a: CreateResolvingFunctions(promiseToResolve).
        let resolving_functions = Resolvers::create_resolving_functions(&promise_to_resolve);
        match thenable {
            // Step 1.b for a settle promise, whose `then` is %Promise.prototype.then%:
            // PerformPromiseThen(thenable, resolve, reject). The derived promise that `then`
            // would create is unobservable (its handlers never throw), so none is made.
            Adoptee::Promise(thenable) => {
                let reaction = new_reaction(move |argument: Result<T, E>| match argument {
                    Ok(value) => resolving_functions.resolve(value),
                    Err(reason) => resolving_functions.reject(reason),
                });
                thenable.perform_promise_then(reaction);
            }
            // Step 1.b: Call(then, thenable, « resolve, reject »).
            Adoptee::Thenable(thenable) => {
                let functions = resolving_functions.clone();
                let then_call_result = match catch_unwind(AssertUnwindSafe(|| thenable.then(functions))) {
                    Ok(completion) => completion,
                    Err(payload) => Err(E::from_panic(PanicError::from_payload(payload.as_ref()))),
                };
                // Step 1.c: if abrupt, Call(resolvingFunctions.[[Reject]], error) -- ignored
                // when `then` already resolved.
                if let Err(error) = then_call_result {
                    resolving_functions.reject(error);
                }
            }
        }
    };
    #[cfg(feature = "mutation-testing")]
    if adopt_now {
        return job();
    }
    // HostEnqueuePromiseJob, on the loop that owns promiseToResolve.
    crate::owner::enqueue_on_owner(promise_to_resolve_owner, job);
}
