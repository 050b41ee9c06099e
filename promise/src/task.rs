//! Tasks: futures run on the loop, each tied to a promise (the book's generator runner,
//! chapter 4, which `async` functions replaced).
//!
//! How tasks, wakers and the job queue meet:
//!
//! - [`spawn_local`] polls the future at once, like calling a JavaScript `async` function,
//!   which runs synchronously up to its first `await`.
//! - Awaiting a settle [`Promise`](crate::Promise) directly in the task body registers a
//!   reaction whose job resumes the task itself (see `future.rs`): the task continues in the
//!   very microtask tick a JavaScript `async` function would, with no extra job in between.
//! - Any other future wakes the task through its [`Waker`], which posts a macrotask through the
//!   loop's [`Remote`] (so wakes from other threads work the same way), and that task polls it.
//!   A task whose waker is held outside it (a foreign future waiting for another thread) keeps
//!   the loop alive until it is polled again; nothing is polled unless woken.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use settle_runtime::{Handle, Remote};
use slab::Slab;

use crate::abort::{AbortRegistration, AbortSignal};
use crate::error::{AbortError, PanicError, Reason, Value};
use crate::promise::Promise;
use crate::resolution::{IntoResolution, Thenables};

type TaskFuture = Pin<Box<dyn Future<Output = ()>>>;

/// Rejects a task's promise when its future panics or is aborted.
type OnFailure = Box<dyn FnOnce(TaskFailure)>;

thread_local! {
    /// The task being polled on this thread, for awaits that resume it directly.
    static CURRENT_TASK: RefCell<Option<Rc<Task>>> = const { RefCell::new(None) };
}

/// The task being polled now, if any.
pub(crate) fn current_task() -> Option<Rc<Task>> {
    CURRENT_TASK.with(|t| t.borrow().clone())
}

/// A spawned future and what it needs to be resumed.
pub(crate) struct Task {
    /// `None` while being polled, once finished, or once aborted.
    future: RefCell<Option<TaskFuture>>,
    /// Rejects the task's promise: called with the error when the future panics or is aborted.
    on_failure: RefCell<Option<OnFailure>>,
    waker: Arc<TaskWaker>,
    /// A keep-alive remote held while a clone of the waker is stored outside the task.
    keep_alive: RefCell<Option<Remote>>,
    remote: Remote,
    aborted: Cell<bool>,
    /// The abort algorithm to remove when the task finishes.
    abort: RefCell<Option<(AbortSignal, AbortRegistration)>>,
}

pub(crate) enum TaskFailure {
    Panic(PanicError),
    Abort,
}

/// The loop's live tasks, so a wake arriving through the Remote can find its task.
#[derive(Default)]
struct Registry {
    tasks: RefCell<Slab<(u64, Rc<Task>)>>,
    next_id: Cell<u64>,
}

/// The thread-safe part of a task: enough to post "poll task (key, id)" to its loop.
struct TaskWaker {
    remote: Remote,
    key: usize,
    id: u64,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let (key, id) = (self.key, self.id);
        // A loop that is gone has dropped the task too: nothing to wake.
        let _ = self.remote.post(move || {
            if let Ok(handle) = Handle::try_current() {
                let registry = handle.extension(Registry::default);
                let task = registry.tasks.borrow().get(key).filter(|(i, _)| *i == id).map(|(_, t)| t.clone());
                if let Some(task) = task {
                    task.resume();
                }
            }
        });
    }
}

impl Task {
    /// Registers the task on the current loop and polls it for the first time.
    fn spawn(future: TaskFuture, on_failure: OnFailure, signal: Option<&AbortSignal>) {
        let handle = Handle::current();
        let registry = handle.extension(Registry::default);
        let id = registry.next_id.get();
        registry.next_id.set(id + 1);
        let remote = handle.remote();
        let mut tasks = registry.tasks.borrow_mut();
        let entry = tasks.vacant_entry();
        let task = Rc::new(Task {
            future: RefCell::new(Some(future)),
            on_failure: RefCell::new(Some(on_failure)),
            waker: Arc::new(TaskWaker { remote: remote.clone(), key: entry.key(), id }),
            keep_alive: RefCell::new(None),
            remote,
            aborted: Cell::new(false),
            abort: RefCell::new(None),
        });
        entry.insert((id, task.clone()));
        drop(tasks);
        if let Some(signal) = signal {
            if signal.aborted() {
                task.abort();
                return;
            }
            let weak = Rc::downgrade(&task);
            let registration = signal.on_abort(move || {
                if let Some(task) = weak.upgrade() {
                    task.abort();
                }
            });
            *task.abort.borrow_mut() = Some((signal.clone(), registration));
        }
        task.resume();
    }

    /// Whether `waker` is this task's own waker (not one wrapped by a combinator).
    pub(crate) fn owns(&self, waker: &Waker) -> bool {
        let own = Waker::from(self.waker.clone());
        waker.will_wake(&own)
    }

    /// Polls the future once. Called at spawn, from an awaited promise's reaction job, and from
    /// a macrotask posted by the waker.
    pub(crate) fn resume(self: &Rc<Self>) {
        let Some(mut future) = self.future.borrow_mut().take() else {
            return; // finished, aborted, or already being polled
        };
        self.keep_alive.borrow_mut().take();
        let waker = Waker::from(self.waker.clone());
        let previous = CURRENT_TASK.with(|t| t.replace(Some(self.clone())));
        let polled =
            catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut Context::from_waker(&waker))));
        CURRENT_TASK.with(|t| *t.borrow_mut() = previous);
        drop(waker);
        match polled {
            Ok(Poll::Pending) if !self.aborted.get() => {
                *self.future.borrow_mut() = Some(future);
                if Arc::strong_count(&self.waker) > 1 {
                    // Someone outside keeps our waker: outside work is under way.
                    let mut remote = self.remote.clone();
                    remote.set_keep_alive(true);
                    *self.keep_alive.borrow_mut() = Some(remote);
                }
            }
            Ok(_) => self.finish(future),
            Err(payload) => {
                let error = PanicError::from_payload(payload.as_ref());
                let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
                self.fail(TaskFailure::Panic(error));
                self.finish(future);
            }
        }
    }

    /// Aborts the task: its future is dropped (at once, or when its current poll returns) and
    /// its promise rejects with an AbortError.
    pub(crate) fn abort(self: &Rc<Self>) {
        if self.aborted.replace(true) {
            return;
        }
        self.fail(TaskFailure::Abort);
        let future = self.future.borrow_mut().take();
        if let Some(future) = future {
            self.finish(future);
        }
    }

    fn fail(&self, failure: TaskFailure) {
        let on_failure = self.on_failure.borrow_mut().take();
        if let Some(on_failure) = on_failure {
            on_failure(failure);
        }
    }

    /// Unregisters the task and drops its future (whose destructor may panic: caught).
    fn finish(self: &Rc<Self>, future: TaskFuture) {
        self.keep_alive.borrow_mut().take();
        let abort = self.abort.borrow_mut().take();
        if let Some((signal, registration)) = abort {
            signal.remove(registration);
        }
        let _ = catch_unwind(AssertUnwindSafe(move || drop(future)));
        self.on_failure.borrow_mut().take();
        if let Ok(handle) = Handle::try_current() {
            let registry = handle.extension(Registry::default);
            let mut tasks = registry.tasks.borrow_mut();
            if tasks.get(self.waker.key).is_some_and(|(id, _)| *id == self.waker.id) {
                let removed = tasks.remove(self.waker.key);
                drop(tasks);
                drop(removed);
            }
        }
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task").field("id", &self.waker.id).finish_non_exhaustive()
    }
}

fn spawn_task<T, E, D, F, R>(
    future: F,
    signal: Option<&AbortSignal>,
    abort_error: fn() -> E,
) -> Promise<T, E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
{
    let (promise, resolvers) = Promise::<T, E, D>::with_resolvers();
    let settle = resolvers.clone();
    // The body's completion goes through the promise's resolve function, in the same tick:
    // returning a promise from the body adopts it (two more ticks), as in JavaScript.
    let body = async move {
        match future.await {
            Ok(result) => settle.resolve(result),
            Err(error) => settle.reject(error),
        }
    };
    let on_failure = move |failure: TaskFailure| match failure {
        TaskFailure::Panic(error) => resolvers.reject(E::from(error)),
        TaskFailure::Abort => resolvers.reject(abort_error()),
    };
    Task::spawn(Box::pin(body), Box::new(on_failure), signal);
    promise
}

/// Runs a `!Send` future as a task on the current loop and returns a promise of its result,
/// like calling a JavaScript `async` function (or the book's `run(gen)`): the future runs at
/// once until it first waits; `Ok` resolves the promise (a returned promise is adopted), `Err`
/// rejects it, so `?` works like `try`/`catch` across awaits. A panic rejects the promise with
/// a [`PanicError`]; the loop goes on.
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
///
/// ```
/// use settle_promise::{spawn_local, Error, Promise};
/// use settle_runtime::EventLoop;
///
/// let el = EventLoop::new();
/// el.queue_task(|| {
///     let p: Promise<i32> = spawn_local(async {
///         let a = Promise::<i32>::resolve(20).await?;
///         let b = Promise::<i32>::resolve(22).await?;
///         Ok::<_, Error>(a + b)
///     });
///     p.then(|v| { assert_eq!(v, 42); Ok(()) });
/// });
/// el.run().unwrap();
/// ```
pub fn spawn_local<T, E, D, F, R>(future: F) -> Promise<T, E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
{
    spawn_task(future, None, || unreachable!("a task without a signal is never aborted"))
}

/// [`spawn_local`] with an [`AbortSignal`]: aborting drops the future (cancelling whatever it
/// waits for, such as its timers) and rejects the promise with an [`AbortError`]. A signal
/// already aborted rejects at once without running the future.
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
///
/// ```
/// use settle_promise::{spawn_local_with_signal, sleep, AbortController, Error, ErrorKind, Promise};
/// use settle_runtime::EventLoop;
/// use std::time::Duration;
///
/// let el = EventLoop::builder().virtual_clock().build();
/// el.queue_task(|| {
///     let controller = AbortController::new();
///     let p: Promise<()> = spawn_local_with_signal(async {
///         sleep::<Error>(Duration::from_secs(60)).await?;
///         panic!("aborted before the timer fired: never gets here");
///         #[allow(unreachable_code)]
///         Ok::<(), Error>(())
///     }, &controller.signal());
///     controller.abort();
///     p.catch(|e| { assert!(matches!(e.kind(), ErrorKind::Abort(_))); Ok(()) });
/// });
/// el.run().unwrap();
/// assert_eq!(el.now(), Duration::ZERO, "the aborted task's timer was cleared");
/// ```
pub fn spawn_local_with_signal<T, E, D, F, R>(future: F, signal: &AbortSignal) -> Promise<T, E, D>
where
    T: Value,
    E: Reason + From<AbortError>,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
{
    spawn_task(future, Some(signal), || E::from(AbortError))
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Promise<T, E, D> {
    /// A promise of a future's result: [`spawn_local`].
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use settle_promise::{Error, Promise};
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_task(|| {
    ///     let p = Promise::<i32>::from_future(async { Ok::<i32, Error>(7) });
    ///     assert_eq!(p.result().unwrap().unwrap(), 7, "ran to completion at once");
    /// });
    /// el.run().unwrap();
    /// ```
    pub fn from_future<F, R>(future: F) -> Promise<T, E, D>
    where
        F: Future<Output = Result<R, E>> + 'static,
        R: IntoResolution<T, E, D>,
    {
        spawn_local(future)
    }
}
