//! JavaScript values and objects.
//!
//! [`JsValue`] is the one value type of the interpreter and also both type parameters of its
//! promises ([`JsPromise`]): a rejection reason is any value, as in JavaScript. Objects are
//! reference-counted and compared by identity; their properties are kept in insertion order
//! (what `Object.keys` and `console.log` show).

use std::fmt;
use std::rc::Rc;

use settle_promise::Promise;

use crate::interp::call_sync;
pub use crate::jsstr::JsStr;
use crate::number::{number_to_string, string_to_number};
use crate::promise::JsThenables;
use crate::property::{Key, PropertyKey, Symbol};
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
    String(JsStr),
    /// A symbol.
    Symbol(Symbol),
    /// A BigInt (6.1.6.2): settle-js's are 64-bit; an operation whose result does not fit
    /// throws a RangeError (`bigint.rs`).
    BigInt(i64),
    /// An object (including arrays, functions, errors and promises).
    Object(Obj),
}

pub(crate) use crate::object::{Class, Func, NativeFn, Obj, Slot};

pub(crate) fn function_name(f: &Func) -> String {
    match f {
        Func::Closure { def, .. } => def.name.to_string(),
        Func::Native { name, .. } => name.to_string(),
        Func::Resolving { .. } => String::new(),
        Func::Bound(bound) => {
            let inner = match &bound.target {
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
            JsValue::Symbol(_) => "symbol",
            JsValue::BigInt(_) => "bigint",
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
            JsValue::BigInt(n) => *n != 0,
            JsValue::Symbol(_) | JsValue::Object(_) => true,
        }
    }

    /// ToPrimitive (7.1.1): `@@toPrimitive` if the object has one, else OrdinaryToPrimitive
    /// (7.1.1.1) with hint "number" unless `string_hint`.
    #[inline]
    pub(crate) fn to_primitive(&self, string_hint: bool) -> Result<JsValue, JsValue> {
        // 2. Return input (not an Object): the common case, kept out of the call.
        if !matches!(self, JsValue::Object(_)) {
            return Ok(self.clone());
        }
        self.to_primitive_with(if string_hint { "string" } else { "number" })
    }

    /// ToPrimitive ( input ) with no preferredType: `@@toPrimitive` gets the hint "default"
    /// (a Date then converts to its string, 21.4.4.45); OrdinaryToPrimitive uses "number".
    /// The `+` operator and `==` convert this way.
    #[inline]
    pub(crate) fn to_primitive_default(&self) -> Result<JsValue, JsValue> {
        if !matches!(self, JsValue::Object(_)) {
            return Ok(self.clone());
        }
        self.to_primitive_with("default")
    }

    fn to_primitive_with(&self, hint: &str) -> Result<JsValue, JsValue> {
        let JsValue::Object(o) = self else { return Ok(self.clone()) };
        let string_hint = hint == "string";
        // 1.a. Let exoticToPrim be ? GetMethod(input, @@toPrimitive).
        let key = PropertyKey::Symbol(realm().symbols.to_primitive.clone());
        let exotic = o.get(&key)?;
        if !exotic.is_nullish() {
            if !exotic.is_callable() {
                return Err(realm().error("TypeError", "Symbol.toPrimitive is not a function"));
            }
            let result = call_sync(&exotic, self, &[JsValue::from(hint)])?;
            if matches!(result, JsValue::Object(_)) {
                return Err(realm().error("TypeError", "Cannot convert object to primitive value"));
            }
            return Ok(result);
        }
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
            JsValue::Symbol(_) => {
                return Err(realm().error("TypeError", "Cannot convert a Symbol value to a number"));
            }
            JsValue::BigInt(_) => {
                return Err(realm().error("TypeError", "Cannot convert a BigInt value to a number"));
            }
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
            JsValue::String(s) => s.to_rc(),
            JsValue::Symbol(_) => {
                return Err(realm().error("TypeError", "Cannot convert a Symbol value to a string"));
            }
            // BigInt::toString (6.1.6.2.23) with radix 10.
            JsValue::BigInt(n) => n.to_string().into(),
            JsValue::Object(_) => return self.to_primitive(true)?.to_js_string(),
        })
    }

    /// ToPropertyKey (7.1.19).
    pub(crate) fn to_key(&self) -> Result<PropertyKey, JsValue> {
        // 1. Let key be ? ToPrimitive(argument, string).
        // 2. If key is a Symbol, return key.
        // 3. Return ! ToString(key).
        match self.to_primitive(true)? {
            JsValue::Symbol(s) => Ok(PropertyKey::Symbol(s)),
            other => Ok(PropertyKey::String(other.to_js_string()?)),
        }
    }

    /// ToObject's view for property reads: the object, or the prototype that provides a
    /// primitive's methods.
    pub(crate) fn get<K: Key + ?Sized>(&self, key: &K) -> Result<JsValue, JsValue> {
        match self {
            JsValue::Object(o) => o.get(key),
            JsValue::String(s) => {
                if key.as_string() == Some("length") {
                    return Ok(JsValue::Number(s.utf16_len() as f64));
                }
                if let Some(i) = key.as_string().and_then(array_index) {
                    if s.len() == s.utf16_len() {
                        // ASCII: a byte is a code unit (no copy of the whole string per index).
                        return Ok(s.get(i as usize..=i as usize).map_or(JsValue::Undefined, JsValue::from));
                    }
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
            JsValue::Symbol(_) => realm().symbol_proto.get_with(key, self),
            JsValue::BigInt(_) => realm().bigint_proto.get_with(key, self),
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
            (JsValue::Symbol(a), JsValue::Symbol(b)) => a.ptr_eq(b),
            (JsValue::Object(a), JsValue::Object(b)) => a.ptr_eq(b),
            // BigInt::equal (6.1.6.2.13).
            (JsValue::BigInt(a), JsValue::BigInt(b)) => a == b,
            _ => false,
        }
    }

    /// SameValue (7.2.9): NaN is itself, +0 and -0 differ.
    pub(crate) fn same_value(&self, other: &JsValue) -> bool {
        match (self, other) {
            (JsValue::Number(a), JsValue::Number(b)) => {
                (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
            }
            _ => self.strict_equals(other),
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
            // 6-7. A BigInt and a String: StringToBigInt, not equal when it is undefined.
            (V::BigInt(n), V::String(s)) | (V::String(s), V::BigInt(n)) => {
                crate::bigint::string_to_bigint(s) == Some(*n)
            }
            // 13. A BigInt and a Number: equal when they are the same mathematical value.
            (V::BigInt(n), V::Number(x)) | (V::Number(x), V::BigInt(n)) => {
                x.is_finite()
                    && x.fract() == 0.0
                    && crate::bigint::cmp_number(*n, *x) == Some(std::cmp::Ordering::Equal)
            }
            (V::Bool(_), _) => V::Number(self.to_number()?).loose_equals(other)?,
            (_, V::Bool(_)) => self.loose_equals(&V::Number(other.to_number()?))?,
            (V::Object(_), V::Object(_)) => self.strict_equals(other),
            (V::Object(_), _) => self.to_primitive_default()?.loose_equals(other)?,
            (_, V::Object(_)) => self.loose_equals(&other.to_primitive_default()?)?,
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
            JsValue::Symbol(s) => write!(f, "{s:?}"),
            JsValue::BigInt(n) => write!(f, "{n}n"),
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
                Class::Primitive(v) => write!(f, "[Object: {v:?}]"),
                Class::Generator(_) => f.write_str("[Generator]"),
                Class::Object => f.write_str("[Object]"),
                Class::Symbol(_) => f.write_str("[Symbol]"),
                Class::ListIterator(_) | Class::RegExpStringIterator(_) | Class::CollectionIterator(_) => {
                    f.write_str("[Iterator]")
                }
                Class::Date(_) => f.write_str("[Date]"),
                Class::Map(_) => f.write_str("[Map]"),
                Class::Set(_) => f.write_str("[Set]"),
                Class::WeakMap(_) => f.write_str("[WeakMap]"),
                Class::WeakSet(_) => f.write_str("[WeakSet]"),
                Class::RegExp(r) => write!(f, "/{}/{}", r.source, r.flags),
            },
        }
    }
}

impl fmt::Debug for Obj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&JsValue::Object(self.clone()), f)
    }
}
