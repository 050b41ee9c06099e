//! The Array constructor and Array.prototype (ECMA-262 23.1), over settle-js's element
//! vectors, and the array-like reads the other built-ins share.

use std::rc::Rc;

use super::object::to_object;
use super::{arg, callback, relative, to_integer_or_infinity, type_error};
use crate::interp::{call_sync, iterate};
use crate::number::number_to_string;
use crate::property::{PropertyDescriptor, PropertyKey};
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};

/// The elements of an array-like (`this` of the generic Array methods), each read with
/// [[Get]] (a hole reads as `undefined`).
pub(super) fn to_list(v: &JsValue) -> Result<Vec<JsValue>, JsValue> {
    Ok(to_elements(v)?.into_iter().map(Option::unwrap_or_default).collect())
}

/// The elements of an array-like with its holes: `None` where HasProperty(O, index) is false
/// (what the methods that skip holes see: `forEach`, `map`, `indexOf`, `reduce`...).
fn to_elements(v: &JsValue) -> Result<Vec<crate::object::Element>, JsValue> {
    match v {
        JsValue::Object(o) => {
            if let Some(len) = o.array_len().filter(|_| !o.is_plain_array()) {
                // An array with a far length or indices kept as properties: its length, each
                // index that it or a prototype has read with Get (the others are holes).
                if len > MAX_LIST {
                    return Err(realm().error("RangeError", "Invalid array length"));
                }
                let mut out = vec![None; len];
                for k in present_indices(o, 0, len as u64) {
                    if has(o, k) {
                        out[k as usize] = Some(get(o, k)?);
                    }
                }
                return Ok(out);
            }
            if let Some(items) = o.array_items() {
                let items = items.borrow().clone();
                // A hole the prototype chain fills (`Array.prototype[1] = x`) is not a hole.
                return items
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| match e {
                        Some(v) => Ok(Some(v)),
                        None => {
                            let key = i.to_string();
                            if o.has_property(&*key) { o.get(&*key).map(Some) } else { Ok(None) }
                        }
                    })
                    .collect();
            }
            let len = o.get("length")?.to_number()?;
            let len = if len.is_nan() || len < 0.0 { 0 } else { len as usize };
            (0..len)
                .map(|i| {
                    let key = i.to_string();
                    if o.has_property(&*key) { o.get(&*key).map(Some) } else { Ok(None) }
                })
                .collect()
        }
        JsValue::String(s) => Ok(s.chars().map(|c| Some(JsValue::from(c.to_string()))).collect()),
        JsValue::Undefined | JsValue::Null => {
            Err(type_error("Array.prototype method called on null or undefined"))
        }
        _ => Ok(Vec::new()),
    }
}

/// The most elements a list of an array's elements may hold (`to_elements`): past it the
/// list is refused as V8 refuses such an allocation, rather than exhausting memory.
const MAX_LIST: usize = 1 << 27;

/// ! ToString(𝔽(k)) for an index of the generic methods' loops (up to 2^53 - 1).
fn index_key(k: u64) -> PropertyKey {
    PropertyKey::from(number_to_string(k as f64))
}

/// ? HasProperty(O, ! ToString(𝔽(k))).
fn has(o: &Obj, k: u64) -> bool {
    o.has_property(&index_key(k))
}

/// ? Get(O, ! ToString(𝔽(k))).
fn get(o: &Obj, k: u64) -> Result<JsValue, JsValue> {
    o.get(&index_key(k))
}

/// ? Set(O, ! ToString(𝔽(k)), v, true): a refusal is the TypeError strict code gets.
fn set(o: &Obj, k: u64, v: JsValue) -> Result<(), JsValue> {
    crate::interp::set_member(&JsValue::Object(o.clone()), &index_key(k), v, true)
}

/// ? DeletePropertyOrThrow(O, ! ToString(𝔽(k))) (7.3.11), worded as V8 words it.
fn delete(o: &Obj, k: u64) -> Result<(), JsValue> {
    if o.delete(&index_key(k)) {
        return Ok(());
    }
    let text = crate::interp::error_text_of_object(o);
    Err(type_error(&format!("Cannot delete property '{}' of {text}", number_to_string(k as f64))))
}

/// The move step of the methods that shift elements (shift, unshift, splice, copyWithin): if
/// ? HasProperty(O, from), ? Set(O, to, ? Get(O, from), true), else
/// ? DeletePropertyOrThrow(O, to).
fn move_or_delete(o: &Obj, from: u64, to: u64) -> Result<(), JsValue> {
    if has(o, from) {
        let v = get(o, from)?;
        set(o, to, v)
    } else {
        delete(o, to)
    }
}

/// ? Set(O, "length", 𝔽(len), true).
fn set_length(o: &Obj, len: u64) -> Result<(), JsValue> {
    let key = PropertyKey::from("length");
    crate::interp::set_member(&JsValue::Object(o.clone()), &key, JsValue::Number(len as f64), true)
}

/// The indices in `from..to`, ascending, that O or an object on its prototype chain has as an
/// own property: the only indices where a generic method's HasProperty can be true or its Get
/// can read anything but undefined. Visiting only them is what the spec's loop over every
/// index does when no other index appears while it runs (V8 does the same for a sparse
/// array), so a far length costs its properties, not 2^32 steps.
fn present_indices(o: &Obj, from: u64, to: u64) -> Vec<u64> {
    let mut keys = Vec::new();
    let mut at = Some(o.clone());
    while let Some(obj) = at {
        keys.extend(obj.own_index_keys().into_iter().map(u64::from).filter(|k| (from..to).contains(k)));
        at = obj.proto();
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A new Array (ArrayCreate(0)) for the generic methods' results, filled by
/// CreateDataPropertyOrThrow and given its length with Set.
fn new_array() -> Obj {
    match array_of_elements(Vec::new()) {
        JsValue::Object(o) => o,
        _ => unreachable!("an array is an object"),
    }
}

/// ? CreateDataPropertyOrThrow(A, ! ToString(𝔽(k)), v).
fn create(a: &Obj, k: u64, v: JsValue) -> Result<(), JsValue> {
    if a.create_data_property(&index_key(k), v)? {
        Ok(())
    } else {
        Err(type_error(&format!(
            "Cannot add property {}, object is not extensible",
            number_to_string(k as f64)
        )))
    }
}

/// A new array with these elements (`None` stays a hole).
fn array_of_elements(items: Vec<crate::object::Element>) -> JsValue {
    let r = realm();
    JsValue::Object(Obj::new(Class::Array(std::cell::RefCell::new(items)), Some(r.array_proto.clone())))
}

/// Array.prototype.push (23.1.3.23) by its spec steps, for a sparse array (its length past
/// the element vector, see `object::far_index`).
fn push_generic(o: &Obj, args: &[JsValue]) -> Result<JsValue, JsValue> {
    // 2. Let len be ? LengthOfArrayLike(O).
    let len = o.array_len().unwrap_or(0) as f64;
    // 5. For each element E of items: Perform ? Set(O, ! ToString(𝔽(len)), E, true);
    // set len to len + 1.
    let mut n = len;
    for v in args {
        set(o, n as u64, v.clone())?;
        n += 1.0;
    }
    // 6. Perform ? Set(O, "length", 𝔽(len), true): ArraySetLength's RangeError past 2^32 - 1.
    set_length(o, n as u64)?;
    // 7. Return 𝔽(len).
    Ok(JsValue::Number(n))
}

/// Array.prototype.pop (23.1.3.22) by its spec steps, for a sparse array.
fn pop_generic(o: &Obj) -> Result<JsValue, JsValue> {
    let len = o.array_len().unwrap_or(0) as u64;
    // 3. If len = 0, then perform ? Set(O, "length", +0𝔽, true) and return undefined.
    if len == 0 {
        set_length(o, 0)?;
        return Ok(JsValue::Undefined);
    }
    // 4.a-c. Let index be ! ToString(𝔽(len - 1)); let element be ? Get(O, index).
    let element = get(o, len - 1)?;
    // d. Perform ? DeletePropertyOrThrow(O, index).
    delete(o, len - 1)?;
    // e. Perform ? Set(O, "length", newLen, true). f. Return element.
    set_length(o, len - 1)?;
    Ok(element)
}

fn array_this(this: &JsValue) -> Result<Obj, JsValue> {
    match this {
        JsValue::Object(o) if o.array_items().is_some() => Ok(o.clone()),
        _ => Err(type_error("this Array method is only supported on arrays in settle-js")),
    }
}

pub(super) fn install(r: &Rc<Realm>) {
    let proto = &r.array_proto;
    let array = r.native_ctor("Array", 1, |_, args, _| {
        let r = realm();
        if let [JsValue::Number(n)] = args {
            if *n < 0.0 || n.fract() != 0.0 || *n > 4_294_967_295.0 {
                return Err(r.error("RangeError", "Invalid array length"));
            }
            // 23.1.1.1 step 5: ArrayCreate(0) with Set(array, "length", len): all holes
            // (a far length is recorded, not allocated: see `object::far_index`).
            drop(r);
            let a = array_of_elements(Vec::new());
            if let JsValue::Object(o) = &a {
                o.define_own_property(
                    &PropertyKey::from("length"),
                    PropertyDescriptor { value: Some(JsValue::Number(*n)), ..PropertyDescriptor::default() },
                )?;
            }
            return Ok(a);
        }
        Ok(r.new_array(args.to_vec()))
    });
    array.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(array.clone()), false);
    // 23.1.3.41 Array.prototype [ @@unscopables ]: 1. Let unscopableList be
    // OrdinaryObjectCreate(null); 2-17. CreateDataPropertyOrThrow(unscopableList, name, true)
    // for each method added after ES5 (the names `with` must not shadow); the property is
    // { [[Writable]]: false, [[Enumerable]]: false, [[Configurable]]: true }.
    let unscopables = Obj::new(Class::Object, None);
    for name in [
        "at",
        "copyWithin",
        "entries",
        "fill",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flat",
        "flatMap",
        "includes",
        "keys",
        "toReversed",
        "toSorted",
        "toSpliced",
        "values",
    ] {
        unscopables.define(name, JsValue::Bool(true), true);
    }
    let key = crate::property::PropertyKey::Symbol(r.symbols.unscopables.clone());
    proto.define_with(&key, JsValue::Object(unscopables), false, false, true);
    r.method(&array, "isArray", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Object(o) if matches!(o.class(), Class::Array(_)))))
    });
    r.method(&array, "of", 0, |_, args, _| Ok(realm().new_array(args.to_vec())));
    // 23.1.2.1 Array.from ( items [ , mapfn [ , thisArg ] ] ): through the iterator
    // protocol when items has @@iterator (step 5), else as an array-like (steps 6-14).
    r.method(&array, "from", 1, |_, args, _| {
        let source = arg(args, 0);
        let iterator_key = crate::property::PropertyKey::Symbol(realm().symbols.iterator.clone());
        let using_iterator =
            if source.is_nullish() { JsValue::Undefined } else { source.get(&iterator_key)? };
        let items = if using_iterator.is_nullish() { to_list(&source)? } else { iterate(&source)? };
        let f = arg(args, 1);
        if f.is_callable() {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                out.push(call_sync(&f, &JsValue::Undefined, &[v, JsValue::Number(i as f64)])?);
            }
            return Ok(realm().new_array(out));
        }
        Ok(realm().new_array(items))
    });

    r.method(proto, "push", 1, |this, args, _| {
        let a = array_this(this)?;
        if !a.is_plain_mutable_array() {
            return push_generic(&a, args);
        }
        let items = a.array_items().expect("an array");
        items.borrow_mut().extend(args.iter().cloned().map(Some));
        Ok(JsValue::Number(items.borrow().len() as f64))
    });
    r.method(proto, "pop", 0, |this, _, _| {
        let a = array_this(this)?;
        if !a.is_plain_mutable_array() {
            return pop_generic(&a);
        }
        Ok(a.array_items().expect("an array").borrow_mut().pop().flatten().unwrap_or_default())
    });
    r.method(proto, "shift", 0, |this, _, _| {
        let a = array_this(this)?;
        if !a.is_plain_mutable_array() {
            return shift_generic(&a);
        }
        let items = a.array_items().expect("an array");
        let mut items = items.borrow_mut();
        Ok(if items.is_empty() { JsValue::Undefined } else { items.remove(0).unwrap_or_default() })
    });
    r.method(proto, "unshift", 1, |this, args, _| {
        let a = array_this(this)?;
        if !a.is_plain_mutable_array() {
            return unshift_generic(&a, args);
        }
        let items = a.array_items().expect("an array");
        let mut items = items.borrow_mut();
        for (i, v) in args.iter().enumerate() {
            items.insert(i, Some(v.clone()));
        }
        Ok(JsValue::Number(items.len() as f64))
    });
    r.method(proto, "splice", 2, |this, args, _| {
        let a = array_this(this)?;
        if !a.is_plain_mutable_array() {
            return splice_generic(&a, args);
        }
        let items = a.array_items().expect("an array");
        let len = items.borrow().len();
        let start = relative(&arg(args, 0), len, 0)?;
        let count = match args.len() {
            0 => 0,
            1 => len - start,
            _ => {
                let n = to_integer_or_infinity(&arg(args, 1))?;
                (n.max(0.0) as usize).min(len - start)
            }
        };
        // The conversions above may have run user code (a `valueOf`) that froze or changed
        // the array: the spec's steps then go on from here.
        if !a.is_plain_mutable_array() || a.array_len() != Some(len) {
            return splice_steps(&a, len as u64, start as u64, count as u64, args.get(2..).unwrap_or(&[]));
        }
        let inserted: Vec<_> = args.iter().skip(2).cloned().map(Some).collect();
        let removed: Vec<_> = items.borrow_mut().splice(start..start + count, inserted).collect();
        Ok(array_of_elements(removed))
    });
    r.method(proto, "slice", 2, |this, args, _| {
        // 23.1.3.28 step 15.c: only the indices the source has are created (holes stay).
        if let JsValue::Object(o) = this
            && o.array_len().is_some()
            && !o.is_plain_array()
        {
            return slice_generic(o, args);
        }
        let items = to_elements(this)?;
        let len = items.len();
        let start = relative(&arg(args, 0), len, 0)?;
        let end = relative(&arg(args, 1), len, len)?;
        Ok(array_of_elements(if start < end { items[start..end].to_vec() } else { Vec::new() }))
    });
    r.method(proto, "concat", 1, |this, args, _| {
        // 23.1.3.2 step 5.b.iv: a spreadable element's holes stay holes.
        let not_plain =
            |v: &JsValue| matches!(v, JsValue::Object(o) if o.array_len().is_some() && !o.is_plain_array());
        if not_plain(this) || args.iter().any(not_plain) {
            return concat_generic(this, args);
        }
        let mut items = to_elements(this)?;
        for a in args {
            match a {
                JsValue::Object(o) if matches!(o.class(), Class::Array(_)) => items.extend(to_elements(a)?),
                other => items.push(Some(other.clone())),
            }
        }
        Ok(array_of_elements(items))
    });
    r.method(proto, "join", 1, |this, args, _| {
        let sep = match arg(args, 0) {
            JsValue::Undefined => Rc::from(","),
            s => s.to_js_string()?,
        };
        if let JsValue::Object(o) = this
            && o.array_len().is_some()
            && !o.is_plain_array()
        {
            return join_generic(o, &sep);
        }
        let items = to_list(this)?;
        let mut out = String::new();
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(&sep);
            }
            if !v.is_nullish() {
                out.push_str(&v.to_js_string()?);
            }
        }
        Ok(JsValue::from(out))
    });
    r.method(proto, "toString", 0, |this, _, _| {
        let join = this.get("join")?;
        call_sync(&join, this, &[])
    });
    r.method(proto, "indexOf", 1, |this, args, _| {
        // 23.1.3.17 step 10.a: only the indices HasProperty finds (holes are skipped).
        let x = arg(args, 0);
        if let JsValue::Object(o) = this
            && let Some(len) = o.array_len().filter(|_| !o.is_plain_array())
        {
            // 9-10. For k from n while k < len, over the indices present.
            let from = relative(&arg(args, 1), len, 0)? as u64;
            for k in present_indices(o, from, len as u64) {
                if has(o, k) && get(o, k)?.strict_equals(&x) {
                    return Ok(JsValue::Number(k as f64));
                }
            }
            return Ok(JsValue::Number(-1.0));
        }
        let items = to_elements(this)?;
        let from = relative(&arg(args, 1), items.len(), 0)?;
        Ok(JsValue::Number(
            items
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, v)| v.as_ref().is_some_and(|v| v.strict_equals(&x)))
                .map_or(-1.0, |(i, _)| i as f64),
        ))
    });
    r.method(proto, "lastIndexOf", 1, |this, args, _| {
        // 23.1.3.20: 2. Let len be ? LengthOfArrayLike(O). 3. If len = 0, return -1𝔽.
        let x = arg(args, 0);
        let o = to_object(this)?;
        let len = length_of_array_like(&o)?;
        if len == 0 {
            return Ok(JsValue::Number(-1.0));
        }
        // 4-7. n is ToIntegerOrInfinity(fromIndex) when present, else len - 1; k is min(n,
        // len - 1) when n ≥ 0, else len + n (-∞: -1).
        let n = if args.len() > 1 { to_integer_or_infinity(&args[1])? } else { len as f64 - 1.0 };
        let k = if n >= 0.0 { n.min(len as f64 - 1.0) } else { len as f64 + n };
        if k < 0.0 {
            return Ok(JsValue::Number(-1.0));
        }
        let last = k as u64;
        // 8. For k down to 0: if HasProperty(O, Pk) and IsStrictlyEqual(searchElement, Get(O,
        // Pk)), return 𝔽(k).
        if !o.is_plain_array() {
            for k in present_indices(&o, 0, last + 1).into_iter().rev() {
                if has(&o, k) && get(&o, k)?.strict_equals(&x) {
                    return Ok(JsValue::Number(k as f64));
                }
            }
            return Ok(JsValue::Number(-1.0));
        }
        let items = to_elements(this)?;
        let end = (last as usize + 1).min(items.len());
        Ok(JsValue::Number(
            items[..end]
                .iter()
                .rposition(|v| v.as_ref().is_some_and(|v| v.strict_equals(&x)))
                .map_or(-1.0, |i| i as f64),
        ))
    });
    r.method(proto, "includes", 1, |this, args, _| {
        let x = arg(args, 0);
        if let JsValue::Object(o) = this
            && let Some(len) = o.array_len().filter(|_| !o.is_plain_array())
        {
            // 23.1.3.16 steps 4-11: Get of every index from n (a hole reads as undefined),
            // over the indices present: an index between them is a hole.
            let mut next = relative(&arg(args, 1), len, 0)? as u64;
            for k in present_indices(o, next, len as u64) {
                if k > next && matches!(x, JsValue::Undefined) {
                    return Ok(JsValue::Bool(true));
                }
                if get(o, k)?.same_value_zero(&x) {
                    return Ok(JsValue::Bool(true));
                }
                next = k + 1;
            }
            return Ok(JsValue::Bool(next < len as u64 && matches!(x, JsValue::Undefined)));
        }
        let items = to_list(this)?;
        let from = relative(&arg(args, 1), items.len(), 0)?;
        Ok(JsValue::Bool(items.iter().skip(from).any(|v| v.same_value_zero(&x))))
    });
    r.method(proto, "reverse", 0, |this, _, _| {
        let a = array_this(this)?;
        if !a.is_plain_mutable_array() {
            reverse_generic(&a)?;
            return Ok(this.clone());
        }
        a.array_items().expect("an array").borrow_mut().reverse();
        Ok(this.clone())
    });
    r.method(proto, "fill", 1, |this, args, _| {
        let a = array_this(this)?;
        // 23.1.3.7 steps 2-12: the length, then the relative start and end (a `valueOf` may
        // run user code).
        let len = length_of_array_like(&a)?;
        let start = relative(&arg(args, 1), len, 0)?;
        let end = relative(&arg(args, 2), len, len)?;
        if !a.is_plain_mutable_array() || a.array_len() != Some(len) {
            // Set(O, Pk, value, true) for k from start while k < end.
            for k in start as u64..end as u64 {
                set(&a, k, arg(args, 0))?;
            }
            return Ok(this.clone());
        }
        let items = a.array_items().expect("an array");
        for v in items.borrow_mut().iter_mut().take(end).skip(start) {
            *v = Some(arg(args, 0));
        }
        Ok(this.clone())
    });
    r.method(proto, "sort", 1, |this, args, _| {
        // 1. If comparefn is not undefined and IsCallable(comparefn) is false, throw a TypeError.
        let f = arg(args, 0);
        comparator(&f)?;
        let a = array_this(this)?;
        if !a.is_plain_mutable_array() {
            sort_generic(&a, &comparator(&f)?)?;
            return Ok(this.clone());
        }
        // 23.1.3.30 SortIndexedProperties with holes skipped: the values sort, and the holes
        // end up after them.
        let elements = a.array_items().expect("an array").borrow().clone();
        let len = elements.len();
        let items: Vec<JsValue> = elements.into_iter().flatten().collect();
        let items = sort_values(items, &comparator(&f)?)?;
        // The comparator may have frozen or changed the array: SortIndexedProperties' results
        // are then written back by the spec's steps.
        if !a.is_plain_mutable_array() {
            write_sorted(&a, items, len as u64)?;
            return Ok(this.clone());
        }
        let mut sorted: Vec<_> = items.into_iter().map(Some).collect();
        sorted.resize(len, None);
        *a.array_items().expect("an array").borrow_mut() = sorted;
        Ok(this.clone())
    });
    // The callback methods: f(value, index, array), over the length at the start.
    // `skip_holes`: the methods whose loop tests HasProperty(O, Pk) first (forEach, map,
    // filter, some, every: 23.1.3.15 step 6.b and the like); find and findIndex visit every
    // index.
    fn each(
        this: &JsValue,
        args: &[JsValue],
        skip_holes: bool,
        mut step: impl FnMut(JsValue, usize, JsValue) -> Result<bool, JsValue>,
    ) -> Result<(), JsValue> {
        let f = callback(args, 0)?;
        let this_arg = arg(args, 1);
        let len = len_of(this)?;
        for i in 0..len {
            let key = i.to_string();
            if skip_holes
                && let JsValue::Object(o) = this
                && !o.has_property(&*key)
            {
                continue;
            }
            let v = match this {
                JsValue::Object(o) => o.get(&*key)?,
                other => other.get(&*key)?,
            };
            let result = call_sync(&f, &this_arg, &[v.clone(), JsValue::Number(i as f64), this.clone()])?;
            if !step(v, i, result)? {
                break;
            }
        }
        Ok(())
    }
    r.method(proto, "forEach", 1, |this, args, _| {
        each(this, args, true, |_, _, _| Ok(true))?;
        Ok(JsValue::Undefined)
    });
    r.method(proto, "map", 1, |this, args, _| {
        // 23.1.3.21: A has O's length; only the indices O has are set (holes stay).
        let len = len_of(this)?;
        if len > MAX_LIST {
            return Err(realm().error("RangeError", "Invalid array length"));
        }
        let mut out = vec![None; len];
        each(this, args, true, |_, i, r| {
            out[i] = Some(r);
            Ok(true)
        })?;
        Ok(array_of_elements(out))
    });
    r.method(proto, "filter", 1, |this, args, _| {
        let mut out = Vec::new();
        each(this, args, true, |v, _, r| {
            if r.truthy() {
                out.push(v);
            }
            Ok(true)
        })?;
        Ok(realm().new_array(out))
    });
    r.method(proto, "some", 1, |this, args, _| {
        let mut found = false;
        each(this, args, true, |_, _, r| {
            found = r.truthy();
            Ok(!found)
        })?;
        Ok(JsValue::Bool(found))
    });
    r.method(proto, "every", 1, |this, args, _| {
        let mut all = true;
        each(this, args, true, |_, _, r| {
            all = r.truthy();
            Ok(all)
        })?;
        Ok(JsValue::Bool(all))
    });
    r.method(proto, "find", 1, |this, args, _| {
        let mut found = JsValue::Undefined;
        each(this, args, false, |v, _, r| {
            if r.truthy() {
                found = v;
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(found)
    });
    r.method(proto, "findIndex", 1, |this, args, _| {
        let mut found = -1.0;
        each(this, args, false, |_, i, r| {
            if r.truthy() {
                found = i as f64;
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(JsValue::Number(found))
    });
    // 23.1.3.24 reduce, 23.1.3.25 reduceRight ( callbackfn [ , initialValue ] ).
    r.method(proto, "reduce", 2, |this, args, _| reduce(this, args, false));

    // 23.1.3.1 Array.prototype.at ( index ).
    r.method(proto, "at", 1, |this, args, _| {
        let o = to_object(this)?;
        // 2. Let len be ? LengthOfArrayLike(O). 3. Let relativeIndex be ? ToIntegerOrInfinity(index).
        let len = length_of_array_like(&o)? as f64;
        let relative = to_integer_or_infinity(&arg(args, 0))?;
        // 4-5. k is relativeIndex, or len + relativeIndex when negative.
        let k = if relative >= 0.0 { relative } else { len + relative };
        // 6. If k < 0 or k ≥ len, return undefined. 7. Return ? Get(O, ! ToString(𝔽(k))).
        if k < 0.0 || k >= len {
            return Ok(JsValue::Undefined);
        }
        o.get(&*(k as usize).to_string())
    });
    // 23.1.3.4 Array.prototype.copyWithin ( target, start [ , end ] ).
    r.method(proto, "copyWithin", 2, |this, args, _| {
        let a = array_this(this)?;
        let len = length_of_array_like(&a)?;
        // 3-12. The relative target, start and end, clamped to [0, len].
        let to = relative(&arg(args, 0), len, 0)?;
        let from = relative(&arg(args, 1), len, 0)?;
        let end = relative(&arg(args, 2), len, len)?;
        // 13. Let count be min(final - from, len - to).
        let count = end.saturating_sub(from).min(len.saturating_sub(to));
        if !a.is_plain_mutable_array() || a.array_len() != Some(len) {
            // 14-17. One index per step, forwards, or backwards when the ranges overlap with
            // the target after the source: HasProperty(from)? Set(to, Get(from)) : delete.
            let (mut from, mut to, count) = (from as u64, to as u64, count as u64);
            let backwards = from < to && to < from + count;
            if backwards {
                (from, to) = (from + count - 1, to + count - 1);
            }
            for _ in 0..count {
                move_or_delete(&a, from, to)?;
                if backwards {
                    (from, to) = (from.wrapping_sub(1), to.wrapping_sub(1));
                } else {
                    (from, to) = (from + 1, to + 1);
                }
            }
            return Ok(this.clone());
        }
        let items = a.array_items().expect("an array");
        let copied: Vec<_> = items.borrow()[from..from + count].to_vec();
        items.borrow_mut()[to..to + count].clone_from_slice(&copied);
        Ok(this.clone())
    });
    // 23.1.3.11 findLast, 23.1.3.12 findLastIndex: FindViaPredicate(O, len, descending, ...),
    // which visits every index, holes included, from the end.
    for (name, want_index) in [("findLast", false), ("findLastIndex", true)] {
        r.method(proto, name, 1, move |this, args, _| {
            let o = to_object(this)?;
            let len = length_of_array_like(&o)?;
            let f = callback(args, 0)?;
            let this_arg = arg(args, 1);
            for k in (0..len).rev() {
                let v = o.get(&*k.to_string())?;
                let index = JsValue::Number(k as f64);
                if call_sync(&f, &this_arg, &[v.clone(), index.clone(), JsValue::Object(o.clone())])?.truthy()
                {
                    return Ok(if want_index { index } else { v });
                }
            }
            Ok(if want_index { JsValue::Number(-1.0) } else { JsValue::Undefined })
        });
    }
    // 23.1.3.13 Array.prototype.flat ( [ depth ] ).
    r.method(proto, "flat", 0, |this, args, _| {
        let o = to_object(this)?;
        // 3. Let depthNum be 1. 4. If depth is not undefined: ? ToIntegerOrInfinity(depth), and
        // 0 if that is negative.
        let depth = match arg(args, 0) {
            JsValue::Undefined => 1.0,
            d => to_integer_or_infinity(&d)?.max(0.0),
        };
        let mut out = Vec::new();
        flatten_into_array(&mut out, &JsValue::Object(o), depth, None)?;
        Ok(realm().new_array(out))
    });
    // 23.1.3.14 Array.prototype.flatMap ( mapperFunction [ , thisArg ] ).
    r.method(proto, "flatMap", 1, |this, args, _| {
        let o = to_object(this)?;
        let mapper = callback(args, 0)?;
        let mut out = Vec::new();
        flatten_into_array(&mut out, &JsValue::Object(o), 1.0, Some((&mapper, &arg(args, 1))))?;
        Ok(realm().new_array(out))
    });
    r.method(proto, "reduceRight", 1, |this, args, _| reduce(this, args, true));
    // 23.1.3.33 Array.prototype.toReversed ( ): a new array, holes read as undefined.
    r.method(proto, "toReversed", 0, |this, _, _| {
        let o = to_object(this)?;
        let mut items = get_all(&o)?;
        items.reverse();
        Ok(realm().new_array(items))
    });
    // 23.1.3.34 Array.prototype.toSorted ( comparefn ).
    r.method(proto, "toSorted", 1, |this, args, _| {
        // 1. If comparefn is not undefined and IsCallable(comparefn) is false, throw a TypeError.
        let compare = comparator(&arg(args, 0))?;
        let o = to_object(this)?;
        // 6. SortIndexedProperties(O, len, SortCompare, read-through-holes).
        let items = sort_values(get_all(&o)?, &compare)?;
        Ok(realm().new_array(items))
    });
    // 23.1.3.35 Array.prototype.toSpliced ( start, skipCount, ...items ).
    r.method(proto, "toSpliced", 2, |this, args, _| {
        let o = to_object(this)?;
        let all = get_all(&o)?;
        let len = all.len();
        // 3-7. actualStart, relative to len.
        let start = relative(&arg(args, 0), len, 0)?;
        // 8-11. skip: 0 with no start, len - start with no skipCount, else clamped.
        let skip = match args.len() {
            0 => 0,
            1 => len - start,
            _ => (to_integer_or_infinity(&arg(args, 1))?.max(0.0) as usize).min(len - start),
        };
        let inserted = args.get(2..).unwrap_or(&[]);
        // 12-13. If newLen > 2^53 - 1, throw a TypeError.
        let mut out = Vec::with_capacity(len - skip + inserted.len());
        out.extend_from_slice(&all[..start]);
        out.extend_from_slice(inserted);
        out.extend_from_slice(&all[start + skip..]);
        Ok(realm().new_array(out))
    });
    // 23.1.3.39 Array.prototype.with ( index, value ).
    r.method(proto, "with", 2, |this, args, _| {
        let o = to_object(this)?;
        let mut all = get_all(&o)?;
        let len = all.len() as f64;
        // 3-5. Let actualIndex be relativeIndex (or len + it when negative). 6. If actualIndex
        // ≥ len or actualIndex < 0, throw a RangeError exception.
        let relative = to_integer_or_infinity(&arg(args, 0))?;
        let index = if relative >= 0.0 { relative } else { len + relative };
        if index < 0.0 || index >= len {
            return Err(
                realm().error("RangeError", &format!("Invalid index : {}", number_to_string(relative)))
            );
        }
        all[index as usize] = arg(args, 1);
        Ok(realm().new_array(all))
    });
    r.global.define("Array", JsValue::Object(array), false);
}

/// The loop of reduce and reduceRight (23.1.3.24-25): steps 8-9 visit only the indices
/// HasProperty finds, from the start or (`from_end`) the end; with no initialValue the first
/// one found is the accumulator.
fn reduce(this: &JsValue, args: &[JsValue], from_end: bool) -> Result<JsValue, JsValue> {
    let f = callback(args, 0)?;
    let items = to_elements(this)?;
    let present = items.into_iter().enumerate().filter_map(|(i, e)| e.map(|v| (i, v)));
    let mut iter: Box<dyn Iterator<Item = (usize, JsValue)>> =
        if from_end { Box::new(present.rev()) } else { Box::new(present) };
    let mut acc = if args.len() > 1 {
        arg(args, 1)
    } else {
        match iter.next() {
            Some((_, v)) => v,
            None => return Err(type_error("Reduce of empty array with no initial value")),
        }
    };
    for (i, v) in iter {
        acc = call_sync(&f, &JsValue::Undefined, &[acc, v, JsValue::Number(i as f64), this.clone()])?;
    }
    Ok(acc)
}

/// LengthOfArrayLike ( obj ) (7.3.18): ℝ(? ToLength(? Get(obj, "length"))).
pub(super) fn length_of_array_like(o: &Obj) -> Result<usize, JsValue> {
    // An Array's `length` (past its vector when sparse); an arguments object's is a property.
    if let Some(len) = o.array_len() {
        return Ok(len);
    }
    super::regexp::to_length(&o.get("length")?)
}

/// Every element, each read with Get (a hole reads as undefined): the change-array-by-copy
/// methods' loops.
fn get_all(o: &Obj) -> Result<Vec<JsValue>, JsValue> {
    let len = length_of_array_like(o)?;
    (0..len).map(|k| o.get(&*k.to_string())).collect()
}

/// FlattenIntoArray ( target, source, sourceLen, start, depth [ , mapperFunction, thisArg ] )
/// (23.1.3.13.1).
fn flatten_into_array(
    target: &mut Vec<JsValue>,
    source: &JsValue,
    depth: f64,
    mapper: Option<(&JsValue, &JsValue)>,
) -> Result<(), JsValue> {
    crate::stack::check()?;
    let JsValue::Object(source) = source else { return Ok(()) };
    let len = length_of_array_like(source)?;
    for k in 0..len {
        let p = k.to_string();
        // b. Let exists be ? HasProperty(source, P). c. If exists is true, then
        if !source.has_property(&*p) {
            continue;
        }
        // i. Let element be ? Get(source, P). ii. If mapperFunction is present, set element to
        // ? Call(mapperFunction, thisArg, « element, sourceIndex, source »).
        let mut element = source.get(&*p)?;
        if let Some((f, this_arg)) = mapper {
            element = call_sync(
                f,
                this_arg,
                &[element, JsValue::Number(k as f64), JsValue::Object(source.clone())],
            )?;
        }
        // iii-iv. If depth > 0 and IsArray(element), flatten it one level less deep; else
        // append it.
        let is_array = matches!(&element, JsValue::Object(o) if o.array_items().is_some());
        if depth > 0.0 && is_array {
            flatten_into_array(target, &element, depth - 1.0, None)?;
        } else {
            target.push(element);
        }
    }
    Ok(())
}

/// A sort's comparison: the script's comparefn, or the default string order. A comparefn that
/// is neither undefined nor callable is a TypeError (step 1 of sort and toSorted).
enum Comparator {
    Default,
    Script(JsValue),
}

fn comparator(f: &JsValue) -> Result<Comparator, JsValue> {
    match f {
        JsValue::Undefined => Ok(Comparator::Default),
        f if f.is_callable() => Ok(Comparator::Script(f.clone())),
        _ => Err(type_error("The comparison function must be either a function or undefined")),
    }
}

/// SortCompare ( x, y ) (23.1.3.30.2) > 0: whether x goes after y. Undefined sorts last.
fn greater(x: &JsValue, y: &JsValue, compare: &Comparator) -> Result<bool, JsValue> {
    match (x, y) {
        (JsValue::Undefined, JsValue::Undefined) => Ok(false),
        (JsValue::Undefined, _) => Ok(true),
        (_, JsValue::Undefined) => Ok(false),
        _ => match compare {
            // 4.a. Let v be ? ToNumber(? Call(comparefn, undefined, « x, y »)). b. If v is NaN,
            // return +0𝔽.
            Comparator::Script(f) => {
                Ok(call_sync(f, &JsValue::Undefined, &[x.clone(), y.clone()])?.to_number()? > 0.0)
            }
            // 5-11. Compare ToString(x) and ToString(y) by code units.
            Comparator::Default => {
                let (sx, sy) = (x.to_js_string()?, y.to_js_string()?);
                Ok(sx.encode_utf16().cmp(sy.encode_utf16()) == std::cmp::Ordering::Greater)
            }
        },
    }
}

/// SortIndexedProperties' sort (23.1.3.30.1 step 4): a stable merge sort, O(n log n)
/// comparisons, that tolerates a comparefn that is not a consistent order (the spec's
/// "implementation-defined sort order") and stops at the first exception it throws, leaving
/// the caller's array as it was.
fn sort_values(mut items: Vec<JsValue>, compare: &Comparator) -> Result<Vec<JsValue>, JsValue> {
    let n = items.len();
    let mut buffer: Vec<JsValue> = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        buffer.clear();
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                // Take from the right only when the left one is greater: stable.
                if greater(&items[i], &items[j], compare)? {
                    buffer.push(items[j].clone());
                    j += 1;
                } else {
                    buffer.push(items[i].clone());
                    i += 1;
                }
            }
            buffer.extend_from_slice(&items[i..mid]);
            buffer.extend_from_slice(&items[j..end]);
            start = end;
        }
        std::mem::swap(&mut items, &mut buffer);
        width *= 2;
    }
    Ok(items)
}

/// Array.prototype.shift (23.1.3.27) by its spec steps, for an array that is not plain
/// (`Obj::is_plain_array`): its far elements are properties.
fn shift_generic(o: &Obj) -> Result<JsValue, JsValue> {
    // 2. Let len be ? LengthOfArrayLike(O).
    let len = length_of_array_like(o)? as u64;
    // 3. If len = 0, then perform ? Set(O, "length", +0𝔽, true) and return undefined.
    if len == 0 {
        set_length(o, 0)?;
        return Ok(JsValue::Undefined);
    }
    // 4. Let first be ? Get(O, "0").
    let first = get(o, 0)?;
    // 5-6. For k from 1 while k < len: from = k, to = k - 1; if HasProperty(O, from), Set(O,
    // to, Get(O, from), true), else DeletePropertyOrThrow(O, to). A step does something only
    // where `from` or `to` is present.
    let mut steps: Vec<u64> = present_indices(o, 0, len)
        .into_iter()
        .flat_map(|k| [k, k + 1])
        .filter(|&k| k >= 1 && k < len)
        .collect();
    steps.dedup();
    for k in steps {
        move_or_delete(o, k, k - 1)?;
    }
    // 7. Perform ? DeletePropertyOrThrow(O, ! ToString(𝔽(len - 1))).
    delete(o, len - 1)?;
    // 8. Perform ? Set(O, "length", 𝔽(len - 1), true). 9. Return first.
    set_length(o, len - 1)?;
    Ok(first)
}

/// Array.prototype.unshift (23.1.3.37) by its spec steps, for an array that is not plain.
fn unshift_generic(o: &Obj, items: &[JsValue]) -> Result<JsValue, JsValue> {
    // 2. Let len be ? LengthOfArrayLike(O). 3. Let argCount be the number of elements in items.
    let len = length_of_array_like(o)? as u64;
    let count = items.len() as u64;
    // 4. If argCount > 0, then
    if count > 0 {
        // a. If len + argCount > 2^53 - 1, throw a TypeError exception.
        if len + count > MAX_SAFE_LENGTH {
            return Err(type_error("Pushing elements past 2^53-1 length"));
        }
        // b-c. For k from len down to 1: from = k - 1, to = k + argCount - 1; move or delete.
        // A step does something only where `from` or `to` is present.
        let mut steps: Vec<u64> = present_indices(o, 0, len)
            .into_iter()
            .flat_map(|q| [Some(q + 1), (q + 1).checked_sub(count)])
            .flatten()
            .filter(|&k| k >= 1 && k <= len)
            .collect();
        steps.sort_unstable_by(|a, b| b.cmp(a));
        steps.dedup();
        for k in steps {
            let (from, to) = (k - 1, k + count - 1);
            move_or_delete(o, from, to)?;
        }
        // d-f. Set(O, j, E, true) for each E of items at j from 0.
        for (j, e) in items.iter().enumerate() {
            set(o, j as u64, e.clone())?;
        }
    }
    // 5. Perform ? Set(O, "length", 𝔽(len + argCount), true). 6. Return 𝔽(len + argCount).
    set_length(o, len + count)?;
    Ok(JsValue::Number((len + count) as f64))
}

/// 2^53 - 1, the largest length the generic methods accept (their TypeError past it).
const MAX_SAFE_LENGTH: u64 = (1 << 53) - 1;

/// Array.prototype.splice (23.1.3.31) by its spec steps, for an array that is not plain.
fn splice_generic(o: &Obj, args: &[JsValue]) -> Result<JsValue, JsValue> {
    // 2. Let len be ? LengthOfArrayLike(O). 3-7. actualStart.
    let len = length_of_array_like(o)?;
    let start = relative(&arg(args, 0), len, 0)?;
    // 8-11. itemCount and actualDeleteCount.
    let dc = match args.len() {
        0 => 0,
        1 => len - start,
        _ => (to_integer_or_infinity(&arg(args, 1))?.max(0.0) as usize).min(len - start),
    } as u64;
    splice_steps(o, len as u64, start as u64, dc, args.get(2..).unwrap_or(&[]))
}

/// Array.prototype.splice (23.1.3.31) from step 12, once actualStart and actualDeleteCount
/// are known.
fn splice_steps(o: &Obj, len: u64, start: u64, dc: u64, items: &[JsValue]) -> Result<JsValue, JsValue> {
    let ic = items.len() as u64;
    // 12. If len + itemCount - actualDeleteCount > 2^53 - 1, throw a TypeError exception.
    if len + ic - dc > MAX_SAFE_LENGTH {
        return Err(type_error("Pushing elements past 2^53-1 length"));
    }
    // 13. Let A be ? ArraySpeciesCreate(O, actualDeleteCount). 14-15. Copy the deleted
    // elements that exist into A.
    let a = new_array();
    for k in present_indices(o, start, start + dc) {
        if has(o, k) {
            create(&a, k - start, get(o, k)?)?;
        }
    }
    // 16. Perform ? Set(A, "length", 𝔽(actualDeleteCount), true).
    set_length(&a, dc)?;
    let present = present_indices(o, 0, len);
    // A step of the moves below does something only where its `from` or `to` is present.
    if ic < dc {
        // 18. For k from actualStart while k < len - actualDeleteCount: from = k +
        // actualDeleteCount, to = k + itemCount; move or delete.
        let mut ks: Vec<u64> = present
            .iter()
            .flat_map(|&q| [q.checked_sub(dc), q.checked_sub(ic)])
            .flatten()
            .filter(|k| (start..len - dc).contains(k))
            .collect();
        ks.sort_unstable();
        ks.dedup();
        for k in ks {
            let (from, to) = (k + dc, k + ic);
            move_or_delete(o, from, to)?;
        }
        // d. For k from len down to len - actualDeleteCount + itemCount (exclusive):
        // DeletePropertyOrThrow(O, k - 1).
        for k in present_indices(o, len - dc + ic, len).into_iter().rev() {
            delete(o, k)?;
        }
    } else if ic > dc {
        // 19. For k from len - actualDeleteCount down to actualStart (exclusive): from = k +
        // actualDeleteCount - 1, to = k + itemCount - 1; move or delete.
        let mut ks: Vec<u64> = present
            .iter()
            .flat_map(|&q| [(q + 1).checked_sub(dc), (q + 1).checked_sub(ic)])
            .flatten()
            .filter(|k| (start + 1..len - dc + 1).contains(k))
            .collect();
        ks.sort_unstable();
        ks.dedup();
        for k in ks.into_iter().rev() {
            let (from, to) = (k + dc - 1, k + ic - 1);
            move_or_delete(o, from, to)?;
        }
    }
    // 20-21. Set(O, actualStart + j, E, true) for each E of items.
    for (j, e) in items.iter().enumerate() {
        set(o, start + j as u64, e.clone())?;
    }
    // 22. Perform ? Set(O, "length", 𝔽(len - actualDeleteCount + itemCount), true).
    set_length(o, len - dc + ic)?;
    // 23. Return A.
    Ok(JsValue::Object(a))
}

/// Array.prototype.reverse (23.1.3.26) by its spec steps, for an array that is not plain.
fn reverse_generic(o: &Obj) -> Result<(), JsValue> {
    // 2. Let len be ? LengthOfArrayLike(O). 3. Let middle be floor(len / 2).
    let len = length_of_array_like(o)? as u64;
    let middle = len / 2;
    // 4-5. For lower from 0 while lower ≠ middle: a step does something only where lower or
    // upper = len - lower - 1 is present.
    let mut lowers: Vec<u64> =
        present_indices(o, 0, len).into_iter().map(|q| q.min(len - 1 - q)).filter(|&l| l < middle).collect();
    lowers.sort_unstable();
    lowers.dedup();
    for lower in lowers {
        let upper = len - lower - 1;
        // c-h. lowerExists, lowerValue, upperExists, upperValue.
        let lower_exists = has(o, lower);
        let lower_value = if lower_exists { get(o, lower)? } else { JsValue::Undefined };
        let upper_exists = has(o, upper);
        let upper_value = if upper_exists { get(o, upper)? } else { JsValue::Undefined };
        match (lower_exists, upper_exists) {
            // i. Both: Set(lowerP, upperValue), Set(upperP, lowerValue).
            (true, true) => {
                set(o, lower, upper_value)?;
                set(o, upper, lower_value)?;
            }
            // j. Only upper: Set(lowerP, upperValue), DeletePropertyOrThrow(upperP).
            (false, true) => {
                set(o, lower, upper_value)?;
                delete(o, upper)?;
            }
            // k. Only lower: DeletePropertyOrThrow(lowerP), Set(upperP, lowerValue).
            (true, false) => {
                delete(o, lower)?;
                set(o, upper, lower_value)?;
            }
            (false, false) => {}
        }
    }
    Ok(())
}

/// Array.prototype.sort (23.1.3.30) steps 3-8 by the spec, for an array that is not plain:
/// SortIndexedProperties with holes skipped, the sorted values written from index 0, and the
/// indices after them deleted.
fn sort_generic(o: &Obj, compare: &Comparator) -> Result<(), JsValue> {
    // 3. Let len be ? LengthOfArrayLike(obj).
    let len = length_of_array_like(o)? as u64;
    // 5. SortIndexedProperties(obj, len, SortCompare, skip-holes): the values of the indices
    // HasProperty finds, in order, then sorted.
    let mut values = Vec::new();
    for k in present_indices(o, 0, len) {
        if has(o, k) {
            values.push(get(o, k)?);
        }
    }
    write_sorted(o, sort_values(values, compare)?, len)
}

/// Array.prototype.sort (23.1.3.30) steps 6-8: the sorted values written back from index 0,
/// then the indices after them up to `len` deleted (the holes go last).
fn write_sorted(o: &Obj, sorted: Vec<JsValue>, len: u64) -> Result<(), JsValue> {
    let count = sorted.len() as u64;
    // 6-7. Set(obj, j, sortedList[j], true) for each j.
    for (j, v) in sorted.into_iter().enumerate() {
        set(o, j as u64, v)?;
    }
    // 8. For j from itemCount while j < len: DeletePropertyOrThrow(obj, j).
    for k in present_indices(o, count, len) {
        delete(o, k)?;
    }
    Ok(())
}

/// Array.prototype.join (23.1.3.18) steps 5-8 over the indices present: each gap is its
/// separators (a hole or undefined joins as ""), and a result past V8's string length is its
/// RangeError.
fn join_generic(o: &Obj, sep: &str) -> Result<JsValue, JsValue> {
    let len = length_of_array_like(o)? as u64;
    let sep_units = sep.encode_utf16().count() as u64;
    let mut out = String::new();
    let (mut units, mut separators) = (0u64, 0u64);
    let mut add_separators = |out: &mut String, units: &mut u64, upto: u64| -> Result<(), JsValue> {
        let n = upto - separators;
        if *units + n * sep_units > super::string::MAX_STRING_LENGTH as u64 {
            return Err(realm().error("RangeError", "Invalid string length"));
        }
        out.push_str(&sep.repeat(n as usize));
        *units += n * sep_units;
        separators = upto;
        Ok(())
    };
    for k in present_indices(o, 0, len) {
        add_separators(&mut out, &mut units, k)?;
        let v = get(o, k)?;
        if !v.is_nullish() {
            let s = v.to_js_string()?;
            units += s.encode_utf16().count() as u64;
            if units > super::string::MAX_STRING_LENGTH as u64 {
                return Err(realm().error("RangeError", "Invalid string length"));
            }
            out.push_str(&s);
        }
    }
    if len > 0 {
        add_separators(&mut out, &mut units, len - 1)?;
    }
    Ok(JsValue::from(out))
}

/// Array.prototype.slice (23.1.3.28) steps 2-16 by the spec, for an array that is not plain:
/// only the indices present are copied, and the result's length is the count.
fn slice_generic(o: &Obj, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let len = length_of_array_like(o)?;
    let start = relative(&arg(args, 0), len, 0)? as u64;
    let end = relative(&arg(args, 1), len, len)? as u64;
    let count = end.saturating_sub(start);
    let a = new_array();
    for k in present_indices(o, start, end) {
        if has(o, k) {
            create(&a, k - start, get(o, k)?)?;
        }
    }
    // 15. Perform ? Set(A, "length", 𝔽(n), true).
    set_length(&a, count)?;
    Ok(JsValue::Object(a))
}

/// Array.prototype.concat (23.1.3.2) by its spec steps, when an array involved is not plain:
/// each spreadable element's present indices are copied at n + k; the final length may be
/// past what an Array can hold (the RangeError).
fn concat_generic(this: &JsValue, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let o = to_object(this)?;
    let a = new_array();
    let mut n = 0u64;
    for e in std::iter::once(JsValue::Object(o)).chain(args.iter().cloned()) {
        match &e {
            JsValue::Object(e) if matches!(e.class(), Class::Array(_)) => {
                let len = length_of_array_like(e)? as u64;
                // iii. If n + len > 2^53 - 1, throw a TypeError exception.
                if n + len > MAX_SAFE_LENGTH {
                    return Err(type_error("Invalid array length"));
                }
                for k in present_indices(e, 0, len) {
                    if has(e, k) {
                        create(&a, n + k, get(e, k)?)?;
                    }
                }
                n += len;
            }
            other => {
                create(&a, n, other.clone())?;
                n += 1;
            }
        }
    }
    // 6. Perform ? Set(A, "length", 𝔽(n), true).
    set_length(&a, n)?;
    Ok(JsValue::Object(a))
}

/// The length the callback methods loop to: LengthOfArrayLike for an object, without a list
/// of its elements.
fn len_of(this: &JsValue) -> Result<usize, JsValue> {
    match this {
        JsValue::Object(o) => length_of_array_like(o),
        other => Ok(to_elements(other)?.len()),
    }
}
