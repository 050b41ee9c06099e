//! Property keys and property descriptors (ECMA-262 2025, 6.1.7 The Object Type and 6.2.6 The
//! Property Descriptor Specification Type).

use std::fmt;
use std::rc::Rc;

use crate::ir::Name;
use crate::value::JsValue;

/// A Symbol value (6.1.5): an identity with an optional description.
#[derive(Clone)]
pub struct Symbol(pub(crate) Rc<SymbolData>);

pub(crate) struct SymbolData {
    /// [[Description]]: `undefined` is `None`.
    pub(crate) description: Option<Rc<str>>,
}

impl Symbol {
    pub(crate) fn new(description: Option<Rc<str>>) -> Symbol {
        Symbol(Rc::new(SymbolData { description }))
    }

    pub(crate) fn ptr_eq(&self, other: &Symbol) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// [[Description]].
    pub(crate) fn description(&self) -> Option<Rc<str>> {
        self.0.description.clone()
    }

    /// SymbolDescriptiveString (20.4.3.3.1): `Symbol(description)`.
    pub(crate) fn descriptive_string(&self) -> String {
        format!("Symbol({})", self.0.description.as_deref().unwrap_or(""))
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.descriptive_string())
    }
}

/// A property key (6.1.7): a String or a Symbol.
#[derive(Clone, Debug)]
pub(crate) enum PropertyKey {
    String(Name),
    Symbol(Symbol),
}

impl PartialEq for PropertyKey {
    fn eq(&self, other: &PropertyKey) -> bool {
        match (self, other) {
            (PropertyKey::String(a), PropertyKey::String(b)) => a == b,
            (PropertyKey::Symbol(a), PropertyKey::Symbol(b)) => a.ptr_eq(b),
            _ => false,
        }
    }
}

impl PropertyKey {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            PropertyKey::String(s) => Some(s),
            PropertyKey::Symbol(_) => None,
        }
    }

    /// The key as a value (a String or a Symbol).
    pub(crate) fn to_value(&self) -> JsValue {
        match self {
            PropertyKey::String(s) => JsValue::String(s.clone().into()),
            PropertyKey::Symbol(s) => JsValue::Symbol(s.clone()),
        }
    }

    /// The key as error messages show it: the string, or `Symbol(description)`.
    pub(crate) fn display(&self) -> String {
        match self {
            PropertyKey::String(s) => s.to_string(),
            PropertyKey::Symbol(s) => s.descriptive_string(),
        }
    }

    /// An array index (6.1.7): a canonical numeric string below 2^32 - 1.
    pub(crate) fn array_index(&self) -> Option<u32> {
        self.as_str().and_then(crate::value::array_index)
    }
}

impl From<&str> for PropertyKey {
    fn from(s: &str) -> PropertyKey {
        PropertyKey::String(s.into())
    }
}

impl From<Name> for PropertyKey {
    fn from(s: Name) -> PropertyKey {
        PropertyKey::String(s)
    }
}

impl From<&Name> for PropertyKey {
    fn from(s: &Name) -> PropertyKey {
        PropertyKey::String(s.clone())
    }
}

impl From<String> for PropertyKey {
    fn from(s: String) -> PropertyKey {
        PropertyKey::String(s.into())
    }
}

impl From<&PropertyKey> for PropertyKey {
    fn from(k: &PropertyKey) -> PropertyKey {
        k.clone()
    }
}

impl From<Symbol> for PropertyKey {
    fn from(s: Symbol) -> PropertyKey {
        PropertyKey::Symbol(s)
    }
}

/// Something a property can be looked up by without allocating a key: a `&str` or a
/// [`PropertyKey`].
pub(crate) trait Key {
    fn matches(&self, key: &PropertyKey) -> bool;
    fn to_key(&self) -> PropertyKey;
    fn as_string(&self) -> Option<&str>;
}

impl Key for str {
    fn matches(&self, key: &PropertyKey) -> bool {
        matches!(key, PropertyKey::String(s) if &**s == self)
    }
    fn to_key(&self) -> PropertyKey {
        PropertyKey::String(self.into())
    }
    fn as_string(&self) -> Option<&str> {
        Some(self)
    }
}

impl Key for PropertyKey {
    fn matches(&self, key: &PropertyKey) -> bool {
        self == key
    }
    fn to_key(&self) -> PropertyKey {
        self.clone()
    }
    fn as_string(&self) -> Option<&str> {
        self.as_str()
    }
}

impl Key for Name {
    fn matches(&self, key: &PropertyKey) -> bool {
        Key::matches(&**self, key)
    }
    fn to_key(&self) -> PropertyKey {
        PropertyKey::String(self.clone())
    }
    fn as_string(&self) -> Option<&str> {
        Some(self)
    }
}

impl Key for String {
    fn matches(&self, key: &PropertyKey) -> bool {
        Key::matches(self.as_str(), key)
    }
    fn to_key(&self) -> PropertyKey {
        PropertyKey::String(self.as_str().into())
    }
    fn as_string(&self) -> Option<&str> {
        Some(self)
    }
}

/// A Property Descriptor (6.2.6): every field may be absent.
#[derive(Clone, Debug, Default)]
pub(crate) struct PropertyDescriptor {
    pub(crate) value: Option<JsValue>,
    pub(crate) writable: Option<bool>,
    pub(crate) get: Option<JsValue>,
    pub(crate) set: Option<JsValue>,
    pub(crate) enumerable: Option<bool>,
    pub(crate) configurable: Option<bool>,
}

impl PropertyDescriptor {
    /// A data descriptor with every attribute given.
    pub(crate) fn data(value: JsValue, writable: bool, enumerable: bool, configurable: bool) -> Self {
        PropertyDescriptor {
            value: Some(value),
            writable: Some(writable),
            enumerable: Some(enumerable),
            configurable: Some(configurable),
            ..PropertyDescriptor::default()
        }
    }

    /// IsAccessorDescriptor (6.2.6.1).
    pub(crate) fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }

    /// IsDataDescriptor (6.2.6.2).
    pub(crate) fn is_data(&self) -> bool {
        self.value.is_some() || self.writable.is_some()
    }

    /// IsGenericDescriptor (6.2.6.3).
    pub(crate) fn is_generic(&self) -> bool {
        !self.is_accessor() && !self.is_data()
    }
}
