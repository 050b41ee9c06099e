//! Objects and the ordinary object internal methods (ECMA-262 2025, 10.1), with the Array
//! exotic object's [[DefineOwnProperty]] (10.4.2.1).
//!
//! Properties are kept in creation order, keyed by [`PropertyKey`]; array elements live in the
//! array's own vector (every element is a plain data property: writable, enumerable and
//! configurable; `None` is a hole, an index with no property), and its `length` is the
//! vector's length.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::interp::{Env, call_sync};
use crate::ir::{FuncDef, Name};
use crate::own_props::OwnProps;
use crate::property::{Key, PropertyDescriptor, PropertyKey};
use crate::realm::realm;
use crate::value::{JsPromise, JsValue, array_index};

/// A reference to an object.
#[derive(Clone)]
pub struct Obj(pub(crate) Rc<ObjData>);

pub(crate) struct ObjData {
    pub(crate) class: Class,
    pub(crate) props: RefCell<OwnProps>,
    pub(crate) proto: RefCell<Option<Obj>>,
    /// [[Extensible]].
    pub(crate) extensible: Cell<bool>,
    /// The attributes every element of an array (or arguments object) has: elements are kept
    /// in one vector, so `Object.seal` and `Object.freeze` (SetIntegrityLevel) change them all.
    pub(crate) elements: Cell<IntegrityLevel>,
    /// Its slot in the realm's heap registry (`heap.rs`), emptied when it drops.
    heap_slot: Cell<u32>,
    /// A function object whose `length` and `name` are still implied by its internal slots
    /// rather than stored in `props` (see [`Obj::new_function`]): conceptually its first two
    /// own properties, `length` then `name`, as CreateBuiltinFunction (10.3.4) and
    /// OrdinaryFunctionCreate's SetFunctionLength / SetFunctionName (10.2.10, 10.2.9) make
    /// them. Reads are answered from the slots; anything else materializes them first.
    implied: Cell<bool>,
    /// [`INDEX_PROPS`] and [`WATCHED`] (one byte).
    marks: Cell<u8>,
    /// An Array's `length` when it is past the element vector (a sparse array, see
    /// [`far_index`]): the elements past the vector are ordinary properties in `props`.
    /// Never below the vector's length while it matters: the length is the larger of the two.
    sparse_len: Cell<u32>,
}

/// Whether index `i` of an array with `len` dense elements is too far past them to be stored
/// in the element vector (every index below it would be allocated as a hole): such an element
/// is kept as an ordinary property and the length in [`ObjData::sparse_len`], so
/// `a[4294967294] = 1` costs one property, not 4 billion holes.
pub(crate) fn far_index(i: usize, len: usize) -> bool {
    i > (2 * len).max(len + 1024)
}

/// A mark of an object whose `props` may hold a property whose key is an array index (a key
/// that starts with a digit was stored; never cleared): without it, an index is an element
/// or absent, which the integer element path ([`Obj::set_array_element`]) relies on.
const INDEX_PROPS: u8 = 1;

/// A mark of an object whose property list a cached check depends on (see [`Obj::watch`]).
const WATCHED: u8 = 2;

/// A mark of an Array whose `length` was made read-only by a definition
/// (`Object.defineProperty(a, 'length', { writable: false })`); a frozen array's is read-only
/// without it (see [`Obj::array_length_writable`]).
const LENGTH_READONLY: u8 = 4;

#[cfg(test)]
thread_local! {
    /// How many objects are alive on this thread (test instrumentation: a run that frees
    /// everything it made leaves it where it was, registered with the heap or not).
    pub(crate) static LIVE_OBJECTS: Cell<usize> = const { Cell::new(0) };
}

impl Drop for ObjData {
    /// Without nesting destructors without bound: an object's last reference can be held by
    /// another object's property, element, prototype or slots (a closure's scope, a
    /// promise's value or reactions), so freeing a chain a million links long (`a = [a]`,
    /// `o = { o }`, a closure over a promise of a closure over ...) one destructor inside
    /// the other would overflow the stack.
    ///
    /// Most drops are shallow and drop their fields in place. Once destructors have nested
    /// [`DEEP_DROPS`] bytes of stack below where the outermost began, the object's fields are
    /// moved out ([`drop_deep`]): the first such object drops them and then, in a loop, the
    /// fields of every object whose drop they reach in turn, so a chain goes on at that depth
    /// instead of below it.
    fn drop(&mut self) {
        #[cfg(test)]
        LIVE_OBJECTS.with(|n| n.set(n.get() - 1));
        crate::heap::unregister_object(self.heap_slot.get(), self);
        let here = crate::stack::here();
        let Ok(base) = DROP_BASE.try_with(Cell::get) else { return };
        if here > base {
            // No destructor runs above this one: it is the outermost.
            DROP_BASE.with(|b| b.set(here));
        } else if base - here >= DEEP_DROPS {
            drop_deep(self, here);
        }
    }
}

/// How far (in bytes of stack) object destructors may nest below the outermost before
/// [`drop_deep`] takes over: about a hundred objects' destructors deep, far inside the red
/// zone that every stack check leaves (`stack.rs`), and a quarter of a small thread's stack.
const DEEP_DROPS: usize = 64 << 10;

thread_local! {
    /// Where the outermost object destructor of the chain being dropped began (an address on
    /// the stack; 0 before the first).
    static DROP_BASE: Cell<usize> = const { Cell::new(0) };
    /// Whether a [`drop_deep`] loop is running, and the fields it has still to drop.
    static DEEP: RefCell<Option<Vec<Parts>>> = const { RefCell::new(None) };
}

/// The fields of a dropped object that may hold other objects, held only to be dropped.
#[expect(dead_code, reason = "the fields are never read, only dropped")]
struct Parts {
    class: Class,
    props: OwnProps,
    proto: Option<Obj>,
}

/// The drop of an object [`DEEP_DROPS`] below the outermost destructor: its fields go to the
/// running loop's list, or, with no loop running, this drop becomes the loop, whose drops of
/// each object's fields nest the next objects' drops one level deep, which join its list.
#[inline(never)]
fn drop_deep(data: &mut ObjData, here: usize) {
    let parts = Parts {
        class: std::mem::replace(&mut data.class, Class::Object),
        props: std::mem::take(data.props.get_mut()),
        proto: data.proto.get_mut().take(),
    };
    // A running loop takes the fields; else this drop starts the loop, list empty.
    let parts = DEEP.with(|deep| {
        let mut deep = deep.borrow_mut();
        match deep.as_mut() {
            Some(list) => {
                list.push(parts);
                None
            }
            None => {
                *deep = Some(Vec::new());
                Some(parts)
            }
        }
    });
    let Some(parts) = parts else { return };
    drop(parts);
    loop {
        let next = DEEP.with(|deep| deep.borrow_mut().as_mut().and_then(Vec::pop));
        let Some(parts) = next else { break };
        drop(parts);
    }
    DEEP.with(|deep| deep.borrow_mut().take());
    // Later drops here (code running this deep) are outermost ones.
    DROP_BASE.with(|b| b.set(here));
}

/// An integrity level (7.3.15 SetIntegrityLevel), as the elements of an array have it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntegrityLevel {
    /// Writable and configurable.
    None,
    /// Not configurable.
    Sealed,
    /// Neither writable nor configurable.
    Frozen,
}

/// An element of an array or arguments object: `None` is a hole (no property at that index).
pub(crate) type Element = Option<JsValue>;

/// What kind of object, with its internal slots.
///
/// Every object's allocation holds a `Class`, so the large and rare states (collections, an
/// arguments object, an iterator's, a bound function's) are boxed: the enum stays the size of
/// a closure's fields (40 bytes), and an object's `Rc` block 120 bytes rather than 192 (the
/// promises, closures and resolving functions scripts make by the hundred thousand).
pub(crate) enum Class {
    Object,
    /// An Array exotic object's elements; `None` is a hole (an absent index below `length`).
    Array(RefCell<Vec<Element>>),
    Arguments(Box<crate::arguments::Arguments>),
    Function(Func),
    /// An Error instance; the offset where it was created (for reports).
    Error(Option<u32>),
    Promise(JsPromise),
    Generator(Rc<crate::generator::Generator>),
    /// A Symbol wrapper object (ToObject of a Symbol).
    Symbol(crate::property::Symbol),
    /// A Number, String, Boolean or BigInt wrapper object: [[NumberData]], [[StringData]],
    /// [[BooleanData]] or [[BigIntData]] (ToObject of the primitive, `new Number(1)`).
    Primitive(JsValue),
    /// An array or string iterator.
    ListIterator(Box<RefCell<crate::iteration::ListIterator>>),
    /// A RegExp instance: [[RegExpMatcher]], [[OriginalSource]], [[OriginalFlags]].
    RegExp(Rc<crate::builtins::regexp::RegExpData>),
    /// A %RegExpStringIterator% (22.2.9): what `matchAll` returns.
    RegExpStringIterator(RefCell<crate::builtins::regexp::RegExpStringIterator>),
    /// A Date's [[DateValue]] (21.4): a time value, or NaN.
    Date(std::cell::Cell<f64>),
    /// A Map's [[MapData]].
    Map(Box<RefCell<crate::map_data::MapData>>),
    /// A Set's [[SetData]].
    Set(Box<RefCell<crate::map_data::MapData>>),
    /// A Map or Set iterator (24.1.5, 24.2.6).
    CollectionIterator(RefCell<crate::map_data::CollectionIterator>),
    /// A WeakMap's [[WeakMapData]].
    WeakMap(Box<RefCell<crate::weak_data::WeakData>>),
    /// A WeakSet's [[WeakSetData]].
    WeakSet(Box<RefCell<crate::weak_data::WeakData>>),
}

/// A native function: `(this, arguments, new.target)`; `Err` is a `throw`. `new.target` is
/// `None` for a call, the constructor for `new`.
pub(crate) type NativeFn = Rc<dyn Fn(&JsValue, &[JsValue], bool) -> Result<JsValue, JsValue>>;

pub(crate) enum Func {
    Closure {
        def: Rc<FuncDef>,
        env: Env,
        /// [[HomeObject]] of a method (what `super` refers to).
        home: Option<Obj>,
        /// A class constructor's [[Fields]] (10.2's ClassFieldDefinition records).
        class: Option<Rc<crate::class::ClassFields>>,
    },
    Native {
        /// The initial `name` (CreateBuiltinFunction's name).
        name: crate::jsstr::JsStr,
        /// The initial `length`.
        length: u32,
        f: NativeFn,
        ctor: bool,
    },
    /// A bound function exotic object's slots (10.4.1), boxed: rare, and larger than the
    /// other two (see [`Class`]).
    Bound(Box<BoundFunc>),
    /// A promise's `resolve` (or, with `reject`, its `reject`) made by CreateResolvingFunctions
    /// (27.2.1.3): a built-in function of length 1 and name `""` whose [[Call]] is
    /// settle-promise's `call_resolving_function`. It holds the promise's resolvers itself, so
    /// `new Promise` makes two objects, not two objects and two closures.
    Resolving {
        resolvers: settle_promise::Resolvers<JsValue, JsValue, crate::promise::JsThenables>,
        reject: bool,
    },
}

impl Func {
    /// Calls a native function ([`Func::Native`] or [`Func::Resolving`]) with `this`, the
    /// arguments and whether it is [[Construct]], after the stack check every call makes
    /// (built-ins that call back into the script recurse); `None` for the others.
    #[inline(always)]
    pub(crate) fn call_native(
        &self,
        this: &JsValue,
        args: &[JsValue],
        construct: bool,
    ) -> Option<Result<JsValue, JsValue>> {
        let check = crate::stack::check;
        Some(match self {
            Func::Native { f, .. } => check().and_then(|()| f(this, args, construct)),
            Func::Resolving { resolvers, reject } => check().and_then(|()| {
                settle_promise::realm::call_resolving_function(
                    &crate::promise::JsRealm,
                    resolvers,
                    *reject,
                    args,
                )
            }),
            _ => return None,
        })
    }
}

/// A bound function's [[BoundTargetFunction]], [[BoundThis]] and [[BoundArguments]].
pub(crate) struct BoundFunc {
    pub(crate) target: JsValue,
    pub(crate) this: JsValue,
    pub(crate) args: Vec<JsValue>,
}

/// A stored property: a data value (with [[Writable]]) or an accessor pair.
#[derive(Clone)]
pub(crate) struct Prop {
    pub(crate) slot: Slot,
    pub(crate) enumerable: bool,
    pub(crate) configurable: bool,
    /// [[Writable]] of a data property (ignored for accessors).
    pub(crate) writable: bool,
}

#[derive(Clone)]
pub(crate) enum Slot {
    Data(JsValue),
    Accessor(Option<JsValue>, Option<JsValue>),
}

impl Prop {
    /// A writable, enumerable, configurable data property (CreateDataProperty's).
    pub(crate) fn data(value: JsValue) -> Prop {
        Prop { slot: Slot::Data(value), enumerable: true, configurable: true, writable: true }
    }

    fn descriptor(&self) -> PropertyDescriptor {
        match &self.slot {
            Slot::Data(v) => {
                PropertyDescriptor::data(v.clone(), self.writable, self.enumerable, self.configurable)
            }
            Slot::Accessor(g, s) => PropertyDescriptor {
                get: Some(g.clone().unwrap_or_default()),
                set: Some(s.clone().unwrap_or_default()),
                enumerable: Some(self.enumerable),
                configurable: Some(self.configurable),
                ..PropertyDescriptor::default()
            },
        }
    }
}

fn defined(v: Option<JsValue>) -> Option<JsValue> {
    v.filter(|v| !matches!(v, JsValue::Undefined))
}

/// The attributes of a function's `length` and `name` (CreateBuiltinFunction 10.3.4,
/// SetFunctionLength 10.2.10, SetFunctionName 10.2.9): { [[Writable]]: false,
/// [[Enumerable]]: false, [[Configurable]]: true }.
fn function_prop(value: JsValue) -> Prop {
    Prop { slot: Slot::Data(value), enumerable: false, configurable: true, writable: false }
}

impl Obj {
    pub(crate) fn new(class: Class, proto: Option<Obj>) -> Obj {
        Obj::with_implied(class, proto, false, false)
    }

    /// A promise object of `proto`, %Promise.prototype%: registered with the heap only once
    /// it has an own property or another prototype ([`Obj::registered`]).
    pub(crate) fn new_promise(promise: JsPromise, proto: Obj) -> Obj {
        Obj::with_implied(Class::Promise(promise), Some(proto), false, true)
    }

    /// A closure or native function object whose `length` and `name` properties are implied
    /// by its slots (the closure's definition, the native's `length` and `name`) until
    /// something other than a read touches them: most functions (a promise's resolving
    /// functions, `Promise.all`'s element functions, a callback) are called and dropped
    /// without their property list ever being looked at, and then need none (issue 16).
    /// Observably the same as defining both at creation, `length` first.
    ///
    /// `proto` is %Function.prototype%, so the object is registered with the heap only once it
    /// has an own property or another prototype ([`Obj::registered`]).
    pub(crate) fn new_function(func: Func, proto: Obj) -> Obj {
        let implied = matches!(func, Func::Closure { .. } | Func::Native { .. } | Func::Resolving { .. });
        Obj::with_implied(Class::Function(func), Some(proto), implied, implied)
    }

    /// An ordinary-looking object made with its properties (distinct keys, none an array
    /// index, in creation order): one allocation for the list and no searches.
    pub(crate) fn with_props(class: Class, proto: Option<Obj>, props: Vec<crate::own_props::Entry>) -> Obj {
        debug_assert!(props.iter().all(|(k, _)| k.array_index().is_none()));
        let o = Obj::with_implied(class, proto, false, false);
        *o.0.props.borrow_mut() = OwnProps::from_list(props);
        o
    }

    /// The object; with `deferred`, not yet registered with the heap (see [`Obj::registered`]),
    /// which the caller may ask only for an object whose class's internal slots the heap's
    /// sweep does not empty and whose `proto` is an intrinsic.
    fn with_implied(class: Class, proto: Option<Obj>, implied: bool, deferred: bool) -> Obj {
        let data = Rc::new(ObjData {
            class,
            props: RefCell::new(OwnProps::default()),
            proto: RefCell::new(proto),
            extensible: Cell::new(true),
            elements: Cell::new(IntegrityLevel::None),
            heap_slot: Cell::new(crate::heap::UNREGISTERED),
            implied: Cell::new(implied),
            marks: Cell::new(0),
            sparse_len: Cell::new(0),
        });
        #[cfg(test)]
        LIVE_OBJECTS.with(|n| n.set(n.get() + 1));
        if deferred {
            data.heap_slot.set(crate::heap::NOT_YET);
        } else {
            data.heap_slot.set(crate::heap::register_object(&data));
        }
        Obj(data)
    }

    /// Registers an object made without registration ([`Obj::new_promise`],
    /// [`Obj::new_function`]) with the heap, before it gets its first own property or a
    /// prototype of the script's.
    ///
    /// The heap's sweep breaks cycles by emptying objects' properties and prototypes (and some
    /// classes' slots), so an object needs to be registered only once it may be on a cycle
    /// that only emptying it breaks. A promise or function object with no own property and an
    /// intrinsic prototype is not: the intrinsics are emptied by name, its class's slots (a
    /// promise's state, a closure's scope and home object) are never emptied by the sweep,
    /// and a cycle through them passes through a captured scope or an object with properties,
    /// which are registered and emptied. Most such objects (a `then`'s derived promise, a
    /// callback, resolving functions) die without either, and never touch the registry
    /// (issue 16: a registration and its removal cost about 120 instructions).
    #[inline]
    fn registered(&self) {
        if self.0.heap_slot.get() == crate::heap::NOT_YET {
            self.0.heap_slot.set(crate::heap::register_object(&self.0));
        }
    }

    /// The implied `length` or `name` of a function object (see [`Obj::new_function`]), if
    /// `key` is one of them; the caller has checked that they are still implied. Kept out of
    /// line: [`Obj::own_prop`], on every property read, stays small enough to inline.
    #[inline(never)]
    fn implied_prop<K: Key + ?Sized>(&self, key: &K) -> Option<Prop> {
        let which = key.as_string()?;
        let is_length = match which {
            "length" => true,
            "name" => false,
            _ => return None,
        };
        let (length, name) = self.implied_values()?;
        Some(function_prop(if is_length { length } else { name }))
    }

    /// The values of an implied `length` and `name`.
    fn implied_values(&self) -> Option<(JsValue, JsValue)> {
        match &self.0.class {
            Class::Function(Func::Closure { def, .. }) => {
                Some((JsValue::Number(def.length as f64), JsValue::String(def.name_value())))
            }
            Class::Function(Func::Native { name, length, .. }) => {
                Some((JsValue::Number(f64::from(*length)), JsValue::String(name.clone())))
            }
            Class::Function(Func::Resolving { .. }) => {
                Some((JsValue::Number(1.0), JsValue::String(crate::realm::realm().empty_string.clone())))
            }
            _ => None,
        }
    }

    /// Stores an implied `length` and `name` as ordinary properties, ahead of the others
    /// (where creating them at once would have put them), before the property list is
    /// changed or listed.
    fn materialize(&self) {
        self.registered();
        if !self.0.implied.replace(false) {
            return;
        }
        let Some((length, name)) = self.implied_values() else { return };
        // The realm's shared keys, when one is current (not while `Realm::new` installs the
        // intrinsics).
        let (length_key, name_key) = match crate::realm::try_realm() {
            Some(r) => (r.length_key.clone(), r.name_key.clone()),
            None => ("length".into(), "name".into()),
        };
        let front = [
            (PropertyKey::String(length_key), function_prop(length)),
            (PropertyKey::String(name_key), function_prop(name)),
        ];
        self.0.props.borrow_mut().prepend(front);
    }

    /// The property list, to change: with any implied properties stored first. Every change
    /// of an object's own properties goes through here (or [`Obj::push_prop`] after it).
    fn props_mut(&self) -> std::cell::RefMut<'_, OwnProps> {
        self.materialize();
        if self.0.marks.get() & WATCHED != 0 {
            crate::realm::with_current_realm(crate::realm::Realm::watched_object_changed);
        }
        self.0.props.borrow_mut()
    }

    /// Marks this object as one whose own properties a realm-wide cached check has read
    /// (Promise.prototype and %Promise% for the intrinsic `then` check of `await`, see
    /// `promise.rs`): any later change of them clears the cache
    /// ([`Realm::watched_object_changed`](crate::realm::Realm::watched_object_changed)).
    pub(crate) fn watch(&self) {
        self.mark(WATCHED);
    }

    /// Sets one of the object's marks (`INDEX_PROPS`, `WATCHED`, `LENGTH_READONLY`); marks
    /// are never cleared.
    fn mark(&self, mark: u8) {
        self.0.marks.set(self.0.marks.get() | mark);
    }

    /// Adds a property to `props` (this object's, borrowed), noting a key that may be an
    /// array index.
    fn push_prop(&self, props: &mut OwnProps, key: PropertyKey, prop: Prop) {
        if key.as_str().is_some_and(|s| s.starts_with(|c: char| c.is_ascii_digit())) {
            self.mark(INDEX_PROPS);
        }
        props.push(key, prop);
    }

    /// `array[i]` for an element that is present: its value, found without a key string
    /// (issue 16). `None` when this is not an Array or `i` is a hole or past the end, where
    /// [[Get]] goes on with the key (an ordinary property of that index, the prototypes).
    pub(crate) fn array_element(&self, i: u32) -> Option<JsValue> {
        match &self.0.class {
            Class::Array(items) => items.borrow().get(i as usize).cloned().flatten(),
            _ => None,
        }
    }

    /// `array[i] = value` ([[Set]] with this object as the receiver) when its outcome is
    /// sure to be storing `value` as the element `i`, done without a key string (issue 16);
    /// otherwise `Err(value)`, for the caller to take the general path.
    ///
    /// Sure means: an Array whose elements are neither sealed nor frozen, and either element
    /// `i` is present (a writable data property: OrdinarySetWithOwnDescriptor steps 2.c-d
    /// replace its value), or it is absent and OrdinarySet would create it (step 2.e,
    /// CreateDataProperty): the array is extensible and has no ordinary property `i`, and
    /// no prototype has a property `i` (a setter or a read-only one would change the
    /// outcome), which holds when each prototype is an ordinary object, function or Array
    /// with no such element and none has stored an index-like key.
    pub(crate) fn set_array_element(&self, i: u32, value: JsValue) -> Result<(), JsValue> {
        let Class::Array(items) = &self.0.class else { return Err(value) };
        if self.0.elements.get() != IntegrityLevel::None {
            return Err(value);
        }
        let i = i as usize;
        let mut list = items.borrow_mut();
        if let Some(slot @ Some(_)) = list.get_mut(i) {
            let old = slot.replace(value);
            drop(list);
            // The old value is dropped after the borrow ends (dropping frees what it holds).
            drop(old);
            return Ok(());
        }
        drop(list);
        // A read-only `length` refuses an index past it (10.4.2.1 step 2.f): the general
        // path decides.
        if !self.is_extensible() || self.0.marks.get() & (INDEX_PROPS | LENGTH_READONLY) != 0 {
            return Err(value);
        }
        let mut proto = self.proto();
        while let Some(p) = proto {
            if p.0.marks.get() & INDEX_PROPS != 0 {
                return Err(value);
            }
            match &p.0.class {
                Class::Object | Class::Function(_) => {}
                Class::Array(elements) if elements.borrow().get(i).is_none_or(Option::is_none) => {}
                _ => return Err(value),
            }
            proto = p.proto();
        }
        let mut list = items.borrow_mut();
        if i >= list.len() {
            // A far index: the general path keeps the element as an ordinary property and
            // tracks the length.
            if far_index(i, list.len()) {
                return Err(value);
            }
            // No index is an ordinary property here (INDEX_PROPS is clear), so every index
            // between the vector's end and a longer sparse length is a hole: the vector can
            // grow over them (`new Array(n)` filled in order stays on this path).
            list.resize(i + 1, None);
            if list.len() >= self.0.sparse_len.get() as usize {
                self.0.sparse_len.set(0);
            }
        }
        list[i] = Some(value);
        Ok(())
    }

    pub(crate) fn ptr_eq(&self, other: &Obj) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The object's identity as a number, for sets of objects (valid while it is alive).
    pub(crate) fn addr(&self) -> usize {
        Rc::as_ptr(&self.0).addr()
    }

    pub(crate) fn class(&self) -> &Class {
        &self.0.class
    }

    /// [[GetPrototypeOf]] (10.1.1).
    pub(crate) fn proto(&self) -> Option<Obj> {
        self.0.proto.borrow().clone()
    }

    /// [[SetPrototypeOf]] (10.1.2, OrdinarySetPrototypeOf 10.1.2.1).
    pub(crate) fn set_prototype_of(&self, v: Option<Obj>) -> bool {
        // 1. Let current be O.[[Prototype]].
        // 2. If SameValue(V, current) is true, return true.
        let current = self.proto();
        if match (&v, &current) {
            (Some(a), Some(b)) => a.ptr_eq(b),
            (None, None) => true,
            _ => false,
        } {
            return true;
        }
        // 3. Let extensible be O.[[Extensible]].
        // 4. If extensible is false, return false.
        if !self.0.extensible.get() {
            return false;
        }
        // 5-8. Let p be V; repeat while p is not null: if SameValue(p, O) is true, return
        // false; otherwise let p be p.[[Prototype]].
        let mut p = v.clone();
        while let Some(o) = p {
            if o.ptr_eq(self) {
                return false;
            }
            p = o.proto();
        }
        // 9. Set O.[[Prototype]] to V.
        self.registered();
        *self.0.proto.borrow_mut() = v;
        // 10. Return true.
        true
    }

    /// [[IsExtensible]] (10.1.3).
    pub(crate) fn is_extensible(&self) -> bool {
        self.0.extensible.get()
    }

    /// [[PreventExtensions]] (10.1.4): 1. Set O.[[Extensible]] to false. 2. Return true.
    pub(crate) fn prevent_extensions(&self) -> bool {
        self.0.extensible.set(false);
        true
    }

    pub(crate) fn is_callable(&self) -> bool {
        matches!(self.0.class, Class::Function(_))
    }

    /// IsConstructor (7.2.4).
    pub(crate) fn is_constructor(&self) -> bool {
        match &self.0.class {
            Class::Function(Func::Native { ctor, .. }) => *ctor,
            Class::Function(Func::Closure { def, .. }) => def.is_constructor(),
            Class::Function(Func::Bound(bound)) => bound.target.as_object().is_some_and(Obj::is_constructor),
            _ => false,
        }
    }

    /// The element values of an array or arguments object, a hole read as `undefined` (what
    /// [[Get]] gives when no prototype has that index): for the operations that read every
    /// index from 0 to `length` (iteration, spread, `apply`).
    pub(crate) fn array_values(&self) -> Option<Vec<JsValue>> {
        self.array_items().map(|items| items.borrow().iter().map(|e| e.clone().unwrap_or_default()).collect())
    }

    pub(crate) fn array_items(&self) -> Option<&RefCell<Vec<Element>>> {
        match &self.0.class {
            Class::Array(items) => Some(items),
            Class::Arguments(a) => Some(&a.items),
            _ => None,
        }
    }

    fn is_array(&self) -> bool {
        matches!(self.0.class, Class::Array(_))
    }

    /// An Array's `length`: its element vector's, or the larger sparse one (see
    /// [`far_index`]).
    pub(crate) fn array_len(&self) -> Option<usize> {
        match &self.0.class {
            Class::Array(items) => Some(items.borrow().len().max(self.0.sparse_len.get() as usize)),
            _ => None,
        }
    }

    /// Whether this is an Array whose length is past its element vector (elements kept as
    /// ordinary properties): the built-in methods that work on the vector take their
    /// general path for it.
    pub(crate) fn is_sparse_array(&self) -> bool {
        self.is_array()
            && self.0.sparse_len.get() as usize > self.array_items().map_or(0, |i| i.borrow().len())
    }

    /// Whether this is an Array all of whose indices below its length are the element vector's
    /// (present elements or holes): no far length, no index kept as an ordinary property.
    /// Only such an array's methods may work on the vector directly; any other takes the
    /// spec's steps over its length.
    pub(crate) fn is_plain_array(&self) -> bool {
        self.is_array() && !self.is_sparse_array() && self.0.marks.get() & INDEX_PROPS == 0
    }

    /// Whether an Array's mutating methods may change its element vector directly: a plain
    /// array ([`Obj::is_plain_array`]) that is extensible, has neither sealed nor frozen
    /// elements and a writable `length`, so that every Set and DeletePropertyOrThrow of
    /// their spec steps would succeed. Any other array takes those steps one by one (an
    /// early refusal leaves the changes made before it, as the spec's order does).
    pub(crate) fn is_plain_mutable_array(&self) -> bool {
        self.is_plain_array()
            && self.is_extensible()
            && self.0.elements.get() == IntegrityLevel::None
            && self.0.marks.get() & LENGTH_READONLY == 0
    }

    /// Whether an Array's `length` is writable: not after a definition made it read-only, nor
    /// once the array is frozen (SetIntegrityLevel 7.3.15 step 5 makes every data property
    /// read-only, `length` among them).
    pub(crate) fn array_length_writable(&self) -> bool {
        self.0.marks.get() & LENGTH_READONLY == 0 && self.0.elements.get() != IntegrityLevel::Frozen
    }

    /// The array indices of this object's own properties, ascending (elements, and indices
    /// kept as ordinary properties), without a key string per element.
    pub(crate) fn own_index_keys(&self) -> Vec<u32> {
        let mut keys: Vec<u32> = match self.array_items() {
            Some(items) => items
                .borrow()
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_some())
                .map(|(i, _)| i as u32)
                .collect(),
            None => Vec::new(),
        };
        if self.0.marks.get() & INDEX_PROPS != 0 || self.array_items().is_none() {
            keys.extend(self.own_property_keys().into_iter().filter_map(|k| k.array_index()));
            keys.sort_unstable();
            keys.dedup();
        }
        keys
    }

    /// The primitive a wrapper object holds ([[NumberData]] and the like).
    pub(crate) fn primitive_data(&self) -> Option<&JsValue> {
        match &self.0.class {
            Class::Primitive(v) => Some(v),
            _ => None,
        }
    }

    pub(crate) fn promise(&self) -> Option<&JsPromise> {
        match &self.0.class {
            Class::Promise(p) => Some(p),
            _ => None,
        }
    }

    /// Defines (or replaces) an own data property, writable and configurable: how built-in
    /// methods are installed (CreateMethodProperty, 7.3.7's attributes) and how object
    /// literals create theirs (CreateDataPropertyOrThrow).
    pub(crate) fn define<K: Key + ?Sized>(&self, key: &K, value: JsValue, enumerable: bool) {
        self.define_with(key, value, true, enumerable, true);
    }

    /// Defines (or replaces) an own data property with the given attributes, without checks
    /// (for the realm's own set-up).
    pub(crate) fn define_with<K: Key + ?Sized>(
        &self,
        key: &K,
        value: JsValue,
        writable: bool,
        enumerable: bool,
        configurable: bool,
    ) {
        if let Some(items) = self.array_items()
            && let Some(i) = key.as_string().and_then(array_index)
            && !(self.is_array() && far_index(i as usize, items.borrow().len()))
        {
            let mut items = items.borrow_mut();
            let i = i as usize;
            if i >= items.len() {
                items.resize(i + 1, None);
            }
            items[i] = Some(value.clone());
            drop(items);
            if let Class::Arguments(a) = &self.0.class {
                a.written(i, &value);
            }
            return;
        }
        if self.is_array()
            && let Some(i) = key.as_string().and_then(array_index)
            && i >= self.0.sparse_len.get()
        {
            // A far index (above): an ordinary property past the length.
            self.0.sparse_len.set(i + 1);
        }
        let mut props = self.props_mut();
        let prop = Prop { slot: Slot::Data(value), enumerable, configurable, writable };
        match props.get_mut(key) {
            Some(p) => *p = prop,
            None => self.push_prop(&mut props, key.to_key(), prop),
        }
    }

    /// Adds a data property that the object is known not to have (one just made: a
    /// function's `prototype`), after any implied `length` and `name`, which stay implied.
    pub(crate) fn define_new<K: Key + ?Sized>(
        &self,
        key: &K,
        value: JsValue,
        writable: bool,
        enumerable: bool,
        configurable: bool,
    ) {
        debug_assert!(self.0.props.borrow().get(key).is_none() && self.implied_prop(key).is_none());
        self.registered();
        let prop = Prop { slot: Slot::Data(value), enumerable, configurable, writable };
        let mut props = self.0.props.borrow_mut();
        self.push_prop(&mut props, key.to_key(), prop);
    }

    /// Defines a getter or setter, keeping the other half of an existing accessor (object
    /// literals' `get`/`set`).
    pub(crate) fn define_accessor<K: Key + ?Sized>(
        &self,
        key: &K,
        getter: Option<JsValue>,
        setter: Option<JsValue>,
        enumerable: bool,
    ) {
        let mut props = self.props_mut();
        match props.get_mut(key) {
            Some(p) => {
                let (g0, s0) = match &p.slot {
                    Slot::Accessor(g, s) => (g.clone(), s.clone()),
                    Slot::Data(_) => (None, None),
                };
                p.slot = Slot::Accessor(getter.or(g0), setter.or(s0));
                p.enumerable = enumerable;
                p.configurable = true;
            }
            None => self.push_prop(
                &mut props,
                key.to_key(),
                Prop {
                    slot: Slot::Accessor(getter, setter),
                    enumerable,
                    configurable: true,
                    writable: false,
                },
            ),
        }
    }

    /// Whether the object has no own properties other than array elements (and an Array's
    /// `length`): a quick answer for the checks that ask for a few keys on a fresh object.
    pub(crate) fn has_no_own_props(&self) -> bool {
        !self.0.implied.get() && self.0.props.borrow().list().is_empty()
    }

    /// The stored property (not array elements or `length`).
    #[inline]
    pub(crate) fn own_prop<K: Key + ?Sized>(&self, key: &K) -> Option<Prop> {
        if self.0.implied.get()
            && let Some(prop) = self.implied_prop(key)
        {
            return Some(prop);
        }
        self.0.props.borrow().get(key).cloned()
    }

    /// The value of the own data property called `name` if it is the one at `position` of the
    /// property list (what [`Obj::own_data_position`] answered earlier): a reference's cache
    /// of the global object's property (`interp::get_global_cached`). `None` when the list
    /// moved, the property became an accessor, or the object's `length`/`name` are implied.
    pub(crate) fn own_data_at(&self, position: usize, name: &str) -> Option<JsValue> {
        if self.0.implied.get() {
            return None;
        }
        match self.0.props.borrow().list().get(position) {
            Some((key, Prop { slot: Slot::Data(v), .. })) if Key::matches(name, key) => Some(v.clone()),
            _ => None,
        }
    }

    /// Whether [[Get]] of a name on this object is the ordinary one over its property list:
    /// not an Array's or arguments object's (elements, `length`), nor a String wrapper's, nor
    /// a function whose `length` and `name` are still implied ([`Obj::own_data_at`]'s users).
    pub(crate) fn ordinary_named_get(&self) -> bool {
        !self.0.implied.get()
            && !matches!(self.0.class, Class::Array(_) | Class::Arguments(_) | Class::Primitive(_))
    }

    /// Whether the object has no own property called `name` in its list (for an object whose
    /// [[Get]] is [`Obj::ordinary_named_get`]).
    pub(crate) fn lacks_own(&self, name: &str) -> bool {
        let props = self.0.props.borrow();
        props.list().is_empty() || props.position(name).is_none()
    }

    /// The position in the property list of the own data property called `name`, and its
    /// value (see [`Obj::own_data_at`]).
    pub(crate) fn own_data_position(&self, name: &str) -> Option<(usize, JsValue)> {
        if self.0.implied.get() {
            return None;
        }
        let props = self.0.props.borrow();
        let i = props.position(name)?;
        match &props.list()[i].1 {
            Prop { slot: Slot::Data(v), .. } => Some((i, v.clone())),
            _ => None,
        }
    }

    /// [[GetOwnProperty]] (10.1.5, OrdinaryGetOwnProperty 10.1.5.1).
    pub(crate) fn get_own_property<K: Key + ?Sized>(&self, key: &K) -> Option<PropertyDescriptor> {
        if let Some(items) = self.array_items() {
            if let Some(i) = key.as_string().and_then(array_index) {
                let level = self.0.elements.get();
                let (writable, configurable) =
                    (level != IntegrityLevel::Frozen, level == IntegrityLevel::None);
                if let Some(Some(v)) = items.borrow().get(i as usize) {
                    return Some(PropertyDescriptor::data(v.clone(), writable, true, configurable));
                }
                // A hole, or an index past the elements: an ordinary property if any.
                return self.own_prop(key).map(|p| p.descriptor());
            }
            // An array's `length` is its element count; an arguments object's is an ordinary
            // property (10.4.4.6 step 7), which element writes do not change.
            if key.as_string() == Some("length")
                && let Some(len) = self.array_len()
            {
                let writable = self.array_length_writable();
                return Some(PropertyDescriptor::data(JsValue::Number(len as f64), writable, false, false));
            }
        }
        // 1. If O does not have an own property with key P, return undefined.
        // 2-9. Create a descriptor from the property's attributes and return it.
        self.own_prop(key).map(|p| p.descriptor())
    }

    /// [[DefineOwnProperty]] (10.1.6, OrdinaryDefineOwnProperty 10.1.6.1), with the Array
    /// exotic object's (10.4.2.1) for arrays.
    ///
    /// # Errors
    ///
    /// ArraySetLength's ToNumber of a `length` value (a throwing `valueOf`), or a RangeError
    /// for an invalid array length.
    pub(crate) fn define_own_property(
        &self,
        key: &PropertyKey,
        desc: PropertyDescriptor,
    ) -> Result<bool, JsValue> {
        if let Some(items) = self.array_items() {
            // 10.4.2.1 step 1: If P is "length", return ? ArraySetLength(A, Desc).
            if key.as_str() == Some("length") && self.is_array() {
                // OrdinaryDefineOwnProperty's ValidateAndApplyPropertyDescriptor (10.1.6.3)
                // against `length`'s own attributes (non-configurable, non-enumerable): an
                // accessor, configurable or enumerable descriptor is refused, and so is making
                // a read-only `length` writable again (step 5.c.ii.1).
                let writable = self.array_length_writable();
                if desc.is_accessor()
                    || desc.configurable == Some(true)
                    || desc.enumerable == Some(true)
                    || !writable && desc.writable == Some(true)
                {
                    return Ok(false);
                }
                // ArraySetLength step 13-14: newWritable is false when the descriptor makes
                // `length` read-only; that happens after the deletions (step 18), so they run
                // against a writable length.
                let new_writable = desc.writable != Some(false);
                // Step 1: if Desc does not have a [[Value]] field, return
                // OrdinaryDefineOwnProperty(A, "length", Desc).
                let Some(v) = &desc.value else {
                    if !new_writable {
                        self.mark(LENGTH_READONLY);
                    }
                    return Ok(true);
                };
                let mut len = array_length(v)?;
                let old_len = self.array_len().unwrap_or(0);
                // Step 11: if newLen >= oldLen, return OrdinaryDefineOwnProperty(A,
                // "length", newLenDesc) (a read-only length accepts only its own value);
                // step 12: if oldLenDesc.[[Writable]] is false, return false.
                if !writable {
                    return Ok(len == old_len);
                }
                // ArraySetLength (10.4.2.4) step 17: for each own array index P >= newLen,
                // in descending order: let deleteSucceeded be ! A.[[Delete]](P); if it is
                // false, set newLenDesc.[[Value]] to ToUint32(P) + 1, perform
                // OrdinaryDefineOwnProperty(A, "length", newLenDesc) and return false.
                // Deleting from the top down stops at the highest non-configurable index,
                // so the length becomes one past it and everything above it goes: an
                // ordinary index property, or a present element of a sealed vector.
                let mut refused = false;
                if len < old_len {
                    let mut stop = len;
                    if self.0.elements.get() != IntegrityLevel::None
                        && let Some(last) = items.borrow().iter().rposition(Option::is_some)
                        && last >= len
                    {
                        stop = last + 1;
                    }
                    if self.0.marks.get() & INDEX_PROPS != 0 {
                        for (key, prop) in self.0.props.borrow().list() {
                            if let Some(i) = key.array_index()
                                && !prop.configurable
                                && i as usize >= stop
                            {
                                stop = i as usize + 1;
                            }
                        }
                    }
                    refused = stop != len;
                    len = stop;
                }
                // Growing adds holes; shrinking deletes the indices (the elements kept as
                // ordinary properties too). Growing far past the vector only records the
                // length.
                let mut list = items.borrow_mut();
                if len <= list.len() || !far_index(len - 1, list.len()) {
                    list.resize(len, None);
                }
                let dense = list.len();
                drop(list);
                self.0.sparse_len.set(if len > dense { len as u32 } else { 0 });
                if self.0.marks.get() & INDEX_PROPS != 0 {
                    let mut props = self.props_mut();
                    let mut k = 0;
                    while k < props.list().len() {
                        let (key, prop) = &props.list()[k];
                        if prop.configurable && key.array_index().is_some_and(|i| i as usize >= len) {
                            props.remove(k);
                        } else {
                            k += 1;
                        }
                    }
                }
                // Step 17.b.ii and step 18: if newWritable is false, `length` becomes
                // read-only, whether the deletions stopped early or not.
                if !new_writable {
                    self.mark(LENGTH_READONLY);
                }
                return Ok(!refused);
            }
            // Step 2: an array index. Elements are plain data properties here: any other
            // attributes are not representable, and the definition is refused.
            if let Some(i) = key.array_index() {
                let level = self.0.elements.get();
                let (writable, configurable) =
                    (level != IntegrityLevel::Frozen, level == IntegrityLevel::None);
                let i = i as usize;
                // Step 2.f: if index >= length and lengthDesc.[[Writable]] is false, return
                // false.
                if self.is_array() && !self.array_length_writable() && i >= self.array_len().unwrap_or(0) {
                    return Ok(false);
                }
                let mut items = items.borrow_mut();
                let exists = items.get(i).is_some_and(Option::is_some);
                // A far index (see `far_index`), or one already kept as an ordinary property:
                // an ordinary property, with the array's length past it (10.4.2.1 step 2.j).
                if !exists
                    && self.is_array()
                    && (far_index(i, items.len())
                        || self.0.marks.get() & INDEX_PROPS != 0 && self.own_prop(key).is_some())
                {
                    drop(items);
                    let current = self.own_prop(key).map(|p| p.descriptor());
                    let extensible = self.is_extensible();
                    let done = self.validate_and_apply_property_descriptor(key, extensible, desc, current);
                    if done && i as u32 >= self.0.sparse_len.get() {
                        self.0.sparse_len.set(i as u32 + 1);
                    }
                    return Ok(done);
                }
                let same = |want: Option<bool>, have: bool| want.is_none_or(|w| w == have);
                let fits = !desc.is_accessor()
                    && same(desc.writable, if exists { writable } else { true })
                    && desc.enumerable != Some(false)
                    && same(desc.configurable, if exists { configurable } else { true });
                if !fits {
                    // An element that is not a plain data property cannot live in the element
                    // vector; past the elements (Array.prototype's accessors, say) it is kept
                    // as an ordinary property, and `length` does not count it.
                    if exists {
                        // An Array's element given other attributes (a non-configurable or
                        // read-only one, an accessor): it leaves the vector (a hole there) for
                        // an ordinary property with the element's attributes, which the
                        // definition then validates and changes (10.1.6.3). An arguments
                        // object's elements stay where its mapping expects them.
                        if !self.is_array() || level != IntegrityLevel::None {
                            return Ok(false);
                        }
                        let value = items[i].take().unwrap_or_default();
                        drop(items);
                        let prop = Prop { slot: Slot::Data(value), enumerable: true, configurable, writable };
                        self.push_prop(&mut self.props_mut(), key.clone(), prop);
                        let current = self.own_prop(key).map(|p| p.descriptor());
                        let extensible = self.is_extensible();
                        return Ok(
                            self.validate_and_apply_property_descriptor(key, extensible, desc, current)
                        );
                    }
                    drop(items);
                    let current = self.own_prop(key).map(|p| p.descriptor());
                    let extensible = self.is_extensible();
                    let done = self.validate_and_apply_property_descriptor(key, extensible, desc, current);
                    // 10.4.2.1 step 2.j: if index >= length, set the length to index + 1.
                    if done && self.is_array() && i >= self.array_len().unwrap_or(0) {
                        self.0.sparse_len.set(i as u32 + 1);
                    }
                    return Ok(done);
                }
                if exists
                    && !writable
                    && let Some(v) = &desc.value
                    && !items[i].as_ref().is_some_and(|c| v.same_value(c))
                {
                    return Ok(false);
                }
                if !exists {
                    // A new element (past the end or in a hole): the object must be extensible
                    // (ValidateAndApplyPropertyDescriptor step 2.a).
                    if !self.is_extensible() {
                        return Ok(false);
                    }
                    if i >= items.len() {
                        items.resize(i + 1, None);
                    }
                    if items[i].is_none() {
                        items[i] = Some(JsValue::Undefined);
                    }
                }
                if let Some(v) = desc.value {
                    items[i] = Some(v.clone());
                    drop(items);
                    // 10.4.4.2 step 7.a.ii: a mapped index sets its parameter too.
                    if let Class::Arguments(a) = &self.0.class {
                        a.written(i, &v);
                    }
                }
                return Ok(true);
            }
        }
        // 1. Let current be ? O.[[GetOwnProperty]](P).
        let current = self.get_own_property(key);
        // 2. Let extensible be ? IsExtensible(O).
        let extensible = self.is_extensible();
        // 3. Return ValidateAndApplyPropertyDescriptor(O, P, extensible, Desc, current).
        Ok(self.validate_and_apply_property_descriptor(key, extensible, desc, current))
    }

    /// ValidateAndApplyPropertyDescriptor (10.1.6.3), with O always an object.
    fn validate_and_apply_property_descriptor(
        &self,
        key: &PropertyKey,
        extensible: bool,
        desc: PropertyDescriptor,
        current: Option<PropertyDescriptor>,
    ) -> bool {
        // 1. Assert: P is a property key.
        // 2. If current is undefined, then
        let Some(current) = current else {
            // a. If extensible is false, return false.
            if !extensible {
                return false;
            }
            // c. If IsAccessorDescriptor(Desc) is true, then create an own accessor property
            // whose attributes are Desc's or their defaults.
            let prop = if desc.is_accessor() {
                Prop {
                    slot: Slot::Accessor(defined(desc.get), defined(desc.set)),
                    enumerable: desc.enumerable.unwrap_or(false),
                    configurable: desc.configurable.unwrap_or(false),
                    writable: false,
                }
            } else {
                // d. Else, create an own data property with Desc's attributes or defaults.
                Prop {
                    slot: Slot::Data(desc.value.unwrap_or_default()),
                    enumerable: desc.enumerable.unwrap_or(false),
                    configurable: desc.configurable.unwrap_or(false),
                    writable: desc.writable.unwrap_or(false),
                }
            };
            self.push_prop(&mut self.props_mut(), key.clone(), prop);
            // e. Return true.
            return true;
        };
        // 3. Assert: current is a fully populated Property Descriptor.
        // 4. If Desc does not have any fields, return true.
        // 5. If current.[[Configurable]] is false, then
        if current.configurable == Some(false) {
            // a. If Desc has a [[Configurable]] field and Desc.[[Configurable]] is true, return
            // false.
            if desc.configurable == Some(true) {
                return false;
            }
            // b. If Desc has an [[Enumerable]] field and Desc.[[Enumerable]] is not
            // current.[[Enumerable]], return false.
            if desc.enumerable.is_some() && desc.enumerable != current.enumerable {
                return false;
            }
            // c. If IsGenericDescriptor(Desc) is false and IsAccessorDescriptor(Desc) is not
            // IsAccessorDescriptor(current), return false.
            if !desc.is_generic() && desc.is_accessor() != current.is_accessor() {
                return false;
            }
            // d. If IsAccessorDescriptor(current) is true, then
            if current.is_accessor() {
                // i-ii. A [[Get]] or [[Set]] field that is not SameValue to current's: false.
                let same = |a: &Option<JsValue>, b: &Option<JsValue>| match (a, b) {
                    (Some(a), Some(b)) => a.same_value(b),
                    _ => true,
                };
                if !same(&desc.get, &current.get) || !same(&desc.set, &current.set) {
                    return false;
                }
            } else if current.writable == Some(false) {
                // e. Else if current.[[Writable]] is false, then
                // i. If Desc has a [[Writable]] field and Desc.[[Writable]] is true, return false.
                if desc.writable == Some(true) {
                    return false;
                }
                // ii. If Desc has a [[Value]] field and SameValue(Desc.[[Value]],
                // current.[[Value]]) is false, return false.
                if let (Some(v), Some(c)) = (&desc.value, &current.value)
                    && !v.same_value(c)
                {
                    return false;
                }
            }
        }
        // 6. If O is not undefined, then
        let mut props = self.props_mut();
        let Some(prop) = props.get_mut(key) else { return true };
        if current.is_data() && desc.is_accessor() {
            // a. If IsDataDescriptor(current) is true and IsAccessorDescriptor(Desc) is true,
            // then replace the property with an accessor, keeping [[Configurable]] and
            // [[Enumerable]] unless Desc gives them, and the rest from Desc or defaults.
            prop.slot = Slot::Accessor(defined(desc.get), defined(desc.set));
            prop.writable = false;
        } else if current.is_accessor() && desc.is_data() {
            // b. Else if IsAccessorDescriptor(current) is true and IsDataDescriptor(Desc) is
            // true, then replace the property with a data property likewise.
            prop.slot = Slot::Data(desc.value.unwrap_or_default());
            prop.writable = desc.writable.unwrap_or(false);
        } else {
            // c. Else, for each field of Desc, set the corresponding attribute of the property
            // named P of object O to the value of the field.
            if let Some(v) = desc.value {
                prop.slot = Slot::Data(v);
            }
            if let Some(w) = desc.writable {
                prop.writable = w;
            }
            if let Slot::Accessor(g, s) = &mut prop.slot {
                if let Some(get) = desc.get {
                    *g = defined(Some(get));
                }
                if let Some(set) = desc.set {
                    *s = defined(Some(set));
                }
            }
        }
        if let Some(e) = desc.enumerable {
            prop.enumerable = e;
        }
        if let Some(c) = desc.configurable {
            prop.configurable = c;
        }
        // 7. Return true.
        true
    }

    /// Own string keys in the spec's order (10.1.11): array indices ascending, then the other
    /// strings in creation order; only enumerable ones when asked (what `for-in`, spread and
    /// `console.log` list).
    pub(crate) fn own_keys(&self, only_enumerable: bool) -> Vec<Name> {
        self.own_property_keys()
            .into_iter()
            .filter_map(|k| match k {
                PropertyKey::String(s) => Some(s),
                PropertyKey::Symbol(_) => None,
            })
            .filter(|k| {
                !only_enumerable || self.get_own_property(&**k).is_some_and(|d| d.enumerable == Some(true))
            })
            .collect()
    }

    /// The own enumerable keys, Strings and Symbols, in [[OwnPropertyKeys]] order: what
    /// CopyDataProperties (7.3.25) copies (object spread and rest).
    pub(crate) fn own_enumerable_keys(&self) -> Vec<PropertyKey> {
        self.own_property_keys()
            .into_iter()
            .filter(|k| self.get_own_property(k).is_some_and(|d| d.enumerable == Some(true)))
            .collect()
    }

    /// [[OwnPropertyKeys]] (10.1.11, OrdinaryOwnPropertyKeys 10.1.11.1).
    pub(crate) fn own_property_keys(&self) -> Vec<PropertyKey> {
        // 1. Let keys be a new empty List.
        let mut keys: Vec<PropertyKey> = Vec::new();
        // 2. For each own property key P of O such that P is an array index, in ascending
        // numeric index order, append P to keys.
        self.materialize();
        let props = self.0.props.borrow();
        let mut index_keys: Vec<(u32, PropertyKey)> =
            props.list().iter().filter_map(|(k, _)| k.array_index().map(|i| (i, k.clone()))).collect();
        if let Some(items) = self.array_items() {
            // Elements present (not holes).
            index_keys.extend(items.borrow().iter().enumerate().filter(|(_, e)| e.is_some()).map(
                |(i, _)| {
                    let i = u32::try_from(i).unwrap_or(u32::MAX);
                    (i, PropertyKey::from(i.to_string()))
                },
            ));
        }
        index_keys.sort_by_key(|(i, _)| *i);
        keys.extend(index_keys.into_iter().map(|(_, k)| k));
        // 3. For each own property key P of O such that P is a String and P is not an array
        // index, in ascending chronological order of property creation, append P to keys.
        if self.is_array() {
            keys.push(PropertyKey::from("length"));
        }
        keys.extend(
            props
                .list()
                .iter()
                .filter(|(k, _)| k.as_str().is_some() && k.array_index().is_none())
                .map(|(k, _)| k.clone()),
        );
        // 4. For each own property key P of O such that P is a Symbol, in ascending
        // chronological order of property creation, append P to keys.
        keys.extend(props.list().iter().filter(|(k, _)| k.as_str().is_none()).map(|(k, _)| k.clone()));
        // 5. Return keys.
        keys
    }

    pub(crate) fn has_own<K: Key + ?Sized>(&self, key: &K) -> bool {
        self.get_own_property(key).is_some()
    }

    /// [[HasProperty]] (10.1.7, OrdinaryHasProperty 10.1.7.1).
    pub(crate) fn has_property<K: Key + ?Sized>(&self, key: &K) -> bool {
        let mut current = Some(self.clone());
        while let Some(o) = current {
            if o.has_own(key) {
                return true;
            }
            current = o.proto();
        }
        false
    }

    /// [[Get]] (10.1.8, OrdinaryGet 10.1.8.1) with `receiver` as `this` for getters.
    pub(crate) fn get_with<K: Key + ?Sized>(&self, key: &K, receiver: &JsValue) -> Result<JsValue, JsValue> {
        let mut current = Some(self.clone());
        while let Some(obj) = current {
            // 1. Let desc be ? O.[[GetOwnProperty]](P).
            if let Some(items) = obj.array_items() {
                if let Some(i) = key.as_string().and_then(array_index) {
                    // A hole goes on to the prototype, as an absent property does.
                    if let Some(Some(v)) = items.borrow().get(i as usize) {
                        return Ok(v.clone());
                    }
                } else if key.as_string() == Some("length")
                    && let Some(len) = obj.array_len()
                {
                    return Ok(JsValue::Number(len as f64));
                }
            }
            if let Some(prop) = obj.own_prop(key) {
                return match prop.slot {
                    // 3. If IsDataDescriptor(desc) is true, return desc.[[Value]].
                    Slot::Data(v) => Ok(v),
                    // 5-7. Let getter be desc.[[Get]]; if undefined, return undefined; return
                    // ? Call(getter, Receiver).
                    Slot::Accessor(Some(getter), _) => call_sync(&getter, receiver, &[]),
                    Slot::Accessor(None, _) => Ok(JsValue::Undefined),
                };
            }
            // 2. If desc is undefined, then let parent be ? O.[[GetPrototypeOf]](); if parent
            // is null, return undefined; return ? parent.[[Get]](P, Receiver).
            current = obj.proto();
        }
        Ok(JsValue::Undefined)
    }

    pub(crate) fn get<K: Key + ?Sized>(&self, key: &K) -> Result<JsValue, JsValue> {
        self.get_with(key, &JsValue::Object(self.clone()))
    }

    /// [[Set]] (10.1.9, OrdinarySet 10.1.9.1 and OrdinarySetWithOwnDescriptor 10.1.9.2):
    /// `false` when the assignment is refused (strict code throws a TypeError).
    pub(crate) fn set_with(
        &self,
        key: &PropertyKey,
        value: JsValue,
        receiver: &JsValue,
    ) -> Result<bool, JsValue> {
        // 10.1.9.2 step 1: If ownDesc is undefined, look up the prototype chain; with no
        // property anywhere, ownDesc is a writable, enumerable, configurable data property.
        let mut owner = Some(self.clone());
        let mut own_desc = None;
        while let Some(o) = owner {
            if let Some(d) = o.get_own_property(key) {
                own_desc = Some(d);
                break;
            }
            owner = o.proto();
        }
        let own_desc =
            own_desc.unwrap_or_else(|| PropertyDescriptor::data(JsValue::Undefined, true, true, true));
        // 2. If IsDataDescriptor(ownDesc) is true, then
        if own_desc.is_data() {
            // a. If ownDesc.[[Writable]] is false, return false.
            if own_desc.writable == Some(false) {
                return Ok(false);
            }
            // b. If Receiver is not an Object, return false.
            let JsValue::Object(receiver) = receiver else { return Ok(false) };
            // c. Let existingDescriptor be ? Receiver.[[GetOwnProperty]](P).
            match receiver.get_own_property(key) {
                // d. If existingDescriptor is not undefined, then
                Some(existing) => {
                    // i. If IsAccessorDescriptor(existingDescriptor) is true, return false.
                    // ii. If existingDescriptor.[[Writable]] is false, return false.
                    if existing.is_accessor() || existing.writable == Some(false) {
                        return Ok(false);
                    }
                    // iii. Let valueDesc be the PropertyDescriptor { [[Value]]: V }.
                    // iv. Return ? Receiver.[[DefineOwnProperty]](P, valueDesc).
                    let value_desc =
                        PropertyDescriptor { value: Some(value), ..PropertyDescriptor::default() };
                    return receiver.define_own_property(key, value_desc);
                }
                // e. Else, return ? CreateDataProperty(Receiver, P, V).
                None => return receiver.create_data_property(key, value),
            }
        }
        // 3. Assert: IsAccessorDescriptor(ownDesc) is true.
        // 4. Let setter be ownDesc.[[Set]].
        // 5. If setter is undefined, return false.
        let setter = own_desc.set.unwrap_or_default();
        if !setter.is_callable() {
            return Ok(false);
        }
        // 6. Perform ? Call(setter, Receiver, « V »).
        call_sync(&setter, receiver, &[value])?;
        // 7. Return true.
        Ok(true)
    }

    /// CreateDataProperty (7.3.5).
    pub(crate) fn create_data_property(&self, key: &PropertyKey, value: JsValue) -> Result<bool, JsValue> {
        // 1. Let newDesc be the PropertyDescriptor { [[Value]]: V, [[Writable]]: true,
        // [[Enumerable]]: true, [[Configurable]]: true }.
        // 2. Return ? O.[[DefineOwnProperty]](P, newDesc).
        self.define_own_property(key, PropertyDescriptor::data(value, true, true, true))
    }

    /// [[Delete]] (10.1.10, OrdinaryDelete 10.1.10.1).
    pub(crate) fn delete<K: Key + ?Sized>(&self, key: &K) -> bool {
        if let Some(items) = self.array_items() {
            if let Some(i) = key.as_string().and_then(array_index) {
                let mut items = items.borrow_mut();
                let i = i as usize;
                let exists = items.get(i).is_some_and(Option::is_some);
                if exists && self.0.elements.get() != IntegrityLevel::None {
                    return false;
                }
                // A deleted element leaves a hole; `length` does not change.
                if exists {
                    items[i] = None;
                    // 10.4.4.5 [[Delete]] step 3: If result is true and isMapped is true, then
                    // Perform ! map.[[Delete]](P).
                    if let Class::Arguments(a) = &self.0.class {
                        a.unmap(i);
                    }
                    return true;
                }
                // Not an element: perhaps an ordinary property of that index (below).
            }
            if key.as_string() == Some("length") && self.is_array() {
                return false;
            }
        }
        // 1. Let desc be ? O.[[GetOwnProperty]](P).
        let mut props = self.props_mut();
        let Some(i) = props.position(key) else {
            // 2. If desc is undefined, return true.
            return true;
        };
        // 3. If desc.[[Configurable]] is true, then remove the own property with name P from
        // O and return true.
        if props.list()[i].1.configurable {
            props.remove(i);
            return true;
        }
        // 4. Return false.
        false
    }
}

/// ArraySetLength's (10.4.2.4) steps 3-5: ToUint32 and ToNumber of the value must agree.
fn array_length(v: &JsValue) -> Result<usize, JsValue> {
    let n = v.to_number()?;
    if n < 0.0 || n.fract() != 0.0 || n > 4_294_967_295.0 || n.is_nan() {
        return Err(realm().error("RangeError", "Invalid array length"));
    }
    Ok(n as usize)
}

#[cfg(test)]
mod size_tests {
    use super::*;

    /// Every object's allocation holds an `ObjData`: the boxed variants of [`Class`] keep it
    /// at 104 bytes (an `Rc` block of 120) on 64-bit targets; a new unboxed state larger than
    /// a closure's fields would grow every object.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_object_is_104_bytes() {
        assert_eq!(std::mem::size_of::<Class>(), 40);
        assert_eq!(std::mem::size_of::<ObjData>(), 104);
    }
}
