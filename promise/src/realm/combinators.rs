//! `Promise.all` (27.2.4.1), `Promise.allSettled` (27.2.4.2), `Promise.any` (27.2.4.3) and
//! `Promise.race` (27.2.4.5) with any receiver and the iterator protocol: GetPromiseResolve
//! once per call, `Call(promiseResolve, C, « next »)` and `Invoke(nextPromise, "then")` per
//! element, errors turned into rejections, the iterator closed on an abrupt completion that
//! did not come from the iterator itself. Section numbers: ECMA-262 2025.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::capability::{PromiseCapability, if_abrupt_reject_promise, new_promise_capability};
use super::iterator::{IteratorRecord, get_iterator, iterator_close, iterator_step_value};
use super::operations::call;
use super::then::{Handler, NoSteps, Steps, invoke_then_for_effect, invoke_then_with_handlers};
use super::{PropertyKey, Realm, TypeErrorCase, argument};

/// 27.2.4.1.1 GetPromiseResolve ( promiseConstructor ).
///
/// ```
/// use settle_promise::realm::{Realm, get_promise_resolve};
/// fn has_resolve<R: Realm>(realm: &R, c: &R::Value) -> bool {
///     get_promise_resolve(realm, c).is_ok()
/// }
/// ```
///
/// # Errors
///
/// What Get(C, "resolve") throws; a TypeError when it is not callable.
pub fn get_promise_resolve<R: Realm>(
    realm: &R,
    promise_constructor: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let promiseResolve be ? Get(promiseConstructor, "resolve").
    let promise_resolve = realm.get(promise_constructor, PropertyKey::String("resolve"))?;
    // 2. If IsCallable(promiseResolve) is false, throw a TypeError exception.
    if !realm.is_callable(&promise_resolve) {
        return Err(realm.type_error(TypeErrorCase::NotCallable(&promise_resolve)));
    }
    // 3. Return promiseResolve.
    Ok(promise_resolve)
}

/// The Perform* operation of one combinator.
type Perform<R> = fn(
    &R,
    &mut IteratorRecord<R>,
    &<R as Realm>::Value,
    &Rc<PromiseCapability<R>>,
    &<R as Realm>::Value,
) -> Result<<R as Realm>::Value, <R as Realm>::Value>;

/// Steps 1-9 of Promise.all, Promise.allSettled, Promise.any and Promise.race, identical in
/// all four but for the Perform* operation of step 7.
fn promise_combinator<R: Realm>(
    realm: &R,
    this: &R::Value,
    iterable: &R::Value,
    perform: Perform<R>,
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
    // 5. Let iteratorRecord be Completion(GetIterator(iterable, sync)).
    // 6. IfAbruptRejectPromise(iteratorRecord, promiseCapability).
    let mut iterator_record = match get_iterator(realm, iterable) {
        Ok(iterator_record) => iterator_record,
        Err(error) => return if_abrupt_reject_promise(realm, error, &promise_capability),
    };
    // 7. Let result be Completion(PerformPromiseAll(iteratorRecord, C, promiseCapability,
    //    promiseResolve)).
    let result = perform(realm, &mut iterator_record, c, &promise_capability, &promise_resolve);
    // 8. If result is an abrupt completion, then
    match result {
        Err(error) => {
            // a. If iteratorRecord.[[Done]] is false, set result to
            //    Completion(IteratorClose(iteratorRecord, result)).
            let error = if iterator_record.done {
                error
            } else {
                match iterator_close(realm, &iterator_record, Err(error)) {
                    Err(error) => error,
                    Ok(_) => unreachable!("IteratorClose returns a throw completion as it is"),
                }
            };
            // b. IfAbruptRejectPromise(result, promiseCapability).
            if_abrupt_reject_promise(realm, error, &promise_capability)
        }
        // 9. Return ! result.
        Ok(value) => Ok(value),
    }
}

/// A combinator call's `values` (or `errors`) List and its remainingElementsCount Record,
/// shared by the element functions.
struct Elements<R: Realm> {
    values: RefCell<Vec<R::Value>>,
    remaining: Cell<usize>,
}

impl<R: Realm> Elements<R> {
    /// `values` empty; remainingElementsCount { [[Value]]: 1 }.
    fn new() -> Rc<Elements<R>> {
        Rc::new(Elements { values: RefCell::new(Vec::new()), remaining: Cell::new(1) })
    }

    /// Sets remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1;
    /// whether it is now 0.
    fn decrement(&self) -> bool {
        let remaining = self.remaining.get() - 1;
        self.remaining.set(remaining);
        remaining == 0
    }

    /// Sets remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] + 1.
    fn increment(&self) {
        self.remaining.set(self.remaining.get() + 1);
    }

    /// Appends undefined to values; its index.
    fn append_undefined(&self, realm: &R) -> usize {
        let mut values = self.values.borrow_mut();
        values.push(realm.undefined());
        values.len() - 1
    }

    /// Sets values[index] to x.
    fn set(&self, index: usize, x: R::Value) {
        self.values.borrow_mut()[index] = x;
    }

    /// CreateArrayFromList(values).
    fn array(&self, realm: &R) -> R::Value {
        let values = self.values.borrow().clone();
        realm.create_array_from_list(values)
    }

    /// A copy of the List.
    fn list(&self) -> Vec<R::Value> {
        self.values.borrow().clone()
    }
}

/// 27.2.4.1 Promise.all ( iterable ), with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_all};
/// fn all<R: Realm>(realm: &R, iterable: &R::Value) -> Result<R::Value, R::Value> {
///     promise_all(realm, &realm.promise_constructor(), iterable)
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) throws, or a foreign capability's `reject`. Every other error
/// rejects the returned promise.
pub fn promise_all<R: Realm>(realm: &R, this: &R::Value, iterable: &R::Value) -> Result<R::Value, R::Value> {
    promise_combinator(realm, this, iterable, perform_promise_all)
}

/// 27.2.4.1.2 PerformPromiseAll ( iteratorRecord, constructor, resultCapability,
/// promiseResolve ).
fn perform_promise_all<R: Realm>(
    realm: &R,
    iterator_record: &mut IteratorRecord<R>,
    constructor: &R::Value,
    result_capability: &Rc<PromiseCapability<R>>,
    promise_resolve: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let values be a new empty List.
    // 2. Let remainingElementsCount be the Record { [[Value]]: 1 }.
    let elements = Elements::<R>::new();
    // 3. Let index be 0. (values' length.)
    // 4. Repeat,
    loop {
        // a. Let next be ? IteratorStepValue(iteratorRecord).
        let Some(next) = iterator_step_value(realm, iterator_record)? else {
            // b. If next is done, then
            //    i. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
            //    ii. If remainingElementsCount.[[Value]] = 0, then
            if elements.decrement() {
                // 1. Let valuesArray be CreateArrayFromList(values).
                // 2. Perform ? Call(resultCapability.[[Resolve]], undefined, « valuesArray »).
                result_capability.resolve(realm, elements.array(realm))?;
            }
            //    iii. Return resultCapability.[[Promise]].
            return Ok(result_capability.promise().clone());
        };
        // c. Append undefined to values.
        let index = elements.append_undefined(realm);
        // d. Let nextPromise be ? Call(promiseResolve, constructor, « next »).
        let next_promise = call(realm, promise_resolve, constructor, &[next])?;
        // e-l. Let onFulfilled be CreateBuiltinFunction(steps, length, "", « [[AlreadyCalled]],
        //    [[Index]], [[Values]], [[Capability]], [[RemainingElements]] »), with
        //    [[AlreadyCalled]] false and [[Index]] index.
        let already_called = Cell::new(false);
        let (values, capability) = (elements.clone(), result_capability.clone());
        // 27.2.4.1.3 Promise.all Resolve Element Functions, with argument x:
        let on_fulfilled = Handler::BuiltIn(1, move |realm: &R, args: &[R::Value]| {
            // 1. Let F be the active function object.
            // 2. If F.[[AlreadyCalled]] is true, return undefined.
            // 3. Set F.[[AlreadyCalled]] to true.
            if already_called.replace(true) {
                return Ok(realm.undefined());
            }
            // 4-7. index, values, promiseCapability, remainingElementsCount.
            // 8. Set values[index] to x.
            values.set(index, argument(realm, args, 0));
            // 9. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
            // 10. If remainingElementsCount.[[Value]] = 0, then
            if values.decrement() {
                // a. Let valuesArray be CreateArrayFromList(values).
                // b. Return ? Call(promiseCapability.[[Resolve]], undefined, « valuesArray »).
                capability.resolve(realm, values.array(realm))?;
            }
            // 11. Return undefined.
            Ok(realm.undefined())
        });
        // m. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] + 1.
        elements.increment();
        // n. Perform ? Invoke(nextPromise, "then", « onFulfilled, resultCapability.[[Reject]] »).
        let on_rejected: Handler<R, NoSteps<R>> = Handler::Function(result_capability.reject_function(realm));
        invoke_then_with_handlers(realm, &next_promise, on_fulfilled, on_rejected)?;
        // o. Set index to index + 1.
    }
}

/// 27.2.4.2 Promise.allSettled ( iterable ), with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_all_settled};
/// fn all_settled<R: Realm>(realm: &R, iterable: &R::Value) -> Result<R::Value, R::Value> {
///     promise_all_settled(realm, &realm.promise_constructor(), iterable)
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) throws, or a foreign capability's `reject`. Every other error
/// rejects the returned promise.
pub fn promise_all_settled<R: Realm>(
    realm: &R,
    this: &R::Value,
    iterable: &R::Value,
) -> Result<R::Value, R::Value> {
    promise_combinator(realm, this, iterable, perform_promise_all_settled)
}

/// 27.2.4.2.1 PerformPromiseAllSettled ( iteratorRecord, constructor, resultCapability,
/// promiseResolve ).
fn perform_promise_all_settled<R: Realm>(
    realm: &R,
    iterator_record: &mut IteratorRecord<R>,
    constructor: &R::Value,
    result_capability: &Rc<PromiseCapability<R>>,
    promise_resolve: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let values be a new empty List.
    // 2. Let remainingElementsCount be the Record { [[Value]]: 1 }.
    let elements = Elements::<R>::new();
    // 3. Let index be 0.
    // 4. Repeat,
    loop {
        // a. Let next be ? IteratorStepValue(iteratorRecord).
        let Some(next) = iterator_step_value(realm, iterator_record)? else {
            // b. If next is done, then
            //    i. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
            //    ii. If remainingElementsCount.[[Value]] = 0, then
            if elements.decrement() {
                // 1. Let valuesArray be CreateArrayFromList(values).
                // 2. Perform ? Call(resultCapability.[[Resolve]], undefined, « valuesArray »).
                result_capability.resolve(realm, elements.array(realm))?;
            }
            //    iii. Return resultCapability.[[Promise]].
            return Ok(result_capability.promise().clone());
        };
        // c. Append undefined to values.
        let index = elements.append_undefined(realm);
        // d. Let nextPromise be ? Call(promiseResolve, constructor, « next »).
        let next_promise = call(realm, promise_resolve, constructor, &[next])?;
        // h. Let alreadyCalled be the Record { [[Value]]: false }. (Shared by both functions.)
        let already_called = Rc::new(Cell::new(false));
        // e-g, i-m. Let onFulfilled be CreateBuiltinFunction(stepsFulfilled, lengthFulfilled, "",
        //    « [[AlreadyCalled]], [[Index]], [[Values]], [[Capability]], [[RemainingElements]] »),
        //    with [[AlreadyCalled]] alreadyCalled and [[Index]] index (27.2.4.2.2 Promise.allSettled
        //    Resolve Element Functions).
        let on_fulfilled =
            settled_element_function(&elements, result_capability, &already_called, index, "fulfilled");
        // n-u. Let onRejected be CreateBuiltinFunction(stepsRejected, ...), with the same
        //    alreadyCalled and index (27.2.4.2.3 Promise.allSettled Reject Element Functions).
        let on_rejected =
            settled_element_function(&elements, result_capability, &already_called, index, "rejected");
        // v. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] + 1.
        elements.increment();
        // w. Perform ? Invoke(nextPromise, "then", « onFulfilled, onRejected »).
        invoke_then_with_handlers(realm, &next_promise, on_fulfilled, on_rejected)?;
        // x. Set index to index + 1.
    }
}

/// A Promise.allSettled Resolve Element Function (27.2.4.2.2, `status` "fulfilled") or Reject
/// Element Function (27.2.4.2.3, `status` "rejected").
fn settled_element_function<R: Realm>(
    elements: &Rc<Elements<R>>,
    capability: &Rc<PromiseCapability<R>>,
    already_called: &Rc<Cell<bool>>,
    index: usize,
    status: &'static str,
) -> Handler<R, impl Steps<R>> {
    let (values, capability, already_called) = (elements.clone(), capability.clone(), already_called.clone());
    Handler::BuiltIn(1, move |realm: &R, args: &[R::Value]| {
        // 1. Let F be the active function object.
        // 2. Let alreadyCalled be F.[[AlreadyCalled]].
        // 3. If alreadyCalled.[[Value]] is true, return undefined.
        // 4. Set alreadyCalled.[[Value]] to true.
        if already_called.replace(true) {
            return Ok(realm.undefined());
        }
        // 5-8. index, values, promiseCapability, remainingElementsCount.
        // 9. Let obj be OrdinaryObjectCreate(%Object.prototype%).
        // 10. Perform ! CreateDataPropertyOrThrow(obj, "status", "fulfilled" / "rejected").
        // 11. Perform ! CreateDataPropertyOrThrow(obj, "value" / "reason", x).
        let key = if status == "fulfilled" { "value" } else { "reason" };
        let obj =
            realm.create_object(vec![("status", realm.string(status)), (key, argument(realm, args, 0))]);
        // 12. Set values[index] to obj.
        values.set(index, obj);
        // 13. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
        // 14. If remainingElementsCount.[[Value]] = 0, then
        if values.decrement() {
            // a. Let valuesArray be CreateArrayFromList(values).
            // b. Return ? Call(promiseCapability.[[Resolve]], undefined, « valuesArray »).
            capability.resolve(realm, values.array(realm))?;
        }
        // 15. Return undefined.
        Ok(realm.undefined())
    })
}

/// 27.2.4.3 Promise.any ( iterable ), with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_any};
/// fn any<R: Realm>(realm: &R, iterable: &R::Value) -> Result<R::Value, R::Value> {
///     promise_any(realm, &realm.promise_constructor(), iterable)
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) throws, or a foreign capability's `reject`. Every other error
/// rejects the returned promise.
pub fn promise_any<R: Realm>(realm: &R, this: &R::Value, iterable: &R::Value) -> Result<R::Value, R::Value> {
    promise_combinator(realm, this, iterable, perform_promise_any)
}

/// 27.2.4.3.1 PerformPromiseAny ( iteratorRecord, constructor, resultCapability,
/// promiseResolve ).
fn perform_promise_any<R: Realm>(
    realm: &R,
    iterator_record: &mut IteratorRecord<R>,
    constructor: &R::Value,
    result_capability: &Rc<PromiseCapability<R>>,
    promise_resolve: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let errors be a new empty List.
    // 2. Let remainingElementsCount be the Record { [[Value]]: 1 }.
    let errors = Elements::<R>::new();
    // 3. Let index be 0.
    // 4. Repeat,
    loop {
        // a. Let next be ? IteratorStepValue(iteratorRecord).
        let Some(next) = iterator_step_value(realm, iterator_record)? else {
            // b. If next is done, then
            //    i. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
            //    ii. If remainingElementsCount.[[Value]] = 0, then
            if errors.decrement() {
                // 1. Let error be a newly created AggregateError object.
                // 2. Perform ! DefinePropertyOrThrow(error, "errors", PropertyDescriptor {
                //    [[Configurable]]: true, [[Enumerable]]: false, [[Writable]]: true,
                //    [[Value]]: CreateArrayFromList(errors) }).
                let error = realm.aggregate_error(errors.list());
                // 3. Return ThrowCompletion(error). (Promise.any step 8: [[Done]] is true, so
                //    no IteratorClose; IfAbruptRejectPromise rejects with it.)
                return Err(error);
            }
            //    iii. Return resultCapability.[[Promise]].
            return Ok(result_capability.promise().clone());
        };
        // c. Append undefined to errors.
        let index = errors.append_undefined(realm);
        // d. Let nextPromise be ? Call(promiseResolve, constructor, « next »).
        let next_promise = call(realm, promise_resolve, constructor, &[next])?;
        // e-l. Let onRejected be CreateBuiltinFunction(stepsRejected, lengthRejected, "",
        //    « [[AlreadyCalled]], [[Index]], [[Errors]], [[Capability]],
        //    [[RemainingElements]] »), with [[AlreadyCalled]] false and [[Index]] index.
        let already_called = Cell::new(false);
        let (list, capability) = (errors.clone(), result_capability.clone());
        // 27.2.4.3.2 Promise.any Reject Element Functions, with argument x:
        let on_rejected = Handler::BuiltIn(1, move |realm: &R, args: &[R::Value]| {
            // 1. Let F be the active function object.
            // 2. If F.[[AlreadyCalled]] is true, return undefined.
            // 3. Set F.[[AlreadyCalled]] to true.
            if already_called.replace(true) {
                return Ok(realm.undefined());
            }
            // 4-7. index, errors, promiseCapability, remainingElementsCount.
            // 8. Set errors[index] to x.
            list.set(index, argument(realm, args, 0));
            // 9. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
            // 10. If remainingElementsCount.[[Value]] = 0, then
            if list.decrement() {
                // a. Let error be a newly created AggregateError object.
                // b. Perform ! DefinePropertyOrThrow(error, "errors", PropertyDescriptor {
                //    ... [[Value]]: CreateArrayFromList(errors) }).
                let error = realm.aggregate_error(list.list());
                // c. Return ? Call(promiseCapability.[[Reject]], undefined, « error »).
                capability.reject(realm, error)?;
            }
            // 11. Return undefined.
            Ok(realm.undefined())
        });
        // m. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] + 1.
        errors.increment();
        // n. Perform ? Invoke(nextPromise, "then", « resultCapability.[[Resolve]], onRejected »).
        let on_fulfilled: Handler<R, NoSteps<R>> =
            Handler::Function(result_capability.resolve_function(realm));
        invoke_then_with_handlers(realm, &next_promise, on_fulfilled, on_rejected)?;
        // o. Set index to index + 1.
    }
}

/// 27.2.4.5 Promise.race ( iterable ), with `this` = `C`.
///
/// ```
/// use settle_promise::realm::{Realm, promise_race};
/// fn race<R: Realm>(realm: &R, iterable: &R::Value) -> Result<R::Value, R::Value> {
///     promise_race(realm, &realm.promise_constructor(), iterable)
/// }
/// ```
///
/// # Errors
///
/// What NewPromiseCapability(C) throws, or a foreign capability's `reject`. Every other error
/// rejects the returned promise.
pub fn promise_race<R: Realm>(realm: &R, this: &R::Value, iterable: &R::Value) -> Result<R::Value, R::Value> {
    promise_combinator(realm, this, iterable, perform_promise_race)
}

/// 27.2.4.5.1 PerformPromiseRace ( iteratorRecord, constructor, resultCapability,
/// promiseResolve ).
fn perform_promise_race<R: Realm>(
    realm: &R,
    iterator_record: &mut IteratorRecord<R>,
    constructor: &R::Value,
    result_capability: &Rc<PromiseCapability<R>>,
    promise_resolve: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Repeat,
    loop {
        // a. Let next be ? IteratorStepValue(iteratorRecord).
        let Some(next) = iterator_step_value(realm, iterator_record)? else {
            // b. If next is done, then
            //    i. Return resultCapability.[[Promise]].
            return Ok(result_capability.promise().clone());
        };
        // c. Let nextPromise be ? Call(promiseResolve, constructor, « next »).
        let next_promise = call(realm, promise_resolve, constructor, &[next])?;
        // d. Perform ? Invoke(nextPromise, "then", « resultCapability.[[Resolve]],
        //    resultCapability.[[Reject]] »).
        invoke_then_for_effect(
            realm,
            &next_promise,
            &result_capability.resolve_function(realm),
            &result_capability.reject_function(realm),
        )?;
    }
}
