//! The structured clone for Boa's values: settle-host's algorithm (HTML 2.7.3), read and made
//! through [`CloneHeap`], and the "DataCloneError" DOMException it throws.

use boa_engine::builtins::error::Error;
use boa_engine::builtins::generator::Generator;
use boa_engine::builtins::map::ordered_map::OrderedMap;
use boa_engine::builtins::promise::Promise;
use boa_engine::builtins::set::ordered_set::OrderedSet;
use boa_engine::object::builtins::JsRegExp;
use boa_engine::property::{Attribute, PropertyKey};
use boa_engine::value::JsVariant;
use boa_engine::{
    Context, JsBigInt, JsError, JsNativeError, JsObject, JsString, JsSymbol, JsValue, js_string,
};
use settle_host::structured_clone::{self as clone, CloneHeap, Kind, Primitive, Serialized};

/// How deep a message may nest before it is a RangeError (V8's limit is its stack; this one
/// keeps the recursion well inside a worker thread's).
const MAX_DEPTH: usize = 2_000;

/// Boa's values as the structured clone reads them (own data properties straight from the
/// property map where the spec reads without getters) and makes them, in the context's realm.
struct BoaHeap<'a>(&'a mut Context);

fn key(name: &str) -> PropertyKey {
    match name.parse::<u32>() {
        Ok(i) if i.to_string() == name => PropertyKey::from(i),
        _ => PropertyKey::from(JsString::from(name)),
    }
}

/// An own-or-inherited data property's String value, read without running code.
fn data_string(obj: &JsObject, name: &str) -> Option<String> {
    let key = key(name);
    let mut at = Some(obj.clone());
    while let Some(o) = at {
        let desc = o.borrow().properties().get(&key);
        if let Some(desc) = desc {
            return desc.value().and_then(JsValue::as_string).map(|s| s.to_std_string_escaped());
        }
        at = o.prototype();
    }
    None
}

impl CloneHeap for BoaHeap<'_> {
    type Value = JsValue;
    type Object = JsObject;
    type Error = JsError;

    fn view(&mut self, v: &JsValue) -> Result<Primitive<JsObject>, JsError> {
        Ok(match v.variant() {
            JsVariant::Undefined => Primitive::Undefined,
            JsVariant::Null => Primitive::Null,
            JsVariant::Boolean(b) => Primitive::Bool(b),
            JsVariant::Integer32(i) => Primitive::Number(f64::from(i)),
            JsVariant::Float64(n) => Primitive::Number(n),
            JsVariant::String(s) => Primitive::String(s.to_std_string_escaped()),
            JsVariant::BigInt(b) => Primitive::BigInt(b.to_string()),
            JsVariant::Object(o) => Primitive::Object(o),
            JsVariant::Symbol(_) => return Err(self.data_clone_error(v)),
        })
    }

    fn identity(&mut self, o: &JsObject) -> usize {
        std::ptr::from_ref(o.as_ref()).addr()
    }

    fn kind(&mut self, o: &JsObject) -> Result<Kind<JsValue>, JsError> {
        if let Some(n) = o.downcast_ref::<f64>() {
            return Ok(Kind::Boxed(JsValue::from(*n)));
        }
        if let Some(b) = o.downcast_ref::<bool>() {
            return Ok(Kind::Boxed(JsValue::from(*b)));
        }
        if let Some(s) = o.downcast_ref::<JsString>() {
            return Ok(Kind::Boxed(JsValue::from(s.clone())));
        }
        if let Some(b) = o.downcast_ref::<JsBigInt>() {
            return Ok(Kind::Boxed(JsValue::from(b.clone())));
        }
        if o.is::<Error>() {
            let message = o.borrow().properties().get(&key("message")).and_then(|d| d.value().cloned());
            let message = match message {
                Some(m) => Some(m.to_string(self.0)?.to_std_string_escaped()),
                None => None,
            };
            return Ok(Kind::Error {
                name: data_string(o, "name").unwrap_or_default(),
                message,
                stack: o
                    .borrow()
                    .properties()
                    .get(&key("stack"))
                    .and_then(|d| d.value().and_then(JsValue::as_string).map(|s| s.to_std_string_escaped())),
            });
        }
        if let Ok(re) = JsRegExp::from_object(o.clone()) {
            return Ok(Kind::RegExp { source: re.source(self.0)?, flags: re.flags(self.0)? });
        }
        if o.is::<boa_engine::builtins::date::Date>()
            && let Ok(date) = boa_engine::object::builtins::JsDate::from_object(o.clone())
        {
            let t = date.get_time(self.0)?.as_number().unwrap_or(f64::NAN);
            return Ok(Kind::Date(t));
        }
        if let Some(map) = o.downcast_ref::<OrderedMap<JsValue>>() {
            return Ok(Kind::Map(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()));
        }
        if let Some(set) = o.downcast_ref::<OrderedSet>() {
            return Ok(Kind::Set(set.iter().cloned().collect()));
        }
        if o.is_array() {
            let length = o.get(js_string!("length"), self.0)?.to_length(self.0)?;
            return Ok(Kind::Array(usize::try_from(length).unwrap_or(usize::MAX)));
        }
        // Boa's weak collections' data type is private: tell them by their prototype chain.
        let constructors = self.0.intrinsics().constructors();
        for proto in [constructors.weak_map().prototype(), constructors.weak_set().prototype()] {
            let mut at = o.prototype();
            while let Some(p) = at {
                if JsObject::equals(&p, &proto) {
                    return Ok(Kind::Uncloneable);
                }
                at = p.prototype();
            }
        }
        if o.is_callable()
            || o.is::<Promise>()
            || o.is::<Generator>()
            || o.is::<JsSymbol>()
            || o.is::<boa_engine::builtins::proxy::Proxy>()
        {
            return Ok(Kind::Uncloneable);
        }
        Ok(Kind::Object)
    }

    fn data_clone_error(&mut self, v: &JsValue) -> JsError {
        let shown = no_side_effects_to_string(v, self.0);
        dom_exception(self.0, "DataCloneError", 25, &format!("{shown} could not be cloned."))
    }

    fn enter(&mut self, depth: usize) -> Result<(), JsError> {
        if depth > MAX_DEPTH {
            return Err(JsNativeError::range().with_message("Maximum call stack size exceeded").into());
        }
        Ok(())
    }

    fn own_keys(&mut self, o: &JsObject) -> Vec<String> {
        crate::inspect::enumerable_own_string_keys(o, self.0)
    }

    fn has_own(&mut self, o: &JsObject, name: &str) -> bool {
        o.has_own_property(key(name), self.0).unwrap_or(false)
    }

    fn get(&mut self, o: &JsObject, name: &str) -> Result<JsValue, JsError> {
        o.get(key(name), self.0)
    }

    fn primitive(&mut self, p: Primitive<()>) -> JsValue {
        match p {
            Primitive::Undefined | Primitive::Object(()) => JsValue::undefined(),
            Primitive::Null => JsValue::null(),
            Primitive::Bool(b) => JsValue::from(b),
            Primitive::Number(n) => JsValue::from(n),
            Primitive::BigInt(digits) => {
                JsBigInt::from_string(&digits).map_or_else(JsValue::undefined, JsValue::from)
            }
            Primitive::String(s) => JsValue::from(JsString::from(s.as_str())),
        }
    }

    fn object_value(&mut self, o: JsObject) -> JsValue {
        o.into()
    }

    fn create(&mut self, kind: &Kind<JsValue>) -> JsObject {
        let cx = &mut *self.0;
        let fallback = |cx: &mut Context| JsObject::with_object_proto(cx.intrinsics());
        match kind {
            Kind::Array(length) => {
                let a = boa_engine::object::builtins::JsArray::new(cx)
                    .map_or_else(|_| fallback(cx), JsObject::from);
                let _ = a.set(js_string!("length"), *length, false, cx);
                a
            }
            Kind::Boxed(p) => p.to_object(cx).unwrap_or_else(|_| fallback(cx)),
            Kind::Error { name, message, stack } => {
                let error = match name.as_str() {
                    "EvalError" => JsNativeError::eval(),
                    "RangeError" => JsNativeError::range(),
                    "ReferenceError" => JsNativeError::reference(),
                    "SyntaxError" => JsNativeError::syntax(),
                    "TypeError" => JsNativeError::typ(),
                    "URIError" => JsNativeError::uri(),
                    _ => JsNativeError::error(),
                };
                let e = error.into_opaque(cx);
                if let Some(stack) = stack {
                    let _ = e.define_property_or_throw(
                        js_string!("stack"),
                        boa_engine::property::PropertyDescriptor::builder()
                            .value(JsString::from(stack.as_str()))
                            .writable(true)
                            .configurable(true)
                            .enumerable(false),
                        cx,
                    );
                }
                if let Some(message) = message {
                    let _ = e.define_property_or_throw(
                        js_string!("message"),
                        boa_engine::property::PropertyDescriptor::builder()
                            .value(JsString::from(message.as_str()))
                            .writable(true)
                            .configurable(true)
                            .enumerable(false),
                        cx,
                    );
                }
                e
            }
            Kind::RegExp { source, flags } => {
                // The serialized pattern was valid where it was made, so it is valid here.
                JsRegExp::new(JsString::from(source.as_str()), JsString::from(flags.as_str()), cx)
                    .map_or_else(|_| fallback(cx), JsObject::from)
            }
            Kind::Date(t) => {
                let date = boa_engine::object::builtins::JsDate::new(cx);
                let _ = date.set_time(*t, cx);
                date.into()
            }
            Kind::Map(_) => boa_engine::object::builtins::JsMap::new(cx).into(),
            Kind::Set(_) => boa_engine::object::builtins::JsSet::new(cx).into(),
            Kind::Object | Kind::Uncloneable => fallback(cx),
        }
    }

    fn create_data_property(&mut self, o: &JsObject, name: &str, v: JsValue) {
        let _ = o.create_data_property(key(name), v, self.0);
    }

    fn add_entry(&mut self, collection: &JsObject, key: JsValue, value: Option<JsValue>) {
        // The intrinsic methods on a Map or Set this run made: no script code runs.
        if let Ok(map) = boa_engine::object::builtins::JsMap::from_object(collection.clone()) {
            let _ = map.set(key, value.unwrap_or_default(), self.0);
        } else if let Ok(set) = boa_engine::object::builtins::JsSet::from_object(collection.clone()) {
            let _ = set.add(key, self.0);
        }
    }
}

/// StructuredSerialize ( value ) (HTML 2.7.3) of a Boa value.
///
/// # Errors
///
/// A DataCloneError for a value outside the supported set; what a getter threw.
pub(crate) fn structured_serialize(value: &JsValue, cx: &mut Context) -> Result<Serialized, JsError> {
    clone::structured_serialize(&mut BoaHeap(cx), value)
}

/// StructuredDeserialize ( serialized, targetRealm ) (HTML 2.7.5), in the context's realm.
pub(crate) fn structured_deserialize(serialized: &Serialized, cx: &mut Context) -> JsValue {
    clone::structured_deserialize(&mut BoaHeap(cx), serialized)
}

/// V8's NoSideEffectsToString as the DataCloneError message shows a value: a function by its
/// source text, a Symbol by its description, an object as `#<Constructor>`.
fn no_side_effects_to_string(v: &JsValue, cx: &mut Context) -> String {
    match v.variant() {
        JsVariant::Symbol(s) => s.descriptive_string().to_std_string_escaped(),
        JsVariant::Object(o) if o.is_callable() => {
            // Function.prototype.toString, the intrinsic (not whatever the script put there).
            let f = cx.intrinsics().constructors().function().prototype();
            let to_string = f.get(js_string!("toString"), cx).ok().and_then(|t| t.as_callable());
            to_string
                .and_then(|t| t.call(v, &[], cx).ok())
                .and_then(|s| s.as_string().map(|s| s.to_std_string_escaped()))
                .unwrap_or_else(|| "function".to_string())
        }
        JsVariant::Object(o) => {
            let mut current = o.prototype();
            while let Some(p) = current {
                let ctor = p.borrow().properties().get(&key("constructor")).and_then(|d| d.value().cloned());
                if let Some(c) = ctor.and_then(|c| c.as_object()) {
                    return format!("#<{}>", data_string(&c, "name").unwrap_or_else(|| "Object".into()));
                }
                current = p.prototype();
            }
            "#<Object>".to_string()
        }
        _ => v.display().to_string(),
    }
}

/// A DOMException (WebIDL 3.14.1): an Error whose prototype is `DOMException.prototype` when
/// the host installed one (it inherits from Error.prototype, so `instanceof Error` holds), with
/// its `name` and `code`.
pub(crate) fn dom_exception(cx: &mut Context, name: &str, code: u16, message: &str) -> JsError {
    let e = JsNativeError::error().with_message(message.to_string()).into_opaque(cx);
    let global = cx.global_object();
    if let Some(proto) = global
        .get(js_string!("DOMException"), cx)
        .ok()
        .and_then(|c| c.as_object())
        .and_then(|c| c.get(js_string!("prototype"), cx).ok())
        .and_then(|p| p.as_object())
    {
        e.set_prototype(Some(proto));
    }
    let hidden = Attribute::WRITABLE | Attribute::CONFIGURABLE;
    let _ = e.define_property_or_throw(
        js_string!("name"),
        boa_engine::property::PropertyDescriptor::builder()
            .value(JsString::from(name))
            .writable(hidden.writable())
            .configurable(true)
            .enumerable(false),
        cx,
    );
    let _ = e.define_property_or_throw(
        js_string!("code"),
        boa_engine::property::PropertyDescriptor::builder()
            .value(f64::from(code))
            .writable(true)
            .configurable(true)
            .enumerable(false),
        cx,
    );
    JsError::from_opaque(e.into())
}
