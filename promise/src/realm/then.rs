//! `Promise.prototype.then` (27.2.5.4) with SpeciesConstructor, PerformPromiseThen
//! (27.2.5.4.1) with engine handlers and NewPromiseReactionJob (27.2.2.1), and
//! `Promise.prototype.catch` (27.2.5.1). Section numbers: ECMA-262 2025.

use super::capability::{PromiseCapability, new_promise_capability};
use super::operations::{call, invoke, species_constructor};
use super::resolving::resolve_function;
use super::{Realm, RealmPromise, TypeErrorCase, argument};
use crate::reaction::new_reaction;

/// 27.2.5.4 Promise.prototype.then ( onFulfilled, onRejected ), with `this` = `promise`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_prototype_then};
/// fn then_identity<R: Realm>(realm: &R, p: &R::Value) -> Result<R::Value, R::Value> {
///     promise_prototype_then(realm, p, &realm.undefined(), &realm.undefined())
/// }
/// ```
///
/// # Errors
///
/// A TypeError when `this` is not a promise; what SpeciesConstructor and NewPromiseCapability
/// throw.
pub fn promise_prototype_then<R: Realm>(
    realm: &R,
    this: &R::Value,
    on_fulfilled: &R::Value,
    on_rejected: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let promise be the this value.
    // 2. If IsPromise(promise) is false, throw a TypeError exception.
    let Some(promise) = realm.promise_of(this) else {
        return Err(realm.type_error(TypeErrorCase::NotAPromise(this)));
    };
    // 3. Let C be ? SpeciesConstructor(promise, %Promise%). (Unobservable, and %Promise%,
    //    when the engine says `constructor` and the species are the intrinsic ones.)
    let intrinsic = realm.promise_with_intrinsic_then(this).is_some();
    let c =
        if intrinsic { None } else { Some(species_constructor(realm, this, &realm.promise_constructor())?) };
    match c {
        Some(c) if !realm.is_intrinsic_promise(&c) => {
            // 4. Let resultCapability be ? NewPromiseCapability(C).
            let result_capability = new_promise_capability(realm, &c)?;
            let result = result_capability.promise().clone();
            // 5. Return PerformPromiseThen(promise, onFulfilled, onRejected, resultCapability).
            perform_promise_then(realm, &promise, on_fulfilled, on_rejected, Some(result_capability));
            Ok(result)
        }
        // Steps 4-5 with C = %Promise%: the derived promise shares its allocation with the
        // reaction (the core's `then`), and is wrapped once.
        _ => Ok(realm.promise_object(then_intrinsic(realm, &promise, on_fulfilled, on_rejected))),
    }
}

/// Steps 4-5 of `then` with C = %Promise%: the derived settle promise.
pub(crate) fn then_intrinsic<R: Realm>(
    realm: &R,
    promise: &RealmPromise<R>,
    on_fulfilled: &R::Value,
    on_rejected: &R::Value,
) -> RealmPromise<R> {
    let (on_fulfilled, on_rejected) = job_callbacks(realm, on_fulfilled, on_rejected);
    let realm = realm.clone();
    promise.then_reaction(move |argument, capability, _host| {
        match handler_result(&realm, argument, on_fulfilled, on_rejected) {
            // 27.2.2.1 step 1.i: Return ? Call(promiseCapability.[[Resolve]], undefined,
            // « handlerResult.[[Value]] »).
            Ok(value) => resolve_function(&realm, capability, value),
            // Step 1.h: Return ? Call(promiseCapability.[[Reject]], undefined,
            // « handlerResult.[[Value]] »).
            Err(reason) => capability.reject(reason),
        }
    })
}

/// PerformPromiseThen steps 3-6: a handler that is not callable is `empty`.
fn job_callbacks<R: Realm>(
    realm: &R,
    on_fulfilled: &R::Value,
    on_rejected: &R::Value,
) -> (Option<R::Value>, Option<R::Value>) {
    // 3. If IsCallable(onFulfilled) is false, then
    //    a. Let onFulfilledJobCallback be empty.
    // 4. Else,
    //    a. Let onFulfilledJobCallback be HostMakeJobCallback(onFulfilled).
    let on_fulfilled = realm.is_callable(on_fulfilled).then(|| on_fulfilled.clone());
    // 5. If IsCallable(onRejected) is false, then
    //    a. Let onRejectedJobCallback be empty.
    // 6. Else,
    //    a. Let onRejectedJobCallback be HostMakeJobCallback(onRejected).
    let on_rejected = realm.is_callable(on_rejected).then(|| on_rejected.clone());
    (on_fulfilled, on_rejected)
}

/// 27.2.2.1 NewPromiseReactionJob, steps 1.a-1.e: the handler's completion.
fn handler_result<R: Realm>(
    realm: &R,
    argument: Result<R::Value, R::Value>,
    on_fulfilled: Option<R::Value>,
    on_rejected: Option<R::Value>,
) -> Result<R::Value, R::Value> {
    // a. Let promiseCapability be reaction.[[Capability]].
    // b. Let type be reaction.[[Type]].
    // c. Let handler be reaction.[[Handler]].
    let (handler, argument) = match argument {
        Ok(value) => (on_fulfilled, Ok(value)),
        Err(reason) => (on_rejected, Err(reason)),
    };
    match (handler, argument) {
        // d. If handler is empty, then
        //    i. If type is fulfill, let handlerResult be NormalCompletion(argument).
        //    ii. Else, let handlerResult be ThrowCompletion(argument).
        (None, argument) => argument,
        // e. Else, let handlerResult be Completion(HostCallJobCallback(handler, undefined,
        //    « argument »)).
        (Some(handler), Ok(argument) | Err(argument)) => {
            call(realm, &handler, &realm.undefined(), &[argument])
        }
    }
}

/// 27.2.5.4.1 PerformPromiseThen ( promise, onFulfilled, onRejected \[ , resultCapability \] ),
/// with engine handlers and any capability (`None`: the spec's "not present").
///
/// A job whose capability's `resolve` or `reject` throws reports the error through
/// [`Realm::report_job_error`].
///
/// ```
/// use settle_promise::realm::{Realm, RealmPromise, perform_promise_then};
/// fn on_settle<R: Realm>(realm: &R, p: &RealmPromise<R>, f: &R::Value) {
///     perform_promise_then(realm, p, f, f, None);
/// }
/// ```
pub fn perform_promise_then<R: Realm>(
    realm: &R,
    promise: &RealmPromise<R>,
    on_fulfilled: &R::Value,
    on_rejected: &R::Value,
    result_capability: Option<PromiseCapability<R>>,
) {
    // 1. Assert: IsPromise(promise) is true.
    // 2. If resultCapability is not present, then
    //    a. Set resultCapability to undefined.
    // 3-6.
    let (on_fulfilled, on_rejected) = job_callbacks(realm, on_fulfilled, on_rejected);
    let realm = realm.clone();
    // 7. Let fulfillReaction be the PromiseReaction Record { [[Capability]]: resultCapability,
    //    [[Type]]: fulfill, [[Handler]]: onFulfilledJobCallback }.
    // 8. Let rejectReaction be the PromiseReaction Record { [[Capability]]: resultCapability,
    //    [[Type]]: reject, [[Handler]]: onRejectedJobCallback }.
    // (One record for both; its job is NewPromiseReactionJob's closure, step 1.)
    let reaction = new_reaction(move |argument| {
        let handler_result = handler_result(&realm, argument, on_fulfilled, on_rejected);
        let completion = match (result_capability, handler_result) {
            // f. If promiseCapability is undefined, then
            //    i. Assert: handlerResult is not an abrupt completion.
            //    ii. Return empty.
            (None, completion) => completion.map(drop),
            // g. Assert: promiseCapability is a PromiseCapability Record.
            // h. If handlerResult is an abrupt completion, then
            //    i. Return ? Call(promiseCapability.[[Reject]], undefined,
            //       « handlerResult.[[Value]] »).
            (Some(capability), Err(reason)) => capability.reject(&realm, reason),
            // i. Else,
            //    i. Return ? Call(promiseCapability.[[Resolve]], undefined,
            //       « handlerResult.[[Value]] »).
            (Some(capability), Ok(value)) => capability.resolve(&realm, value),
        };
        if let Err(error) = completion {
            realm.report_job_error(error);
        }
    });
    // 9-12: append or queue, and set [[PromiseIsHandled]] (the core's PerformPromiseThen).
    promise.perform_promise_then(reaction);
    // 13-14. Return resultCapability.[[Promise]] (the caller kept it).
}

/// 27.2.5.1 Promise.prototype.catch ( onRejected ).
///
/// ```
/// use settle_promise::realm::{Realm, promise_prototype_catch};
/// fn ignore_errors<R: Realm>(realm: &R, p: &R::Value, f: &R::Value) -> Result<R::Value, R::Value> {
///     promise_prototype_catch(realm, p, f)
/// }
/// ```
///
/// # Errors
///
/// What `then` (looked up on `this`) throws.
pub fn promise_prototype_catch<R: Realm>(
    realm: &R,
    this: &R::Value,
    on_rejected: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let promise be the this value.
    // 2. Return ? Invoke(promise, "then", « undefined, onRejected »).
    invoke_then(realm, this, &[realm.undefined(), on_rejected.clone()])
}

/// `Invoke(value, "then", « onFulfilled, onRejected »)`, done natively while `then` is the
/// intrinsic (no lookup, the derived promise wrapped once).
pub(crate) fn invoke_then<R: Realm>(
    realm: &R,
    value: &R::Value,
    args: &[R::Value],
) -> Result<R::Value, R::Value> {
    if let Some(promise) = realm.promise_with_intrinsic_then(value) {
        let (on_fulfilled, on_rejected) = (argument(realm, args, 0), argument(realm, args, 1));
        return Ok(realm.promise_object(then_intrinsic(realm, &promise, &on_fulfilled, &on_rejected)));
    }
    invoke(realm, value, "then", args)
}

/// A handler a combinator gives `then`: a function value, or the steps of a built-in function
/// made for that one call (a Resolve or Reject Element Function), which
/// [`invoke_then_with_handlers`] makes into a function object only when code could see it.
pub(crate) enum Handler<R: Realm, F> {
    /// A function value (a capability's `resolve` or `reject`).
    Function(R::Value),
    /// CreateBuiltinFunction's length and steps.
    BuiltIn(u32, F),
}

/// A built-in function's steps (CreateBuiltinFunction's behaviour): what
/// [`Realm::create_builtin_function`] takes.
pub(crate) trait Steps<R: Realm>: Fn(&R, &[R::Value]) -> Result<R::Value, R::Value> + 'static {}

impl<R: Realm, F: Fn(&R, &[R::Value]) -> Result<R::Value, R::Value> + 'static> Steps<R> for F {}

/// The steps type of a [`Handler::Function`], which has none.
pub(crate) type NoSteps<R> =
    fn(&R, &[<R as Realm>::Value]) -> Result<<R as Realm>::Value, <R as Realm>::Value>;

impl<R: Realm, F> Handler<R, F>
where
    F: Fn(&R, &[R::Value]) -> Result<R::Value, R::Value> + 'static,
{
    /// The handler as a value: a built-in function is made now.
    fn into_value(self, realm: &R) -> R::Value {
        match self {
            Handler::Function(f) => f,
            Handler::BuiltIn(length, steps) => realm.create_builtin_function(length, steps),
        }
    }

    /// PerformPromiseThen steps 3-6 for the job: a value that is not callable is `empty`.
    fn for_job(self, realm: &R) -> JobHandler<R, F> {
        match self {
            Handler::Function(f) if realm.is_callable(&f) => JobHandler::Function(f),
            Handler::Function(_) => JobHandler::Empty,
            Handler::BuiltIn(_, steps) => JobHandler::Steps(steps),
        }
    }
}

/// A reaction's handler as its job holds it.
enum JobHandler<R: Realm, F> {
    Empty,
    Function(R::Value),
    Steps(F),
}

impl<R: Realm, F> JobHandler<R, F>
where
    F: Fn(&R, &[R::Value]) -> Result<R::Value, R::Value>,
{
    /// 27.2.2.1 NewPromiseReactionJob steps 1.d-1.e: the handler's completion.
    fn run(self, realm: &R, argument: Result<R::Value, R::Value>) -> Result<R::Value, R::Value> {
        match (self, argument) {
            // d. If handler is empty, then
            //    i. If type is fulfill, let handlerResult be NormalCompletion(argument).
            //    ii. Else, let handlerResult be ThrowCompletion(argument).
            (JobHandler::Empty, argument) => argument,
            // e. Else, let handlerResult be Completion(HostCallJobCallback(handler, undefined,
            //    « argument »)).
            (JobHandler::Function(f), Ok(argument) | Err(argument)) => {
                call(realm, &f, &realm.undefined(), &[argument])
            }
            // (The built-in function's [[Call]]: its steps, with `argument`.)
            (JobHandler::Steps(steps), Ok(argument) | Err(argument)) => steps(realm, &[argument]),
        }
    }
}

/// `Perform ? Invoke(value, "then", « onFulfilled, onRejected »)` of a combinator, whose
/// result is dropped. While `value`'s `then` is the intrinsic, PerformPromiseThen is done
/// natively and a [`Handler::BuiltIn`] is run by the reaction's job as its steps: the function
/// object the spec makes for it could reach no code (the intrinsic `then` only stores it in
/// the reaction, and the derived promise is dropped), so none is made (an object and its
/// closure per element of `Promise.all`). Otherwise both handlers are function values and
/// `then` is looked up and called as the spec says.
pub(crate) fn invoke_then_with_handlers<R, F, G>(
    realm: &R,
    value: &R::Value,
    on_fulfilled: Handler<R, F>,
    on_rejected: Handler<R, G>,
) -> Result<(), R::Value>
where
    R: Realm,
    F: Fn(&R, &[R::Value]) -> Result<R::Value, R::Value> + 'static,
    G: Fn(&R, &[R::Value]) -> Result<R::Value, R::Value> + 'static,
{
    let Some(promise) = realm.promise_with_intrinsic_then(value) else {
        let args = [on_fulfilled.into_value(realm), on_rejected.into_value(realm)];
        return invoke(realm, value, "then", &args).map(drop);
    };
    // Promise.prototype.then steps 3-5 with C = %Promise%, as `then_intrinsic`.
    let (on_fulfilled, on_rejected) = (on_fulfilled.for_job(realm), on_rejected.for_job(realm));
    let realm = realm.clone();
    drop(promise.then_reaction(move |argument, capability, _host| {
        let handler_result = match argument {
            Ok(value) => on_fulfilled.run(&realm, Ok(value)),
            Err(reason) => on_rejected.run(&realm, Err(reason)),
        };
        match handler_result {
            // 27.2.2.1 step 1.i: Return ? Call(promiseCapability.[[Resolve]], undefined,
            // « handlerResult.[[Value]] »).
            Ok(value) => resolve_function(&realm, capability, value),
            // Step 1.h: Return ? Call(promiseCapability.[[Reject]], undefined,
            // « handlerResult.[[Value]] »).
            Err(reason) => capability.reject(reason),
        }
    }));
    Ok(())
}

/// `Perform ? Invoke(value, "then", « onFulfilled, onRejected »)` where the result is dropped
/// (the combinators): natively, not even the derived promise gets an object.
pub(crate) fn invoke_then_for_effect<R: Realm>(
    realm: &R,
    value: &R::Value,
    on_fulfilled: &R::Value,
    on_rejected: &R::Value,
) -> Result<(), R::Value> {
    if let Some(promise) = realm.promise_with_intrinsic_then(value) {
        then_intrinsic(realm, &promise, on_fulfilled, on_rejected);
        return Ok(());
    }
    invoke(realm, value, "then", &[on_fulfilled.clone(), on_rejected.clone()]).map(drop)
}
