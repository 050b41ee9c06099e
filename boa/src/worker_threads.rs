//! Node's `worker_threads` module for Boa (what `require("worker_threads")` returns):
//! `Worker`, `isMainThread`, `parentPort`, `workerData`, `threadId`; and the small CommonJS
//! `require` (only that module, also as `node:worker_threads`) with `__filename` and
//! `__dirname`. The threads and the transport are in `worker.rs`; the messages and errors are
//! settle-js's, which are Node's.

use boa_engine::object::FunctionObjectBuilder;
use boa_engine::object::builtins::JsPromise;
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction, js_string,
};

use crate::clone::{structured_deserialize, structured_serialize};
use crate::events::{Emit, define, emitter, install_node_methods, method};
use crate::host::host;
use crate::worker::{self, WorkerSpec};

/// The built-in modules `require` knows.
const BUILT_IN_MODULES: &[&str] = &["worker_threads"];

/// An error with Node's `code` property.
pub(crate) fn node_error(cx: &mut Context, error: JsNativeError, code: &str, message: &str) -> JsError {
    let e = error.with_message(message.to_string()).into_opaque(cx);
    define(cx, &e, "code", JsString::from(code), true);
    JsError::from_opaque(e.into())
}

/// Installs `require`, `__filename` and `__dirname` (Node host).
pub(crate) fn install(cx: &mut Context, file: &str) -> JsResult<()> {
    fn require(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let id = args.first().cloned().unwrap_or_default();
        let Some(name) = id.as_string().map(|s| s.to_std_string_escaped()) else {
            let shown = crate::inspect::inspect(&id, cx);
            return Err(node_error(
                cx,
                JsNativeError::typ(),
                "ERR_INVALID_ARG_TYPE",
                &format!("The \"id\" argument must be of type string. Received {shown}"),
            ));
        };
        let bare = name.strip_prefix("node:").unwrap_or(&name);
        if !BUILT_IN_MODULES.contains(&bare) {
            return Err(node_error(
                cx,
                JsNativeError::error(),
                "MODULE_NOT_FOUND",
                &format!("Cannot find module '{name}'"),
            ));
        }
        let state = host(cx)?;
        if let Some(m) = state.workers.module.borrow().clone() {
            return Ok(m.into());
        }
        let m = module(cx)?;
        *state.workers.module.borrow_mut() = Some(m.clone());
        Ok(m.into())
    }
    cx.register_global_builtin_callable(js_string!("require"), 1, NativeFunction::from_fn_ptr(require))?;
    let path = std::path::absolute(file).unwrap_or_else(|_| std::path::PathBuf::from(file));
    let dir = path.parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    worker::define_global(cx, "__filename", JsString::from(path.to_string_lossy().as_ref()).into());
    worker::define_global(cx, "__dirname", JsString::from(dir.as_str()).into());
    Ok(())
}

/// The module object.
fn module(cx: &mut Context) -> JsResult<JsObject> {
    let m = JsObject::with_object_proto(cx.intrinsics());
    let ctor = FunctionObjectBuilder::new(cx.realm(), NativeFunction::from_fn_ptr(construct_worker))
        .name(js_string!("Worker"))
        .length(1)
        .constructor(true)
        .build();
    let proto = JsObject::with_object_proto(cx.intrinsics());
    define(cx, &ctor, "prototype", proto.clone(), false);
    define(cx, &proto, "constructor", ctor.clone(), false);
    define(cx, &m, "Worker", ctor, true);
    let scope = worker::scope(cx);
    define(cx, &m, "isMainThread", scope.is_none(), true);
    let thread_id = scope.as_ref().map_or(0, |s| s.link.thread_id);
    define(cx, &m, "threadId", thread_id as f64, true);
    match scope {
        None => {
            define(cx, &m, "parentPort", JsValue::null(), true);
            define(cx, &m, "workerData", JsValue::null(), true);
        }
        Some(scope) => {
            let port = parent_port(cx, &scope)?;
            define(cx, &m, "parentPort", port, true);
            let data = scope.worker_data.borrow_mut().take();
            let data = data.map_or_else(JsValue::undefined, |d| structured_deserialize(&d, cx));
            define(cx, &m, "workerData", data, true);
        }
    }
    Ok(m)
}

/// A worker's `parentPort`: a MessagePort to its parent. Listening for `message` keeps the
/// worker alive (Node's port is ref'd while it has message listeners).
fn parent_port(cx: &mut Context, scope: &std::rc::Rc<worker::WorkerScope>) -> JsResult<JsObject> {
    if let Some((port, _)) = scope.port.borrow().as_ref() {
        return Ok(port.clone());
    }
    let port = JsObject::with_object_proto(cx.intrinsics());
    let (index, events) = host(cx)?.workers.emitters.create();
    let s = scope.clone();
    events.set_on_change(move |e| s.link.set_listening(e.count("message") > 0));
    install_node_methods(cx, &port, index);
    worker::install_post_and_close(cx, &port);
    *scope.port.borrow_mut() = Some((port.clone(), index));
    Ok(port)
}

/// Node's ERR_WORKER_PATH check: an absolute path, or one starting with `./` or `../`
/// (resolved against the current directory).
fn worker_path(cx: &mut Context, filename: &JsValue) -> JsResult<std::path::PathBuf> {
    let Some(s) = filename.as_string().map(|s| s.to_std_string_escaped()) else {
        let shown = crate::inspect::inspect(filename, cx);
        return Err(node_error(
            cx,
            JsNativeError::typ(),
            "ERR_INVALID_ARG_TYPE",
            &format!(
                "The \"filename\" argument must be of type string or an instance of URL. Received {shown}"
            ),
        ));
    };
    let path = std::path::Path::new(&s);
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    if s.starts_with("./") || s.starts_with("../") {
        return std::path::absolute(path)
            .map_err(|e| node_error(cx, JsNativeError::error(), "ERR_WORKER_PATH", &e.to_string()));
    }
    Err(node_error(
        cx,
        JsNativeError::typ(),
        "ERR_WORKER_PATH",
        &format!(
            "The worker script or module filename must be an absolute path or a relative path starting with './' or '../'. Received \"{s}\""
        ),
    ))
}

/// `new Worker(filename[, { workerData }])`.
fn construct_worker(new_target: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
    let Some(new_target) = new_target.as_object() else {
        return Err(JsNativeError::typ()
            .with_message("Class constructor Worker cannot be invoked without 'new'")
            .into());
    };
    let path = worker_path(cx, &args.first().cloned().unwrap_or_default())?;
    let worker_data = match args.get(1).and_then(JsValue::as_object) {
        Some(o) if o.has_property(js_string!("workerData"), cx)? => {
            let data = o.get(js_string!("workerData"), cx)?;
            Some(structured_serialize(&data, cx)?)
        }
        _ => None,
    };
    let proto = new_target.get(js_string!("prototype"), cx)?.as_object();
    let object = JsObject::with_object_proto(cx.intrinsics());
    if let Some(proto) = proto {
        object.set_prototype(Some(proto));
    }
    let state = host(cx)?;
    let (index, _) = state.workers.emitters.create();
    install_node_methods(cx, &object, index);
    let file = path.to_string_lossy().into_owned();
    let Ok(source) = std::fs::read_to_string(&path) else {
        // Node's worker fails to load its module: an `error` event, then `exit` with code 1.
        let error = node_error(
            cx,
            JsNativeError::error(),
            "MODULE_NOT_FOUND",
            &format!("Cannot find module '{file}'"),
        );
        let error = error.into_opaque(cx).unwrap_or_default();
        let o = object.clone();
        state.handle.queue_task_labelled_with("worker error", move |cx: &mut Context| {
            let Ok(events) = emitter(cx, index) else { return };
            let this: JsValue = o.into();
            for (event, arg) in [("error", error), ("exit", JsValue::from(1))] {
                if let Err(e) = events.emit(&this, event, &[arg], cx) {
                    crate::report::uncaught(cx, e);
                }
            }
        });
        return Ok(object.into());
    };
    let spec = WorkerSpec { file, source, worker_data };
    let Some(id) = worker::spawn(cx, spec, object.clone(), index) else { return Ok(object.into()) };
    define(cx, &object, "threadId", id as f64, true);
    let post = NativeFunction::from_copy_closure(move |_, args, cx| {
        let message = structured_serialize(&args.first().cloned().unwrap_or_default(), cx)?;
        worker::post_to_child(cx, id, message);
        Ok(JsValue::undefined())
    });
    method(cx, &object, "postMessage", 1, post);
    let terminate = NativeFunction::from_copy_closure(move |_, _, cx| {
        // A promise for the exit code, fulfilled when `exit` is emitted (after the script's
        // own `exit` listeners, which were added first).
        let (promise, resolvers) = JsPromise::new_pending(cx);
        if worker::has_exited(cx, id) {
            resolvers.resolve.call(&JsValue::undefined(), &[], cx)?;
        } else {
            emitter(cx, index)?.add("exit", resolvers.resolve.into(), true);
            worker::terminate(cx, id);
        }
        Ok(promise.into())
    });
    method(cx, &object, "terminate", 0, terminate);
    let r = NativeFunction::from_copy_closure(move |_, _, cx| {
        worker::set_ref(cx, id, true);
        Ok(JsValue::undefined())
    });
    method(cx, &object, "ref", 0, r);
    let unref = NativeFunction::from_copy_closure(move |_, _, cx| {
        worker::set_ref(cx, id, false);
        Ok(JsValue::undefined())
    });
    method(cx, &object, "unref", 0, unref);
    Ok(object.into())
}
