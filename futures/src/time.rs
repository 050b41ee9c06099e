//! `sleep` and `timeout` on settle's timers, for async code.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use settle_runtime::{Handle, TimerId};

use crate::abort::{AbortRegistration, AbortSignal};
use settle_promise::{AbortError, Promise, PromiseFuture, Reason, Resolvers, TimeoutError};

/// A future that completes after a delay on the loop's clock: the `await new Promise(r =>
/// setTimeout(r, ms))` of JavaScript, with the same timing (the timer's macrotask resolves a
/// promise; the awaiting task resumes in that macrotask's checkpoint). Dropping it clears the
/// timer, so an abandoned sleep never keeps the loop alive.
///
/// Its output is a `Result` so that `?` works in a task; it is `Err` only when a signal
/// aborted it ([`sleep_with_signal`]). `E` is the error of that case: settle's [`Error`] from
/// [`sleep`], any [`Reason`] from [`Sleep::new`].
///
/// ```
/// use std::time::Duration;
/// use settle::prelude::*;
///
/// let el = EventLoop::builder().virtual_clock().build();
/// el.queue_task(|| {
///     spawn_local(async {
///         sleep(Duration::from_secs(3600)).await?;
///         Ok(())
///     });
/// });
/// el.run().unwrap();
/// assert_eq!(el.now(), Duration::from_secs(3600));
/// ```
///
/// [`Error`]: settle_promise::Error
pub struct Sleep<E = settle_promise::Error> {
    handle: Handle,
    timer: TimerId,
    resolvers: Resolvers<(), E>,
    future: PromiseFuture<(), E, settle_promise::NoThenables>,
    /// The abort algorithm to remove when the sleep is dropped.
    abort: Option<(AbortSignal, AbortRegistration)>,
}

/// Sleeps for `duration` on the current loop's clock.
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
///
/// ```
/// use settle::prelude::*;
/// let el = EventLoop::new();
/// let _g = el.enter();
/// let s = sleep(std::time::Duration::from_millis(1));
/// drop(s); // clears the timer
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::new(duration)
}

/// [`sleep`] that an [`AbortSignal`] can cut short: aborting clears the timer and the sleep
/// fails with an AbortError. An already aborted signal fails at once.
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
///
/// ```
/// use std::time::Duration;
/// use settle::prelude::*;
/// use settle::promise::{sleep_with_signal, AbortController, ErrorKind};
///
/// let el = EventLoop::builder().virtual_clock().build();
/// el.queue_task(|| {
///     let controller = AbortController::new();
///     let signal = controller.signal();
///     let p = spawn_local(async move { sleep_with_signal(Duration::from_secs(10), &signal).await });
///     controller.abort();
///     p.catch(|e| { assert!(matches!(e.kind(), ErrorKind::Abort(_))); Ok(()) });
/// });
/// el.run().unwrap();
/// assert_eq!(el.now(), Duration::ZERO);
/// ```
#[track_caller]
pub fn sleep_with_signal(duration: Duration, signal: &AbortSignal) -> Sleep {
    Sleep::with_signal(duration, signal)
}

impl<E: Reason> Sleep<E> {
    /// [`sleep`] for any reason type `E` (the type of an abort's error).
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use std::time::Duration;
    /// use settle::prelude::*;
    /// use settle::promise::Sleep;
    /// let el = EventLoop::builder().virtual_clock().build();
    /// el.queue_task(|| {
    ///     Promise::<(), String>::from_future(async {
    ///         Sleep::<String>::new(Duration::from_secs(1)).await?;
    ///         Ok(())
    ///     });
    /// });
    /// el.run().unwrap();
    /// assert_eq!(el.now(), Duration::from_secs(1));
    /// ```
    #[track_caller]
    pub fn new(duration: Duration) -> Sleep<E> {
        let handle = Handle::current();
        let (promise, resolvers) = Promise::<(), E>::with_resolvers();
        let fire = resolvers.clone();
        let timer = handle.set_timeout(duration, move || fire.resolve(()));
        Sleep { handle, timer, resolvers, future: promise.into_future(), abort: None }
    }

    /// [`sleep_with_signal`] for any reason type `E`: the abort rejects through
    /// [`Reason::from_abort`].
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use std::time::Duration;
    /// use settle::prelude::*;
    /// use settle::promise::{AbortController, Sleep};
    /// let el = EventLoop::builder().virtual_clock().build();
    /// el.queue_task(|| {
    ///     let c = AbortController::new();
    ///     c.abort();
    ///     let s = Sleep::<String>::with_signal(Duration::from_secs(1), &c.signal());
    ///     Promise::<(), String>::from_future(s).catch(|e| {
    ///         assert_eq!(e, "AbortError: This operation was aborted");
    ///         Ok(())
    ///     });
    /// });
    /// el.run().unwrap();
    /// ```
    #[track_caller]
    pub fn with_signal(duration: Duration, signal: &AbortSignal) -> Sleep<E> {
        let mut sleep = Sleep::<E>::new(duration);
        if signal.aborted() {
            sleep.abort();
        } else {
            let (handle, timer, resolvers) = (sleep.handle.clone(), sleep.timer, sleep.resolvers.clone());
            let registration = signal.on_abort(move || {
                handle.clear_timer(timer);
                // Ignored if the timer already fired: [[AlreadyResolved]].
                resolvers.reject(E::from_abort(AbortError));
            });
            sleep.abort = Some((signal.clone(), registration));
        }
        sleep
    }

    fn abort(&self) {
        self.handle.clear_timer(self.timer);
        self.resolvers.reject(E::from_abort(AbortError));
    }
}

impl<E: Reason> Future for Sleep<E> {
    type Output = Result<(), E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        Pin::new(&mut self.future).poll(cx)
    }
}

impl<E> Drop for Sleep<E> {
    fn drop(&mut self) {
        self.handle.clear_timer(self.timer);
        if let Some((signal, registration)) = self.abort.take() {
            signal.remove(registration);
        }
    }
}

impl<E> fmt::Debug for Sleep<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep").field("timer", &self.timer).finish()
    }
}

/// A future that fails with a [`TimeoutError`] unless `future` completes within `duration`
/// (the book's timeout race, for async code). The timer is cleared as soon as the race is
/// decided.
///
/// ```
/// use std::time::Duration;
/// use settle::promise::{sleep, spawn_local, timeout, Error, ErrorKind, Promise};
///
/// let el = settle::runtime::EventLoop::builder().virtual_clock().build();
/// el.queue_task(|| {
///     let p: Promise<()> = spawn_local(async {
///         let slow = sleep(Duration::from_secs(5));
///         match timeout(slow, Duration::from_secs(3)).await {
///             Err(e) if matches!(e.kind(), ErrorKind::Timeout(_)) => Ok(()),
///             other => panic!("expected a timeout, got {other:?}"),
///         }
///     });
/// });
/// el.run().unwrap();
/// assert_eq!(el.now(), Duration::from_secs(3), "the slow timer was cleared");
/// ```
#[track_caller]
pub fn timeout<F, T, E>(future: F, duration: Duration) -> Timeout<F::IntoFuture, E>
where
    F: IntoFuture<Output = Result<T, E>>,
    E: Reason,
{
    Timeout { future: Box::pin(future.into_future()), sleep: Some(Sleep::new(duration)) }
}

/// [`timeout`] that an [`AbortSignal`] can also end, with an [`AbortError`].
///
/// ```
/// use std::time::Duration;
/// use settle::promise::{sleep, spawn_local, timeout_with_signal, AbortController, Error, Promise};
///
/// let el = settle::runtime::EventLoop::builder().virtual_clock().build();
/// el.queue_task(|| {
///     let c = AbortController::new();
///     let signal = c.signal();
///     let p: Promise<()> = spawn_local(async move {
///         timeout_with_signal(sleep(Duration::from_secs(1)), Duration::from_secs(5), &signal).await
///     });
///     p.then(|()| Ok(()));
/// });
/// el.run().unwrap();
/// assert_eq!(el.now(), Duration::from_secs(1));
/// ```
#[track_caller]
pub fn timeout_with_signal<F, T, E>(
    future: F,
    duration: Duration,
    signal: &AbortSignal,
) -> Timeout<F::IntoFuture, E>
where
    F: IntoFuture<Output = Result<T, E>>,
    E: Reason,
{
    Timeout { future: Box::pin(future.into_future()), sleep: Some(Sleep::with_signal(duration, signal)) }
}

/// The future of [`timeout`].
///
/// ```
/// use std::time::Duration;
/// use settle::promise::{timeout, Error, Promise, Timeout};
/// let el = settle::runtime::EventLoop::builder().virtual_clock().build();
/// let _g = el.enter();
/// let t: Timeout<_, Error> = timeout(Promise::<i32>::resolve(1), Duration::from_secs(1));
/// drop(t); // dropping it clears its timer
/// ```
pub struct Timeout<F, E> {
    future: Pin<Box<F>>,
    sleep: Option<Sleep<E>>,
}

impl<F, T, E> Future for Timeout<F, E>
where
    F: Future<Output = Result<T, E>>,
    E: Reason,
{
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        if let Poll::Ready(output) = self.future.as_mut().poll(cx) {
            self.sleep = None; // clears the timer
            return Poll::Ready(output);
        }
        let Some(sleep) = self.sleep.as_mut() else { return Poll::Pending };
        match Pin::new(sleep).poll(cx) {
            Poll::Ready(Ok(())) => {
                self.sleep = None;
                Poll::Ready(Err(E::from_timeout(TimeoutError)))
            }
            Poll::Ready(Err(abort)) => {
                self.sleep = None;
                Poll::Ready(Err(abort))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F, E> fmt::Debug for Timeout<F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout").field("decided", &self.sleep.is_none()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use settle_runtime::EventLoop;

    use settle_promise::{Error, Promise};

    use crate::{AbortController, sleep_with_signal, spawn_local, spawn_local_with_signal};

    /// A long-lived signal handed to many operations keeps nothing of the finished ones.
    #[test]
    fn finished_operations_remove_their_abort_algorithms() {
        let el = EventLoop::builder().virtual_clock().build();
        let controller = AbortController::new();
        let signal = controller.signal();
        let s = signal.clone();
        el.queue_task(move || {
            for i in 0..100u64 {
                let sig = s.clone();
                let _: Promise<()> =
                    spawn_local(async move { sleep_with_signal(Duration::from_millis(i), &sig).await });
                let _: Promise<()> = spawn_local_with_signal(async { Ok::<(), Error>(()) }, &s);
            }
        });
        el.run().unwrap();
        assert_eq!(signal.algorithm_count(), 0);
    }
}
