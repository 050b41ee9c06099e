//! Loop identities: which loop a promise belongs to, in two bytes.
//!
//! A promise queues its reaction jobs on the loop it was created on, whichever loop is current
//! when it is settled (several loops can live on one thread: nested runs, a test's second loop).
//! A handle in every promise would cost a pointer per promise; a [`LoopId`] is a per-thread
//! number that fits in the padding of a promise's cell. The common case costs one comparison:
//! the owner is the current loop ([`queue_microtask_on`]'s fast path). Otherwise the thread's
//! table of loops finds the owner, and the job joins the owner's queue behind what it queued
//! earlier; an owner that is gone gets nothing, and the caller learns it.
//!
//! Ids are never reused on a thread, so a stale id can never name a newer loop. After 65 535
//! loops on one thread, newer loops get [`LoopId::NONE`]: their promises behave as unowned ones
//! (jobs go to whichever loop is current), as every promise did before ownership existed.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::{Rc, Weak};

use crate::context;
use crate::error::NoLoop;
use crate::event_loop::Inner;
use crate::job::QueuedJob;

thread_local! {
    /// The live loops of this thread with their ids (usually one or two: searched linearly,
    /// only off the fast path). Weak: the table never keeps a loop alive; a loop removes its
    /// entry when it is dropped, and the table frees its buffer when empty, so a thread that
    /// makes loops one after another holds nothing for the dead ones.
    static LOOPS: RefCell<Vec<(LoopId, Weak<Inner>)>> = const { RefCell::new(Vec::new()) };
    /// The last id given out on this thread: ids are never reused.
    static LAST_ID: Cell<u16> = const { Cell::new(0) };
}

/// A loop's identity on its thread (see the module docs). `LoopId::NONE` names no loop.
///
/// ```
/// use settle_runtime::{EventLoop, LoopId};
/// let (a, b) = (EventLoop::new(), EventLoop::new());
/// assert_ne!(a.id(), b.id());
/// assert_ne!(a.id(), LoopId::NONE);
/// let _g = a.enter();
/// assert_eq!(LoopId::current(), a.id());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LoopId(u16);

impl LoopId {
    /// No loop: a promise made with no loop current.
    pub const NONE: LoopId = LoopId(0);

    /// The current loop's id, or [`LoopId::NONE`] when no loop is current.
    ///
    /// ```
    /// assert_eq!(settle_runtime::LoopId::current(), settle_runtime::LoopId::NONE);
    /// ```
    #[inline]
    pub fn current() -> LoopId {
        context::with_current_inner(|inner| inner.id.id()).unwrap_or(LoopId::NONE)
    }

    /// The next id of this thread ([`LoopId::NONE`] once the ids run out).
    pub(crate) fn allocate() -> Registration {
        let id = LAST_ID.with(|last| match last.get().checked_add(1) {
            Some(next) => {
                last.set(next);
                LoopId(next)
            }
            None => LoopId::NONE,
        });
        Registration(id)
    }

    fn find(self) -> Option<Rc<Inner>> {
        LOOPS
            .try_with(|loops| {
                loops.borrow().iter().find(|(id, _)| *id == self).and_then(|(_, weak)| weak.upgrade())
            })
            .ok()
            .flatten()
    }
}

impl fmt::Debug for LoopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LoopId({})", self.0)
    }
}

/// A loop's id and its entry in the thread's table, removed when the loop is dropped.
pub(crate) struct Registration(LoopId);

impl Registration {
    pub(crate) fn id(&self) -> LoopId {
        self.0
    }

    /// Records the loop in the thread's table, once its `Rc` exists.
    pub(crate) fn register(&self, inner: &Rc<Inner>) {
        if self.0 != LoopId::NONE {
            LOOPS.with_borrow_mut(|loops| loops.push((self.0, Rc::downgrade(inner))));
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.0 == LoopId::NONE {
            return;
        }
        let _ = LOOPS.try_with(|loops| {
            let mut loops = loops.borrow_mut();
            loops.retain(|(id, _)| *id != self.0);
            if loops.is_empty() {
                *loops = Vec::new();
            }
        });
    }
}

/// The owner of a job is gone (its loop was dropped); the job comes back unrun.
///
/// ```
/// use settle_runtime::{EventLoop, queue_microtask_on};
/// let id = EventLoop::new().id(); // dropped at once
/// let other = EventLoop::new();
/// let _g = other.enter();
/// let gone = queue_microtask_on(id, || unreachable!()).unwrap_err();
/// drop(gone.into_inner()); // the job, never run
/// ```
pub struct OwnerGone<F>(F);

impl<F> OwnerGone<F> {
    /// The job that was not queued.
    ///
    /// ```
    /// # use settle_runtime::{EventLoop, queue_microtask_on};
    /// # let id = EventLoop::new().id();
    /// # let other = EventLoop::new();
    /// # let _g = other.enter();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let job = queue_microtask_on(id, move || tx.send(42).unwrap()).unwrap_err().into_inner();
    /// job(); // handed back unrun: the caller may still run it
    /// assert_eq!(rx.recv().unwrap(), 42);
    /// ```
    pub fn into_inner(self) -> F {
        self.0
    }
}

impl<F> fmt::Debug for OwnerGone<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OwnerGone(..)")
    }
}

impl<F> fmt::Display for OwnerGone<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event loop that owns this job was dropped; the job was not queued")
    }
}

impl<F> std::error::Error for OwnerGone<F> {}

/// Queues a microtask on the loop `owner`: at once on the current loop when it is the owner
/// (or `owner` is [`LoopId::NONE`]); otherwise on the owner's queue, behind the jobs it queued
/// earlier, to run at the owner's next checkpoint.
///
/// # Errors
///
/// [`OwnerGone`] with the job when the owner loop was dropped.
///
/// # Panics
///
/// Panics when `owner` is [`LoopId::NONE`] and no loop is current, as [`queue_microtask`]
/// does.
///
/// ```
/// use std::cell::{Cell, RefCell};
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, queue_microtask_on};
///
/// let (a, b) = (EventLoop::new(), EventLoop::new());
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// let _g = b.enter();
/// queue_microtask_on(a.id(), move || l.borrow_mut().push("on a")).unwrap();
/// b.run().unwrap();
/// assert!(log.borrow().is_empty(), "b does not run a's job");
/// a.run().unwrap();
/// assert_eq!(*log.borrow(), ["on a"]);
/// ```
///
/// [`queue_microtask`]: crate::queue_microtask
#[track_caller]
#[inline]
pub fn queue_microtask_on<F: FnOnce() + 'static>(owner: LoopId, job: F) -> Result<(), OwnerGone<F>> {
    queue_on(owner, job, QueuedJob::from_fn)
}

/// [`queue_microtask_on`] for a job that takes the host lent to the run (see
/// [`Handle::run_with`](crate::Handle::run_with)) as it is, `&mut dyn Any`, whatever its type:
/// for code that passes the host on rather than using it (settle-promise's reaction jobs hand
/// it to the classifier of the value a handler returned). Run with no host, it gets `&mut ()`.
///
/// # Errors
///
/// As for [`queue_microtask_on`].
///
/// # Panics
///
/// As for [`queue_microtask_on`].
///
/// ```
/// use settle_runtime::{EventLoop, queue_microtask_on_with};
///
/// let el = EventLoop::new();
/// let _g = el.enter();
/// queue_microtask_on_with(el.id(), |host| {
///     if let Some(n) = host.downcast_mut::<u32>() {
///         *n += 1;
///     }
/// })
/// .unwrap();
/// drop(_g);
/// let mut n = 0u32;
/// el.run_with(&mut n).unwrap();
/// assert_eq!(n, 1);
/// ```
#[track_caller]
#[inline]
pub fn queue_microtask_on_with<F: FnOnce(&mut dyn Any) + 'static>(
    owner: LoopId,
    job: F,
) -> Result<(), OwnerGone<F>> {
    queue_on(owner, job, QueuedJob::with_any_host)
}

#[track_caller]
#[inline]
fn queue_on<F>(owner: LoopId, job: F, make: impl Fn(F) -> QueuedJob + Copy) -> Result<(), OwnerGone<F>> {
    let mut job = Some(job);
    let queued = context::with_current_inner(|inner| {
        if (owner == LoopId::NONE || inner.id.id() == owner)
            && let Some(job) = job.take()
        {
            inner.jobs.borrow_mut().push_back(make(job));
            return inner.observed();
        }
        false
    });
    match (job, queued) {
        (None, Ok(false)) => Ok(()),
        (None, _) => {
            report_queued();
            Ok(())
        }
        (Some(_), Err(NoLoop)) if owner == LoopId::NONE => no_loop(),
        (Some(job), _) => queue_on_other(owner, job, make),
    }
}

/// The observer's "queued" event for [`queue_on`], out of line as `push_job`'s is
/// (`handle.rs`): inline, this and the panic below gave every promise job's push a frame of
/// saved registers (callgrind, W7, 2026-12-07). The observer runs on a handle of its own,
/// outside `with_current_inner` (it is user code).
#[cold]
#[inline(never)]
fn report_queued() {
    crate::Handle::current().inner.queued("microtask");
}

/// [`queue_on`] for the current loop with none current: the panic its callers document.
#[cold]
#[inline(never)]
#[track_caller]
fn no_loop() -> ! {
    panic!("{NoLoop}")
}

/// The owner is not the current loop: find it in the thread's table.
#[cold]
#[inline(never)]
fn queue_on_other<F>(owner: LoopId, job: F, make: impl Fn(F) -> QueuedJob) -> Result<(), OwnerGone<F>> {
    match owner.find() {
        Some(inner) => {
            inner.jobs.borrow_mut().push_back(make(job));
            inner.queued("microtask");
            Ok(())
        }
        None => Err(OwnerGone(job)),
    }
}

/// Jobs gathered for one loop and queued together, in the reverse of the order they were
/// gathered in: for a caller that meets its jobs last first, as TriggerPromiseReactions
/// (27.2.1.8) meets a pending promise's reactions in settle-promise, whose list is newest
/// first. Gathering is a push onto a vector the batch owns (no look-up of the loop, no borrow
/// of its queue, so the caller may run user code between pushes); [`queue_reversed_on`]
/// reverses the vector in place and appends it to the loop's Job queue with one look-up and
/// one growth of the queue (or, when the queue is empty and smaller, takes the vector as the
/// queue's buffer).
///
/// [`queue_reversed_on`]: MicrotaskBatch::queue_reversed_on
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, MicrotaskBatch};
///
/// let el = EventLoop::new();
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let mut batch = MicrotaskBatch::new();
/// for n in [3, 2, 1] {
///     let log = log.clone();
///     batch.push_with(move |_host| log.borrow_mut().push(n));
/// }
/// assert_eq!(batch.len(), 3);
/// let _g = el.enter();
/// batch.queue_reversed_on(el.id()).unwrap();
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(*log.borrow(), [1, 2, 3]);
/// ```
#[derive(Default)]
pub struct MicrotaskBatch {
    jobs: Vec<QueuedJob>,
}

impl MicrotaskBatch {
    /// An empty batch.
    pub fn new() -> MicrotaskBatch {
        MicrotaskBatch { jobs: Vec::new() }
    }

    /// Adds a job that takes the host lent to the run as it is (as for
    /// [`queue_microtask_on_with`]). It will run before the jobs pushed before it.
    #[inline]
    pub fn push_with<F: FnOnce(&mut dyn Any) + 'static>(&mut self, job: F) {
        self.jobs.push(QueuedJob::with_any_host(job));
    }

    /// How many jobs the batch holds.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// Whether the batch holds no job.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Queues the jobs on the loop `owner`, the last pushed first, behind what the loop
    /// queued before: on the current loop when it is the owner (or `owner` is
    /// [`LoopId::NONE`]), otherwise on the owner's queue, as [`queue_microtask_on`] does for one
    /// job.
    ///
    /// # Errors
    ///
    /// [`OwnerGone`] with the batch, unqueued, when the owner loop was dropped.
    ///
    /// # Panics
    ///
    /// Panics when `owner` is [`LoopId::NONE`] and no loop is current.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, MicrotaskBatch};
    /// let id = EventLoop::new().id(); // dropped at once
    /// let other = EventLoop::new();
    /// let _g = other.enter();
    /// let mut batch = MicrotaskBatch::new();
    /// batch.push_with(|_| unreachable!());
    /// let gone = batch.queue_reversed_on(id).unwrap_err();
    /// assert_eq!(gone.into_inner().len(), 1); // never run
    /// ```
    #[track_caller]
    pub fn queue_reversed_on(mut self, owner: LoopId) -> Result<(), OwnerGone<MicrotaskBatch>> {
        self.jobs.reverse();
        let mut batch = Some(self);
        let queued = context::with_current_inner(|inner| {
            if (owner == LoopId::NONE || inner.id.id() == owner)
                && let Some(batch) = batch.take()
            {
                let count = batch.jobs.len();
                append(&mut inner.jobs.borrow_mut(), batch.jobs);
                return inner.observed().then_some(count);
            }
            None
        });
        match (batch, queued) {
            (None, Ok(None)) => Ok(()),
            (None, Ok(Some(count))) => {
                (0..count).for_each(|_| report_queued());
                Ok(())
            }
            (None, Err(NoLoop)) => unreachable!("the batch is taken only when a loop is current"),
            (Some(_), Err(NoLoop)) if owner == LoopId::NONE => no_loop(),
            (Some(batch), _) => queue_batch_on_other(owner, batch),
        }
    }
}

/// Appends `jobs` to a Job queue. An empty queue with no more room than the vector takes the
/// vector's buffer instead (no copy); otherwise the queue grows once and the jobs are moved.
#[inline]
fn append(queue: &mut VecDeque<QueuedJob>, jobs: Vec<QueuedJob>) {
    if queue.is_empty() && queue.capacity() <= jobs.capacity() {
        *queue = VecDeque::from(jobs);
    } else {
        queue.extend(jobs);
    }
}

/// [`MicrotaskBatch::queue_reversed_on`] when the owner is not the current loop.
#[cold]
#[inline(never)]
fn queue_batch_on_other(owner: LoopId, batch: MicrotaskBatch) -> Result<(), OwnerGone<MicrotaskBatch>> {
    match owner.find() {
        Some(inner) => {
            let count = batch.jobs.len();
            append(&mut inner.jobs.borrow_mut(), batch.jobs);
            (0..count).for_each(|_| inner.queued("microtask"));
            Ok(())
        }
        None => Err(OwnerGone(batch)),
    }
}

impl fmt::Debug for MicrotaskBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MicrotaskBatch").field("len", &self.jobs.len()).finish()
    }
}

impl crate::Handle {
    /// This loop's [`LoopId`].
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// assert_eq!(el.id(), el.handle().id());
    /// ```
    pub fn id(&self) -> LoopId {
        self.inner.id.id()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use crate::EventLoop;

    type Log = Rc<RefCell<Vec<u32>>>;

    fn batch_of(log: &Log, numbers: &[u32]) -> MicrotaskBatch {
        let mut batch = MicrotaskBatch::new();
        for &n in numbers {
            let log = log.clone();
            batch.push_with(move |_| log.borrow_mut().push(n));
        }
        batch
    }

    /// Into an empty queue (which takes the batch's buffer), behind queued jobs (appended), and
    /// ahead of jobs queued after it: always the reverse of the push order, in queue order.
    #[test]
    fn a_batch_runs_last_pushed_first_behind_what_was_queued() {
        let el = EventLoop::new();
        let log: Log = Rc::default();
        {
            let _g = el.enter();
            batch_of(&log, &[3, 2, 1]).queue_reversed_on(el.id()).unwrap();
            let l = log.clone();
            queue_microtask_on(el.id(), move || l.borrow_mut().push(4)).unwrap();
            batch_of(&log, &[7, 6, 5]).queue_reversed_on(LoopId::NONE).unwrap();
            MicrotaskBatch::new().queue_reversed_on(el.id()).unwrap();
        }
        el.run().unwrap();
        assert_eq!(*log.borrow(), [1, 2, 3, 4, 5, 6, 7]);
    }

    /// A batch for a loop that is not current goes to that loop's queue, and runs there.
    #[test]
    fn a_batch_for_another_loop_waits_for_that_loop() {
        let (a, b) = (EventLoop::new(), EventLoop::new());
        let log: Log = Rc::default();
        {
            let _g = b.enter();
            batch_of(&log, &[2, 1]).queue_reversed_on(a.id()).unwrap();
        }
        b.run().unwrap();
        assert!(log.borrow().is_empty(), "b does not run a's jobs");
        a.run().unwrap();
        assert_eq!(*log.borrow(), [1, 2]);
    }

    /// An observed loop hears one "queued" event per job of a batch.
    #[test]
    fn each_job_of_a_batch_is_reported_queued() {
        let queued = Rc::new(RefCell::new(0));
        let q = queued.clone();
        let el = EventLoop::builder()
            .on_event(move |event: &crate::LoopEvent| {
                if matches!(event.kind, crate::LoopEventKind::Queued { queue: "microtask", .. }) {
                    *q.borrow_mut() += 1;
                }
            })
            .build();
        let log: Log = Rc::default();
        let id = el.id();
        let l = log.clone();
        el.queue_task(move || batch_of(&l, &[3, 2, 1]).queue_reversed_on(id).unwrap());
        el.run().unwrap();
        assert_eq!((log.borrow().clone(), *queued.borrow()), (vec![1, 2, 3], 3));
    }
}
