//! The loop's events for observers: what a trace, a debugger or a visualizer needs to say
//! why each piece of code ran when it did.

use std::rc::Rc;
use std::time::Duration;

use crate::rejection::RejectionEventKind;
use crate::uncaught::Origin;

/// One thing the loop did, with the loop clock's time ([`Handle::now`](crate::Handle::now):
/// virtual under [`Builder::virtual_clock`](crate::Builder::virtual_clock)).
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, LoopEventKind, Origin};
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let log = seen.clone();
/// let el = EventLoop::builder().on_event(move |e| log.borrow_mut().push(e.kind)).build();
/// el.queue_task(|| settle_runtime::queue_microtask(|| {}));
/// el.run().unwrap();
/// let task = Origin::Task { index: 1, label: None };
/// let job = Origin::Microtask { checkpoint: 1, index: 1, label: None };
/// assert_eq!(
///     *seen.borrow(),
///     [
///         LoopEventKind::Queued { queue: "task", by: Origin::Outside },
///         LoopEventKind::TaskStarted(task),
///         LoopEventKind::Queued { queue: "microtask", by: task },
///         LoopEventKind::TaskFinished(task),
///         LoopEventKind::CheckpointStarted { checkpoint: 1, label: None },
///         LoopEventKind::JobStarted(job),
///         LoopEventKind::JobFinished(job),
///         LoopEventKind::CheckpointFinished { checkpoint: 1, label: None },
///     ]
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopEvent {
    /// The loop clock when it happened.
    pub at: Duration,
    /// What happened.
    pub kind: LoopEventKind,
}

/// What a [`LoopEvent`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoopEventKind {
    /// A callback joined a queue: `"task"` (the macrotask queue), `"microtask"` (the Job
    /// queue) or `"nextTick"`; `by` is the code that queued it.
    Queued {
        /// The queue's name.
        queue: &'static str,
        /// Where the queuing code came from.
        by: Origin,
    },
    /// A timer was set, to come due at `deadline` on the loop clock.
    TimerSet {
        /// The timer's id ([`TimerId::as_u64`](settle_timers::TimerId::as_u64)).
        id: u64,
        /// When it is due.
        deadline: Duration,
        /// Whether it repeats (`setInterval`).
        repeat: bool,
        /// Where the code that set it came from.
        by: Origin,
    },
    /// A pending timer was cleared before it fired.
    TimerCleared {
        /// The timer's id.
        id: u64,
        /// Where the code that cleared it came from.
        by: Origin,
    },
    /// A macrotask starts: [`Origin::Task`], [`Origin::Timer`] (a timer fired) or
    /// [`Origin::Remote`].
    TaskStarted(Origin),
    /// That macrotask returned.
    TaskFinished(Origin),
    /// A microtask checkpoint starts after macrotask `checkpoint` (0: outside any task).
    CheckpointStarted {
        /// The macrotask index it follows.
        checkpoint: u64,
        /// That task's label.
        label: Option<&'static str>,
    },
    /// A job of the Job queue or a `nextTick` callback starts ([`Origin::Microtask`],
    /// [`Origin::NextTick`]).
    JobStarted(Origin),
    /// That job returned.
    JobFinished(Origin),
    /// The rejection tracker reports a promise (HTML's "notify about rejected promises", at the
    /// end of a checkpoint), before the policy's callback or warning runs.
    Rejection(RejectionEventKind),
    /// The checkpoint's queues are empty (or it was stopped).
    CheckpointFinished {
        /// The macrotask index it follows.
        checkpoint: u64,
        /// That task's label.
        label: Option<&'static str>,
    },
}

/// The observer a loop was built with; a shared `Fn`, called with no borrow of the loop held.
pub(crate) type Observer = Rc<dyn Fn(&LoopEvent)>;
