//! Workers for Boa: each one a settle-boa run on its own thread, with its own Boa `Context` on
//! its own settle loop. The threads, inboxes, keep-alives and exit codes are settle-host's
//! (`settle_host::worker`, shared with settle-js); a message is settle-host's structured clone
//! of Boa's values (`clone.rs`). A job posted to a loop borrows that loop's `Context`
//! (`Remote::post_with`), so everything here runs in the receiving context: no thread-local.
//! The JavaScript objects are in `worker_threads.rs` (Node) and `web_worker.rs` (HTML).
//!
//! Boa has no way to interrupt a running script, so `terminate()` cannot stop a busy loop:
//! the parent treats a terminated worker as exited at once (its messages are dropped from then
//! on, as they would be), the worker's loop is halted when its script returns to it, and a
//! worker that never does keeps its thread until the process exits (the run does not wait for
//! it).

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use boa_engine::{Context, JsObject, JsString, JsValue, js_string};
use settle_host::structured_clone::Serialized;
use settle_host::worker::{Children, ErrorReport, Job, Link, ParentLink, ParentOutput};
use settle_runtime::{Uncaught, UncaughtKind};

use crate::clone::{structured_deserialize, structured_serialize};
use crate::events::{Emit, Emitters, cancelable_event, default_prevented, define};
use crate::host::{HostState, state};
use crate::{HostKind, Options, inspect};

/// The parent's data for one of its workers: the `Worker` object and its emitter's index.
pub(crate) type Child = (JsObject, usize);

/// A run's workers and, in a worker, its link to the parent.
#[derive(Default)]
pub(crate) struct Workers {
    /// This run's workers.
    pub(crate) children: RefCell<Children<Context, Child>>,
    /// In a worker: its side of the link; `None` on the main thread.
    pub(crate) scope: Option<Rc<WorkerScope>>,
    /// The worker objects' listeners.
    pub(crate) emitters: Emitters,
    /// `require("worker_threads")`, once made.
    pub(crate) module: RefCell<Option<JsObject>>,
    /// The event handler attributes (`onmessage`, `onerror`): each one's current value and the
    /// listener that calls it.
    pub(crate) handlers: RefCell<Vec<(JsValue, JsObject)>>,
}

/// The worker side's link to its parent.
pub(crate) struct WorkerScope {
    /// The remotes, the interrupt flag and the closing state (settle-host's).
    pub(crate) link: ParentLink,
    /// Node's `parentPort`: the object and its emitter's index.
    pub(crate) port: RefCell<Option<(JsObject, usize)>>,
    /// Node's `workerData`, until first read.
    pub(crate) worker_data: RefCell<Option<Serialized>>,
    /// The worker script's directory (HTML resolves `importScripts` against it).
    pub(crate) dir: PathBuf,
}

/// What a new worker runs.
pub(crate) struct WorkerSpec {
    /// The script's path (absolute), its name in errors and `__filename`.
    pub(crate) file: String,
    pub(crate) source: String,
    /// Node's `workerData`.
    pub(crate) worker_data: Option<Serialized>,
}

/// Starts a worker running `spec` for the script's `object` (a `Worker`) whose listeners are
/// the emitter at `emitter`; returns its thread id.
pub(crate) fn spawn(cx: &mut Context, spec: WorkerSpec, object: JsObject, emitter: usize) -> Option<u64> {
    let state = state(cx)?;
    let options =
        Options { host: state.kind, virtual_clock: state.handle.is_virtual_clock(), ..Options::default() };
    let mut children = state.workers.children.borrow_mut();
    Some(children.spawn(&state.handle, (object, emitter), move |link| run_worker(spec, &options, link)))
}

/// A worker's stdout or stderr: each line is posted to the parent, which prints it, unless
/// the worker was terminated (a Boa worker in a busy loop runs on after `terminate()`, and
/// what it prints then must not appear, as nothing does from a stopped Node worker).
fn parent_output(link: &Link<Context>, stderr: bool) -> crate::Sink {
    let (parent, id) = (link.parent.clone(), link.id);
    Rc::new(RefCell::new(ParentOutput::new(move |text| {
        let _ = parent.post_with(move |cx: &mut Context| {
            if let Some(state) = state(cx)
                && state.workers.children.borrow().target(id).is_some()
            {
                state.write(&text, stderr);
            }
        });
    })))
}

/// The worker thread: a whole run, then its exit code to the parent.
fn run_worker(spec: WorkerSpec, options: &Options, link: Link<Context>) {
    let dir = std::path::Path::new(&spec.file).parent().map(PathBuf::from).unwrap_or_default();
    let scope = WorkerScope {
        link: ParentLink::new(&link),
        port: RefCell::new(None),
        worker_data: RefCell::new(spec.worker_data),
        dir,
    };
    let inbox = link.inbox.clone();
    let (parent, id) = (link.parent.clone(), link.id);
    let code = crate::run_realm(
        &spec.file,
        &spec.source,
        options,
        parent_output(&link, false),
        parent_output(&link, true),
        Some(Rc::new(scope)),
        move |remote| {
            inbox.open(remote);
            // Node's `online`: the worker is about to run its script (before any message).
            let _ = parent.post_with(move |cx: &mut Context| child_online(cx, id));
        },
    );
    link.inbox.close();
    let _ = link.parent.post_with(move |cx: &mut Context| child_exited(cx, id, code));
}

/// A worker's script does not parse: Node's parent gets an `error` event with the
/// SyntaxError, HTML's an ErrorEvent. Whether it was sent.
pub(crate) fn report_script_error(scope: &WorkerScope, host: HostKind, file: &str, message: &str) -> bool {
    let id = scope.link.thread_id;
    match host {
        HostKind::Node => {
            let error = Serialized::error("SyntaxError", message);
            scope.link.post(Box::new(move |cx: &mut Context| deliver_error_to_parent(cx, id, error)) as Job<Context>)
        }
        HostKind::Html => {
            let (lineno, colno) = parse_error_position(message).unwrap_or((1, 1));
            let report = ErrorReport {
                message: format!("Uncaught SyntaxError: {message}"),
                filename: file.to_string(),
                lineno,
                colno,
            };
            scope
                .link
                .post(Box::new(move |cx: &mut Context| deliver_error_event(cx, id, &report)) as Job<Context>)
        }
    }
}

/// Where Boa's parser says the error is: its message ends `at line L, col C` (and a source
/// note).
fn parse_error_position(message: &str) -> Option<(usize, usize)> {
    let (_, at) = message.rsplit_once("at line ")?;
    let (line, rest) = at.split_once(", col ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, col.parse().ok()?))
}

/// The run is over: workers still running are stopped, their inboxes closed; the run does not
/// wait for their threads (Boa cannot interrupt a busy one).
pub(crate) fn end_run(state: &HostState) {
    let children = state.workers.children.borrow_mut().end(false);
    drop(children);
    state.workers.emitters.clear();
    state.workers.handlers.borrow_mut().clear();
}

// ---- parent side ----

/// `worker.postMessage(message)`: to the worker's loop (dropped once it is terminated or
/// has exited).
pub(crate) fn post_to_child(cx: &mut Context, id: u64, message: Serialized) {
    if let Some(state) = state(cx) {
        let job: Job<Context> = Box::new(move |cx: &mut Context| deliver_to_worker(cx, &message));
        state.workers.children.borrow_mut().post(id, job);
    }
}

/// `worker.terminate()`: the worker is stopped (its loop halted when its script returns to
/// it) and, under Node, its `exit` (code 1) comes in a task of its own, at once; under HTML
/// the parent no longer waits for it.
pub(crate) fn terminate(cx: &mut Context, id: u64) {
    let Some(state) = state(cx) else { return };
    let html = state.kind == HostKind::Html;
    let live = state.workers.children.borrow_mut().terminate(id, html);
    if live && !html {
        state.handle.queue_task_labelled_with("worker exit", move |cx: &mut Context| child_exited(cx, id, 1));
    }
}

/// Whether the worker has exited.
pub(crate) fn has_exited(cx: &Context, id: u64) -> bool {
    state(cx).is_none_or(|s| s.workers.children.borrow().has_exited(id))
}

/// Node's `worker.ref()` / `worker.unref()`.
pub(crate) fn set_ref(cx: &Context, id: u64, keep: bool) {
    if let Some(state) = state(cx) {
        state.workers.children.borrow_mut().set_ref(id, keep);
    }
}

fn target(cx: &Context, id: u64) -> Option<(Rc<HostState>, JsObject, Rc<crate::events::Emitter>)> {
    let state = state(cx)?;
    let (object, index) = state.workers.children.borrow().target(id)?;
    let emitter = state.workers.emitters.get(index)?;
    Some((state, object, emitter))
}

fn child_online(cx: &mut Context, id: u64) {
    let Some((state, object, events)) = target(cx, id) else { return };
    if state.kind == HostKind::Node
        && let Err(e) = events.emit(&object.into(), "online", &[], cx)
    {
        crate::report::uncaught(cx, e);
    }
}

fn child_exited(cx: &mut Context, id: u64, code: i32) {
    let Some(state) = state(cx) else { return };
    let Some(((object, index), code)) = state.workers.children.borrow_mut().exited(id, code) else { return };
    if state.kind == HostKind::Node {
        // Node: "If the worker thread is no longer running ... the threadId is -1".
        define(cx, &object, "threadId", -1.0, true);
    }
    if state.kind == HostKind::Node
        && let Some(events) = state.workers.emitters.get(index)
        && let Err(e) = events.emit(&object.into(), "exit", &[JsValue::from(code)], cx)
    {
        crate::report::uncaught(cx, e);
    }
}

fn deliver_to_parent(cx: &mut Context, id: u64, message: &Serialized) {
    let Some((_, object, events)) = target(cx, id) else { return };
    let data = structured_deserialize(message, cx);
    dispatch_message(cx, &events, &object, data);
}

/// A message arrived at `target` (a `Worker`, or Node's `parentPort`): Node's `message`
/// listeners get the value; HTML's get a MessageEvent whose `data` it is.
fn dispatch_message(cx: &mut Context, events: &crate::events::Emitter, target: &JsObject, data: JsValue) {
    let html = state(cx).is_some_and(|s| s.kind == HostKind::Html);
    if html {
        let ev = cancelable_event(cx, "message", vec![("target", target.clone().into()), ("data", data)]);
        dispatch(cx, events.take("message"), target, &ev);
    } else if let Err(e) = events.emit(&target.clone().into(), "message", &[data], cx) {
        crate::report::uncaught(cx, e);
    }
}

/// Calls each listener with `event`; an exception is reported and the others still run.
fn dispatch(cx: &mut Context, listeners: Vec<JsObject>, target: &JsObject, event: &JsObject) {
    let this: JsValue = target.clone().into();
    for l in listeners {
        if let Err(e) = l.call(&this, &[event.clone().into()], cx) {
            crate::report::uncaught(cx, e);
        }
    }
}

/// A Node worker died of an uncaught exception (or rejection): its `error` event, or, with no
/// listener, the parent dies of it too.
fn deliver_error_to_parent(cx: &mut Context, id: u64, error: Serialized) {
    let Some((state, object, events)) = target(cx, id) else { return };
    let error = structured_deserialize(&error, cx);
    if events.count("error") > 0 {
        if let Err(e) = events.emit(&object.into(), "error", &[error], cx) {
            crate::report::uncaught(cx, e);
        }
        return;
    }
    if state.handle.is_halted() || forward_uncaught(cx, &state, &error) {
        return;
    }
    let shown = inspect::inspect(&error, cx);
    state.write(&format!("{shown}\nEmitted 'error' event on Worker instance"), true);
    state.exit_code.set(1);
    let h = &state.handle;
    h.halt(Uncaught::new(UncaughtKind::Exception, "a worker's uncaught error", h.origin()));
}

/// An HTML worker's uncaught exception, at its `Worker` object (HTML 8.1.4.7 "report the
/// exception", for a worker): an ErrorEvent with `error: null` (the error object stays in the
/// worker); if no listener cancels it, the parent reports it as its own.
fn deliver_error_event(cx: &mut Context, id: u64, report: &ErrorReport) {
    let Some((state, object, events)) = target(cx, id) else { return };
    let ev = error_event(cx, &object, report, JsValue::null());
    dispatch(cx, events.take("error"), &object, &ev);
    if !default_prevented(&ev, cx) {
        state.write(&report.message, true);
        state.exit_code.set(1);
    }
}

fn error_event(cx: &mut Context, target: &JsObject, report: &ErrorReport, error: JsValue) -> JsObject {
    let members = vec![
        ("target", target.clone().into()),
        ("message", JsString::from(report.message.as_str()).into()),
        ("filename", JsString::from(report.filename.as_str()).into()),
        ("lineno", JsValue::from(report.lineno as f64)),
        ("colno", JsValue::from(report.colno as f64)),
        ("error", error),
    ];
    cancelable_event(cx, "error", members)
}

// ---- worker side ----

/// The worker scope of the context's run, if it is a worker.
pub(crate) fn scope(cx: &Context) -> Option<Rc<WorkerScope>> {
    state(cx)?.workers.scope.clone()
}

fn deliver_to_worker(cx: &mut Context, message: &Serialized) {
    let Some(state) = state(cx) else { return };
    let Some(scope) = state.workers.scope.clone() else { return };
    if scope.link.is_closing() {
        return;
    }
    let data = structured_deserialize(message, cx);
    match state.kind {
        HostKind::Node => {
            let port = scope.port.borrow().clone();
            if let Some((object, index)) = port
                && let Some(events) = state.workers.emitters.get(index)
            {
                dispatch_message(cx, &events, &object, data);
            }
        }
        HostKind::Html => {
            let global = cx.global_object();
            let listeners = state.listeners("message");
            let ev = cancelable_event(cx, "message", vec![("target", global.clone().into()), ("data", data)]);
            dispatch(cx, listeners, &global, &ev);
        }
    }
}

/// `postMessage` in a worker (`parentPort.postMessage`, the global `postMessage`).
pub(crate) fn post_to_parent(cx: &mut Context, value: &JsValue) -> boa_engine::JsResult<()> {
    let message = structured_serialize(value, cx)?;
    let Some(state) = state(cx) else { return Ok(()) };
    let Some(scope) = state.workers.scope.clone() else { return Ok(()) };
    if scope.link.is_closing() && state.kind == HostKind::Node {
        return Ok(());
    }
    let id = scope.link.thread_id;
    scope.link.post(Box::new(move |cx: &mut Context| deliver_to_parent(cx, id, &message)) as Job<Context>);
    Ok(())
}

/// Keeps an HTML worker's loop alive while its global scope listens for messages.
pub(crate) fn update_keep_alive(cx: &Context) {
    let Some(state) = state(cx) else { return };
    if let Some(scope) = &state.workers.scope
        && state.kind == HostKind::Html
    {
        scope.link.set_listening(!state.listeners("message").is_empty());
    }
}

/// Defines a worker's `postMessage` and `close` on `target`: the global object of an HTML
/// worker, or Node's `parentPort`.
pub(crate) fn install_post_and_close(cx: &mut Context, target: &JsObject) {
    let post = boa_engine::NativeFunction::from_fn_ptr(|_, args, cx| {
        post_to_parent(cx, &args.first().cloned().unwrap_or_default())?;
        Ok(JsValue::undefined())
    });
    crate::events::method(cx, target, "postMessage", 1, post);
    let close = boa_engine::NativeFunction::from_fn_ptr(|_, _, cx| {
        self::close(cx);
        Ok(JsValue::undefined())
    });
    crate::events::method(cx, target, "close", 0, close);
}

/// `self.close()` (HTML's "close a worker") or `parentPort.close()`: no more messages are
/// received; under HTML the worker's loop stops after the current task's checkpoint.
pub(crate) fn close(cx: &mut Context) {
    let Some(state) = state(cx) else { return };
    let Some(scope) = state.workers.scope.clone() else { return };
    scope.link.close();
    if state.kind == HostKind::Html {
        let h = &state.handle;
        h.fail(Uncaught::new(UncaughtKind::Exception, "the worker closed itself", h.origin()));
    }
}

/// An uncaught error in a worker: Node's worker dies and its parent gets an `error` event;
/// HTML's worker reports it as an ErrorEvent to its global scope, then to its `Worker` object,
/// and goes on. `false` when this is not a worker.
pub(crate) fn forward_uncaught(cx: &mut Context, state: &HostState, error: &JsValue) -> bool {
    let Some(scope) = state.workers.scope.clone() else { return false };
    let id = scope.link.thread_id;
    match state.kind {
        HostKind::Node => {
            let serialized = match structured_serialize(error, cx) {
                Ok(s) => s,
                Err(_) => Serialized::string(&inspect::inspect(error, cx)),
            };
            state.exit_code.set(1);
            let job: Job<Context> =
                Box::new(move |cx: &mut Context| deliver_error_to_parent(cx, id, serialized));
            scope.link.post(job);
            let h = &state.handle;
            h.halt(Uncaught::new(UncaughtKind::Exception, "uncaught exception in a worker", h.origin()));
        }
        HostKind::Html => {
            let (lineno, colno) = error_position(cx, error);
            let report = ErrorReport {
                message: format!("Uncaught {}", error_message_text(cx, error)),
                filename: state.run.file.clone(),
                lineno,
                colno,
            };
            let global = cx.global_object();
            let listeners = state.listeners("error");
            if !listeners.is_empty() {
                let ev = error_event(cx, &global, &report, error.clone());
                dispatch(cx, listeners, &global, &ev);
                if default_prevented(&ev, cx) {
                    return true;
                }
            }
            let job: Job<Context> = Box::new(move |cx: &mut Context| deliver_error_event(cx, id, &report));
            scope.link.post(job);
        }
    }
    true
}

/// An ErrorEvent's `message` after "Uncaught ": an error's head (`TypeError: boom`), a string
/// as it is, anything else inspected.
fn error_message_text(cx: &mut Context, error: &JsValue) -> String {
    if let Some(o) = error.as_object().filter(|_| inspect::is_error(error)) {
        return inspect::error_head(cx, &o);
    }
    match error.as_string() {
        Some(s) => s.to_std_string_escaped(),
        None => inspect::inspect(error, cx),
    }
}

/// Where an error was made: the line and column of the first frame of Boa's `stack`
/// (`    at f (file:line:col)`); (1, 1) when it has none.
fn error_position(cx: &mut Context, error: &JsValue) -> (usize, usize) {
    let stack = error
        .as_object()
        .and_then(|o| o.get(js_string!("stack"), cx).ok())
        .and_then(|s| s.as_string().map(|s| s.to_std_string_escaped()))
        .unwrap_or_default();
    let frame = stack.lines().find_map(|l| l.trim().strip_suffix(')').and_then(|l| l.rsplit_once('(')));
    let position = frame.and_then(|(_, place)| {
        let mut parts = place.rsplitn(3, ':');
        let col = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        Some((line, col))
    });
    position.unwrap_or((1, 1))
}

/// Defines a data property on the global object (Node's `__filename`, `__dirname`).
pub(crate) fn define_global(cx: &mut Context, name: &str, value: JsValue) {
    let global = cx.global_object();
    define(cx, &global, name, value, false);
}
