//! The structured clone of HTML (2.7.3, "Safe passing of structured data"): how a message
//! crosses from one worker's realm to another's.
//!
//! The algorithm is settle-host's (`settle_host::structured_clone`, shared with settle-boa);
//! this is settle-js's side of it, its values shown to the algorithm through `CloneHeap`.
//! settle-js values are `Rc`-based and belong to one thread, so a message cannot move: the
//! sender's [`structured_serialize`] turns it into a [`Serialized`] record, which is `Send`,
//! and the receiving loop's [`structured_deserialize`] rebuilds it in its own realm. The
//! subset's values are supported: primitives (not Symbols), arrays (holes and extra properties
//! kept), plain objects (and class instances, as plain objects, as in HTML), Dates, Maps and Sets, Boolean, Number,
//! String and BigInt wrappers, and Error objects; nested, shared and cyclic references are
//! preserved through the spec's "memory" map. Anything else (a function, a Symbol, a Promise,
//! a generator, an iterator) throws a `DataCloneError` DOMException with V8's message.

use settle_host::structured_clone::{self as clone, CloneHeap, Kind, Primitive};

use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{Class, JsValue, Obj};

pub(crate) use settle_host::structured_clone::Serialized;

/// settle-js's values, as settle-host's structured clone reads and makes them, in the current
/// realm.
struct Heap;

impl CloneHeap for Heap {
    type Value = JsValue;
    type Object = Obj;
    type Error = JsValue;

    fn view(&mut self, value: &JsValue) -> Result<Primitive<Obj>, JsValue> {
        Ok(match value {
            JsValue::Undefined => Primitive::Undefined,
            JsValue::Null => Primitive::Null,
            JsValue::Bool(b) => Primitive::Bool(*b),
            JsValue::Number(n) => Primitive::Number(*n),
            JsValue::BigInt(n) => Primitive::BigInt(n.to_string()),
            JsValue::String(s) => Primitive::String(s.to_string()),
            JsValue::Object(o) => Primitive::Object(o.clone()),
            other => return Err(data_clone_error(other)),
        })
    }

    fn identity(&mut self, o: &Obj) -> usize {
        o.addr()
    }

    fn kind(&mut self, obj: &Obj) -> Result<Kind<JsValue>, JsValue> {
        Ok(match obj.class() {
            Class::Primitive(p) => Kind::Boxed(p.clone()),
            Class::Error(_) => {
                // Step 18: name and message read without invoking getters.
                let message = obj.get_own_property("message").and_then(|d| d.value).map(|m| match m {
                    JsValue::String(s) => s.to_string(),
                    other => other.to_js_string().map(|s| s.to_string()).unwrap_or_default(),
                });
                Kind::Error {
                    name: data_string(obj, "name").unwrap_or_default(),
                    message,
                    stack: data_string(obj, "stack"),
                }
            }
            Class::RegExp(data) => {
                Kind::RegExp { source: data.source.to_string(), flags: data.flags.to_string() }
            }
            // The array's length (past its vector for a sparse one), not its element count.
            Class::Array(_) => Kind::Array(obj.array_len().unwrap_or(0)),
            Class::Function(_)
            | Class::Promise(_)
            | Class::Generator(_)
            | Class::Symbol(_)
            | Class::ListIterator(_)
            | Class::RegExpStringIterator(_)
            | Class::CollectionIterator(_)
            | Class::WeakMap(_)
            | Class::WeakSet(_) => Kind::Uncloneable,
            Class::Date(t) => Kind::Date(t.get()),
            Class::Map(data) => Kind::Map(data.borrow().entries()),
            Class::Set(data) => Kind::Set(data.borrow().entries().into_iter().map(|(k, _)| k).collect()),
            Class::Object | Class::Arguments(_) => Kind::Object,
        })
    }

    fn data_clone_error(&mut self, v: &JsValue) -> JsValue {
        data_clone_error(v)
    }

    fn enter(&mut self, _depth: usize) -> Result<(), JsValue> {
        crate::stack::check()
    }

    fn own_keys(&mut self, o: &Obj) -> Vec<String> {
        o.own_enumerable_keys()
            .into_iter()
            .filter_map(|k| match k {
                PropertyKey::String(name) => Some(name.to_string()),
                _ => None,
            })
            .collect()
    }

    fn has_own(&mut self, o: &Obj, key: &str) -> bool {
        o.has_own(&PropertyKey::from(key))
    }

    fn get(&mut self, o: &Obj, key: &str) -> Result<JsValue, JsValue> {
        o.get(&PropertyKey::from(key))
    }

    fn primitive(&mut self, p: Primitive<()>) -> JsValue {
        match p {
            Primitive::Undefined | Primitive::Object(()) => JsValue::Undefined,
            Primitive::Null => JsValue::Null,
            Primitive::Bool(b) => JsValue::Bool(b),
            Primitive::Number(n) => JsValue::Number(n),
            // settle-js's BigInts are 64-bit, and so is every one it serialized.
            Primitive::BigInt(n) => JsValue::BigInt(n.parse().unwrap_or_default()),
            Primitive::String(s) => JsValue::from(s.as_str()),
        }
    }

    fn object_value(&mut self, o: Obj) -> JsValue {
        JsValue::Object(o)
    }

    fn create(&mut self, kind: &Kind<JsValue>) -> Obj {
        let r = realm();
        match kind {
            Kind::Array(length) => match r.new_array(Vec::new()) {
                JsValue::Object(a) => {
                    // ArrayCreate(length) (2.7.3 StructuredDeserialize, HTML): the length set as
                    // ArraySetLength does, a far one recorded rather than allocated as holes.
                    let length = JsValue::Number(*length as f64);
                    let desc =
                        crate::property::PropertyDescriptor { value: Some(length), ..Default::default() };
                    let _ = a.define_own_property(&crate::property::PropertyKey::from("length"), desc);
                    a
                }
                _ => r.new_object(),
            },
            Kind::Boxed(data) => {
                let proto = match data {
                    JsValue::Bool(_) => r.boolean_proto.clone(),
                    JsValue::Number(_) => r.number_proto.clone(),
                    JsValue::BigInt(_) => r.bigint_proto.clone(),
                    _ => r.string_proto.clone(),
                };
                Obj::new(Class::Primitive(data.clone()), Some(proto))
            }
            Kind::Error { name, message, stack } => {
                let e = Obj::new(Class::Error(None), Some(r.error_proto(name)));
                if let Some(stack) = stack {
                    e.define("stack", JsValue::from(stack.as_str()), false);
                }
                if let Some(message) = message {
                    e.define("message", JsValue::from(message.as_str()), false);
                }
                e
            }
            Kind::RegExp { source, flags } => {
                drop(r);
                // The serialized pattern was valid where it was made, so it is valid here.
                crate::builtins::regexp::regexp_create(
                    &JsValue::from(source.as_str()),
                    &JsValue::from(flags.as_str()),
                )
                .unwrap_or_else(|_| realm().new_object())
            }
            Kind::Date(t) => Obj::new(Class::Date(std::cell::Cell::new(*t)), Some(r.date_proto.clone())),
            Kind::Map(_) => Obj::new(Class::Map(Default::default()), Some(r.map_proto.clone())),
            Kind::Set(_) => Obj::new(Class::Set(Default::default()), Some(r.set_proto.clone())),
            Kind::Object | Kind::Uncloneable => r.new_object(),
        }
    }

    fn create_data_property(&mut self, o: &Obj, key: &str, v: JsValue) {
        let _ = o.create_data_property(&PropertyKey::from(key), v);
    }

    fn add_entry(&mut self, collection: &Obj, key: JsValue, value: Option<JsValue>) {
        match collection.class() {
            Class::Map(data) => data.borrow_mut().set(key, value.unwrap_or_default()),
            Class::Set(data) => data.borrow_mut().set(key, JsValue::Undefined),
            _ => {}
        }
    }
}

/// StructuredSerialize ( value ) (HTML 2.7.3), settle-host's algorithm on settle-js's values.
///
/// # Errors
///
/// A `DataCloneError` for a value outside the supported set; an exception a getter threw.
pub(crate) fn structured_serialize(value: &JsValue) -> Result<Serialized, JsValue> {
    clone::structured_serialize(&mut Heap, value)
}

/// An own data property's String value, read without running code.
fn data_string(obj: &Obj, key: &str) -> Option<String> {
    let mut at = Some(obj.clone());
    while let Some(o) = at {
        if let Some(desc) = o.get_own_property(key) {
            return match desc.value {
                Some(JsValue::String(s)) => Some(s.to_string()),
                _ => None,
            };
        }
        at = o.proto();
    }
    None
}

/// StructuredDeserialize ( serialized, targetRealm ) (HTML 2.7.5), in the current realm.
pub(crate) fn structured_deserialize(serialized: &Serialized) -> JsValue {
    clone::structured_deserialize(&mut Heap, serialized)
}

/// A "DataCloneError" DOMException (WebIDL 3.14.1, code 25) with V8's message,
/// `<value> could not be cloned.`
pub(crate) fn data_clone_error(value: &JsValue) -> JsValue {
    let shown = crate::builtins::no_side_effects_to_string(value);
    dom_exception("DataCloneError", 25, &format!("{shown} could not be cloned."))
}

/// A DOMException: an Error whose prototype is DOMException.prototype (which inherits from
/// Error.prototype, so `instanceof Error` holds), with its `name` and `code`.
pub(crate) fn dom_exception(name: &str, code: u16, message: &str) -> JsValue {
    let r = realm();
    let proto = r.error_proto("DOMException");
    let e = r.make_error(proto, Some(JsValue::from(message)));
    e.define("name", JsValue::from(name), false);
    e.define("code", JsValue::Number(f64::from(code)), false);
    JsValue::Object(e)
}
