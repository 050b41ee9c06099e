//! The Set constructor, Set.prototype and %SetIteratorPrototype% (ECMA-262 24.2), over
//! [`MapData`](crate::map_data::MapData) (a Set's values are the Records' keys).

use std::cell::RefCell;
use std::rc::Rc;

use super::map::{
    add_values_from_iterable, create_collection_iterator, get_adder, incompatible, install_iterator_proto,
};
use super::{arg, callback_typed, type_error};
use crate::interp::call_sync;
use crate::iteration::IterKind;
use crate::map_data::MapData;
use crate::property::PropertyKey;
use crate::realm::Realm;
use crate::value::{Class, JsValue, Obj};

/// RequireInternalSlot(S, [[SetData]]) (10.1.15), then the data.
fn set_data<'a>(this: &'a JsValue, method: &str) -> Result<&'a RefCell<MapData>, JsValue> {
    match this {
        JsValue::Object(o) => match o.class() {
            Class::Set(data) => Ok(data),
            _ => Err(incompatible(method, this)),
        },
        _ => Err(incompatible(method, this)),
    }
}

pub(super) fn install(r: &Rc<Realm>) {
    let proto = r.set_proto.clone();
    let iterator_proto = install_iterator_proto(r, "Set Iterator", true);
    // 24.2.2.1 Set ( [ iterable ] ).
    let set_proto = proto.clone();
    let set = r.native_ctor("Set", 0, move |_, args, new_target| {
        // 1. If NewTarget is undefined, throw a TypeError exception.
        if !new_target {
            return Err(type_error("Constructor Set requires 'new'"));
        }
        // 2-3. OrdinaryCreateFromConstructor(NewTarget, "%Set.prototype%", « [[SetData]] »).
        let set = JsValue::Object(Obj::new(Class::Set(Box::default()), Some(set_proto.clone())));
        // 4. If iterable is either undefined or null, return set.
        let iterable = arg(args, 0);
        if iterable.is_nullish() {
            return Ok(set);
        }
        // 5-6. Let adder be ? Get(set, "add"), which must be callable. 7-8. Call it with each
        // value of the iterable, closing the iterator on an abrupt completion.
        let adder = get_adder(&set, "add", "Set")?;
        add_values_from_iterable(&iterable, |v| call_sync(&adder, &set, &[v]).map(drop))?;
        Ok(set)
    });
    set.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(set.clone()), false);
    // 24.2.3.2 get Set [ @@species ]: Return the this value.
    let species = r.native("get [Symbol.species]", 0, |this, _, _| Ok(this.clone()));
    set.define_accessor(
        &PropertyKey::Symbol(r.symbols.species.clone()),
        Some(JsValue::Object(species)),
        None,
        false,
    );

    // 24.2.4.1 Set.prototype.add ( value ): "3. Set value to
    // CanonicalizeKeyedCollectionKey(value)." ... "6. Return S."
    r.method(&proto, "add", 1, |this, args, _| {
        let data = set_data(this, "Set.prototype.add")?;
        // 4-5. An element already there stays where it is (setting its Record is a no-op).
        data.borrow_mut().set(arg(args, 0), JsValue::Undefined);
        Ok(this.clone())
    });
    // 24.2.4.2 Set.prototype.clear ( ).
    r.method(&proto, "clear", 0, |this, _, _| {
        let removed = set_data(this, "Set.prototype.clear")?.borrow_mut().clear();
        drop(removed);
        Ok(JsValue::Undefined)
    });
    // 24.2.4.4 Set.prototype.delete ( value ).
    r.method(&proto, "delete", 1, |this, args, _| {
        let removed = set_data(this, "Set.prototype.delete")?.borrow_mut().delete(&arg(args, 0));
        Ok(JsValue::Bool(removed.is_some()))
    });
    // 24.2.4.6 entries, 24.2.4.18 values: Return ? CreateSetIterator(S, kind).
    let mut values = None;
    for (name, kind) in [("entries", IterKind::Entries), ("values", IterKind::Values)] {
        let iterator_proto = iterator_proto.clone();
        let f = r.native(name, 0, move |this, _, _| {
            let method = format!("Set.prototype.{name}");
            let data = set_data(this, &method)?;
            let JsValue::Object(o) = this else { return Err(incompatible(&method, this)) };
            Ok(create_collection_iterator(o, data, kind, &iterator_proto))
        });
        proto.define(name, JsValue::Object(f.clone()), false);
        if kind == IterKind::Values {
            values = Some(f);
        }
    }
    // 24.2.4.7 Set.prototype.forEach ( callbackfn [ , thisArg ] ).
    r.method(&proto, "forEach", 1, |this, args, _| {
        let data = set_data(this, "Set.prototype.forEach")?;
        let f = callback_typed(args, 0)?;
        let this_arg = arg(args, 1);
        // 6-7. For each element e of entries, Call(callbackfn, thisArg, « e, e, S »), visiting
        // elements added during the loop and not deleted ones.
        let cursor = data.borrow_mut().cursor();
        loop {
            let next = data.borrow().next(&cursor);
            let Some((v, _)) = next else { break };
            call_sync(&f, &this_arg, &[v.clone(), v, this.clone()])?;
        }
        Ok(JsValue::Undefined)
    });
    // 24.2.4.8 Set.prototype.has ( value ).
    r.method(&proto, "has", 1, |this, args, _| {
        Ok(JsValue::Bool(set_data(this, "Set.prototype.has")?.borrow().has(&arg(args, 0))))
    });
    // 24.2.4.14 get Set.prototype.size.
    let size = r.native("get size", 0, |this, _, _| {
        Ok(JsValue::Number(set_data(this, "get Set.prototype.size")?.borrow().size() as f64))
    });
    proto.define_accessor("size", Some(JsValue::Object(size)), None, false);
    if let Some(values) = values {
        // 24.2.4.11 keys: "The initial value of the "keys" property is %Set.prototype.values%."
        // 24.2.4.19 Set.prototype [ @@iterator ]: the same.
        proto.define("keys", JsValue::Object(values.clone()), false);
        proto.define(&PropertyKey::Symbol(r.symbols.iterator.clone()), JsValue::Object(values), false);
    }
    // 24.2.4.20 Set.prototype [ @@toStringTag ]: "Set".
    proto.define_with(
        &PropertyKey::Symbol(r.symbols.to_string_tag.clone()),
        JsValue::from("Set"),
        false,
        false,
        true,
    );
    r.global.define("Set", JsValue::Object(set), false);
}
