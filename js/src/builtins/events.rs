//! A small event target for the worker objects: Node's EventEmitter methods (`on`, `once`,
//! `off`, `addListener`, `removeListener`, `emit`) or the DOM's (`addEventListener`,
//! `removeEventListener`), over one list of listeners in registration order.

use std::cell::RefCell;
use std::rc::Rc;

use super::{arg, callback};
use crate::interp::call_sync;
use crate::realm::Realm;
use crate::value::{JsValue, Obj};

/// The listeners of one object, by event name, in registration order.
#[derive(Default)]
pub(crate) struct Emitter {
    listeners: RefCell<Vec<(String, JsValue, bool)>>,
    /// Called after a listener was added or removed (a port listening for messages keeps its
    /// worker alive).
    on_change: RefCell<Option<Rc<dyn Fn()>>>,
}

impl Emitter {
    /// Calls `f` after every change of the listeners.
    pub(crate) fn set_on_change(&self, f: impl Fn() + 'static) {
        *self.on_change.borrow_mut() = Some(Rc::new(f));
    }

    fn changed(&self) {
        let f = self.on_change.borrow().clone();
        if let Some(f) = f {
            f();
        }
    }

    /// Adds a listener (`once`: removed before its first call, as Node's `once`).
    pub(crate) fn add(&self, event: &str, f: JsValue, once: bool) {
        self.listeners.borrow_mut().push((event.to_string(), f, once));
        self.changed();
    }

    /// Removes the first registration of `f` for `event` (Node and the DOM both remove one).
    pub(crate) fn remove(&self, event: &str, f: &JsValue) {
        let mut listeners = self.listeners.borrow_mut();
        if let Some(i) = listeners.iter().position(|(e, l, _)| e == event && l.strict_equals(f)) {
            listeners.remove(i);
        }
        drop(listeners);
        self.changed();
    }

    /// How many listeners `event` has.
    pub(crate) fn count(&self, event: &str) -> usize {
        self.listeners.borrow().iter().filter(|(e, _, _)| e == event).count()
    }

    /// The listeners to call for one emission of `event`; the `once` ones are removed.
    pub(crate) fn take(&self, event: &str) -> Vec<JsValue> {
        let mut listeners = self.listeners.borrow_mut();
        let found: Vec<JsValue> =
            listeners.iter().filter(|(e, _, _)| e == event).map(|(_, f, _)| f.clone()).collect();
        let before = listeners.len();
        listeners.retain(|(e, _, once)| !(e == event && *once));
        let changed = listeners.len() != before;
        drop(listeners);
        if changed {
            self.changed();
        }
        found
    }

    /// Node's `emit`: calls the listeners of `event` with `this` and `args`; whether there were
    /// any. No borrow is held while a listener runs.
    ///
    /// # Errors
    ///
    /// What a listener threw (the later ones are not called, as in Node).
    pub(crate) fn emit(&self, this: &JsValue, event: &str, args: &[JsValue]) -> Result<bool, JsValue> {
        let listeners = self.take(event);
        for l in &listeners {
            call_sync(l, this, args)?;
        }
        Ok(!listeners.is_empty())
    }

    /// Drops every listener (when the run ends: they may hold the objects that hold this).
    pub(crate) fn clear(&self) {
        let listeners = std::mem::take(&mut *self.listeners.borrow_mut());
        drop(listeners);
        self.on_change.borrow_mut().take();
    }
}

/// Defines Node's EventEmitter methods on `target`, over `events`.
pub(crate) fn install_node_methods(r: &Realm, target: &Obj, events: &Rc<Emitter>) {
    for (name, once) in [("on", false), ("addListener", false), ("once", true)] {
        let events = events.clone();
        r.method(target, name, 2, move |this, args, _| {
            let event = arg(args, 0).to_js_string()?;
            events.add(&event, callback(args, 1)?, once);
            Ok(this.clone())
        });
    }
    for name in ["off", "removeListener"] {
        let events = events.clone();
        r.method(target, name, 2, move |this, args, _| {
            events.remove(&arg(args, 0).to_js_string()?, &arg(args, 1));
            Ok(this.clone())
        });
    }
    let e = events.clone();
    r.method(target, "emit", 1, move |this, args, _| {
        let event = arg(args, 0).to_js_string()?;
        Ok(JsValue::Bool(e.emit(this, &event, args.get(1..).unwrap_or(&[]))?))
    });
}

/// Defines the DOM's `addEventListener` and `removeEventListener` on `target`, over `events`.
pub(crate) fn install_dom_methods(r: &Realm, target: &Obj, events: &Rc<Emitter>) {
    let e = events.clone();
    r.method(target, "addEventListener", 2, move |_, args, _| {
        let event = arg(args, 0).to_js_string()?;
        e.add(&event, callback(args, 1)?, false);
        Ok(JsValue::Undefined)
    });
    let e = events.clone();
    r.method(target, "removeEventListener", 2, move |_, args, _| {
        e.remove(&arg(args, 0).to_js_string()?, &arg(args, 1));
        Ok(JsValue::Undefined)
    });
}

/// A cancelable Event (DOM 2.2) with `type`, then `members` in order, then
/// `defaultPrevented` and the `preventDefault` that sets it: the worker events and the
/// browser's rejection events are the same object but for their members.
pub(crate) fn cancelable_event(r: &Realm, kind: &str, members: Vec<(&str, JsValue)>) -> Obj {
    let ev = r.new_object();
    ev.define("type", JsValue::from(kind), true);
    for (name, value) in members {
        ev.define(name, value, true);
    }
    ev.define("defaultPrevented", JsValue::Bool(false), true);
    let me = ev.clone();
    let prevent = r.native("preventDefault", 0, move |_, _, _| {
        me.define("defaultPrevented", JsValue::Bool(true), true);
        Ok(JsValue::Undefined)
    });
    ev.define("preventDefault", JsValue::Object(prevent), false);
    ev
}
