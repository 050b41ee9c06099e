//! The constructors this crate adds to [`Promise`]. A crate cannot add inherent methods to
//! another's type, so they are a trait, in the prelude (`use settle::prelude::*`), and calls
//! read as they did when they were inherent: `Promise::<u8>::with_send_resolvers()`.

use std::future::Future;

use settle_promise::{IntoResolution, Promise, Reason, Thenables, Value};

use crate::abort::AbortSignal;
use crate::worker::SendResolvers;

/// `Promise::from_future_with_signal`, `Promise::with_send_resolvers` and
/// `Promise::from_blocking`: promises settled by an abortable task, by another thread, or by
/// the worker pool.
pub trait PromiseFutures<T, E, D>: Sized {
    /// [`Promise::from_future`] with an [`AbortSignal`], as
    /// [`spawn_local_with_signal`](crate::spawn_local_with_signal): aborting drops the future
    /// and rejects the promise with an AbortError (through [`Reason::from_abort`]). A signal
    /// already aborted rejects at once without running the future.
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
    fn from_future_with_signal<F, R>(future: F, signal: &AbortSignal) -> Self
    where
        F: Future<Output = Result<R, E>> + 'static,
        R: IntoResolution<T, E, D>;

    /// A pending promise and resolving functions that another thread may use.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let el = EventLoop::new();
    /// let _g = el.enter();
    /// let (p, send) = Promise::<u8>::with_send_resolvers();
    /// send.resolve(1).unwrap();
    /// ```
    #[track_caller]
    fn with_send_resolvers() -> (Self, SendResolvers<T, E>)
    where
        T: Send,
        E: Send;

    /// [`spawn_blocking`](crate::spawn_blocking) for any reason type.
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
    fn from_blocking<F>(f: F) -> Self
    where
        T: Send,
        E: Send,
        F: FnOnce() -> Result<T, E> + Send + 'static;
}

impl<T: Value, E: Reason, D: Thenables<T, E>> PromiseFutures<T, E, D> for Promise<T, E, D> {
    #[track_caller]
    fn from_future_with_signal<F, R>(future: F, signal: &AbortSignal) -> Self
    where
        F: Future<Output = Result<R, E>> + 'static,
        R: IntoResolution<T, E, D>,
    {
        crate::spawn::from_future_with_signal(future, signal)
    }

    #[track_caller]
    fn with_send_resolvers() -> (Self, SendResolvers<T, E>)
    where
        T: Send,
        E: Send,
    {
        crate::worker::with_send_resolvers()
    }

    #[track_caller]
    fn from_blocking<F>(f: F) -> Self
    where
        T: Send,
        E: Send,
        F: FnOnce() -> Result<T, E> + Send + 'static,
    {
        crate::worker::from_blocking(f)
    }
}
