//! The HTML host's global object: `window` / `self`, and `addEventListener` /
//! `removeEventListener` for the `unhandledrejection` / `rejectionhandled` / `error` events.

use std::rc::Rc;

use super::process::remove_listener;
use super::{arg, callback};
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(super) fn install(r: &Rc<Realm>) {
    let g = &r.global;
    r.method(g, "addEventListener", 2, |_, args, _| {
        let event = arg(args, 0).to_js_string()?;
        let f = callback(args, 1)?;
        realm().listeners.borrow_mut().push((event.to_string(), f));
        Ok(JsValue::Undefined)
    });
    r.method(g, "removeEventListener", 2, |_, args, _| {
        remove_listener(&arg(args, 0).to_js_string()?, &arg(args, 1));
        Ok(JsValue::Undefined)
    });
    g.define("window", JsValue::Object(g.clone()), false);
    g.define("self", JsValue::Object(g.clone()), false);
}
