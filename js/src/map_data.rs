//! A Map's [[MapData]] and a Set's [[SetData]] (ECMA-262 24.1, 24.2): a List of key/value
//! Records in insertion order, where a deleted Record becomes `empty` so that live iterators
//! keep their place, with a hash index by key for the O(1) lookups the spec asks for ("must
//! be implemented using ... mechanisms that, on average, provide access times that are
//! sublinear").
//!
//! Keys are compared with SameValueZero, after CanonicalizeKeyedCollectionKey (-0 is +0).
//! Deleted Records are squeezed out once they outnumber the live ones; every live iterator's
//! position ([`Cursor`]) is moved with them, so an iterator sees exactly what the spec's
//! index-into-the-List iteration sees: Records added after it started, not deleted ones.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use crate::value::JsValue;

/// A key as the index hashes it: SameValueZero-equal keys are equal here.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Undefined,
    Null,
    Bool(bool),
    /// The bits of the number, NaN made one NaN and -0 made +0.
    Number(u64),
    String(Rc<str>),
    BigInt(i64),
    /// A symbol or object, by identity: the Record holds the value, so the address cannot be
    /// reused while the entry exists.
    Identity(usize),
}

fn key_of(v: &JsValue) -> Key {
    match v {
        JsValue::Undefined => Key::Undefined,
        JsValue::Null => Key::Null,
        JsValue::Bool(b) => Key::Bool(*b),
        JsValue::Number(n) if n.is_nan() => Key::Number(f64::NAN.to_bits()),
        JsValue::Number(n) => Key::Number((n + 0.0).to_bits()),
        JsValue::String(s) => Key::String(s.to_rc()),
        JsValue::BigInt(n) => Key::BigInt(*n),
        JsValue::Symbol(s) => Key::Identity(Rc::as_ptr(&s.0) as usize),
        JsValue::Object(o) => Key::Identity(o.addr()),
    }
}

/// CanonicalizeKeyedCollectionKey (24.5.1): "1. If key is -0𝔽, return +0𝔽. 2. Return key."
pub(crate) fn canonicalize_keyed_collection_key(key: JsValue) -> JsValue {
    match key {
        JsValue::Number(n) if n == 0.0 && n.is_sign_negative() => JsValue::Number(0.0),
        other => other,
    }
}

/// An iterator's place in a [`MapData`]: the index of the next Record to look at.
pub(crate) type Cursor = Rc<Cell<usize>>;

/// The Records of a Map or Set (a Set's values are its keys; its Record values are unused).
#[derive(Default)]
pub(crate) struct MapData {
    records: Vec<Option<(JsValue, JsValue)>>,
    index: HashMap<Key, usize>,
    /// The positions of live iterators, moved when deleted Records are squeezed out.
    cursors: Vec<Weak<Cell<usize>>>,
}

impl MapData {
    /// The number of Records that are not empty (`size`).
    pub(crate) fn size(&self) -> usize {
        self.index.len()
    }

    /// The value of the Record whose key is `key`.
    pub(crate) fn get(&self, key: &JsValue) -> Option<JsValue> {
        let i = *self.index.get(&key_of(key))?;
        self.records[i].as_ref().map(|(_, v)| v.clone())
    }

    /// Whether a Record's key is `key`.
    pub(crate) fn has(&self, key: &JsValue) -> bool {
        self.index.contains_key(&key_of(key))
    }

    /// Sets the value of `key`'s Record, or appends a Record (Map.prototype.set steps 4-6).
    pub(crate) fn set(&mut self, key: JsValue, value: JsValue) {
        let key = canonicalize_keyed_collection_key(key);
        match self.index.get(&key_of(&key)) {
            Some(&i) => {
                if let Some((_, v)) = &mut self.records[i] {
                    *v = value;
                }
            }
            None => {
                self.index.insert(key_of(&key), self.records.len());
                self.records.push(Some((key, value)));
            }
        }
    }

    /// Makes `key`'s Record empty; whether there was one. The removed key and value are
    /// returned to the caller to drop after its borrow of the collection ends (dropping an
    /// object may run no script, but may free other objects).
    pub(crate) fn delete(&mut self, key: &JsValue) -> Option<(JsValue, JsValue)> {
        let i = self.index.remove(&key_of(key))?;
        let removed = self.records[i].take();
        self.squeeze();
        removed
    }

    /// Makes every Record empty (Map.prototype.clear); the removed Records are returned.
    pub(crate) fn clear(&mut self) -> Vec<(JsValue, JsValue)> {
        self.index.clear();
        let removed = self.records.iter_mut().filter_map(Option::take).collect();
        self.squeeze();
        removed
    }

    /// A new iterator's place: the first Record.
    pub(crate) fn cursor(&mut self) -> Cursor {
        self.cursors.retain(|c| c.strong_count() > 0);
        let cursor = Rc::new(Cell::new(0));
        self.cursors.push(Rc::downgrade(&cursor));
        cursor
    }

    /// The next non-empty Record at or after the cursor, which moves past it.
    pub(crate) fn next(&self, cursor: &Cursor) -> Option<(JsValue, JsValue)> {
        let mut i = cursor.get();
        while i < self.records.len() {
            if let Some((k, v)) = &self.records[i] {
                cursor.set(i + 1);
                return Some((k.clone(), v.clone()));
            }
            i += 1;
        }
        cursor.set(i);
        None
    }

    /// The keys and values in order (for `forEach`-free readers such as the inspector).
    pub(crate) fn entries(&self) -> Vec<(JsValue, JsValue)> {
        self.records.iter().flatten().cloned().collect()
    }

    /// Drops empty Records once they are more than the live ones, moving each cursor to the
    /// position of the same next Record.
    fn squeeze(&mut self) {
        let live = self.index.len();
        let empty = self.records.len() - live;
        if empty <= 16 || empty <= live {
            return;
        }
        // new_index[i]: how many live Records precede old position i.
        let mut new_index = Vec::with_capacity(self.records.len() + 1);
        let mut kept = 0;
        for r in &self.records {
            new_index.push(kept);
            if r.is_some() {
                kept += 1;
            }
        }
        new_index.push(kept);
        self.cursors.retain(|c| match c.upgrade() {
            Some(c) => {
                c.set(new_index[c.get().min(new_index.len() - 1)]);
                true
            }
            None => false,
        });
        self.records.retain(Option::is_some);
        for (i, r) in self.records.iter().enumerate() {
            if let Some((k, _)) = r {
                self.index.insert(key_of(k), i);
            }
        }
    }
}

/// The state of a %MapIteratorPrototype% or %SetIteratorPrototype% object: the closure
/// CreateMapIterator / CreateSetIterator (24.1.5.1, 24.2.6.1) make, as data.
pub(crate) struct CollectionIterator {
    /// The Map or Set; `None` once the iterator has returned `done`.
    pub(crate) collection: Option<crate::value::Obj>,
    pub(crate) cursor: Cursor,
    pub(crate) kind: crate::iteration::IterKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_zero_keys() {
        let mut m = MapData::default();
        m.set(JsValue::Number(-0.0), JsValue::Bool(true));
        m.set(JsValue::Number(f64::NAN), JsValue::Null);
        assert!(m.has(&JsValue::Number(0.0)));
        assert!(m.has(&JsValue::Number(-f64::NAN)));
        assert_eq!(m.size(), 2);
        assert!(matches!(m.entries()[0].0, JsValue::Number(n) if n == 0.0 && n.is_sign_positive()));
    }

    #[test]
    fn a_cursor_survives_squeezing_and_sees_later_records() {
        let mut m = MapData::default();
        for i in 0..100 {
            m.set(JsValue::Number(f64::from(i)), JsValue::Undefined);
        }
        let c = m.cursor();
        for _ in 0..50 {
            m.next(&c);
        }
        for i in 0..90 {
            if i != 60 {
                m.delete(&JsValue::Number(f64::from(i)));
            }
        }
        m.set(JsValue::Number(1000.0), JsValue::Undefined);
        let rest: Vec<f64> = std::iter::from_fn(|| m.next(&c))
            .map(|(k, _)| if let JsValue::Number(n) = k { n } else { -1.0 })
            .collect();
        let expected: Vec<f64> = [60.0].into_iter().chain((90..100).map(f64::from)).chain([1000.0]).collect();
        assert_eq!(rest, expected);
        assert!(m.records.len() < 100, "the empty Records were squeezed out");
    }
}
