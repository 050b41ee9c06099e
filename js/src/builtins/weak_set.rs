//! The WeakSet constructor and WeakSet.prototype (ECMA-262 24.4), over
//! [`WeakData`](crate::weak_data::WeakData).

use std::cell::RefCell;
use std::rc::Rc;

use super::map::{add_values_from_iterable, get_adder, incompatible};
use super::weak_map::can_be_held_weakly;
use super::{arg, type_error};
use crate::interp::call_sync;
use crate::property::PropertyKey;
use crate::realm::Realm;
use crate::value::{Class, JsValue, Obj};
use crate::weak_data::WeakData;

/// RequireInternalSlot(S, [[WeakSetData]]) (10.1.15), then the data.
fn weak_set_data<'a>(this: &'a JsValue, method: &str) -> Result<&'a RefCell<WeakData>, JsValue> {
    match this {
        JsValue::Object(o) => match o.class() {
            Class::WeakSet(data) => Ok(data),
            _ => Err(incompatible(method, this)),
        },
        _ => Err(incompatible(method, this)),
    }
}

pub(super) fn install(r: &Rc<Realm>) {
    let proto = r.new_object();
    // 24.4.1.1 WeakSet ( [ iterable ] ).
    let weak_set_proto = proto.clone();
    let weak_set = r.native_ctor("WeakSet", 0, move |_, args, new_target| {
        // 1. If NewTarget is undefined, throw a TypeError exception.
        if !new_target {
            return Err(type_error("Constructor WeakSet requires 'new'"));
        }
        // 2-3. OrdinaryCreateFromConstructor(NewTarget, "%WeakSet.prototype%", « [[WeakSetData]] »).
        let set = JsValue::Object(Obj::new(Class::WeakSet(Box::default()), Some(weak_set_proto.clone())));
        // 4. If iterable is either undefined or null, return set.
        let iterable = arg(args, 0);
        if iterable.is_nullish() {
            return Ok(set);
        }
        // 5-6. Let adder be ? Get(set, "add"), which must be callable. 7-8. Call it with each
        // value of the iterable, closing the iterator on an abrupt completion.
        let adder = get_adder(&set, "add", "WeakSet")?;
        add_values_from_iterable(&iterable, |v| call_sync(&adder, &set, &[v]).map(drop))?;
        Ok(set)
    });
    weak_set.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(weak_set.clone()), false);

    // 24.4.3.1 WeakSet.prototype.add ( value ): "3. If CanBeHeldWeakly(value) is false, throw
    // a TypeError exception." ... "6. Return S."
    r.method(&proto, "add", 1, |this, args, _| {
        let data = weak_set_data(this, "WeakSet.prototype.add")?;
        let value = arg(args, 0);
        if !can_be_held_weakly(&value) {
            return Err(type_error("Invalid value used in weak set"));
        }
        // 4-5. A value already there stays (replacing its Record changes nothing).
        let replaced = data.borrow_mut().set(&value, JsValue::Undefined);
        drop(replaced);
        Ok(this.clone())
    });
    // 24.4.3.3 WeakSet.prototype.delete ( value ).
    r.method(&proto, "delete", 1, |this, args, _| {
        let removed = weak_set_data(this, "WeakSet.prototype.delete")?.borrow_mut().delete(&arg(args, 0));
        Ok(JsValue::Bool(removed.is_some()))
    });
    // 24.4.3.4 WeakSet.prototype.has ( value ).
    r.method(&proto, "has", 1, |this, args, _| {
        Ok(JsValue::Bool(weak_set_data(this, "WeakSet.prototype.has")?.borrow().has(&arg(args, 0))))
    });
    // 24.4.3.5 WeakSet.prototype [ @@toStringTag ]: "WeakSet".
    proto.define_with(
        &PropertyKey::Symbol(r.symbols.to_string_tag.clone()),
        JsValue::from("WeakSet"),
        false,
        false,
        true,
    );
    r.global.define("WeakSet", JsValue::Object(weak_set), false);
}
