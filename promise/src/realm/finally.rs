//! `Promise.prototype.finally` (27.2.5.3) with its then-finally and catch-finally functions.
//! Section numbers: ECMA-262 2025.

use super::operations::{call, species_constructor};
use super::statics::promise_resolve;
use super::then::invoke_then;
use super::{Realm, TypeErrorCase, argument};

/// 27.2.5.3 Promise.prototype.finally ( onFinally ), with `this` = `promise` (any object).
///
/// ```
/// use settle_promise::realm::{Realm, promise_prototype_finally};
/// fn cleanup<R: Realm>(realm: &R, p: &R::Value, f: &R::Value) -> Result<R::Value, R::Value> {
///     promise_prototype_finally(realm, p, f)
/// }
/// ```
///
/// # Errors
///
/// A TypeError when `this` is not an object; what SpeciesConstructor and `then` throw.
pub fn promise_prototype_finally<R: Realm>(
    realm: &R,
    this: &R::Value,
    on_finally: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let promise be the this value.
    let promise = this;
    // 2. If promise is not an Object, throw a TypeError exception.
    if !realm.is_object(promise) {
        return Err(realm.type_error(TypeErrorCase::NotAnObject(promise)));
    }
    // 3. Let C be ? SpeciesConstructor(promise, %Promise%).
    let c = if realm.promise_with_intrinsic_then(promise).is_some() {
        realm.promise_constructor()
    } else {
        species_constructor(realm, promise, &realm.promise_constructor())?
    };
    // 4. Assert: IsConstructor(C) is true.
    let (then_finally, catch_finally) = if !realm.is_callable(on_finally) {
        // 5. If IsCallable(onFinally) is false, then
        //    a. Let thenFinally be onFinally.
        //    b. Let catchFinally be onFinally.
        (on_finally.clone(), on_finally.clone())
    } else {
        // 6. Else,
        //    a. Let thenFinallyClosure be a new Abstract Closure with parameters (value) that
        //       captures onFinally and C and performs the following steps when called:
        let (f, constructor) = (on_finally.clone(), c.clone());
        let then_finally_closure = move |realm: &R, args: &[R::Value]| {
            let value = argument(realm, args, 0);
            // i. Let result be ? Call(onFinally, undefined).
            let result = call(realm, &f, &realm.undefined(), &[])?;
            // ii. Let p be ? PromiseResolve(C, result).
            let p = promise_resolve(realm, &constructor, result)?;
            // iii. Let returnValue be a new Abstract Closure with no parameters that captures
            //      value and performs the following steps when called:
            //      1. Return NormalCompletion(value).
            // iv. Let valueThunk be CreateBuiltinFunction(returnValue, 0, "", « »).
            let value_thunk = realm.create_builtin_function(0, move |_, _| Ok(value.clone()));
            // v. Return ? Invoke(p, "then", « valueThunk »).
            invoke_then(realm, &p, &[value_thunk])
        };
        // b. Let thenFinally be CreateBuiltinFunction(thenFinallyClosure, 1, "", « »).
        let then_finally = realm.create_builtin_function(1, then_finally_closure);
        // c. Let catchFinallyClosure be a new Abstract Closure with parameters (reason) that
        //    captures onFinally and C and performs the following steps when called:
        let (f, constructor) = (on_finally.clone(), c);
        let catch_finally_closure = move |realm: &R, args: &[R::Value]| {
            let reason = argument(realm, args, 0);
            // i. Let result be ? Call(onFinally, undefined).
            let result = call(realm, &f, &realm.undefined(), &[])?;
            // ii. Let p be ? PromiseResolve(C, result).
            let p = promise_resolve(realm, &constructor, result)?;
            // iii. Let throwReason be a new Abstract Closure with no parameters that captures
            //      reason and performs the following steps when called:
            //      1. Return ThrowCompletion(reason).
            // iv. Let thrower be CreateBuiltinFunction(throwReason, 0, "", « »).
            let thrower = realm.create_builtin_function(0, move |_, _| Err(reason.clone()));
            // v. Return ? Invoke(p, "then", « thrower »).
            invoke_then(realm, &p, &[thrower])
        };
        // d. Let catchFinally be CreateBuiltinFunction(catchFinallyClosure, 1, "", « »).
        let catch_finally = realm.create_builtin_function(1, catch_finally_closure);
        (then_finally, catch_finally)
    };
    // 7. Return ? Invoke(promise, "then", « thenFinally, catchFinally »).
    invoke_then(realm, promise, &[then_finally, catch_finally])
}
