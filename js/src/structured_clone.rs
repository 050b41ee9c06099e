//! The structured clone of HTML (2.7.3, "Safe passing of structured data"): how a message
//! crosses from one worker's realm to another's.
//!
//! settle-js values are `Rc`-based and belong to one thread, so a message cannot move: the
//! sender's [`structured_serialize`] turns it into a [`Serialized`] record, which is `Send`,
//! and the receiving loop's [`structured_deserialize`] rebuilds it in its own realm. The
//! subset's values are supported: primitives (not Symbols), arrays (holes and extra properties
//! kept), plain objects (and class instances, as plain objects, as in HTML), Boolean, Number,
//! String and BigInt wrappers, and Error objects; nested, shared and cyclic references are
//! preserved through the spec's "memory" map. Anything else (a function, a Symbol, a Promise,
//! a generator, an iterator) throws a `DataCloneError` DOMException with V8's message.

use std::collections::HashMap;

use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{Class, JsValue, Obj};

/// A serialized value: a primitive, or a reference to one of [`Serialized::records`].
#[derive(Clone, Debug)]
enum Value {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    BigInt(i64),
    String(String),
    /// An object: its index in the records.
    Ref(usize),
}

/// The serialization of one object.
#[derive(Debug)]
enum Record {
    /// { [[Type]]: "Array", [[Length]], [[Properties]] }.
    Array { length: usize, properties: Vec<(String, Value)> },
    /// { [[Type]]: "Object", [[Properties]] }.
    Object { properties: Vec<(String, Value)> },
    /// { [[Type]]: "primitive", [[Data]] } of a Boolean, Number, String or BigInt object.
    Primitive(Value),
    /// { [[Type]]: "Error", [[Name]], [[Message]] }, with V8's extra `stack`.
    Error { name: String, message: Option<String>, stack: Option<String> },
    /// { [[Type]]: "RegExp", [[OriginalSource]], [[OriginalFlags]] }.
    RegExp { source: String, flags: String },
}

/// A structured clone's serialization: `Send`, so it can cross to another thread's loop.
#[derive(Debug)]
pub(crate) struct Serialized {
    root: Value,
    records: Vec<Record>,
}

impl Serialized {
    /// The serialization of an Error object named `name` (one of the standard ones) with
    /// `message`, made without a realm (for a worker whose script could not be parsed).
    pub(crate) fn error(name: &str, message: &str) -> Serialized {
        Serialized {
            root: Value::Ref(0),
            records: vec![Record::Error {
                name: name.to_string(),
                message: Some(message.to_string()),
                stack: Some(format!("{name}: {message}")),
            }],
        }
    }
}

/// The error names StructuredSerializeInternal keeps (step 18.2: any other becomes "Error").
const ERROR_NAMES: [&str; 7] =
    ["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"];

/// StructuredSerialize ( value ) (HTML 2.7.3): StructuredSerializeInternal(value, false).
///
/// # Errors
///
/// A `DataCloneError` for a value outside the supported set; an exception a getter threw.
pub(crate) fn structured_serialize(value: &JsValue) -> Result<Serialized, JsValue> {
    let mut st = State { memory: HashMap::new(), records: Vec::new() };
    let root = structured_serialize_internal(value, &mut st)?;
    Ok(Serialized { root, records: st.records })
}

struct State {
    /// The spec's "memory": an object already serialized maps to its record.
    memory: HashMap<usize, usize>,
    records: Vec<Record>,
}

/// StructuredSerializeInternal ( value, forStorage [ , memory ] ).
fn structured_serialize_internal(value: &JsValue, st: &mut State) -> Result<Value, JsValue> {
    // 3. If Type(value) is Undefined, Null, Boolean, Number, BigInt, or String, then return
    // { [[Type]]: "primitive", [[Value]]: value }.
    // 4. If Type(value) is Symbol, then throw a "DataCloneError" DOMException.
    let obj = match value {
        JsValue::Undefined => return Ok(Value::Undefined),
        JsValue::Null => return Ok(Value::Null),
        JsValue::Bool(b) => return Ok(Value::Bool(*b)),
        JsValue::Number(n) => return Ok(Value::Number(*n)),
        JsValue::BigInt(n) => return Ok(Value::BigInt(*n)),
        JsValue::String(s) => return Ok(Value::String(s.to_string())),
        JsValue::Object(o) => o,
        other => return Err(data_clone_error(other)),
    };
    // 1-2. If memory[value] exists, then return memory[value].
    if let Some(&index) = st.memory.get(&obj.addr()) {
        return Ok(Value::Ref(index));
    }
    // Each nesting level is a recursion: a RangeError before the stack runs out, as in V8.
    crate::stack::check()?;
    // 6-26. The record for the kind of object; its properties are filled in below (step 26),
    // after memory[value] is set, so that a cycle finds it.
    enum Deep {
        No,
        Properties,
    }
    let (record, deep) = match obj.class() {
        Class::Primitive(p) => {
            // 7-10. [[BooleanData]], [[NumberData]], [[BigIntData]], [[StringData]].
            let data = structured_serialize_internal(p, st)?;
            (Record::Primitive(data), Deep::No)
        }
        Class::Error(_) => {
            // 18. [[ErrorData]]: name (one of the standard ones, else "Error") and message,
            // both read without invoking getters; V8 also keeps `stack`.
            let name = data_string(obj, "name").filter(|n| ERROR_NAMES.contains(&n.as_str()));
            let message = obj.get_own_property("message").and_then(|d| d.value).map(|m| match m {
                JsValue::String(s) => s.to_string(),
                other => other.to_js_string().map(|s| s.to_string()).unwrap_or_default(),
            });
            let stack = data_string(obj, "stack");
            (Record::Error { name: name.unwrap_or_else(|| "Error".to_string()), message, stack }, Deep::No)
        }
        Class::RegExp(data) => {
            // 17. [[RegExpMatcher]]: the source and flags (`lastIndex` is not kept).
            let record = Record::RegExp { source: data.source.to_string(), flags: data.flags.to_string() };
            (record, Deep::No)
        }
        Class::Array(items) => {
            // 19. IsArray(value): { [[Type]]: "Array", [[Length]]: length }, then deep.
            let length = items.borrow().len();
            (Record::Array { length, properties: Vec::new() }, Deep::Properties)
        }
        // 25. A platform object or an object with other internal slots: DataCloneError.
        Class::Function(_)
        | Class::Promise(_)
        | Class::Generator(_)
        | Class::Symbol(_)
        | Class::ListIterator(_)
        | Class::RegExpStringIterator(_)
        | Class::CollectionIterator(_)
        | Class::WeakMap(_)
        | Class::WeakSet(_)
        // HTML's steps 20-21 serialize a Map's and a Set's entries; not yet here.
        | Class::Map(_)
        | Class::Set(_) => {
            return Err(data_clone_error(value));
        }
        // 26. Otherwise: { [[Type]]: "Object" }, deep.
        Class::Object | Class::Arguments(_) => (Record::Object { properties: Vec::new() }, Deep::Properties),
    };
    // 27. Set memory[value] to serialized.
    let index = st.records.len();
    st.records.push(record);
    st.memory.insert(obj.addr(), index);
    // 28. If deep: for each key in ! EnumerableOwnProperties(value, key) that is a String,
    // if ! HasOwnProperty(value, key), serialize ? Get(value, key).
    if let Deep::Properties = deep {
        let mut properties = Vec::new();
        for key in obj.own_enumerable_keys() {
            let PropertyKey::String(name) = &key else { continue };
            if !obj.has_own(&key) {
                continue;
            }
            let v = obj.get(&key)?;
            let serialized = structured_serialize_internal(&v, st)?;
            properties.push((name.to_string(), serialized));
        }
        match &mut st.records[index] {
            Record::Array { properties: p, .. } | Record::Object { properties: p } => *p = properties,
            _ => {}
        }
    }
    Ok(Value::Ref(index))
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
/// Every record becomes one object, created first (so that references, shared or cyclic, all
/// point to it), then its properties are defined with CreateDataProperty.
pub(crate) fn structured_deserialize(serialized: &Serialized) -> JsValue {
    let r = realm();
    let objects: Vec<Obj> = serialized
        .records
        .iter()
        .map(|record| match record {
            Record::Array { length, .. } => match r.new_array(Vec::new()) {
                JsValue::Object(a) => {
                    if let Some(items) = a.array_items() {
                        items.borrow_mut().resize(*length, None);
                    }
                    a
                }
                _ => r.new_object(),
            },
            Record::Object { .. } => r.new_object(),
            Record::Primitive(data) => {
                let data = primitive(data);
                let proto = match &data {
                    JsValue::Bool(_) => r.boolean_proto.clone(),
                    JsValue::Number(_) => r.number_proto.clone(),
                    JsValue::BigInt(_) => r.bigint_proto.clone(),
                    _ => r.string_proto.clone(),
                };
                Obj::new(Class::Primitive(data), Some(proto))
            }
            Record::Error { name, message, stack } => {
                let e = Obj::new(Class::Error(None), Some(r.error_proto(name)));
                if let Some(stack) = stack {
                    e.define("stack", JsValue::from(stack.as_str()), false);
                }
                if let Some(message) = message {
                    e.define("message", JsValue::from(message.as_str()), false);
                }
                e
            }
            Record::RegExp { source, flags } => {
                // The serialized pattern was valid where it was made, so it is valid here.
                crate::builtins::regexp::regexp_create(
                    &JsValue::from(source.as_str()),
                    &JsValue::from(flags.as_str()),
                )
                .unwrap_or_else(|_| r.new_object())
            }
        })
        .collect();
    let value = |v: &Value| match v {
        Value::Ref(i) => JsValue::Object(objects[*i].clone()),
        other => primitive(other),
    };
    for (record, obj) in serialized.records.iter().zip(&objects) {
        if let Record::Array { properties, .. } | Record::Object { properties } = record {
            for (key, v) in properties {
                let _ = obj.create_data_property(&PropertyKey::from(key.as_str()), value(v));
            }
        }
    }
    value(&serialized.root)
}

fn primitive(v: &Value) -> JsValue {
    match v {
        Value::Undefined | Value::Ref(_) => JsValue::Undefined,
        Value::Null => JsValue::Null,
        Value::Bool(b) => JsValue::Bool(*b),
        Value::Number(n) => JsValue::Number(*n),
        Value::BigInt(n) => JsValue::BigInt(*n),
        Value::String(s) => JsValue::from(s.as_str()),
    }
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
