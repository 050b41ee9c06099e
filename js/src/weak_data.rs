//! A WeakMap's or WeakSet's [[WeakMapData]] / [[WeakSetData]] (ECMA-262 24.3, 24.4): Records
//! whose keys are held weakly, so that an entry does not keep its key alive.
//!
//! settle-js frees objects by reference counting, so a key is held as a `Weak` and an entry
//! whose key has died is dropped when the table next grows (it can never be looked up again:
//! nothing can name the dead key). The value is held strongly; a value that refers back to its
//! own key therefore keeps both alive until the run ends (the ephemeron case that a tracing
//! collector would free), when the realm's heap sweep breaks the cycle.

use std::collections::HashMap;
use std::rc::{Rc, Weak};

use crate::object::ObjData;
use crate::property::SymbolData;
use crate::value::JsValue;

/// A key that CanBeHeldWeakly (9.13) accepts: an object, or a symbol not in the registry.
enum WeakKey {
    Object(Weak<ObjData>),
    Symbol(Weak<SymbolData>),
}

impl WeakKey {
    fn alive(&self) -> bool {
        match self {
            WeakKey::Object(w) => w.strong_count() > 0,
            WeakKey::Symbol(w) => w.strong_count() > 0,
        }
    }
}

/// The address that identifies a weakly held key (the `Weak` keeps the allocation, so the
/// address is not reused while the entry exists).
fn address(key: &JsValue) -> Option<(usize, WeakKey)> {
    match key {
        JsValue::Object(o) => Some((o.addr(), WeakKey::Object(Rc::downgrade(&o.0)))),
        JsValue::Symbol(s) => Some((Rc::as_ptr(&s.0) as usize, WeakKey::Symbol(Rc::downgrade(&s.0)))),
        _ => None,
    }
}

/// The Records of a WeakMap or WeakSet, by key identity.
#[derive(Default)]
pub(crate) struct WeakData {
    records: HashMap<usize, (WeakKey, JsValue)>,
    /// The size after the last sweep of dead keys: the next one is due at twice it.
    swept_at: usize,
}

impl WeakData {
    /// The value of `key`'s Record (`None` for a key that cannot be held weakly).
    pub(crate) fn get(&self, key: &JsValue) -> Option<JsValue> {
        let (addr, _) = address(key)?;
        self.records.get(&addr).map(|(_, v)| v.clone())
    }

    pub(crate) fn has(&self, key: &JsValue) -> bool {
        address(key).is_some_and(|(addr, _)| self.records.contains_key(&addr))
    }

    /// Sets or adds `key`'s Record; the caller has checked CanBeHeldWeakly. The value replaced,
    /// if any, is returned to drop after the caller's borrow ends.
    pub(crate) fn set(&mut self, key: &JsValue, value: JsValue) -> Option<JsValue> {
        let (addr, weak) = address(key)?;
        if self.records.len() >= 2 * self.swept_at.max(32) {
            self.records.retain(|_, (k, _)| k.alive());
            self.swept_at = self.records.len();
        }
        self.records.insert(addr, (weak, value)).map(|(_, v)| v)
    }

    /// Removes `key`'s Record; its value, to drop after the caller's borrow ends.
    pub(crate) fn delete(&mut self, key: &JsValue) -> Option<JsValue> {
        let (addr, _) = address(key)?;
        self.records.remove(&addr).map(|(_, v)| v)
    }

    /// Every value (the heap sweep empties them).
    pub(crate) fn take_values(&mut self) -> Vec<JsValue> {
        self.records.drain().map(|(_, (_, v))| v).collect()
    }
}
