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
use std::ptr;
use std::rc::Rc;

use crate::error::NoLoop;
use crate::event_loop::Inner;
use crate::handle::Handle;

/// The thread's current-loop slot. It owns the current handle (a strong reference), so the loop
/// it names outlives its time in the slot.
struct Slot(Cell<Option<Handle>>);

impl Drop for Slot {
    fn drop(&mut self) {
        // Thread exit: the handle is about to be released, so the fast path must stop pointing
        // at its loop first. CURRENT_INNER has no destructor and stays usable meanwhile.
        CURRENT_INNER.set(ptr::null());
    }
}

thread_local! {
    /// A `Cell`, not a `RefCell`: taking the handle out and putting it back costs no borrow
    /// flag and no reference count.
    static CURRENT: Slot = const { Slot(Cell::new(None)) };

    /// The loop of the handle in `CURRENT`, or null: the fast path every queued job takes
    /// (`with_current_inner`). Kept equal to `CURRENT`'s by `set_current`, the only writer of
    /// either besides `Slot::drop`. Plain data with a `const` initializer, so reading it is one
    /// thread-local load, with no lazy-initialization or destructor-state check.
    static CURRENT_INNER: Cell<*const Inner> = const { Cell::new(ptr::null()) };
}

/// Puts `handle` in the slot, returning the previous one, and points the fast path at it.
/// Returns `Err(handle)` when the slot is gone (thread exit).
fn set_current(handle: Option<Handle>) -> Result<Option<Handle>, Option<Handle>> {
    let inner = handle.as_ref().map_or(ptr::null(), |h| Rc::as_ptr(&h.inner));
    let mut handle = Some(handle);
    let previous = CURRENT.try_with(|current| {
        let previous = current.0.replace(handle.take().flatten());
        CURRENT_INNER.set(inner);
        previous
    });
    // The previous handle is returned, not dropped here: its drop may free a loop, whose
    // queued jobs' destructors may look for the current loop.
    previous.map_err(|_| handle.flatten())
}

/// Calls `f` with the current loop's handle. The handle is taken out of the slot while `f`
/// runs, so `f` must not run user code (queueing work is fine): code that looked for the
/// current loop meanwhile would find none.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(&Handle) -> R) -> Result<R, NoLoop> {
    CURRENT
        .try_with(|current| {
            let handle = current.0.take()?;
            let r = f(&handle);
            current.0.set(Some(handle));
            Some(r)
        })
        .ok()
        .flatten()
        .ok_or(NoLoop)
}

/// Calls `f` with the current loop, without touching its handle: the path of every job a
/// promise queues. `f` must not run user code (pushing onto a queue is fine).
#[inline]
pub(crate) fn with_current_inner<R>(f: impl FnOnce(&Inner) -> R) -> Result<R, NoLoop> {
    let inner = CURRENT_INNER.get();
    if inner.is_null() {
        return Err(NoLoop);
    }
    // SAFETY: CURRENT_INNER is non-null only while CURRENT holds a `Handle` whose `Rc<Inner>`
    // points there: `set_current` updates both together, and `Slot::drop` nulls the pointer
    // before the slot's handle is released at thread exit. That handle is a strong reference,
    // so the `Inner` is alive. The reference lives only for `f`, which runs no user code, so
    // nothing can replace the current loop (and release that handle) while it is in use.
    let inner = unsafe { &*inner };
    Ok(f(inner))
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
        match set_current(Some(handle)) {
            Ok(previous) => EnterGuard { previous },
            Err(_) => panic!("cannot enter an event loop while this thread is exiting"),
        }
    }

    /// As `new`, or `None` during thread exit (for the loop's own drop, which must not panic).
    pub(crate) fn try_new(handle: Handle) -> Option<EnterGuard> {
        set_current(Some(handle)).ok().map(|previous| EnterGuard { previous })
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // The thread-local may already be gone during thread exit; then there is nothing to
        // restore.
        let _ = set_current(previous);
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::rc::Rc;

    use crate::{EventLoop, Handle, queue_microtask};

    /// Queues a job through the fast path (`queue_microtask`) that records which loop ran it.
    fn tag(log: &Rc<RefCell<Vec<&'static str>>>, name: &'static str) {
        let log = log.clone();
        queue_microtask(move || log.borrow_mut().push(name));
    }

    #[test]
    fn the_fast_path_follows_nested_and_out_of_order_guards() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let (a, b) = (EventLoop::new(), EventLoop::new());
        let ga = a.enter();
        tag(&log, "a1");
        let gb = b.enter();
        tag(&log, "b1");
        // Dropping the outer guard first restores what it saw (no loop), as before.
        drop(ga);
        assert!(Handle::try_current().is_err());
        assert!(catch_unwind(|| queue_microtask(|| {})).is_err(), "no loop: a clear panic");
        // Dropping the inner guard restores its previous loop, `a`, even though `a`'s guard is
        // gone: the slot holds a strong handle to it.
        drop(gb);
        tag(&log, "a2");
        drop(a); // the slot's handle keeps the loop alive
        tag(&log, "a3");
        assert!(log.borrow().is_empty());
        b.run().unwrap();
        assert_eq!(*log.borrow(), ["b1"]);
    }

    #[test]
    fn a_loop_dropped_while_current_stays_alive_for_the_fast_path() {
        let ran = Rc::new(Cell::new(0));
        let el = EventLoop::new();
        let guard = el.enter();
        drop(el); // the guard's handle in the slot keeps the loop's state alive
        let r = ran.clone();
        queue_microtask(move || r.set(r.get() + 1));
        let h = Handle::current();
        drop(guard);
        h.run().unwrap();
        assert_eq!(ran.get(), 1);
    }

    #[test]
    fn queueing_from_a_thread_local_destructor_at_thread_exit_is_safe() {
        // Whatever order thread-local destructors run in, a job queued from one either reaches
        // the still-current loop or panics with "no loop"; it never touches a freed loop.
        struct QueueOnDrop;
        impl Drop for QueueOnDrop {
            fn drop(&mut self) {
                let _ = catch_unwind(AssertUnwindSafe(|| queue_microtask(|| {})));
            }
        }
        thread_local! {
            static LATE: RefCell<Option<QueueOnDrop>> = const { RefCell::new(None) };
        }
        std::thread::spawn(|| {
            LATE.with(|l| *l.borrow_mut() = Some(QueueOnDrop));
            let el = EventLoop::new();
            // Leaked: the loop stays current until the thread exits.
            std::mem::forget(el.enter());
            drop(el);
            queue_microtask(|| {});
        })
        .join()
        .unwrap();
    }
}
