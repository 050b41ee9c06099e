//! Operations on Iterator Objects (ECMA-262 2025, 7.4): GetIterator, IteratorStepValue,
//! IteratorClose, IteratorToList, and the iterator objects of arrays and strings (23.1.5,
//! 22.1.5).
//!
//! Arrays whose iteration is unobservable (their `@@iterator` is the intrinsic
//! `%Array.prototype.values%` and `%ArrayIteratorPrototype%.next` was not replaced) and that
//! have no holes (a hole is read through the prototypes) are read directly, which is what the
//! protocol would do step by step; everything else goes through the protocol.

use std::cell::RefCell;

pub(crate) mod async_iteration;

use crate::interp::call_sync;
use crate::object::Prop;
use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{Class, JsValue, Obj};

/// An Iterator Record (7.4.1).
pub(crate) struct IteratorRecord {
    /// [[Iterator]].
    pub(crate) iterator: JsValue,
    /// [[NextMethod]].
    pub(crate) next: JsValue,
    /// [[Done]].
    pub(crate) done: bool,
}

/// What an array or string iterator yields (23.1.5.1 CreateArrayIterator's kind).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IterKind {
    Keys,
    Values,
    Entries,
}

/// The state of an %ArrayIterator% or %StringIterator% object.
pub(crate) struct ListIterator {
    /// The iterated object or string; `None` once exhausted.
    pub(crate) target: Option<JsValue>,
    /// The next index (a UTF-16 index for strings).
    pub(crate) index: usize,
    pub(crate) kind: IterKind,
    /// A string target's code units, encoded once at the first step (re-encoding the string
    /// at every step made `for (const c of s)` quadratic in its length).
    pub(crate) units: Option<std::rc::Rc<[u16]>>,
}

/// The message Node gives for a value that is not iterable.
pub(crate) fn not_iterable(value: &JsValue) -> JsValue {
    let text = match value {
        JsValue::Undefined | JsValue::Null => format!(
            "{} is not iterable (cannot read property Symbol(Symbol.iterator))",
            crate::inspect::inspect(value)
        ),
        JsValue::Object(o) if o.is_callable() => {
            format!("{} is not iterable", crate::inspect::inspect(value))
        }
        JsValue::Object(_) => {
            "object is not iterable (cannot read property Symbol(Symbol.iterator))".to_string()
        }
        _ => format!("{} is not iterable", crate::inspect::inspect(value)),
    };
    realm().error("TypeError", &text)
}

/// The array itself when iterating it is unobservable (see the module doc).
pub(crate) fn unobservable_array(value: &JsValue) -> Option<Obj> {
    let JsValue::Object(o) = value else { return None };
    // A hole is read through the prototypes (an index property there shows), which the
    // shortcut's element copy would not do.
    // A sparse array's length is past its vector (its far elements are properties).
    if !matches!(o.class(), Class::Array(items) if items.borrow().iter().all(Option::is_some))
        || o.is_sparse_array()
    {
        return None;
    }
    let r = realm();
    let (values, next) = (r.array_values.borrow().clone()?, r.array_iterator_next.borrow().clone()?);
    let method = o.get(&PropertyKey::Symbol(r.symbols.iterator.clone())).ok()?;
    let current_next = r.array_iterator_proto.own_prop("next")?;
    let same_next =
        matches!(current_next.slot, crate::value::Slot::Data(JsValue::Object(f)) if f.ptr_eq(&next));
    (method.as_object().is_some_and(|m| m.ptr_eq(&values)) && same_next).then(|| o.clone())
}

/// GetIterator (7.4.3) with kind sync: GetMethod(obj, @@iterator), call it, and
/// GetIteratorFromMethod's checks (7.4.2).
pub(crate) fn get_iterator(value: &JsValue) -> Result<IteratorRecord, JsValue> {
    if value.is_nullish() {
        return Err(not_iterable(value));
    }
    // b. Let method be ? GetMethod(obj, @@iterator).
    let key = PropertyKey::Symbol(realm().symbols.iterator.clone());
    let method = value.get(&key)?;
    // 3. If method is undefined, throw a TypeError exception.
    if method.is_nullish() {
        return Err(not_iterable(value));
    }
    if !method.is_callable() {
        return Err(realm().error("TypeError", "Symbol.iterator is not a function"));
    }
    get_iterator_from_method(value, &method)
}

/// GetIteratorFromMethod (7.4.2).
pub(crate) fn get_iterator_from_method(value: &JsValue, method: &JsValue) -> Result<IteratorRecord, JsValue> {
    // 7.4.2 step 1: Let iterator be ? Call(method, obj).
    let iterator = call_sync(method, value, &[])?;
    // 2. If iterator is not an Object, throw a TypeError exception.
    if !matches!(iterator, JsValue::Object(_)) {
        return Err(realm().error("TypeError", "Result of the Symbol.iterator method is not an object"));
    }
    // 3. Let nextMethod be ? Get(iterator, "next").
    let next = iterator.get("next")?;
    // 4-5. Return the Iterator Record { [[Iterator]]: iterator, [[NextMethod]]: nextMethod,
    // [[Done]]: false }.
    Ok(IteratorRecord { iterator, next, done: false })
}

/// IteratorStepValue (7.4.10): the next value, or `None` when done. An abrupt completion
/// (a throwing `next`, a non-object result, a throwing `done` or `value` getter) sets
/// [[Done]], so the iterator is not closed afterwards.
pub(crate) fn iterator_step_value(record: &mut IteratorRecord) -> Result<Option<JsValue>, JsValue> {
    let result = intrinsic_step(&record.iterator, &record.next).unwrap_or_else(|| {
        // IteratorNext (7.4.4): 1-2. Let result be ? Call(iteratorRecord.[[NextMethod]],
        // iteratorRecord.[[Iterator]]).
        let result = call_sync(&record.next, &record.iterator, &[])?;
        // 5. If result is not an Object, throw a TypeError exception.
        let JsValue::Object(result) = result else {
            let text = crate::inspect::inspect(&result);
            return Err(realm().error("TypeError", &format!("Iterator result {text} is not an object")));
        };
        // IteratorComplete (7.4.5): ToBoolean(? Get(iterResult, "done")).
        if result.get("done")?.truthy() {
            return Ok(None);
        }
        // IteratorValue (7.4.6): ? Get(iterResult, "value").
        Ok(Some(result.get("value")?))
    });
    if !matches!(result, Ok(Some(_))) {
        record.done = true;
    }
    result
}

/// IteratorStepValue's Call of `next` on `iterator` and its reads of the result's `done` and
/// `value`, in one step when `next` is %ArrayIteratorPrototype%.next and `iterator` an array
/// iterator: the result object that `next` would make is fresh and only IteratorStepValue
/// sees it, so [`list_iterator_step`] without it is the same step. `None` for any other
/// iterator (the caller takes the protocol's steps). Used by this engine's iteration and by
/// the promise combinators (`Realm::iterator_step_direct`).
#[inline]
pub(crate) fn intrinsic_step(iterator: &JsValue, next: &JsValue) -> Option<Result<Option<JsValue>, JsValue>> {
    let (JsValue::Object(next), JsValue::Object(it)) = (next, iterator) else { return None };
    let intrinsic = realm().array_iterator_next.borrow().as_ref().is_some_and(|f| f.ptr_eq(next));
    if !intrinsic || !matches!(it.class(), Class::ListIterator(_)) {
        return None;
    }
    Some(list_iterator_step(iterator))
}

/// IteratorClose (7.4.11) for a completion: `completion` is what the loop was leaving with
/// (`Err` a throw, whose value wins over anything `return` does).
pub(crate) fn iterator_close<T>(
    record: &IteratorRecord,
    completion: Result<T, JsValue>,
) -> Result<T, JsValue> {
    // 3. Let innerResult be Completion(GetMethod(iterator, "return")).
    let inner = (|| {
        let method = record.iterator.get("return")?;
        // 4.a-b. If return is undefined, return ? completion.
        if method.is_nullish() {
            return Ok(None);
        }
        // 4.c. Set innerResult to Completion(Call(return, iterator)).
        call_sync(&method, &record.iterator, &[]).map(Some)
    })();
    // 5. If completion is a throw completion, return ? completion.
    let value = completion?;
    match inner {
        // 6. If innerResult is a throw completion, return ? innerResult.
        Err(e) => Err(e),
        // 7. If innerResult.[[Value]] is not an Object, throw a TypeError exception.
        Ok(Some(v)) if !matches!(v, JsValue::Object(_)) => Err(realm().error(
            "TypeError",
            &format!("Iterator result {} is not an object", crate::inspect::inspect(&v)),
        )),
        // 8. Return ? completion.
        Ok(_) => Ok(value),
    }
}

/// IteratorToList(? GetIterator(value, sync)) (7.4.13): spread and `Function.prototype.apply`'s
/// callers.
pub(crate) fn iterate_to_list(value: &JsValue) -> Result<Vec<JsValue>, JsValue> {
    if let Some(array) = unobservable_array(value) {
        return Ok(array.array_values().unwrap_or_default());
    }
    let mut record = get_iterator(value)?;
    let mut out = Vec::new();
    while let Some(v) = iterator_step_value(&mut record)? {
        realm().step()?;
        out.push(v);
    }
    Ok(out)
}

/// CreateIterResultObject (7.4.14).
pub(crate) fn iter_result(value: JsValue, done: bool) -> JsValue {
    let r = realm();
    // 1. Let obj be OrdinaryObjectCreate(%Object.prototype%).
    // 2. Perform ! CreateDataPropertyOrThrow(obj, "value", value).
    // 3. Perform ! CreateDataPropertyOrThrow(obj, "done", done).
    // Both made at once, with the realm's shared keys: one iteration step of `for-of`, a
    // spread or Promise.all makes one of these (issue 16).
    let props = vec![
        (PropertyKey::String(r.value_key.clone()), Prop::data(value)),
        (PropertyKey::String(r.done_key.clone()), Prop::data(JsValue::Bool(done))),
    ];
    // 4. Return obj.
    JsValue::Object(Obj::with_props(Class::Object, Some(r.object_proto.clone()), props))
}

/// A new array or string iterator over `target`.
pub(crate) fn create_list_iterator(target: JsValue, kind: IterKind) -> JsValue {
    let r = realm();
    let proto = if matches!(target, JsValue::String(_)) {
        r.string_iterator_proto.clone()
    } else {
        r.array_iterator_proto.clone()
    };
    let state = ListIterator { target: Some(target), index: 0, kind, units: None };
    JsValue::Object(Obj::new(Class::ListIterator(Box::new(RefCell::new(state))), Some(proto)))
}

/// %ArrayIteratorPrototype%.next (23.1.5.2.1) and %StringIteratorPrototype%.next (22.1.5.2.1).
pub(crate) fn list_iterator_next(this: &JsValue) -> Result<JsValue, JsValue> {
    // The value of the iterator's next step (GeneratorResume of the closure
    // CreateArrayIterator made), as CreateIterResultObject(value, false), or
    // CreateIterResultObject(undefined, true) once it is done.
    Ok(match list_iterator_step(this)? {
        Some(value) => iter_result(value, false),
        None => iter_result(JsValue::Undefined, true),
    })
}

/// One step of an %ArrayIterator% or %StringIterator%: the value it yields, or `None` when it
/// is done (`list_iterator_next` without its result object).
pub(crate) fn list_iterator_step(this: &JsValue) -> Result<Option<JsValue>, JsValue> {
    let state = match this {
        JsValue::Object(o) => match o.class() {
            Class::ListIterator(s) => s,
            _ => return Err(realm().error("TypeError", "next method called on an incompatible receiver")),
        },
        _ => return Err(realm().error("TypeError", "next method called on an incompatible receiver")),
    };
    let (target, index, kind) = {
        let s = state.borrow();
        match &s.target {
            None => return Ok(None),
            Some(t) => (t.clone(), s.index, s.kind),
        }
    };
    if let JsValue::String(s) = &target {
        let units = {
            let mut st = state.borrow_mut();
            st.units.get_or_insert_with(|| s.encode_utf16().collect()).clone()
        };
        if index >= units.len() {
            state.borrow_mut().target = None;
            return Ok(None);
        }
        // CodePointAt: a surrogate pair is one code point.
        let len = if (0xD800..0xDC00).contains(&units[index])
            && units.get(index + 1).is_some_and(|u| (0xDC00..0xE000).contains(u))
        {
            2
        } else {
            1
        };
        state.borrow_mut().index = index + len;
        return Ok(Some(JsValue::from(String::from_utf16_lossy(&units[index..index + len]))));
    }
    // 23.1.5.1 step 2.b.iii: Let len be ? LengthOfArrayLike(array) (elements read live).
    let len = match &target {
        JsValue::Object(o) => match o.class() {
            Class::Array(_) => o.array_len().unwrap_or(0),
            _ => {
                let n = o.get("length")?.to_number()?;
                if n.is_nan() || n <= 0.0 { 0 } else { n.min(9_007_199_254_740_991.0) as usize }
            }
        },
        _ => 0,
    };
    // iv. If index ≥ len, return NormalCompletion(undefined) (done).
    if index >= len {
        state.borrow_mut().target = None;
        return Ok(None);
    }
    state.borrow_mut().index = index + 1;
    let key = JsValue::Number(index as f64);
    // Get(array, ToString(index)): a present element of an Array is read without the key
    // string; a hole or any other object takes the general [[Get]].
    let value = || match &target {
        JsValue::Object(o) if let Some(v) = u32::try_from(index).ok().and_then(|i| o.array_element(i)) => {
            Ok(v)
        }
        _ => target.get(&*index.to_string()),
    };
    Ok(Some(match kind {
        IterKind::Keys => key,
        IterKind::Values => value()?,
        IterKind::Entries => realm().new_array(vec![key, value()?]),
    }))
}
