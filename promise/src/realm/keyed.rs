//! `Promise.allKeyed` and `Promise.allSettledKeyed` (the TC39 "await dictionary" proposal,
//! test262 feature `await-dictionary`): the combinators over an object's own enumerable
//! properties, resolving to a null-prototype object with the same keys. Step numbers are the
//! proposal's, as test262's tests quote them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::capability::{PromiseCapability, if_abrupt_reject_promise, new_promise_capability};
use super::combinators::get_promise_resolve;
use super::operations::call;
use super::then::invoke_then_for_effect;
use super::{PropertyKey, Realm, TypeErrorCase, argument};

/// Which combinator: `all` or `all-settled`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    All,
    AllSettled,
}

/// `Promise.allKeyed ( promises )`, with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_all_keyed};
/// fn all_keyed<R: Realm>(realm: &R, promises: &R::Value) -> Result<R::Value, R::Value> {
///     promise_all_keyed(realm, &realm.promise_constructor(), promises)
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) throws, or a foreign capability's `reject`. Every other error
/// rejects the returned promise.
pub fn promise_all_keyed<R: Realm>(
    realm: &R,
    this: &R::Value,
    promises: &R::Value,
) -> Result<R::Value, R::Value> {
    promise_keyed_combinator(realm, this, promises, Variant::All)
}

/// `Promise.allSettledKeyed ( promises )`, with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_all_settled_keyed};
/// fn all_settled_keyed<R: Realm>(realm: &R, promises: &R::Value) -> Result<R::Value, R::Value> {
///     promise_all_settled_keyed(realm, &realm.promise_constructor(), promises)
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) throws, or a foreign capability's `reject`. Every other error
/// rejects the returned promise.
pub fn promise_all_settled_keyed<R: Realm>(
    realm: &R,
    this: &R::Value,
    promises: &R::Value,
) -> Result<R::Value, R::Value> {
    promise_keyed_combinator(realm, this, promises, Variant::AllSettled)
}

/// The steps of both methods, which differ only in the variant.
fn promise_keyed_combinator<R: Realm>(
    realm: &R,
    this: &R::Value,
    promises: &R::Value,
    variant: Variant,
) -> Result<R::Value, R::Value> {
    // 1. Let C be the this value.
    let c = this;
    // 2. Let promiseCapability be ? NewPromiseCapability(C).
    let promise_capability = Rc::new(new_promise_capability(realm, c)?);
    // 3. Let promiseResolve be Completion(GetPromiseResolve(C)).
    // 4. IfAbruptRejectPromise(promiseResolve, promiseCapability).
    let promise_resolve = match get_promise_resolve(realm, c) {
        Ok(promise_resolve) => promise_resolve,
        Err(error) => return if_abrupt_reject_promise(realm, error, &promise_capability),
    };
    // 5. If promises is not an Object, then
    if !realm.is_object(promises) {
        // a. Let error be a newly created TypeError object.
        let error = realm.type_error(TypeErrorCase::NotAnObject(promises));
        // b. Perform ? Call(promiseCapability.[[Reject]], undefined, « error »).
        promise_capability.reject(realm, error)?;
        // c. Return promiseCapability.[[Promise]].
        return Ok(promise_capability.promise().clone());
    }
    // 6. Let result be Completion(PerformPromiseAllKeyed(variant, promises, C,
    //    promiseCapability, promiseResolve)).
    match perform_promise_all_keyed(realm, variant, promises, c, &promise_capability, &promise_resolve) {
        // 7. IfAbruptRejectPromise(result, promiseCapability).
        Err(error) => if_abrupt_reject_promise(realm, error, &promise_capability),
        // 8. Return ! result.
        Ok(value) => Ok(value),
    }
}

/// The keys, values and remainingElementsCount of one call.
struct Entries<R: Realm> {
    keys: RefCell<Vec<R::Key>>,
    values: RefCell<Vec<R::Value>>,
    remaining: Cell<usize>,
}

impl<R: Realm> Entries<R> {
    /// Sets remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1; whether
    /// it is now 0.
    fn decrement(&self) -> bool {
        let remaining = self.remaining.get() - 1;
        self.remaining.set(remaining);
        remaining == 0
    }

    /// CreateKeyedPromiseCombinatorResultObject ( keys, values ):
    /// 1. Let obj be OrdinaryObjectCreate(null).
    /// 2. For each ... key of keys and value of values: Perform !
    ///    CreateDataPropertyOrThrow(obj, key, value).
    /// 3. Return obj.
    fn result_object(&self, realm: &R) -> R::Value {
        let entries: Vec<_> =
            self.keys.borrow().iter().cloned().zip(self.values.borrow().iter().cloned()).collect();
        realm.create_null_prototype_object(entries)
    }
}

/// PerformPromiseAllKeyed ( variant, promises, constructor, resultCapability, promiseResolve ).
fn perform_promise_all_keyed<R: Realm>(
    realm: &R,
    variant: Variant,
    promises: &R::Value,
    constructor: &R::Value,
    result_capability: &Rc<PromiseCapability<R>>,
    promise_resolve: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let allKeys be ? promises.[[OwnPropertyKeys]]().
    let all_keys = realm.own_property_keys(promises)?;
    // 2. Let keys be a new empty List.
    // 3. Let values be a new empty List.
    // 4. Let remainingElementsCount be the Record { [[Value]]: 1 }.
    let entries = Rc::new(Entries::<R> {
        keys: RefCell::new(Vec::new()),
        values: RefCell::new(Vec::new()),
        remaining: Cell::new(1),
    });
    // 5. Let index be 0.
    // 6. For each element key of allKeys, do
    for key in all_keys {
        // a. Let desc be ? promises.[[GetOwnProperty]](key).
        let enumerable = realm.get_own_property_enumerable(promises, &key)?;
        // b. If desc is not undefined and desc.[[Enumerable]] is true, then
        if enumerable != Some(true) {
            continue;
        }
        // i. Let value be ? Get(promises, key).
        let value = realm.get(promises, PropertyKey::Key(&key))?;
        // ii. Append key to keys.
        // iii. Append undefined to values.
        let index = {
            entries.keys.borrow_mut().push(key);
            let mut values = entries.values.borrow_mut();
            values.push(realm.undefined());
            values.len() - 1
        };
        // iv. Let nextPromise be ? Call(promiseResolve, constructor, « value »).
        let next_promise = call(realm, promise_resolve, constructor, &[value])?;
        // v. Let alreadyCalled be the Record { [[Value]]: false }.
        let already_called = Rc::new(Cell::new(false));
        // vi-vii. Let onFulfilled be CreateBuiltinFunction(fulfilledSteps, 1, "",
        //    « [[AlreadyCalled]], [[Index]] »).
        let on_fulfilled =
            element_function(realm, &entries, result_capability, &already_called, index, variant, true);
        // viii. If variant is all, let onRejected be resultCapability.[[Reject]]; else let
        //    onRejected be CreateBuiltinFunction(rejectedSteps, 1, "", « [[AlreadyCalled]],
        //    [[Index]] »).
        let on_rejected = match variant {
            Variant::All => result_capability.reject_function(realm),
            Variant::AllSettled => {
                element_function(realm, &entries, result_capability, &already_called, index, variant, false)
            }
        };
        // xi. Set index to index + 1.
        // xii. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] + 1.
        entries.remaining.set(entries.remaining.get() + 1);
        // xiii. Perform ? Invoke(nextPromise, "then", « onFulfilled, onRejected »).
        invoke_then_for_effect(realm, &next_promise, &on_fulfilled, &on_rejected)?;
    }
    // 7. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
    // 8. If remainingElementsCount.[[Value]] = 0, then
    if entries.decrement() {
        // a. Let result be CreateKeyedPromiseCombinatorResultObject(keys, values).
        // b. Perform ? Call(resultCapability.[[Resolve]], undefined, « result »).
        result_capability.resolve(realm, entries.result_object(realm))?;
    }
    // 9. Return resultCapability.[[Promise]].
    Ok(result_capability.promise().clone())
}

/// The onFulfilled closure (both variants) or the all-settled onRejected closure.
fn element_function<R: Realm>(
    realm: &R,
    entries: &Rc<Entries<R>>,
    capability: &Rc<PromiseCapability<R>>,
    already_called: &Rc<Cell<bool>>,
    index: usize,
    variant: Variant,
    fulfilled: bool,
) -> R::Value {
    let (entries, capability, already_called) = (entries.clone(), capability.clone(), already_called.clone());
    realm.create_builtin_function(1, move |realm: &R, args: &[R::Value]| {
        // 1. Let activeFunc be the active function object.
        // 2. If activeFunc.[[AlreadyCalled]].[[Value]] is true, return undefined.
        // 3. Set activeFunc.[[AlreadyCalled]].[[Value]] to true.
        if already_called.replace(true) {
            return Ok(realm.undefined());
        }
        let x = argument(realm, args, 0);
        // 4. Set values[activeFunc.[[Index]]] to x, or for all-settled to a new
        //    { status, value } / { status, reason } object made with OrdinaryObjectCreate(
        //    %Object.prototype%) and CreateDataPropertyOrThrow.
        let element = match (variant, fulfilled) {
            (Variant::All, _) => x,
            (Variant::AllSettled, true) => {
                realm.create_object(vec![("status", realm.string("fulfilled")), ("value", x)])
            }
            (Variant::AllSettled, false) => {
                realm.create_object(vec![("status", realm.string("rejected")), ("reason", x)])
            }
        };
        entries.values.borrow_mut()[index] = element;
        // 5. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
        // 6. If remainingElementsCount.[[Value]] = 0, then
        if entries.decrement() {
            // a. Let result be CreateKeyedPromiseCombinatorResultObject(keys, values).
            // b. Return ? Call(resultCapability.[[Resolve]], undefined, « result »).
            capability.resolve(realm, entries.result_object(realm))?;
        }
        // 7. Return undefined.
        Ok(realm.undefined())
    })
}
