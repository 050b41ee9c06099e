//! Node's `process`: `nextTick`, the `on`/`off` listener registry the rejection and
//! uncaught-exception events use, `argv`, `platform`.

use std::rc::Rc;

use settle_runtime::Handle;

use super::{R, arg, callback, run_callback};
use crate::realm::{JsHost, Realm, realm};
use crate::value::JsValue;

/// `process.argv`, as the embedder gave it (`Options::argv`).
pub(crate) fn set_argv(r: &Rc<Realm>, argv: &[String]) {
    if let Ok(JsValue::Object(process)) = r.global.get("process") {
        let items = argv.iter().map(|a| JsValue::from(a.as_str())).collect();
        process.define("argv", r.new_array(items), true);
    }
}

pub(super) fn install(r: &Rc<Realm>) {
    let process = r.new_object();
    r.method(&process, "nextTick", 1, |_, args, _| {
        let f = callback(args, 0)?;
        let extra: Vec<JsValue> = args.iter().skip(1).cloned().collect();
        Handle::current().queue_next_tick_with(move |host: &mut JsHost| run_callback(host, &f, &extra));
        Ok(JsValue::Undefined)
    });
    let on = |this: &JsValue, args: &[JsValue], _: bool| -> R {
        let event = arg(args, 0).to_js_string()?;
        let f = callback(args, 1)?;
        realm().listeners.borrow_mut().push((event.to_string(), f));
        Ok(this.clone())
    };
    r.method(&process, "on", 2, on);
    r.method(&process, "addListener", 2, on);
    r.method(&process, "off", 2, |this, args, _| {
        remove_listener(&arg(args, 0).to_js_string()?, &arg(args, 1));
        Ok(this.clone())
    });
    process.define("platform", JsValue::from("settle"), true);
    r.global.define("process", JsValue::Object(process), false);
}

/// `process.off` / `removeEventListener`: removes the first registration of `f` for `event`
/// (Node's EventEmitter and the DOM both remove one).
pub(crate) fn remove_listener(event: &str, f: &JsValue) {
    let r = realm();
    let mut listeners = r.listeners.borrow_mut();
    if let Some(i) = listeners.iter().position(|(e, l)| e.as_str() == event && l.strict_equals(f)) {
        listeners.remove(i);
    }
}
