//! Async iteration (ECMA-262 2025): GetIterator(obj, async) (7.4.3), AsyncIteratorClose
//! (7.4.12) and the Async-from-Sync Iterator Objects (27.1.6) that `for await` uses over a
//! sync iterable.
//!
//! The Async-from-Sync iterator is never visible to scripts (only `for await` and `yield*`
//! in an async generator hold one), so it is a Rust value, not an object: its `next` and
//! `return` give the promise the spec's methods give, made by the same steps.

use super::{IteratorRecord, get_iterator_from_method, iter_result, not_iterable};
use crate::interp::call_sync;
use crate::promise::wrap_promise;
use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{JsPromise, JsValue};

/// What GetIterator(obj, async) gives: an async iterator, or a sync one behind
/// CreateAsyncFromSyncIterator (27.1.6.1).
pub(crate) enum AsyncIteratorRecord {
    Async(IteratorRecord),
    FromSync(IteratorRecord),
}

/// GetMethod (7.3.11): `None` for undefined or null, a TypeError for anything else that is
/// not callable.
pub(crate) fn get_method<K: crate::property::Key + ?Sized>(
    value: &JsValue,
    key: &K,
) -> Result<Option<JsValue>, JsValue> {
    let method = value.get(key)?;
    if method.is_nullish() {
        return Ok(None);
    }
    if !method.is_callable() {
        let text = crate::inspect::inspect(&method);
        return Err(realm().error("TypeError", &format!("{text} is not a function")));
    }
    Ok(Some(method))
}

/// GetIterator (7.4.3) with kind async.
pub(crate) fn get_async_iterator(obj: &JsValue) -> Result<AsyncIteratorRecord, JsValue> {
    if obj.is_nullish() {
        return Err(not_iterable(obj));
    }
    let r = realm();
    let (async_key, sync_key) = (
        PropertyKey::Symbol(r.symbols.async_iterator.clone()),
        PropertyKey::Symbol(r.symbols.iterator.clone()),
    );
    drop(r);
    // 1.a. Let method be ? GetMethod(obj, @@asyncIterator).
    match get_method(obj, &async_key)? {
        // 3-4. Let iterator be ? Call(method, obj) ... (GetIteratorFromMethod).
        Some(method) => Ok(AsyncIteratorRecord::Async(get_iterator_from_method(obj, &method)?)),
        // 1.b. If method is undefined, then
        None => {
            // i. Let syncMethod be ? GetMethod(obj, @@iterator).
            // ii. If syncMethod is undefined, throw a TypeError exception.
            let Some(sync_method) = get_method(obj, &sync_key)? else {
                return Err(realm()
                    .error("TypeError", &format!("{} is not async iterable", crate::inspect::inspect(obj))));
            };
            // iii. Let syncIteratorRecord be ? GetIteratorFromMethod(obj, syncMethod).
            // iv. Return CreateAsyncFromSyncIterator(syncIteratorRecord).
            Ok(AsyncIteratorRecord::FromSync(get_iterator_from_method(obj, &sync_method)?))
        }
    }
}

/// A promise already rejected with `e`: IfAbruptRejectPromise (27.2.1.1.1) on a fresh
/// capability.
fn rejected(e: JsValue) -> JsValue {
    let (promise, capability) = JsPromise::with_resolvers();
    capability.reject(e);
    wrap_promise(promise)
}

/// AsyncFromSyncIteratorContinuation (27.1.6.4).
fn async_from_sync_iterator_continuation(
    result: &JsValue,
    record: &IteratorRecord,
    close_on_rejection: bool,
) -> JsValue {
    let continuation = || -> Result<JsValue, JsValue> {
        // 1-2. Let done be Completion(IteratorComplete(result)); IfAbruptRejectPromise.
        let done = result.get("done")?.truthy();
        // 3-4. Let value be Completion(IteratorValue(result)); IfAbruptRejectPromise.
        let value = result.get("value")?;
        // 5. Let valueWrapper be Completion(PromiseResolve(%Promise%, value)).
        let value_wrapper = match crate::interp::promise_resolve_intrinsic(value) {
            Ok(p) => p,
            // 6. If valueWrapper is an abrupt completion, done is false, and closeOnRejection
            // is true, set valueWrapper to Completion(IteratorClose(syncIteratorRecord,
            // valueWrapper)).
            // 7. IfAbruptRejectPromise(valueWrapper, promiseCapability).
            Err(e) if !done && close_on_rejection => return super::iterator_close(record, Err(e)),
            Err(e) => return Err(e),
        };
        // 8-9. unwrap(v): Return CreateIterResultObject(v, done).
        // 11-12. onRejected is undefined when done is true or closeOnRejection is false;
        // otherwise closeIterator(error): Return ? IteratorClose(syncIteratorRecord,
        // ThrowCompletion(error)).
        let close = (!done && close_on_rejection).then(|| IteratorRecord {
            iterator: record.iterator.clone(),
            next: record.next.clone(),
            done: false,
        });
        // 13. Perform PerformPromiseThen(valueWrapper, onFulfilled, onRejected,
        // promiseCapability).
        let promise: JsPromise = value_wrapper.then_both::<JsValue, JsValue, JsValue>(
            move |v| Ok(iter_result(v, done)),
            move |e| -> Result<JsValue, JsValue> {
                match close {
                    Some(record) => Err(super::iterator_close(&record, Err::<JsValue, _>(e)).unwrap_err()),
                    None => Err(e),
                }
            },
        );
        // 14. Return promiseCapability.[[Promise]].
        Ok(wrap_promise(promise))
    };
    continuation().unwrap_or_else(rejected)
}

impl AsyncIteratorRecord {
    /// IteratorNext(iteratorRecord) (7.4.4) for an async iterator: what ForIn/OfBodyEvaluation
    /// step 6.a calls (the caller Awaits it). For the Async-from-Sync iterator, its `next`
    /// (27.1.6.2.1) without a value.
    pub(crate) fn next(&self, value: Option<JsValue>) -> Result<JsValue, JsValue> {
        let args: Vec<JsValue> = value.into_iter().collect();
        match self {
            AsyncIteratorRecord::Async(record) => call_sync(&record.next, &record.iterator, &args),
            AsyncIteratorRecord::FromSync(record) => {
                // 5. If value is present, let result be Completion(IteratorNext(syncIteratorRecord,
                // value)); else Completion(IteratorNext(syncIteratorRecord)).
                // 6. IfAbruptRejectPromise(result, promiseCapability).
                let result = match call_sync(&record.next, &record.iterator, &args) {
                    Ok(r @ JsValue::Object(_)) => r,
                    Ok(other) => {
                        let text = crate::inspect::inspect(&other);
                        return Ok(rejected(
                            realm().error("TypeError", &format!("Iterator result {text} is not an object")),
                        ));
                    }
                    Err(e) => return Ok(rejected(e)),
                };
                // 7. Return AsyncFromSyncIteratorContinuation(result, promiseCapability,
                // syncIteratorRecord, true).
                Ok(async_from_sync_iterator_continuation(&result, record, true))
            }
        }
    }

    /// GetMethod(iterator, "return") and its call, for AsyncIteratorClose: `None` when there
    /// is no `return`. For the Async-from-Sync iterator, its `return` (27.1.6.2.2), which
    /// always exists.
    pub(crate) fn call_return(&self, value: Option<JsValue>) -> Result<Option<JsValue>, JsValue> {
        let args: Vec<JsValue> = value.clone().into_iter().collect();
        match self {
            AsyncIteratorRecord::Async(record) => match get_method(&record.iterator, "return")? {
                None => Ok(None),
                Some(ret) => call_sync(&ret, &record.iterator, &args).map(Some),
            },
            AsyncIteratorRecord::FromSync(record) => {
                let promise = (|| {
                    // 6-7. Let return be Completion(GetMethod(syncIterator, "return")).
                    let Some(ret) = get_method(&record.iterator, "return")? else {
                        // 8. If return is undefined, resolve with CreateIterResultObject(value,
                        // true).
                        let (promise, capability) = JsPromise::with_resolvers();
                        capability.resolve(iter_result(value.clone().unwrap_or_default(), true));
                        return Ok(wrap_promise(promise));
                    };
                    // 9-10. If value is present, let result be Completion(Call(return,
                    // syncIterator, « value »)); else Completion(Call(return, syncIterator)).
                    let result = call_sync(&ret, &record.iterator, &args)?;
                    // 11. If result is not an Object, reject with a TypeError.
                    if !matches!(result, JsValue::Object(_)) {
                        let text = crate::inspect::inspect(&result);
                        return Err(
                            realm().error("TypeError", &format!("Iterator result {text} is not an object"))
                        );
                    }
                    // 12. Return AsyncFromSyncIteratorContinuation(result, promiseCapability,
                    // syncIteratorRecord, false).
                    Ok(async_from_sync_iterator_continuation(&result, record, false))
                })();
                Ok(Some(promise.unwrap_or_else(rejected)))
            }
        }
    }
}

impl AsyncIteratorRecord {
    /// GetMethod(iterator, "throw") and its call with `value`, for `yield*`: `None` when there
    /// is no `throw`. For the Async-from-Sync iterator, its `throw` (27.1.6.2.3), which always
    /// exists.
    pub(crate) fn call_throw(&self, value: JsValue) -> Result<Option<JsValue>, JsValue> {
        match self {
            AsyncIteratorRecord::Async(record) => match get_method(&record.iterator, "throw")? {
                None => Ok(None),
                Some(throw) => call_sync(&throw, &record.iterator, &[value]).map(Some),
            },
            AsyncIteratorRecord::FromSync(record) => {
                let promise = (|| {
                    // 6-7. Let throw be Completion(GetMethod(syncIterator, "throw")).
                    let Some(throw) = get_method(&record.iterator, "throw")? else {
                        // 8.b-d. Let closeCompletion be NormalCompletion(empty); Let result be
                        // Completion(IteratorClose(syncIteratorRecord, closeCompletion));
                        // IfAbruptRejectPromise(result, promiseCapability).
                        super::iterator_close(record, Ok(()))?;
                        // f. Reject with a TypeError.
                        return Err(
                            realm().error("TypeError", "The iterator does not provide a 'throw' method.")
                        );
                    };
                    // 9-10. Let result be Completion(Call(throw, syncIterator, « value »)).
                    let result = call_sync(&throw, &record.iterator, &[value])?;
                    // 11. If result is not an Object, reject with a TypeError.
                    if !matches!(result, JsValue::Object(_)) {
                        let text = crate::inspect::inspect(&result);
                        return Err(
                            realm().error("TypeError", &format!("Iterator result {text} is not an object"))
                        );
                    }
                    // 12. Return AsyncFromSyncIteratorContinuation(result, promiseCapability,
                    // syncIteratorRecord, true).
                    Ok(async_from_sync_iterator_continuation(&result, record, true))
                })();
                Ok(Some(promise.unwrap_or_else(rejected)))
            }
        }
    }
}

/// AsyncIteratorClose (7.4.12) for a completion (`Err` a throw, whose value wins).
pub(crate) async fn async_iterator_close<T>(
    record: &AsyncIteratorRecord,
    completion: Result<T, JsValue>,
) -> Result<T, JsValue> {
    // 3. Let innerResult be Completion(GetMethod(iterator, "return")).
    // 4. If innerResult is a normal completion, then
    //   b. If return is undefined, return ? completion.
    //   c. Set innerResult to Completion(Call(return, iterator)).
    //   d. If innerResult is a normal completion, set innerResult to
    //      Completion(Await(innerResult.[[Value]])).
    let inner = match record.call_return(None) {
        Ok(None) => return completion,
        Ok(Some(v)) => crate::interp::await_value(v).await.map_err(|c| match c {
            crate::interp::Ctrl::Throw(e) => e,
            _ => JsValue::Undefined,
        }),
        Err(e) => Err(e),
    };
    // 5. If completion is a throw completion, return ? completion.
    let value = completion?;
    // 6. If innerResult is a throw completion, return ? innerResult.
    let inner = inner?;
    // 7. If innerResult.[[Value]] is not an Object, throw a TypeError exception.
    if !matches!(inner, JsValue::Object(_)) {
        let text = crate::inspect::inspect(&inner);
        return Err(realm().error("TypeError", &format!("Iterator result {text} is not an object")));
    }
    // 8. Return ? completion.
    Ok(value)
}
