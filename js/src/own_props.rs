//! An object's own properties (other than array elements), in creation order and found by key.
//!
//! Most objects have a few properties, where a list search is the fastest and smallest; an
//! object that grows past [`INDEX_AT`] (the global object of a classic script of a million
//! `var`s, a map-like object filled in a loop) moves to a boxed list with a hash index of its
//! string keys, so that adding and finding a property stay constant time. The small form is
//! a bare `Vec`, and the enum uses its niche: no object gets bigger for the large form.

use std::collections::HashMap;

use crate::ir::Name;
use crate::object::Prop;
use crate::property::{Key, PropertyKey};

/// The hasher of the name indexes (here and in `bindings.rs`): foldhash's fast hasher, seeded
/// per process. std's SipHash-1-3 was a fifth of every global name's lookup (the global object
/// is indexed), and these keys are names, short and many (docs/design.md, "Dependencies").
pub(crate) type NameHash = foldhash::fast::RandomState;

/// The number of properties past which an object indexes them.
const INDEX_AT: usize = 16;

/// A property: its key and its attributes and value.
pub(crate) type Entry = (PropertyKey, Prop);

/// An object's own properties.
pub(crate) enum OwnProps {
    Small(Vec<Entry>),
    Large(Box<Indexed>),
}

/// The large form: the list and, for string keys, key to position (Symbol keys, rare on
/// such objects, are searched in the list).
pub(crate) struct Indexed {
    list: Vec<Entry>,
    strings: HashMap<Name, usize, NameHash>,
}

impl Default for OwnProps {
    fn default() -> OwnProps {
        OwnProps::Small(Vec::new())
    }
}

impl OwnProps {
    /// The properties in creation order.
    pub(crate) fn list(&self) -> &[Entry] {
        match self {
            OwnProps::Small(list) => list,
            OwnProps::Large(large) => &large.list,
        }
    }

    /// The position of the property `key`.
    pub(crate) fn position<K: Key + ?Sized>(&self, key: &K) -> Option<usize> {
        match (self, key.as_string()) {
            (OwnProps::Large(large), Some(s)) => large.strings.get(s).copied(),
            _ => self.list().iter().position(|(k, _)| key.matches(k)),
        }
    }

    /// The property `key`.
    pub(crate) fn get<K: Key + ?Sized>(&self, key: &K) -> Option<&Prop> {
        self.position(key).map(|i| &self.list()[i].1)
    }

    /// The property `key`, to change.
    pub(crate) fn get_mut<K: Key + ?Sized>(&mut self, key: &K) -> Option<&mut Prop> {
        let i = self.position(key)?;
        let list = match self {
            OwnProps::Small(list) => list,
            OwnProps::Large(large) => &mut large.list,
        };
        Some(&mut list[i].1)
    }

    /// Adds a property; the caller has checked that there is none by that key.
    pub(crate) fn push(&mut self, key: PropertyKey, prop: Prop) {
        match self {
            OwnProps::Small(list) if list.len() < INDEX_AT => list.push((key, prop)),
            OwnProps::Small(list) => {
                let list = std::mem::take(list);
                let mut strings = HashMap::with_capacity_and_hasher(list.len() * 2, NameHash::default());
                for (i, (k, _)) in list.iter().enumerate() {
                    if let PropertyKey::String(s) = k {
                        strings.insert(s.clone(), i);
                    }
                }
                let mut large = Box::new(Indexed { list, strings });
                large.push(key, prop);
                *self = OwnProps::Large(large);
            }
            OwnProps::Large(large) => large.push(key, prop),
        }
    }

    /// The properties of `list` (distinct keys, in creation order).
    pub(crate) fn from_list(list: Vec<Entry>) -> OwnProps {
        if list.len() <= INDEX_AT {
            return OwnProps::Small(list);
        }
        let mut props = OwnProps::default();
        for (key, prop) in list {
            props.push(key, prop);
        }
        props
    }

    /// Puts properties ahead of the others (the caller has checked that there are none by
    /// those keys).
    pub(crate) fn prepend<const N: usize>(&mut self, front: [Entry; N]) {
        let rest = self.take();
        let mut list = Vec::with_capacity(N + rest.len());
        list.extend(front);
        list.extend(rest);
        *self = OwnProps::from_list(list);
    }

    /// Removes the property at `i`.
    pub(crate) fn remove(&mut self, i: usize) {
        match self {
            OwnProps::Small(list) => {
                list.remove(i);
            }
            OwnProps::Large(large) => {
                let (key, _) = large.list.remove(i);
                if let PropertyKey::String(s) = &key {
                    large.strings.remove(s);
                }
                // The positions after the removed one moved down by one.
                for p in large.strings.values_mut() {
                    if *p > i {
                        *p -= 1;
                    }
                }
            }
        }
    }

    /// Takes all the properties out.
    pub(crate) fn take(&mut self) -> Vec<Entry> {
        match std::mem::take(self) {
            OwnProps::Small(list) => list,
            OwnProps::Large(large) => large.list,
        }
    }
}

impl Indexed {
    fn push(&mut self, key: PropertyKey, prop: Prop) {
        if let PropertyKey::String(s) = &key {
            self.strings.insert(s.clone(), self.list.len());
        }
        self.list.push((key, prop));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Slot;
    use crate::property::Symbol;
    use crate::value::JsValue;

    fn prop(n: f64) -> Prop {
        Prop { slot: Slot::Data(JsValue::Number(n)), enumerable: true, configurable: true, writable: true }
    }

    fn number(p: Option<&Prop>) -> Option<f64> {
        match p?.slot {
            Slot::Data(JsValue::Number(n)) => Some(n),
            _ => None,
        }
    }

    #[test]
    fn the_large_form_is_no_bigger_than_a_vec() {
        assert_eq!(size_of::<OwnProps>(), size_of::<Vec<Entry>>());
    }

    #[test]
    fn finds_string_and_symbol_keys_in_both_forms_and_keeps_the_order() {
        let symbol = Symbol::new(None);
        let mut props = OwnProps::default();
        props.push(PropertyKey::Symbol(symbol.clone()), prop(-1.0));
        for i in 0..100 {
            props.push(PropertyKey::from(format!("k{i}")), prop(f64::from(i)));
            assert_eq!(number(props.get("k0")), Some(0.0));
            assert_eq!(number(props.get(&PropertyKey::from(format!("k{i}")))), Some(f64::from(i)));
            assert!(props.get(&format!("k{}", i + 1)).is_none());
            assert_eq!(number(props.get(&PropertyKey::Symbol(symbol.clone()))), Some(-1.0));
        }
        assert!(matches!(props, OwnProps::Large(_)));
        props.remove(props.position("k5").unwrap());
        assert!(props.get("k5").is_none());
        for i in (0..100).filter(|&i| i != 5) {
            assert_eq!(number(props.get(&format!("k{i}"))), Some(f64::from(i)));
        }
        let keys: Vec<Option<&str>> = props.list().iter().take(7).map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, [None, Some("k0"), Some("k1"), Some("k2"), Some("k3"), Some("k4"), Some("k6")]);
        props.get_mut("k99").unwrap().slot = Slot::Data(JsValue::Number(7.0));
        assert_eq!(number(props.get("k99")), Some(7.0));
        assert_eq!(props.take().len(), 100);
        assert!(props.get("k0").is_none());
    }
}
