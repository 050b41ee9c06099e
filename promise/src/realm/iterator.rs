//! Operations on iterator objects (ECMA-262 2025 section 7.4) for the combinators:
//! GetIterator, IteratorStepValue (with IteratorNext, IteratorComplete, IteratorValue and
//! IteratorStep) and IteratorClose.

use std::fmt;

use super::operations::{call, get_method};
use super::{PropertyKey, Realm, TypeErrorCase};

/// 7.4.1 Iterator Records.
///
/// ```
/// use settle_promise::realm::{IteratorRecord, Realm};
/// fn finished<R: Realm>(record: &IteratorRecord<R>) -> bool {
///     record.done
/// }
/// ```
pub struct IteratorRecord<R: Realm> {
    /// \[\[Iterator\]\].
    pub iterator: R::Value,
    /// \[\[NextMethod\]\].
    pub next_method: R::Value,
    /// \[\[Done\]\].
    pub done: bool,
}

impl<R: Realm> fmt::Debug for IteratorRecord<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IteratorRecord")
            .field("iterator", &self.iterator)
            .field("next_method", &self.next_method)
            .field("done", &self.done)
            .finish()
    }
}

/// 7.4.4 GetIterator ( obj, sync ), with 7.4.3 GetIteratorFromMethod and 7.4.2
/// GetIteratorDirect.
///
/// ```
/// use settle_promise::realm::{Realm, get_iterator};
/// fn iterable<R: Realm>(realm: &R, value: &R::Value) -> bool {
///     get_iterator(realm, value).is_ok()
/// }
/// ```
///
/// # Errors
///
/// What the lookups and the `Symbol.iterator` method throw; a TypeError when `obj` is not
/// iterable or its iterator is not an object.
pub fn get_iterator<R: Realm>(realm: &R, obj: &R::Value) -> Result<IteratorRecord<R>, R::Value> {
    // 2. Else (kind is sync),
    //    a. Let method be ? GetMethod(obj, %Symbol.iterator%).
    let method = get_method(realm, obj, PropertyKey::Iterator)?;
    // 3. If method is undefined, throw a TypeError exception.
    let Some(method) = method else {
        return Err(realm.type_error(TypeErrorCase::NotIterable(obj)));
    };
    // 4. Return ? GetIteratorFromMethod(obj, method).
    // 7.4.3, 1. Let iterator be ? Call(method, obj).
    let iterator = call(realm, &method, obj, &[])?;
    // 2. If iterator is not an Object, throw a TypeError exception.
    if !realm.is_object(&iterator) {
        return Err(realm.type_error(TypeErrorCase::IteratorNotAnObject(&iterator)));
    }
    // 3. Return ? GetIteratorDirect(iterator).
    // 7.4.2, 1. Let nextMethod be ? Get(obj, "next").
    let next_method = realm.get(&iterator, PropertyKey::String("next"))?;
    // 2. Let iteratorRecord be the Iterator Record { [[Iterator]]: obj, [[NextMethod]]:
    //    nextMethod, [[Done]]: false }.
    // 3. Return iteratorRecord.
    Ok(IteratorRecord { iterator, next_method, done: false })
}

/// 7.4.10 IteratorStepValue ( iteratorRecord ): `Ok(None)` is `done`.
///
/// ```
/// use settle_promise::realm::{IteratorRecord, Realm, iterator_step_value};
/// fn count<R: Realm>(realm: &R, record: &mut IteratorRecord<R>) -> Result<usize, R::Value> {
///     let mut n = 0;
///     while iterator_step_value(realm, record)?.is_some() {
///         n += 1;
///     }
///     Ok(n)
/// }
/// ```
///
/// # Errors
///
/// What `next`, or the `done` or `value` lookups, throw; a TypeError when the result is not an
/// object. Each sets \[\[Done\]\], so the caller does not close an iterator that threw.
pub fn iterator_step_value<R: Realm>(
    realm: &R,
    iterator_record: &mut IteratorRecord<R>,
) -> Result<Option<R::Value>, R::Value> {
    // Steps 1-5 in one, when the engine knows `next` (Realm::iterator_step_direct): the
    // same outcome, and [[Done]] set as below when it is done or threw.
    if let Some(step) = realm.iterator_step_direct(&iterator_record.iterator, &iterator_record.next_method) {
        if !matches!(step, Ok(Some(_))) {
            iterator_record.done = true;
        }
        return step;
    }
    // 1. Let result be ? IteratorStep(iteratorRecord).
    // 7.4.9 IteratorStep, 1. Let result be ? IteratorNext(iteratorRecord).
    // 7.4.6 IteratorNext, 1.a. Let result be Completion(Call(iteratorRecord.[[NextMethod]],
    //    iteratorRecord.[[Iterator]])).
    let result = call(realm, &iterator_record.next_method, &iterator_record.iterator, &[]);
    // 3. If result is a throw completion, then
    //    a. Set iteratorRecord.[[Done]] to true.
    //    b. Return ? result.
    let result = result.inspect_err(|_| iterator_record.done = true)?;
    // 5. If result is not an Object, then
    //    a. Set iteratorRecord.[[Done]] to true.
    //    b. Throw a TypeError exception.
    if !realm.is_object(&result) {
        iterator_record.done = true;
        return Err(realm.type_error(TypeErrorCase::IteratorResultNotAnObject(&result)));
    }
    // 7.4.9, 2. Let done be Completion(IteratorComplete(result)).
    // 7.4.7 IteratorComplete, 1. Return ToBoolean(? Get(iteratorResult, "done")).
    let done = realm.get(&result, PropertyKey::String("done"));
    // 3. If done is a throw completion, then
    //    a. Set iteratorRecord.[[Done]] to true.
    //    b. Return ? done.
    let done = done.inspect_err(|_| iterator_record.done = true)?;
    // 5. If done is true, then
    //    a. Set iteratorRecord.[[Done]] to true.
    //    b. Return done.
    if realm.to_boolean(&done) {
        iterator_record.done = true;
        // 7.4.10, 2. If result is done, then a. Return done.
        return Ok(None);
    }
    // 7.4.10, 3. Let value be Completion(IteratorValue(result)).
    // 7.4.8 IteratorValue, 1. Return ? Get(iteratorResult, "value").
    let value = realm.get(&result, PropertyKey::String("value"));
    // 4. If value is a throw completion, then
    //    a. Set iteratorRecord.[[Done]] to true.
    // 5. Return ? value.
    value.inspect_err(|_| iterator_record.done = true).map(Some)
}

/// 7.4.11 IteratorClose ( iteratorRecord, completion ).
///
/// ```
/// use settle_promise::realm::{IteratorRecord, Realm, iterator_close};
/// fn close_with<R: Realm>(realm: &R, record: &IteratorRecord<R>, error: R::Value) -> R::Value {
///     // A throw completion stays the result, whatever `return` does.
///     iterator_close(realm, record, Err(error)).unwrap_err()
/// }
/// ```
///
/// # Errors
///
/// `completion` if it is a throw completion; else what `return` (or its lookup) throws, or a
/// TypeError when `return` gives a non-object.
pub fn iterator_close<R: Realm>(
    realm: &R,
    iterator_record: &IteratorRecord<R>,
    completion: Result<R::Value, R::Value>,
) -> Result<R::Value, R::Value> {
    // 1. Assert: iteratorRecord.[[Iterator]] is an Object.
    // 2. Let iterator be iteratorRecord.[[Iterator]].
    let iterator = &iterator_record.iterator;
    // 3. Let innerResult be Completion(GetMethod(iterator, "return")).
    let inner_result = match get_method(realm, iterator, PropertyKey::String("return")) {
        // 4. If innerResult is a normal completion, then
        //    a. Let return be innerResult.[[Value]].
        //    b. If return is undefined, return ? completion.
        Ok(None) => return completion,
        //    c. Set innerResult to Completion(Call(return, iterator)).
        Ok(Some(r#return)) => call(realm, &r#return, iterator, &[]),
        Err(error) => Err(error),
    };
    // 5. If completion is a throw completion, return ? completion.
    let value = completion?;
    // 6. If innerResult is a throw completion, return ? innerResult.
    let inner_value = inner_result?;
    // 7. If innerResult.[[Value]] is not an Object, throw a TypeError exception.
    if !realm.is_object(&inner_value) {
        return Err(realm.type_error(TypeErrorCase::IteratorResultNotAnObject(&inner_value)));
    }
    // 8. Return ? completion.
    Ok(value)
}
