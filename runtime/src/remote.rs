//! Posting macrotasks from other threads, and waking the parked loop.

use std::fmt;
use std::mem;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use parking_lot::{Condvar, Mutex};

use crate::error::PostError;
use crate::job::SendJob;

/// What posters and the loop share under one lock.
struct Inbox {
    /// Posted tasks, in posting order.
    posted: Vec<SendJob>,
    /// Whether the loop is parked (or about to park) on `Shared::wake`: posters notify only then.
    sleeping: bool,
}

/// The part of a loop that other threads can reach.
pub(crate) struct Shared {
    inbox: Mutex<Inbox>,
    wake: Condvar,
    /// `!inbox.posted.is_empty()`, readable without the lock: the loop checks it every turn and
    /// takes the lock only when there is something to take. Written under the lock.
    has_posted: AtomicBool,
    closed: AtomicBool,
    /// Remotes that keep the loop alive.
    pub(crate) refs: AtomicUsize,
}

impl Shared {
    pub(crate) fn new() -> Shared {
        Shared {
            inbox: Mutex::new(Inbox { posted: Vec::new(), sleeping: false }),
            wake: Condvar::new(),
            has_posted: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            refs: AtomicUsize::new(0),
        }
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Appends a task and wakes the loop if it is parked. A task that finds the loop closed
    /// (dropped after the caller's own check) is dropped unrun, as if the loop had accepted it
    /// just before going away: the closed check under the lock means nothing is ever left in
    /// the inbox after `clear`.
    fn post(&self, task: SendJob) {
        let mut inbox = self.inbox.lock();
        if self.closed.load(Ordering::Acquire) {
            drop(inbox);
            drop(task); // outside the lock: its destructor may post
            return;
        }
        inbox.posted.push(task);
        self.has_posted.store(true, Ordering::Release);
        let sleeping = inbox.sleeping;
        drop(inbox);
        if sleeping {
            self.wake.notify_one();
        }
    }

    /// Whether tasks are waiting to be taken. Exact when no poster is running; otherwise a post
    /// may land just after, and the next turn (or `park`, which checks under the lock) sees it.
    pub(crate) fn has_posted(&self) -> bool {
        self.has_posted.load(Ordering::Acquire)
    }

    /// Moves every task posted so far to the end of `into` (one lock for the whole batch; the
    /// two vectors trade buffers, so neither reallocates in a steady stream of posts).
    pub(crate) fn take_posted(&self, into: &mut Vec<SendJob>) {
        if !self.has_posted() {
            return;
        }
        let mut inbox = self.inbox.lock();
        if into.is_empty() {
            mem::swap(&mut inbox.posted, into);
        } else {
            into.append(&mut inbox.posted);
        }
        self.has_posted.store(false, Ordering::Release);
    }

    /// Wakes the loop if it is parked (after a keep-alive change). Taking the lock orders this
    /// with `park`'s check: either the loop sees the change before it waits, or it is already
    /// waiting and we see `sleeping`.
    pub(crate) fn unpark(&self) {
        let sleeping = self.inbox.lock().sleeping;
        if sleeping {
            self.wake.notify_one();
        }
    }

    /// Parks the loop thread until `deadline`, a post, or a keep-alive change. `refs_seen` is
    /// the keep-alive count the loop based its decision to wait on. Everything is checked
    /// under the inbox lock, which posters and keep-alive changes take too, so no wake-up is
    /// lost.
    pub(crate) fn park(&self, deadline: Option<Instant>, refs_seen: usize) {
        let mut inbox = self.inbox.lock();
        if inbox.posted.is_empty() && self.refs.load(Ordering::SeqCst) == refs_seen {
            inbox.sleeping = true;
            match deadline {
                Some(deadline) => {
                    self.wake.wait_until(&mut inbox, deadline);
                }
                None => self.wake.wait(&mut inbox),
            }
            inbox.sleeping = false;
        }
    }

    /// Drops every posted task (the loop is going away; `close` was called first).
    pub(crate) fn clear(&self) {
        let posted = mem::take(&mut self.inbox.lock().posted);
        self.has_posted.store(false, Ordering::Release);
        drop(posted); // outside the lock: destructors may post
    }
}

/// A `Send + Sync` handle through which any thread posts macrotasks to one loop.
///
/// Tasks posted by one sender run in the order they were posted. Posting to a loop that has been
/// dropped returns the task in a [`PostError`]. A remote made to keep the loop alive
/// ([`Remote::set_keep_alive`]) keeps [`EventLoop::run`](crate::Handle::run) from returning
/// while it exists, like a referenced handle in Node; by default a remote does not.
///
/// Same-thread code never pays for this path: [`Handle::queue_task`](crate::Handle::queue_task)
/// pushes to a plain queue with no atomics.
///
/// ```
/// use std::sync::mpsc;
/// use settle_runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let mut remote = el.remote();
/// remote.set_keep_alive(true);
/// let (tx, rx) = mpsc::channel();
/// let worker = std::thread::spawn(move || {
///     remote.post(move || tx.send(6 * 7).unwrap()).unwrap();
///     // `remote` is dropped here, so the loop may finish.
/// });
/// el.run().unwrap();
/// worker.join().unwrap();
/// assert_eq!(rx.recv().unwrap(), 42);
/// ```
pub struct Remote {
    shared: Arc<Shared>,
    keep_alive: bool,
}

impl Remote {
    pub(crate) fn new(shared: Arc<Shared>) -> Remote {
        Remote { shared, keep_alive: false }
    }

    /// Posts `task` to run as a macrotask on the loop thread.
    ///
    /// # Errors
    ///
    /// [`PostError`] holding `task` when the loop has been dropped. A task accepted by a loop
    /// that is dropped before running it is dropped with the loop, never run.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let remote = el.remote();
    /// std::thread::spawn(move || remote.post(|| println!("on the loop")).unwrap())
    ///     .join()
    ///     .unwrap();
    /// el.run().unwrap();
    /// ```
    pub fn post<F>(&self, task: F) -> Result<(), PostError<F>>
    where
        F: FnOnce() + Send + 'static,
    {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(PostError(task));
        }
        self.shared.post(SendJob::from_fn(task));
        Ok(())
    }

    /// Whether the loop has been dropped.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let remote = el.remote();
    /// assert!(!remote.is_closed());
    /// drop(el);
    /// assert!(remote.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    /// Makes this remote keep the loop alive (`true`, Node's `ref()`) or not (`false`, Node's
    /// `unref()`). A clone starts with the same setting.
    ///
    /// While any keep-alive remote exists, a loop on the virtual clock also stops jumping time
    /// forward on its own: work outside the loop is still under way, and a timeout must not be
    /// decided before it reports (tokio inhibits auto-advance for blocking tasks the same way).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let mut remote = el.remote();
    /// remote.set_keep_alive(true);
    /// assert!(remote.keeps_alive());
    /// remote.set_keep_alive(false);
    /// el.run().unwrap(); // returns at once: nothing keeps it alive
    /// ```
    pub fn set_keep_alive(&mut self, keep_alive: bool) {
        if keep_alive == self.keep_alive {
            return;
        }
        self.keep_alive = keep_alive;
        if keep_alive {
            self.shared.refs.fetch_add(1, Ordering::SeqCst);
        } else {
            self.shared.refs.fetch_sub(1, Ordering::SeqCst);
        }
        self.shared.unpark();
    }

    /// Whether this remote keeps the loop alive.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// assert!(!el.remote().keeps_alive());
    /// ```
    pub fn keeps_alive(&self) -> bool {
        self.keep_alive
    }
}

impl Clone for Remote {
    fn clone(&self) -> Remote {
        let mut clone = Remote::new(self.shared.clone());
        clone.set_keep_alive(self.keep_alive);
        clone
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.set_keep_alive(false);
    }
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote")
            .field("closed", &self.is_closed())
            .field("keep_alive", &self.keep_alive)
            .finish()
    }
}
