//! Errors that no user code caught, and where they came from.

use std::any::Any;
use std::fmt;

/// Where the code that is running came from: the answer to "why did this run now?".
///
/// ```
/// use settle_runtime::{EventLoop, Origin};
///
/// let el = EventLoop::new();
/// let h = el.handle();
/// el.queue_task(move || {
///     assert_eq!(h.origin(), Origin::Task { index: 1 });
///     let h2 = h.clone();
///     h.queue_microtask(move || {
///         assert_eq!(h2.origin(), Origin::Microtask { checkpoint: 1, index: 1 });
///     });
/// });
/// el.run().unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Not inside any task or job (code running under [`EventLoop::enter`](crate::EventLoop::enter),
    /// such as a script before the loop starts).
    Outside,
    /// The `index`-th macrotask the loop ran (1-based), queued on the loop's own thread.
    Task {
        /// 1-based count of macrotasks, timers and remote posts run so far.
        index: u64,
    },
    /// A macrotask posted from another thread through a [`Remote`](crate::Remote).
    Remote {
        /// 1-based count of macrotasks run so far.
        index: u64,
    },
    /// A timer callback, itself a macrotask.
    Timer {
        /// 1-based count of macrotasks run so far.
        index: u64,
        /// The timer's id, packed as [`TimerId::as_u64`](settle_timers::TimerId::as_u64).
        id: u64,
    },
    /// A job of the microtask queue.
    Microtask {
        /// The macrotask index this checkpoint follows (0: a checkpoint outside any task).
        checkpoint: u64,
        /// 1-based position of the job within its checkpoint.
        index: u64,
    },
    /// A callback of Node's `process.nextTick` queue.
    NextTick {
        /// The macrotask index this checkpoint follows.
        checkpoint: u64,
        /// 1-based position within the checkpoint.
        index: u64,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Origin::Outside => f.write_str("script"),
            Origin::Task { index } => write!(f, "macrotask {index}"),
            Origin::Remote { index } => write!(f, "macrotask {index} (remote)"),
            Origin::Timer { index, .. } => write!(f, "macrotask {index} (timer)"),
            Origin::Microtask { checkpoint, index } => {
                write!(f, "microtask {index} of checkpoint {checkpoint}")
            }
            Origin::NextTick { checkpoint, index } => {
                write!(f, "nextTick {index} of checkpoint {checkpoint}")
            }
        }
    }
}

/// What kind of error went uncaught.
///
/// ```
/// use settle_runtime::{Origin, Uncaught, UncaughtKind};
/// let u = Uncaught::new(UncaughtKind::MicrotaskBudgetExceeded, "too many", Origin::Outside);
/// assert_eq!(u.kind(), UncaughtKind::MicrotaskBudgetExceeded);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UncaughtKind {
    /// A task, job or timer callback panicked. The panicking closure is gone (its captures were
    /// dropped while unwinding); whatever it would have done afterwards does not happen.
    Panic,
    /// A promise was rejected and no handler was attached by the end of the checkpoint.
    UnhandledRejection,
    /// The optional microtask budget was exhausted.
    MicrotaskBudgetExceeded,
    /// An embedder's own uncaught exception (a script's `throw` that nothing caught).
    Exception,
    /// Work for a loop that was dropped: a promise of that loop was settled on this one, and
    /// its reaction jobs were dropped unrun (see [`queue_microtask_on`](crate::queue_microtask_on)).
    OwnerGone,
}

/// An error that reached the loop without being caught, as the uncaught-error hook receives it
/// (the loop's `reportError`).
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, UncaughtKind};
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let log = seen.clone();
/// let el = EventLoop::builder()
///     .on_uncaught(move |u| log.borrow_mut().push((u.kind(), u.message().to_string())))
///     .build();
/// el.queue_microtask(|| panic!("boom"));
/// el.run().unwrap();
/// assert_eq!(seen.borrow()[0], (UncaughtKind::Panic, "boom".to_string()));
/// ```
#[derive(Clone, Debug)]
pub struct Uncaught {
    kind: UncaughtKind,
    message: String,
    origin: Origin,
}

impl Uncaught {
    /// A report of `kind` with a human-readable message, from code running at `origin`.
    ///
    /// ```
    /// use settle_runtime::{Origin, Uncaught, UncaughtKind};
    /// let u = Uncaught::new(UncaughtKind::UnhandledRejection, "Oops", Origin::Outside);
    /// assert_eq!(u.to_string(), "unhandled rejection (script): Oops");
    /// ```
    pub fn new(kind: UncaughtKind, message: impl Into<String>, origin: Origin) -> Uncaught {
        Uncaught { kind, message: message.into(), origin }
    }

    /// A report for a caught panic payload.
    ///
    /// ```
    /// use settle_runtime::{Origin, Uncaught};
    /// let payload = std::panic::catch_unwind(|| panic!("bad {}", 1)).unwrap_err();
    /// assert_eq!(Uncaught::from_panic(payload.as_ref(), Origin::Outside).message(), "bad 1");
    /// ```
    pub fn from_panic(payload: &(dyn Any + Send), origin: Origin) -> Uncaught {
        Uncaught::new(UncaughtKind::Panic, panic_message(payload), origin)
    }

    /// The kind of error.
    ///
    /// ```
    /// use settle_runtime::{Origin, Uncaught, UncaughtKind};
    /// assert_eq!(Uncaught::new(UncaughtKind::Panic, "x", Origin::Outside).kind(), UncaughtKind::Panic);
    /// ```
    pub fn kind(&self) -> UncaughtKind {
        self.kind
    }

    /// The message: the panic message, or the rejection reason as text.
    ///
    /// ```
    /// use settle_runtime::{Origin, Uncaught, UncaughtKind};
    /// assert_eq!(Uncaught::new(UncaughtKind::Panic, "x", Origin::Outside).message(), "x");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the failing code came from.
    ///
    /// ```
    /// use settle_runtime::{Origin, Uncaught, UncaughtKind};
    /// let u = Uncaught::new(UncaughtKind::Panic, "x", Origin::Task { index: 2 });
    /// assert_eq!(u.origin(), Origin::Task { index: 2 });
    /// ```
    pub fn origin(&self) -> Origin {
        self.origin
    }
}

impl fmt::Display for Uncaught {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            UncaughtKind::Panic => "panic",
            UncaughtKind::UnhandledRejection => "unhandled rejection",
            UncaughtKind::MicrotaskBudgetExceeded => "microtask budget exceeded",
            UncaughtKind::Exception => "uncaught exception",
            UncaughtKind::OwnerGone => "owner loop gone",
        };
        write!(f, "{kind} ({}): {}", self.origin, self.message)
    }
}

/// The text of a panic payload (`&str` or `String`; anything else gets a placeholder).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_string()
    }
}
