//! The Reflect object (ECMA-262 2025, 28.1): the object internal methods as functions.

use std::rc::Rc;

use super::array::to_list;
use super::object::{from_property_descriptor, to_property_descriptor};
use super::{arg, type_error};
use crate::interp::{call_sync, construct_sync};
use crate::realm::{Realm, realm};
use crate::value::{JsValue, Obj};

/// Step 1 of most Reflect functions: If target is not an Object, throw a TypeError exception.
fn target(args: &[JsValue], method: &str) -> Result<Obj, JsValue> {
    match arg(args, 0) {
        JsValue::Object(o) => Ok(o),
        _ => Err(type_error(&format!("Reflect.{method} called on non-object"))),
    }
}

/// CreateListFromArrayLike (7.3.18): an arguments list; anything but an object is a TypeError.
fn argument_list(v: &JsValue) -> Result<Vec<JsValue>, JsValue> {
    // 2. If obj is not an Object, throw a TypeError exception.
    if !matches!(v, JsValue::Object(_)) {
        return Err(type_error("CreateListFromArrayLike called on non-object"));
    }
    to_list(v)
}

pub(crate) fn install(r: &Rc<Realm>) {
    let reflect = r.new_object();
    // 28.1.1 Reflect.apply ( target, thisArgument, argumentsList )
    r.method(&reflect, "apply", 3, |_, args, _| {
        let f = arg(args, 0);
        // 1. If IsCallable(target) is false, throw a TypeError exception.
        if !f.is_callable() {
            return Err(type_error(&format!("{} is not a function", crate::inspect::inspect(&f))));
        }
        // 2. Let args be ? CreateListFromArrayLike(argumentsList).
        let list = argument_list(&arg(args, 2))?;
        // 4. Return ? Call(target, thisArgument, args).
        call_sync(&f, &arg(args, 1), &list)
    });
    // 28.1.2 Reflect.construct ( target [ , argumentsList [ , newTarget ] ] )
    r.method(&reflect, "construct", 2, |_, args, _| {
        let f = arg(args, 0);
        // 1. If IsConstructor(target) is false, throw a TypeError exception.
        if !f.as_object().is_some_and(Obj::is_constructor) {
            return Err(type_error(&format!("{} is not a constructor", crate::inspect::inspect(&f))));
        }
        // 2. If newTarget is not present, set newTarget to target.
        // 3. Else if IsConstructor(newTarget) is false, throw a TypeError exception.
        let new_target = if args.len() < 3 { f.clone() } else { arg(args, 2) };
        if !new_target.as_object().is_some_and(Obj::is_constructor) {
            return Err(type_error(&format!(
                "{} is not a constructor",
                crate::inspect::inspect(&new_target)
            )));
        }
        // 4. Let args be ? CreateListFromArrayLike(argumentsList).
        let list = argument_list(&arg(args, 1))?;
        // 5. Return ? Construct(target, args, newTarget).
        construct_sync(&f, list, &new_target)
    });
    // 28.1.3 Reflect.defineProperty ( target, propertyKey, attributes )
    r.method(&reflect, "defineProperty", 3, |_, args, _| {
        let o = target(args, "defineProperty")?;
        // 2. Let key be ? ToPropertyKey(propertyKey).
        let key = arg(args, 1).to_key()?;
        // 3. Let desc be ? ToPropertyDescriptor(attributes).
        let desc = to_property_descriptor(&arg(args, 2))?;
        // 4. Return ? target.[[DefineOwnProperty]](key, desc).
        Ok(JsValue::Bool(o.define_own_property(&key, desc)?))
    });
    // 28.1.4 Reflect.deleteProperty ( target, propertyKey )
    r.method(&reflect, "deleteProperty", 2, |_, args, _| {
        let o = target(args, "deleteProperty")?;
        let key = arg(args, 1).to_key()?;
        Ok(JsValue::Bool(o.delete(&key)))
    });
    // 28.1.5 Reflect.get ( target, propertyKey [ , receiver ] )
    r.method(&reflect, "get", 2, |_, args, _| {
        let o = target(args, "get")?;
        let key = arg(args, 1).to_key()?;
        // 3. If receiver is not present, set receiver to target.
        let receiver = if args.len() < 3 { JsValue::Object(o.clone()) } else { arg(args, 2) };
        // 4. Return ? target.[[Get]](key, receiver).
        o.get_with(&key, &receiver)
    });
    // 28.1.6 Reflect.getOwnPropertyDescriptor ( target, propertyKey )
    r.method(&reflect, "getOwnPropertyDescriptor", 2, |_, args, _| {
        let o = target(args, "getOwnPropertyDescriptor")?;
        let key = arg(args, 1).to_key()?;
        Ok(from_property_descriptor(o.get_own_property(&key)))
    });
    // 28.1.7 Reflect.getPrototypeOf ( target )
    r.method(&reflect, "getPrototypeOf", 1, |_, args, _| {
        let o = target(args, "getPrototypeOf")?;
        Ok(o.proto().map_or(JsValue::Null, JsValue::Object))
    });
    // 28.1.8 Reflect.has ( target, propertyKey )
    r.method(&reflect, "has", 2, |_, args, _| {
        let o = target(args, "has")?;
        let key = arg(args, 1).to_key()?;
        Ok(JsValue::Bool(o.has_property(&key)))
    });
    // 28.1.9 Reflect.isExtensible ( target )
    r.method(&reflect, "isExtensible", 1, |_, args, _| {
        Ok(JsValue::Bool(target(args, "isExtensible")?.is_extensible()))
    });
    // 28.1.10 Reflect.ownKeys ( target )
    r.method(&reflect, "ownKeys", 1, |_, args, _| {
        let o = target(args, "ownKeys")?;
        // 2-3. Let keys be ? target.[[OwnPropertyKeys]](); return CreateArrayFromList(keys).
        Ok(realm().new_array(o.own_property_keys().iter().map(|k| k.to_value()).collect()))
    });
    // 28.1.11 Reflect.preventExtensions ( target )
    r.method(&reflect, "preventExtensions", 1, |_, args, _| {
        Ok(JsValue::Bool(target(args, "preventExtensions")?.prevent_extensions()))
    });
    // 28.1.12 Reflect.set ( target, propertyKey, V [ , receiver ] )
    r.method(&reflect, "set", 3, |_, args, _| {
        let o = target(args, "set")?;
        let key = arg(args, 1).to_key()?;
        let receiver = if args.len() < 4 { JsValue::Object(o.clone()) } else { arg(args, 3) };
        Ok(JsValue::Bool(o.set_with(&key, arg(args, 2), &receiver)?))
    });
    // 28.1.13 Reflect.setPrototypeOf ( target, proto )
    r.method(&reflect, "setPrototypeOf", 2, |_, args, _| {
        let o = target(args, "setPrototypeOf")?;
        // 2. If proto is not an Object and proto is not null, throw a TypeError exception.
        let proto = match arg(args, 1) {
            JsValue::Object(p) => Some(p),
            JsValue::Null => None,
            _ => return Err(type_error("Object prototype may only be an Object or null")),
        };
        Ok(JsValue::Bool(o.set_prototype_of(proto)))
    });
    // 28.1.14 Reflect [ @@toStringTag ]: "Reflect".
    let tag = crate::property::PropertyKey::Symbol(r.symbols.to_string_tag.clone());
    reflect.define_with(&tag, JsValue::from("Reflect"), false, false, true);
    r.global.define("Reflect", JsValue::Object(reflect), false);
}
