//! Workers: each one a settle-js run on its own thread, with its own settle loop, realm and
//! heap (HTML's "run a worker"; Node's `worker_threads`). The JavaScript objects are in
//! `builtins/worker.rs` (HTML) and `builtins/worker_threads.rs` (Node); this is the machinery
//! between the threads.
//!
//! The engine-independent part (the threads, the inboxes, the per-direction FIFO, the
//! keep-alives, `terminate()`'s halt, the worker's output posted to its parent, exit codes) is
//! settle-host's (`settle_host::worker`, shared with settle-boa); this is settle-js's side: a
//! worker is a whole settle-js run (`run_realm`), the parent's records live in a thread-local
//! of this thread's run, and a job that arrives runs in the receiving realm.
//!
//! - A message is serialized by the sender (`structured_clone.rs`) and posted as a job with
//!   the receiver's remote: it arrives as a macrotask on the receiving loop, which rebuilds it
//!   in its realm and dispatches the `message` event.
//! - `terminate()` sets the worker's interrupt flag (checked every [`INTERRUPT_STEPS`]
//!   evaluation steps, so a busy loop stops) and posts a job that halts its loop.
//! - When a run ends, its remaining workers (unref'd ones) are terminated and every worker
//!   thread is joined.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;

use settle_host::worker::{Children, ErrorReport, Job, Link, ParentLink, ParentOutput};
use settle_runtime::{Handle, Uncaught, UncaughtKind};

use crate::builtins::events::{Emit, Emitter};
use crate::realm::{HostKind, JsHost, realm};
use crate::structured_clone::{Serialized, structured_deserialize};
use crate::value::{JsValue, Obj};

/// How often (in evaluation steps) a worker looks at its interrupt flag.
pub(crate) const INTERRUPT_STEPS: u64 = 1 << 12;

/// What a new worker runs.
pub(crate) struct WorkerSpec {
    /// The script's path (absolute), its name in errors and `__filename`.
    pub(crate) file: String,
    pub(crate) source: String,
    /// Node's `workerData`.
    pub(crate) worker_data: Option<Serialized>,
}

/// The parent's data for one of its workers: the `Worker` object and its listeners.
type Child = (Obj, Rc<Emitter>);

thread_local! {
    /// This thread's workers (the current run's).
    static CHILDREN: RefCell<Children<JsHost, Child>> = RefCell::new(Children::default());
    /// Whether this thread's run is under way (posted tasks that arrive after it ended, while
    /// its loop is dropped, do nothing).
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// The worker side's link to its parent, in the worker's realm.
pub(crate) struct WorkerScope {
    /// The remotes, the interrupt flag and the closing state (settle-host's).
    pub(crate) link: ParentLink,
    /// Node's `parentPort`: the object and its listeners.
    pub(crate) parent_port: RefCell<Option<(Obj, Rc<Emitter>)>>,
    /// Node's `workerData`, until first read.
    pub(crate) worker_data: RefCell<Option<Serialized>>,
    /// The worker script's directory (HTML resolves `importScripts` against it).
    pub(crate) dir: PathBuf,
    /// The scripts `importScripts` ran (their functions point into them).
    pub(crate) imported: RefCell<Vec<Rc<crate::ir::Script>>>,
}

impl WorkerScope {
    /// Node's `threadId`.
    pub(crate) fn thread_id(&self) -> u64 {
        self.link.thread_id
    }

    /// Posts `f` to the parent's loop, to run in its realm.
    fn post_to_parent(&self, f: impl FnOnce() + Send + 'static) -> bool {
        self.link.post(Box::new(move |_: &mut JsHost| f()) as Job<JsHost>)
    }
}

/// Marks this thread's run as under way.
pub(crate) fn begin_run() {
    ACTIVE.with(|a| a.set(true));
}

fn active() -> bool {
    ACTIVE.try_with(Cell::get).unwrap_or(false)
}

/// The run's loop has returned: terminate the workers still running (unref'd ones), join every
/// worker thread, and forget them (their objects belong to the realm, which is being freed).
pub(crate) fn end_run() {
    ACTIVE.with(|a| a.set(false));
    let children = CHILDREN.with(|c| c.borrow_mut().end(true));
    for (_, events) in children {
        events.clear();
    }
}

fn with_children<T>(f: impl FnOnce(&mut Children<JsHost, Child>) -> T) -> T {
    CHILDREN.with(|c| f(&mut c.borrow_mut()))
}

/// Starts a worker running `spec` for the script's `object` (a `Worker`), whose listeners are
/// `events`; returns its thread id.
pub(crate) fn spawn(spec: WorkerSpec, object: Obj, events: Rc<Emitter>) -> u64 {
    let r = realm();
    let handle = Handle::current();
    let options = crate::Options {
        host: r.host,
        seed: r.rng.get(),
        virtual_clock: handle.is_virtual_clock(),
        // A worker's script is a classic script in HTML, a CommonJS module in Node.
        script: r.host == HostKind::Html,
        ..crate::Options::default()
    };
    drop(r);
    with_children(|c| c.spawn(&handle, (object, events), move |link| run_worker(spec, options, link)))
}

/// A worker's stdout or stderr: each line is posted to the parent, which prints it.
fn parent_output(link: &Link<JsHost>, stderr: bool) -> crate::Sink {
    let parent = link.parent.clone();
    Rc::new(RefCell::new(ParentOutput::new(move |text| {
        let _ = parent.post_with(move |_: &mut JsHost| {
            if active() {
                realm().write_out(&text, stderr);
            }
        });
    })))
}

/// The worker thread: a whole run, then its exit code to the parent.
fn run_worker(spec: WorkerSpec, options: crate::Options, link: Link<JsHost>) {
    let stdout = parent_output(&link, false);
    let stderr = parent_output(&link, true);
    let dir = std::path::Path::new(&spec.file).parent().map(PathBuf::from).unwrap_or_default();
    let scope = WorkerScope {
        link: ParentLink::new(&link),
        parent_port: RefCell::new(None),
        worker_data: RefCell::new(spec.worker_data),
        dir,
        imported: RefCell::new(Vec::new()),
    };
    let inbox = link.inbox.clone();
    let (parent, id) = (link.parent.clone(), link.id);
    let code = crate::stack::on_js_stack(|| {
        crate::run_realm(
            &spec.file,
            &spec.source,
            &options,
            stdout,
            stderr,
            Some(Rc::new(scope)),
            move |remote| {
                inbox.open(remote);
                // Node's `online`: the worker is about to run its script (before any message).
                let _ = parent.post_with(move |_: &mut JsHost| child_online(id));
            },
        )
    });
    link.inbox.close();
    let _ = link.parent.post_with(move |_: &mut JsHost| child_exited(id, code));
}

/// On the worker's loop, once it exists: its own remote (for the keep-alive).
pub(crate) fn attach_own_loop(scope: &WorkerScope, handle: &Handle) {
    scope.link.attach(handle);
}

/// The current realm's worker scope, if it is a worker.
pub(crate) fn scope() -> Option<Rc<WorkerScope>> {
    realm().worker.clone()
}

// ---- parent side ----

/// `worker.postMessage(message)`: to the worker's loop (dropped once it is terminated or
/// has exited).
pub(crate) fn post_to_child(id: u64, message: Serialized) {
    with_children(|c| c.post(id, Box::new(move |_: &mut JsHost| deliver_to_worker(message))));
}

/// `worker.terminate()`: stops the worker at once; messages from it that have not been
/// dispatched yet are dropped. Under HTML the parent no longer waits for it.
pub(crate) fn terminate(id: u64) {
    let html = realm().host == HostKind::Html;
    with_children(|c| c.terminate(id, html));
}

/// Whether the worker has exited.
pub(crate) fn has_exited(id: u64) -> bool {
    with_children(|c| c.has_exited(id))
}

/// Node's `worker.ref()` / `worker.unref()`: whether the worker keeps the parent alive.
pub(crate) fn set_ref(id: u64, keep: bool) {
    with_children(|c| c.set_ref(id, keep));
}

/// The target and listeners of a live (not terminated) child.
fn target(id: u64) -> Option<Child> {
    if !active() {
        return None;
    }
    with_children(|c| c.target(id))
}

fn deliver_to_parent(id: u64, message: Serialized) {
    let Some((object, events)) = target(id) else { return };
    let data = structured_deserialize(&message);
    crate::builtins::worker::dispatch_message(&events, Some(&object), data);
}

/// A Node worker died of an uncaught exception (or rejection): its `error` event, or, with no
/// listener, the parent dies of it too.
fn deliver_error_to_parent(id: u64, error: Serialized) {
    let Some((object, events)) = target(id) else { return };
    let error = structured_deserialize(&error);
    crate::builtins::worker_threads::dispatch_error(&events, &object, error);
}

/// An HTML worker's uncaught exception: an ErrorEvent at the `Worker` object.
fn deliver_error_event(id: u64, report: ErrorReport) {
    let Some((object, events)) = target(id) else { return };
    crate::builtins::worker::dispatch_error_event(&events, &object, &report);
}

fn child_online(id: u64) {
    let Some((object, events)) = target(id) else { return };
    if realm().host == HostKind::Node
        && let Err(e) = events.emit(&JsValue::Object(object), "online", &[])
    {
        crate::builtins::report_uncaught(e);
    }
}

fn child_exited(id: u64, code: i32) {
    if !active() {
        return;
    }
    let Some(((object, events), code)) = with_children(|c| c.exited(id, code)) else { return };
    if realm().host == HostKind::Node {
        // Node: "If the worker thread is no longer running ... the threadId is -1".
        object.define("threadId", JsValue::Number(-1.0), true);
        crate::builtins::worker_threads::dispatch_exit(&events, &object, code);
    }
}

// ---- worker side ----

fn deliver_to_worker(message: Serialized) {
    let Some(scope) = scope() else { return };
    if scope.link.is_closing() {
        return;
    }
    let data = structured_deserialize(&message);
    match realm().host {
        HostKind::Node => {
            let port = scope.parent_port.borrow().clone();
            if let Some((object, events)) = port {
                crate::builtins::worker::dispatch_message(&events, Some(&object), data);
            }
        }
        HostKind::Html => crate::builtins::worker::dispatch_global_message(data),
    }
}

/// `postMessage` in a worker (`parentPort.postMessage`, the global `postMessage`).
pub(crate) fn post_to_parent(message: Serialized) {
    let Some(scope) = scope() else { return };
    if scope.link.is_closing() && realm().host == HostKind::Node {
        return;
    }
    let id = scope.thread_id();
    scope.post_to_parent(move || deliver_to_parent(id, message));
}

/// Keeps this worker's loop alive while it listens for messages and is not closing.
pub(crate) fn update_keep_alive() {
    let Some(scope) = scope() else { return };
    let r = realm();
    let listening = match r.host {
        HostKind::Node => scope.parent_port.borrow().as_ref().is_some_and(|(_, e)| e.count("message") > 0),
        HostKind::Html => !r.listeners("message").is_empty(),
    };
    drop(r);
    scope.link.set_listening(listening);
}

/// `self.close()` (HTML's "close a worker") or `parentPort.close()`: no more messages are
/// received; under HTML the worker's loop stops after the current task's checkpoint.
pub(crate) fn close() {
    let Some(scope) = scope() else { return };
    scope.link.close();
    if realm().host == HostKind::Html {
        let h = Handle::current();
        h.fail(Uncaught::new(UncaughtKind::Exception, "the worker closed itself", h.origin()));
    }
}

/// An uncaught error in a worker: Node's worker dies and its parent gets an `error` event;
/// HTML's worker reports it as an ErrorEvent to its `Worker` object and goes on. `false` when
/// this is not a worker.
pub(crate) fn forward_uncaught(error: &JsValue) -> bool {
    let Some(scope) = scope() else { return false };
    let id = scope.thread_id();
    let r = realm();
    match r.host {
        HostKind::Node => {
            let serialized = crate::structured_clone::structured_serialize(error).or_else(|_| {
                crate::structured_clone::structured_serialize(&JsValue::from(crate::inspect::inspect(error)))
            });
            r.exit_code.set(1);
            drop(r);
            if let Ok(serialized) = serialized {
                scope.post_to_parent(move || deliver_error_to_parent(id, serialized));
            }
            let h = Handle::current();
            h.halt(Uncaught::new(UncaughtKind::Exception, "uncaught exception in a worker", h.origin()));
        }
        HostKind::Html => {
            let (line, col) = match error {
                JsValue::Object(o) => match o.class() {
                    crate::value::Class::Error(Some(pos)) => crate::lower::line_col(&r.run.source, *pos),
                    _ => crate::lower::line_col(&r.run.source, r.pos()),
                },
                _ => crate::lower::line_col(&r.run.source, r.pos()),
            };
            let report = ErrorReport {
                message: format!("Uncaught {}", crate::builtins::error_message_text(error)),
                filename: r.run.file.clone(),
                lineno: line,
                colno: col,
            };
            drop(r);
            if crate::builtins::worker::dispatch_global_error(&report, error) {
                return true;
            }
            scope.post_to_parent(move || deliver_error_event(id, report));
        }
    }
    true
}

/// A worker's script could not be parsed (or is outside the subset): Node's parent gets an
/// `error` event with the error's [`ScriptError::js_error`](crate::lower::ScriptError::js_error) (`full` is the message with the
/// file and position), HTML's an ErrorEvent. Whether it was sent.
pub(crate) fn report_script_error(
    scope: &WorkerScope,
    host: HostKind,
    error: &crate::lower::ScriptError,
    full: &str,
    lineno: usize,
    colno: usize,
) -> bool {
    let id = scope.thread_id();
    match host {
        HostKind::Node => {
            // A JavaScript error's message is V8's alone; code outside the subset keeps the
            // file and position, to say where the unsupported feature is.
            let (name, text) = match error.js_error() {
                ("Error", _) => ("Error", full),
                (name, message) => (name, message),
            };
            let error = Serialized::error(name, text);
            scope.post_to_parent(move || deliver_error_to_parent(id, error))
        }
        HostKind::Html => {
            let report = ErrorReport {
                message: format!(
                    "Uncaught {}",
                    if error.message.starts_with("SyntaxError") { &error.message } else { full }
                ),
                filename: full.split(':').next().unwrap_or_default().to_string(),
                lineno,
                colno,
            };
            scope.post_to_parent(move || deliver_error_event(id, report))
        }
    }
}

/// Called by `Realm::step` every [`INTERRUPT_STEPS`] steps: whether the worker was
/// terminated (then its loop is halted).
pub(crate) fn interrupted() -> bool {
    let Some(scope) = realm().worker.clone() else { return false };
    scope.link.interrupted()
}
