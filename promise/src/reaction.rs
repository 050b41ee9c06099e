//! PromiseReaction records (27.2.1.2) and NewPromiseReactionJob (27.2.2.1).
//!
//! A `then` call's two reaction records (fulfill and reject) share one allocation here: a single
//! record holds the handler closure and, once the promise settles, the argument. That record is
//! then queued as the job itself, so a reaction costs one box from `then` to its handler.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use settle_runtime::Job;

use crate::error::{PanicError, Reason};

/// A reaction waiting on a pending promise.
pub(crate) trait Reaction<T, E> {
    /// NewPromiseReactionJob ( reaction, argument ): turns the record into its job by storing
    /// the argument in it (no second allocation).
    fn into_job(self: Box<Self>, argument: Result<T, E>) -> Box<dyn Job>;

    /// The record, type-erased, for dropping without recursion (see `drop.rs`).
    fn into_any(self: Box<Self>) -> Box<dyn Any>;

    /// Unlinks and returns the next record of the pending promise's list.
    fn take_next(&mut self) -> Option<Box<dyn Reaction<T, E>>>;

    /// Links `next` after this record.
    fn set_next(&mut self, next: Option<Box<dyn Reaction<T, E>>>);
}

/// What a record holds besides its handler: while it waits on a pending promise, the link to
/// the next record of that promise's list; once the promise settled, the argument of its job.
/// The two are never needed at the same time, so they share the space.
enum Slot<T, E> {
    Next(Option<Box<dyn Reaction<T, E>>>),
    Argument(Result<T, E>),
}

/// A reaction record: the handler and, after settlement, its argument.
pub(crate) struct PromiseReaction<T, E, F> {
    slot: Slot<T, E>,
    handler: F,
}

/// Creates a reaction record whose job calls `handler` with the settled outcome.
pub(crate) fn new_reaction<T, E, F>(handler: F) -> Box<dyn Reaction<T, E>>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    Box::new(PromiseReaction { slot: Slot::Next(None), handler })
}

impl<T, E, F> Reaction<T, E> for PromiseReaction<T, E, F>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    fn into_job(mut self: Box<Self>, argument: Result<T, E>) -> Box<dyn Job> {
        let unlinked = std::mem::replace(&mut self.slot, Slot::Argument(argument));
        // Always `Next(None)`: the list unlinks a record before it becomes a job. Saying so
        // spares the general drop of a slot on this path.
        debug_assert!(matches!(unlinked, Slot::Next(None)), "a linked record became a job");
        if !matches!(unlinked, Slot::Next(None)) {
            drop(unlinked);
        }
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }

    fn take_next(&mut self) -> Option<Box<dyn Reaction<T, E>>> {
        match &mut self.slot {
            Slot::Next(next) => next.take(),
            Slot::Argument(_) => None,
        }
    }

    fn set_next(&mut self, next: Option<Box<dyn Reaction<T, E>>>) {
        match &mut self.slot {
            // Always this arm: only a pending promise's records are linked, and they hold
            // `Next(None)` when (re)linked. Assigning the link alone spares the general drop of
            // a slot.
            Slot::Next(link) => *link = next,
            slot => *slot = Slot::Next(next),
        }
    }
}

impl<T, E, F> Job for PromiseReaction<T, E, F>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    /// 27.2.2.1 NewPromiseReactionJob, step 1: the Job Abstract Closure.
    fn run(self: Box<Self>) {
        let PromiseReaction { slot, handler } = *self;
        if let Slot::Argument(argument) = slot {
            handler(argument);
        }
    }
}

/// Calls a user handler: 27.2.2.1 step 1.e, `Call(handler, undefined, « argument »)`.
/// A panic is the handler "throwing": it becomes an abrupt completion with a [`PanicError`].
pub(crate) fn call_handler<A, R, E: Reason>(
    handler: impl FnOnce(A) -> Result<R, E>,
    argument: A,
) -> Result<R, E> {
    match catch_unwind(AssertUnwindSafe(move || handler(argument))) {
        Ok(completion) => completion,
        Err(payload) => Err(E::from(PanicError::from_payload(payload.as_ref()))),
    }
}

/// The reactions of a pending promise: an intrusive singly linked list through the records'
/// [`Slot`]s, newest first. A list needs no allocation of its own, however long it grows (a
/// vector of 100 000 reactions reallocates its way up to megabytes, which also makes the
/// allocator consolidate its free lists), and an extra reaction costs only its record.
pub(crate) struct Reactions<T, E> {
    newest: Option<Box<dyn Reaction<T, E>>>,
}

impl<T, E> Reactions<T, E> {
    pub(crate) const fn new() -> Reactions<T, E> {
        Reactions { newest: None }
    }

    #[inline]
    pub(crate) fn push(&mut self, mut reaction: Box<dyn Reaction<T, E>>) {
        if let Some(newest) = self.newest.take() {
            reaction.set_next(Some(newest));
        }
        self.newest = Some(reaction);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.newest.is_none()
    }

    /// Unlinks the records and calls `f` on each, in registration order, telling it whether
    /// the record is the last one.
    #[inline]
    pub(crate) fn drain_in_order(mut self, mut f: impl FnMut(Box<dyn Reaction<T, E>>, bool)) {
        let Some(mut newest) = self.newest.take() else { return };
        let Some(next) = newest.take_next() else {
            return f(newest, true); // the common case: a single reaction
        };
        // Reverse the list: oldest first.
        let mut oldest = newest;
        let mut rest = Some(next);
        while let Some(mut record) = rest {
            rest = record.take_next();
            record.set_next(Some(oldest));
            oldest = record;
        }
        let mut next = Some(oldest);
        while let Some(mut record) = next {
            next = record.take_next();
            f(record, next.is_none());
        }
    }

    /// Each record, unlinked and type-erased, for dropping without recursion (see `drop.rs`).
    pub(crate) fn into_any(mut self) -> Vec<Box<dyn Any>> {
        let mut all = Vec::new();
        let mut next = self.newest.take();
        while let Some(mut record) = next {
            next = record.take_next();
            all.push(record.into_any());
        }
        all
    }
}

impl<T, E> Drop for Reactions<T, E> {
    #[inline]
    fn drop(&mut self) {
        if let Some(newest) = self.newest.take() {
            drop_unlinked(newest);
        }
    }
}

/// Drops a list one record at a time, unlinking each first, so that dropping a long list never
/// recurses along it.
#[inline(never)]
fn drop_unlinked<T, E>(newest: Box<dyn Reaction<T, E>>) {
    let mut next = Some(newest);
    while let Some(mut record) = next {
        next = record.take_next();
    }
}
