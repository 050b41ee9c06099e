//! The Promise constructor's static methods with any receiver: `Promise.reject` (27.2.4.6),
//! `Promise.resolve` (27.2.4.7) and PromiseResolve (27.2.4.7.1), `Promise.try` (27.2.4.8) and
//! `Promise.withResolvers` (27.2.4.9). Section numbers: ECMA-262 2025.

use super::capability::new_promise_capability;
use super::operations::call;
use super::{PropertyKey, Realm, TypeErrorCase};

/// 27.2.4.6 Promise.reject ( r ), with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_reject};
/// fn rejected<R: Realm>(realm: &R, reason: R::Value) -> Result<R::Value, R::Value> {
///     promise_reject(realm, &realm.promise_constructor(), reason)
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) and the capability's `reject` throw.
pub fn promise_reject<R: Realm>(realm: &R, this: &R::Value, r: R::Value) -> Result<R::Value, R::Value> {
    // 1. Let C be the this value.
    // 2. Let promiseCapability be ? NewPromiseCapability(C).
    let promise_capability = new_promise_capability(realm, this)?;
    // 3. Perform ? Call(promiseCapability.[[Reject]], undefined, « r »).
    promise_capability.reject(realm, r)?;
    // 4. Return promiseCapability.[[Promise]].
    Ok(promise_capability.promise().clone())
}

/// 27.2.4.7 Promise.resolve ( x ), with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_resolve_method};
/// fn resolved<R: Realm>(realm: &R, x: R::Value) -> Result<R::Value, R::Value> {
///     promise_resolve_method(realm, &realm.promise_constructor(), x)
/// }
/// ```
///
/// # Errors
///
/// A TypeError when `this` is not an object; what PromiseResolve throws.
pub fn promise_resolve_method<R: Realm>(
    realm: &R,
    this: &R::Value,
    x: R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let C be the this value.
    // 2. If C is not an Object, throw a TypeError exception.
    if !realm.is_object(this) {
        return Err(realm.type_error(TypeErrorCase::NotAnObject(this)));
    }
    // 3. Return ? PromiseResolve(C, x).
    promise_resolve(realm, this, x)
}

/// 27.2.4.7.1 PromiseResolve ( C, x ).
///
/// ```
/// use settle_promise::realm::{Realm, promise_resolve};
/// fn as_promise<R: Realm>(realm: &R, x: R::Value) -> Result<R::Value, R::Value> {
///     promise_resolve(realm, &realm.promise_constructor(), x)
/// }
/// ```
///
/// # Errors
///
/// What Get(x, "constructor"), NewPromiseCapability(C) and the capability's `resolve` throw.
pub fn promise_resolve<R: Realm>(realm: &R, c: &R::Value, x: R::Value) -> Result<R::Value, R::Value> {
    // 1. If IsPromise(x) is true, then
    if realm.promise_of(&x).is_some() {
        // a. Let xConstructor be ? Get(x, "constructor").
        let x_constructor = if realm.promise_with_intrinsic_then(&x).is_some() {
            realm.promise_constructor()
        } else {
            realm.get(&x, PropertyKey::String("constructor"))?
        };
        // b. If SameValue(xConstructor, C) is true, return x.
        if realm.same_value(&x_constructor, c) {
            return Ok(x);
        }
    }
    // 2. Let promiseCapability be ? NewPromiseCapability(C).
    let promise_capability = new_promise_capability(realm, c)?;
    // 3. Perform ? Call(promiseCapability.[[Resolve]], undefined, « x »).
    promise_capability.resolve(realm, x)?;
    // 4. Return promiseCapability.[[Promise]].
    Ok(promise_capability.promise().clone())
}

/// 27.2.4.8 Promise.try ( callback, ...args ), with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_try};
/// fn attempt<R: Realm>(realm: &R, f: &R::Value) -> Result<R::Value, R::Value> {
///     promise_try(realm, &realm.promise_constructor(), f, &[])
/// }
/// ```
///
/// # Errors
///
/// A TypeError when `this` is not an object; what NewPromiseCapability(C) and the
/// capability's functions throw (never what `callback` throws: that rejects the promise).
pub fn promise_try<R: Realm>(
    realm: &R,
    this: &R::Value,
    callback: &R::Value,
    args: &[R::Value],
) -> Result<R::Value, R::Value> {
    // 1. Let C be the this value.
    // 2. If C is not an Object, throw a TypeError exception.
    if !realm.is_object(this) {
        return Err(realm.type_error(TypeErrorCase::NotAnObject(this)));
    }
    // 3. Let promiseCapability be ? NewPromiseCapability(C).
    let promise_capability = new_promise_capability(realm, this)?;
    // 4. Let status be Completion(Call(callback, undefined, args)).
    match call(realm, callback, &realm.undefined(), args) {
        // 5. If status is an abrupt completion, then
        //    a. Perform ? Call(promiseCapability.[[Reject]], undefined, « status.[[Value]] »).
        Err(error) => promise_capability.reject(realm, error)?,
        // 6. Else,
        //    a. Perform ? Call(promiseCapability.[[Resolve]], undefined, « status.[[Value]] »).
        Ok(value) => promise_capability.resolve(realm, value)?,
    }
    // 7. Return promiseCapability.[[Promise]].
    Ok(promise_capability.promise().clone())
}

/// 27.2.4.9 Promise.withResolvers ( ), with `this` = `C`: `{ promise, resolve, reject }`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_with_resolvers};
/// fn deferred<R: Realm>(realm: &R) -> Result<R::Value, R::Value> {
///     promise_with_resolvers(realm, &realm.promise_constructor())
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) throws.
pub fn promise_with_resolvers<R: Realm>(realm: &R, this: &R::Value) -> Result<R::Value, R::Value> {
    // 1. Let C be the this value.
    // 2. Let promiseCapability be ? NewPromiseCapability(C).
    let promise_capability = new_promise_capability(realm, this)?;
    // 3. Let obj be OrdinaryObjectCreate(%Object.prototype%).
    // 4. Perform ! CreateDataPropertyOrThrow(obj, "promise", promiseCapability.[[Promise]]).
    // 5. Perform ! CreateDataPropertyOrThrow(obj, "resolve", promiseCapability.[[Resolve]]).
    // 6. Perform ! CreateDataPropertyOrThrow(obj, "reject", promiseCapability.[[Reject]]).
    // 7. Return obj.
    Ok(realm.create_object(vec![
        ("promise", promise_capability.promise().clone()),
        ("resolve", promise_capability.resolve_function(realm)),
        ("reject", promise_capability.reject_function(realm)),
    ]))
}
