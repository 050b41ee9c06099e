//! Workers: each one a settle-js run on its own thread, with its own settle loop, realm and
//! heap (HTML's "run a worker"; Node's `worker_threads`). The JavaScript objects are in
//! `builtins/worker.rs` (HTML) and `builtins/worker_threads.rs` (Node); this is the machinery
//! between the threads.
//!
//! - A message is serialized by the sender (`structured_clone.rs`) and posted with the
//!   receiver's [`Remote`]: it arrives as a macrotask on the receiving loop, which rebuilds it
//!   in its realm and dispatches the `message` event; its microtasks run at that task's
//!   checkpoint. One remote per direction, so each direction is FIFO.
//! - Until a worker's loop exists, messages to it wait in its [`Inbox`], then go in order.
//! - The parent holds a keep-alive remote of its own loop for each live worker (dropped by the
//!   worker's exit task, or by `unref()`); a worker's loop is kept alive while it listens for
//!   messages (`parentPort.on('message')`, `onmessage`). Both keep-alives are timeless
//!   ([`Remote::set_timeless`]): each loop has its own clock, and on the virtual clock another
//!   thread's work must not stop this loop's time.
//! - A worker's console output is posted to its parent, which prints it (as Node does), so it
//!   is ordered with the worker's messages.
//! - `terminate()` sets the worker's interrupt flag (checked every [`INTERRUPT_STEPS`]
//!   evaluation steps, so a busy loop stops) and posts a task that halts its loop.
//! - When a run ends, its remaining workers (unref'd ones) are terminated and every worker
//!   thread is joined.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use settle_runtime::{Handle, Remote, Uncaught, UncaughtKind};

use crate::builtins::events::Emitter;
use crate::realm::{HostKind, realm};
use crate::structured_clone::{Serialized, structured_deserialize};
use crate::value::{JsValue, Obj};

/// How often (in evaluation steps) a worker looks at its interrupt flag.
pub(crate) const INTERRUPT_STEPS: u64 = 1 << 12;

/// Node's `threadId`: the main thread is 0, workers count from 1 in the whole process.
static NEXT_THREAD_ID: AtomicU64 = AtomicU64::new(1);

type Job = Box<dyn FnOnce() + Send>;

/// Where tasks for a worker's loop go: its remote once the loop exists, a queue until then.
#[derive(Default)]
pub(crate) struct Inbox {
    state: Mutex<InboxState>,
}

#[derive(Default)]
struct InboxState {
    remote: Option<Remote>,
    pending: Vec<Job>,
    closed: bool,
}

impl Inbox {
    fn post(&self, job: Job) {
        let Ok(mut state) = self.state.lock() else { return };
        if state.closed {
            return;
        }
        match &state.remote {
            Some(remote) => {
                let _ = remote.post(job);
            }
            None => state.pending.push(job),
        }
    }

    /// The worker's loop exists: what waited goes to it, in order.
    fn open(&self, remote: Remote) {
        let Ok(mut state) = self.state.lock() else { return };
        for job in state.pending.drain(..) {
            let _ = remote.post(job);
        }
        state.remote = Some(remote);
    }

    fn close(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.closed = true;
            state.pending.clear();
            state.remote = None;
        }
    }
}

/// What a new worker runs.
pub(crate) struct WorkerSpec {
    /// The script's path (absolute), its name in errors and `__filename`.
    pub(crate) file: String,
    pub(crate) source: String,
    /// Node's `workerData`.
    pub(crate) worker_data: Option<Serialized>,
}

/// The parent's record of one of its workers.
struct Child {
    id: u64,
    object: Obj,
    events: Rc<Emitter>,
    /// Keeps the parent's loop alive while the worker lives (`None` once unref'd or exited).
    keep_alive: Option<Remote>,
    /// `ref()` after `unref()` needs a new one.
    remote: Remote,
    inbox: Arc<Inbox>,
    interrupt: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// `terminate()` was called: messages from it are dropped.
    terminated: bool,
    exited: bool,
}

thread_local! {
    /// This thread's workers (the current run's).
    static CHILDREN: RefCell<Vec<Child>> = const { RefCell::new(Vec::new()) };
    /// Whether this thread's run is under way (posted tasks that arrive after it ended, while
    /// its loop is dropped, do nothing).
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// The worker side's link to its parent, in the worker's realm.
pub(crate) struct WorkerScope {
    /// Node's `threadId`.
    pub(crate) thread_id: u64,
    /// Where the parent's tasks go (not a keep-alive).
    parent: Remote,
    /// This worker's own loop, kept alive while it listens for messages.
    own: RefCell<Option<Remote>>,
    /// Set by the parent's `terminate()` (read every [`INTERRUPT_STEPS`] steps).
    pub(crate) interrupt: Arc<AtomicBool>,
    /// `self.close()` / `parentPort.close()` was called.
    pub(crate) closing: Cell<bool>,
    /// Node's `parentPort`: the object and its listeners.
    pub(crate) parent_port: RefCell<Option<(Obj, Rc<Emitter>)>>,
    /// Node's `workerData`, until first read.
    pub(crate) worker_data: RefCell<Option<Serialized>>,
    /// The worker script's directory (HTML resolves `importScripts` against it).
    pub(crate) dir: PathBuf,
    /// The scripts `importScripts` ran (their functions point into them).
    pub(crate) imported: RefCell<Vec<Rc<crate::ir::Script>>>,
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
    let children = CHILDREN.with(|c| std::mem::take(&mut *c.borrow_mut()));
    for child in &children {
        stop(child);
    }
    for mut child in children {
        child.events.clear();
        child.inbox.close();
        if let Some(thread) = child.thread.take() {
            let _ = thread.join();
        }
    }
}

fn stop(child: &Child) {
    child.interrupt.store(true, Ordering::SeqCst);
    child.inbox.post(Box::new(|| {
        if let Ok(h) = Handle::try_current() {
            h.halt(Uncaught::new(UncaughtKind::Exception, "the worker was terminated", h.origin()));
        }
    }));
}

fn with_child<T>(id: u64, f: impl FnOnce(&mut Child) -> T) -> Option<T> {
    CHILDREN.with(|c| c.borrow_mut().iter_mut().find(|c| c.id == id).map(f))
}

/// Starts a worker running `spec` for the script's `object` (a `Worker`), whose listeners are
/// `events`; returns its thread id.
pub(crate) fn spawn(spec: WorkerSpec, object: Obj, events: Rc<Emitter>) -> u64 {
    let id = NEXT_THREAD_ID.fetch_add(1, Ordering::Relaxed);
    let r = realm();
    let handle = Handle::current();
    let mut remote = handle.remote();
    remote.set_timeless(true);
    let mut keep_alive = remote.clone();
    keep_alive.set_keep_alive(true);
    let inbox = Arc::new(Inbox::default());
    let interrupt = Arc::new(AtomicBool::new(false));
    let options = crate::Options {
        host: r.host,
        seed: r.rng.get(),
        virtual_clock: handle.is_virtual_clock(),
        // A worker's script is a classic script in HTML, a CommonJS module in Node.
        script: r.host == HostKind::Html,
        ..crate::Options::default()
    };
    drop(r);
    let link = Link { id, parent: remote.clone(), inbox: inbox.clone(), interrupt: interrupt.clone() };
    let thread = std::thread::Builder::new()
        .name(format!("settle-worker-{id}"))
        .spawn(move || run_worker(spec, options, link))
        .ok();
    CHILDREN.with(|c| {
        c.borrow_mut().push(Child {
            id,
            object,
            events,
            keep_alive: Some(keep_alive),
            remote,
            inbox,
            interrupt,
            thread,
            terminated: false,
            exited: false,
        });
    });
    id
}

/// What a worker thread gets from its parent.
struct Link {
    id: u64,
    parent: Remote,
    inbox: Arc<Inbox>,
    interrupt: Arc<AtomicBool>,
}

/// The worker thread: a whole run, then its exit code to the parent.
fn run_worker(spec: WorkerSpec, options: crate::Options, link: Link) {
    let stdout: crate::Sink = Rc::new(RefCell::new(ParentOutput::new(link.parent.clone(), false)));
    let stderr: crate::Sink = Rc::new(RefCell::new(ParentOutput::new(link.parent.clone(), true)));
    let dir = std::path::Path::new(&spec.file).parent().map(PathBuf::from).unwrap_or_default();
    let scope = WorkerScope {
        thread_id: link.id,
        parent: link.parent.clone(),
        own: RefCell::new(None),
        interrupt: link.interrupt.clone(),
        closing: Cell::new(false),
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
                let _ = parent.post(move || child_online(id));
            },
        )
    });
    link.inbox.close();
    let id = link.id;
    let _ = link.parent.post(move || child_exited(id, code));
}

/// On the worker's loop, once it exists: its own remote (for the keep-alive).
pub(crate) fn attach_own_loop(scope: &WorkerScope, handle: &Handle) {
    let mut own = handle.remote();
    own.set_timeless(true);
    *scope.own.borrow_mut() = Some(own);
}

/// A worker's stdout or stderr: each line (`write_out` flushes after each) is posted to the
/// parent, which prints it.
struct ParentOutput {
    parent: Remote,
    stderr: bool,
    buf: Vec<u8>,
}

impl ParentOutput {
    fn new(parent: Remote, stderr: bool) -> ParentOutput {
        ParentOutput { parent, stderr, buf: Vec::new() }
    }
}

impl Write for ParentOutput {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&std::mem::take(&mut self.buf)).into_owned();
        let stderr = self.stderr;
        let _ = self.parent.post(move || {
            if active() {
                let text = text.strip_suffix('\n').unwrap_or(&text);
                realm().write_out(text, stderr);
            }
        });
        Ok(())
    }
}

/// The current realm's worker scope, if it is a worker.
pub(crate) fn scope() -> Option<Rc<WorkerScope>> {
    realm().worker.clone()
}

// ---- parent side ----

/// `worker.postMessage(message)`: to the worker's loop (dropped once it is terminated or
/// has exited).
pub(crate) fn post_to_child(id: u64, message: Serialized) {
    let inbox = with_child(id, |c| (!c.terminated && !c.exited).then(|| c.inbox.clone())).flatten();
    if let Some(inbox) = inbox {
        inbox.post(Box::new(move || deliver_to_worker(message)));
    }
}

/// `worker.terminate()`: stops the worker at once; messages from it that have not been
/// dispatched yet are dropped. Under HTML the parent no longer waits for it.
pub(crate) fn terminate(id: u64) {
    let html = realm().host == HostKind::Html;
    with_child(id, |c| {
        if c.exited || c.terminated {
            return;
        }
        c.terminated = true;
        stop(c);
        if html {
            c.keep_alive = None;
        }
    });
}

/// Whether the worker has exited.
pub(crate) fn has_exited(id: u64) -> bool {
    with_child(id, |c| c.exited).unwrap_or(true)
}

/// Node's `worker.ref()` / `worker.unref()`: whether the worker keeps the parent alive.
pub(crate) fn set_ref(id: u64, keep: bool) {
    with_child(id, |c| {
        if c.exited {
            return;
        }
        if keep && c.keep_alive.is_none() {
            let mut k = c.remote.clone();
            k.set_keep_alive(true);
            c.keep_alive = Some(k);
        } else if !keep {
            c.keep_alive = None;
        }
    });
}

/// The target and listeners of a live (not terminated) child.
fn target(id: u64) -> Option<(Obj, Rc<Emitter>)> {
    if !active() {
        return None;
    }
    with_child(id, |c| (!c.terminated).then(|| (c.object.clone(), c.events.clone()))).flatten()
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
    let Some((object, events, terminated)) = with_child(id, |c| {
        c.exited = true;
        c.keep_alive = None;
        (c.object.clone(), c.events.clone(), c.terminated)
    }) else {
        return;
    };
    if realm().host == HostKind::Node {
        // A terminated worker's exit code is 1, as in Node.
        let code = if terminated { 1 } else { code };
        crate::builtins::worker_threads::dispatch_exit(&events, &object, code);
    }
}

// ---- worker side ----

fn deliver_to_worker(message: Serialized) {
    let Some(scope) = scope() else { return };
    if scope.closing.get() {
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
    if scope.closing.get() && realm().host == HostKind::Node {
        return;
    }
    let id = scope.thread_id;
    let _ = scope.parent.post(move || deliver_to_parent(id, message));
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
    if let Some(own) = scope.own.borrow_mut().as_mut() {
        own.set_keep_alive(listening && !scope.closing.get());
    }
}

/// `self.close()` (HTML's "close a worker") or `parentPort.close()`: no more messages are
/// received; under HTML the worker's loop stops after the current task's checkpoint.
pub(crate) fn close() {
    let Some(scope) = scope() else { return };
    scope.closing.set(true);
    update_keep_alive();
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
    let id = scope.thread_id;
    let r = realm();
    match r.host {
        HostKind::Node => {
            let serialized = crate::structured_clone::structured_serialize(error).or_else(|_| {
                crate::structured_clone::structured_serialize(&JsValue::from(crate::inspect::inspect(error)))
            });
            r.exit_code.set(1);
            drop(r);
            if let Ok(serialized) = serialized {
                let _ = scope.parent.post(move || deliver_error_to_parent(id, serialized));
            }
            let h = Handle::current();
            h.halt(Uncaught::new(UncaughtKind::Exception, "uncaught exception in a worker", h.origin()));
        }
        HostKind::Html => {
            let (line, col) = match error {
                JsValue::Object(o) => match o.class() {
                    crate::value::Class::Error(Some(pos)) => crate::lower::line_col(&r.run.source, *pos),
                    _ => crate::lower::line_col(&r.run.source, r.pos.get()),
                },
                _ => crate::lower::line_col(&r.run.source, r.pos.get()),
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
            let _ = scope.parent.post(move || deliver_error_event(id, report));
        }
    }
    true
}

/// A worker's script could not be parsed (or is outside the subset): Node's parent gets an
/// `error` event with a SyntaxError (`message` is `SyntaxError: ...` or `outside the subset:
/// ...`; `full` has the file and position), HTML's an ErrorEvent. Whether it was sent.
pub(crate) fn report_script_error(
    scope: &WorkerScope,
    host: HostKind,
    message: &str,
    full: &str,
    lineno: usize,
    colno: usize,
) -> bool {
    let id = scope.thread_id;
    match host {
        HostKind::Node => {
            let text = message.strip_prefix("SyntaxError: ").unwrap_or(full);
            let error = Serialized::error("SyntaxError", text);
            scope.parent.post(move || deliver_error_to_parent(id, error)).is_ok()
        }
        HostKind::Html => {
            let report = ErrorReport {
                message: format!(
                    "Uncaught {}",
                    if message.starts_with("SyntaxError") { message } else { full }
                ),
                filename: full.split(':').next().unwrap_or_default().to_string(),
                lineno,
                colno,
            };
            scope.parent.post(move || deliver_error_event(id, report)).is_ok()
        }
    }
}

/// What an HTML worker's ErrorEvent carries to its parent.
pub(crate) struct ErrorReport {
    pub(crate) message: String,
    pub(crate) filename: String,
    pub(crate) lineno: usize,
    pub(crate) colno: usize,
}

/// Called by `Realm::step` every [`INTERRUPT_STEPS`] steps: whether the worker was
/// terminated (then its loop is halted).
pub(crate) fn interrupted() -> bool {
    let Some(scope) = realm().worker.clone() else { return false };
    if !scope.interrupt.load(Ordering::SeqCst) {
        return false;
    }
    if let Ok(h) = Handle::try_current()
        && !h.is_halted()
    {
        h.halt(Uncaught::new(UncaughtKind::Exception, "the worker was terminated", h.origin()));
    }
    true
}
