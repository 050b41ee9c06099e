//! HTML's dedicated workers for Boa (HTML 10.2): the `Worker` constructor, and a worker's
//! global scope (DedicatedWorkerGlobalScope: `postMessage`, `onmessage`, `close()`,
//! `importScripts()`); and what both hosts have: `structuredClone` and `DOMException`. The
//! threads and the transport are in `worker.rs`; the semantics and messages are settle-js's
//! (`js/src/builtins/worker.rs`).

use std::path::PathBuf;

use boa_engine::object::FunctionObjectBuilder;
use boa_engine::property::PropertyDescriptor;
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction, Script, Source,
    js_string,
};

use crate::clone::{dom_exception, structured_deserialize, structured_serialize};
use crate::events::{Emit, cancelable_event, define, emitter, install_dom_methods, method};
use crate::host::host;
use crate::worker::{self, WorkerSpec};

/// `structuredClone` (HTML 2.7.11) and `DOMException` (WebIDL 3.14.1), in both hosts.
pub(crate) fn install_common(cx: &mut Context) -> JsResult<()> {
    fn structured_clone(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let serialized = structured_serialize(&args.first().cloned().unwrap_or_default(), cx)?;
        Ok(structured_deserialize(&serialized, cx))
    }
    let f = NativeFunction::from_fn_ptr(structured_clone);
    cx.register_global_builtin_callable(js_string!("structuredClone"), 1, f)?;
    fn construct(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let text = |i: usize, cx: &mut Context| -> JsResult<Option<String>> {
            match args.get(i) {
                Some(v) if !v.is_undefined() => Ok(Some(v.to_string(cx)?.to_std_string_escaped())),
                _ => Ok(None),
            }
        };
        let message = text(0, cx)?.unwrap_or_default();
        let name = text(1, cx)?.unwrap_or_else(|| "Error".to_string());
        let e = dom_exception(cx, &name, 0, &message);
        e.into_opaque(cx)
    }
    let ctor = FunctionObjectBuilder::new(cx.realm(), NativeFunction::from_fn_ptr(construct))
        .name(js_string!("DOMException"))
        .length(0)
        .constructor(true)
        .build();
    let error_proto = cx.intrinsics().constructors().error().prototype();
    let proto = JsObject::with_object_proto(cx.intrinsics());
    proto.set_prototype(Some(error_proto));
    define(cx, &ctor, "prototype", proto.clone(), false);
    define(cx, &proto, "constructor", ctor.clone(), false);
    define(cx, &proto, "name", js_string!("Error"), false);
    let global = cx.global_object();
    define(cx, &global, "DOMException", ctor, false);
    Ok(())
}

/// Installs `Worker` (a page and its workers), and in a worker the DedicatedWorkerGlobalScope's
/// members.
pub(crate) fn install(cx: &mut Context) -> JsResult<()> {
    let ctor = FunctionObjectBuilder::new(cx.realm(), NativeFunction::from_fn_ptr(construct_worker))
        .name(js_string!("Worker"))
        .length(1)
        .constructor(true)
        .build();
    let proto = JsObject::with_object_proto(cx.intrinsics());
    define(cx, &ctor, "prototype", proto.clone(), false);
    define(cx, &proto, "constructor", ctor.clone(), false);
    let global = cx.global_object();
    define(cx, &global, "Worker", ctor, false);
    if worker::scope(cx).is_some() {
        install_worker_global(cx)?;
    }
    Ok(())
}

/// The directory relative worker and script URLs resolve against: the page's (the main
/// script's directory) or, in a worker, the worker script's.
fn base_dir(cx: &Context) -> JsResult<PathBuf> {
    if let Some(scope) = worker::scope(cx) {
        return Ok(scope.dir.clone());
    }
    let file = host(cx)?.run.file.clone();
    let file = std::path::absolute(&file).unwrap_or_else(|_| PathBuf::from(&file));
    Ok(file.parent().map(std::path::Path::to_path_buf).unwrap_or_default())
}

/// `new Worker(scriptURL)`: the URL is a path, relative to the page's directory.
fn construct_worker(new_target: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
    let Some(new_target) = new_target.as_object() else {
        return Err(JsNativeError::typ()
            .with_message(
                "Failed to construct 'Worker': Please use the 'new' operator, this DOM object constructor cannot be called as a function.",
            )
            .into());
    };
    let url = args.first().cloned().unwrap_or_default().to_string(cx)?.to_std_string_escaped();
    let path = base_dir(cx)?.join(&url);
    let object = JsObject::with_object_proto(cx.intrinsics());
    if let Some(proto) = new_target.get(js_string!("prototype"), cx)?.as_object() {
        object.set_prototype(Some(proto));
    }
    let state = host(cx)?;
    let (index, _) = state.workers.emitters.create();
    install_dom_methods(cx, &object, index);
    for kind in ["message", "error"] {
        define_event_handler(cx, &object, kind, Some(index))?;
    }
    let Ok(source) = std::fs::read_to_string(&path) else {
        // Fetching the script failed: "queue a global task ... to fire an event named error
        // at worker" (HTML 10.2.4 "run a worker", step 12).
        let o = object.clone();
        state.handle.queue_task_labelled_with("worker error", move |cx: &mut Context| {
            let Ok(events) = emitter(cx, index) else { return };
            let event = cancelable_event(cx, "error", vec![("target", o.clone().into())]);
            let this: JsValue = o.into();
            for l in events.take("error") {
                if let Err(e) = l.call(&this, &[event.clone().into()], cx) {
                    crate::report::uncaught(cx, e);
                }
            }
        });
        return Ok(object.into());
    };
    let spec = WorkerSpec { file: path.to_string_lossy().into_owned(), source, worker_data: None };
    let Some(id) = worker::spawn(cx, spec, object.clone(), index) else { return Ok(object.into()) };
    let post = NativeFunction::from_copy_closure(move |_, args, cx| {
        let message = structured_serialize(&args.first().cloned().unwrap_or_default(), cx)?;
        worker::post_to_child(cx, id, message);
        Ok(JsValue::undefined())
    });
    method(cx, &object, "postMessage", 1, post);
    let terminate = NativeFunction::from_copy_closure(move |_, _, cx| {
        worker::terminate(cx, id);
        Ok(JsValue::undefined())
    });
    method(cx, &object, "terminate", 0, terminate);
    Ok(object.into())
}

/// An event handler attribute (HTML 8.1.8.1), `on` + `kind`, on `target`: an accessor whose
/// first non-null value adds one listener (at that point of the list: it runs in the order it
/// was set, among the `addEventListener` ones), which calls the attribute's current value;
/// setting it to null removes that listener. The listeners are the emitter's at `emitter`, or
/// with `None` the global scope's.
///
/// A global scope's `onerror` is an OnErrorEventHandler (8.1.8.2): it is called with
/// (message, filename, lineno, colno, error), and returning `true` cancels the event.
fn define_event_handler(
    cx: &mut Context,
    target: &JsObject,
    kind: &'static str,
    emitter: Option<usize>,
) -> JsResult<()> {
    let state = host(cx)?;
    let slot = state.workers.handlers.borrow().len();
    let on_error = kind == "error" && emitter.is_none();
    let call = NativeFunction::from_copy_closure(move |this, args, cx| {
        let handler =
            host(cx)?.workers.handlers.borrow().get(slot).map(|(h, _)| h.clone()).unwrap_or_default();
        let Some(handler) = handler.as_callable() else { return Ok(JsValue::undefined()) };
        let event = args.first().and_then(JsValue::as_object);
        let Some(ev) = event.filter(|_| on_error) else {
            return handler.call(this, args, cx);
        };
        let mut fields = Vec::new();
        for k in ["message", "filename", "lineno", "colno", "error"] {
            fields.push(ev.get(JsString::from(k), cx)?);
        }
        if handler.call(this, &fields, cx)?.as_boolean() == Some(true) {
            define(cx, &ev, "defaultPrevented", true, true);
        }
        Ok(JsValue::undefined())
    });
    let listener = FunctionObjectBuilder::new(cx.realm(), call).length(1).build();
    state.workers.handlers.borrow_mut().push((JsValue::null(), listener.into()));
    let get = NativeFunction::from_copy_closure(move |_, _, cx| {
        Ok(host(cx)?.workers.handlers.borrow().get(slot).map(|(h, _)| h.clone()).unwrap_or_default())
    });
    let set = NativeFunction::from_copy_closure(move |_, args, cx| {
        let v = args.first().cloned().unwrap_or_default();
        let v = if v.is_callable() { v } else { JsValue::null() };
        let state = host(cx)?;
        let (was_set, listener) = {
            let mut handlers = state.workers.handlers.borrow_mut();
            let Some(entry) = handlers.get_mut(slot) else { return Ok(JsValue::undefined()) };
            let was_set = !entry.0.is_null();
            entry.0 = v.clone();
            (was_set, entry.1.clone())
        };
        let now_set = !v.is_null();
        if was_set != now_set {
            match emitter {
                Some(index) => {
                    let events = crate::events::emitter(cx, index)?;
                    if now_set {
                        events.add(kind, listener, false);
                    } else {
                        events.remove_listener(kind, &listener.into());
                    }
                }
                None => {
                    let mut listeners = state.listeners.borrow_mut();
                    if now_set {
                        listeners.push((kind.to_string(), listener));
                    } else if let Some(i) =
                        listeners.iter().position(|(e, l)| e == kind && JsObject::equals(l, &listener))
                    {
                        listeners.remove(i);
                    }
                    drop(listeners);
                    worker::update_keep_alive(cx);
                }
            }
        }
        Ok(JsValue::undefined())
    });
    let getter =
        FunctionObjectBuilder::new(cx.realm(), get).name(JsString::from(format!("get on{kind}"))).build();
    let setter = FunctionObjectBuilder::new(cx.realm(), set)
        .name(JsString::from(format!("set on{kind}")))
        .length(1)
        .build();
    let desc = PropertyDescriptor::builder().get(getter).set(setter).enumerable(true).configurable(true);
    target.define_property_or_throw(JsString::from(format!("on{kind}")), desc, cx)?;
    Ok(())
}

/// A worker's global scope (DedicatedWorkerGlobalScope): `postMessage`, `close`,
/// `importScripts`, and `onmessage` / `onerror` (the global `addEventListener` is the HTML
/// host's; a `message` listener keeps the worker alive).
fn install_worker_global(cx: &mut Context) -> JsResult<()> {
    let global = cx.global_object();
    worker::install_post_and_close(cx, &global);
    for kind in ["message", "error"] {
        define_event_handler(cx, &global, kind, None)?;
    }
    let import = NativeFunction::from_fn_ptr(|_, args, cx| {
        for url in args {
            let url = url.to_string(cx)?.to_std_string_escaped();
            import_script(cx, &url)?;
        }
        Ok(JsValue::undefined())
    });
    method(cx, &global, "importScripts", 0, import);
    Ok(())
}

/// `importScripts(url)` (HTML 10.2.7.1): fetch (read) the script, synchronously, and run it as
/// a classic script in the worker's global scope; its exceptions propagate.
fn import_script(cx: &mut Context, url: &str) -> JsResult<()> {
    let path = base_dir(cx)?.join(url);
    let Ok(source) = std::fs::read_to_string(&path) else {
        return Err(dom_exception(
            cx,
            "NetworkError",
            19,
            &format!(
                "Failed to execute 'importScripts' on 'WorkerGlobalScope': The script at '{url}' failed to load."
            ),
        ));
    };
    let script = Script::parse(Source::from_bytes(&source).with_path(&path), None, cx).map_err(|e| {
        let message = e.to_string();
        let message = message.strip_prefix("SyntaxError: ").unwrap_or(&message).to_string();
        JsError::from(JsNativeError::syntax().with_message(format!("{url}: {message}")))
    })?;
    script.evaluate(cx)?;
    Ok(())
}
