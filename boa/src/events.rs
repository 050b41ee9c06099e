//! A small event target for the worker objects: Node's EventEmitter methods (`on`, `once`,
//! `off`, `addListener`, `removeListener`, `emit`) or the DOM's (`addEventListener`,
//! `removeEventListener`), over one list of listeners in registration order
//! (`settle_host::listeners`).
//!
//! Boa's native closures may only capture what its collector can trace, so a JavaScript
//! object's emitter is kept in the host's table ([`Emitters`]) and its methods capture the
//! emitter's index, a plain number.

use std::cell::RefCell;
use std::rc::Rc;

use settle_host::listeners::Listeners;

use boa_engine::object::FunctionObjectBuilder;
use boa_engine::property::PropertyDescriptor;
use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction};

use crate::host::host;

/// The listeners of one object, by event name, in registration order (settle-host's list,
/// shared with settle-js).
pub(crate) type Emitter = Listeners<JsObject>;

/// What settle-boa does with an [`Emitter`]'s listeners.
pub(crate) trait Emit {
    /// Removes the first registration of `f` for `event`.
    fn remove_listener(&self, event: &str, f: &JsValue);

    /// Node's `emit`: calls the listeners of `event` with `this` and `args`; whether there were
    /// any. No borrow is held while a listener runs.
    ///
    /// # Errors
    ///
    /// What a listener threw (the later ones are not called, as in Node).
    fn emit(&self, this: &JsValue, event: &str, args: &[JsValue], cx: &mut Context) -> JsResult<bool>;
}

impl Emit for Emitter {
    fn remove_listener(&self, event: &str, f: &JsValue) {
        self.remove(event, |l| f.as_object().is_some_and(|f| JsObject::equals(&f, l)));
    }

    fn emit(&self, this: &JsValue, event: &str, args: &[JsValue], cx: &mut Context) -> JsResult<bool> {
        let listeners = self.take(event);
        for l in &listeners {
            l.call(this, args, cx)?;
        }
        Ok(!listeners.is_empty())
    }
}

/// The host's emitters, by index.
#[derive(Default)]
pub(crate) struct Emitters(RefCell<Vec<Rc<Emitter>>>);

impl Emitters {
    /// A new emitter and its index.
    pub(crate) fn create(&self) -> (usize, Rc<Emitter>) {
        let e = Rc::new(Emitter::default());
        let mut list = self.0.borrow_mut();
        list.push(e.clone());
        (list.len() - 1, e)
    }

    /// The emitter at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<Rc<Emitter>> {
        self.0.borrow().get(index).cloned()
    }

    /// Drops every listener of every emitter.
    pub(crate) fn clear(&self) {
        let list = std::mem::take(&mut *self.0.borrow_mut());
        for e in list {
            e.clear();
        }
    }
}

/// The emitter at `index` in the context's host.
pub(crate) fn emitter(cx: &Context, index: usize) -> JsResult<Rc<Emitter>> {
    host(cx)?
        .workers
        .emitters
        .get(index)
        .ok_or_else(|| JsNativeError::error().with_message("settle-boa: an emitter is gone").into())
}

/// Defines `name` on `target` as a method (writable, configurable, not enumerable).
pub(crate) fn method(cx: &mut Context, target: &JsObject, name: &str, length: usize, f: NativeFunction) {
    let f = FunctionObjectBuilder::new(cx.realm(), f).name(JsString::from(name)).length(length).build();
    let desc = PropertyDescriptor::builder().value(f).writable(true).configurable(true).enumerable(false);
    let _ = target.define_property_or_throw(JsString::from(name), desc, cx);
}

/// Defines `name` on `target` as a data property (`enumerable` or not).
pub(crate) fn define(
    cx: &mut Context,
    target: &JsObject,
    name: &str,
    value: impl Into<JsValue>,
    enumerable: bool,
) {
    let desc = PropertyDescriptor::builder()
        .value(value.into())
        .writable(true)
        .configurable(true)
        .enumerable(enumerable);
    let _ = target.define_property_or_throw(JsString::from(name), desc, cx);
}

fn event_name(args: &[JsValue], cx: &mut Context) -> JsResult<String> {
    Ok(args.first().cloned().unwrap_or_default().to_string(cx)?.to_std_string_escaped())
}

/// A listener argument, with Node's error for anything else.
pub(crate) fn listener(args: &[JsValue], i: usize) -> JsResult<JsObject> {
    match args.get(i).and_then(JsValue::as_callable) {
        Some(f) => Ok(f),
        None => Err(JsNativeError::typ()
            .with_message(format!(
                "The \"listener\" argument must be of type function. Received {}",
                args.get(i).cloned().unwrap_or_default().display()
            ))
            .into()),
    }
}

/// Defines Node's EventEmitter methods on `target`, over the emitter at `index`.
pub(crate) fn install_node_methods(cx: &mut Context, target: &JsObject, index: usize) {
    for (name, once) in [("on", false), ("addListener", false), ("once", true)] {
        let f = NativeFunction::from_copy_closure(move |this, args, cx| {
            let event = event_name(args, cx)?;
            emitter(cx, index)?.add(&event, listener(args, 1)?, once);
            Ok(this.clone())
        });
        method(cx, target, name, 2, f);
    }
    for name in ["off", "removeListener"] {
        let f = NativeFunction::from_copy_closure(move |this, args, cx| {
            let event = event_name(args, cx)?;
            emitter(cx, index)?.remove_listener(&event, &args.get(1).cloned().unwrap_or_default());
            Ok(this.clone())
        });
        method(cx, target, name, 2, f);
    }
    let f = NativeFunction::from_copy_closure(move |this, args, cx| {
        let event = event_name(args, cx)?;
        let e = emitter(cx, index)?;
        Ok(JsValue::from(e.emit(this, &event, args.get(1..).unwrap_or(&[]), cx)?))
    });
    method(cx, target, "emit", 1, f);
}

/// Defines the DOM's `addEventListener` and `removeEventListener` on `target`, over the
/// emitter at `index`.
pub(crate) fn install_dom_methods(cx: &mut Context, target: &JsObject, index: usize) {
    let f = NativeFunction::from_copy_closure(move |_, args, cx| {
        let event = event_name(args, cx)?;
        emitter(cx, index)?.add(&event, crate::host::callback(args, 1)?, false);
        Ok(JsValue::undefined())
    });
    method(cx, target, "addEventListener", 2, f);
    let f = NativeFunction::from_copy_closure(move |_, args, cx| {
        let event = event_name(args, cx)?;
        emitter(cx, index)?.remove_listener(&event, &args.get(1).cloned().unwrap_or_default());
        Ok(JsValue::undefined())
    });
    method(cx, target, "removeEventListener", 2, f);
}

/// A cancelable Event (DOM 2.2) with `type`, then `members` in order, then
/// `defaultPrevented` and the `preventDefault` that sets it.
pub(crate) fn cancelable_event(cx: &mut Context, kind: &str, members: Vec<(&str, JsValue)>) -> JsObject {
    let ev = JsObject::with_object_proto(cx.intrinsics());
    define(cx, &ev, "type", JsString::from(kind), true);
    for (name, value) in members {
        define(cx, &ev, name, value, true);
    }
    define(cx, &ev, "defaultPrevented", false, true);
    let prevent = NativeFunction::from_copy_closure(|this, _, cx| {
        if let Some(o) = this.as_object() {
            define(cx, &o, "defaultPrevented", true, true);
        }
        Ok(JsValue::undefined())
    });
    method(cx, &ev, "preventDefault", 0, prevent);
    ev
}

/// Whether an event's `preventDefault()` was called.
pub(crate) fn default_prevented(ev: &JsObject, cx: &mut Context) -> bool {
    ev.get(boa_engine::js_string!("defaultPrevented"), cx).is_ok_and(|v| v.to_boolean())
}
