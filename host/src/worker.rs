//! Workers, the part that is the same whatever the engine: each worker a run on its own thread,
//! with its own settle loop (HTML's "run a worker"; Node's `worker_threads`), and the message
//! transport between the threads. The engines (settle-js's `js/src/worker.rs`, settle-boa's
//! `boa/src/worker.rs`) make the JavaScript objects and run the scripts; a message is a
//! [`Serialized`](crate::structured_clone::Serialized) structured clone, which is `Send`.
//!
//! - A task for another thread's loop is a [`Job`]: a `Send` closure that borrows the loop's
//!   host (`H`: `()` for settle-js, Boa's `Context` for settle-boa), posted with
//!   [`Remote::post_with`]. It arrives as a macrotask; its microtasks run at that task's
//!   checkpoint. One remote per direction, so each direction is FIFO.
//! - Until a worker's loop exists, the jobs for it wait in its [`Inbox`], then go in order.
//! - The parent ([`Children`]) holds a keep-alive remote of its own loop for each live worker
//!   (dropped when it exits, or by `unref()`); a worker's loop is kept alive while it listens
//!   for messages ([`ParentLink::set_listening`]). Both keep-alives are timeless
//!   ([`Remote::set_timeless`]): each loop has its own clock, and on the virtual clock another
//!   thread's work must not stop this loop's time.
//! - A worker's console output goes to its parent, which prints it (as Node does), so it is
//!   ordered with the worker's messages ([`ParentOutput`]).
//! - `terminate()` sets the worker's interrupt flag (an engine that can look at it while a
//!   script runs stops a busy loop) and posts a job that halts its loop.
//! - A terminated worker's exit code is 1 ([`TERMINATED_EXIT_CODE`]), as in Node.
//!
//! ```
//! use settle_host::worker::Children;
//! use settle_runtime::EventLoop;
//!
//! let el = EventLoop::new();
//! let mut children: Children<(), &str> = Children::default();
//! let id = children.spawn(&el.handle(), "my worker", |link| {
//!     // The worker's thread: its own loop would open the inbox once it exists.
//!     let _ = link.parent.post_with(move |_: &mut ()| println!("worker {} says hi", link.id));
//! });
//! assert_eq!(children.target(id), Some("my worker"));
//! children.set_ref(id, false); // unref(): the parent does not wait for it
//! el.run().unwrap();
//! assert_eq!(children.exited(id, 0), Some(("my worker", 0)));
//! assert_eq!(children.end(true), ["my worker"]);
//! ```

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use settle_runtime::{Handle, Remote, Uncaught, UncaughtKind};

/// A task for a worker's or a parent's loop, borrowing that loop's host `H`.
pub type Job<H> = Box<dyn FnOnce(&mut H) + Send>;

/// The exit code of a terminated worker (Node's).
pub const TERMINATED_EXIT_CODE: i32 = 1;

/// A worker thread's stack: an engine that evaluates recursively needs more than the
/// platform's default (it is reserved, not committed).
const WORKER_STACK: usize = 64 << 20;

/// Node's `threadId`: the main thread is 0, workers count from 1 in the whole process.
static NEXT_THREAD_ID: AtomicU64 = AtomicU64::new(1);

/// The next `threadId`.
///
/// ```
/// assert!(settle_host::worker::next_thread_id() >= 1);
/// ```
pub fn next_thread_id() -> u64 {
    NEXT_THREAD_ID.fetch_add(1, Ordering::Relaxed)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned queue of jobs is still a valid queue of jobs.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Where jobs for a worker's loop go: its remote once the loop exists, a queue until then.
pub struct Inbox<H> {
    state: Mutex<InboxState<H>>,
}

struct InboxState<H> {
    remote: Option<Remote>,
    pending: Vec<Job<H>>,
    closed: bool,
}

impl<H> Default for Inbox<H> {
    fn default() -> Self {
        Inbox { state: Mutex::new(InboxState { remote: None, pending: Vec::new(), closed: false }) }
    }
}

impl<H> std::fmt::Debug for Inbox<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Inbox").field("pending", &state.pending.len()).field("closed", &state.closed).finish()
    }
}

impl<H: 'static> Inbox<H> {
    /// Posts `job` to the worker's loop, or keeps it until the loop exists; dropped once the
    /// inbox is closed.
    pub fn post(&self, job: Job<H>) {
        let mut state = lock(&self.state);
        if state.closed {
            return;
        }
        match &state.remote {
            Some(remote) => {
                let _ = remote.post_with(move |h: &mut H| job(h));
            }
            None => state.pending.push(job),
        }
    }

    /// The worker's loop exists: what waited goes to it, in order.
    pub fn open(&self, remote: Remote) {
        let mut state = lock(&self.state);
        for job in state.pending.drain(..) {
            let _ = remote.post_with(move |h: &mut H| job(h));
        }
        state.remote = Some(remote);
    }

    /// No more jobs: the worker's run is over.
    pub fn close(&self) {
        let mut state = lock(&self.state);
        state.closed = true;
        state.pending.clear();
        state.remote = None;
    }
}

/// What a worker thread gets from its parent.
#[derive(Debug)]
pub struct Link<H> {
    /// Its `threadId`.
    pub id: u64,
    /// The parent's loop (not a keep-alive: the parent's [`Children`] holds that).
    pub parent: Remote,
    /// The worker's inbox: [`Inbox::open`] it once the worker's loop exists.
    pub inbox: Arc<Inbox<H>>,
    /// Set by the parent's `terminate()`.
    pub interrupt: Arc<AtomicBool>,
}

/// The parent's record of one of its workers; `T` is the engine's (the `Worker` object and
/// its listeners).
struct Child<H, T> {
    id: u64,
    data: T,
    /// Keeps the parent's loop alive while the worker lives (`None` once unref'd or exited).
    keep_alive: Option<Remote>,
    /// `ref()` after `unref()` needs a new one.
    remote: Remote,
    inbox: Arc<Inbox<H>>,
    interrupt: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// `terminate()` was called: messages from it are dropped.
    terminated: bool,
    exited: bool,
}

/// A parent's workers (one run's), each with the engine's data `T`. Keep it where the engine
/// keeps the run's state, and never hold a borrow of it while script code runs: its methods
/// hand out clones of `T`.
pub struct Children<H, T> {
    list: Vec<Child<H, T>>,
}

impl<H, T> Default for Children<H, T> {
    fn default() -> Self {
        Children { list: Vec::new() }
    }
}

impl<H, T> std::fmt::Debug for Children<H, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Children").field("workers", &self.list.len()).finish()
    }
}

/// The job that stops a worker's loop (its interrupt flag is set first).
fn stop<H: 'static>(interrupt: &AtomicBool, inbox: &Inbox<H>) {
    interrupt.store(true, Ordering::SeqCst);
    inbox.post(Box::new(|_: &mut H| {
        if let Ok(h) = Handle::try_current() {
            h.halt(Uncaught::new(UncaughtKind::Exception, "the worker was terminated", h.origin()));
        }
    }));
}

impl<H: 'static, T: Clone> Children<H, T> {
    fn child(&mut self, id: u64) -> Option<&mut Child<H, T>> {
        self.list.iter_mut().find(|c| c.id == id)
    }

    /// Starts a worker for `data` on a thread of its own (named `settle-worker-ID`), which runs
    /// `run` with its [`Link`]; the parent's loop (`parent`) is kept alive while it lives.
    /// Returns its `threadId`.
    pub fn spawn(&mut self, parent: &Handle, data: T, run: impl FnOnce(Link<H>) + Send + 'static) -> u64 {
        let id = next_thread_id();
        let mut remote = parent.remote();
        remote.set_timeless(true);
        let mut keep_alive = remote.clone();
        keep_alive.set_keep_alive(true);
        let inbox = Arc::new(Inbox::default());
        let interrupt = Arc::new(AtomicBool::new(false));
        let link = Link { id, parent: remote.clone(), inbox: inbox.clone(), interrupt: interrupt.clone() };
        let thread = std::thread::Builder::new()
            .name(format!("settle-worker-{id}"))
            .stack_size(WORKER_STACK)
            .spawn(move || run(link))
            .ok();
        self.list.push(Child {
            id,
            data,
            keep_alive: Some(keep_alive),
            remote,
            inbox,
            interrupt,
            thread,
            terminated: false,
            exited: false,
        });
        id
    }

    /// `worker.postMessage(message)`: `job` to the worker's loop (dropped once it is
    /// terminated or has exited).
    pub fn post(&mut self, id: u64, job: Job<H>) {
        if let Some(c) = self.child(id).filter(|c| !c.terminated && !c.exited) {
            c.inbox.post(job);
        }
    }

    /// `worker.terminate()`: stops the worker at once; messages from it that have not been
    /// dispatched yet are dropped. `release`: the parent no longer waits for it (HTML).
    /// Whether it was live.
    pub fn terminate(&mut self, id: u64, release: bool) -> bool {
        let Some(c) = self.child(id).filter(|c| !c.terminated && !c.exited) else { return false };
        c.terminated = true;
        stop(&c.interrupt, &c.inbox);
        if release {
            c.keep_alive = None;
        }
        true
    }

    /// Whether the worker has exited (an unknown id has).
    pub fn has_exited(&self, id: u64) -> bool {
        self.list.iter().find(|c| c.id == id).is_none_or(|c| c.exited)
    }

    /// Node's `worker.ref()` / `worker.unref()`: whether the worker keeps the parent alive.
    pub fn set_ref(&mut self, id: u64, keep: bool) {
        let Some(c) = self.child(id).filter(|c| !c.exited) else { return };
        if keep && c.keep_alive.is_none() {
            let mut k = c.remote.clone();
            k.set_keep_alive(true);
            c.keep_alive = Some(k);
        } else if !keep {
            c.keep_alive = None;
        }
    }

    /// The data of a live (not terminated) worker: where its messages and events go.
    pub fn target(&self, id: u64) -> Option<T> {
        self.list.iter().find(|c| c.id == id && !c.terminated).map(|c| c.data.clone())
    }

    /// The worker's thread ended (or, for an engine that cannot interrupt a busy script, it was
    /// terminated): it no longer keeps the parent alive. Its data and the exit code to report
    /// (`code`, or [`TERMINATED_EXIT_CODE`] when it was terminated); `None` if it had already
    /// exited.
    pub fn exited(&mut self, id: u64, code: i32) -> Option<(T, i32)> {
        let c = self.child(id).filter(|c| !c.exited)?;
        c.exited = true;
        c.keep_alive = None;
        let code = if c.terminated { TERMINATED_EXIT_CODE } else { code };
        Some((c.data.clone(), code))
    }

    /// The run's loop has returned: stops the workers still running (unref'd ones), closes
    /// their inboxes and, when `join`, waits for every worker thread (an engine whose busy
    /// worker cannot be interrupted passes `false`: its threads end with the process). Returns
    /// the workers' data, for the engine to free.
    pub fn end(&mut self, join: bool) -> Vec<T> {
        let children = std::mem::take(&mut self.list);
        for c in &children {
            if !c.exited {
                stop(&c.interrupt, &c.inbox);
            }
        }
        children
            .into_iter()
            .map(|mut c| {
                c.inbox.close();
                if let Some(thread) = c.thread.take().filter(|_| join) {
                    let _ = thread.join();
                }
                c.data
            })
            .collect()
    }
}

/// The worker side's link to its parent: the remotes, the interrupt flag, the closing state.
#[derive(Debug)]
pub struct ParentLink {
    /// Node's `threadId`.
    pub thread_id: u64,
    /// Where the parent's tasks go (not a keep-alive).
    parent: Remote,
    /// This worker's own loop, kept alive while it listens for messages.
    own: RefCell<Option<Remote>>,
    /// Set by the parent's `terminate()`.
    interrupt: Arc<AtomicBool>,
    /// `self.close()` / `parentPort.close()` was called.
    closing: Cell<bool>,
}

impl ParentLink {
    /// The worker's side of `link`.
    pub fn new<H>(link: &Link<H>) -> ParentLink {
        ParentLink {
            thread_id: link.id,
            parent: link.parent.clone(),
            own: RefCell::new(None),
            interrupt: link.interrupt.clone(),
            closing: Cell::new(false),
        }
    }

    /// On the worker's loop, once it exists: its own remote (for the keep-alive).
    pub fn attach(&self, handle: &Handle) {
        let mut own = handle.remote();
        own.set_timeless(true);
        *self.own.borrow_mut() = Some(own);
    }

    /// Posts `job` to the parent's loop; whether it was accepted.
    pub fn post<H: 'static>(&self, job: Job<H>) -> bool {
        self.parent.post_with(move |h: &mut H| job(h)).is_ok()
    }

    /// Keeps this worker's loop alive while it listens for messages and is not closing.
    pub fn set_listening(&self, listening: bool) {
        if let Some(own) = self.own.borrow_mut().as_mut() {
            own.set_keep_alive(listening && !self.closing.get());
        }
    }

    /// `self.close()` / `parentPort.close()`: no more messages are received, and the worker's
    /// loop is no longer kept alive for them.
    pub fn close(&self) {
        self.closing.set(true);
        self.set_listening(false);
    }

    /// Whether the worker is closing.
    pub fn is_closing(&self) -> bool {
        self.closing.get()
    }

    /// Whether the parent terminated this worker; then its loop is halted (if it is not yet).
    pub fn interrupted(&self) -> bool {
        if !self.interrupt.load(Ordering::SeqCst) {
            return false;
        }
        if let Ok(h) = Handle::try_current()
            && !h.is_halted()
        {
            h.halt(Uncaught::new(UncaughtKind::Exception, "the worker was terminated", h.origin()));
        }
        true
    }
}

/// A worker's stdout or stderr: each flushed chunk (a line: hosts flush after each) goes to
/// `deliver`, which posts it to the parent to print.
pub struct ParentOutput {
    deliver: Box<dyn FnMut(String)>,
    buf: Vec<u8>,
}

impl std::fmt::Debug for ParentOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParentOutput").field("buffered", &self.buf.len()).finish_non_exhaustive()
    }
}

impl ParentOutput {
    /// An output whose lines (without their final newline) go to `deliver`.
    ///
    /// ```
    /// use std::io::Write;
    /// let lines = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    /// let l = lines.clone();
    /// let mut out = settle_host::worker::ParentOutput::new(move |s| l.borrow_mut().push(s));
    /// writeln!(out, "hi").unwrap();
    /// out.flush().unwrap();
    /// assert_eq!(*lines.borrow(), ["hi"]);
    /// ```
    pub fn new(deliver: impl FnMut(String) + 'static) -> ParentOutput {
        ParentOutput { deliver: Box::new(deliver), buf: Vec::new() }
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
        let text = text.strip_suffix('\n').map(str::to_string).unwrap_or(text);
        (self.deliver)(text);
        Ok(())
    }
}

/// What an HTML worker's ErrorEvent carries to its parent.
#[derive(Clone, Debug)]
pub struct ErrorReport {
    /// `Uncaught ` and the error.
    pub message: String,
    /// The worker script's path.
    pub filename: String,
    /// The line (1-based).
    pub lineno: usize,
    /// The column (1-based).
    pub colno: usize,
}
