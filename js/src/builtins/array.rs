//! The Array constructor and Array.prototype (ECMA-262 23.1), over settle-js's element
//! vectors, and the array-like reads the other built-ins share.

use std::rc::Rc;

use super::{arg, callback, relative, type_error};
use crate::interp::{call_sync, iterate};
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

/// A new array with these elements (`None` stays a hole).
fn array_of_elements(items: Vec<crate::object::Element>) -> JsValue {
    let r = realm();
    JsValue::Object(Obj::new(Class::Array(std::cell::RefCell::new(items)), Some(r.array_proto.clone())))
}

fn array_this(this: &JsValue) -> Result<Obj, JsValue> {
    match this {
        JsValue::Object(o) if o.array_items().is_some() => Ok(o.clone()),
        _ => Err(type_error("this Array method is only supported on arrays in settle-js")),
    }
}

/// What a mutating Array method does to the elements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Writes existing indices (`reverse`, `fill`, `sort`).
    Write,
    /// Adds indices (`push`, `unshift`).
    Grow,
    /// Removes indices (`pop`, `shift`) or both (`splice`).
    Shrink,
}

/// The TypeError that the method's `Set(O, P, V, true)` or `DeletePropertyOrThrow` would
/// throw on a frozen, sealed or non-extensible array (the element vector is changed directly,
/// so the attributes are checked here first).
fn check_elements(a: &Obj, change: Change, changes_something: bool) -> Result<(), JsValue> {
    use crate::object::IntegrityLevel as L;
    let level = a.0.elements.get();
    // push, pop, shift, unshift and splice always end with Set(O, "length", len, true), which
    // a frozen array's read-only length refuses even when nothing else changes.
    if level == L::Frozen && change != Change::Write {
        return Err(type_error("Cannot assign to read only property 'length' of a frozen array"));
    }
    if !changes_something {
        return Ok(());
    }
    let refused = match change {
        Change::Write => level == L::Frozen,
        Change::Grow => level == L::Frozen || !a.is_extensible(),
        Change::Shrink => level != L::None,
    };
    if refused {
        let what = match change {
            Change::Grow => "Cannot add property, object is not extensible",
            Change::Shrink => "Cannot delete property of a sealed or frozen array",
            Change::Write => "Cannot assign to read only property of a frozen array",
        };
        return Err(type_error(what));
    }
    Ok(())
}

pub(super) fn install(r: &Rc<Realm>) {
    let proto = &r.array_proto;
    let array = r.native_ctor("Array", 1, |_, args, _| {
        let r = realm();
        if let [JsValue::Number(n)] = args {
            if *n < 0.0 || n.fract() != 0.0 || *n > 4_294_967_295.0 {
                return Err(r.error("RangeError", "Invalid array length"));
            }
            // 23.1.1.1 step 5: ArrayCreate(0) with Set(array, "length", len): all holes.
            drop(r);
            return Ok(array_of_elements(vec![None; *n as usize]));
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
        check_elements(&a, Change::Grow, !args.is_empty())?;
        let items = a.array_items().expect("an array");
        items.borrow_mut().extend(args.iter().cloned().map(Some));
        Ok(JsValue::Number(items.borrow().len() as f64))
    });
    r.method(proto, "pop", 0, |this, _, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Shrink, a.array_items().is_some_and(|i| !i.borrow().is_empty()))?;
        Ok(a.array_items().expect("an array").borrow_mut().pop().flatten().unwrap_or_default())
    });
    r.method(proto, "shift", 0, |this, _, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Shrink, a.array_items().is_some_and(|i| !i.borrow().is_empty()))?;
        let items = a.array_items().expect("an array");
        let mut items = items.borrow_mut();
        Ok(if items.is_empty() { JsValue::Undefined } else { items.remove(0).unwrap_or_default() })
    });
    r.method(proto, "unshift", 1, |this, args, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Grow, !args.is_empty())?;
        let items = a.array_items().expect("an array");
        let mut items = items.borrow_mut();
        for (i, v) in args.iter().enumerate() {
            items.insert(i, Some(v.clone()));
        }
        Ok(JsValue::Number(items.len() as f64))
    });
    r.method(proto, "splice", 2, |this, args, _| {
        let a = array_this(this)?;
        let items = a.array_items().expect("an array");
        let len = items.borrow().len();
        let start = relative(&arg(args, 0), len, 0)?;
        let count = match args.len() {
            0 => 0,
            1 => len - start,
            _ => {
                let n = arg(args, 1).to_number()?;
                let n = if n.is_nan() { 0.0 } else { n.trunc() };
                (n.max(0.0) as usize).min(len - start)
            }
        };
        let inserted: Vec<_> = args.iter().skip(2).cloned().map(Some).collect();
        if inserted.len() > count {
            check_elements(&a, Change::Grow, true)?;
        }
        check_elements(&a, Change::Shrink, count > inserted.len())?;
        check_elements(&a, Change::Write, count > 0 || !inserted.is_empty())?;
        let removed: Vec<_> = items.borrow_mut().splice(start..start + count, inserted).collect();
        Ok(array_of_elements(removed))
    });
    r.method(proto, "slice", 2, |this, args, _| {
        // 23.1.3.28 step 15.c: only the indices the source has are created (holes stay).
        let items = to_elements(this)?;
        let len = items.len();
        let start = relative(&arg(args, 0), len, 0)?;
        let end = relative(&arg(args, 1), len, len)?;
        Ok(array_of_elements(if start < end { items[start..end].to_vec() } else { Vec::new() }))
    });
    r.method(proto, "concat", 1, |this, args, _| {
        // 23.1.3.2 step 5.b.iv: a spreadable element's holes stay holes.
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
        let items = to_list(this)?;
        let sep = match arg(args, 0) {
            JsValue::Undefined => Rc::from(","),
            s => s.to_js_string()?,
        };
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
        let items = to_elements(this)?;
        let x = arg(args, 0);
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
        let items = to_elements(this)?;
        let x = arg(args, 0);
        Ok(JsValue::Number(
            items
                .iter()
                .rposition(|v| v.as_ref().is_some_and(|v| v.strict_equals(&x)))
                .map_or(-1.0, |i| i as f64),
        ))
    });
    r.method(proto, "includes", 1, |this, args, _| {
        let items = to_list(this)?;
        let x = arg(args, 0);
        Ok(JsValue::Bool(items.iter().any(|v| v.same_value_zero(&x))))
    });
    r.method(proto, "reverse", 0, |this, _, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Write, a.array_items().is_some_and(|i| i.borrow().len() > 1))?;
        a.array_items().expect("an array").borrow_mut().reverse();
        Ok(this.clone())
    });
    r.method(proto, "fill", 1, |this, args, _| {
        let a = array_this(this)?;
        let items = a.array_items().expect("an array");
        let len = items.borrow().len();
        let start = relative(&arg(args, 1), len, 0)?;
        let end = relative(&arg(args, 2), len, len)?;
        check_elements(&a, Change::Write, start < end)?;
        for v in items.borrow_mut().iter_mut().take(end).skip(start) {
            *v = Some(arg(args, 0));
        }
        Ok(this.clone())
    });
    r.method(proto, "sort", 1, |this, args, _| {
        let a = array_this(this)?;
        let f = arg(args, 0);
        // 23.1.3.30 SortIndexedProperties with holes skipped: the values sort, and the holes
        // end up after them.
        let elements = a.array_items().expect("an array").borrow().clone();
        let len = elements.len();
        let mut items: Vec<JsValue> = elements.into_iter().flatten().collect();
        // Insertion sort: stable, and a comparator that throws leaves a consistent state.
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 {
                let (x, y) = (&items[j - 1], &items[j]);
                let greater = if matches!(x, JsValue::Undefined) {
                    !matches!(y, JsValue::Undefined)
                } else if matches!(y, JsValue::Undefined) {
                    false
                } else if f.is_callable() {
                    call_sync(&f, &JsValue::Undefined, &[x.clone(), y.clone()])?.to_number()? > 0.0
                } else {
                    let (sx, sy) = (x.to_js_string()?, y.to_js_string()?);
                    sx.encode_utf16().cmp(sy.encode_utf16()) == std::cmp::Ordering::Greater
                };
                if !greater {
                    break;
                }
                items.swap(j - 1, j);
                j -= 1;
            }
        }
        check_elements(&a, Change::Write, len > 1)?;
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
        let len = to_elements(this)?.len();
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
        let mut out = vec![None; to_elements(this)?.len()];
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
    r.method(proto, "reduce", 2, |this, args, _| {
        let f = callback(args, 0)?;
        // 23.1.3.24 steps 8.b and 9.b: only the indices HasProperty finds.
        let items = to_elements(this)?;
        let mut iter = items.into_iter().enumerate().filter_map(|(i, e)| e.map(|v| (i, v)));
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
    });
    r.global.define("Array", JsValue::Object(array), false);
}
