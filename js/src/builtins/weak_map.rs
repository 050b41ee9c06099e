//! The WeakMap constructor and WeakMap.prototype (ECMA-262 24.3), over
//! [`WeakData`](crate::weak_data::WeakData); CanBeHeldWeakly (9.13), which WeakSet shares.

use std::cell::RefCell;
use std::rc::Rc;

use super::map::{add_entries_from_iterable, get_adder, incompatible};
use super::{arg, type_error};
use crate::interp::call_sync;
use crate::property::PropertyKey;
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};
use crate::weak_data::WeakData;

/// CanBeHeldWeakly ( v ) (9.13): "1. If v is an Object, return true. 2. If v is a Symbol and
/// KeyForSymbol(v) is undefined, return true. 3. Return false."
pub(super) fn can_be_held_weakly(v: &JsValue) -> bool {
    match v {
        JsValue::Object(_) => true,
        JsValue::Symbol(s) => !realm().symbol_registry.borrow().iter().any(|(_, r)| Rc::ptr_eq(&r.0, &s.0)),
        _ => false,
    }
}

/// RequireInternalSlot(M, [[WeakMapData]]) (10.1.15), then the data.
fn weak_map_data<'a>(this: &'a JsValue, method: &str) -> Result<&'a RefCell<WeakData>, JsValue> {
    match this {
        JsValue::Object(o) => match o.class() {
            Class::WeakMap(data) => Ok(data),
            _ => Err(incompatible(method, this)),
        },
        _ => Err(incompatible(method, this)),
    }
}

pub(super) fn install(r: &Rc<Realm>) {
    let proto = r.new_object();
    // 24.3.1.1 WeakMap ( [ iterable ] ).
    let weak_map_proto = proto.clone();
    let weak_map = r.native_ctor("WeakMap", 0, move |_, args, new_target| {
        // 1. If NewTarget is undefined, throw a TypeError exception.
        if !new_target {
            return Err(type_error("Constructor WeakMap requires 'new'"));
        }
        // 2-3. OrdinaryCreateFromConstructor(NewTarget, "%WeakMap.prototype%", « [[WeakMapData]] »).
        let map = JsValue::Object(Obj::new(Class::WeakMap(Box::default()), Some(weak_map_proto.clone())));
        // 4. If iterable is either undefined or null, return map.
        let iterable = arg(args, 0);
        if iterable.is_nullish() {
            return Ok(map);
        }
        // 5-6. Let adder be ? Get(map, "set"), which must be callable. 7. Perform ?
        // AddEntriesFromIterable(map, iterable, adder).
        let adder = get_adder(&map, "set", "WeakMap")?;
        add_entries_from_iterable(&iterable, |k, v| call_sync(&adder, &map, &[k, v]).map(drop))?;
        Ok(map)
    });
    weak_map.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(weak_map.clone()), false);

    // 24.3.3.2 WeakMap.prototype.delete ( key ): "3. If CanBeHeldWeakly(key) is false, return
    // false."
    r.method(&proto, "delete", 1, |this, args, _| {
        let removed = weak_map_data(this, "WeakMap.prototype.delete")?.borrow_mut().delete(&arg(args, 0));
        Ok(JsValue::Bool(removed.is_some()))
    });
    // 24.3.3.3 WeakMap.prototype.get ( key ).
    r.method(&proto, "get", 1, |this, args, _| {
        Ok(weak_map_data(this, "WeakMap.prototype.get")?.borrow().get(&arg(args, 0)).unwrap_or_default())
    });
    // 24.3.3.4 WeakMap.prototype.has ( key ).
    r.method(&proto, "has", 1, |this, args, _| {
        Ok(JsValue::Bool(weak_map_data(this, "WeakMap.prototype.has")?.borrow().has(&arg(args, 0))))
    });
    // 24.3.3.5 WeakMap.prototype.set ( key, value ): "3. If CanBeHeldWeakly(key) is false,
    // throw a TypeError exception." ... "6. Return M."
    r.method(&proto, "set", 2, |this, args, _| {
        let data = weak_map_data(this, "WeakMap.prototype.set")?;
        let key = arg(args, 0);
        if !can_be_held_weakly(&key) {
            return Err(type_error("Invalid value used as weak map key"));
        }
        let replaced = data.borrow_mut().set(&key, arg(args, 1));
        drop(replaced);
        Ok(this.clone())
    });
    // 24.3.3.6 WeakMap.prototype [ @@toStringTag ]: "WeakMap".
    proto.define_with(
        &PropertyKey::Symbol(r.symbols.to_string_tag.clone()),
        JsValue::from("WeakMap"),
        false,
        false,
        true,
    );
    r.global.define("WeakMap", JsValue::Object(weak_map), false);
}
