//! A task's life: the task itself (`Task<dyn Body>`, held as a `TaskRef`), its bookkeeping
//! (`Header`), and the operations every path goes through: `resume` (poll once), `finish`,
//! `abort`, `cancel`, and `deliver` (an awaited promise's reaction job handing the task its
//! outcome).
//!
//! Ownership, without a registry in the common case: whoever will resume a task holds it. A
//! reaction job of a direct `await` holds it strongly (in the job queue, or in a pending
//! promise's reaction list); a task waiting on a foreign waker, or on a pending promise (whose
//! reaction list may be reachable only from the task itself: a cycle), is also held by the
//! loop's registry (`registry.rs`), which breaks such cycles when the loop is dropped. A task
//! that nothing can resume any more is simply dropped, as JavaScript would collect it.

use std::cell::Cell;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;
use std::sync::Weak as SyncWeak;
use std::task::{Context, Poll};

use crate::error::PanicError;
use crate::pool::{Inner, PoolRc, coerce};
use crate::promise::PromiseCell;

use super::direct::{any_parked, forget, is_claimed, park};
use super::registry::unregister;
use super::waker::{Handoff, Link, PollCtx};

/// Being polled: not polled again re-entrantly, its future not dropped meanwhile.
const POLLING: u8 = 1;
/// Finished, aborted or cancelled: its future is gone.
const DONE: u8 = 2;
/// Aborted: finishes as soon as its current poll returns.
const ABORTED: u8 = 4;
/// Something tried to resume it while it was being polled: poll again after.
const REPOLL: u8 = 8;
/// `Rare::link` may hold a live waker link.
const LINKED: u8 = 16;
/// The future was dropped (`Body::drop_body`).
const FUTURE_DROPPED: u8 = 32;

/// Why a task's promise is rejected other than by its body.
pub(crate) enum Failure {
    Panic(PanicError),
    Abort,
}

/// A task: its bookkeeping, then its body (the future and the promise's resolving functions),
/// the tail of its promise's block (one allocation for the promise and the task). The body is
/// type-erased (`Task<dyn Body>`), the header is not; the non-generic code reaches the task
/// through one virtual call (`TaskBlock::task`), the header from there without another.
pub(crate) struct Task<B: ?Sized + Body> {
    pub(super) header: Header,
    pub(super) body: B,
}

impl<B: ?Sized + Body> Drop for Task<B> {
    /// With `Header`'s below, one inline test each in the block's drop glue for a finished
    /// task (the common case), where calls to `drop_body`, `Header::drop` and the rare part's
    /// glue took about 40 instructions per task (callgrind, W7, 2026-12-07).
    #[inline]
    fn drop(&mut self) {
        // A task dropped before it finished (nothing could resume it): its future is dropped
        // here, as `finish` would have.
        if !self.header.is_future_dropped() {
            self.body.drop_body(&self.header);
        }
    }
}

/// A task as the non-generic code holds it: the block of the task's promise, whose tail is
/// the task (one allocation for both).
pub(crate) type TaskRef = PoolRc<dyn TaskBlock>;

/// A promise block whose tail is a task: how the non-generic code reaches the task.
pub(crate) trait TaskBlock {
    /// The task in the block's tail.
    fn task(&self) -> &Task<dyn Body>;
}

impl<B: Body + 'static> crate::promise::Tail for Task<B> {}

impl<T, E, D, B: Body + 'static> TaskBlock for PromiseCell<T, E, D, Task<B>> {
    #[inline]
    fn task(&self) -> &Task<dyn Body> {
        &self.tail
    }
}

/// A task's body, type-erased: what the non-generic code needs from it.
///
/// `poll_body` and `fail` are only called by holders of a strong reference to the task's
/// block (a `&TaskRef`: `resume`, `abort`), for the whole call: the body settles its promise
/// through a view that borrows that count (`BodyOf::settle_with`).
pub(crate) trait Body {
    /// Polls the future once; on completion resolves or rejects the promise. Only `resume`
    /// calls it, with `header` marked as polling.
    fn poll_body(&self, header: &Header, cx: &mut Context<'_>) -> Poll<()>;
    /// Rejects the promise (unless already settled by the body).
    fn fail(&self, failure: Failure);
    /// Drops the future (in place, once) and the promise. Never while polling.
    fn drop_body(&self, header: &Header);
}

/// What every task has besides its body: a few flags, and what only some tasks need.
pub(crate) struct Header {
    state: Cell<u8>,
    /// 1 + its key in the loop's registry, or 0 (`registry.rs`).
    registered: Cell<u32>,
    /// Allocated on first need: most tasks never need it. Taken out only for the few
    /// instructions that read or change it, never while user code runs. `ManuallyDrop`:
    /// `Header::drop` always takes it out (so nothing is left to drop), and the field's own
    /// glue, out of line, was a call per task to test it again.
    rare: ManuallyDrop<Cell<Option<Box<Rare>>>>,
    /// What a [`ThinTask`] to this header needs of the block's type, the one word that a thin
    /// reference leaves out, kept here once per task instead of in every await's delivery job.
    fns: &'static TaskFns,
}

/// The functions made for one task block type that a [`ThinTask`] calls through its header.
///
/// # Safety
///
/// Both are called with the pointer of a `ThinTask` to a header holding them, which owns one
/// strong count of the block.
pub(super) struct TaskFns {
    /// The task's `TaskRef` again, which takes the count over.
    pub(super) rebuild: unsafe fn(NonNull<Header>) -> TaskRef,
    /// `resume` with the body's type known (an await's delivery, the common path): no virtual
    /// call to reach the task nor to poll its body, and the block, when this was its last
    /// reference, dropped with its type known. The count is given up, unless the handoff was
    /// not taken: then the task is returned with it, for the outcome to be parked.
    pub(super) resume: unsafe fn(NonNull<Header>, Handoff) -> Option<TaskRef>,
}

/// A strong reference to a task in one word, for an await's delivery job: two words (the await
/// id and this) fit the job queue's inline slot, where the id and a fat `TaskRef` (three) took
/// a pooled block per await (docs/design.md, "A task reference in one word").
///
/// The pointer is the address of the task's [`Header`] inside its block, derived from the
/// block's own pointer (`PoolRc::into_raw`), so it keeps the provenance of the whole block.
///
/// Invariants: it owns one strong count of a live task block, given up by a `TaskRef`
/// (`ThinTask::new`), and the header's `rebuild` is the function made for that block's type
/// (`spawn_task` is the only maker of task blocks and writes it).
pub(crate) struct ThinTask(NonNull<Header>);

impl ThinTask {
    /// Gives up `task` as a thin reference (its count with it).
    ///
    /// # Safety
    ///
    /// `header` is `task`'s own header (`&task.task().header`; checked in debug builds), which
    /// a caller that already reached it passes to spare the virtual call.
    #[inline]
    pub(super) unsafe fn new(task: TaskRef, header: &Header) -> ThinTask {
        debug_assert!(std::ptr::eq(header, &task.task().header), "another task's header");
        let header = NonNull::from(header).addr();
        let block = PoolRc::into_raw(task);
        // The header's address with the block's provenance (not the `&Header`'s, which covers
        // the header alone): `rebuild` goes back from it to the block's start.
        ThinTask(block.cast::<Header>().with_addr(header))
    }

    /// The task again, with the count this reference owned.
    #[inline]
    pub(crate) fn into_task(self) -> TaskRef {
        let this = ManuallyDrop::new(self);
        // SAFETY: the block is live while this reference's count is (struct invariant), so the
        // header can be read; its `rebuild` is the block type's, called with this reference's
        // pointer, whose count passes to the result (`this` is never dropped).
        unsafe { (this.0.as_ref().fns.rebuild)(this.0) }
    }

    /// Resumes the task with `handoff` (see `TaskFns::resume`), giving up this reference's
    /// count; the task, with it, if the handoff was not taken.
    #[inline]
    pub(super) fn resume(self, handoff: Handoff) -> Option<TaskRef> {
        let this = ManuallyDrop::new(self);
        // SAFETY: as in `into_task`, with the header's `resume`, to which the count passes.
        unsafe { (this.0.as_ref().fns.resume)(this.0, handoff) }
    }
}

impl Drop for ThinTask {
    fn drop(&mut self) {
        // A delivery dropped unrun (its job or reaction was dropped): the count goes back.
        // SAFETY: as in `into_task`; this is the reference's last use.
        drop(unsafe { (self.0.as_ref().fns.rebuild)(self.0) });
    }
}

/// What only some tasks need.
#[derive(Default)]
pub(super) struct Rare {
    /// The thread-safe waker state of the task, while clones of its waker exist.
    pub(super) link: Option<SyncWeak<Link>>,
    /// What its abort handle's owner wants done when the task finishes (settle-futures removes
    /// the task's algorithm from its `AbortSignal`).
    on_finish: Option<Box<dyn FnOnce()>>,
}

impl Header {
    /// A new task's header.
    ///
    /// # Safety
    ///
    /// `fns` are the functions made for the type of the block this header goes into
    /// (`ThinTask`'s invariant: a thin reference to the header is rebuilt and resumed with them).
    pub(super) const unsafe fn new(fns: &'static TaskFns) -> Header {
        Header {
            state: Cell::new(0),
            registered: Cell::new(0),
            rare: ManuallyDrop::new(Cell::new(None)),
            fns,
        }
    }

    #[inline]
    fn has(&self, flag: u8) -> bool {
        self.state.get() & flag != 0
    }

    #[inline]
    fn set(&self, flag: u8) {
        self.state.set(self.state.get() | flag);
    }

    #[inline]
    fn clear(&self, flag: u8) {
        self.state.set(self.state.get() & !flag);
    }

    #[inline]
    pub(super) fn is_polling(&self) -> bool {
        self.has(POLLING)
    }

    #[inline]
    pub(super) fn is_done(&self) -> bool {
        self.has(DONE)
    }

    #[inline]
    pub(super) fn is_future_dropped(&self) -> bool {
        self.has(FUTURE_DROPPED)
    }

    #[inline]
    pub(super) fn mark_future_dropped(&self) {
        self.set(FUTURE_DROPPED);
    }

    /// Runs `f` on the rare part, creating it if needed. `f` must not run user code (nor use
    /// the rare part: it is out of the cell meanwhile).
    pub(super) fn with_rare<R>(&self, f: impl FnOnce(&mut Rare) -> R) -> R {
        let mut rare = self.rare.take().unwrap_or_default();
        let r = f(&mut rare);
        self.rare.set(Some(rare));
        r
    }

    /// Its key in the loop's registry, if it is registered.
    #[inline]
    pub(super) fn registry_key(&self) -> Option<usize> {
        self.registered.get().checked_sub(1).map(|key| key as usize)
    }

    /// Records its registry key; false if the key does not fit.
    pub(super) fn set_registry_key(&self, key: usize) -> bool {
        match u32::try_from(key).ok().and_then(|key| key.checked_add(1)) {
            Some(stored) => {
                self.registered.set(stored);
                true
            }
            None => false,
        }
    }

    /// Takes the rare part out for good (the task is finishing).
    fn take_rare(&self) -> Option<Box<Rare>> {
        self.rare.take()
    }

    /// Adds `on_finish` after those already there (each runs once, in order).
    pub(super) fn set_on_finish(&self, on_finish: Box<dyn FnOnce()>) {
        self.with_rare(|rare| {
            rare.on_finish = Some(match rare.on_finish.take() {
                Some(earlier) => Box::new(move || {
                    earlier();
                    on_finish();
                }),
                None => on_finish,
            });
        });
    }

    /// Remembers the task's waker link, so later polls hand out the same one.
    pub(super) fn set_link(&self, link: SyncWeak<Link>) {
        self.with_rare(|rare| rare.link = Some(link));
        self.set(LINKED);
    }

    /// The task's live waker link, if any.
    #[inline]
    pub(super) fn link(&self) -> Option<std::sync::Arc<Link>> {
        if self.has(LINKED) { self.live_link() } else { None }
    }

    #[cold]
    fn live_link(&self) -> Option<std::sync::Arc<Link>> {
        let link = self.with_rare(|rare| rare.link.as_ref().and_then(SyncWeak::upgrade));
        if link.is_none() {
            self.clear(LINKED);
        }
        link
    }
}

impl Drop for Header {
    #[inline]
    fn drop(&mut self) {
        // A task dropped without finishing (nothing could resume it): wakes through clones of
        // its waker that are still out there must find nothing, and keep nothing alive.
        // Taken out, so the `ManuallyDrop` field holds nothing once the header is gone.
        if let Some(rare) = self.rare.get_mut().take() {
            rare.release();
        }
    }
}

impl Rare {
    /// Tells the task's waker link that the task is gone, and runs its `on_finish`. Out of
    /// line with the box's free, so that the common drop of a header (no rare part) is a test.
    #[cold]
    #[inline(never)]
    #[allow(clippy::boxed_local)] // the box's free is what is moved out of line
    fn release(self: Box<Rare>) {
        let Rare { link, on_finish } = *self;
        if let Some(link) = link.and_then(|link| link.upgrade()) {
            link.kill();
        }
        if let Some(on_finish) = on_finish {
            on_finish();
        }
    }
}

/// Polls the task once, if it can be polled: at spawn, from a direct await's reaction job
/// (with the outcome in `handoff`), and from a wake. A task being polled is polled again
/// once its current poll returns; a finished one is left alone.
#[inline]
pub(crate) fn resume(task: &TaskRef, handoff: Option<Handoff>) {
    resume_in(task, task.task(), handoff);
}

/// `resume` with the task already reached (`block` is `task.task()`, seen as its own type on
/// the typed path, `TaskFns::resume`). Returns the handoff if no poll took it.
#[inline]
pub(super) fn resume_in<B: ?Sized + Body>(
    task: &TaskRef,
    block: &Task<B>,
    handoff: Option<Handoff>,
) -> Option<Handoff> {
    let header = &block.header;
    if header.has(POLLING | DONE) {
        if header.has(POLLING) {
            header.set(REPOLL);
        }
        return handoff;
    }
    let mut handoff = handoff;
    loop {
        header.set(POLLING);
        // SAFETY: `header` is `task`'s (`block` is `task.task()`).
        let ctx = unsafe { PollCtx::new(task, header, handoff) };
        let polled = ctx.poll(|cx| catch_unwind(AssertUnwindSafe(|| block.body.poll_body(header, cx))));
        header.clear(POLLING);
        let pending = matches!(polled, Ok(Poll::Pending)) && !header.has(ABORTED);
        handoff = ctx.unclaimed();
        ctx.after_poll(pending);
        match polled {
            Ok(Poll::Pending) if pending => {
                if header.has(REPOLL) {
                    header.clear(REPOLL);
                    continue;
                }
            }
            Ok(_) => finish_in(task, block),
            Err(payload) => {
                let error = PanicError::from_payload(payload.as_ref());
                // The payload's destructor may panic too: caught, as the loop would.
                let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
                block.body.fail(Failure::Panic(error));
                finish_in(task, block);
            }
        }
        return handoff;
    }
}

/// A direct await's reaction job: resumes the task with the outcome of the promise it awaited
/// (await `id`), through the header's typed `resume`. When the awaiting future does not take it
/// in that poll, or someone else waits for it, the outcome is parked for it (`direct.rs`).
#[inline]
pub(crate) fn deliver<V: 'static>(task: ThinTask, id: u64, outcome: V) {
    if any_parked() && is_claimed(id) {
        // Awaited elsewhere (under another waker), or abandoned: no poll of the task.
        park(&task.into_task(), id, Box::new(outcome));
        return;
    }
    let mut slot = Some(outcome);
    // SAFETY: `V` is await `id`'s outcome type (this is its `Delivery<V>`'s job), and `slot`
    // lives until after the `resume` that the handoff is given to.
    let handoff = unsafe { Handoff::new(id, &mut slot) };
    if let Some(task) = task.resume(handoff)
        && let Some(outcome) = slot
    {
        park(&task, id, Box::new(outcome));
    }
}

/// The body of the header's `resume` (`TaskFns::resume`, made in `task.rs` for each block
/// type): resumes the task in `block` with its body's type known, then gives `block`'s count up
/// (its drop typed as well), or returns it as the task if the handoff was not taken.
#[inline]
pub(super) fn resume_typed<T: 'static, E: 'static, D: 'static, B: Body + 'static>(
    block: PoolRc<PromiseCell<T, E, D, Task<B>>>,
    handoff: Handoff,
) -> Option<TaskRef> {
    // The compiler's unsizing coercion, at the second `let`.
    let raw = PoolRc::as_raw(&block);
    let raw: NonNull<Inner<dyn TaskBlock>> = raw;
    // SAFETY: the pointer is `block`'s, coerced by the compiler (invariant 5 of `pool.rs`). The
    // view borrows `block`'s count (invariant 2): it is never dropped (`ManuallyDrop`) and
    // `block` outlives it, so the block stays live for every use of it; a clone the poll makes
    // (an await's delivery) takes a count of its own.
    let task = ManuallyDrop::new(unsafe { PoolRc::from_raw(raw) });
    let unclaimed = resume_in(&task, &block.tail, Some(handoff));
    // Not taken: the task goes back to `deliver`, with the count, to park the outcome.
    match unclaimed {
        Some(_) => Some(coerce!(block)),
        None => None,
    }
}

/// Finishes the task: marks it done, drops its future (whose destructor may panic: caught)
/// and leaves the registry.
pub(super) fn finish(task: &TaskRef) {
    finish_in(task, task.task());
}

/// `finish` with the task already reached (`block` is `task.task()`): inline in a typed
/// `resume`, where the body's drop is then a direct call.
#[inline(always)]
fn finish_in<B: ?Sized + Body>(task: &TaskRef, block: &Task<B>) {
    let header = &block.header;
    header.set(DONE);
    header.clear(LINKED);
    if let Some(rare) = header.take_rare() {
        rare.release();
    }
    let _ = catch_unwind(AssertUnwindSafe(|| block.body.drop_body(header)));
    if any_parked() {
        forget(task);
    }
    if let Some(key) = header.registry_key() {
        header.registered.set(0);
        unregister(task, key);
    }
}

/// Aborts the task: its promise rejects at once, and its future is dropped (at once, or when
/// its current poll returns).
pub(crate) fn abort(task: &TaskRef) {
    let block = task.task();
    let header = &block.header;
    if header.has(ABORTED | DONE) {
        return;
    }
    header.set(ABORTED);
    block.body.fail(Failure::Abort);
    if !header.has(POLLING) {
        finish(task);
    }
}

/// Stops the task without settling its promise (its loop is being dropped): like abort, but
/// the promise stays pending, as a JavaScript function that is never resumed.
pub(super) fn cancel(task: &TaskRef) {
    let header = &task.task().header;
    if header.has(DONE) {
        return;
    }
    if header.has(POLLING) {
        header.set(ABORTED);
    } else {
        finish(task);
    }
}
