//! Posting macrotasks from other threads, and waking the parked loop.

use std::fmt;
use std::mem;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::Waker;
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
    /// The waker of a loop driven as a future (`Handle::poll_run`) that returned `Pending`:
    /// posters and keep-alive changes wake it, once.
    waker: Option<Waker>,
    /// Set by the loop's drop, under this lock: a post that finds it set gets its task back.
    closed: bool,
}

/// One keep-alive of a [`Remote::set_timeless`] remote in [`Shared::refs`].
pub(crate) const TIMELESS_REF: usize = 1 << (usize::BITS / 2);

/// Whether a [`Shared::refs`] value holds a keep-alive that stops the virtual clock's jumps.
pub(crate) fn inhibits_jumps(refs: usize) -> bool {
    refs & (TIMELESS_REF - 1) != 0
}

/// The part of a loop that other threads can reach.
pub(crate) struct Shared {
    inbox: Mutex<Inbox>,
    wake: Condvar,
    /// `!inbox.posted.is_empty()`, readable without the lock: the loop checks it every turn and
    /// takes the lock only when there is something to take. Written under the lock.
    has_posted: AtomicBool,
    closed: AtomicBool,
    /// Remotes that keep the loop alive: the low 32 bits count those that also stop the virtual
    /// clock from jumping, the high bits ([`TIMELESS_REF`]) those that do not
    /// ([`Remote::set_timeless`]). One word, so that the park check sees every change.
    pub(crate) refs: AtomicUsize,
}

impl Shared {
    pub(crate) fn new() -> Shared {
        Shared {
            inbox: Mutex::new(Inbox { posted: Vec::new(), sleeping: false, waker: None, closed: false }),
            wake: Condvar::new(),
            has_posted: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            refs: AtomicUsize::new(0),
        }
    }

    /// The drop contract's step 1: closes the inbox under its lock and takes what it holds. Every
    /// post that returned `Ok` before this is in the returned batch (or was taken earlier); every
    /// post after it gets its task back.
    pub(crate) fn close_and_take(&self) -> Vec<SendJob> {
        let mut inbox = self.inbox.lock();
        inbox.closed = true;
        self.closed.store(true, Ordering::Release);
        self.has_posted.store(false, Ordering::Release);
        let waker = inbox.waker.take();
        let posted = mem::take(&mut inbox.posted);
        drop(inbox);
        drop(waker); // outside the lock: a waker's drop is foreign code
        posted
    }

    /// Appends a task and wakes the loop (parked, or a registered waker). Returns the task when
    /// the loop is closed: the check is made under the lock that the loop's drop closes the
    /// inbox under, so a task is either handed back or in the batch the drop runs.
    fn post<F: FnOnce() + Send + 'static>(&self, task: F) -> Result<(), F> {
        self.push(task, SendJob::from_fn)
    }

    /// [`Shared::post`] for [`Remote::post_last`]: `release` travels with the task and ends the
    /// poster's keep-alive when the task has run (or is dropped, unrun). Refused, the task comes
    /// back and `release` ends the keep-alive now.
    fn post_releasing<F: FnOnce() + Send + 'static>(&self, task: F, release: Release) -> Result<(), F> {
        self.push(task, move |task| {
            SendJob::from_fn(move || {
                task();
                drop(release);
            })
        })
    }

    /// Makes `task` into a job and appends it, unless the inbox is closed (then `task` comes
    /// back, and `make`, with what it captured, is dropped after the lock is released).
    fn push<F>(&self, task: F, make: impl FnOnce(F) -> SendJob) -> Result<(), F> {
        let mut inbox = self.inbox.lock();
        if inbox.closed {
            drop(inbox);
            return Err(task);
        }
        inbox.posted.push(make(task));
        self.has_posted.store(true, Ordering::Release);
        let sleeping = inbox.sleeping;
        let waker = inbox.waker.take();
        drop(inbox);
        if sleeping {
            self.wake.notify_one();
        }
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Registers the waker of a loop driven as a future, unless a post or a keep-alive change
    /// (from `refs_seen`) came in meanwhile: then `false`, and the loop should turn again.
    pub(crate) fn register_waker(&self, waker: &Waker, refs_seen: usize) -> bool {
        let mut inbox = self.inbox.lock();
        if !inbox.posted.is_empty() || self.refs.load(Ordering::SeqCst) != refs_seen {
            return false;
        }
        let old = match &inbox.waker {
            Some(current) if current.will_wake(waker) => None,
            _ => inbox.waker.replace(waker.clone()),
        };
        drop(inbox);
        drop(old);
        true
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
        let mut inbox = self.inbox.lock();
        let sleeping = inbox.sleeping;
        let waker = inbox.waker.take();
        drop(inbox);
        if sleeping {
            self.wake.notify_one();
        }
        if let Some(waker) = waker {
            waker.wake();
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
}

/// A `Send + Sync` handle through which any thread posts macrotasks to one loop.
///
/// Tasks posted by one sender run in the order they were posted. Posting to a loop that has been
/// dropped returns the task in a [`PostError`]. A post that returned `Ok` runs, at the latest
/// while the loop is dropped (the drop contract: see [`Remote::post`]). A remote made to keep the loop alive
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
    timeless: bool,
}

impl Remote {
    pub(crate) fn new(shared: Arc<Shared>) -> Remote {
        Remote { shared, keep_alive: false, timeless: false }
    }

    /// What this remote's keep-alive adds to [`Shared::refs`].
    fn unit(&self) -> usize {
        if self.timeless { TIMELESS_REF } else { 1 }
    }

    /// Posts `task` to run as a macrotask on the loop thread.
    ///
    /// # Errors
    ///
    /// [`PostError`] holding `task` when the loop has been dropped, or is being dropped. `Ok`
    /// means the loop accepted the task and it will run: if the loop is dropped before its turn
    /// comes, the drop runs it (with the loop entered, after closing the inbox; a panic is
    /// reported through the uncaught hook). Work that task queues on the loop then (jobs,
    /// timers) is dropped with the loop, unrun.
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
            return Err(PostError(task)); // without the lock: the common case once closed
        }
        self.shared.post(task).map_err(PostError)
    }

    /// [`Remote::post`] for a task that borrows the host the loop is run with (see
    /// [`Handle::run_with`](crate::Handle::run_with)), as an `H`: an engine whose values live in
    /// a context (settle-boa's Boa `Context`) receives a message from another thread this way.
    /// A task that finds no host of that type when it runs (the loop was run with another, or
    /// is being dropped, which lends none) is dropped unrun.
    ///
    /// # Errors
    ///
    /// [`PostError`] holding `task` when the loop has been dropped, or is being dropped.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let remote = el.remote();
    /// std::thread::spawn(move || remote.post_with(|n: &mut u32| *n += 1).unwrap()).join().unwrap();
    /// let mut n = 41u32;
    /// el.run_with(&mut n).unwrap();
    /// assert_eq!(n, 42);
    /// ```
    pub fn post_with<H, F>(&self, task: F) -> Result<(), PostError<F>>
    where
        H: 'static,
        F: FnOnce(&mut H) + Send + 'static,
    {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(PostError(task));
        }
        self.shared.push(task, SendJob::with_host).map_err(PostError)
    }

    /// Posts `task` as this remote's last: [`Remote::post`], consuming the remote, whose
    /// keep-alive (if it keeps the loop alive) ends only after `task` has run on the loop, not
    /// when the post returns. So the loop never sees the keep-alive gone before the task
    /// arrived, and a loop driven as a future ([`Handle::poll_run`](crate::Handle::poll_run))
    /// is woken once, by the post, rather than by the post and then by the keep-alive change.
    /// A worker's result (settle-promise's `SendResolvers`) is posted this way.
    ///
    /// # Errors
    ///
    /// As for [`Remote::post`]; the keep-alive has ended when the error is returned.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let mut remote = el.remote();
    /// remote.set_keep_alive(true);
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// std::thread::spawn(move || remote.post_last(move || tx.send("done").unwrap()).unwrap());
    /// el.run().unwrap(); // kept alive until the task ran
    /// assert_eq!(rx.recv().unwrap(), "done");
    /// ```
    pub fn post_last<F>(mut self, task: F) -> Result<(), PostError<F>>
    where
        F: FnOnce() + Send + 'static,
    {
        // The keep-alive moves to `release`; `self` then drops without changing the count.
        let release = Release { shared: self.shared.clone(), active: self.keep_alive, unit: self.unit() };
        self.keep_alive = false;
        let shared = self.shared.clone();
        drop(self);
        shared.post_releasing(task, release).map_err(PostError)
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
            self.shared.refs.fetch_add(self.unit(), Ordering::SeqCst);
        } else {
            self.shared.refs.fetch_sub(self.unit(), Ordering::SeqCst);
        }
        self.shared.unpark();
    }

    /// Makes this remote's keep-alive "timeless" (`true`): it still keeps the loop alive, but a
    /// loop on the virtual clock goes on jumping to its next timer while it exists. For a
    /// keep-alive that waits for something not measured in this loop's time, such as another
    /// loop that may send a message (settle-js's workers: each has its own virtual clock). A
    /// clone starts with the same setting.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// let mut remote = el.remote();
    /// remote.set_timeless(true);
    /// remote.set_keep_alive(true);
    /// let poster = remote.clone();
    /// el.set_timeout(Duration::from_secs(60), move || {
    ///     // Reached at once on the virtual clock, although `remote` keeps the loop alive.
    ///     std::thread::spawn(move || poster.post(|| {}).unwrap()).join().unwrap();
    /// });
    /// el.set_timeout(Duration::from_secs(61), move || drop(remote));
    /// el.run().unwrap();
    /// assert_eq!(el.now(), Duration::from_secs(61));
    /// ```
    pub fn set_timeless(&mut self, timeless: bool) {
        if timeless == self.timeless {
            return;
        }
        let keep_alive = self.keep_alive;
        self.set_keep_alive(false);
        self.timeless = timeless;
        self.set_keep_alive(keep_alive);
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

/// A keep-alive handed over by [`Remote::post_last`]: ends when dropped.
struct Release {
    shared: Arc<Shared>,
    active: bool,
    unit: usize,
}

impl Drop for Release {
    fn drop(&mut self) {
        if self.active {
            self.shared.refs.fetch_sub(self.unit, Ordering::SeqCst);
            self.shared.unpark();
        }
    }
}

impl Clone for Remote {
    fn clone(&self) -> Remote {
        let mut clone = Remote::new(self.shared.clone());
        clone.timeless = self.timeless;
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
