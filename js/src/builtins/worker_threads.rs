//! Node's `worker_threads` module (what `require("worker_threads")` returns): `Worker`,
//! `isMainThread`, `parentPort`, `workerData`, `threadId`. The threads and the message
//! transport are in `worker.rs`.

use std::rc::Rc;

use super::events::{Emit, Emitter, install_node_methods};
use super::{arg, type_error};
use crate::realm::{Realm, realm};
use crate::structured_clone::{structured_deserialize, structured_serialize};
use crate::value::{Class, JsPromise, JsValue, Obj};
use crate::worker::{self, WorkerSpec};

/// The module object (made once per realm by `require`).
pub(crate) fn module(r: &Rc<Realm>) -> Obj {
    let m = r.new_object();
    let proto = r.new_object();
    let p = proto.clone();
    let ctor = r.native_ctor("Worker", 1, move |_, args, new_target| {
        if !new_target {
            return Err(type_error("Class constructor Worker cannot be invoked without 'new'"));
        }
        construct_worker(&p, &arg(args, 0), &arg(args, 1))
    });
    ctor.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(ctor.clone()), false);
    m.define("Worker", JsValue::Object(ctor), true);
    let scope = r.worker.clone();
    m.define("isMainThread", JsValue::Bool(scope.is_none()), true);
    m.define("threadId", JsValue::Number(scope.as_ref().map_or(0, |s| s.thread_id()) as f64), true);
    match scope {
        None => {
            m.define("parentPort", JsValue::Null, true);
            m.define("workerData", JsValue::Null, true);
        }
        Some(scope) => {
            m.define("parentPort", JsValue::Object(parent_port(r, &scope)), true);
            let data = scope.worker_data.borrow_mut().take();
            let data = data.map_or(JsValue::Undefined, |d| structured_deserialize(&d));
            m.define("workerData", data, true);
        }
    }
    m
}

/// A worker's `parentPort`: a MessagePort to its parent. Listening for `message` keeps the
/// worker alive (Node's port is ref'd while it has message listeners).
fn parent_port(r: &Rc<Realm>, scope: &worker::WorkerScope) -> Obj {
    if let Some((port, _)) = scope.parent_port.borrow().as_ref() {
        return port.clone();
    }
    let port = r.new_object();
    let events = Rc::new(Emitter::default());
    events.set_on_change(|_| worker::update_keep_alive());
    install_node_methods(r, &port, &events);
    r.method(&port, "postMessage", 1, |_, args, _| {
        let message = structured_serialize(&arg(args, 0))?;
        worker::post_to_parent(message);
        Ok(JsValue::Undefined)
    });
    r.method(&port, "close", 0, |_, _, _| {
        worker::close();
        Ok(JsValue::Undefined)
    });
    *scope.parent_port.borrow_mut() = Some((port.clone(), events));
    port
}

/// Node's ERR_WORKER_PATH check: an absolute path, or one starting with `./` or `../`
/// (resolved against the current directory).
fn worker_path(filename: &JsValue) -> Result<std::path::PathBuf, JsValue> {
    let JsValue::String(s) = filename else {
        return Err(node_error(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            &format!(
                "The \"filename\" argument must be of type string or an instance of URL. Received {}",
                crate::inspect::inspect(filename)
            ),
        ));
    };
    let s = s.to_string();
    let path = std::path::Path::new(&s);
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    if s.starts_with("./") || s.starts_with("../") {
        return std::path::absolute(path).map_err(|e| node_error("Error", "ERR_WORKER_PATH", &e.to_string()));
    }
    Err(node_error(
        "TypeError",
        "ERR_WORKER_PATH",
        &format!(
            "The worker script or module filename must be an absolute path or a relative path starting with './' or '../'. Received \"{s}\""
        ),
    ))
}

/// An error with Node's `code` property.
pub(crate) fn node_error(kind: &str, code: &str, message: &str) -> JsValue {
    let e = realm().error(kind, message);
    if let JsValue::Object(o) = &e {
        o.define("code", JsValue::from(code), true);
    }
    e
}

/// `new Worker(filename[, { workerData, eval }])`.
fn construct_worker(proto: &Obj, filename: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    // Node's `eval: true`: `filename` is the worker's source itself, run as a classic script
    // named `[worker eval]` (its relative `require`s resolve against the current directory).
    let eval = match options {
        JsValue::Object(o) => o.get("eval")?.truthy(),
        _ => false,
    };
    let eval_source = match (eval, filename) {
        (false, _) => None,
        (true, JsValue::String(s)) => Some(s.to_string()),
        (true, _) => {
            return Err(node_error(
                "TypeError",
                "ERR_INVALID_ARG_VALUE",
                "The property 'options.eval' must be false when 'filename' is not a string. Received true",
            ));
        }
    };
    let path = match &eval_source {
        Some(_) => std::path::PathBuf::from("[worker eval]"),
        None => worker_path(filename)?,
    };
    let worker_data = match options {
        JsValue::Object(o) if o.has_property("workerData") => {
            Some(structured_serialize(&o.get("workerData")?)?)
        }
        _ => None,
    };
    let r = realm();
    let object = Obj::new(Class::Object, Some(proto.clone()));
    let events = Rc::new(Emitter::default());
    install_node_methods(&r, &object, &events);
    let file = path.to_string_lossy().into_owned();
    let Some(source) = eval_source.or_else(|| std::fs::read_to_string(&path).ok()) else {
        // Node's worker fails to load its module: an `error` event, then `exit` with code 1.
        let (o, e) = (object.clone(), events.clone());
        let error = node_error("Error", "MODULE_NOT_FOUND", &format!("Cannot find module '{file}'"));
        drop(r);
        settle_runtime::Handle::current().queue_task(move || {
            dispatch_error(&e, &o, error);
            dispatch_exit(&e, &o, 1);
        });
        return Ok(JsValue::Object(object));
    };
    drop(r);
    let id = worker::spawn(WorkerSpec { file, source, worker_data }, object.clone(), events.clone());
    let r = realm();
    object.define("threadId", JsValue::Number(id as f64), true);
    r.method(&object, "postMessage", 1, move |_, args, _| {
        let message = structured_serialize(&arg(args, 0))?;
        worker::post_to_child(id, message);
        Ok(JsValue::Undefined)
    });
    let e = events;
    r.method(&object, "terminate", 0, move |_, _, _| {
        // A promise for the exit code, fulfilled when `exit` is emitted (after the script's
        // own `exit` listeners, which were added first).
        let (promise, resolvers) = JsPromise::with_resolvers();
        if worker::has_exited(id) {
            resolvers.resolve(JsValue::Undefined);
        } else {
            let resolve = realm().native("", 1, move |_, args, _| {
                resolvers.resolve(arg(args, 0));
                Ok(JsValue::Undefined)
            });
            e.add("exit", JsValue::Object(resolve), true);
            worker::terminate(id);
        }
        Ok(crate::promise::wrap_promise(promise))
    });
    r.method(&object, "ref", 0, move |_, _, _| {
        worker::set_ref(id, true);
        Ok(JsValue::Undefined)
    });
    r.method(&object, "unref", 0, move |_, _, _| {
        worker::set_ref(id, false);
        Ok(JsValue::Undefined)
    });
    Ok(JsValue::Object(object))
}

/// The worker exited: `exit` with its code.
pub(crate) fn dispatch_exit(events: &Emitter, object: &Obj, code: i32) {
    if let Err(e) = events.emit(&JsValue::Object(object.clone()), "exit", &[JsValue::Number(f64::from(code))])
    {
        super::report_uncaught(e);
    }
}

/// The worker died of `error`: its `error` listeners get it; with none, the parent dies of it
/// (Node rethrows it: "Emitted 'error' event on Worker instance").
pub(crate) fn dispatch_error(events: &Emitter, object: &Obj, error: JsValue) {
    if events.count("error") > 0 {
        if let Err(e) = events.emit(&JsValue::Object(object.clone()), "error", &[error]) {
            super::report_uncaught(e);
        }
        return;
    }
    if crate::realm::is_halted() || worker::forward_uncaught(&error) {
        return;
    }
    let r = realm();
    r.write_out(
        &format!("{}\nEmitted 'error' event on Worker instance", crate::inspect::inspect(&error)),
        true,
    );
    r.exit_code.set(1);
    drop(r);
    let h = settle_runtime::Handle::current();
    h.halt(settle_runtime::Uncaught::new(
        settle_runtime::UncaughtKind::Exception,
        "a worker's uncaught error",
        h.origin(),
    ));
}
