//! The resolving functions as engine functions: CreateResolvingFunctions (27.2.1.3) over a
//! settle promise's [`Resolvers`], and the Promise Resolve Functions' classification (steps
//! 7-12, 27.2.1.3.2) with Get(resolution, "then") done by the engine. Section numbers:
//! ECMA-262 2025.

use std::rc::Rc;

use super::operations::call;
use super::then::promise_prototype_then;
use super::{PropertyKey, Realm, RealmPromise, TypeErrorCase, argument};
use crate::reaction::new_reaction;
use crate::resolution::{Resolution, Thenable};
use crate::resolving::Resolvers;

/// The core's resolving functions of an engine's promise.
pub(crate) type RealmResolvers<R> =
    Resolvers<<R as Realm>::Value, <R as Realm>::Value, <R as Realm>::Thenables>;

/// 27.2.1.3.2 Promise Resolve Functions, steps 7-12: how `resolution` resolves a promise.
/// An engine's [`Thenables::classify`](crate::Thenables::classify) calls this with the engine
/// at hand, and the engine-level algorithms call it for their own resolve functions.
///
/// A promise whose `then` is the intrinsic ([`Realm::promise_with_intrinsic_then`]) is
/// adopted natively; any other object has its `then` looked up (getters run, a throw rejects)
/// and, if callable, called in a NewPromiseResolveThenableJob.
///
/// ```
/// use settle_promise::Resolution;
/// use settle_promise::realm::{Realm, classify};
/// fn is_plain<R: Realm>(realm: &R, v: R::Value) -> bool {
///     matches!(classify(realm, v), Resolution::Value(_))
/// }
/// ```
pub fn classify<R: Realm>(realm: &R, resolution: R::Value) -> Resolution<R::Value, R::Value, R::Thenables> {
    classify_for(realm, None, resolution)
}

/// [`classify`] for the resolve function of `promise`, which also does step 7's SameValue
/// check (before any lookup, as the spec orders it). An engine's
/// [`Thenables::classify_in`](crate::Thenables::classify_in) calls this.
///
/// ```
/// use settle_promise::Resolution;
/// use settle_promise::realm::{Realm, RealmPromise, classify_for};
/// fn resolves_itself<R: Realm>(realm: &R, p: &RealmPromise<R>, object: R::Value) -> bool {
///     matches!(classify_for(realm, Some(p), object), Resolution::Throw(_))
/// }
/// ```
pub fn classify_for<R: Realm>(
    realm: &R,
    promise: Option<&RealmPromise<R>>,
    resolution: R::Value,
) -> Resolution<R::Value, R::Value, R::Thenables> {
    // 7. If SameValue(resolution, promise) is true, then
    //    a. Let selfResolutionError be a newly created TypeError object.
    //    b. Perform RejectPromise(promise, selfResolutionError).
    // (The engine's TypeError, so that its message can name the object's class.)
    if let Some(promise) = promise
        && let Some(p) = realm.promise_of(&resolution)
        && p.ptr_eq(promise)
    {
        return Resolution::Throw(realm.type_error(TypeErrorCase::ChainingCycle(&resolution)));
    }
    // 8. If resolution is not an Object, then
    //    a. Perform FulfillPromise(promise, resolution).
    if !realm.is_object(&resolution) {
        return Resolution::Value(resolution);
    }
    // The native shortcut: `then` is %Promise.prototype.then% and reading it runs nothing, so
    // steps 9-12 are unobservable; the job (below) decides again, when it runs, whether the
    // intrinsic `then` can still be done natively.
    if let Some(p) = realm.promise_with_intrinsic_then(&resolution) {
        // The mutation check's deliberate bug lives in the core's adoption of a native promise
        // (`resolving.rs`): hand the promise itself to it, as the classifier without a
        // promise does, so that an engine on this layer is broken the same way.
        #[cfg(settle_mutation)]
        if crate::mutation::is_active(crate::mutation::Mutation::AdoptPromiseWithoutJob) {
            return Resolution::Promise(p);
        }
        return match promise {
            Some(_) => {
                Resolution::Thenable(Rc::new(IntrinsicThen { realm: realm.clone(), thenable: resolution }))
            }
            // Without the promise being resolved (the core's own resolve calls, through the
            // engine's classifier), the core needs the promise itself to catch step 7; its job
            // adopts natively.
            None => Resolution::Promise(p),
        };
    }
    // 9. Let then be Completion(Get(resolution, "then")).
    match realm.get(&resolution, PropertyKey::String("then")) {
        // 10. If then is an abrupt completion, then
        //     a. Perform RejectPromise(promise, then.[[Value]]).
        Err(error) => Resolution::Throw(error),
        // 11. Let thenAction be then.[[Value]].
        // 13-15. NewPromiseResolveThenableJob(promise, resolution, thenJobCallback).
        Ok(then_action) if realm.is_callable(&then_action) => Resolution::Thenable(Rc::new(RealmThenable {
            realm: realm.clone(),
            thenable: resolution,
            then_action,
        })),
        // 12. If IsCallable(thenAction) is false, then
        //     a. Perform FulfillPromise(promise, resolution).
        Ok(_) => Resolution::Value(resolution),
    }
}

/// An object with a callable `then`, as NewPromiseResolveThenableJob (27.2.2.2) captures it.
struct RealmThenable<R: Realm> {
    realm: R,
    thenable: R::Value,
    then_action: R::Value,
}

impl<R: Realm> Thenable<R::Value, R::Value, R::Thenables> for RealmThenable<R> {
    fn then(&self, resolvers: RealmResolvers<R>) -> Result<(), R::Value> {
        // 27.2.2.2 step 1.b: Let thenCallResult be Completion(HostCallJobCallback(then,
        // thenable, « resolvingFunctions.[[Resolve]], resolvingFunctions.[[Reject]] »)).
        // (Step 1.c, rejecting on a throw, is the core's.)
        let (resolve, reject) = create_resolving_functions(&self.realm, &resolvers);
        call(&self.realm, &self.then_action, &self.thenable, &[resolve, reject]).map(drop)
    }
}

/// A promise whose `then` was %Promise.prototype.then% when it resolved another promise:
/// the thenable job's `then` is that intrinsic.
struct IntrinsicThen<R: Realm> {
    realm: R,
    thenable: R::Value,
}

impl<R: Realm> Thenable<R::Value, R::Value, R::Thenables> for IntrinsicThen<R> {
    fn then(&self, resolvers: RealmResolvers<R>) -> Result<(), R::Value> {
        // 27.2.2.2 step 1.b: Call(%Promise.prototype.then%, thenable, « resolve, reject »).
        // While `constructor` and the species are still the intrinsic ones (checked now, as
        // `then` would read them now), its steps are PerformPromiseThen with a derived promise
        // nobody can observe: the resolving functions are attached directly.
        let realm = self.realm.clone();
        if let Some(promise) = realm.promise_with_intrinsic_then(&self.thenable) {
            promise.perform_promise_then(new_reaction(move |argument| match argument {
                Ok(value) => resolve_function(&realm, &resolvers, value),
                Err(reason) => resolvers.reject(reason),
            }));
            return Ok(());
        }
        // Otherwise the intrinsic `then`, with SpeciesConstructor and all.
        let (resolve, reject) = create_resolving_functions(&realm, &resolvers);
        promise_prototype_then(&realm, &self.thenable, &resolve, &reject).map(drop)
    }
}

/// 27.2.1.3 CreateResolvingFunctions ( promise ), as engine functions: `resolve` and `reject`
/// built-in functions (length 1) over a settle promise's resolving functions, sharing their
/// \[\[AlreadyResolved\]\]. `resolve` classifies its argument with the engine (Get "then").
///
/// ```
/// use settle_promise::realm::{Realm, RealmPromise, create_resolving_functions};
/// fn executor_arguments<R: Realm>(realm: &R) -> (RealmPromise<R>, R::Value, R::Value) {
///     let (promise, resolvers) = RealmPromise::<R>::with_resolvers();
///     let (resolve, reject) = create_resolving_functions(realm, &resolvers);
///     (promise, resolve, reject)
/// }
/// ```
pub fn create_resolving_functions<R: Realm>(
    realm: &R,
    resolvers: &RealmResolvers<R>,
) -> (R::Value, R::Value) {
    // 3. Let resolve be CreateBuiltinFunction(resolveSteps, 1, "", « »).
    let resolve = realm.create_resolving_function(resolvers, false);
    // 5. Let reject be CreateBuiltinFunction(rejectSteps, 1, "", « »).
    let reject = realm.create_resolving_function(resolvers, true);
    // 6. Return the Record { [[Resolve]]: resolve, [[Reject]]: reject }.
    (resolve, reject)
}

/// The [[Call]] of a function [`Realm::create_resolving_function`] made: 27.2.1.3.1 Promise
/// Reject Functions when `reject`, else 27.2.1.3.2 Promise Resolve Functions, with the
/// arguments `args` (the first is the reason or the resolution). Returns undefined.
///
/// ```
/// use settle_promise::Resolvers;
/// use settle_promise::realm::{Realm, call_resolving_function};
/// // An engine's function object that holds its promise's resolvers calls this.
/// fn call<R: Realm>(
///     realm: &R,
///     resolvers: &Resolvers<R::Value, R::Value, R::Thenables>,
///     args: &[R::Value],
/// ) -> Result<R::Value, R::Value> {
///     call_resolving_function(realm, resolvers, false, args)
/// }
/// ```
///
/// # Errors
///
/// None: the resolving functions never throw (a `then` getter's error rejects the promise).
pub fn call_resolving_function<R: Realm>(
    realm: &R,
    resolvers: &RealmResolvers<R>,
    reject: bool,
    args: &[R::Value],
) -> Result<R::Value, R::Value> {
    if reject {
        // 27.2.1.3.1 steps 1-8 (the already-resolved record is the pair's, see `Resolvers`).
        resolvers.reject(argument(realm, args, 0));
    } else {
        resolve_function(realm, resolvers, argument(realm, args, 0));
    }
    Ok(realm.undefined())
}

/// 27.2.1.3.2 Promise Resolve Functions, for a settle promise's resolving functions, with the
/// engine classifying: steps 5-6 first (so a `then` getter calling it again is ignored), then
/// steps 7-16.
pub(crate) fn resolve_function<R: Realm>(realm: &R, resolvers: &RealmResolvers<R>, resolution: R::Value) {
    resolvers.resolve_with(|promise| classify_for(realm, Some(promise), resolution));
}
