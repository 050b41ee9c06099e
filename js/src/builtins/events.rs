//! A small event target for the worker objects: Node's EventEmitter methods (`on`, `once`,
//! `off`, `addListener`, `removeListener`, `emit`) or the DOM's (`addEventListener`,
//! `removeEventListener`), over one list of listeners in registration order
//! (`settle_host::listeners`).

use std::rc::Rc;

use settle_host::listeners::Listeners;

use super::{arg, callback};
use crate::interp::call_sync;
use crate::realm::Realm;
use crate::value::{JsValue, Obj};

/// The listeners of one object, by event name, in registration order (settle-host's list,
/// shared with settle-boa).
pub(crate) type Emitter = Listeners<JsValue>;

/// What settle-js does with an [`Emitter`]'s listeners.
pub(crate) trait Emit {
    /// Removes the first registration of `f` for `event`.
    fn remove_listener(&self, event: &str, f: &JsValue);

    /// Node's `emit`: calls the listeners of `event` with `this` and `args`; whether there were
    /// any. No borrow is held while a listener runs.
    ///
    /// # Errors
    ///
    /// What a listener threw (the later ones are not called, as in Node).
    fn emit(&self, this: &JsValue, event: &str, args: &[JsValue]) -> Result<bool, JsValue>;
}

impl Emit for Emitter {
    fn remove_listener(&self, event: &str, f: &JsValue) {
        self.remove(event, |l| l.strict_equals(f));
    }

    fn emit(&self, this: &JsValue, event: &str, args: &[JsValue]) -> Result<bool, JsValue> {
        let listeners = self.take(event);
        for l in &listeners {
            call_sync(l, this, args)?;
        }
        Ok(!listeners.is_empty())
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
            events.remove_listener(&arg(args, 0).to_js_string()?, &arg(args, 1));
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
        e.remove_listener(&arg(args, 0).to_js_string()?, &arg(args, 1));
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
