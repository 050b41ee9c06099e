//! The thread's current loop.
//!
//! settle uses a scoped thread-local "current loop", as tokio does, rather than asking for an
//! explicit handle everywhere: JavaScript's `promise.then(f)` takes no loop argument, and a
//! promise must be able to queue its reaction jobs from wherever it is settled. Storing a handle
//! in every promise would cost a pointer per promise for information that is the same for all
//! of them. The loop is current while it runs and inside [`EventLoop::enter`](crate::EventLoop::enter);
//! using it anywhere else is a clear error ([`NoLoop`]) or, for the panicking shorthands, a panic
//! whose message says what to do.

use std::cell::Cell;
use std::fmt;

use crate::error::NoLoop;
use crate::handle::Handle;

thread_local! {
    /// A `Cell`, not a `RefCell`: every job a promise queues looks the loop up here, and taking
    /// the handle out and putting it back costs no borrow flag and no reference count.
    static CURRENT: Cell<Option<Handle>> = const { Cell::new(None) };
}

/// Calls `f` with the current loop's handle. The handle is taken out of the slot while `f`
/// runs, so `f` must not run user code (queueing work is fine): code that looked for the
/// current loop meanwhile would find none.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(&Handle) -> R) -> Result<R, NoLoop> {
    CURRENT
        .try_with(|current| {
            let handle = current.take()?;
            let r = f(&handle);
            current.set(Some(handle));
            Some(r)
        })
        .ok()
        .flatten()
        .ok_or(NoLoop)
}

/// Makes a loop current on this thread until dropped, restoring the previous one.
///
/// Returned by [`EventLoop::enter`](crate::EventLoop::enter).
///
/// ```
/// use settle_runtime::{EventLoop, Handle};
/// let el = EventLoop::new();
/// let guard = el.enter();
/// assert!(Handle::try_current().is_ok());
/// drop(guard);
/// assert!(Handle::try_current().is_err());
/// ```
#[must_use = "the loop is current only while the guard lives"]
pub struct EnterGuard {
    previous: Option<Handle>,
}

impl EnterGuard {
    pub(crate) fn new(handle: Handle) -> EnterGuard {
        let previous = CURRENT.with(|current| current.replace(Some(handle)));
        EnterGuard { previous }
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // The thread-local may already be gone during thread exit; then there is nothing to
        // restore.
        let _ = CURRENT.try_with(|current| current.replace(previous));
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}
