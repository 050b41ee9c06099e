//! `AbortController` / `AbortSignal`: cancelling a sequence, the book's way.
//!
//! A promise is not cancellable (chapter 3, "Promise Uncancelable"): whoever holds it may rely on
//! it. What can be cancelled is the work that would settle it: a timer, a task. A signal is
//! handed to that work ([`sleep_with_signal`](crate::sleep_with_signal),
//! [`timeout_with_signal`](crate::timeout_with_signal),
//! [`spawn_local_with_signal`](crate::spawn_local_with_signal)); aborting clears its timers and
//! rejects its promise with an [`AbortError`](crate::AbortError).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

/// Aborts the operations that were given its [`AbortSignal`].
///
/// ```
/// use settle::promise::AbortController;
/// let controller = AbortController::new();
/// let signal = controller.signal();
/// assert!(!signal.aborted());
/// controller.abort();
/// assert!(signal.aborted());
/// ```
#[derive(Debug, Default)]
pub struct AbortController {
    signal: AbortSignal,
}

impl AbortController {
    /// A controller with a fresh signal.
    ///
    /// ```
    /// assert!(!settle::promise::AbortController::new().signal().aborted());
    /// ```
    pub fn new() -> AbortController {
        AbortController::default()
    }

    /// The signal to hand to abortable operations.
    ///
    /// ```
    /// let c = settle::promise::AbortController::new();
    /// let (a, b) = (c.signal(), c.signal());
    /// c.abort();
    /// assert!(a.aborted() && b.aborted());
    /// ```
    pub fn signal(&self) -> AbortSignal {
        self.signal.clone()
    }

    /// Aborts: runs every abort algorithm once, synchronously, in registration order. Later
    /// calls do nothing.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// let c = settle::promise::AbortController::new();
    /// let n = Rc::new(Cell::new(0));
    /// let m = n.clone();
    /// c.signal().on_abort(move || m.set(m.get() + 1));
    /// c.abort();
    /// c.abort();
    /// assert_eq!(n.get(), 1);
    /// ```
    pub fn abort(&self) {
        self.signal.signal_abort();
    }
}

/// Tells an operation whether, and when, it was aborted. Clones share the state.
///
/// ```
/// use settle::promise::AbortController;
/// let controller = AbortController::new();
/// let signal = controller.signal();
/// let copy = signal.clone();
/// controller.abort();
/// assert!(copy.aborted());
/// ```
#[derive(Clone, Default)]
pub struct AbortSignal {
    inner: Rc<SignalInner>,
}

/// Work to do when the signal is aborted.
type AbortAlgorithm = Box<dyn FnOnce()>;

#[derive(Default)]
struct SignalInner {
    aborted: Cell<bool>,
    /// The abort algorithms with their registration ids, in registration order.
    algorithms: RefCell<Vec<(u64, AbortAlgorithm)>>,
    next_id: Cell<u64>,
}

/// Identifies an abort algorithm added with [`AbortSignal::on_abort`], to remove it with
/// [`AbortSignal::remove`] once the operation it would cancel is over.
///
/// ```
/// let c = settle::promise::AbortController::new();
/// let registration = c.signal().on_abort(|| unreachable!("removed before the abort"));
/// c.signal().remove(registration);
/// c.abort();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AbortRegistration(u64);

impl AbortSignal {
    /// Whether the signal was aborted.
    ///
    /// ```
    /// assert!(!settle::promise::AbortController::new().signal().aborted());
    /// ```
    pub fn aborted(&self) -> bool {
        self.inner.aborted.get()
    }

    /// Adds an abort algorithm: `f` runs when the signal is aborted. On a signal already
    /// aborted it never runs: check [`AbortSignal::aborted`] first, as DOM operations do.
    ///
    /// Returns a registration for [`AbortSignal::remove`]: an operation that finishes removes
    /// its algorithm, so a long-lived signal does not collect the closures of every operation
    /// it was ever given.
    ///
    /// ```
    /// let c = settle::promise::AbortController::new();
    /// c.signal().on_abort(|| println!("aborted"));
    /// c.abort();
    /// ```
    pub fn on_abort(&self, f: impl FnOnce() + 'static) -> AbortRegistration {
        let id = self.inner.next_id.get();
        self.inner.next_id.set(id + 1);
        if !self.aborted() {
            self.inner.algorithms.borrow_mut().push((id, Box::new(f)));
        }
        AbortRegistration(id)
    }

    /// DOM's "remove an abort algorithm": `registration`'s algorithm will not run. Removing one
    /// that already ran or was removed does nothing.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// let c = settle::promise::AbortController::new();
    /// let ran = Rc::new(Cell::new(false));
    /// let r = ran.clone();
    /// let registration = c.signal().on_abort(move || r.set(true));
    /// c.signal().remove(registration);
    /// c.abort();
    /// assert!(!ran.get());
    /// ```
    pub fn remove(&self, registration: AbortRegistration) {
        // The closure is dropped after the borrow ends: its destructor may touch the signal.
        let removed = {
            let mut algorithms = self.inner.algorithms.borrow_mut();
            algorithms.iter().position(|(id, _)| *id == registration.0).map(|i| algorithms.remove(i))
        };
        drop(removed);
    }

    #[cfg(test)]
    pub(crate) fn algorithm_count(&self) -> usize {
        self.inner.algorithms.borrow().len()
    }

    /// DOM's "signal abort": set the flag, then run the algorithms with no borrow held; a
    /// panicking one is reported on stderr and the others still run.
    fn signal_abort(&self) {
        if self.inner.aborted.replace(true) {
            return;
        }
        let algorithms = std::mem::take(&mut *self.inner.algorithms.borrow_mut());
        for (_, algorithm) in algorithms {
            if catch_unwind(AssertUnwindSafe(algorithm)).is_err() {
                eprintln!("settle: an abort algorithm panicked");
            }
        }
    }
}

impl fmt::Debug for AbortSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortSignal").field("aborted", &self.aborted()).finish()
    }
}
