//! The bindings of one scope (a declarative Environment Record's bindings, 9.1.1.1), kept in
//! creation order and found by name.
//!
//! Most scopes hold a handful of bindings, where a list search is the fastest and smallest;
//! a scope that grows past [`INDEX_AT`] bindings (a script of a million `var`s) also gets a
//! hash index from name to position, so declaring and looking up stay constant time instead
//! of making the script quadratic.

use std::collections::HashMap;

use crate::ir::Name;
use crate::own_props::NameHash;
use crate::value::JsValue;
use crate::value::Obj;

/// The number of bindings past which a scope indexes them by name.
const INDEX_AT: usize = 16;

/// One binding.
pub(crate) struct Binding {
    pub(crate) name: Name,
    /// `None` while in the temporal dead zone.
    pub(crate) value: Option<JsValue>,
    pub(crate) mutable: bool,
    /// A `let`, `const` or `class` binding (not a `var`, function or parameter): a sloppy
    /// direct eval's `var` of the same name in the function's scope is a SyntaxError.
    pub(crate) lexical: bool,
    /// A parameter mapped to an element of a sloppy function's arguments object (10.4.4.7):
    /// the object and the index that an assignment writes through to.
    pub(crate) arguments: Option<(Obj, usize)>,
}

/// A scope's bindings: none or one in place, a bare list, or past [`INDEX_AT`] a box holding
/// the list and an index from name to position. Most scopes have at most one binding (a
/// one-parameter callback's call, a loop iteration's counter), which then needs no allocation
/// of its own; the enum uses the binding's niches, so it is the size of one binding.
pub(crate) enum Bindings {
    Inline(Option<Binding>),
    Small(Vec<Binding>),
    Large(Box<Indexed>),
}

/// The large form of [`Bindings`].
pub(crate) struct Indexed {
    list: Vec<Binding>,
    index: HashMap<Name, usize, NameHash>,
}

impl Default for Bindings {
    fn default() -> Bindings {
        Bindings::Inline(None)
    }
}

impl Bindings {
    fn list(&self) -> &[Binding] {
        match self {
            Bindings::Inline(one) => one.as_slice(),
            Bindings::Small(list) => list,
            Bindings::Large(large) => &large.list,
        }
    }

    fn list_mut(&mut self) -> &mut [Binding] {
        match self {
            Bindings::Inline(one) => one.as_mut_slice(),
            Bindings::Small(list) => list,
            Bindings::Large(large) => &mut large.list,
        }
    }

    /// The position of the binding called `name`.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        match self {
            // Names of one script are interned (`lower.rs`), so a hit is mostly the same
            // pointer: compared before the bytes, which then only misses of equal length read;
            // of those, most differ in the first byte, compared inline before the call of
            // `memcmp` (an empty name has no first byte and is equal to the other empty one).
            Bindings::Large(large) => large.index.get(name).copied(),
            _ => self.list().iter().position(|b| {
                b.name.len() == name.len()
                    && (std::ptr::eq(b.name.as_ptr(), name.as_ptr())
                        || (b.name.as_bytes().first() == name.as_bytes().first()
                            && b.name.as_bytes() == name.as_bytes()))
            }),
        }
    }

    /// The binding at `position`, if there is one.
    pub(crate) fn at(&self, position: usize) -> Option<&Binding> {
        self.list().get(position)
    }

    /// The binding at `position`, to change.
    pub(crate) fn at_mut(&mut self, position: usize) -> Option<&mut Binding> {
        self.list_mut().get_mut(position)
    }

    /// The binding called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Binding> {
        self.position(name).map(|i| &self.list()[i])
    }

    /// The binding called `name`, to change.
    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut Binding> {
        self.position(name).map(|i| &mut self.list_mut()[i])
    }

    /// Drops every binding, keeping a list's room for the next use (`Scope::recycle`).
    pub(crate) fn reset(&mut self) {
        match self {
            Bindings::Small(list) => list.clear(),
            other => *other = Bindings::Inline(None),
        }
    }

    /// Adds a binding; the caller has checked that there is none by that name.
    #[inline]
    pub(crate) fn push(&mut self, binding: Binding) {
        // The first binding of a scope (most scopes have one) is stored in place, inlined at
        // each caller; the rest is out of line.
        if let Bindings::Inline(one @ None) = self {
            *one = Some(binding);
            return;
        }
        self.push_more(binding);
    }

    /// [`Bindings::push`] of a scope's second binding or later.
    #[inline(never)]
    fn push_more(&mut self, binding: Binding) {
        match self {
            Bindings::Inline(None) => unreachable!("the first binding is pushed in place"),
            Bindings::Inline(one) => {
                // A second binding: a list, with the room a pushed-to list starts with.
                let mut list = Vec::with_capacity(4);
                list.extend(one.take());
                list.push(binding);
                *self = Bindings::Small(list);
            }
            Bindings::Small(list) if list.len() < INDEX_AT => list.push(binding),
            Bindings::Small(list) => {
                let list = std::mem::take(list);
                // As many as the list has room for (reserved for a script's `var`s), so the
                // index does not rehash its way up.
                let mut index =
                    HashMap::with_capacity_and_hasher(list.capacity().max(INDEX_AT * 2), NameHash::default());
                for (i, b) in list.iter().enumerate() {
                    index.insert(b.name.clone(), i);
                }
                let mut large = Box::new(Indexed { list, index });
                large.push(binding);
                *self = Bindings::Large(large);
            }
            Bindings::Large(large) => large.push(binding),
        }
    }

    /// Removes the binding called `name`, if any.
    pub(crate) fn remove(&mut self, name: &str) {
        let Some(i) = self.position(name) else { return };
        match self {
            Bindings::Inline(one) => *one = None,
            Bindings::Small(list) => {
                list.remove(i);
            }
            Bindings::Large(large) => {
                large.list.remove(i);
            }
        }
        if let Bindings::Large(large) = self {
            large.index.remove(name);
            // The positions after the removed one moved down by one.
            for p in large.index.values_mut() {
                if *p > i {
                    *p -= 1;
                }
            }
        }
    }

    /// Makes room for `additional` more bindings (a function's hoisted `var`s, whose number
    /// is known), so that the list does not grow by doubling past what it needs.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            // One binding or none stays in place.
            Bindings::Inline(one) if one.is_some() as usize + additional <= 1 => {}
            Bindings::Inline(one) => {
                let mut list = Vec::with_capacity(one.is_some() as usize + additional);
                list.extend(one.take());
                *self = Bindings::Small(list);
            }
            Bindings::Small(list) => list.reserve_exact(additional),
            Bindings::Large(large) => {
                large.list.reserve_exact(additional);
                large.index.reserve(additional);
            }
        }
    }

    /// The number of bindings.
    pub(crate) fn len(&self) -> usize {
        self.list().len()
    }

    /// The bindings in creation order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Binding> {
        self.list().iter()
    }

    /// Takes all the bindings out (when the run ends: see `heap.rs`).
    pub(crate) fn take(&mut self) -> Vec<Binding> {
        match std::mem::take(self) {
            Bindings::Inline(one) => one.into_iter().collect(),
            Bindings::Small(list) => list,
            Bindings::Large(large) => large.list,
        }
    }
}

impl Indexed {
    fn push(&mut self, binding: Binding) {
        self.index.insert(binding.name.clone(), self.list.len());
        self.list.push(binding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(name: &str, n: f64) -> Binding {
        Binding {
            name: name.into(),
            value: Some(JsValue::Number(n)),
            mutable: true,
            lexical: false,
            arguments: None,
        }
    }

    fn number(b: Option<&Binding>) -> Option<f64> {
        match b?.value {
            Some(JsValue::Number(n)) => Some(n),
            _ => None,
        }
    }

    #[test]
    fn finds_by_name_below_and_above_the_index_threshold() {
        let mut bindings = Bindings::default();
        for i in 0..100 {
            bindings.push(binding(&format!("v{i}"), f64::from(i)));
            assert_eq!(number(bindings.get("v0")), Some(0.0));
            assert_eq!(number(bindings.get(&format!("v{i}"))), Some(f64::from(i)));
            assert!(bindings.get(&format!("v{}", i + 1)).is_none());
        }
        assert!(matches!(bindings, Bindings::Large(_)));
        assert_eq!(size_of::<Bindings>(), size_of::<Binding>());
    }

    #[test]
    fn one_binding_stays_in_place_until_a_second_or_a_reservation() {
        let mut bindings = Bindings::default();
        bindings.reserve(1);
        bindings.push(binding("a", 1.0));
        assert!(matches!(bindings, Bindings::Inline(Some(_))));
        assert_eq!(number(bindings.get("a")), Some(1.0));
        bindings.remove("a");
        assert!(bindings.get("a").is_none() && bindings.len() == 0);
        bindings.push(binding("b", 2.0));
        bindings.reserve(2);
        let Bindings::Small(list) = &bindings else { panic!("a list") };
        assert_eq!(list.capacity(), 3);
        bindings.push(binding("c", 3.0));
        let names: Vec<&str> = bindings.iter().map(|b| &*b.name).collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(bindings.take().len(), 2);
    }

    #[test]
    fn removal_keeps_the_order_and_the_index_right() {
        let mut bindings = Bindings::default();
        for i in 0..40 {
            bindings.push(binding(&format!("v{i}"), f64::from(i)));
        }
        bindings.remove("v3");
        bindings.remove("absent");
        assert!(bindings.get("v3").is_none());
        for i in (0..40).filter(|&i| i != 3) {
            assert_eq!(number(bindings.get(&format!("v{i}"))), Some(f64::from(i)));
        }
        let names: Vec<&str> = bindings.iter().take(5).map(|b| &*b.name).collect();
        assert_eq!(names, ["v0", "v1", "v2", "v4", "v5"]);
        bindings.get_mut("v39").unwrap().value = Some(JsValue::Number(-1.0));
        assert_eq!(number(bindings.get("v39")), Some(-1.0));
        assert_eq!(bindings.take().len(), 39);
        assert!(bindings.get("v0").is_none());
    }
}
