//! Posting macrotasks from other threads, and waking the parked loop.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
use std::time::Instant;

use crossbeam_queue::SegQueue;
use parking_lot::{Condvar, Mutex};

use crate::error::PostError;
use crate::job::SendJob;

/// The part of a loop that other threads can reach.
pub(crate) struct Shared {
    pub(crate) inject: SegQueue<SendJob>,
    closed: AtomicBool,
    /// Set while the loop thread is parked (or about to park); posters only take the lock and
    /// notify when it is set, so a busy loop costs posters nothing but the queue push.
    sleeping: AtomicBool,
    /// Remotes that keep the loop alive.
    pub(crate) refs: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Shared {
    pub(crate) fn new() -> Shared {
        Shared {
            inject: SegQueue::new(),
            closed: AtomicBool::new(false),
            sleeping: AtomicBool::new(false),
            refs: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Wakes the loop if it is parked. Pairs with the fence in [`Shared::park`]: either the
    /// loop sees our queue push / ref change, or we see `sleeping` and notify under the lock
    /// (which the loop holds from its check until it waits).
    pub(crate) fn unpark(&self) {
        fence(Ordering::SeqCst);
        if self.sleeping.load(Ordering::SeqCst) {
            let _guard = self.lock.lock();
            self.wake.notify_one();
        }
    }

    /// Parks the loop thread until `deadline`, a post, or a keep-alive change. `refs_seen` is
    /// the keep-alive count the loop based its decision to wait on.
    pub(crate) fn park(&self, deadline: Option<Instant>, refs_seen: usize) {
        let mut guard = self.lock.lock();
        self.sleeping.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if self.inject.is_empty() && self.refs.load(Ordering::SeqCst) == refs_seen {
            match deadline {
                Some(deadline) => {
                    self.wake.wait_until(&mut guard, deadline);
                }
                None => self.wake.wait(&mut guard),
            }
        }
        self.sleeping.store(false, Ordering::SeqCst);
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
        self.shared.inject.push(SendJob::from_fn(task));
        self.shared.unpark();
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
