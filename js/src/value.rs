//! JavaScript values and objects.
//!
//! [`JsValue`] is the one value type of the interpreter and also both type parameters of its
//! promises ([`JsPromise`]): a rejection reason is any value, as in JavaScript. Objects are
//! reference-counted and compared by identity; their properties are kept in insertion order
//! (what `Object.keys` and `console.log` show).

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use settle_promise::Promise;

use crate::interp::{Env, call_sync};
use crate::ir::{FuncDef, Name};
use crate::number::{number_to_string, string_to_number};
use crate::promise::JsThenables;
use crate::realm::realm;

/// A promise of the interpreter: settle's `Promise` with [`JsValue`] as value and reason, and
/// JavaScript's thenable detection ([`JsThenables`]).
pub type JsPromise = Promise<JsValue, JsValue, JsThenables>;

/// A JavaScript value.
#[derive(Clone, Default)]
pub enum JsValue {
    /// `undefined`.
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(Rc<str>),
    /// An object (including arrays, functions, errors and promises).
    Object(Obj),
}

/// A reference to an object.
#[derive(Clone)]
pub struct Obj(pub(crate) Rc<ObjData>);

pub(crate) struct ObjData {
    pub(crate) class: Class,
    pub(crate) props: RefCell<Vec<(Name, Prop)>>,
    pub(crate) proto: RefCell<Option<Obj>>,
}

/// What kind of object, with its internal slots.
pub(crate) enum Class {
    Object,
    Array(RefCell<Vec<JsValue>>),
    Arguments(RefCell<Vec<JsValue>>),
    Function(Func),
    /// An Error instance; the offset where it was created (for reports).
    Error(Option<u32>),
    Promise(JsPromise),
    Generator(Rc<crate::generator::Generator>),
}

/// A native function: `(this, arguments, called with new)`; `Err` is a `throw`.
pub(crate) type NativeFn = Rc<dyn Fn(&JsValue, &[JsValue], bool) -> Result<JsValue, JsValue>>;

pub(crate) enum Func {
    Closure { def: Rc<FuncDef>, env: Env },
    Native { name: Name, length: usize, f: NativeFn, ctor: bool },
    Bound { target: JsValue, this: JsValue, args: Vec<JsValue> },
}

#[derive(Clone)]
pub(crate) struct Prop {
    pub(crate) slot: Slot,
    pub(crate) enumerable: bool,
}

#[derive(Clone)]
pub(crate) enum Slot {
    Data(JsValue),
    Accessor(Option<JsValue>, Option<JsValue>),
}

impl Obj {
    pub(crate) fn new(class: Class, proto: Option<Obj>) -> Obj {
        let data = Rc::new(ObjData { class, props: RefCell::new(Vec::new()), proto: RefCell::new(proto) });
        crate::heap::register_object(&data);
        Obj(data)
    }

    pub(crate) fn ptr_eq(&self, other: &Obj) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    pub(crate) fn class(&self) -> &Class {
        &self.0.class
    }

    pub(crate) fn proto(&self) -> Option<Obj> {
        self.0.proto.borrow().clone()
    }

    pub(crate) fn is_callable(&self) -> bool {
        matches!(self.0.class, Class::Function(_))
    }

    pub(crate) fn array_items(&self) -> Option<&RefCell<Vec<JsValue>>> {
        match &self.0.class {
            Class::Array(items) | Class::Arguments(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn promise(&self) -> Option<&JsPromise> {
        match &self.0.class {
            Class::Promise(p) => Some(p),
            _ => None,
        }
    }

    /// Defines (or replaces) an own data property.
    pub(crate) fn define(&self, key: &str, value: JsValue, enumerable: bool) {
        let mut props = self.0.props.borrow_mut();
        let prop = Prop { slot: Slot::Data(value), enumerable };
        match props.iter_mut().find(|(k, _)| &**k == key) {
            Some((_, p)) => *p = prop,
            None => props.push((key.into(), prop)),
        }
    }

    /// Defines a getter or setter, keeping the other half of an existing accessor.
    pub(crate) fn define_accessor(&self, key: &str, getter: Option<JsValue>, setter: Option<JsValue>) {
        let mut props = self.0.props.borrow_mut();
        match props.iter_mut().find(|(k, _)| &**k == key) {
            Some((_, p)) => {
                let (g0, s0) = match &p.slot {
                    Slot::Accessor(g, s) => (g.clone(), s.clone()),
                    Slot::Data(_) => (None, None),
                };
                p.slot = Slot::Accessor(getter.or(g0), setter.or(s0));
            }
            None => props.push((key.into(), Prop { slot: Slot::Accessor(getter, setter), enumerable: true })),
        }
    }

    pub(crate) fn own_prop(&self, key: &str) -> Option<Prop> {
        self.0.props.borrow().iter().find(|(k, _)| &**k == key).map(|(_, p)| p.clone())
    }

    /// Own property keys in JavaScript's order: array indices, then insertion order.
    pub(crate) fn own_keys(&self, only_enumerable: bool) -> Vec<Name> {
        let mut keys: Vec<Name> = Vec::new();
        if let Some(items) = self.array_items() {
            keys.extend((0..items.borrow().len()).map(|i| Name::from(i.to_string())));
        }
        let props = self.0.props.borrow();
        let mut index_keys: Vec<(u32, Name)> = Vec::new();
        let mut other: Vec<Name> = Vec::new();
        for (k, p) in props.iter() {
            if only_enumerable && !p.enumerable {
                continue;
            }
            match array_index(k) {
                Some(i) => index_keys.push((i, k.clone())),
                None => other.push(k.clone()),
            }
        }
        index_keys.sort_by_key(|(i, _)| *i);
        keys.extend(index_keys.into_iter().map(|(_, k)| k));
        keys.extend(other);
        keys
    }

    pub(crate) fn has_own(&self, key: &str) -> bool {
        if let Some(items) = self.array_items() {
            if key == "length" {
                return true;
            }
            if let Some(i) = array_index(key) {
                return (i as usize) < items.borrow().len();
            }
        }
        self.0.props.borrow().iter().any(|(k, _)| &**k == key)
    }

    /// [[Get]] with `receiver` as `this` for getters.
    pub(crate) fn get_with(&self, key: &str, receiver: &JsValue) -> Result<JsValue, JsValue> {
        let mut current = Some(self.clone());
        while let Some(obj) = current {
            if let Some(v) = obj.virtual_get(key) {
                return Ok(v);
            }
            if let Some(prop) = obj.own_prop(key) {
                return match prop.slot {
                    Slot::Data(v) => Ok(v),
                    Slot::Accessor(Some(getter), _) => call_sync(&getter, receiver, &[]),
                    Slot::Accessor(None, _) => Ok(JsValue::Undefined),
                };
            }
            current = obj.proto();
        }
        Ok(JsValue::Undefined)
    }

    pub(crate) fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        self.get_with(key, &JsValue::Object(self.clone()))
    }

    /// Properties that live in internal slots: array elements and length, a function's name and
    /// length.
    fn virtual_get(&self, key: &str) -> Option<JsValue> {
        match &self.0.class {
            Class::Array(items) | Class::Arguments(items) => {
                if key == "length" {
                    return Some(JsValue::Number(items.borrow().len() as f64));
                }
                let i = array_index(key)?;
                items.borrow().get(i as usize).cloned()
            }
            Class::Function(f) => {
                let overridden = self.0.props.borrow().iter().any(|(k, _)| &**k == key);
                if overridden {
                    return None;
                }
                match key {
                    "name" => Some(JsValue::from(function_name(f).as_str())),
                    "length" => Some(JsValue::Number(match f {
                        Func::Closure { def, .. } => def.length as f64,
                        Func::Native { length, .. } => *length as f64,
                        Func::Bound { .. } => 0.0,
                    })),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// [[Set]]: an own data property is overwritten, a setter on the chain is called, otherwise
    /// an own property is created.
    pub(crate) fn set(&self, key: &str, value: JsValue) -> Result<(), JsValue> {
        if let Some(items) = self.array_items() {
            if key == "length" {
                let n = value.to_number()?;
                if n < 0.0 || n.fract() != 0.0 || n > 4_294_967_295.0 {
                    return Err(realm().error("RangeError", "Invalid array length"));
                }
                items.borrow_mut().resize(n as usize, JsValue::Undefined);
                return Ok(());
            }
            if let Some(i) = array_index(key) {
                let mut items = items.borrow_mut();
                let i = i as usize;
                if i >= items.len() {
                    items.resize(i + 1, JsValue::Undefined);
                }
                items[i] = value;
                return Ok(());
            }
        }
        {
            let mut props = self.0.props.borrow_mut();
            if let Some((_, p)) = props.iter_mut().find(|(k, _)| &**k == key) {
                match &p.slot {
                    Slot::Data(_) => {
                        p.slot = Slot::Data(value);
                        return Ok(());
                    }
                    Slot::Accessor(_, setter) => {
                        let setter = setter.clone();
                        drop(props);
                        if let Some(setter) = setter {
                            call_sync(&setter, &JsValue::Object(self.clone()), &[value])?;
                        }
                        return Ok(());
                    }
                }
            }
        }
        // An accessor up the prototype chain.
        let mut current = self.proto();
        while let Some(obj) = current {
            if let Some(Prop { slot: Slot::Accessor(_, setter), .. }) = obj.own_prop(key) {
                if let Some(setter) = setter {
                    call_sync(&setter, &JsValue::Object(self.clone()), &[value])?;
                }
                return Ok(());
            }
            current = obj.proto();
        }
        self.define(key, value, true);
        Ok(())
    }

    pub(crate) fn delete(&self, key: &str) -> bool {
        if let Some(items) = self.array_items()
            && let Some(i) = array_index(key)
        {
            let mut items = items.borrow_mut();
            if (i as usize) < items.len() {
                items[i as usize] = JsValue::Undefined;
            }
            return true;
        }
        self.0.props.borrow_mut().retain(|(k, _)| &**k != key);
        true
    }
}

pub(crate) fn function_name(f: &Func) -> String {
    match f {
        Func::Closure { def, .. } => def.name.to_string(),
        Func::Native { name, .. } => name.to_string(),
        Func::Bound { target, .. } => {
            let inner = match target {
                JsValue::Object(o) => match o.class() {
                    Class::Function(f) => function_name(f),
                    _ => String::new(),
                },
                _ => String::new(),
            };
            format!("bound {inner}")
        }
    }
}

/// A canonical array index ("0", "17", not "01" or "-1").
pub(crate) fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<u32>().ok().filter(|i| *i != u32::MAX)
}

impl From<&str> for JsValue {
    fn from(s: &str) -> JsValue {
        JsValue::String(s.into())
    }
}

impl From<String> for JsValue {
    fn from(s: String) -> JsValue {
        JsValue::String(s.into())
    }
}

impl From<f64> for JsValue {
    fn from(n: f64) -> JsValue {
        JsValue::Number(n)
    }
}

impl From<bool> for JsValue {
    fn from(b: bool) -> JsValue {
        JsValue::Bool(b)
    }
}

impl From<Obj> for JsValue {
    fn from(o: Obj) -> JsValue {
        JsValue::Object(o)
    }
}

impl JsValue {
    pub(crate) fn as_object(&self) -> Option<&Obj> {
        match self {
            JsValue::Object(o) => Some(o),
            _ => None,
        }
    }

    /// IsCallable.
    pub fn is_callable(&self) -> bool {
        matches!(self, JsValue::Object(o) if o.is_callable())
    }

    pub(crate) fn is_nullish(&self) -> bool {
        matches!(self, JsValue::Undefined | JsValue::Null)
    }

    /// `typeof`.
    pub(crate) fn type_of(&self) -> &'static str {
        match self {
            JsValue::Undefined => "undefined",
            JsValue::Null => "object",
            JsValue::Bool(_) => "boolean",
            JsValue::Number(_) => "number",
            JsValue::String(_) => "string",
            JsValue::Object(o) if o.is_callable() => "function",
            JsValue::Object(_) => "object",
        }
    }

    /// ToBoolean.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            JsValue::Undefined | JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Number(n) => *n != 0.0 && !n.is_nan(),
            JsValue::String(s) => !s.is_empty(),
            JsValue::Object(_) => true,
        }
    }

    /// ToPrimitive (hint "number" unless `string_hint`): valueOf/toString, user-defined ones
    /// included.
    pub(crate) fn to_primitive(&self, string_hint: bool) -> Result<JsValue, JsValue> {
        let JsValue::Object(o) = self else { return Ok(self.clone()) };
        let order = if string_hint { ["toString", "valueOf"] } else { ["valueOf", "toString"] };
        for name in order {
            let method = o.get(name)?;
            if method.is_callable() {
                let result = call_sync(&method, self, &[])?;
                if !matches!(result, JsValue::Object(_)) {
                    return Ok(result);
                }
            }
        }
        Err(realm().error("TypeError", "Cannot convert object to primitive value"))
    }

    /// ToNumber.
    pub(crate) fn to_number(&self) -> Result<f64, JsValue> {
        Ok(match self {
            JsValue::Undefined => f64::NAN,
            JsValue::Null => 0.0,
            JsValue::Bool(b) => f64::from(u8::from(*b)),
            JsValue::Number(n) => *n,
            JsValue::String(s) => string_to_number(s),
            JsValue::Object(_) => return self.to_primitive(false)?.to_number(),
        })
    }

    /// ToString.
    pub(crate) fn to_js_string(&self) -> Result<Rc<str>, JsValue> {
        Ok(match self {
            JsValue::Undefined => "undefined".into(),
            JsValue::Null => "null".into(),
            JsValue::Bool(b) => if *b { "true" } else { "false" }.into(),
            JsValue::Number(n) => number_to_string(*n).into(),
            JsValue::String(s) => s.clone(),
            JsValue::Object(_) => return self.to_primitive(true)?.to_js_string(),
        })
    }

    /// ToPropertyKey.
    pub(crate) fn to_key(&self) -> Result<Rc<str>, JsValue> {
        self.to_js_string()
    }

    /// ToObject's view for property reads: the object, or the prototype that provides a
    /// primitive's methods.
    pub(crate) fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        match self {
            JsValue::Object(o) => o.get(key),
            JsValue::String(s) => {
                if key == "length" {
                    return Ok(JsValue::Number(s.encode_utf16().count() as f64));
                }
                if let Some(i) = array_index(key) {
                    let units: Vec<u16> = s.encode_utf16().collect();
                    return Ok(match units.get(i as usize) {
                        Some(u) => JsValue::from(String::from_utf16_lossy(&[*u])),
                        None => JsValue::Undefined,
                    });
                }
                realm().string_proto.get_with(key, self)
            }
            JsValue::Number(_) => realm().number_proto.get_with(key, self),
            JsValue::Bool(_) => realm().boolean_proto.get_with(key, self),
            JsValue::Undefined | JsValue::Null => Ok(JsValue::Undefined),
        }
    }

    /// IsStrictlyEqual (`===`).
    pub(crate) fn strict_equals(&self, other: &JsValue) -> bool {
        match (self, other) {
            (JsValue::Undefined, JsValue::Undefined) | (JsValue::Null, JsValue::Null) => true,
            (JsValue::Bool(a), JsValue::Bool(b)) => a == b,
            (JsValue::Number(a), JsValue::Number(b)) => a == b,
            (JsValue::String(a), JsValue::String(b)) => a == b,
            (JsValue::Object(a), JsValue::Object(b)) => a.ptr_eq(b),
            _ => false,
        }
    }

    /// SameValueZero (`includes`).
    pub(crate) fn same_value_zero(&self, other: &JsValue) -> bool {
        match (self, other) {
            (JsValue::Number(a), JsValue::Number(b)) if a.is_nan() && b.is_nan() => true,
            _ => self.strict_equals(other),
        }
    }

    /// IsLooselyEqual (`==`).
    pub(crate) fn loose_equals(&self, other: &JsValue) -> Result<bool, JsValue> {
        use JsValue as V;
        Ok(match (self, other) {
            (V::Undefined | V::Null, V::Undefined | V::Null) => true,
            (V::Undefined | V::Null, _) | (_, V::Undefined | V::Null) => false,
            (V::Number(_), V::String(_)) | (V::String(_), V::Number(_)) => {
                self.to_number()? == other.to_number()?
            }
            (V::Bool(_), _) => V::Number(self.to_number()?).loose_equals(other)?,
            (_, V::Bool(_)) => self.loose_equals(&V::Number(other.to_number()?))?,
            (V::Object(_), V::Object(_)) => self.strict_equals(other),
            (V::Object(_), _) => self.to_primitive(false)?.loose_equals(other)?,
            (_, V::Object(_)) => self.loose_equals(&other.to_primitive(false)?)?,
            _ => self.strict_equals(other),
        })
    }
}

impl fmt::Debug for JsValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsValue::Undefined => f.write_str("undefined"),
            JsValue::Null => f.write_str("null"),
            JsValue::Bool(b) => write!(f, "{b}"),
            JsValue::Number(n) => f.write_str(&number_to_string(*n)),
            JsValue::String(s) => write!(f, "{s:?}"),
            JsValue::Object(o) => match o.class() {
                Class::Array(_) | Class::Arguments(_) => f.write_str("[Array]"),
                Class::Function(func) => write!(f, "[Function: {}]", function_name(func)),
                Class::Error(_) => {
                    let text = |k: &str| match o.own_prop(k).map(|p| p.slot) {
                        Some(Slot::Data(JsValue::String(s))) => s.to_string(),
                        _ => String::new(),
                    };
                    write!(f, "[Error: {}]", text("message"))
                }
                Class::Promise(_) => f.write_str("[Promise]"),
                Class::Generator(_) => f.write_str("[Generator]"),
                Class::Object => f.write_str("[Object]"),
            },
        }
    }
}

impl fmt::Debug for Obj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&JsValue::Object(self.clone()), f)
    }
}
