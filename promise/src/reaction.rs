//! PromiseReaction records (27.2.1.2) and NewPromiseReactionJob (27.2.2.1): the second step of
//! a value's path (lib.rs). TriggerPromiseReactions (`resolving.rs`) calls
//! `enqueue_reaction_job`; the job is the record's `run`: for a `then` record, the impl for
//! `PromiseCell<.., Record>` below hands the argument to the handler closure that `then` built
//! (`promise.rs`), with the derived promise's capability; that closure calls the user's
//! function through `call_handler` (step 1.e).
//!
//! A `then` call's two reaction records (fulfill and reject) are one [`Record`] here: the
//! handler and, once the promise settles, the argument. That record is then queued as the job
//! itself. The record a `then` makes also shares its allocation with the promise `then` returns
//! (it is the tail of that promise's cell, see `then_reaction` in `promise.rs`), so from `then`
//! to its handler a reaction costs one allocation, derived promise included.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use settle_runtime::LoopId;

use crate::error::{PanicError, Reason};
use crate::owner::enqueue_on_owner;
use crate::promise::{Promise, PromiseCell};
use crate::resolving::Resolvers;

/// A reaction record, whatever its handler and wherever it lives.
pub(crate) type ReactionRef<T, E> = Rc<dyn Reaction<T, E>>;

/// A reaction waiting on a pending promise, or queued as its job.
pub(crate) trait Reaction<T, E> {
    /// The record's link-or-argument slot.
    fn slot(&self) -> &Cell<Slot<T, E>>;

    /// 27.2.2.1 NewPromiseReactionJob, step 1: the Job Abstract Closure. Runs the handler with
    /// the argument stored by [`ReactionRef::set_argument`]; called once, by the job queue,
    /// with the host the loop is run with (for the classification of the handler's result).
    fn run(self: Rc<Self>, host: &mut dyn Any);

    /// The record, type-erased, for dropping without recursion (see `drop.rs`).
    fn into_any(self: Rc<Self>) -> Rc<dyn Any>;
}

/// What a record holds besides its handler: while it waits on a pending promise, the link to
/// the next record of that promise's list; once the promise settled, the argument of its job.
/// The two are never needed at the same time, so they share the space.
pub(crate) enum Slot<T, E> {
    Next(Option<ReactionRef<T, E>>),
    Argument(Result<T, E>),
}

impl<T, E> Default for Slot<T, E> {
    fn default() -> Self {
        Slot::Next(None)
    }
}

/// The fields of a reaction record: the slot and the handler, taken out when the job runs.
pub(crate) struct Record<T, E, F> {
    slot: Cell<Slot<T, E>>,
    handler: Cell<Option<F>>,
}

impl<T, E, F> Record<T, E, F> {
    pub(crate) fn new(handler: F) -> Record<T, E, F> {
        Record { slot: Cell::new(Slot::Next(None)), handler: Cell::new(Some(handler)) }
    }

    pub(crate) fn slot(&self) -> &Cell<Slot<T, E>> {
        &self.slot
    }

    /// The job's argument and handler, moved out: `None` if the record never became a job (or
    /// already ran).
    #[inline]
    pub(crate) fn take(&self) -> Option<(Result<T, E>, F)> {
        let argument = match self.slot.take() {
            Slot::Argument(argument) => argument,
            Slot::Next(_) => return None,
        };
        Some((argument, self.handler.take()?))
    }
}

/// A reaction record of its own allocation, for reactions with no derived promise: those of
/// `await`, of the combinators' element functions and of a thenable job adopting a promise.
impl<T, E, F> Reaction<T, E> for Record<T, E, F>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    fn slot(&self) -> &Cell<Slot<T, E>> {
        &self.slot
    }

    fn run(self: Rc<Self>, _host: &mut dyn Any) {
        if let Some((argument, handler)) = self.take() {
            handler(argument);
        }
    }

    fn into_any(self: Rc<Self>) -> Rc<dyn Any> {
        self
    }
}

/// Creates a reaction record whose job calls `handler` with the settled outcome.
pub(crate) fn new_reaction<T, E, F>(handler: F) -> ReactionRef<T, E>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    Rc::new(Record::new(handler))
}

impl<T, E> dyn Reaction<T, E> {
    /// Unlinks and returns the next record of the pending promise's list.
    #[inline]
    fn take_next(&self) -> Option<ReactionRef<T, E>> {
        match self.slot().take() {
            Slot::Next(next) => next,
            // Only a pending promise's records are linked; a record holding its argument has
            // left the list. Put the argument back.
            argument => {
                self.slot().set(argument);
                None
            }
        }
    }

    /// Links `next` after this record (which holds `Next(None)`: only unlinked records are
    /// linked).
    #[inline]
    fn set_next(&self, next: Option<ReactionRef<T, E>>) {
        self.slot().set(Slot::Next(next));
    }
}

/// NewPromiseReactionJob ( reaction, argument ) (27.2.2.1) and HostEnqueuePromiseJob (9.5.5):
/// stores the argument in the record and queues the record as the job, on the loop that owns
/// the settled promise (`owner.rs`). The record is queued as it is (two words, stored in the
/// queue itself): no allocation.
#[inline]
pub(crate) fn enqueue_reaction_job<T: 'static, E: 'static>(
    reaction: ReactionRef<T, E>,
    argument: Result<T, E>,
    owner: LoopId,
) {
    reaction.slot().set(Slot::Argument(argument));
    enqueue_on_owner(owner, move |host| reaction.run(host));
}

/// The reaction record a `then` call made, living in the promise that call returned: its job
/// (27.2.2.1 NewPromiseReactionJob, step 1) runs the handler with that promise's capability.
impl<T, U, E, D, F> Reaction<T, E> for PromiseCell<U, E, D, Record<T, E, F>>
where
    T: 'static,
    U: 'static,
    E: 'static,
    D: 'static,
    F: FnOnce(Result<T, E>, &Resolvers<U, E, D>, &mut dyn Any) + 'static,
{
    fn slot(&self) -> &Cell<Slot<T, E>> {
        self.tail.slot()
    }

    fn run(self: Rc<Self>, host: &mut dyn Any) {
        let Some((argument, handler)) = self.tail.take() else { return };
        // The record's [[Capability]]: the promise it shares its allocation with.
        let capability = Resolvers::capability_of(Promise { cell: self as Rc<PromiseCell<U, E, D>> });
        handler(argument, &capability, host);
    }

    fn into_any(self: Rc<Self>) -> Rc<dyn Any> {
        self
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
        Err(payload) => Err(E::from_panic(PanicError::from_payload(payload.as_ref()))),
    }
}

/// The reactions of a pending promise: an intrusive singly linked list through the records'
/// [`Slot`]s, newest first. A list needs no allocation of its own, however long it grows (a
/// vector of 100 000 reactions reallocates its way up to megabytes, which also makes the
/// allocator consolidate its free lists), and an extra reaction costs only its record.
pub(crate) struct Reactions<T, E> {
    newest: Option<ReactionRef<T, E>>,
}

impl<T, E> Reactions<T, E> {
    pub(crate) const fn new() -> Reactions<T, E> {
        Reactions { newest: None }
    }

    #[inline]
    pub(crate) fn push(&mut self, reaction: ReactionRef<T, E>) {
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
    pub(crate) fn drain_in_order(mut self, mut f: impl FnMut(ReactionRef<T, E>, bool)) {
        let Some(newest) = self.newest.take() else { return };
        let Some(next) = newest.take_next() else {
            return f(newest, true); // the common case: a single reaction
        };
        // Reverse the list: oldest first.
        let mut oldest = newest;
        let mut rest = Some(next);
        while let Some(record) = rest {
            rest = record.take_next();
            record.set_next(Some(oldest));
            oldest = record;
        }
        let mut next = Some(oldest);
        while let Some(record) = next {
            next = record.take_next();
            f(record, next.is_none());
        }
    }

    /// Each record, unlinked and type-erased, for dropping without recursion (see `drop.rs`).
    pub(crate) fn into_any(mut self) -> Vec<Rc<dyn Any>> {
        let mut all = Vec::new();
        let mut next = self.newest.take();
        while let Some(record) = next {
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
fn drop_unlinked<T, E>(newest: ReactionRef<T, E>) {
    let mut next = Some(newest);
    while let Some(record) = next {
        next = record.take_next();
    }
}
