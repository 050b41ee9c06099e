//! Direct awaits: a settle promise awaited in its task's own body, whose reaction job resumes
//! the task and hands it the outcome, with no allocation besides the reaction record.
//!
//! The outcome travels on the stack: the reaction job calls `deliver`, which polls the task
//! with the outcome's address in the poll's context, and the awaiting `PromiseFuture` takes it
//! from there (`PollCtx::take_handoff`). Each await has an id, unique on its thread, so an
//! outcome is only ever taken by the future that awaits it.
//!
//! The common case needs nothing more. The rest waits in a per-thread table (`PARKED`), rarely
//! and briefly, keyed by await id:
//!
//! - an outcome its future did not take in that poll (a combinator that polls only some of its
//!   children) waits there for the future's next poll;
//! - a future polled under another waker (moved into a combinator that wraps the waker, or out
//!   of its task) leaves that waker there, and the outcome wakes it instead of resuming the
//!   task;
//! - a future dropped before its outcome came (the losing branch of a select) leaves a mark,
//!   so the outcome is dropped on arrival instead of kept.
//!
//! An entry belongs to its future, which removes it when it is dropped (even after its task
//! finished, for a future moved out of its task); the mark of a dropped future goes when the
//! outcome arrives, or when its task finishes. Keeping the table per thread, not per task,
//! leaves the awaiting future with nothing to hold but its id: no reference to its task.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::mem;
use std::task::{Context, Poll, Waker};

use super::core::{TaskBlock, TaskRef, ThinTask, deliver, resume};
use super::registry::ensure_registered;
use super::waker::{PollCtx, own_task};
use crate::pool::{PoolRc, PoolWeak};

/// A direct await whose outcome and future did not meet in one poll.
struct Parked {
    id: u64,
    /// The awaiting task's address, to drop an abandoned await's mark when the task finishes.
    task: usize,
    what: Waiting,
}

enum Waiting {
    /// The outcome, for the future's next poll.
    Outcome(Box<dyn Any>),
    /// The future was last polled under this waker: the outcome wakes it.
    Waiter(Waker),
    /// The future was dropped: the outcome is dropped on arrival.
    Abandoned,
}

thread_local! {
    /// The next await id: unique per thread, so an outcome is taken only by its own future.
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    /// The rare cases (see the module documentation).
    static PARKED: RefCell<Vec<Parked>> = const { RefCell::new(Vec::new()) };
    /// Whether `PARKED` may have entries: all the common path looks at.
    static ANY_PARKED: Cell<bool> = const { Cell::new(false) };
}

/// The address that identifies a task (while it lives): its block's, which needs no offset
/// taken from the vtable, as the value's address did (5 instructions per await's start).
#[inline]
fn identity(task: &TaskRef) -> usize {
    PoolRc::as_raw(task).cast::<()>().as_ptr() as usize
}

#[inline]
pub(super) fn any_parked() -> bool {
    ANY_PARKED.get()
}

/// Runs `f` on the table. `f` must not run user code; what it returns is dropped (or woken) by
/// the caller, outside the borrow. `None` once the thread is exiting and the table is gone.
fn with_parked<R>(f: impl FnOnce(&mut Vec<Parked>) -> R) -> Option<R> {
    PARKED
        .try_with(|parked| {
            let mut parked = parked.borrow_mut();
            let r = f(&mut parked);
            ANY_PARKED.set(!parked.is_empty());
            r
        })
        .ok()
}

/// The awaiting side of a direct await of an outcome of type `V`, inside a `PromiseFuture`.
pub(crate) struct DirectAwait<V> {
    /// 0 once the outcome was taken.
    id: u64,
    /// The awaiting task's address: only to tell whether a poll comes from it. The future
    /// lives inside the task, so it holds no reference to it (that would be a cycle).
    task: usize,
    outcome: PhantomData<fn() -> V>,
}

/// The resuming side of a direct await, captured by its reaction. Made together with its
/// `DirectAwait`, so the two agree on the id and on `V`.
pub(crate) struct Delivery<V> {
    id: u64,
    /// Strong: this reaction is what will resume the task, so it keeps it. Thin, so that the
    /// delivery is two words and a fulfilled await's job fits the queue's inline slot.
    task: ThinTask,
    outcome: PhantomData<fn(V)>,
}

// Two words: the job of an await on a fulfilled promise (this, captured by a closure) is
// stored in the job queue's slot, with no pooled block.
const _: () = assert!(size_of::<Delivery<()>>() == 2 * size_of::<usize>());

impl<V: 'static> Delivery<V> {
    /// The reaction job: resumes the task with `outcome` (see `core::deliver`).
    #[inline]
    pub(crate) fn deliver(self, outcome: V) {
        let Delivery { id, task, .. } = self;
        deliver(task, id, outcome);
    }
}

impl<V: 'static> DirectAwait<V> {
    /// Starts a direct await by the task being polled in `own`. An await on a pending promise
    /// puts the task in the loop's registry: that promise may be reachable only from the task,
    /// and the registry breaks such cycles when the loop is dropped.
    #[inline(always)]
    pub(crate) fn start(own: &PollCtx<'_>, pending: bool) -> (DirectAwait<V>, Delivery<V>) {
        let task = own.task();
        if pending {
            ensure_registered(task);
        }
        // One access: `LocalKey::set` goes through `initialize_with`, which LLVM may keep out of
        // line where `start` is inlined.
        let id = NEXT_ID.with(|next| next.replace(next.get() + 1));
        (
            DirectAwait { id, task: identity(task), outcome: PhantomData },
            Delivery { id, task: own.thin_task(), outcome: PhantomData },
        )
    }

    /// Polls for the outcome: handed to this poll, or parked earlier.
    #[inline]
    pub(crate) fn poll(&mut self, cx: &Context<'_>) -> Poll<V> {
        if self.id == 0 {
            return Poll::Pending; // polled again after completing: nothing more will come
        }
        let own = own_task(cx);
        let by_its_task = match own {
            Some(own) => {
                if let Some(outcome) = own.take_handoff::<V>(self.id) {
                    self.id = 0;
                    return Poll::Ready(outcome);
                }
                identity(own.task()) == self.task
            }
            None => false,
        };
        if by_its_task && !any_parked() {
            return Poll::Pending;
        }
        self.poll_parked(by_its_task, cx)
    }

    /// Takes a parked outcome; otherwise, polled by its own task, makes sure its delivery
    /// resumes the task, or else leaves the waker to be woken by the delivery.
    #[cold]
    #[inline(never)]
    fn poll_parked(&mut self, by_its_task: bool, cx: &Context<'_>) -> Poll<V> {
        let (id, task) = (self.id, self.task);
        let waker = (!by_its_task).then(|| cx.waker().clone());
        let (outcome, replaced) = with_parked(|parked| {
            let at = parked.iter().position(|entry| entry.id == id);
            match (at, waker) {
                (Some(at), _) if matches!(parked[at].what, Waiting::Outcome(_)) => {
                    (Some(parked.swap_remove(at).what), None)
                }
                (Some(at), Some(waker)) => {
                    (None, Some(mem::replace(&mut parked[at].what, Waiting::Waiter(waker))))
                }
                (Some(at), None) => (None, Some(parked.swap_remove(at).what)),
                (None, Some(waker)) => {
                    parked.push(Parked { id, task, what: Waiting::Waiter(waker) });
                    (None, None)
                }
                (None, None) => (None, None),
            }
        })
        .unwrap_or((None, None));
        drop(replaced); // a waker's destructor, outside the borrow
        match outcome {
            Some(Waiting::Outcome(outcome)) => match outcome.downcast::<V>() {
                Ok(outcome) => {
                    self.id = 0;
                    Poll::Ready(*outcome)
                }
                Err(_) => unreachable!("await ids are unique: an outcome has its future's type"),
            },
            _ => Poll::Pending,
        }
    }
}

impl<V> Drop for DirectAwait<V> {
    #[inline]
    fn drop(&mut self) {
        if self.id != 0 {
            abandon(self.id, self.task);
        }
    }
}

/// A direct await's future was dropped before taking its outcome: drop the outcome if it is
/// parked, or mark the await so that the outcome is dropped when it comes.
#[cold]
#[inline(never)]
fn abandon(id: u64, task: usize) {
    let removed = with_parked(|parked| match parked.iter().position(|entry| entry.id == id) {
        Some(at) => Some(parked.swap_remove(at).what),
        None => {
            parked.push(Parked { id, task, what: Waiting::Abandoned });
            None
        }
    });
    drop(removed);
}

/// Whether await `id`'s outcome is already spoken for: waited for under another waker, or
/// abandoned. Then its delivery does not poll the task.
pub(super) fn is_claimed(id: u64) -> bool {
    with_parked(|parked| {
        parked.iter().any(|entry| entry.id == id && !matches!(entry.what, Waiting::Outcome(_)))
    })
    .unwrap_or(false)
}

/// Parks an outcome that was not taken by a poll: for the waker its future left, for its
/// future's next poll, or nowhere (its future was dropped). An entry belongs to its future,
/// which removes it when dropped, even after the task finished (a future moved out of its
/// task). With no entry and the task finished, the future went with the task's body: the
/// outcome is dropped.
#[cold]
#[inline(never)]
pub(super) fn park(task: &TaskRef, id: u64, outcome: Box<dyn Any>) {
    let (identity, done) = (identity(task), task.task().header.is_done());
    let parked = with_parked(|parked| match parked.iter().position(|entry| entry.id == id) {
        Some(at) => match mem::replace(&mut parked[at].what, Waiting::Outcome(outcome)) {
            Waiting::Abandoned => (None, Some(parked.swap_remove(at).what)),
            Waiting::Waiter(waker) => (Some(waker), None),
            previous @ Waiting::Outcome(_) => (None, Some(previous)),
        },
        None if done => (None, Some(Waiting::Outcome(outcome))),
        None => {
            parked.push(Parked { id, task: identity, what: Waiting::Outcome(outcome) });
            (None, None)
        }
    });
    let (waiter, dropped) = parked.unwrap_or((None, None));
    drop(dropped);
    if let Some(waker) = waiter {
        waker.wake();
    }
}

/// The task finished: drops the marks its dropped futures left for outcomes still to come
/// (an outcome that comes later finds the task finished and is dropped anyway).
#[cold]
#[inline(never)]
pub(super) fn forget(task: &TaskRef) {
    let identity = identity(task);
    with_parked(|parked| {
        parked.retain(|entry| entry.task != identity || !matches!(entry.what, Waiting::Abandoned));
    });
}

/// A weak reference to the task being polled, for a `PromiseFuture` that waits in a slot of its
/// own (it was first polled under another waker) but is now polled by its task: the slot's
/// reaction resumes the task directly.
pub(crate) struct WeakTask(PoolWeak<dyn TaskBlock>);

impl WeakTask {
    /// The task polled in `own`. It is put in the loop's registry, which keeps it while it
    /// waits: this reference does not.
    pub(crate) fn of(own: &PollCtx<'_>) -> WeakTask {
        ensure_registered(own.task());
        WeakTask(PoolRc::downgrade(own.task()))
    }

    /// Polls the task, if it still exists.
    pub(crate) fn resume(&self) {
        if let Some(task) = self.0.upgrade() {
            resume(&task, None);
        }
    }
}
