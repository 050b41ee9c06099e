//! The listeners of an event target (a `Worker`, a `parentPort`), by event name, in
//! registration order: Node's EventEmitter and the DOM's `addEventListener` keep one list each,
//! whatever the engine; `F` is the engine's function value. Calling them is the engine's.
//!
//! ```
//! use settle_host::listeners::Listeners;
//!
//! let l: Listeners<&str> = Listeners::default();
//! l.add("message", "f", false);
//! l.add("message", "g", true); // Node's `once`
//! assert_eq!(l.take("message"), ["f", "g"]);
//! assert_eq!(l.take("message"), ["f"]);
//! l.remove("message", |f| *f == "f");
//! assert_eq!(l.count("message"), 0);
//! ```

use std::cell::RefCell;
use std::rc::Rc;

/// What a list calls after a change of its listeners.
type OnChange<F> = Rc<dyn Fn(&Listeners<F>)>;

/// The listeners of one object, by event name, in registration order.
pub struct Listeners<F> {
    list: RefCell<Vec<(String, F, bool)>>,
    /// Called after a listener was added or removed (a port listening for messages keeps its
    /// worker alive).
    on_change: RefCell<Option<OnChange<F>>>,
}

impl<F> Default for Listeners<F> {
    fn default() -> Self {
        Listeners { list: RefCell::new(Vec::new()), on_change: RefCell::new(None) }
    }
}

impl<F> std::fmt::Debug for Listeners<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listeners").field("count", &self.list.borrow().len()).finish_non_exhaustive()
    }
}

impl<F: Clone> Listeners<F> {
    /// Calls `f` after every change of the listeners.
    pub fn set_on_change(&self, f: impl Fn(&Listeners<F>) + 'static) {
        *self.on_change.borrow_mut() = Some(Rc::new(f));
    }

    fn changed(&self) {
        let f = self.on_change.borrow().clone();
        if let Some(f) = f {
            f(self);
        }
    }

    /// Adds a listener (`once`: removed before its first call, as Node's `once`).
    pub fn add(&self, event: &str, f: F, once: bool) {
        self.list.borrow_mut().push((event.to_string(), f, once));
        self.changed();
    }

    /// Removes the first registration for `event` of a listener that `is` (Node and the DOM
    /// both remove one).
    pub fn remove(&self, event: &str, is: impl Fn(&F) -> bool) {
        let mut list = self.list.borrow_mut();
        if let Some(i) = list.iter().position(|(e, l, _)| e == event && is(l)) {
            list.remove(i);
        }
        drop(list);
        self.changed();
    }

    /// How many listeners `event` has.
    pub fn count(&self, event: &str) -> usize {
        self.list.borrow().iter().filter(|(e, _, _)| e == event).count()
    }

    /// The listeners to call for one emission of `event`; the `once` ones are removed. No
    /// borrow is held afterwards, so the caller may run them.
    pub fn take(&self, event: &str) -> Vec<F> {
        let mut list = self.list.borrow_mut();
        let found: Vec<F> = list.iter().filter(|(e, _, _)| e == event).map(|(_, f, _)| f.clone()).collect();
        let before = list.len();
        list.retain(|(e, _, once)| !(e == event && *once));
        let changed = list.len() != before;
        drop(list);
        if changed {
            self.changed();
        }
        found
    }

    /// Drops every listener and the change hook (when the run ends: they may hold the objects
    /// that hold this).
    pub fn clear(&self) {
        let list = std::mem::take(&mut *self.list.borrow_mut());
        drop(list);
        let hook = self.on_change.borrow_mut().take();
        drop(hook);
    }
}
