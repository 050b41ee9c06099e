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
//!
//! The blocks are pooled (`pool.rs`), and a reaction is held through [`ReactionRef`]: a thin
//! pointer to its block plus a vtable made here, since the job consumes its reference (the
//! derived promise's capability takes it over), which a standard `dyn` method cannot do
//! without `Rc`'s receiver.

use std::any::Any;
use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, offset_of};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

use settle_runtime::{LoopId, MicrotaskBatch};

use crate::error::{PanicError, Reason};
use crate::owner::{enqueue_batch_on_owner, enqueue_on_owner};
use crate::pool::{ErasedRc, Head, Inner, PoolRc, release_strong};
use crate::promise::{Promise, PromiseCell};
use crate::resolving::Resolvers;

/// A strong reference to a reaction record, whatever its handler and wherever it lives: the
/// record's pooled block (`head`, which keeps one strong count) and what its type does
/// (`vtable`, made once per record type by [`ReactionRef::new`]).
///
/// Invariant: either `head` is the block of a `PoolRc<R>` given up by `PoolRc::into_head`, for
/// the `R: Reaction<T, E>` whose vtable `vtable` is; or (`ReactionRef::from_parts`) `head` is a
/// combinator's element record inside a shared block, which starts with its own strong count
/// where a `Head` has `strong`, and `vtable` is that record type's (`element.rs`). Either way
/// only `release_strong` (the count alone) and `vtable`'s functions read through `head`, and
/// `head + vtable.slot` is the record's `Cell<Slot<T, E>>`.
pub(crate) struct ReactionRef<T, E> {
    head: NonNull<Head>,
    vtable: &'static ReactionVTable,
    /// The record holds a `Slot<T, E>` (and is dropped with it).
    types: PhantomData<(T, E)>,
}

/// What a reaction record's type does, for a [`ReactionRef`]. The same for any `T` and `E`:
/// the slot's type is the reference's.
pub(crate) struct ReactionVTable {
    /// The offset of the record's `Cell<Slot<T, E>>` from the start of its block.
    slot: usize,
    /// Runs the job, consuming the reference (`run_erased`).
    run: unsafe fn(NonNull<Head>, &mut dyn Any),
    /// Drops the value once its strong count is zero (`PoolRc::drop_erased`).
    drop_value: unsafe fn(NonNull<Head>),
}

/// A reaction waiting on a pending promise, or queued as its job: a type a [`ReactionRef`]
/// can point to.
pub(crate) trait Reaction<T, E>: Sized + 'static {
    /// The offset of the record's link-or-argument slot, a `Cell<Slot<T, E>>`, in `Self`.
    const SLOT: usize;

    /// 27.2.2.1 NewPromiseReactionJob, step 1: the Job Abstract Closure. Runs the handler with
    /// the argument stored by `enqueue_reaction_job`; called once, by the job queue, with the
    /// host the loop is run with (for the classification of the handler's result).
    fn run(this: PoolRc<Self>, host: &mut dyn Any);
}

/// A `ReactionVTable`'s `run`.
///
/// # Safety
///
/// `head` holds a strong count given up by `PoolRc::<R>::into_head`.
unsafe fn run_erased<T, E, R: Reaction<T, E>>(head: NonNull<Head>, host: &mut dyn Any) {
    // SAFETY: the caller's contract.
    R::run(unsafe { PoolRc::from_head(head) }, host);
}

impl ReactionVTable {
    /// The vtable of a record type that is not a `Reaction` in a block of its own (a
    /// combinator's element record, `element.rs`): `slot` is the offset of its
    /// `Cell<Slot<T, E>>` from the record's count, `run` and `drop_value` take that count.
    pub(crate) const fn new(
        slot: usize,
        run: unsafe fn(NonNull<Head>, &mut dyn Any),
        drop_value: unsafe fn(NonNull<Head>),
    ) -> ReactionVTable {
        ReactionVTable { slot, run, drop_value }
    }
}

impl<T, E> ReactionRef<T, E> {
    /// A reference from its parts: what `element.rs` makes for a record in a shared block.
    ///
    /// # Safety
    ///
    /// `head` points to a live record holding one strong count (1) in a `Cell<u32>` at offset
    /// 0, with a `Cell<Slot<T, E>>` at `vtable.slot` from it, valid while that count is held;
    /// `vtable.run` and `vtable.drop_value` are that record type's, and the count is given up
    /// once, by this reference (the struct invariant's second case).
    #[inline]
    pub(crate) unsafe fn from_parts(
        head: NonNull<Head>,
        vtable: &'static ReactionVTable,
    ) -> ReactionRef<T, E> {
        ReactionRef { head, vtable, types: PhantomData }
    }
}

impl<T: 'static, E: 'static> ReactionRef<T, E> {
    /// A reference to the record in `record`'s block.
    #[inline]
    pub(crate) fn new<R: Reaction<T, E>>(record: PoolRc<R>) -> ReactionRef<T, E> {
        ReactionRef {
            head: PoolRc::into_head(record),
            vtable: const {
                &ReactionVTable {
                    slot: PoolRc::<R>::VALUE + R::SLOT,
                    run: run_erased::<T, E, R>,
                    drop_value: PoolRc::<R>::drop_erased,
                }
            },
            types: PhantomData,
        }
    }
}

impl<T, E> ReactionRef<T, E> {
    /// The record's link-or-argument slot.
    #[inline]
    fn slot(&self) -> &Cell<Slot<T, E>> {
        // SAFETY: the block is live while this reference is (it keeps a strong count), and
        // `vtable.slot` is the offset of the record's slot in it (struct invariant: both from
        // `new`, for the same `R`, whose `SLOT` is the field's offset); only shared references
        // to the cell are made.
        unsafe { &*self.head.cast::<u8>().add(self.vtable.slot).cast::<Cell<Slot<T, E>>>().as_ptr() }
    }

    /// Runs the record's job ([`Reaction::run`]), giving the reference to it.
    #[inline]
    fn run(self, host: &mut dyn Any) {
        let this = ManuallyDrop::new(self);
        // SAFETY: `run` is `run_erased::<T, E, R>` for the block's `R` (struct invariant); the
        // strong count is handed over to it, and `this` is not dropped.
        unsafe { (this.vtable.run)(this.head, host) }
    }

    /// The record, type-erased, for dropping without recursion (see `drop.rs`).
    #[inline]
    fn into_erased(self) -> ErasedRc {
        let this = ManuallyDrop::new(self);
        // SAFETY: `head` holds the strong count of a `PoolRc<R>` and `drop_value` is that `R`'s
        // (struct invariant); the count moves to the erased reference, `this` is not dropped.
        unsafe { ErasedRc::from_parts(this.head, this.vtable.drop_value) }
    }
}

impl<T, E> Drop for ReactionRef<T, E> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: this reference's strong count, given up once, with its block's drop function
        // (struct invariant).
        unsafe { release_strong(self.head, self.vtable.drop_value) }
    }
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
    /// Read by offset through a `ReactionRef` (`Reaction::SLOT`).
    slot: Cell<Slot<T, E>>,
    handler: Cell<Option<F>>,
}

impl<T, E, F> Record<T, E, F> {
    pub(crate) fn new(handler: F) -> Record<T, E, F> {
        Record { slot: Cell::new(Slot::Next(None)), handler: Cell::new(Some(handler)) }
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
    const SLOT: usize = offset_of!(Record<T, E, F>, slot);

    fn run(this: PoolRc<Self>, _host: &mut dyn Any) {
        if let Some((argument, handler)) = this.take() {
            handler(argument);
        }
    }
}

/// Creates a reaction record whose job calls `handler` with the settled outcome.
pub(crate) fn new_reaction<T, E, F>(handler: F) -> ReactionRef<T, E>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    ReactionRef::new(PoolRc::new(Record::new(handler)))
}

impl<T, E> ReactionRef<T, E> {
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
    /// linked). What the slot held owns nothing, so it is overwritten without its drop's
    /// check (`Cell::set` reads the old value to drop it).
    #[inline]
    fn set_next(&self, next: Option<ReactionRef<T, E>>) {
        let unlinked = self.slot().replace(Slot::Next(next));
        debug_assert!(matches!(unlinked, Slot::Next(None)), "only unlinked records are linked");
        std::mem::forget(unlinked);
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
    enqueue_stored(reaction, owner);
}

/// HostEnqueuePromiseJob for a record that already holds its argument.
#[inline]
fn enqueue_stored<T: 'static, E: 'static>(reaction: ReactionRef<T, E>, owner: LoopId) {
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
    const SLOT: usize =
        offset_of!(PromiseCell<U, E, D, Record<T, E, F>>, tail) + offset_of!(Record<T, E, F>, slot);

    fn run(this: PoolRc<Self>, host: &mut dyn Any) {
        let Some((argument, handler)) = this.tail.take() else { return };
        // The record's [[Capability]]: the promise it shares its block with. The block's
        // count stays with `block`, which drops it through the block's own type (no vtable:
        // 27 instructions less per `then` than through the handle's `dyn Tail`, callgrind W3);
        // the capability is a view of the same count, never dropped. On unwind `block` still
        // gives the count up.
        let block = TypedRef(PoolRc::into_raw(this));
        let view: NonNull<Inner<PromiseCell<U, E, D>>> = block.0;
        // SAFETY: `view` is `block`'s pointer coerced by the compiler (invariant 5 of
        // `pool.rs`), so it is a valid reference to the block while `block` keeps its count,
        // which it does until the end of this function, after the last use of `capability`.
        // The `ManuallyDrop` never gives the count up, so the count is given up once, by
        // `block`. A clone the handler makes of the capability takes a count of its own.
        let capability =
            ManuallyDrop::new(Resolvers::capability_of(Promise { cell: unsafe { PoolRc::from_raw(view) } }));
        handler(argument, &capability, host);
    }
}

/// A strong reference given up by `PoolRc::into_raw`, dropped as a `PoolRc<X>` of the sized
/// type it was made for, so that the value's drop is the type's own, not a vtable's.
///
/// Invariant: the pointer came from `PoolRc::<X>::into_raw` and holds that reference's count.
struct TypedRef<X>(NonNull<Inner<X>>);

impl<X> Drop for TypedRef<X> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the struct invariant; the count is taken back once, here.
        drop(unsafe { PoolRc::<X>::from_raw(self.0) });
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

    /// Unlinks the records and queues each one's job with `argument` (clones of it for
    /// several), in registration order (TriggerPromiseReactions). Each record's link is
    /// swapped for its argument in one move (the link read, the argument written), where
    /// unlinking and then storing wrote the slot twice and checked the emptied link for a drop
    /// (callgrind, W3, 2026-12-07: -17 instructions per handler). The newest record takes the
    /// argument in that move before its link says whether it is the only one (the common
    /// case, stored once); when it is not, `enqueue_many` takes it back, one move more per
    /// trigger, out of line (inlined here it cost W4b 2 instructions per element, callgrind,
    /// 2026-12-07).
    #[inline]
    pub(crate) fn enqueue_all(mut self, argument: Result<T, E>, owner: LoopId)
    where
        T: Clone + 'static,
        E: Clone + 'static,
    {
        let Some(newest) = self.newest.take() else { return };
        match newest.slot().replace(Slot::Argument(argument)) {
            // A single reaction: it holds its argument; queue it.
            Slot::Next(None) => enqueue_stored(newest, owner),
            Slot::Next(Some(next)) => enqueue_many(newest, next, owner),
            // Only linked records are on a list, and a linked record holds its link.
            Slot::Argument(_) => not_linked(),
        }
    }

    /// Each record, unlinked and type-erased, for dropping without recursion (see `drop.rs`).
    pub(crate) fn into_erased(mut self) -> Vec<ErasedRc> {
        let mut all = Vec::new();
        let mut next = self.newest.take();
        while let Some(record) = next {
            next = record.take_next();
            all.push(record.into_erased());
        }
        all
    }
}

/// A record on a list held an argument instead of its link: unreachable (only linked records
/// are on a list). Out of line, so that the panic's code is not inlined into every
/// FulfillPromise with `enqueue_all`.
#[cold]
#[inline(never)]
fn not_linked() -> ! {
    unreachable!("a listed reaction holds its link")
}

/// `Reactions::enqueue_all` for two records or more (`newest`, whose link `next` was swapped
/// for the argument).
/// Out of line, so that the cases inlined into FulfillPromise are only the common ones (none,
/// one): inlined with the rest of a resolution, the loop took 89 instructions per reaction
/// instead of 49 (callgrind, W3, 2026-12-07).
///
/// The list is newest first and the jobs must run oldest first (27.2.1.8). One walk, newest
/// first, swaps each record's link for its argument and pushes its job onto a batch the walk
/// owns; the batch is then reversed in place and appended to the owner's Job queue in one go
/// (`MicrotaskBatch`): no reversal pass over the records, one look-up of the loop and one
/// growth of the queue for the whole list (callgrind, W3, 2026-12-07: docs/benchmarks.md entry
/// 22). Every record gets a clone of the argument (the walk cannot tell the last record before
/// its link is read, which is the same move that stores the argument), and the argument itself
/// is dropped after the walk: one clone more per trigger, not per record. The clones (user
/// code) run with no borrow of the loop held; jobs they queue run before this trigger's. As
/// before, a panicking clone drops the record whose argument it was making with the records
/// linked after it, and the jobs gathered so far are dropped unrun.
#[inline(never)]
fn enqueue_many<T, E>(newest: ReactionRef<T, E>, next: ReactionRef<T, E>, owner: LoopId)
where
    T: Clone + 'static,
    E: Clone + 'static,
{
    let argument = match newest.slot().replace(Slot::Next(None)) {
        Slot::Argument(argument) => argument,
        Slot::Next(_) => unreachable!("`enqueue_all` stored the argument in the newest record"),
    };
    let mut batch = MicrotaskBatch::new();
    let mut record = newest;
    let mut link = Some(next);
    loop {
        match record.slot().replace(Slot::Argument(argument.clone())) {
            // `newest`'s link was taken before: it holds `Next(None)`, and `link` holds it.
            Slot::Next(None) => {}
            Slot::Next(older) => link = older,
            // Only linked records are on a list, and a linked record holds its link.
            Slot::Argument(_) => not_linked(),
        }
        batch.push_with(move |host| record.run(host));
        match link.take() {
            Some(older) => record = older,
            None => break,
        }
    }
    drop(argument);
    enqueue_batch_on_owner(owner, batch);
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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use settle_runtime::{EventLoop, queue_microtask};

    use crate::Promise;

    type Log = Rc<RefCell<Vec<String>>>;

    /// TriggerPromiseReactions queues one job per reaction in registration order (27.2.1.8),
    /// behind the jobs queued before the promise settled and ahead of those queued after: the
    /// batch of `enqueue_many`, gathered newest first, into an empty queue and into a queue
    /// that already holds a job.
    #[test]
    fn many_reactions_run_in_registration_order_between_the_jobs_around_them() {
        for job_before in [false, true] {
            let el = EventLoop::new();
            let log: Log = Rc::default();
            let l = log.clone();
            el.queue_task(move || {
                let (p, r) = Promise::<u32>::with_resolvers();
                for i in 0..5 {
                    let l = l.clone();
                    p.then(move |v| {
                        l.borrow_mut().push(format!("then {i}: {v}"));
                        Ok(())
                    });
                }
                if job_before {
                    let l = l.clone();
                    queue_microtask(move || l.borrow_mut().push("before".into()));
                }
                r.resolve(7);
                let l = l.clone();
                queue_microtask(move || l.borrow_mut().push("after".into()));
            });
            el.run().unwrap();
            let mut expected: Vec<String> = (0..5).map(|i| format!("then {i}: 7")).collect();
            if job_before {
                expected.insert(0, "before".into());
            }
            expected.push("after".into());
            assert_eq!(*log.borrow(), expected);
        }
    }

    /// A value whose `Clone` queues a job: user code run while the reactions are gathered,
    /// with no borrow of the loop held (no panic); its jobs run before the trigger's, which
    /// keep their order.
    #[derive(Debug)]
    struct Noisy(Log);

    impl Clone for Noisy {
        fn clone(&self) -> Noisy {
            let l = self.0.clone();
            queue_microtask(move || l.borrow_mut().push("clone's job".into()));
            Noisy(self.0.clone())
        }
    }

    #[test]
    fn a_clone_that_queues_a_job_runs_inside_a_trigger() {
        let el = EventLoop::new();
        let log: Log = Rc::default();
        let l = log.clone();
        el.queue_task(move || {
            let (p, r) = Promise::<Noisy>::with_resolvers();
            for i in 0..3 {
                p.then(move |v: Noisy| {
                    v.0.borrow_mut().push(format!("then {i}"));
                    Ok(())
                });
            }
            r.resolve(Noisy(l));
        });
        el.run().unwrap();
        let log = log.borrow();
        let (clones, thens): (Vec<_>, Vec<_>) = log.iter().partition(|s| s.as_str() == "clone's job");
        assert_eq!(thens, ["then 0", "then 1", "then 2"]);
        assert!(!clones.is_empty(), "the clones ran");
        assert!(log[..clones.len()].iter().all(|s| s == "clone's job"), "before the trigger's jobs: {log:?}");
    }
}
