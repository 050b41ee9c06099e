//! The Map constructor, Map.prototype and %MapIteratorPrototype% (ECMA-262 24.1), over
//! [`MapData`](crate::map_data::MapData); the iterator objects are shared with Set's.

use std::cell::RefCell;
use std::rc::Rc;

use super::{R, arg, callback_typed, type_error};
use crate::interp::call_sync;
use crate::iteration::{IterKind, get_iterator, iter_result, iterator_close, iterator_step_value};
use crate::map_data::{CollectionIterator, MapData};
use crate::property::PropertyKey;
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};

/// V8's TypeError for a Map or Set method called on something else.
pub(super) fn incompatible(method: &str, this: &JsValue) -> JsValue {
    type_error(&format!(
        "Method {method} called on incompatible receiver {}",
        super::no_side_effects_to_string(this)
    ))
}

/// RequireInternalSlot(M, [[MapData]]) (10.1.15), then the data.
fn map_data<'a>(this: &'a JsValue, method: &str) -> Result<&'a RefCell<MapData>, JsValue> {
    match this {
        JsValue::Object(o) => match o.class() {
            Class::Map(data) => Ok(data),
            _ => Err(incompatible(method, this)),
        },
        _ => Err(incompatible(method, this)),
    }
}

/// Steps 5-6 of the Map, Set, WeakMap and WeakSet constructors: "Let adder be ? Get(map,
/// "set"). If IsCallable(adder) is false, throw a TypeError exception." (`"add"` for the sets),
/// with V8's message.
pub(super) fn get_adder(collection: &JsValue, name: &str, kind: &str) -> Result<JsValue, JsValue> {
    let adder = collection.get(name)?;
    if !adder.is_callable() {
        return Err(type_error(&format!(
            "'{}' returned for property '{name}' of object '#<{kind}>' is not a function",
            super::no_side_effects_to_string(&adder)
        )));
    }
    Ok(adder)
}

/// AddEntriesFromIterable ( target, iterable, adder ) (24.1.1.2), `add` standing for "Call(adder,
/// target, « k, v »)" (Object.fromEntries's adder is CreateDataPropertyOrThrow).
pub(super) fn add_entries_from_iterable(
    iterable: &JsValue,
    mut add: impl FnMut(JsValue, JsValue) -> Result<(), JsValue>,
) -> Result<(), JsValue> {
    // 1. Let iteratorRecord be ? GetIterator(iterable, sync).
    let mut record = get_iterator(iterable)?;
    // 2. Repeat, a. Let next be ? IteratorStepValue(iteratorRecord). b. If next is done, return.
    while let Some(next) = iterator_step_value(&mut record)? {
        realm().step()?;
        let added = (|| {
            // c. If next is not an Object, then i. Let error be ThrowCompletion(a newly created
            // TypeError object). ii. Return ? IteratorClose(iteratorRecord, error).
            let JsValue::Object(item) = &next else {
                return Err(type_error(&format!(
                    "Iterator value {} is not an entry object",
                    super::no_side_effects_to_string(&next)
                )));
            };
            // d. Let k be Completion(Get(next, "0")). f. Let v be Completion(Get(next, "1")).
            let k = item.get("0")?;
            let v = item.get("1")?;
            // h. Let status be Completion(Call(adder, target, « k, v »)).
            add(k, v)
        })();
        // e, g, i. IfAbruptCloseIterator(status, iteratorRecord).
        if let Err(e) = added {
            return iterator_close(&record, Err(e));
        }
    }
    Ok(())
}

/// Steps 7-8 of the Set and WeakSet constructors: each value of the iterable through `add`
/// ("Call(adder, set, « next »)"), closing the iterator on an abrupt completion.
pub(super) fn add_values_from_iterable(
    iterable: &JsValue,
    mut add: impl FnMut(JsValue) -> Result<(), JsValue>,
) -> Result<(), JsValue> {
    let mut record = get_iterator(iterable)?;
    while let Some(next) = iterator_step_value(&mut record)? {
        realm().step()?;
        if let Err(e) = add(next) {
            return iterator_close(&record, Err(e));
        }
    }
    Ok(())
}

/// CreateMapIterator / CreateSetIterator (24.1.5.1, 24.2.6.1): an iterator over `collection`.
pub(super) fn create_collection_iterator(
    collection: &Obj,
    data: &RefCell<MapData>,
    kind: IterKind,
    proto: &Obj,
) -> JsValue {
    let cursor = data.borrow_mut().cursor();
    let state = CollectionIterator { collection: Some(collection.clone()), cursor, kind };
    JsValue::Object(Obj::new(Class::CollectionIterator(RefCell::new(state)), Some(proto.clone())))
}

/// %MapIteratorPrototype%.next (24.1.5.2.1) and %SetIteratorPrototype%.next (24.2.6.2.1): the
/// next Record after the iterator's place, as the kind asks (a Set's entries are [v, v]).
fn collection_iterator_next(this: &JsValue, method: &str, is_set: bool) -> R {
    let state = match this {
        JsValue::Object(o) => match o.class() {
            Class::CollectionIterator(s) => s,
            _ => return Err(incompatible(method, this)),
        },
        _ => return Err(incompatible(method, this)),
    };
    let (collection, cursor, kind) = {
        let s = state.borrow();
        match &s.collection {
            None => return Ok(iter_result(JsValue::Undefined, true)),
            Some(c) => (c.clone(), s.cursor.clone(), s.kind),
        }
    };
    let next = match collection.class() {
        Class::Map(data) | Class::Set(data) => data.borrow().next(&cursor),
        _ => None,
    };
    let Some((key, value)) = next else {
        // The closure's loop has ended: "Return undefined" (done), and stays done.
        state.borrow_mut().collection = None;
        return Ok(iter_result(JsValue::Undefined, true));
    };
    let value = if is_set { key.clone() } else { value };
    Ok(iter_result(
        match kind {
            IterKind::Keys => key,
            IterKind::Values => value,
            // CreateArrayFromList(« key, value »).
            IterKind::Entries => realm().new_array(vec![key, value]),
        },
        false,
    ))
}

/// Installs %MapIteratorPrototype% or %SetIteratorPrototype%, returning it.
pub(super) fn install_iterator_proto(r: &Rc<Realm>, tag: &'static str, is_set: bool) -> Obj {
    let proto = Obj::new(Class::Object, Some(r.iterator_proto.clone()));
    let method = if is_set { "Set Iterator.prototype.next" } else { "Map Iterator.prototype.next" };
    r.method(&proto, "next", 0, move |this, _, _| collection_iterator_next(this, method, is_set));
    proto.define_with(
        &PropertyKey::Symbol(r.symbols.to_string_tag.clone()),
        JsValue::from(tag),
        false,
        false,
        true,
    );
    proto
}

pub(super) fn install(r: &Rc<Realm>) {
    let proto = r.map_proto.clone();
    let iterator_proto = install_iterator_proto(r, "Map Iterator", false);
    // 24.1.1.1 Map ( [ iterable ] ).
    let map_proto = proto.clone();
    let map = r.native_ctor("Map", 0, move |_, args, new_target| {
        // 1. If NewTarget is undefined, throw a TypeError exception.
        if !new_target {
            return Err(type_error("Constructor Map requires 'new'"));
        }
        // 2. Let map be ? OrdinaryCreateFromConstructor(NewTarget, "%Map.prototype%",
        // « [[MapData]] »). 3. Set map.[[MapData]] to a new empty List. (A subclass's
        // prototype is set by [[Construct]].)
        let map = JsValue::Object(Obj::new(Class::Map(Box::default()), Some(map_proto.clone())));
        // 4. If iterable is either undefined or null, return map.
        let iterable = arg(args, 0);
        if iterable.is_nullish() {
            return Ok(map);
        }
        // 5-6. Let adder be ? Get(map, "set"), which must be callable. 7. Perform ?
        // AddEntriesFromIterable(map, iterable, adder). 8. Return map.
        let adder = get_adder(&map, "set", "Map")?;
        add_entries_from_iterable(&iterable, |k, v| call_sync(&adder, &map, &[k, v]).map(drop))?;
        Ok(map)
    });
    map.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(map.clone()), false);
    // 24.1.2.3 get Map [ @@species ]: Return the this value.
    let species = r.native("get [Symbol.species]", 0, |this, _, _| Ok(this.clone()));
    map.define_accessor(
        &PropertyKey::Symbol(r.symbols.species.clone()),
        Some(JsValue::Object(species)),
        None,
        false,
    );

    // 24.1.3.1 Map.prototype.clear ( ): "3. For each Record { [[Key]], [[Value]] } p of
    // M.[[MapData]], do a. Set p.[[Key]] to empty. b. Set p.[[Value]] to empty."
    r.method(&proto, "clear", 0, |this, _, _| {
        let removed = map_data(this, "Map.prototype.clear")?.borrow_mut().clear();
        drop(removed);
        Ok(JsValue::Undefined)
    });
    // 24.1.3.3 Map.prototype.delete ( key ).
    r.method(&proto, "delete", 1, |this, args, _| {
        let removed = map_data(this, "Map.prototype.delete")?.borrow_mut().delete(&arg(args, 0));
        Ok(JsValue::Bool(removed.is_some()))
    });
    // 24.1.3.4 entries, 24.1.3.8 keys, 24.1.3.11 values: Return ? CreateMapIterator(M, kind).
    for (name, kind) in
        [("entries", IterKind::Entries), ("keys", IterKind::Keys), ("values", IterKind::Values)]
    {
        let iterator_proto = iterator_proto.clone();
        let f = r.native(name, 0, move |this, _, _| {
            let method = format!("Map.prototype.{name}");
            let data = map_data(this, &method)?;
            let JsValue::Object(o) = this else { return Err(incompatible(&method, this)) };
            Ok(create_collection_iterator(o, data, kind, &iterator_proto))
        });
        proto.define(name, JsValue::Object(f.clone()), false);
        // 24.1.3.12 Map.prototype [ @@iterator ]: the initial value of "entries".
        if kind == IterKind::Entries {
            proto.define(&PropertyKey::Symbol(r.symbols.iterator.clone()), JsValue::Object(f), false);
        }
    }
    // 24.1.3.5 Map.prototype.forEach ( callbackfn [ , thisArg ] ).
    r.method(&proto, "forEach", 1, |this, args, _| {
        let data = map_data(this, "Map.prototype.forEach")?;
        // 3. If IsCallable(callbackfn) is false, throw a TypeError exception.
        let f = callback_typed(args, 0)?;
        let this_arg = arg(args, 1);
        // 4-5. For each Record e of entries (Records added during the loop are visited,
        // deleted ones are not): Call(callbackfn, thisArg, « e.[[Value]], e.[[Key]], M »).
        let cursor = data.borrow_mut().cursor();
        loop {
            let next = data.borrow().next(&cursor);
            let Some((k, v)) = next else { break };
            call_sync(&f, &this_arg, &[v, k, this.clone()])?;
        }
        Ok(JsValue::Undefined)
    });
    // 24.1.3.6 Map.prototype.get ( key ).
    r.method(&proto, "get", 1, |this, args, _| {
        Ok(map_data(this, "Map.prototype.get")?.borrow().get(&arg(args, 0)).unwrap_or_default())
    });
    // 24.1.3.7 Map.prototype.has ( key ).
    r.method(&proto, "has", 1, |this, args, _| {
        Ok(JsValue::Bool(map_data(this, "Map.prototype.has")?.borrow().has(&arg(args, 0))))
    });
    // 24.1.3.9 Map.prototype.set ( key, value ): "3. Set key to
    // CanonicalizeKeyedCollectionKey(key)." ... "7. Return M."
    r.method(&proto, "set", 2, |this, args, _| {
        map_data(this, "Map.prototype.set")?.borrow_mut().set(arg(args, 0), arg(args, 1));
        Ok(this.clone())
    });
    // 24.1.3.10 get Map.prototype.size.
    let size = r.native("get size", 0, |this, _, _| {
        Ok(JsValue::Number(map_data(this, "get Map.prototype.size")?.borrow().size() as f64))
    });
    proto.define_accessor("size", Some(JsValue::Object(size)), None, false);
    // 24.1.3.13 Map.prototype [ @@toStringTag ]: "Map".
    proto.define_with(
        &PropertyKey::Symbol(r.symbols.to_string_tag.clone()),
        JsValue::from("Map"),
        false,
        false,
        true,
    );
    r.global.define("Map", JsValue::Object(map), false);
}
