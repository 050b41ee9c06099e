//! Errors that no user code caught, and where they came from.

use std::any::Any;
use std::cell::Cell;
use std::fmt;

/// Where the code that is running came from: the answer to "why did this run now?".
///
/// ```
/// use settle_runtime::{EventLoop, Origin};
///
/// let el = EventLoop::new();
/// let h = el.handle();
/// el.queue_task(move || {
///     assert_eq!(h.origin(), Origin::Task { index: 1, label: None });
///     let h2 = h.clone();
///     h.queue_microtask(move || {
///         assert_eq!(h2.origin(), Origin::Microtask { checkpoint: 1, index: 1, label: None });
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
        /// The label it was queued with ([`Handle::queue_task_labelled`](crate::Handle::queue_task_labelled)).
        label: Option<&'static str>,
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
        /// The label of the task this checkpoint follows, if it had one.
        label: Option<&'static str>,
    },
    /// A callback of Node's `process.nextTick` queue.
    NextTick {
        /// The macrotask index this checkpoint follows.
        checkpoint: u64,
        /// 1-based position within the checkpoint.
        index: u64,
        /// The label of the task this checkpoint follows, if it had one.
        label: Option<&'static str>,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Origin::Outside => f.write_str("script"),
            Origin::Task { index, label: None } => write!(f, "macrotask {index}"),
            Origin::Task { index, label: Some(label) } => write!(f, "{label} (macrotask {index})"),
            Origin::Remote { index } => write!(f, "macrotask {index} (remote)"),
            Origin::Timer { index, .. } => write!(f, "macrotask {index} (timer)"),
            Origin::Microtask { checkpoint, index, label } => {
                write!(f, "microtask {index} of checkpoint {checkpoint}")?;
                label.map_or(Ok(()), |label| write!(f, " (after {label})"))
            }
            Origin::NextTick { checkpoint, index, label } => {
                write!(f, "nextTick {index} of checkpoint {checkpoint}")?;
                label.map_or(Ok(()), |label| write!(f, " (after {label})"))
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
    /// A callback queued for one host type ran on a loop lent another (see
    /// [`Handle::run_with`](crate::Handle::run_with)); it was dropped unrun.
    HostMismatch,
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
    /// let u = Uncaught::new(UncaughtKind::Panic, "x", Origin::Task { index: 2, label: None });
    /// assert_eq!(u.origin(), Origin::Task { index: 2, label: None });
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
            UncaughtKind::HostMismatch => "host type mismatch",
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

/// The loop's current [`Origin`], kept field by field so that the checkpoint writes one word
/// per job (the index) instead of the whole value.
pub(crate) struct OriginCell {
    kind: Cell<OriginKind>,
    /// The task index, or the checkpoint's.
    major: Cell<u64>,
    /// The position in the checkpoint, or the timer id.
    minor: Cell<u64>,
    label: Cell<Option<&'static str>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OriginKind {
    Outside,
    Task,
    Remote,
    Timer,
    Microtask,
    NextTick,
}

impl OriginCell {
    pub(crate) fn new() -> OriginCell {
        OriginCell {
            kind: Cell::new(OriginKind::Outside),
            major: Cell::new(0),
            minor: Cell::new(0),
            label: Cell::new(None),
        }
    }

    pub(crate) fn get(&self) -> Origin {
        let (index, label) = (self.major.get(), self.label.get());
        let minor = self.minor.get();
        match self.kind.get() {
            OriginKind::Outside => Origin::Outside,
            OriginKind::Task => Origin::Task { index, label },
            OriginKind::Remote => Origin::Remote { index },
            OriginKind::Timer => Origin::Timer { index, id: minor },
            OriginKind::Microtask => Origin::Microtask { checkpoint: index, index: minor, label },
            OriginKind::NextTick => Origin::NextTick { checkpoint: index, index: minor, label },
        }
    }

    pub(crate) fn kind(&self) -> OriginKind {
        self.kind.get()
    }

    /// A kind with its major index and label; the minor index is set by `set_minor`.
    #[inline]
    pub(crate) fn set(&self, kind: OriginKind, major: u64, label: Option<&'static str>) {
        self.kind.set(kind);
        self.major.set(major);
        self.label.set(label);
    }

    #[inline]
    pub(crate) fn set_minor(&self, minor: u64) {
        self.minor.set(minor);
    }

    #[inline]
    pub(crate) fn set_outside(&self) {
        self.kind.set(OriginKind::Outside);
    }
}
