//! The structured clone of HTML (2.7.3, "Safe passing of structured data") over any engine's
//! values: how a message crosses from one worker's realm to another's.
//!
//! An engine's values belong to its thread (settle-js's are `Rc`-based, Boa's are garbage
//! collected per context), so a message cannot move: the sender's [`structured_serialize`]
//! turns it into a [`Serialized`] record, which is `Send`, and the receiving loop's
//! [`structured_deserialize`] rebuilds it in its own realm. The engine shows its values to the
//! algorithm, and makes new ones, through the small [`CloneHeap`] trait (as settle-inspect's
//! `Heap` does for `console.log`), so the algorithm is written once for both engines.
//!
//! Supported: primitives (not Symbols), arrays (holes and extra properties kept), plain objects
//! (and class instances, as plain objects, as in HTML), Boolean, Number, String and BigInt
//! wrappers, Error objects and RegExps; nested, shared and cyclic references are preserved
//! through the spec's "memory" map. Anything else is the engine's "DataCloneError".
//!
//! ```
//! use settle_host::structured_clone::{CloneHeap, Kind, Primitive, structured_deserialize, structured_serialize};
//!
//! // A toy engine whose values are numbers and (shared) arrays of them.
//! #[derive(Clone)]
//! enum V { N(f64), A(std::rc::Rc<std::cell::RefCell<Vec<V>>>) }
//! struct Toy;
//! impl CloneHeap for Toy {
//!     type Value = V;
//!     type Object = std::rc::Rc<std::cell::RefCell<Vec<V>>>;
//!     type Error = String;
//!     fn view(&mut self, v: &V) -> Result<Primitive<Self::Object>, String> {
//!         Ok(match v { V::N(n) => Primitive::Number(*n), V::A(a) => Primitive::Object(a.clone()) })
//!     }
//!     fn identity(&mut self, o: &Self::Object) -> usize { std::rc::Rc::as_ptr(o) as usize }
//!     fn kind(&mut self, o: &Self::Object) -> Result<Kind<V>, String> { Ok(Kind::Array(o.borrow().len())) }
//!     fn data_clone_error(&mut self, _: &V) -> String { "could not be cloned".into() }
//!     fn enter(&mut self, _depth: usize) -> Result<(), String> { Ok(()) }
//!     fn own_keys(&mut self, o: &Self::Object) -> Vec<String> { (0..o.borrow().len()).map(|i| i.to_string()).collect() }
//!     fn has_own(&mut self, o: &Self::Object, key: &str) -> bool { key.parse::<usize>().is_ok_and(|i| i < o.borrow().len()) }
//!     fn get(&mut self, o: &Self::Object, key: &str) -> Result<V, String> { Ok(o.borrow()[key.parse::<usize>().unwrap()].clone()) }
//!     fn primitive(&mut self, p: Primitive<()>) -> V { match p { Primitive::Number(n) => V::N(n), _ => V::N(f64::NAN) } }
//!     fn object_value(&mut self, o: Self::Object) -> V { V::A(o) }
//!     fn create(&mut self, _: &Kind<V>) -> Self::Object { Default::default() }
//!     fn create_data_property(&mut self, o: &Self::Object, _key: &str, v: V) { o.borrow_mut().push(v) }
//!     fn add_entry(&mut self, o: &Self::Object, k: V, _: Option<V>) { o.borrow_mut().push(k) }
//! }
//! let shared = std::rc::Rc::new(std::cell::RefCell::new(vec![V::N(1.0)]));
//! let message = V::A(std::rc::Rc::new(std::cell::RefCell::new(vec![V::A(shared.clone()), V::A(shared)])));
//! let serialized = structured_serialize(&mut Toy, &message).unwrap();
//! let V::A(copy) = structured_deserialize(&mut Toy, &serialized) else { panic!() };
//! let copy = copy.borrow();
//! let (V::A(a), V::A(b)) = (&copy[0], &copy[1]) else { panic!() };
//! assert!(std::rc::Rc::ptr_eq(a, b), "a shared reference stays shared");
//! ```

use std::collections::HashMap;

/// A value as the algorithm sees it: a primitive, or an object of the engine (`O`). The
/// serialized form (`O = ()`) is what [`CloneHeap::primitive`] turns back into a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Primitive<O> {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A BigInt, by its decimal digits (with a `-` sign if negative).
    BigInt(String),
    /// A string.
    String(String),
    /// An object.
    Object(O),
}

/// What kind of object a value is, for the algorithm's steps 6-26; also what
/// [`CloneHeap::create`] is asked to make on the receiving side.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind<V> {
    /// A Boolean, Number, String or BigInt wrapper, with its primitive (steps 7-10).
    Boxed(V),
    /// An Error (step 18): `name` is one of the standard error names or "Error" (the engine
    /// reads it, without running getters); `message` and V8's `stack` are own data properties.
    Error {
        /// The error's name (checked against [`ERROR_NAMES`] by the algorithm).
        name: String,
        /// Its own `message`, converted to a string.
        message: Option<String>,
        /// Its `stack`, as V8 keeps it.
        stack: Option<String>,
    },
    /// A Date (step 11): its [[DateValue]].
    Date(f64),
    /// A RegExp (step 17): its source and flags (`lastIndex` is not kept).
    RegExp {
        /// `[[OriginalSource]]`.
        source: String,
        /// `[[OriginalFlags]]`.
        flags: String,
    },
    /// An array (step 19), with its length; its properties follow.
    Array(usize),
    /// A Map (step 20), with its entries (a copy of [[MapData]]); its own properties are not
    /// kept.
    Map(Vec<(V, V)>),
    /// A Set (step 21), with its values (a copy of [[SetData]]).
    Set(Vec<V>),
    /// An ordinary object (step 26); its properties follow.
    Object,
    /// A platform object or one with other internal slots (a function, a Promise, a Symbol
    /// wrapper...): step 25, a DataCloneError.
    Uncloneable,
}

/// The error names StructuredSerializeInternal keeps (step 18.2: any other becomes "Error").
pub const ERROR_NAMES: [&str; 7] =
    ["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"];

/// An engine's values, as the structured clone reads and makes them.
///
/// See the module documentation for an implementation.
pub trait CloneHeap {
    /// A value.
    type Value: Clone;
    /// An object (a cheap handle).
    type Object: Clone;
    /// An exception (a DataCloneError, a RangeError for too deep a value, what a getter threw).
    type Error;
    /// What `v` is; a Symbol (step 4) is the engine's DataCloneError for it
    /// ([`CloneHeap::data_clone_error`]).
    ///
    /// # Errors
    ///
    /// The DataCloneError for a Symbol.
    fn view(&mut self, v: &Self::Value) -> Result<Primitive<Self::Object>, Self::Error>;
    /// A number that is the same for the same object while the serialization lasts (the
    /// "memory" map's key).
    fn identity(&mut self, o: &Self::Object) -> usize;
    /// What kind of object `o` is.
    ///
    /// # Errors
    ///
    /// What reading it threw (an engine that runs no code here never fails).
    fn kind(&mut self, o: &Self::Object) -> Result<Kind<Self::Value>, Self::Error>;
    /// The "DataCloneError" DOMException for `v` (with V8's message, `<v> could not be
    /// cloned.`).
    fn data_clone_error(&mut self, v: &Self::Value) -> Self::Error;
    /// Called before serializing an object at nesting `depth` (0 for the message itself): a
    /// RangeError before the native stack runs out, as in V8.
    ///
    /// # Errors
    ///
    /// The engine's stack-overflow RangeError.
    fn enter(&mut self, depth: usize) -> Result<(), Self::Error>;
    /// `o`'s own enumerable string keys, in property order (EnumerableOwnProperties).
    fn own_keys(&mut self, o: &Self::Object) -> Vec<String>;
    /// HasOwnProperty(o, key): a getter run earlier may have deleted it.
    fn has_own(&mut self, o: &Self::Object, key: &str) -> bool;
    /// Get(o, key), which may run a getter.
    ///
    /// # Errors
    ///
    /// What the getter threw.
    fn get(&mut self, o: &Self::Object, key: &str) -> Result<Self::Value, Self::Error>;
    /// A primitive in the receiving realm.
    fn primitive(&mut self, p: Primitive<()>) -> Self::Value;
    /// An object as a value.
    fn object_value(&mut self, o: Self::Object) -> Self::Value;
    /// A new object of `kind` in the receiving realm (never [`Kind::Uncloneable`]): an empty
    /// array of the length, an empty object, a wrapper, an Error with exactly the given own
    /// properties, a RegExp (valid where it was made, so valid here).
    fn create(&mut self, kind: &Kind<Self::Value>) -> Self::Object;
    /// CreateDataProperty(o, key, v).
    fn create_data_property(&mut self, o: &Self::Object, key: &str, v: Self::Value);
    /// Appends an entry to a Map [`create`](CloneHeap::create) made (`Some` value) or a value
    /// to a Set (`None`): StructuredDeserialize's steps for [[MapData]] and [[SetData]].
    fn add_entry(&mut self, collection: &Self::Object, key: Self::Value, value: Option<Self::Value>);
}

/// A serialized value: a primitive, or a reference to one of [`Serialized`]'s records.
type Value = Primitive<usize>;

/// The serialization of one object.
#[derive(Debug)]
struct Record {
    /// What to create (its primitive, for a wrapper, serialized).
    kind: Kind<Value>,
    /// For an array or an object: its properties (step 26).
    properties: Vec<(String, Value)>,
    /// For a Map: its entries; for a Set: its values (with `None` values).
    entries: Vec<(Value, Option<Value>)>,
}

/// A structured clone's serialization: `Send`, so it can cross to another thread's loop.
#[derive(Debug)]
pub struct Serialized {
    root: Value,
    records: Vec<Record>,
}

impl Serialized {
    /// The serialization of an Error object named `name` (one of the standard ones) with
    /// `message`, made without a realm (for a worker whose script could not be parsed).
    ///
    /// ```
    /// let e = settle_host::structured_clone::Serialized::error("SyntaxError", "Unexpected token");
    /// assert!(format!("{e:?}").contains("SyntaxError"));
    /// ```
    pub fn error(name: &str, message: &str) -> Serialized {
        let kind = Kind::Error {
            name: name.to_string(),
            message: Some(message.to_string()),
            stack: Some(format!("{name}: {message}")),
        };
        Serialized {
            root: Primitive::Object(0),
            records: vec![Record { kind, properties: Vec::new(), entries: Vec::new() }],
        }
    }

    /// The serialization of a string.
    ///
    /// ```
    /// let s = settle_host::structured_clone::Serialized::string("hi");
    /// assert!(format!("{s:?}").contains("hi"));
    /// ```
    pub fn string(text: &str) -> Serialized {
        Serialized { root: Primitive::String(text.to_string()), records: Vec::new() }
    }
}

/// StructuredSerialize ( value ) (HTML 2.7.3): StructuredSerializeInternal(value, false).
///
/// # Errors
///
/// A DataCloneError for a value outside the supported set; an exception a getter threw; a
/// RangeError for a value nested too deep.
pub fn structured_serialize<H: CloneHeap>(heap: &mut H, value: &H::Value) -> Result<Serialized, H::Error> {
    let mut st = State { memory: HashMap::new(), records: Vec::new() };
    let root = structured_serialize_internal(heap, value, &mut st, 0)?;
    Ok(Serialized { root, records: st.records })
}

struct State {
    /// The spec's "memory": an object already serialized maps to its record.
    memory: HashMap<usize, usize>,
    records: Vec<Record>,
}

/// StructuredSerializeInternal ( value, forStorage [ , memory ] ).
fn structured_serialize_internal<H: CloneHeap>(
    heap: &mut H,
    value: &H::Value,
    st: &mut State,
    depth: usize,
) -> Result<Value, H::Error> {
    // 3. If Type(value) is Undefined, Null, Boolean, Number, BigInt, or String, then return
    // { [[Type]]: "primitive", [[Value]]: value }.
    // 4. If Type(value) is Symbol, then throw a "DataCloneError" DOMException (the engine's
    // `view`).
    let obj = match heap.view(value)? {
        Primitive::Object(o) => o,
        Primitive::Undefined => return Ok(Primitive::Undefined),
        Primitive::Null => return Ok(Primitive::Null),
        Primitive::Bool(b) => return Ok(Primitive::Bool(b)),
        Primitive::Number(n) => return Ok(Primitive::Number(n)),
        Primitive::BigInt(n) => return Ok(Primitive::BigInt(n)),
        Primitive::String(s) => return Ok(Primitive::String(s)),
    };
    // 1-2. If memory[value] exists, then return memory[value].
    let identity = heap.identity(&obj);
    if let Some(&index) = st.memory.get(&identity) {
        return Ok(Primitive::Object(index));
    }
    // Each nesting level is a recursion: a RangeError before the stack runs out, as in V8.
    heap.enter(depth)?;
    // 6-26. The record for the kind of object; its properties are filled in below (step 28),
    // after memory[value] is set, so that a cycle finds it.
    let (kind, deep) = match heap.kind(&obj)? {
        // 7-10. [[BooleanData]], [[NumberData]], [[BigIntData]], [[StringData]].
        Kind::Boxed(p) => (Kind::Boxed(structured_serialize_internal(heap, &p, st, depth + 1)?), false),
        // 18. [[ErrorData]]: name (one of the standard ones, else "Error") and message; V8
        // also keeps `stack`.
        Kind::Error { name, message, stack } => {
            let name = if ERROR_NAMES.contains(&name.as_str()) { name } else { "Error".to_string() };
            (Kind::Error { name, message, stack }, false)
        }
        // 11. [[DateValue]]: { [[Type]]: "Date", [[DateValue]]: value.[[DateValue]] }.
        Kind::Date(t) => (Kind::Date(t), false),
        // 17. [[RegExpMatcher]]: the source and flags.
        Kind::RegExp { source, flags } => (Kind::RegExp { source, flags }, false),
        // 19. IsArray(value): { [[Type]]: "Array", [[Length]]: length }, then deep.
        Kind::Array(length) => (Kind::Array(length), true),
        // 20-21. [[MapData]] / [[SetData]]: { [[Type]]: "Map" / "Set", a new empty List }, then
        // deep (the entries, below).
        Kind::Map(entries) => {
            let entries = entries.into_iter().map(|(k, v)| (k, Some(v))).collect();
            return serialize_collection(heap, Kind::Map(Vec::new()), entries, identity, st, depth);
        }
        Kind::Set(values) => {
            let entries = values.into_iter().map(|v| (v, None)).collect();
            return serialize_collection(heap, Kind::Set(Vec::new()), entries, identity, st, depth);
        }
        // 26. Otherwise: { [[Type]]: "Object" }, deep.
        Kind::Object => (Kind::Object, true),
        // 25. A platform object or an object with other internal slots: DataCloneError.
        Kind::Uncloneable => return Err(heap.data_clone_error(value)),
    };
    // 27. Set memory[value] to serialized.
    let index = st.records.len();
    st.records.push(Record { kind, properties: Vec::new(), entries: Vec::new() });
    st.memory.insert(identity, index);
    // 28. If deep: for each key in ! EnumerableOwnProperties(value, key) that is a String,
    // if ! HasOwnProperty(value, key), serialize ? Get(value, key).
    if deep {
        let mut properties = Vec::new();
        for key in heap.own_keys(&obj) {
            if !heap.has_own(&obj, &key) {
                continue;
            }
            let v = heap.get(&obj, &key)?;
            let serialized = structured_serialize_internal(heap, &v, st, depth + 1)?;
            properties.push((key, serialized));
        }
        st.records[index].properties = properties;
    }
    Ok(Primitive::Object(index))
}

/// Steps 20-21 and 26-27 for a Map or Set, then the deep part: "Let copiedList be
/// value.[[MapData]]. For each Record { [[Key]], [[Value]] } entry of copiedList: let
/// serializedKey be ? StructuredSerializeInternal(entry.[[Key]], forStorage, memory), ...
/// append { [[Key]]: serializedKey, [[Value]]: serializedValue } to serialized.[[MapData]]"
/// (a Set's values likewise). The copy was taken before any entry is serialized.
fn serialize_collection<H: CloneHeap>(
    heap: &mut H,
    kind: Kind<Value>,
    entries: Vec<(H::Value, Option<H::Value>)>,
    identity: usize,
    st: &mut State,
    depth: usize,
) -> Result<Value, H::Error> {
    let index = st.records.len();
    st.records.push(Record { kind, properties: Vec::new(), entries: Vec::new() });
    st.memory.insert(identity, index);
    let mut serialized = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let k = structured_serialize_internal(heap, &k, st, depth + 1)?;
        let v = match v {
            Some(v) => Some(structured_serialize_internal(heap, &v, st, depth + 1)?),
            None => None,
        };
        serialized.push((k, v));
    }
    st.records[index].entries = serialized;
    Ok(Primitive::Object(index))
}

/// StructuredDeserialize ( serialized, targetRealm ) (HTML 2.7.5), in the heap's realm. Every
/// record becomes one object, created first (so that references, shared or cyclic, all point
/// to it), then its properties are defined with CreateDataProperty.
pub fn structured_deserialize<H: CloneHeap>(heap: &mut H, serialized: &Serialized) -> H::Value {
    let objects: Vec<H::Object> = serialized
        .records
        .iter()
        .map(|record| {
            let kind = match &record.kind {
                // A wrapper's primitive is never an object.
                Kind::Boxed(p) => Kind::Boxed(primitive(heap, p)),
                Kind::Error { name, message, stack } => {
                    Kind::Error { name: name.clone(), message: message.clone(), stack: stack.clone() }
                }
                Kind::RegExp { source, flags } => {
                    Kind::RegExp { source: source.clone(), flags: flags.clone() }
                }
                Kind::Array(length) => Kind::Array(*length),
                Kind::Map(_) => Kind::Map(Vec::new()),
                Kind::Set(_) => Kind::Set(Vec::new()),
                Kind::Date(t) => Kind::Date(*t),
                Kind::Object | Kind::Uncloneable => Kind::Object,
            };
            heap.create(&kind)
        })
        .collect();
    let value = |heap: &mut H, v: &Value| match v {
        Primitive::Object(i) => heap.object_value(objects[*i].clone()),
        other => primitive(heap, other),
    };
    for (record, obj) in serialized.records.iter().zip(&objects) {
        for (key, v) in &record.properties {
            let v = value(heap, v);
            heap.create_data_property(obj, key, v);
        }
        // A Map's entries and a Set's values, deserialized and appended in order.
        for (k, v) in &record.entries {
            let k = value(heap, k);
            let v = v.as_ref().map(|v| value(heap, v));
            heap.add_entry(obj, k, v);
        }
    }
    value(heap, &serialized.root)
}

fn primitive<H: CloneHeap>(heap: &mut H, v: &Value) -> H::Value {
    heap.primitive(match v {
        Primitive::Undefined | Primitive::Object(_) => Primitive::Undefined,
        Primitive::Null => Primitive::Null,
        Primitive::Bool(b) => Primitive::Bool(*b),
        Primitive::Number(n) => Primitive::Number(*n),
        Primitive::BigInt(n) => Primitive::BigInt(n.clone()),
        Primitive::String(s) => Primitive::String(s.clone()),
    })
}
