//! Work on other threads, settled back on the loop (the book's Web Workers, chapter 5).
//!
//! - [`SendResolvers`]: a `Send` handle that lets any thread settle a promise living on the
//!   loop thread, through the loop's [`Remote`]. It keeps the loop alive until its outcome is
//!   delivered (or it is dropped unused). If the loop is gone, the value comes back to the
//!   caller as an error: nothing is lost silently.
//! - [`spawn_blocking`]: runs a `Send` closure on the loop's worker pool and resolves a promise
//!   with its result; a panicking closure rejects it.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use settle_runtime::{Handle, Remote};
use slab::Slab;

use settle_promise::{Error, NoThenables, PanicError, Promise, Reason, Thenables, Value};

/// Delivers an outcome to a promise on the loop thread; knows the promise's classifier `D`,
/// which the sending side does not name.
type Deliver<T, E> = Box<dyn FnOnce(Result<T, E>)>;

/// The loop-side halves of [`SendResolvers`], by key. Each entry is a `Deliver<T, E>` boxed as
/// `Any`, so one slab serves every value type.
#[derive(Default)]
struct Pending {
    deliveries: RefCell<Slab<Box<dyn Any>>>,
}

/// The loop is gone; the value that could not be delivered comes back.
///
/// ```
/// use settle::promise::{Error, Promise, PromiseFutures};
/// let el = settle::runtime::EventLoop::new();
/// let send = {
///     let _g = el.enter();
///     let (_p, send) = Promise::<i32>::with_send_resolvers();
///     send
/// };
/// drop(el);
/// let undelivered = send.resolve(42).unwrap_err();
/// assert_eq!(undelivered.into_inner(), Ok(42));
/// ```
pub struct LoopGone<T, E>(Result<T, E>);

impl<T, E> LoopGone<T, E> {
    /// The outcome that was not delivered.
    ///
    /// ```
    /// # use settle::promise::PromiseFutures;
    /// # let el = settle::runtime::EventLoop::new();
    /// # let send = { let _g = el.enter(); settle::promise::Promise::<i32>::with_send_resolvers().1 };
    /// # drop(el);
    /// assert!(send.reject(settle::promise::Error::msg("x")).unwrap_err().into_inner().is_err());
    /// ```
    pub fn into_inner(self) -> Result<T, E> {
        self.0
    }
}

impl<T, E> fmt::Debug for LoopGone<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoopGone(..)")
    }
}

impl<T, E> fmt::Display for LoopGone<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event loop of this promise is gone; the outcome was not delivered")
    }
}

impl<T, E> std::error::Error for LoopGone<T, E> {}

/// Resolving functions that can be sent to another thread. `T` and `E` must be `Send`; the
/// promise itself stays on the loop thread. The first of `resolve`/`reject` wins.
///
/// ```
/// use settle::promise::{Promise, PromiseFutures};
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let p = {
///     let _g = el.enter();
///     let (p, send) = Promise::<i32>::with_send_resolvers();
///     std::thread::spawn(move || send.resolve(6 * 7).unwrap());
///     p
/// };
/// el.run().unwrap(); // kept alive until the thread resolved
/// assert_eq!(p.result().unwrap().unwrap(), 42);
/// ```
pub struct SendResolvers<T, E> {
    /// `None` once used.
    remote: Option<Remote>,
    key: usize,
    _types: std::marker::PhantomData<fn(T, E)>,
}

/// `Promise::with_send_resolvers` (see [`PromiseFutures`](crate::PromiseFutures)).
#[track_caller]
pub(crate) fn with_send_resolvers<T, E, D>() -> (Promise<T, E, D>, SendResolvers<T, E>)
where
    T: Value + Send,
    E: Reason + Send,
    D: Thenables<T, E>,
{
    let handle = Handle::current();
    let (promise, resolvers) = Promise::<T, E, D>::with_resolvers();
    let deliver: Deliver<T, E> = Box::new(move |outcome| match outcome {
        Ok(value) => resolvers.resolve(value),
        Err(reason) => resolvers.reject(reason),
    });
    let key = handle.extension(Pending::default).deliveries.borrow_mut().insert(Box::new(deliver));
    let mut remote = handle.remote();
    remote.set_keep_alive(true);
    (promise, SendResolvers { remote: Some(remote), key, _types: std::marker::PhantomData })
}

impl<T: Send + 'static, E: Send + 'static> SendResolvers<T, E> {
    /// Resolves the promise with `value` on the loop thread.
    ///
    /// # Errors
    ///
    /// [`LoopGone`] with the value when the loop has been dropped.
    ///
    /// ```
    /// use settle::promise::PromiseFutures;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (_p, send) = settle::promise::Promise::<u8>::with_send_resolvers();
    /// assert!(send.resolve(1).is_ok());
    /// ```
    pub fn resolve(self, value: T) -> Result<(), LoopGone<T, E>> {
        self.settle(Ok(value))
    }

    /// Rejects the promise with `reason` on the loop thread.
    ///
    /// # Errors
    ///
    /// [`LoopGone`] with the reason when the loop has been dropped.
    ///
    /// ```
    /// use settle::promise::PromiseFutures;
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (p, send) = settle::promise::Promise::<u8>::with_send_resolvers();
    /// p.catch(|_| Ok(0));
    /// assert!(send.reject(settle::promise::Error::msg("no")).is_ok());
    /// ```
    pub fn reject(self, reason: E) -> Result<(), LoopGone<T, E>> {
        self.settle(Err(reason))
    }

    fn settle(mut self, outcome: Result<T, E>) -> Result<(), LoopGone<T, E>> {
        let key = std::mem::replace(&mut self.key, usize::MAX); // Drop: nothing left to do
        let remote = self.remote.take().expect("SendResolvers is used once (it is consumed)");
        // The outcome waits in a slot, so that a refused post can hand it back.
        let slot = Arc::new(Mutex::new(Some(outcome)));
        let delivered = slot.clone();
        // The keep-alive ends on the loop thread after the delivery ran (`post_last`): one
        // wake-up per result for a loop driven as a future.
        let posted = remote.post_last(move || {
            let outcome = delivered.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let (Some(deliver), Some(outcome)) = (take_delivery::<T, E>(key), outcome) {
                deliver(outcome);
            }
        });
        match posted {
            Ok(()) => Ok(()),
            Err(refused) => {
                drop(refused);
                let outcome = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
                Err(LoopGone(outcome.expect("a refused task never ran")))
            }
        }
    }
}

fn take_delivery<T: 'static, E: 'static>(key: usize) -> Option<Deliver<T, E>> {
    let handle = Handle::try_current().ok()?;
    let pending = handle.extension(Pending::default);
    let entry = {
        let mut deliveries = pending.deliveries.borrow_mut();
        deliveries.contains(key).then(|| deliveries.remove(key))?
    };
    entry.downcast::<Deliver<T, E>>().ok().map(|d| *d)
}

impl<T, E> Drop for SendResolvers<T, E> {
    fn drop(&mut self) {
        if let (Some(remote), true) = (self.remote.take(), self.key != usize::MAX) {
            let key = self.key;
            // Never used: forget the loop side. The promise stays pending, as a JavaScript
            // promise whose resolve function was dropped does.
            let _ = remote.post_last(move || {
                if let Ok(handle) = Handle::try_current() {
                    let pending = handle.extension(Pending::default);
                    let removed = {
                        let mut deliveries = pending.deliveries.borrow_mut();
                        deliveries.contains(key).then(|| deliveries.remove(key))
                    };
                    drop(removed);
                }
            });
        }
    }
}

impl<T, E> fmt::Debug for SendResolvers<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendResolvers").finish_non_exhaustive()
    }
}

/// A job for a worker thread.
type WorkerJob = Box<dyn FnOnce() + Send>;

/// The worker pool's configuration: how many threads it may run at once, and how long an idle
/// thread waits for work before it ends.
///
/// ```
/// use std::time::Duration;
/// use settle::prelude::*;
/// use settle::promise::{WorkerPoolBuilder, WorkerPoolConfig};
///
/// let el = EventLoop::builder()
///     .worker_pool(WorkerPoolConfig::default().max_threads(4).keep_alive(Duration::from_secs(1)))
///     .build();
/// assert_eq!(el.block_on(async { spawn_blocking(|| Ok(2 + 2)).await }).unwrap(), 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerPoolConfig {
    max_threads: usize,
    keep_alive: Duration,
}

impl Default for WorkerPoolConfig {
    /// At most 128 threads; an idle one ends after 10 seconds.
    fn default() -> WorkerPoolConfig {
        WorkerPoolConfig { max_threads: 128, keep_alive: Duration::from_secs(10) }
    }
}

impl WorkerPoolConfig {
    /// The most threads the pool runs at once (at least 1). Jobs beyond it wait in a queue.
    ///
    /// ```
    /// let c = settle::promise::WorkerPoolConfig::default().max_threads(0);
    /// assert_eq!(c.get_max_threads(), 1);
    /// ```
    pub fn max_threads(mut self, max_threads: usize) -> WorkerPoolConfig {
        self.max_threads = max_threads.max(1);
        self
    }

    /// How long an idle thread waits for a job before it ends.
    ///
    /// ```
    /// use std::time::Duration;
    /// let c = settle::promise::WorkerPoolConfig::default().keep_alive(Duration::from_millis(5));
    /// assert_eq!(c.get_keep_alive(), Duration::from_millis(5));
    /// ```
    pub fn keep_alive(mut self, keep_alive: Duration) -> WorkerPoolConfig {
        self.keep_alive = keep_alive;
        self
    }

    /// The thread cap.
    ///
    /// ```
    /// assert_eq!(settle::promise::WorkerPoolConfig::default().get_max_threads(), 128);
    /// ```
    pub fn get_max_threads(&self) -> usize {
        self.max_threads
    }

    /// The idle time after which a thread ends.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(settle::promise::WorkerPoolConfig::default().get_keep_alive(), Duration::from_secs(10));
    /// ```
    pub fn get_keep_alive(&self) -> Duration {
        self.keep_alive
    }
}

/// The worker pool option on the loop's [`Builder`](settle_runtime::Builder): an extension
/// trait, so the option lives with the pool (settle-runtime knows nothing of workers).
///
/// ```
/// use settle::prelude::*;
/// use settle::promise::{WorkerPoolBuilder, WorkerPoolConfig};
/// let el = EventLoop::builder().worker_pool(WorkerPoolConfig::default().max_threads(2)).build();
/// # drop(el);
/// ```
pub trait WorkerPoolBuilder {
    /// Configures the loop's worker pool ([`spawn_blocking`]).
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::{WorkerPool, WorkerPoolBuilder, WorkerPoolConfig};
    /// let el = EventLoop::builder().worker_pool(WorkerPoolConfig::default().max_threads(3)).build();
    /// assert_eq!(WorkerPool::of(&el).config().get_max_threads(), 3);
    /// ```
    fn worker_pool(self, config: WorkerPoolConfig) -> settle_runtime::Builder;
}

impl WorkerPoolBuilder for settle_runtime::Builder {
    fn worker_pool(self, config: WorkerPoolConfig) -> settle_runtime::Builder {
        self.with_extension(WorkerPool::new(config))
    }
}

/// A loop's pool of worker threads, elastic: a thread starts when a job arrives and no thread
/// is idle (up to [`WorkerPoolConfig::max_threads`]), and an idle thread ends after
/// [`WorkerPoolConfig::keep_alive`]. So a burst of blocking jobs runs side by side however many
/// CPUs there are (blocking jobs mostly wait), and a quiet loop holds no threads. When the loop
/// (and with it the pool) is dropped, the threads finish the jobs already queued and end.
///
/// ```
/// use settle::prelude::*;
/// use settle::promise::WorkerPool;
///
/// let el = EventLoop::new();
/// let p = {
///     let _g = el.enter();
///     spawn_blocking(|| Ok((1..=10).product::<u64>()))
/// };
/// el.run().unwrap();
/// assert_eq!(p.result().unwrap().unwrap(), 3_628_800);
/// assert!(WorkerPool::of(&el).threads() <= 1);
/// ```
pub struct WorkerPool {
    shared: Arc<PoolShared>,
    config: Cell<WorkerPoolConfig>,
}

/// What the pool's threads share.
struct PoolShared {
    state: Mutex<PoolState>,
    /// Signalled when a job is queued or the pool shuts down.
    work: Condvar,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<WorkerJob>,
    /// Threads alive.
    threads: usize,
    /// Threads waiting for a job.
    idle: usize,
    /// Jobs running right now, and the most ever at once (for tests and tuning).
    running: usize,
    peak_running: usize,
    /// Set when the pool is dropped: the threads drain the queue and end.
    shutdown: bool,
}

impl Default for WorkerPool {
    fn default() -> WorkerPool {
        WorkerPool::new(WorkerPoolConfig::default())
    }
}

impl WorkerPool {
    fn new(config: WorkerPoolConfig) -> WorkerPool {
        WorkerPool {
            shared: Arc::new(PoolShared { state: Mutex::new(PoolState::default()), work: Condvar::new() }),
            config: Cell::new(config),
        }
    }

    /// The pool of the loop `handle` belongs to.
    ///
    /// ```
    /// let el = settle::prelude::EventLoop::new();
    /// assert_eq!(settle::promise::WorkerPool::of(&el).threads(), 0, "no thread until a job");
    /// ```
    pub fn of(handle: &Handle) -> Rc<WorkerPool> {
        handle.extension(WorkerPool::default)
    }

    /// The pool's configuration.
    ///
    /// ```
    /// let el = settle::prelude::EventLoop::new();
    /// assert_eq!(settle::promise::WorkerPool::of(&el).config(), Default::default());
    /// ```
    pub fn config(&self) -> WorkerPoolConfig {
        self.config.get()
    }

    /// How many worker threads are alive now.
    ///
    /// ```
    /// let el = settle::prelude::EventLoop::new();
    /// assert_eq!(settle::promise::WorkerPool::of(&el).threads(), 0);
    /// ```
    pub fn threads(&self) -> usize {
        self.shared.lock().threads
    }

    /// The most jobs that ever ran at once on this pool.
    ///
    /// ```
    /// let el = settle::prelude::EventLoop::new();
    /// assert_eq!(settle::promise::WorkerPool::of(&el).peak_running(), 0);
    /// ```
    pub fn peak_running(&self) -> usize {
        self.shared.lock().peak_running
    }

    fn submit(&self, job: WorkerJob) {
        let config = self.config.get();
        let mut state = self.shared.lock();
        state.queue.push_back(job);
        // More queued jobs than idle threads to take them: start one more, up to the cap.
        let start = state.queue.len() > state.idle && state.threads < config.max_threads;
        if start {
            state.threads += 1;
        }
        drop(state);
        self.shared.work.notify_one();
        if start {
            let shared = self.shared.clone();
            let spawned = thread::Builder::new()
                .name("settle-worker".to_string())
                .spawn(move || shared.work_loop(config.keep_alive));
            if spawned.is_err() {
                // No thread (resource limits): the job waits for a running one. With none at
                // all it would wait forever, so then it runs here.
                let mut state = self.shared.lock();
                state.threads -= 1;
                if state.threads == 0 {
                    let job = state.queue.pop_back();
                    drop(state);
                    if let Some(job) = job {
                        job();
                    }
                }
            }
        }
    }
}

impl PoolShared {
    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A worker thread: takes jobs until it has waited `keep_alive` with none, or the pool
    /// shut down and the queue is empty.
    fn work_loop(&self, keep_alive: Duration) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.queue.pop_front() {
                state.running += 1;
                state.peak_running = state.peak_running.max(state.running);
                drop(state);
                // A panic is caught by the job itself (spawn_blocking's wrapper).
                job();
                state = self.lock();
                state.running -= 1;
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (guard, waited) =
                self.work.wait_timeout(state, keep_alive).unwrap_or_else(|p| p.into_inner());
            state = guard;
            state.idle -= 1;
            if waited.timed_out() && state.queue.is_empty() {
                break;
            }
        }
        state.threads -= 1;
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        self.shared.lock().shutdown = true;
        self.shared.work.notify_all();
    }
}

impl fmt::Debug for WorkerPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerPool")
            .field("config", &self.config.get())
            .field("threads", &self.threads())
            .finish()
    }
}

/// Sets the most threads the loop's pool runs at once (see [`WorkerPoolConfig::max_threads`];
/// [`WorkerPoolBuilder::worker_pool`] sets it when the loop is built).
///
/// ```
/// let el = settle::prelude::EventLoop::new();
/// settle::promise::set_worker_pool_size(&el, 4);
/// assert_eq!(settle::promise::WorkerPool::of(&el).config().get_max_threads(), 4);
/// ```
pub fn set_worker_pool_size(handle: &Handle, size: usize) {
    let pool = WorkerPool::of(handle);
    pool.config.set(pool.config.get().max_threads(size));
}

/// Runs `f` on the loop's worker pool and returns a promise of its result, settled back on the
/// loop thread in order of completion. `Err` rejects the promise; a panic rejects it with a
/// [`PanicError`]. The loop stays alive until the result is back. If the loop is gone by then,
/// the result cannot be delivered: it is dropped and a line says so on stderr.
///
/// The closure's error type is settle's [`Error`](settle_promise::Error), so `|| Ok(42)` needs no
/// annotation; for another reason type use
/// [`Promise::from_blocking`](crate::PromiseFutures::from_blocking).
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
///
/// ```
/// use settle::prelude::*;
/// let el = EventLoop::new();
/// el.queue_task(|| {
///     spawn_local(async {
///         let s = spawn_blocking(|| Ok("computed elsewhere".to_string())).await?;
///         assert_eq!(s, "computed elsewhere");
///         Ok(())
///     });
/// });
/// el.run().unwrap();
/// ```
#[track_caller]
pub fn spawn_blocking<T, F>(f: F) -> Promise<T>
where
    T: Value + Send,
    F: FnOnce() -> Result<T, Error> + Send + 'static,
{
    from_blocking::<T, Error, NoThenables, F>(f)
}

/// `Promise::from_blocking` (see [`PromiseFutures`](crate::PromiseFutures)).
#[track_caller]
pub(crate) fn from_blocking<T, E, D, F>(f: F) -> Promise<T, E, D>
where
    T: Value + Send,
    E: Reason + Send,
    D: Thenables<T, E>,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    let handle = Handle::current();
    let (promise, send) = with_send_resolvers::<T, E, D>();
    WorkerPool::of(&handle).submit(Box::new(move || {
        let outcome = match catch_unwind(AssertUnwindSafe(f)) {
            Ok(outcome) => outcome,
            Err(payload) => Err(E::from_panic(PanicError::from_payload(payload.as_ref()))),
        };
        let delivered = match outcome {
            Ok(value) => send.resolve(value),
            Err(reason) => send.reject(reason),
        };
        if delivered.is_err() {
            eprintln!(
                "settle: a blocking task finished after its event loop was dropped; its result was dropped"
            );
        }
    }));
    promise
}
