//! `spawn_local` and the abortable forms: the Rust spellings of calling an `async` function,
//! built on the core's task (`Promise::from_future`, AsyncBlockStart) and its abort hook
//! (`TaskAbort`), which this crate connects to an [`AbortSignal`].

use std::future::Future;

use settle_promise::{Error, IntoResolution, Promise, Reason, Thenables, Value};

use crate::abort::AbortSignal;

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
/// [`PanicError`]: settle_promise::PanicError
#[track_caller]
pub fn spawn_local<T, F>(future: F) -> Promise<T>
where
    T: Value,
    F: Future<Output = Result<T, Error>> + 'static,
{
    Promise::from_future(future)
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
///
/// [`AbortError`]: settle_promise::AbortError
#[track_caller]
pub fn spawn_local_with_signal<T, F>(future: F, signal: &AbortSignal) -> Promise<T>
where
    T: Value,
    F: Future<Output = Result<T, Error>> + 'static,
{
    from_future_with_signal(future, signal)
}

/// `Promise::from_future_with_signal` (see [`PromiseFutures`](crate::PromiseFutures)): the
/// core's abortable task, armed with an [`AbortSignal`].
#[track_caller]
pub(crate) fn from_future_with_signal<T, E, D, F, R>(future: F, signal: &AbortSignal) -> Promise<T, E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
{
    Promise::from_future_abortable(future, |task| {
        if signal.aborted() {
            task.abort();
            return;
        }
        let abort = task.clone();
        let registration = signal.on_abort(move || abort.abort());
        let signal = signal.clone();
        task.on_finish(move || signal.remove(registration));
    })
}
