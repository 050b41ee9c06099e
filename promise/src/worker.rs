//! Work on other threads, settled back on the loop (the book's Web Workers, chapter 5).
//!
//! - [`SendResolvers`]: a `Send` handle that lets any thread settle a promise living on the
//!   loop thread, through the loop's [`Remote`]. It keeps the loop alive until used or dropped.
//!   If the loop is gone, the value comes back to the caller as an error: nothing is lost
//!   silently.
//! - [`spawn_blocking`]: runs a `Send` closure on the loop's worker pool and resolves a promise
//!   with its result; a panicking closure rejects it.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use settle_runtime::{Handle, Remote};
use slab::Slab;

use crate::error::{PanicError, Reason, Value};
use crate::promise::Promise;
use crate::resolution::Thenables;

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
/// use settle_promise::{Error, Promise};
/// let el = settle_runtime::EventLoop::new();
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
    /// # let el = settle_runtime::EventLoop::new();
    /// # let send = { let _g = el.enter(); settle_promise::Promise::<i32>::with_send_resolvers().1 };
    /// # drop(el);
    /// assert!(send.reject(settle_promise::Error::msg("x")).unwrap_err().into_inner().is_err());
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
/// use settle_promise::Promise;
/// use settle_runtime::EventLoop;
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
    remote: Remote,
    key: usize,
    _types: std::marker::PhantomData<fn(T, E)>,
}

impl<T: Value + Send, E: Reason + Send, D: Thenables<T, E>> Promise<T, E, D> {
    /// A pending promise and resolving functions that another thread may use.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (p, send) = settle_promise::Promise::<u8>::with_send_resolvers();
    /// send.resolve(1).unwrap();
    /// ```
    #[track_caller]
    pub fn with_send_resolvers() -> (Promise<T, E, D>, SendResolvers<T, E>) {
        let handle = Handle::current();
        let (promise, resolvers) = Promise::<T, E, D>::with_resolvers();
        let deliver: Deliver<T, E> = Box::new(move |outcome| match outcome {
            Ok(value) => resolvers.resolve(value),
            Err(reason) => resolvers.reject(reason),
        });
        let key = handle.extension(Pending::default).deliveries.borrow_mut().insert(Box::new(deliver));
        let mut remote = handle.remote();
        remote.set_keep_alive(true);
        (promise, SendResolvers { remote, key, _types: std::marker::PhantomData })
    }
}

impl<T: Send + 'static, E: Send + 'static> SendResolvers<T, E> {
    /// Resolves the promise with `value` on the loop thread.
    ///
    /// # Errors
    ///
    /// [`LoopGone`] with the value when the loop has been dropped.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (_p, send) = settle_promise::Promise::<u8>::with_send_resolvers();
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
    /// let el = settle_runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let (p, send) = settle_promise::Promise::<u8>::with_send_resolvers();
    /// p.catch(|_| Ok(0));
    /// assert!(send.reject(settle_promise::Error::msg("no")).is_ok());
    /// ```
    pub fn reject(self, reason: E) -> Result<(), LoopGone<T, E>> {
        self.settle(Err(reason))
    }

    fn settle(mut self, outcome: Result<T, E>) -> Result<(), LoopGone<T, E>> {
        let key = std::mem::replace(&mut self.key, usize::MAX); // Drop: nothing left to do
        // The outcome waits in a slot, so that a refused post can hand it back.
        let slot = Arc::new(Mutex::new(Some(outcome)));
        let delivered = slot.clone();
        let posted = self.remote.post(move || {
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
        if self.key != usize::MAX {
            let key = self.key;
            // Never used: forget the loop side. The promise stays pending, as a JavaScript
            // promise whose resolve function was dropped does.
            let _ = self.remote.post(move || {
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

/// A fixed-size pool of worker threads belonging to one loop. The threads end when the loop
/// (and with it the pool) is dropped and the jobs already queued are done.
///
/// ```
/// use settle_promise::{set_worker_pool_size, spawn_blocking, Error, Promise};
///
/// let el = settle_runtime::EventLoop::new();
/// set_worker_pool_size(&el, 2);
/// let p = {
///     let _g = el.enter();
///     spawn_blocking(|| Ok((1..=10).product::<u64>()))
/// };
/// el.run().unwrap();
/// assert_eq!(p.result().unwrap().unwrap(), 3_628_800);
/// ```
pub struct WorkerPool {
    sender: Mutex<Option<mpsc::Sender<WorkerJob>>>,
    size: RefCell<usize>,
}

impl Default for WorkerPool {
    fn default() -> WorkerPool {
        let size = thread::available_parallelism().map_or(2, |n| n.get());
        WorkerPool { sender: Mutex::new(None), size: RefCell::new(size) }
    }
}

impl WorkerPool {
    fn submit(&self, job: WorkerJob) {
        let mut sender = self.sender.lock().unwrap_or_else(|p| p.into_inner());
        let sender = sender.get_or_insert_with(|| {
            // Started on first use, so a loop that never blocks never spawns threads.
            let (tx, rx) = mpsc::channel::<WorkerJob>();
            let rx = Arc::new(Mutex::new(rx));
            for i in 0..*self.size.borrow() {
                let rx = rx.clone();
                thread::Builder::new()
                    .name(format!("settle-worker-{i}"))
                    .spawn(move || {
                        loop {
                            let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                            match job {
                                Ok(job) => job(),
                                Err(_) => return, // the pool was dropped
                            }
                        }
                    })
                    .expect("spawning a settle worker thread");
            }
            tx
        });
        // The receivers live as long as the threads, which outlive the sender.
        let _ = sender.send(job);
    }
}

impl fmt::Debug for WorkerPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerPool").field("size", &*self.size.borrow()).finish()
    }
}

/// Sets the number of worker threads of the loop's pool (default: the number of CPUs). Takes
/// effect if the pool has not started yet.
///
/// ```
/// let el = settle_runtime::EventLoop::new();
/// settle_promise::set_worker_pool_size(&el, 4);
/// ```
pub fn set_worker_pool_size(handle: &Handle, size: usize) {
    *handle.extension(WorkerPool::default).size.borrow_mut() = size.max(1);
}

/// Runs `f` on the loop's worker pool and returns a promise of its result, settled back on the
/// loop thread in order of completion. `Err` rejects the promise; a panic rejects it with a
/// [`PanicError`]. The loop stays alive until the result is back. If the loop is gone by then,
/// the result cannot be delivered: it is dropped and a line says so on stderr.
///
/// The closure's error type is settle's [`Error`](crate::Error), so `|| Ok(42)` needs no
/// annotation; for another reason type use [`Promise::from_blocking`].
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
    F: FnOnce() -> Result<T, crate::Error> + Send + 'static,
{
    Promise::from_blocking(f)
}

impl<T: Value + Send, E: Reason + Send> Promise<T, E> {
    /// [`spawn_blocking`] for any reason type.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let v = block_on(async {
    ///     Promise::<u64, String>::from_blocking(|| Err("disk full".to_string())).await
    /// });
    /// assert_eq!(v, Err("disk full".to_string()));
    /// ```
    #[track_caller]
    pub fn from_blocking<F>(f: F) -> Promise<T, E>
    where
        F: FnOnce() -> Result<T, E> + Send + 'static,
    {
        let handle = Handle::current();
        let (promise, send) = Promise::<T, E>::with_send_resolvers();
        handle.extension(WorkerPool::default).submit(Box::new(move || {
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
}
