//! The macrotask queue, and the ids that cancel a queued task.
//!
//! The queue is FIFO with no removal in the middle, so a task's position is its sequence number
//! minus the number of tasks taken so far: cancelling finds the task with one subtraction and
//! leaves a tombstone in its place. Nothing per task is stored for this.

use std::collections::VecDeque;
use std::fmt;

use settle_timers::TimerId;

use crate::job::QueuedJob;

/// A queued macrotask's id, returned by [`Handle::queue_task`](crate::Handle::queue_task), for
/// [`Handle::cancel_task`](crate::Handle::cancel_task) (Node's `clearImmediate`).
///
/// Ids count the tasks queued on one loop, so an id is meaningful only to the loop that issued
/// it: another loop would read it as its own task with the same number.
///
/// ```
/// use settle_runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let id = el.queue_task(|| unreachable!("cancelled"));
/// assert!(el.cancel_task(id));
/// el.run().unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(u64);

impl TaskId {
    /// The id as a number (for an embedder that hands ids to scripts, as `setImmediate` does).
    ///
    /// ```
    /// use settle_runtime::{EventLoop, TaskId};
    /// let el = EventLoop::new();
    /// let id = el.queue_task(|| {});
    /// assert_eq!(TaskId::from_u64(id.as_u64()), id);
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The id [`TaskId::as_u64`] returned. Any number is accepted; one that names no queued task
    /// cancels nothing.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, TaskId};
    /// let el = EventLoop::new();
    /// assert!(!el.cancel_task(TaskId::from_u64(12345)));
    /// ```
    pub fn from_u64(n: u64) -> TaskId {
        TaskId(n)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {}", self.0)
    }
}

/// One macrotask.
pub(crate) enum Task {
    Local(QueuedJob),
    /// A task queued with a label (rare: boxed so that every other entry stays small).
    Labelled(Box<(QueuedJob, &'static str)>),
    Remote(QueuedJob),
    /// A timer that came due; it may have been cleared since, which is checked when it runs.
    Timer(TimerId),
    /// A cancelled task's place in the queue.
    Cancelled,
}

/// The macrotask queue.
pub(crate) struct TaskQueue {
    queue: VecDeque<Task>,
    /// How many tasks were ever pushed: the next task's id.
    pushed: u64,
}

impl TaskQueue {
    pub(crate) fn new() -> TaskQueue {
        TaskQueue { queue: VecDeque::with_capacity(64), pushed: 0 }
    }

    #[inline]
    pub(crate) fn push(&mut self, task: Task) -> TaskId {
        let id = TaskId(self.pushed);
        self.pushed += 1;
        self.queue.push_back(task);
        id
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Task> {
        self.queue.pop_front()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Takes a still-queued local task out, leaving a tombstone. `None` when the id names no
    /// queued local task (it ran, was cancelled, or is a timer's or a remote post's place).
    pub(crate) fn cancel(&mut self, id: TaskId) -> Option<QueuedJob> {
        let first = self.pushed - self.queue.len() as u64;
        let index = usize::try_from(id.0.checked_sub(first)?).ok()?;
        let slot = self.queue.get_mut(index)?;
        match std::mem::replace(slot, Task::Cancelled) {
            Task::Local(job) => Some(job),
            Task::Labelled(labelled) => Some(labelled.0),
            other => {
                *slot = other;
                None
            }
        }
    }

    /// Empties the queue, keeping the count (ids stay unique for the loop's lifetime).
    pub(crate) fn take_all(&mut self) -> VecDeque<Task> {
        std::mem::take(&mut self.queue)
    }
}
