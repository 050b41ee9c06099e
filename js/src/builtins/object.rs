//! The Object constructor and Object.prototype (ECMA-262 2025, 20.1), with the property
//! descriptor conversions (6.2.6.4 FromPropertyDescriptor, 6.2.6.5 ToPropertyDescriptor) and the
//! integrity levels (7.3.15 SetIntegrityLevel, 7.3.16 TestIntegrityLevel).

use std::rc::Rc;

use super::{R, arg, type_error};
use crate::inspect::inspect;
use crate::object::IntegrityLevel;
use crate::property::{PropertyDescriptor, PropertyKey};
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};

/// ToObject (7.1.18): a primitive becomes its wrapper object (Table 16).
pub(crate) fn to_object(v: &JsValue) -> Result<Obj, JsValue> {
    let r = realm();
    Ok(match v {
        JsValue::Object(o) => o.clone(),
        JsValue::Undefined | JsValue::Null => {
            return Err(type_error("Cannot convert undefined or null to object"));
        }
        JsValue::Symbol(s) => Obj::new(Class::Symbol(s.clone()), Some(r.symbol_proto.clone())),
        JsValue::String(s) => {
            // A String exotic object (10.4.3): [[StringData]], the code units as read-only
            // index properties, and `length`.
            let o = Obj::new(Class::Primitive(v.clone()), Some(r.string_proto.clone()));
            for (i, u) in s.encode_utf16().enumerate() {
                o.define_with(
                    &i.to_string(),
                    JsValue::from(String::from_utf16_lossy(&[u])),
                    false,
                    true,
                    false,
                );
            }
            o.define_with("length", JsValue::Number(s.encode_utf16().count() as f64), false, false, false);
            o
        }
        JsValue::Number(_) => Obj::new(Class::Primitive(v.clone()), Some(r.number_proto.clone())),
        JsValue::Bool(_) => Obj::new(Class::Primitive(v.clone()), Some(r.boolean_proto.clone())),
        JsValue::BigInt(_) => Obj::new(Class::Primitive(v.clone()), Some(r.bigint_proto.clone())),
    })
}

/// FromPropertyDescriptor (6.2.6.4).
pub(crate) fn from_property_descriptor(desc: Option<PropertyDescriptor>) -> JsValue {
    // 1. If Desc is undefined, return undefined.
    let Some(desc) = desc else { return JsValue::Undefined };
    // 2. Let obj be OrdinaryObjectCreate(%Object.prototype%).
    let obj = realm().new_object();
    // 3-10. For each field present in Desc, CreateDataPropertyOrThrow(obj, field name, value),
    // in the order value, writable, get, set, enumerable, configurable.
    if let Some(v) = desc.value {
        obj.define("value", v, true);
    }
    if let Some(w) = desc.writable {
        obj.define("writable", JsValue::Bool(w), true);
    }
    if let Some(g) = desc.get {
        obj.define("get", g, true);
    }
    if let Some(s) = desc.set {
        obj.define("set", s, true);
    }
    if let Some(e) = desc.enumerable {
        obj.define("enumerable", JsValue::Bool(e), true);
    }
    if let Some(c) = desc.configurable {
        obj.define("configurable", JsValue::Bool(c), true);
    }
    // 11. Return obj.
    JsValue::Object(obj)
}

/// ToPropertyDescriptor (6.2.6.5).
pub(crate) fn to_property_descriptor(v: &JsValue) -> Result<PropertyDescriptor, JsValue> {
    // 1. If Obj is not an Object, throw a TypeError exception.
    let JsValue::Object(obj) = v else {
        return Err(type_error(&format!("Property description must be an object: {}", inspect(v))));
    };
    // 2. Let desc be a new Property Descriptor that initially has no fields.
    let mut desc = PropertyDescriptor::default();
    let field = |name: &str| -> Result<Option<JsValue>, JsValue> {
        // HasProperty(Obj, name), then Get(Obj, name).
        if obj.has_property(name) { Ok(Some(obj.get(name)?)) } else { Ok(None) }
    };
    // 3-4. enumerable: ToBoolean(? Get(Obj, "enumerable")).
    desc.enumerable = field("enumerable")?.map(|v| v.truthy());
    // 5-6. configurable.
    desc.configurable = field("configurable")?.map(|v| v.truthy());
    // 7-8. value.
    desc.value = field("value")?;
    // 9-10. writable.
    desc.writable = field("writable")?.map(|v| v.truthy());
    // 11-12. get: if IsCallable(getter) is false and getter is not undefined, throw a TypeError.
    if let Some(g) = field("get")? {
        if !g.is_callable() && !matches!(g, JsValue::Undefined) {
            return Err(type_error(&format!("Getter must be a function: {}", inspect(&g))));
        }
        desc.get = Some(g);
    }
    // 13-14. set, likewise.
    if let Some(s) = field("set")? {
        if !s.is_callable() && !matches!(s, JsValue::Undefined) {
            return Err(type_error(&format!("Setter must be a function: {}", inspect(&s))));
        }
        desc.set = Some(s);
    }
    // 15. If desc has a [[Get]] or [[Set]] field, then if desc has a [[Value]] or [[Writable]]
    // field, throw a TypeError exception.
    if desc.is_accessor() && desc.is_data() {
        return Err(type_error(
            "Invalid property descriptor. Cannot both specify accessors and a value or writable attribute",
        ));
    }
    // 16. Return desc.
    Ok(desc)
}

/// DefinePropertyOrThrow (7.3.8).
pub(crate) fn define_property_or_throw(o: &Obj, key: &PropertyKey, desc: PropertyDescriptor) -> R {
    // 1. Let success be ? O.[[DefineOwnProperty]](P, desc).
    // 2. If success is false, throw a TypeError exception.
    if !o.define_own_property(key, desc)? {
        return Err(type_error(&format!("Cannot redefine property: {}", key.display())));
    }
    // 3. Return unused.
    Ok(JsValue::Undefined)
}

/// A prototype argument of Object.create (step 1) or Object.setPrototypeOf (step 2): an Object
/// or null, else a TypeError (V8's message).
fn prototype_argument(v: JsValue) -> Result<Option<Obj>, JsValue> {
    match v {
        JsValue::Object(p) => Ok(Some(p)),
        JsValue::Null => Ok(None),
        other => {
            Err(type_error(&format!("Object prototype may only be an Object or null: {}", inspect(&other))))
        }
    }
}

/// The steps Object.freeze (20.1.2.6) and Object.seal (20.1.2.21) share, with `level` frozen or
/// sealed.
fn set_integrity_level_of(v: JsValue, level: IntegrityLevel, failure: &str) -> Result<JsValue, JsValue> {
    // 1. If O is not an Object, return O.
    let JsValue::Object(o) = &v else { return Ok(v) };
    // 2. Let status be ? SetIntegrityLevel(O, level).
    // 3. If status is false, throw a TypeError exception.
    if !set_integrity_level(o, level)? {
        return Err(type_error(failure));
    }
    // 4. Return O.
    Ok(v)
}

/// SetIntegrityLevel (7.3.15).
fn set_integrity_level(o: &Obj, level: IntegrityLevel) -> Result<bool, JsValue> {
    // 1-2. Let status be ? O.[[PreventExtensions]](); if false, return false.
    if !o.prevent_extensions() {
        return Ok(false);
    }
    // Elements of an array share their attributes (see `IntegrityLevel`).
    if o.array_items().is_some() && o.0.elements.get() != IntegrityLevel::Frozen {
        o.0.elements.set(level);
        // Frozen elements are not writable: a mapped arguments object's indices are unmapped
        // (10.4.4.2 step 7.b.i).
        if let (IntegrityLevel::Frozen, Class::Arguments(a)) = (level, o.class()) {
            a.unmap_all();
        }
    }
    // 3. Let keys be ? O.[[OwnPropertyKeys]]().
    let keys: Vec<PropertyKey> =
        o.own_property_keys().into_iter().filter(|k| k.array_index().is_none()).collect();
    for k in keys {
        if o.array_items().is_some() && k.as_str() == Some("length") {
            continue;
        }
        let desc = match level {
            // 4. If level is sealed: DefinePropertyOrThrow(O, k, { [[Configurable]]: false }).
            IntegrityLevel::Sealed | IntegrityLevel::None => {
                PropertyDescriptor { configurable: Some(false), ..PropertyDescriptor::default() }
            }
            // 5. Else (frozen): an accessor gets { [[Configurable]]: false }, a data property
            // { [[Configurable]]: false, [[Writable]]: false }.
            IntegrityLevel::Frozen => match o.get_own_property(&k) {
                None => continue,
                Some(current) if current.is_accessor() => {
                    PropertyDescriptor { configurable: Some(false), ..PropertyDescriptor::default() }
                }
                Some(_) => PropertyDescriptor {
                    configurable: Some(false),
                    writable: Some(false),
                    ..PropertyDescriptor::default()
                },
            },
        };
        define_property_or_throw(o, &k, desc)?;
    }
    // 6. Return true.
    Ok(true)
}

/// TestIntegrityLevel (7.3.16).
fn test_integrity_level(o: &Obj, level: IntegrityLevel) -> bool {
    // 1-2. If IsExtensible(O) is true, return false.
    if o.is_extensible() {
        return false;
    }
    // 3-4. For each own key: a configurable property fails the test, and so, for frozen, does
    // a writable data property.
    for k in o.own_property_keys() {
        if let Some(d) = o.get_own_property(&k) {
            if d.configurable == Some(true) {
                return false;
            }
            if level == IntegrityLevel::Frozen && d.is_data() && d.writable == Some(true) {
                return false;
            }
        }
    }
    // 5. Return true.
    true
}

/// ObjectDefineProperties (20.1.2.3.1).
fn object_define_properties(o: &Obj, properties: &JsValue) -> R {
    // 1. Let props be ? ToObject(Properties).
    let props = to_object(properties)?;
    // 2. Let keys be ? props.[[OwnPropertyKeys]]().
    // 3-4. For each key whose own property is enumerable: descriptors first, all of them...
    let mut descriptors = Vec::new();
    for key in props.own_property_keys() {
        if let Some(d) = props.get_own_property(&key)
            && d.enumerable == Some(true)
        {
            let desc_obj = props.get(&key)?;
            descriptors.push((key, to_property_descriptor(&desc_obj)?));
        }
    }
    // 5. ...then, for each, ? DefinePropertyOrThrow(O, P, desc).
    for (key, desc) in descriptors {
        define_property_or_throw(o, &key, desc)?;
    }
    // 6. Return O.
    Ok(JsValue::Object(o.clone()))
}

/// EnumerableOwnProperties (7.3.23): keys, values or [key, value] entries.
fn enumerable_own_properties(o: &Obj, kind: &str) -> Result<Vec<JsValue>, JsValue> {
    let r = realm();
    let mut out = Vec::new();
    // 1. Let ownKeys be ? O.[[OwnPropertyKeys]]().
    for key in o.own_property_keys() {
        // 3.a. If key is a String, then
        let PropertyKey::String(name) = &key else { continue };
        // i-ii. Let desc be ? O.[[GetOwnProperty]](key); if desc is not undefined and
        // desc.[[Enumerable]] is true, then
        if o.get_own_property(&key).is_none_or(|d| d.enumerable != Some(true)) {
            continue;
        }
        match kind {
            "key" => out.push(JsValue::String(name.clone().into())),
            _ => {
                let value = o.get(&key)?;
                if kind == "value" {
                    out.push(value);
                } else {
                    out.push(r.new_array(vec![JsValue::String(name.clone().into()), value]));
                }
            }
        }
    }
    Ok(out)
}

fn proto_value(o: Option<Obj>) -> JsValue {
    o.map_or(JsValue::Null, JsValue::Object)
}

pub(crate) fn install(r: &Rc<Realm>) {
    let proto = &r.object_proto;
    // 20.1.3.2 Object.prototype.hasOwnProperty ( V )
    r.method(proto, "hasOwnProperty", 1, |this, args, _| {
        // 1. Let P be ? ToPropertyKey(V).
        let key = arg(args, 0).to_key()?;
        // 2. Let O be ? ToObject(this value).
        let o = to_object(this)?;
        // 3. Return ? HasOwnProperty(O, P).
        Ok(JsValue::Bool(o.has_own(&key)))
    });
    // 20.1.3.3 Object.prototype.isPrototypeOf ( V )
    r.method(proto, "isPrototypeOf", 1, |this, args, _| {
        // 1. If V is not an Object, return false.
        let JsValue::Object(v) = arg(args, 0) else { return Ok(JsValue::Bool(false)) };
        // 2. Let O be ? ToObject(this value).
        let o = to_object(this)?;
        // 3. Repeat: V = ? V.[[GetPrototypeOf]](); null → false; SameValue(O, V) → true.
        let mut current = v.proto();
        while let Some(p) = current {
            if p.ptr_eq(&o) {
                return Ok(JsValue::Bool(true));
            }
            current = p.proto();
        }
        Ok(JsValue::Bool(false))
    });
    // 20.1.3.4 Object.prototype.propertyIsEnumerable ( V )
    r.method(proto, "propertyIsEnumerable", 1, |this, args, _| {
        // 1. Let P be ? ToPropertyKey(V).
        let key = arg(args, 0).to_key()?;
        // 2. Let O be ? ToObject(this value).
        let o = to_object(this)?;
        // 3-5. Let desc be ? O.[[GetOwnProperty]](P); undefined → false; return
        // desc.[[Enumerable]].
        Ok(JsValue::Bool(o.get_own_property(&key).is_some_and(|d| d.enumerable == Some(true))))
    });
    // 20.1.3.6 Object.prototype.toString ( )
    r.method(proto, "toString", 0, |this, _, _| {
        // 1-2. undefined and null.
        let o = match this {
            JsValue::Undefined => return Ok(JsValue::from("[object Undefined]")),
            JsValue::Null => return Ok(JsValue::from("[object Null]")),
            // 3. Let O be ! ToObject(this value).
            other => to_object(other)?,
        };
        // 4-14. The builtinTag from the object's internal slots.
        let builtin = match (this, o.class()) {
            (_, Class::Array(_)) => "Array",
            (_, Class::Arguments(_)) => "Arguments",
            (_, Class::Function(_)) => "Function",
            (_, Class::Error(_)) => "Error",
            (_, Class::RegExp(_)) => "RegExp",
            (_, Class::Date(_)) => "Date",
            (_, Class::Primitive(JsValue::String(_))) => "String",
            (_, Class::Primitive(JsValue::Number(_))) => "Number",
            (_, Class::Primitive(JsValue::Bool(_))) => "Boolean",
            _ => "Object",
        };
        // 15. Let tag be ? Get(O, @@toStringTag).
        let tag = o.get(&PropertyKey::Symbol(realm().symbols.to_string_tag.clone()))?;
        // 16. If tag is not a String, set tag to builtinTag.
        let tag = match tag {
            JsValue::String(s) => s.to_string(),
            _ => builtin.to_string(),
        };
        // 17. Return the string-concatenation of "[object ", tag, and "]".
        Ok(JsValue::from(format!("[object {tag}]")))
    });
    // 20.1.3.5 Object.prototype.toLocaleString ( ): Invoke(O, "toString").
    r.method(proto, "toLocaleString", 0, |this, _, _| {
        let f = this.get("toString")?;
        crate::interp::call_sync(&f, this, &[])
    });
    // 20.1.3.7 Object.prototype.valueOf ( ): Return ? ToObject(this value).
    r.method(proto, "valueOf", 0, |this, _, _| match this {
        JsValue::Object(_) => Ok(this.clone()),
        other => to_object(other).map(JsValue::Object),
    });

    // 20.1.1.1 Object ( [ value ] )
    let object = r.native_ctor("Object", 1, |_, args, _| {
        Ok(match arg(args, 0) {
            // 2. If value is either undefined or null, return OrdinaryObjectCreate(%Object.prototype%).
            JsValue::Undefined | JsValue::Null => JsValue::Object(realm().new_object()),
            // 3. Return ! ToObject(value).
            v => JsValue::Object(to_object(&v)?),
        })
    });
    object.define_with("prototype", JsValue::Object(proto.clone()), false, false, false);
    proto.define("constructor", JsValue::Object(object.clone()), false);

    // 20.1.2.1 Object.assign ( target, ...sources )
    r.method(&object, "assign", 2, |_, args, _| {
        // 1. Let to be ? ToObject(target).
        let to = to_object(&arg(args, 0))?;
        // 3. For each element nextSource of sources, do
        for source in args.iter().skip(1) {
            // a. If nextSource is neither undefined nor null, then
            if source.is_nullish() {
                continue;
            }
            // i. Let from be ! ToObject(nextSource).
            let from = to_object(source)?;
            // ii. Let keys be ? from.[[OwnPropertyKeys]]().
            for key in from.own_property_keys() {
                // iii. For each key: if its own property is enumerable, Set(to, key, Get(from,
                // key), true).
                if from.get_own_property(&key).is_some_and(|d| d.enumerable == Some(true)) {
                    let v = from.get(&key)?;
                    crate::interp::set_member(&JsValue::Object(to.clone()), &key, v, true)?;
                }
            }
        }
        // 4. Return to.
        Ok(JsValue::Object(to))
    });
    // 20.1.2.2 Object.create ( O, Properties )
    r.method(&object, "create", 2, |_, args, _| {
        // 1. If O is not an Object and O is not null, throw a TypeError exception.
        let proto = prototype_argument(arg(args, 0))?;
        // 2. Let obj be OrdinaryObjectCreate(O).
        let obj = Obj::new(Class::Object, proto);
        // 3. If Properties is not undefined, return ? ObjectDefineProperties(obj, Properties).
        let properties = arg(args, 1);
        if !matches!(properties, JsValue::Undefined) {
            return object_define_properties(&obj, &properties);
        }
        // 4. Return obj.
        Ok(JsValue::Object(obj))
    });
    // 20.1.2.3 Object.defineProperties ( O, Properties )
    r.method(&object, "defineProperties", 2, |_, args, _| {
        // 1. If O is not an Object, throw a TypeError exception.
        let JsValue::Object(o) = arg(args, 0) else {
            return Err(type_error("Object.defineProperties called on non-object"));
        };
        // 2. Return ? ObjectDefineProperties(O, Properties).
        object_define_properties(&o, &arg(args, 1))
    });
    // 20.1.2.4 Object.defineProperty ( O, P, Attributes )
    r.method(&object, "defineProperty", 3, |_, args, _| {
        // 1. If O is not an Object, throw a TypeError exception.
        let JsValue::Object(o) = arg(args, 0) else {
            return Err(type_error("Object.defineProperty called on non-object"));
        };
        // 2. Let key be ? ToPropertyKey(P).
        let key = arg(args, 1).to_key()?;
        // 3. Let desc be ? ToPropertyDescriptor(Attributes).
        let desc = to_property_descriptor(&arg(args, 2))?;
        // 4. Perform ? DefinePropertyOrThrow(O, key, desc).
        define_property_or_throw(&o, &key, desc)?;
        // 5. Return O.
        Ok(JsValue::Object(o))
    });
    // 20.1.2.5 Object.entries ( O )
    r.method(&object, "entries", 1, |_, args, _| {
        let o = to_object(&arg(args, 0))?;
        Ok(realm().new_array(enumerable_own_properties(&o, "key+value")?))
    });
    // 20.1.2.7 Object.fromEntries ( iterable ).
    r.method(&object, "fromEntries", 1, |_, args, _| {
        // 1. Perform ? RequireObjectCoercible(iterable).
        let iterable = arg(args, 0);
        if iterable.is_nullish() {
            return Err(type_error(&format!("{} is not iterable", crate::inspect::inspect(&iterable))));
        }
        // 2. Let obj be OrdinaryObjectCreate(%Object.prototype%). 3-6. AddEntriesFromIterable(obj,
        // iterable, adder), the adder being CreateDataPropertyOrThrow(obj, ToPropertyKey(key), value).
        let obj = realm().new_object();
        super::map::add_entries_from_iterable(&iterable, |k, v| {
            obj.create_data_property(&k.to_key()?, v).map(drop)
        })?;
        Ok(JsValue::Object(obj))
    });
    // 20.1.2.6 Object.freeze ( O )
    r.method(&object, "freeze", 1, |_, args, _| {
        set_integrity_level_of(arg(args, 0), IntegrityLevel::Frozen, "Cannot freeze")
    });
    // 20.1.2.13 Object.hasOwn ( O, P ): "1. Let obj be ? ToObject(O). 2. Let key be ?
    // ToPropertyKey(P). 3. Return ? HasOwnProperty(obj, key)."
    r.method(&object, "hasOwn", 2, |_, args, _| {
        let o = to_object(&arg(args, 0))?;
        let key = arg(args, 1).to_key()?;
        Ok(JsValue::Bool(o.get_own_property(&key).is_some()))
    });
    // 20.1.2.8 Object.getOwnPropertyDescriptor ( O, P )
    r.method(&object, "getOwnPropertyDescriptor", 2, |_, args, _| {
        // 1. Let obj be ? ToObject(O).
        let o = to_object(&arg(args, 0))?;
        // 2. Let key be ? ToPropertyKey(P).
        let key = arg(args, 1).to_key()?;
        // 3. Let desc be ? obj.[[GetOwnProperty]](key).
        // 4. Return FromPropertyDescriptor(desc).
        Ok(from_property_descriptor(o.get_own_property(&key)))
    });
    // 20.1.2.9 Object.getOwnPropertyDescriptors ( O )
    r.method(&object, "getOwnPropertyDescriptors", 1, |_, args, _| {
        let o = to_object(&arg(args, 0))?;
        let descriptors = realm().new_object();
        for key in o.own_property_keys() {
            let d = from_property_descriptor(o.get_own_property(&key));
            if !matches!(d, JsValue::Undefined) {
                descriptors.define(&key, d, true);
            }
        }
        Ok(JsValue::Object(descriptors))
    });
    // 20.1.2.10 Object.getOwnPropertyNames ( O ): GetOwnPropertyKeys(O, string).
    r.method(&object, "getOwnPropertyNames", 1, |_, args, _| {
        let o = to_object(&arg(args, 0))?;
        let keys = o.own_property_keys().into_iter().filter(|k| k.as_str().is_some()).map(|k| k.to_value());
        Ok(realm().new_array(keys.collect()))
    });
    // 20.1.2.11 Object.getOwnPropertySymbols ( O ): GetOwnPropertyKeys(O, symbol).
    r.method(&object, "getOwnPropertySymbols", 1, |_, args, _| {
        let o = to_object(&arg(args, 0))?;
        let keys = o.own_property_keys().into_iter().filter(|k| k.as_str().is_none()).map(|k| k.to_value());
        Ok(realm().new_array(keys.collect()))
    });
    // 20.1.2.12 Object.getPrototypeOf ( O )
    r.method(&object, "getPrototypeOf", 1, |_, args, _| {
        // 1. Let obj be ? ToObject(O).
        // 2. Return ? obj.[[GetPrototypeOf]]().
        Ok(proto_value(to_object(&arg(args, 0))?.proto()))
    });
    // 20.1.2.14 Object.is ( value1, value2 ): SameValue.
    r.method(&object, "is", 2, |_, args, _| Ok(JsValue::Bool(arg(args, 0).same_value(&arg(args, 1)))));
    // 20.1.2.15 Object.isExtensible ( O )
    r.method(&object, "isExtensible", 1, |_, args, _| {
        // 1. If O is not an Object, return false.
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Object(o) if o.is_extensible())))
    });
    // 20.1.2.16 Object.isFrozen ( O )
    r.method(&object, "isFrozen", 1, |_, args, _| {
        Ok(JsValue::Bool(match arg(args, 0) {
            JsValue::Object(o) => test_integrity_level(&o, IntegrityLevel::Frozen),
            _ => true,
        }))
    });
    // 20.1.2.17 Object.isSealed ( O )
    r.method(&object, "isSealed", 1, |_, args, _| {
        Ok(JsValue::Bool(match arg(args, 0) {
            JsValue::Object(o) => test_integrity_level(&o, IntegrityLevel::Sealed),
            _ => true,
        }))
    });
    // 20.1.2.18 Object.keys ( O )
    r.method(&object, "keys", 1, |_, args, _| {
        let o = to_object(&arg(args, 0))?;
        Ok(realm().new_array(enumerable_own_properties(&o, "key")?))
    });
    // 20.1.2.19 Object.preventExtensions ( O )
    r.method(&object, "preventExtensions", 1, |_, args, _| {
        let v = arg(args, 0);
        if let JsValue::Object(o) = &v {
            o.prevent_extensions();
        }
        Ok(v)
    });
    // 20.1.2.21 Object.seal ( O )
    r.method(&object, "seal", 1, |_, args, _| {
        set_integrity_level_of(arg(args, 0), IntegrityLevel::Sealed, "Cannot seal")
    });
    // 20.1.2.22 Object.setPrototypeOf ( O, proto )
    r.method(&object, "setPrototypeOf", 2, |_, args, _| {
        let o = arg(args, 0);
        // 1. Set O to ? RequireObjectCoercible(O).
        if o.is_nullish() {
            return Err(type_error("Object.setPrototypeOf called on null or undefined"));
        }
        // 2. If proto is not an Object and proto is not null, throw a TypeError exception.
        let proto = prototype_argument(arg(args, 1))?;
        // 3. If O is not an Object, return O.
        let JsValue::Object(obj) = &o else { return Ok(o) };
        // 4-5. Let status be ? O.[[SetPrototypeOf]](proto); if false, throw a TypeError.
        if !obj.set_prototype_of(proto) {
            return Err(type_error("Cyclic __proto__ value or non-extensible object"));
        }
        // 6. Return O.
        Ok(o)
    });
    // 20.1.2.23 Object.values ( O )
    r.method(&object, "values", 1, |_, args, _| {
        let o = to_object(&arg(args, 0))?;
        Ok(realm().new_array(enumerable_own_properties(&o, "value")?))
    });
    r.global.define("Object", JsValue::Object(object), false);
}
