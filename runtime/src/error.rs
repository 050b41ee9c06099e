//! The errors of the event loop.

use std::fmt;

use crate::uncaught::Uncaught;

/// Why [`EventLoop::run`](crate::Handle::run) (or one of its variants) returned early.
///
/// Work that was queued stays queued: calling `run` again continues where the loop stopped.
///
/// ```
/// use settle_runtime::{EventLoop, RunError};
///
/// let el = EventLoop::new();
/// let h = el.handle();
/// el.queue_task(move || {
///     assert!(matches!(h.run(), Err(RunError::Reentrant)));
/// });
/// el.run().unwrap();
/// ```
#[derive(Clone, Debug, thiserror::Error)]
pub enum RunError {
    /// `run` was called from inside a task or job of the loop it would run. A task that wants
    /// to wait for other work must queue a continuation instead (or be an async task).
    #[error(
        "EventLoop::run called from inside a task or job of the same loop; queue a continuation instead of re-entering"
    )]
    Reentrant,
    /// The optional microtask budget was exhausted by one checkpoint; the jobs still queued are
    /// kept and run when the loop is run again.
    #[error("microtask checkpoint ran {budget} jobs without emptying the queue (endless job loop?)")]
    MicrotaskBudgetExceeded {
        /// The configured budget.
        budget: usize,
    },
    /// A component stopped the loop with [`Handle::fail`](crate::Handle::fail), for instance an
    /// unhandled rejection under the strict policy.
    #[error("{0}")]
    Failed(Uncaught),
    /// A component stopped the loop at once with [`Handle::halt`](crate::Handle::halt) (an
    /// uncaught exception under Node: the process dies); nothing more of the checkpoint ran.
    #[error("{0}")]
    Halted(Uncaught),
}

/// No settle event loop is current on this thread.
///
/// ```
/// use settle_runtime::Handle;
/// assert!(Handle::try_current().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "no settle event loop is current on this thread: run the code inside EventLoop::run, or call EventLoop::enter first"
)]
pub struct NoLoop;

/// A [`Remote`](crate::Remote) post to a loop that has been dropped (or is being dropped). The
/// task comes back, so nothing is silently lost.
///
/// ```
/// use settle_runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let remote = el.remote();
/// drop(el);
/// let (tx, rx) = std::sync::mpsc::channel();
/// let err = remote.post(move || tx.send(42).unwrap()).unwrap_err();
/// (err.into_inner())(); // the caller still has the task and may run it elsewhere
/// assert_eq!(rx.recv().unwrap(), 42);
/// ```
pub struct PostError<F>(pub(crate) F);

impl<F> PostError<F> {
    /// The task that was not accepted.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let remote = el.remote();
    /// drop(el);
    /// let task = remote.post(|| println!("back")).unwrap_err().into_inner();
    /// task();
    /// ```
    pub fn into_inner(self) -> F {
        self.0
    }
}

impl<F> fmt::Debug for PostError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PostError(..)")
    }
}

impl<F> fmt::Display for PostError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the settle event loop this Remote belongs to has been dropped")
    }
}

impl<F> std::error::Error for PostError<F> {}
