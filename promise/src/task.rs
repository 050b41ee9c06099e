//! Tasks: futures run on the loop, each tied to a promise (the book's generator runner,
//! chapter 4, which `async` functions replaced).
//!
//! How tasks, wakers and the job queue meet:
//!
//! - [`spawn_local`] polls the future at once, like calling a JavaScript `async` function,
//!   which runs synchronously up to its first `await`.
//! - Awaiting a settle [`Promise`](crate::Promise) directly in the task body registers a
//!   reaction whose job resumes the task itself, handing it the outcome (see `future.rs` and
//!   `task/direct.rs`): the task continues in the very microtask tick a JavaScript `async`
//!   function would, with no extra job in between.
//! - Any other future wakes the task through its [`Waker`](std::task::Waker), which posts a
//!   macrotask through the loop's [`Remote`](settle_runtime::Remote) (so wakes from other
//!   threads work the same way), and that task polls it. A task whose waker is held outside it
//!   (a foreign future waiting for another thread) keeps the loop alive until it is woken (or
//!   the clone is dropped); nothing is polled unless woken.
//!
//! The layout is chosen for the common case, a task that only awaits settle promises: the task
//! is one allocation (`Task<BodyOf<..>>`: bookkeeping, resolving functions and the future
//! inline), polled with a waker that costs nothing to make (`task/waker.rs`); the thread-safe
//! waker, the loop's registry entry (`task/registry.rs`) and the rare-case bookkeeping are
//! created only when something needs them. An await of a settle promise costs its reaction
//! record and nothing else.

mod core;
mod direct;
mod registry;
mod waker;

use std::cell::{Cell, UnsafeCell};
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use settle_runtime::Handle;

use crate::abort::AbortSignal;
use crate::error::{AbortError, Error, Reason, Value};
use crate::promise::Promise;
use crate::resolution::{IntoResolution, NoThenables, Thenables};
use crate::resolving::Resolvers;

use self::core::{Body, Failure, Header, Task, TaskRef, resume};

pub(crate) use self::direct::{DirectAwait, WeakTask};

pub(crate) use self::waker::own_task;

/// The error an aborted task's promise rejects with: a type parameter, so that a task without
/// a signal stores nothing for it.
trait AbortReason<E> {
    fn error() -> E;
}

/// `spawn_local`: never aborted.
struct Unabortable;

impl<E> AbortReason<E> for Unabortable {
    fn error() -> E {
        unreachable!("a task without a signal is never aborted")
    }
}

/// `spawn_local_with_signal`: rejects with an AbortError.
struct Abortable;

impl<E: Reason> AbortReason<E> for Abortable {
    fn error() -> E {
        E::from_abort(AbortError)
    }
}

/// A task's body: its promise and its future.
///
/// Eight bytes less than `Option<Resolvers>` and `Option<F>` would take: the promise's
/// resolving functions are made when they are used (nobody else can make a pair for this
/// promise, so the pair is the same), and whether the future is still there is a bit of the
/// header. That keeps a small task (W7's) at 120 bytes, within glibc's fast bins.
struct BodyOf<F, T, E, D, A> {
    /// Taken by the first of: the body's completion, a panic, an abort.
    promise: Cell<Option<Promise<T, E, D>>>,
    /// Accessed only by `poll_body` (while the header says "polling") and `drop_body` (while
    /// it does not); never moved once here, only dropped in place, once (the header says).
    future: UnsafeCell<ManuallyDrop<F>>,
    abort: PhantomData<A>,
}

impl<F, T, E, D, A> BodyOf<F, T, E, D, A>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    /// The promise's resolving functions, for the first (and only) settlement.
    fn take_resolvers(&self) -> Option<Resolvers<T, E, D>> {
        self.promise.take().map(|promise| Resolvers::create_resolving_functions(&promise))
    }
}

impl<F, R, T, E, D, A> Body for BodyOf<F, T, E, D, A>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
    A: AbortReason<E> + 'static,
{
    fn poll_body(&self, header: &Header, cx: &mut Context<'_>) -> Poll<()> {
        debug_assert!(header.is_polling(), "poll_body outside resume");
        if header.is_future_dropped() {
            return Poll::Ready(()); // unreachable: a task whose future is gone is done
        }
        // SAFETY: `future` is only touched here and in `drop_body`. `resume` is the only
        // caller of this method and marks the task as polling first, and `drop_body` never
        // runs while it is (nor does `resume` re-enter: a task being polled is not polled
        // again), so this is the only reference to the cell's contents. The future is still
        // there: checked above.
        let future: &mut F = unsafe { &mut *self.future.get() };
        // SAFETY: the future lives inside the task's `Rc` allocation, which never moves, and is
        // never moved out of it (`drop_body` drops it in place), so it stays at this address
        // until it is dropped: the pinning guarantee.
        let future = unsafe { Pin::new_unchecked(future) };
        let result = match future.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        // The body's completion goes through the promise's resolve function, in the same tick:
        // returning a promise from the body adopts it (two more ticks), as in JavaScript.
        if let Some(resolvers) = self.take_resolvers() {
            match result {
                Ok(value) => resolvers.resolve(value),
                Err(error) => resolvers.reject(error),
            }
        }
        Poll::Ready(())
    }

    fn fail(&self, failure: Failure) {
        if let Some(resolvers) = self.take_resolvers() {
            resolvers.reject(match failure {
                Failure::Panic(error) => E::from_panic(error),
                Failure::Abort => A::error(),
            });
        }
    }

    fn drop_body(&self, header: &Header) {
        debug_assert!(!header.is_polling(), "drop_body while polling");
        if header.is_polling() || header.is_future_dropped() {
            return;
        }
        // Marked first: a destructor that panics must not be run again.
        header.mark_future_dropped();
        // SAFETY: not polling (checked above), so no reference into `future` exists (see
        // `poll_body`), and not dropped before (checked, and now marked): dropping it in place
        // once, which pinning allows. Nothing reads it afterwards (`poll_body` checks the mark).
        unsafe { ManuallyDrop::drop(&mut *self.future.get()) };
        self.promise.take();
    }
}

#[track_caller]
fn spawn_task<T, E, D, F, R, A>(future: F, signal: Option<&AbortSignal>) -> Promise<T, E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
    A: AbortReason<E> + 'static,
{
    if let Err(e) = Handle::try_current() {
        panic!("{e}");
    }
    let (promise, resolvers) = Promise::<T, E, D>::with_resolvers();
    drop(resolvers); // made again when used (see `BodyOf`)
    let task: TaskRef = Rc::new(Task {
        header: Header::new(),
        body: BodyOf::<F, T, E, D, A> {
            promise: Cell::new(Some(promise.clone())),
            future: UnsafeCell::new(ManuallyDrop::new(future)),
            abort: PhantomData,
        },
    });
    if let Some(signal) = signal {
        if signal.aborted() {
            self::core::abort(&task);
            return promise;
        }
        let weak = Rc::downgrade(&task);
        let registration = signal.on_abort(move || {
            if let Some(task) = weak.upgrade() {
                self::core::abort(&task);
            }
        });
        task.header.set_abort(signal.clone(), registration);
    }
    resume(&task, None);
    promise
}

/// Runs a `!Send` future as a task on the current loop and returns a promise of its result,
/// like calling a JavaScript `async` function (or the book's `run(gen)`): the future runs at
/// once until it first waits; `Ok` fulfills the promise, `Err` rejects it, so `?` works like
/// `try`/`catch` across awaits. A panic rejects the promise with a [`PanicError`]; the loop
/// goes on.
///
/// The future's error type is settle's [`Error`], so that `Ok(())` at the end of an `async`
/// block needs no annotation and `?` converts into it. For another reason type, a body that
/// returns a promise to adopt, or an embedder's classifier, use [`Promise::from_future`].
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
///
/// ```
/// use settle::prelude::*;
///
/// let el = EventLoop::new();
/// el.queue_task(|| {
///     let p = spawn_local(async {
///         let a = Promise::resolve(20).await?;
///         let b = Promise::resolve(22).await?;
///         Ok(a + b)
///     });
///     p.then(|v| { assert_eq!(v, 42); Ok(()) });
///     spawn_local(async { Ok(()) }); // discarding the promise is fine
/// });
/// el.run().unwrap();
/// ```
///
/// [`PanicError`]: crate::PanicError
#[track_caller]
pub fn spawn_local<T, F>(future: F) -> Promise<T>
where
    T: Value,
    F: Future<Output = Result<T, Error>> + 'static,
{
    spawn_task::<T, Error, NoThenables, F, T, Unabortable>(future, None)
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
/// use settle::prelude::*;
/// use settle::promise::{spawn_local_with_signal, AbortController, ErrorKind};
/// use std::time::Duration;
///
/// let el = EventLoop::builder().virtual_clock().build();
/// el.queue_task(|| {
///     let controller = AbortController::new();
///     let p = spawn_local_with_signal(async {
///         sleep(Duration::from_secs(60)).await?;
///         unreachable!("aborted before the timer fired");
///     }, &controller.signal());
///     controller.abort();
///     p.catch(|e| { assert!(matches!(e.kind(), ErrorKind::Abort(_))); Ok(()) });
/// });
/// el.run().unwrap();
/// assert_eq!(el.now(), Duration::ZERO, "the aborted task's timer was cleared");
/// ```
#[track_caller]
pub fn spawn_local_with_signal<T, F>(future: F, signal: &AbortSignal) -> Promise<T>
where
    T: Value,
    F: Future<Output = Result<T, Error>> + 'static,
{
    Promise::from_future_with_signal(future, signal)
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Promise<T, E, D> {
    /// A promise of a future's result, for any reason type and classifier: [`spawn_local`]
    /// without its fixed types. `Ok` resolves the promise (a returned promise or thenable is
    /// adopted, as an `async` function's return value is), `Err` rejects it.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let el = EventLoop::new();
    /// el.queue_task(|| {
    /// let p = Promise::<i32, String>::from_future(async { Err::<i32, _>("no".to_string()) });
    ///     assert_eq!(p.result(), Some(Err("no".to_string())), "ran to completion at once");
    ///     p.catch(|_| Ok(0));
    /// });
    /// el.run().unwrap();
    /// ```
    #[track_caller]
    pub fn from_future<F, R>(future: F) -> Promise<T, E, D>
    where
        F: Future<Output = Result<R, E>> + 'static,
        R: IntoResolution<T, E, D>,
    {
        spawn_task::<T, E, D, F, R, Unabortable>(future, None)
    }

    /// [`Promise::from_future`] with an [`AbortSignal`], as [`spawn_local_with_signal`]: aborting
    /// drops the future and rejects the promise with an AbortError (through
    /// [`Reason::from_abort`]).
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::AbortController;
    /// let el = EventLoop::new();
    /// el.queue_task(|| {
    ///     let c = AbortController::new();
    ///     c.abort();
    ///     let p = Promise::<i32, String>::from_future_with_signal(async { Ok(1) }, &c.signal());
    ///     assert_eq!(p.result(), Some(Err("AbortError: This operation was aborted".to_string())));
    ///     p.catch(|_| Ok(0));
    /// });
    /// el.run().unwrap();
    /// ```
    #[track_caller]
    pub fn from_future_with_signal<F, R>(future: F, signal: &AbortSignal) -> Promise<T, E, D>
    where
        F: Future<Output = Result<R, E>> + 'static,
        R: IntoResolution<T, E, D>,
    {
        spawn_task::<T, E, D, F, R, Abortable>(future, Some(signal))
    }
}
