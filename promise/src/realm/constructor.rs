//! The Promise constructor, `Promise ( executor )` (27.2.3.1), for an engine's `new Promise`
//! and `super(executor)` in a subclass. Section and step numbers: ECMA-262 2025.

use super::operations::call;
use super::resolving::create_resolving_functions;
use super::{Realm, RealmPromise, TypeErrorCase};

/// 27.2.3.1 Promise ( executor ). `new_target` is NewTarget (`None` when called without
/// `new`); `allocate` is step 3's OrdinaryCreateFromConstructor: the engine reads the new
/// target's `prototype` (which may throw) and makes its promise object for the given settle
/// promise.
///
/// ```
/// use settle_promise::realm::{Realm, RealmPromise, construct_promise};
/// fn new_promise<R: Realm>(realm: &R, executor: &R::Value) -> Result<R::Value, R::Value> {
///     let c = realm.promise_constructor();
///     construct_promise(realm, Some(&c), executor, |_, p: RealmPromise<R>| Ok(realm.promise_object(p)))
/// }
/// ```
///
/// # Errors
///
/// A TypeError without NewTarget or with an executor that is not callable; what `allocate`
/// throws; what the reject function throws (never: it is the native one). What the executor
/// throws rejects the promise instead.
pub fn construct_promise<R: Realm>(
    realm: &R,
    new_target: Option<&R::Value>,
    executor: &R::Value,
    allocate: impl FnOnce(&R::Value, RealmPromise<R>) -> Result<R::Value, R::Value>,
) -> Result<R::Value, R::Value> {
    // 1. If NewTarget is undefined, throw a TypeError exception.
    let Some(new_target) = new_target else {
        return Err(realm.type_error(TypeErrorCase::NoNewTarget));
    };
    // 2. If IsCallable(executor) is false, throw a TypeError exception.
    if !realm.is_callable(executor) {
        return Err(realm.type_error(TypeErrorCase::ExecutorNotCallable(executor)));
    }
    // 3. Let promise be ? OrdinaryCreateFromConstructor(NewTarget, "%Promise.prototype%",
    //    « [[PromiseState]], [[PromiseResult]], [[PromiseFulfillReactions]],
    //    [[PromiseRejectReactions]], [[PromiseIsHandled]] »).
    // 4. Set promise.[[PromiseState]] to pending.
    // 5. Set promise.[[PromiseFulfillReactions]] to a new empty List.
    // 6. Set promise.[[PromiseRejectReactions]] to a new empty List.
    // 7. Set promise.[[PromiseIsHandled]] to false.
    let (settle_promise, resolvers) = RealmPromise::<R>::with_resolvers();
    let promise = allocate(new_target, settle_promise)?;
    // 8. Let resolvingFunctions be CreateResolvingFunctions(promise).
    let (resolve, reject) = create_resolving_functions(realm, &resolvers);
    // 9. Let completion be Completion(Call(executor, undefined, « resolvingFunctions.[[Resolve]],
    //    resolvingFunctions.[[Reject]] »)).
    let completion = call(realm, executor, &realm.undefined(), &[resolve, reject]);
    // 10. If completion is an abrupt completion, then
    //     a. Perform ? Call(resolvingFunctions.[[Reject]], undefined, « completion.[[Value]] »).
    if let Err(error) = completion {
        resolvers.reject(error);
    }
    // 11. Return promise.
    Ok(promise)
}
