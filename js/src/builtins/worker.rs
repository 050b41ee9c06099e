//! HTML's dedicated workers (HTML 10.2): the `Worker` constructor, and a worker's global scope
//! (DedicatedWorkerGlobalScope: `postMessage`, `onmessage`, `close()`, `importScripts()`).
//! The threads and the message transport are in `worker.rs`; the message dispatch here is
//! shared with Node's `worker_threads` (`worker_threads.rs`).

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::events::{Emit, Emitter, install_dom_methods};
use super::{arg, callback, report_uncaught};
use crate::interp::call_sync;
use crate::realm::{HostKind, Realm, realm};
use crate::structured_clone::{dom_exception, structured_serialize};
use crate::value::{JsValue, Obj};
use crate::worker::{self, WorkerSpec};
use settle_host::worker::ErrorReport;

/// Installs `Worker` (a browser's main thread and its workers), and in a worker the
/// DedicatedWorkerGlobalScope's members.
pub(crate) fn install(r: &Rc<Realm>) {
    let proto = r.new_object();
    let p = proto.clone();
    let ctor = r.native_ctor("Worker", 1, move |_, args, new_target| {
        if !new_target {
            return Err(super::type_error(
                "Failed to construct 'Worker': Please use the 'new' operator, this DOM object constructor cannot be called as a function.",
            ));
        }
        construct_worker(&p, &arg(args, 0))
    });
    ctor.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(ctor.clone()), false);
    r.global.define("Worker", JsValue::Object(ctor), false);
    if r.worker.is_some() {
        install_worker_global(r);
    }
}

/// The directory relative worker and script URLs resolve against: the page's (the main
/// script's directory) or, in a worker, the worker script's.
pub(crate) fn base_dir(r: &Realm) -> PathBuf {
    if let Some(scope) = &r.worker {
        return scope.dir.clone();
    }
    let file = std::path::absolute(&r.run.file).unwrap_or_else(|_| PathBuf::from(&r.run.file));
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `new Worker(scriptURL)`: the URL is a path, relative to the page's directory.
fn construct_worker(proto: &Obj, url: &JsValue) -> Result<JsValue, JsValue> {
    let r = realm();
    let url = url.to_js_string()?.to_string();
    let path = base_dir(&r).join(&url);
    let object = Obj::new(crate::value::Class::Object, Some(proto.clone()));
    let events = Rc::new(Emitter::default());
    install_dom_methods(&r, &object, &events);
    for kind in ["message", "error"] {
        let e = events.clone();
        define_event_handler(&r, &object, kind, move |add, listener| {
            if add {
                e.add(kind, listener.clone(), false);
            } else {
                e.remove_listener(kind, listener);
            }
        });
    }
    let source = std::fs::read_to_string(&path);
    let Ok(source) = source else {
        // Fetching the script failed: "queue a global task ... to fire an event named error
        // at worker" (HTML 10.2.4 "run a worker", step 12).
        let (o, e) = (object.clone(), events.clone());
        drop(r);
        settle_runtime::Handle::current().queue_task(move || {
            let event = plain_event("error", &o);
            fire(&e, &o, &event);
        });
        return Ok(JsValue::Object(object));
    };
    let file = path.to_string_lossy().into_owned();
    drop(r);
    let id = worker::spawn(WorkerSpec { file, source, worker_data: None }, object.clone(), events);
    let r = realm();
    r.method(&object, "postMessage", 1, move |_, args, _| {
        let message = structured_serialize(&arg(args, 0))?;
        worker::post_to_child(id, message);
        Ok(JsValue::Undefined)
    });
    r.method(&object, "terminate", 0, move |_, _, _| {
        worker::terminate(id);
        Ok(JsValue::Undefined)
    });
    Ok(JsValue::Object(object))
}

/// An Event with `type` and `target`.
fn plain_event(kind: &str, target: &Obj) -> Obj {
    super::events::cancelable_event(&realm(), kind, vec![("target", JsValue::Object(target.clone()))])
}

/// An event handler attribute (HTML 8.1.8.1), `on` + `kind`: an accessor whose first
/// non-null value adds one listener (at that point of the list: it runs in the order it was
/// set, among the `addEventListener` ones), which calls the attribute's current value;
/// setting it to null removes that listener. `register(add, listener)` adds or removes it.
///
/// A global scope's `onerror` is an OnErrorEventHandler (8.1.8.2): it is called with
/// (message, filename, lineno, colno, error), and returning `true` cancels the event.
fn define_event_handler(r: &Realm, target: &Obj, kind: &str, register: impl Fn(bool, &JsValue) + 'static) {
    let slot = Rc::new(std::cell::RefCell::new(JsValue::Null));
    let s = slot.clone();
    let on_error = kind == "error" && target.ptr_eq(&r.global);
    let listener = JsValue::Object(r.native("", 1, move |this, args, _| {
        let handler = s.borrow().clone();
        if !handler.is_callable() {
            return Ok(JsValue::Undefined);
        }
        let (true, JsValue::Object(ev)) = (on_error, arg(args, 0)) else {
            return call_sync(&handler, this, args);
        };
        let fields =
            ["message", "filename", "lineno", "colno", "error"].map(|k| ev.get(k).unwrap_or_default());
        if matches!(call_sync(&handler, this, &fields)?, JsValue::Bool(true)) {
            ev.define("defaultPrevented", JsValue::Bool(true), true);
        }
        Ok(JsValue::Undefined)
    }));
    let s = slot.clone();
    let get = r.native(&format!("get on{kind}"), 0, move |_, _, _| Ok(s.borrow().clone()));
    let set = r.native(&format!("set on{kind}"), 1, move |_, args, _| {
        let v = arg(args, 0);
        let v = if v.is_callable() { v } else { JsValue::Null };
        let was_set = !matches!(*slot.borrow(), JsValue::Null);
        let now_set = !matches!(v, JsValue::Null);
        *slot.borrow_mut() = v;
        if was_set != now_set {
            register(now_set, &listener);
        }
        Ok(JsValue::Undefined)
    });
    target.define_accessor(
        &format!("on{kind}"),
        Some(JsValue::Object(get)),
        Some(JsValue::Object(set)),
        true,
    );
}

/// Dispatches `event` to `listeners`, in order; an exception is reported and the others still
/// run.
fn dispatch(listeners: Vec<JsValue>, target: &Obj, event: &Obj) {
    let this = JsValue::Object(target.clone());
    let event = JsValue::Object(event.clone());
    for l in listeners {
        if let Err(e) = call_sync(&l, &this, std::slice::from_ref(&event)) {
            report_uncaught(e);
        }
    }
}

fn fire(events: &Emitter, target: &Obj, event: &Obj) {
    let kind =
        event.get("type").ok().and_then(|t| t.to_js_string().ok()).map(|s| s.to_string()).unwrap_or_default();
    dispatch(events.take(&kind), target, event);
}

/// A message arrived at `target` (a `Worker`, or Node's `parentPort`): Node's `message`
/// listeners get the value; HTML's get a MessageEvent whose `data` it is.
pub(crate) fn dispatch_message(events: &Emitter, target: Option<&Obj>, data: JsValue) {
    let r = realm();
    let this = target.map_or(JsValue::Undefined, |t| JsValue::Object(t.clone()));
    match (r.host, target) {
        (HostKind::Html, Some(target)) => {
            drop(r);
            let ev = plain_event("message", target);
            ev.define("data", data, true);
            fire(events, target, &ev);
        }
        _ => {
            drop(r);
            if let Err(e) = events.emit(&this, "message", &[data]) {
                report_uncaught(e);
            }
        }
    }
}

/// A message arrived at an HTML worker's global scope: a MessageEvent to its `message`
/// listeners and `onmessage`.
pub(crate) fn dispatch_global_message(data: JsValue) {
    let r = realm();
    let global = r.global.clone();
    let listeners = r.listeners("message");
    drop(r);
    let ev = plain_event("message", &global);
    ev.define("data", data, true);
    dispatch(listeners, &global, &ev);
}

/// An HTML worker's uncaught exception, first at the worker's own global scope ("report the
/// exception" fires an ErrorEvent there, with the error object): whether a listener canceled
/// it (then the parent hears nothing).
pub(crate) fn dispatch_global_error(report: &ErrorReport, error: &JsValue) -> bool {
    let r = realm();
    let global = r.global.clone();
    let listeners = r.listeners("error");
    drop(r);
    if listeners.is_empty() {
        return false;
    }
    let ev = error_event(&global, report, error.clone());
    dispatch(listeners, &global, &ev);
    ev.get("defaultPrevented").is_ok_and(|v| v.truthy())
}

fn error_event(target: &Obj, report: &ErrorReport, error: JsValue) -> Obj {
    let ev = plain_event("error", target);
    ev.define("message", JsValue::from(report.message.as_str()), true);
    ev.define("filename", JsValue::from(report.filename.as_str()), true);
    ev.define("lineno", JsValue::Number(report.lineno as f64), true);
    ev.define("colno", JsValue::Number(report.colno as f64), true);
    ev.define("error", error, true);
    ev
}

/// An HTML worker's uncaught exception, at its `Worker` object (HTML 8.1.4.7 "report the
/// exception", for a worker): an ErrorEvent; if no listener cancels it, the parent reports it
/// as its own.
pub(crate) fn dispatch_error_event(events: &Emitter, target: &Obj, report: &ErrorReport) {
    // A worker's error object stays in the worker: the parent's event has `error: null`.
    let ev = error_event(target, report, JsValue::Null);
    fire(events, target, &ev);
    if !ev.get("defaultPrevented").is_ok_and(|v| v.truthy()) {
        let r = realm();
        r.write_out(&report.message, true);
        r.exit_code.set(1);
    }
}

/// A worker's global scope (DedicatedWorkerGlobalScope): `postMessage`, `close`,
/// `importScripts`, and `onmessage` / `addEventListener("message")` that keep the worker
/// alive while set.
fn install_worker_global(r: &Rc<Realm>) {
    let g = &r.global;
    g.delete("window");
    r.method(g, "postMessage", 1, |_, args, _| {
        let message = structured_serialize(&arg(args, 0))?;
        worker::post_to_parent(message);
        Ok(JsValue::Undefined)
    });
    r.method(g, "close", 0, |_, _, _| {
        worker::close();
        Ok(JsValue::Undefined)
    });
    r.method(g, "addEventListener", 2, |_, args, _| {
        let event = arg(args, 0).to_js_string()?;
        let f = callback(args, 1)?;
        realm().listeners.borrow_mut().push((event.to_string(), f));
        worker::update_keep_alive();
        Ok(JsValue::Undefined)
    });
    r.method(g, "removeEventListener", 2, |_, args, _| {
        super::remove_listener(&arg(args, 0).to_js_string()?, &arg(args, 1));
        worker::update_keep_alive();
        Ok(JsValue::Undefined)
    });
    // `onmessage` and `onerror`, whose listeners join the global's (setting `onmessage` keeps
    // the worker alive, as a message listener does).
    for kind in ["message", "error"] {
        define_event_handler(r, g, kind, move |add, listener| {
            if add {
                realm().listeners.borrow_mut().push((kind.to_string(), listener.clone()));
            } else {
                super::remove_listener(kind, listener);
            }
            worker::update_keep_alive();
        });
    }
    r.method(g, "importScripts", 0, |_, args, _| {
        for url in args {
            import_script(url.to_js_string()?.as_ref())?;
        }
        Ok(JsValue::Undefined)
    });
}

/// `importScripts(url)` (HTML 10.2.7.1): fetch (read) the script, synchronously, and run it
/// as a classic script in the worker's global scope; its exceptions propagate.
fn import_script(url: &str) -> Result<(), JsValue> {
    let r = realm();
    let path = base_dir(&r).join(url);
    let Ok(source) = std::fs::read_to_string(&path) else {
        return Err(dom_exception(
            "NetworkError",
            19,
            &format!(
                "Failed to execute 'importScripts' on 'WorkerGlobalScope': The script at '{url}' failed to load."
            ),
        ));
    };
    let script = match crate::lower::parse(&source) {
        Ok(script) => Rc::new(script),
        Err(e) => {
            let (line, col) = crate::lower::line_col(&source, e.offset);
            let (name, message) = e.js_error();
            return Err(r.error(name, &format!("{url}:{line}:{col}: {message}")));
        }
    };
    let this = JsValue::Object(r.global.clone());
    if let Some(scope) = &r.worker {
        scope.imported.borrow_mut().push(script.clone());
    }
    drop(r);
    crate::interp::run_script(&script, this).map(|_| ())
}
