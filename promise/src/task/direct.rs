//! Direct awaits: a settle promise awaited in its task's own body, whose reaction job resumes
//! the task and hands it the outcome, with no allocation besides the reaction record.
//!
//! The outcome travels on the stack: the reaction job calls `deliver`, which polls the task
//! with the outcome's address in the poll's context, and the awaiting `PromiseFuture` takes it
//! from there (`PollCtx::take_handoff`). Each await has an id, unique on its thread, so an
//! outcome is only ever taken by the future that awaits it.
//!
//! The common case needs nothing more. The rest is parked in the task (`Rare::parked`), rarely
//! and briefly:
//!
//! - an outcome its future did not take in that poll (a combinator that polls only some of its
//!   children) waits there for the future's next poll;
//! - a future polled under another waker (moved into a combinator that wraps the waker) leaves
//!   that waker there, and the outcome wakes it instead of resuming the task;
//! - a future dropped before its outcome came (the losing branch of a select) leaves a mark,
//!   so the outcome is dropped on arrival instead of kept.

use std::cell::Cell;
use std::mem;
use std::ptr;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use super::core::{AnyOutcome, Body, Header, Task, TaskRef, deliver, resume, with_parked};
use super::registry::ensure_registered;
use super::waker::{PollCtx, own_task};

/// What waits in a task for a direct await whose outcome and future did not meet in one poll.
pub(crate) enum Parked {
    /// The outcome, for the future's next poll.
    Outcome(AnyOutcome),
    /// The future was last polled under this waker: the outcome wakes it.
    Waiter(Waker),
    /// The future was dropped: the outcome is dropped on arrival.
    Abandoned,
}

thread_local! {
    /// The next await id: unique per thread, so an outcome is taken only by its own future.
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// The awaiting side of a direct await, inside a `PromiseFuture`.
pub(crate) struct DirectAwait {
    /// 0 once the outcome was taken.
    id: u64,
    /// Weak: the future lives inside the task; a strong reference would be a cycle.
    task: Weak<Task<dyn Body>>,
}

/// The resuming side of a direct await, captured by its reaction.
pub(crate) struct Delivery {
    id: u64,
    /// Strong: this reaction is what will resume the task, so it keeps it.
    task: TaskRef,
}

impl Delivery {
    /// The reaction job: resumes the task with `outcome` (see `core::deliver`).
    #[inline]
    pub(crate) fn deliver<V: 'static>(self, outcome: V) {
        deliver(&self.task, self.id, outcome);
    }
}

impl DirectAwait {
    /// Starts a direct await by the task being polled in `own`. An await on a pending promise
    /// puts the task in the loop's registry: that promise may be reachable only from the task,
    /// and the registry breaks such cycles when the loop is dropped.
    #[inline]
    pub(crate) fn start(own: &PollCtx<'_>, pending: bool) -> (DirectAwait, Delivery) {
        let task = own.task();
        if pending {
            ensure_registered(task);
        }
        let id = NEXT_ID.with(|next| {
            let id = next.get();
            next.set(id + 1);
            id
        });
        (DirectAwait { id, task: Rc::downgrade(task) }, Delivery { id, task: task.clone() })
    }

    /// Polls for the outcome: handed to this poll, or parked earlier.
    pub(crate) fn poll<V: 'static>(&mut self, cx: &Context<'_>) -> Poll<V> {
        if self.id == 0 {
            return Poll::Pending; // polled again after completing: nothing more will come
        }
        if let Some(own) = own_task(cx) {
            if let Some(outcome) = own.take_handoff::<V>(self.id) {
                self.id = 0;
                return Poll::Ready(outcome);
            }
            if ptr::addr_eq(Rc::as_ptr(own.task()), self.task.as_ptr()) {
                if !own.task().header.has_parked() {
                    return Poll::Pending;
                }
                return self.poll_parked(own.task(), None);
            }
        }
        // Under another waker. Without its task, nothing will deliver (the task's reaction
        // holds it strongly until it delivers).
        match self.task.upgrade() {
            Some(task) => self.poll_parked(&task, Some(cx.waker().clone())),
            None => Poll::Pending,
        }
    }

    /// Takes a parked outcome, or leaves `waker` (or, when polled by its own task, no waker:
    /// the delivery resumes the task) to be woken by it.
    #[cold]
    fn poll_parked<V: 'static>(&mut self, task: &TaskRef, waker: Option<Waker>) -> Poll<V> {
        let header = &task.header;
        let id = self.id;
        let (outcome, replaced) = with_parked(header, |parked| {
            let at = parked.iter().position(|(i, _)| *i == id);
            match (at, waker) {
                (Some(at), _) if matches!(parked[at].1, Parked::Outcome(_)) => {
                    (Some(parked.swap_remove(at).1), None)
                }
                (Some(at), Some(waker)) => {
                    (None, Some(mem::replace(&mut parked[at].1, Parked::Waiter(waker))))
                }
                (Some(at), None) => (None, Some(parked.swap_remove(at).1)),
                (None, Some(waker)) => {
                    parked.push((id, Parked::Waiter(waker)));
                    (None, None)
                }
                (None, None) => (None, None),
            }
        });
        header.mark_parked();
        drop(replaced); // a waker's destructor, outside the borrow
        match outcome {
            Some(Parked::Outcome(outcome)) => match outcome.downcast::<V>() {
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

impl Drop for DirectAwait {
    fn drop(&mut self) {
        if self.id != 0 {
            abandon(&self.task, self.id);
        }
    }
}

/// A direct await's future was dropped before taking its outcome: drop the outcome if it is
/// parked, or mark the await so that the outcome is dropped when it comes.
#[cold]
fn abandon(task: &Weak<Task<dyn Body>>, id: u64) {
    let Some(task) = task.upgrade() else { return };
    let header = &task.header;
    if header.is_done() {
        return;
    }
    let removed = with_parked(header, |parked| match parked.iter().position(|(i, _)| *i == id) {
        Some(at) => Some(parked.swap_remove(at).1),
        None => {
            parked.push((id, Parked::Abandoned));
            None
        }
    });
    header.mark_parked();
    drop(removed);
}

/// Whether await `id`'s outcome is already spoken for: waited for under another waker, or
/// abandoned. Then its delivery does not poll the task.
pub(super) fn is_claimed(header: &Header, id: u64) -> bool {
    with_parked(header, |parked| {
        parked.iter().any(|(i, entry)| *i == id && !matches!(entry, Parked::Outcome(_)))
    })
}

/// Parks an outcome that was not taken by a poll: for its future's next poll, for the waker
/// its future left, or nowhere (its future was dropped, or the task is done).
pub(super) fn park(task: &TaskRef, id: u64, outcome: AnyOutcome) {
    let header = &task.header;
    if header.is_done() {
        return; // drops the outcome: nobody can take it any more
    }
    let (waiter, dropped) = with_parked(header, |parked| match parked.iter().position(|(i, _)| *i == id) {
        Some(at) => match mem::replace(&mut parked[at].1, Parked::Outcome(outcome)) {
            Parked::Abandoned => (None, Some(parked.swap_remove(at).1)),
            Parked::Waiter(waker) => (Some(waker), None),
            previous @ Parked::Outcome(_) => (None, Some(previous)),
        },
        None => {
            parked.push((id, Parked::Outcome(outcome)));
            (None, None)
        }
    });
    header.mark_parked();
    drop(dropped);
    if let Some(waker) = waiter {
        waker.wake();
    }
}

/// A weak reference to the task being polled, for a `PromiseFuture` that waits in a slot of its
/// own (it was first polled under another waker) but is now polled by its task: the slot's
/// reaction resumes the task directly.
pub(crate) struct WeakTask(Weak<Task<dyn Body>>);

impl WeakTask {
    /// The task polled in `own`. It is put in the loop's registry, which keeps it while it
    /// waits: this reference does not.
    pub(crate) fn of(own: &PollCtx<'_>) -> WeakTask {
        ensure_registered(own.task());
        WeakTask(Rc::downgrade(own.task()))
    }

    /// Polls the task, if it still exists.
    pub(crate) fn resume(&self) {
        if let Some(task) = self.0.upgrade() {
            resume(&task, None);
        }
    }
}
