//! Tasks: futures run on the loop, each tied to a promise: AsyncBlockStart (27.7.5.1) for a
//! Rust future, the execution context that Await (27.7.5.3, `future.rs`) suspends and resumes
//! (the book's generator runner, chapter 4, which `async` functions replaced). The core holds
//! them because Await's tick exactness lives here (docs/design.md, "Crates: where the await
//! cut is"); settle-futures' `spawn_local` and its abortable forms are built on
//! [`Promise::from_future`] and [`TaskAbort`].
//!
//! How tasks, wakers and the job queue meet:
//!
//! - [`Promise::from_future`] polls the future at once, like calling a JavaScript `async`
//!   function, which runs synchronously up to its first `await`.
//! - Awaiting a settle [`Promise`](crate::Promise) directly in the task body registers a
//!   reaction whose job resumes the task itself, handing it the outcome (see `future.rs` and
//!   `task/direct.rs`): the task continues in the very microtask tick a JavaScript `async`
//!   function would, with no extra job in between.
//! - Any other future wakes the task through its [`Waker`](std::task::Waker), which posts a
//!   macrotask through the loop's [`Remote`](settle_runtime::Remote) (so wakes from other
//!   threads work the same way), and that task polls it. A task whose waker is held outside it
//!   (a foreign future waiting for another thread) keeps the loop alive until it is woken (or
//!   the clone is dropped); nothing is polled unless woken.
//!
//! The layout is chosen for the common case, a task that only awaits settle promises: the task
//! and its promise are one allocation (the promise's block, `PromiseCell<T, E, D,
//! Task<BodyOf<..>>>`, whose tail is the task: bookkeeping, a weak reference to the block for
//! making the resolving functions, and the future inline), polled with a waker that costs nothing to make (`task/waker.rs`); the thread-safe
//! waker, the loop's registry entry (`task/registry.rs`) and the rare-case bookkeeping are
//! created only when something needs them. An await of a settle promise costs its reaction
//! record and nothing else.

mod core;
mod direct;
mod registry;
mod waker;

use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, offset_of};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

use settle_runtime::{Handle, LoopId};

use crate::error::{AbortError, Reason, Value};
use crate::pool::{Inner, PoolRc, PoolWeak, coerce};
use crate::promise::{Promise, PromiseCell};
use crate::resolution::{IntoResolution, Thenables};
use crate::resolving::Resolvers;

use self::core::{Body, Failure, Header, Task, TaskBlock, TaskFns, TaskRef, resume, resume_typed};
use self::waker::Handoff;

pub(crate) use self::direct::{DirectAwait, WeakTask};

pub(crate) use self::waker::own_task;

/// The error an aborted task's promise rejects with: a type parameter, so that a task that
/// cannot be aborted stores nothing for it.
trait AbortReason<E> {
    fn error() -> E;
}

/// `Promise::from_future` (and `spawn_local`): never aborted.
struct Unabortable;

impl<E> AbortReason<E> for Unabortable {
    fn error() -> E {
        unreachable!("a task without a TaskAbort is never aborted")
    }
}

/// `Promise::from_future_abortable` (and `spawn_local_with_signal`): rejects with an AbortError.
struct Abortable;

impl<E: Reason> AbortReason<E> for Abortable {
    fn error() -> E {
        E::from_abort(AbortError)
    }
}

/// Where a task's body keeps its own promise (see `BodyOf::promise`).
type OwnPromise<T, E, D> = Cell<Option<PoolWeak<PromiseCell<T, E, D>>>>;

/// A task's body: its promise and its future.
///
/// Eight bytes less than `Option<Resolvers>` and `Option<F>` would take: the promise's
/// resolving functions are made when they are used (nobody else can make a pair for this
/// promise, so the pair is the same), and whether the future is still there is a bit of the
/// header. The promise is the block the task is the tail of, so the body only keeps a weak
/// reference to it (the block's own count): a strong one would be a cycle.
struct BodyOf<F, T, E, D, A> {
    /// The promise whose block this task is the tail of (weak: the block's own reference to
    /// itself). Taken by the first of: the body's completion, a panic, an abort.
    /// `ManuallyDrop`: `BodyOf::drop` takes it out, out of line when it is still there, so that
    /// a finished task's drop glue (it is gone by then) is a test, not a register-saving
    /// function with the weak count's release inline (callgrind, W7, 2026-12-07).
    promise: ManuallyDrop<OwnPromise<T, E, D>>,
    /// Accessed only by `poll_body` (while the header says "polling") and `drop_body` (while
    /// it does not); never moved once here, only dropped in place, once (the header says).
    future: UnsafeCell<ManuallyDrop<F>>,
    abort: PhantomData<A>,
}

impl<F, T, E, D, A> BodyOf<F, T, E, D, A>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    /// Runs `settle` with the promise's resolving functions, for the first (and only)
    /// settlement; nothing if the promise was already taken.
    ///
    /// Their promise is a view of the block that borrows the strong count of the caller's
    /// `TaskRef` (`Body`'s contract) instead of taking one of its own. So when that reference
    /// is the block's only one, FulfillPromise sees a count of one and, with no reaction
    /// waiting, skips the settlement as it does for any promise nobody can observe: no
    /// handle to the promise exists (each is a count), and none can be made from a task
    /// reference (`TaskRef`, `TaskAbort` and the registry only reach the task). A spawned
    /// task whose promise was dropped, W7's, is that case: 60 instructions per task where
    /// its own reference kept the count at two (callgrind, 2026-12-07). Rejections are never
    /// skipped (RejectPromise tracks them).
    #[inline]
    fn settle_with(&self, settle: impl FnOnce(&Resolvers<T, E, D>)) {
        let Some(weak) = self.promise.take() else { return };
        // SAFETY: the pointer is the block's, coerced by the compiler when the weak reference
        // was made (`spawn_task`), so it is a valid `PoolRc` pointer (invariant 5 of
        // `pool.rs`). The block and its value are live for this whole call: the caller holds a
        // strong reference to the task, which is this block (`Body`'s contract), and `weak`
        // keeps the block itself until the end. The view is kept in a `ManuallyDrop` that is
        // never dropped (a view borrowing a count, invariant 2), so its count is never given
        // up; a clone the resolution makes (an adopted thenable's job) takes its own.
        let view = unsafe { PoolRc::from_raw(PoolWeak::as_raw(&weak)) };
        debug_assert!(PoolRc::strong_count(&view) > 0, "settled with no strong reference held");
        // The first pair, unused: nothing else can make one for this promise (see `BodyOf`).
        let resolvers = ManuallyDrop::new(Resolvers::capability_of(Promise { cell: view }));
        settle(&resolvers);
    }
}

impl<F, R, T, E, D, A> Body for BodyOf<F, T, E, D, A>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
    A: AbortReason<E> + 'static,
{
    #[inline(always)]
    fn poll_body(&self, header: &Header, cx: &mut Context<'_>) -> Poll<()> {
        debug_assert!(header.is_polling(), "poll_body outside resume");
        if header.is_future_dropped() {
            return Poll::Ready(()); // unreachable: a task whose future is gone is done
        }
        // SAFETY: `future` is only touched here and in `drop_body`. `resume` is the only
        // caller of this method and marks the task as polling first, and `drop_body` never
        // runs while it is (nor does `resume` re-enter: a task being polled is not polled
        // again), so this is the only reference to the cell's contents. The future is still
        // there: checked above.
        let future: &mut F = unsafe { &mut *self.future.get() };
        // SAFETY: the future lives inside the task's pooled block, which never moves, and is
        // never moved out of it (`drop_body` drops it in place), so it stays at this address
        // until it is dropped: the pinning guarantee.
        let future = unsafe { Pin::new_unchecked(future) };
        let result = match future.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        // The body's completion goes through the promise's resolve function, in the same tick:
        // returning a promise from the body adopts it (two more ticks), as in JavaScript.
        self.settle_with(|resolvers| match result {
            Ok(value) => resolvers.resolve(value),
            Err(error) => resolvers.reject(error),
        });
        Poll::Ready(())
    }

    fn fail(&self, failure: Failure) {
        self.settle_with(|resolvers| {
            resolvers.reject(match failure {
                Failure::Panic(error) => E::from_panic(error),
                Failure::Abort => A::error(),
            })
        });
    }

    fn drop_body(&self, header: &Header) {
        debug_assert!(!header.is_polling(), "drop_body while polling");
        if header.is_polling() || header.is_future_dropped() {
            return;
        }
        // Marked first: a destructor that panics must not be run again.
        header.mark_future_dropped();
        // SAFETY: not polling (checked above), so no reference into `future` exists (see
        // `poll_body`), and not dropped before (checked, and now marked): dropping it in place
        // once, which pinning allows. Nothing reads it afterwards (`poll_body` checks the mark).
        unsafe { ManuallyDrop::drop(&mut *self.future.get()) };
        self.promise.take();
    }
}

impl<F, T, E, D, A> Drop for BodyOf<F, T, E, D, A> {
    #[inline]
    fn drop(&mut self) {
        // The weak reference of a task dropped unfinished (finishing takes it): given back.
        if let Some(weak) = self.promise.take() {
            drop_cold(weak);
        }
    }
}

/// Drops `x` out of line: for what a common path never has to drop.
#[cold]
#[inline(never)]
fn drop_cold<X>(x: X) {
    drop(x);
}

/// A task's allocation: its promise's cell with the task as the tail.
type BlockOf<F, T, E, D, A> = PromiseCell<T, E, D, Task<BodyOf<F, T, E, D, A>>>;

/// A task block, `PromiseCell<T, E, D, Task<B>>` (a `BlockOf`), from the address of the task's
/// header back to the block's start (`core::ThinTask`).
///
/// # Safety
///
/// `header` is the pointer of a `ThinTask` made from a `TaskRef` to a block of exactly this
/// type (the header holding the functions of `FnsOf<T, E, D, B>` is that block's: `spawn_task`
/// writes them), with the block's provenance, and owning one strong count, which the result
/// takes over.
#[inline]
unsafe fn block_of<T: 'static, E: 'static, D: 'static, B: Body + 'static>(
    header: NonNull<Header>,
) -> PoolRc<PromiseCell<T, E, D, Task<B>>> {
    type Block<T, E, D, B> = PromiseCell<T, E, D, Task<B>>;
    let offset = PoolRc::<Block<T, E, D, B>>::VALUE + offset_of!(Block<T, E, D, B>, tail.header);
    // SAFETY: the header is at `offset` from the start of its block, a block of this type (the
    // caller's contract), and the pointer has the whole block's provenance, so stepping back
    // stays inside the allocation; the block's pointer is the one `PoolRc::into_raw` gave
    // (`ThinTask::new`), which `from_raw` takes back with its count.
    unsafe { PoolRc::from_raw(header.byte_sub(offset).cast::<Inner<Block<T, E, D, B>>>()) }
}

/// The header's functions (`core::TaskFns`) for a task block `PromiseCell<T, E, D, Task<B>>`.
struct FnsOf<T, E, D, B>(PhantomData<(T, E, D, B)>);

impl<T: 'static, E: 'static, D: 'static, B: Body + 'static> FnsOf<T, E, D, B> {
    const FNS: TaskFns = TaskFns { rebuild: Self::rebuild, resume: Self::resume };

    /// # Safety
    ///
    /// As `block_of`'s.
    unsafe fn rebuild(header: NonNull<Header>) -> TaskRef {
        // SAFETY: the caller's contract is `block_of`'s.
        coerce!(unsafe { block_of::<T, E, D, B>(header) })
    }

    /// # Safety
    ///
    /// As `block_of`'s.
    unsafe fn resume(header: NonNull<Header>, handoff: Handoff) -> Option<TaskRef> {
        // SAFETY: the caller's contract is `block_of`'s.
        resume_typed(unsafe { block_of::<T, E, D, B>(header) }, handoff)
    }
}

#[track_caller]
fn spawn_task<T, E, D, F, R, A>(future: F, arm: impl FnOnce(&TaskRef)) -> Promise<T, E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
    F: Future<Output = Result<R, E>> + 'static,
    R: IntoResolution<T, E, D>,
    A: AbortReason<E> + 'static,
{
    // A task needs a current loop. The owner's id is read once, for this check and for the
    // promise (the check through `Handle::try_current` cloned and dropped the loop's `Rc`: 26
    // instructions per task, callgrind W7, 2026-12-07); `NONE` is also the id of a loop past
    // the 65 535th on its thread, so only then is the handle asked.
    let owner = LoopId::current();
    if owner == LoopId::NONE
        && let Err(e) = Handle::try_current()
    {
        panic!("{e}");
    }
    // NewPromiseCapability(%Promise%) (27.7.5.1 step 1 of the caller), the task in the same
    // block: its resolving functions are made when they are used (see `BodyOf`).
    let block = PoolRc::new_cyclic(|me: &PoolWeak<BlockOf<F, T, E, D, A>>| {
        let me: PoolWeak<PromiseCell<T, E, D>> = coerce!(weak me.clone());
        PromiseCell::pending_on(
            Task {
                // SAFETY: the functions of this very block type, `BlockOf<F, T, E, D, A>`.
                header: unsafe { Header::new(&FnsOf::<T, E, D, BodyOf<F, T, E, D, A>>::FNS) },
                body: BodyOf::<F, T, E, D, A> {
                    promise: ManuallyDrop::new(Cell::new(Some(me))),
                    future: UnsafeCell::new(ManuallyDrop::new(future)),
                    abort: PhantomData,
                },
            },
            owner,
        )
    });
    let promise: Promise<T, E, D> = Promise { cell: coerce!(block.clone()) };
    let task: TaskRef = coerce!(block);
    // An abortable task's handle is armed before the first poll, so that an abort already
    // requested (a signal aborted before the spawn) rejects without running the body: `resume`
    // leaves a finished task alone.
    arm(&task);
    resume(&task, None);
    promise
}

/// Aborts one task made by [`Promise::from_future_abortable`], from outside it: the hook an
/// `AbortSignal` (settle-futures' `spawn_local_with_signal`) or any other cancellation source
/// plugs into. It does not keep the task alive; once the task is gone it does nothing.
///
/// ```
/// use settle::prelude::*;
/// use settle::promise::TaskAbort;
///
/// let el = EventLoop::new();
/// el.queue_task(|| {
///     let mut handle: Option<TaskAbort> = None;
///     let p = Promise::<i32, String>::from_future_abortable(
///         std::future::pending::<Result<i32, String>>(),
///         |abort| handle = Some(abort),
///     );
///     handle.unwrap().abort();
///     assert_eq!(p.result(), Some(Err("AbortError: This operation was aborted".to_string())));
///     p.catch(|_| Ok(0));
/// });
/// el.run().unwrap();
/// ```
#[derive(Clone)]
pub struct TaskAbort(PoolWeak<dyn TaskBlock>);

impl TaskAbort {
    /// Aborts the task: its promise rejects at once with an AbortError (through
    /// [`Reason::from_abort`]) and its future is dropped, at once or, when the task is being
    /// polled, as soon as that poll returns. Nothing happens to a task that already finished.
    pub fn abort(&self) {
        if let Some(task) = self.0.upgrade() {
            self::core::abort(&task);
        }
    }

    /// Runs `f` once, when the task finishes (completes, panics, is aborted, or is dropped
    /// unfinished with its loop); at once if it already has. For removing what was registered
    /// to abort it, such as an abort algorithm. `f` runs inside the task's bookkeeping and must
    /// not panic.
    pub fn on_finish(&self, f: impl FnOnce() + 'static) {
        match self.0.upgrade() {
            Some(task) if !task.task().header.is_done() => task.task().header.set_on_finish(Box::new(f)),
            _ => f(),
        }
    }
}

impl fmt::Debug for TaskAbort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let finished = self.0.upgrade().is_none_or(|task| task.task().header.is_done());
        f.debug_struct("TaskAbort").field("finished", &finished).finish()
    }
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Promise<T, E, D> {
    /// A promise of a future's result, for any reason type and classifier: `spawn_local`
    /// (settle-futures) without its fixed types. `Ok` resolves the promise (a returned promise or thenable is
    /// adopted, as an `async` function's return value is), `Err` rejects it.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let el = EventLoop::new();
    /// el.queue_task(|| {
    /// let p = Promise::<i32, String>::from_future(async { Err::<i32, _>("no".to_string()) });
    ///     assert_eq!(p.result(), Some(Err("no".to_string())), "ran to completion at once");
    ///     p.catch(|_| Ok(0));
    /// });
    /// el.run().unwrap();
    /// ```
    #[track_caller]
    pub fn from_future<F, R>(future: F) -> Promise<T, E, D>
    where
        F: Future<Output = Result<R, E>> + 'static,
        R: IntoResolution<T, E, D>,
    {
        spawn_task::<T, E, D, F, R, Unabortable>(future, |_| {})
    }

    /// [`Promise::from_future`] that can be aborted from outside: `arm` receives the task's
    /// [`TaskAbort`] before the future is first polled (an abort from `arm` rejects the
    /// promise without running the future). Aborting drops the future and rejects the
    /// promise with an AbortError (through [`Reason::from_abort`]). settle-futures'
    /// `spawn_local_with_signal` and `from_future_with_signal` are this with an `AbortSignal`.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current on this thread.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let el = EventLoop::new();
    /// el.queue_task(|| {
    ///     let p = Promise::<i32, String>::from_future_abortable(async { Ok(1) }, |abort| abort.abort());
    ///     assert_eq!(p.result(), Some(Err("AbortError: This operation was aborted".to_string())));
    ///     p.catch(|_| Ok(0));
    /// });
    /// el.run().unwrap();
    /// ```
    #[track_caller]
    pub fn from_future_abortable<F, R>(future: F, arm: impl FnOnce(TaskAbort)) -> Promise<T, E, D>
    where
        F: Future<Output = Result<R, E>> + 'static,
        R: IntoResolution<T, E, D>,
    {
        spawn_task::<T, E, D, F, R, Abortable>(future, |task| arm(TaskAbort(PoolRc::downgrade(task))))
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use settle_runtime::EventLoop;

    use super::TaskAbort;
    use crate::Promise;
    use crate::pool::PoolRc;
    use crate::resolution::NoThenables;
    use crate::statics::PromiseStatics;

    /// A task needs a current loop: without one, spawning panics with `NoLoop`'s message (the
    /// cheap `LoopId` check sends that case to `Handle::try_current`), and the future is not
    /// polled; with one, the task's promise belongs to it.
    #[test]
    fn spawning_without_a_loop_panics_and_with_one_the_promise_is_the_loops() {
        let polled = Rc::new(std::cell::Cell::new(false));
        let p = polled.clone();
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            Promise::<u32>::from_future(async move {
                p.set(true);
                Ok::<u32, crate::Error>(1)
            })
        }));
        let message = failed.err().and_then(|e| e.downcast::<String>().ok()).expect("a panic with a message");
        assert_eq!(*message, settle_runtime::NoLoop.to_string());
        assert!(!polled.get(), "the future was not polled");
        let el = EventLoop::new();
        let _g = el.enter();
        let q = Promise::<u32>::from_future(async { Ok::<u32, crate::Error>(2) });
        assert_eq!(q.cell.owner, el.id());
        assert_eq!(q.result().map(|r| r.ok()), Some(Some(2)));
    }

    /// `on_finish` runs once per call, in order, when the task completes; registered after
    /// that, at once; and an abort after completion changes nothing.
    #[test]
    fn on_finish_runs_once_each_in_order_and_at_once_after_the_end() {
        let el = EventLoop::new();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (gate, open) = {
            let _g = el.enter();
            Promise::<i32, String>::with_resolvers()
        };
        let handle: Rc<RefCell<Option<TaskAbort>>> = Rc::default();
        let (h, l1, l2) = (handle.clone(), log.clone(), log.clone());
        let task = {
            let _g = el.enter();
            Promise::<i32, String>::from_future_abortable(async move { gate.await }, move |abort| {
                abort.on_finish(move || l1.borrow_mut().push("first"));
                abort.on_finish(move || l2.borrow_mut().push("second"));
                *h.borrow_mut() = Some(abort);
            })
        };
        assert!(log.borrow().is_empty(), "still waiting");
        el.queue_task(move || open.resolve(7));
        el.run().unwrap();
        assert_eq!(task.result(), Some(Ok(7)));
        assert_eq!(*log.borrow(), ["first", "second"]);
        let abort = handle.borrow_mut().take().unwrap();
        let l3 = log.clone();
        abort.on_finish(move || l3.borrow_mut().push("late"));
        assert_eq!(*log.borrow(), ["first", "second", "late"]);
        abort.abort();
        assert_eq!(task.result(), Some(Ok(7)), "a finished task is not aborted");
        assert_eq!(format!("{abort:?}"), "TaskAbort { finished: true }");
    }

    /// The task lives in its promise's block: a future that holds its own task's promise (a
    /// cycle through the block) is dropped when the task finishes, and the block is freed
    /// with the last handle.
    #[test]
    fn a_future_holding_its_own_promise_is_freed_when_the_task_finishes() {
        let el = EventLoop::new();
        let marker = Rc::new(());
        let own: Rc<RefCell<Option<Promise<i32, String>>>> = Rc::default();
        let (gate, open) = {
            let _g = el.enter();
            Promise::<i32, String>::with_resolvers()
        };
        let (m, o) = (marker.clone(), own.clone());
        let block = {
            let _g = el.enter();
            let task = Promise::<i32, String>::from_future(async move {
                let _m = m;
                let v = gate.await?;
                let me = o.borrow_mut().take().expect("stored before the first await returns");
                assert_eq!(me.state(), crate::PromiseState::Pending, "its own promise, not settled yet");
                Ok(v + 1)
            });
            *own.borrow_mut() = Some(task.clone());
            let block = PoolRc::downgrade(&task.cell);
            el.queue_task(move || open.resolve(1));
            let t = task.clone();
            el.queue_task(move || assert_eq!(t.result(), Some(Ok(2))));
            block
        };
        el.run().unwrap();
        assert_eq!(Rc::strong_count(&marker), 1, "the finished task's future was dropped");
        assert!(block.upgrade().is_none(), "the block was freed with its last handle");
    }

    /// A panic in the body rejects the promise, drops the future once, and frees the block;
    /// an abort handle outliving the block does nothing.
    #[test]
    fn a_panicking_body_frees_its_block_and_a_late_abort_does_nothing() {
        let el = EventLoop::new();
        let marker = Rc::new(());
        let handle: Rc<RefCell<Option<TaskAbort>>> = Rc::default();
        let (m, h) = (marker.clone(), handle.clone());
        let block = {
            let _g = el.enter();
            let task = Promise::<i32, String>::from_future_abortable(
                async move {
                    let _m = m;
                    if Rc::strong_count(&_m) > 0 {
                        panic!("boom");
                    }
                    Ok(0)
                },
                move |abort| *h.borrow_mut() = Some(abort),
            );
            let block = PoolRc::downgrade(&task.cell);
            let caught = task.catch(|e| {
                assert!(e.contains("boom"), "{e}");
                Ok(0)
            });
            drop((task, caught));
            block
        };
        el.run().unwrap();
        assert_eq!(Rc::strong_count(&marker), 1, "the future was dropped");
        assert!(block.upgrade().is_none(), "the block was freed");
        let abort = handle.borrow_mut().take().unwrap();
        abort.abort();
        assert_eq!(format!("{abort:?}"), "TaskAbort { finished: true }");
    }

    /// Many finished tasks' blocks are freed one by one: each task's promise is its block,
    /// so 10^4 tasks awaiting one gate leave nothing once they and their promises are gone.
    #[test]
    fn many_tasks_awaiting_one_gate_free_every_block() {
        let el = EventLoop::new();
        let marker = Rc::new(());
        let (gate, open) = {
            let _g = el.enter();
            Promise::<i32, String>::with_resolvers()
        };
        let blocks: Vec<_> = {
            let _g = el.enter();
            (0..10_000)
                .map(|i| {
                    let (m, g) = (marker.clone(), gate.clone());
                    let task = Promise::<i32, String>::from_future(async move {
                        let _m = m;
                        Ok(g.await? + i)
                    });
                    PoolRc::downgrade(&task.cell)
                })
                .collect()
        };
        drop(gate);
        el.queue_task(move || open.resolve(1));
        el.run().unwrap();
        assert_eq!(Rc::strong_count(&marker), 1);
        assert!(blocks.iter().all(|b| b.upgrade().is_none()));
    }

    /// An await's delivery holds its task by a thin reference (`core::ThinTask`): tasks whose
    /// blocks put the header at different offsets (promise value types of 1 and 200 bytes)
    /// are resumed through it, by fulfilled and by pending promises, with the right outcome;
    /// and every block is freed once its task and promise are gone.
    #[test]
    fn deliveries_find_their_task_whatever_the_blocks_layout() {
        let el = EventLoop::new();
        let marker = Rc::new(());
        let (gate, open) = {
            let _g = el.enter();
            Promise::<u64, String>::with_resolvers()
        };
        let (small, large) = {
            let _g = el.enter();
            let ready = Promise::<u64, String>::resolve(5);
            let (m, r, g) = (marker.clone(), ready.clone(), gate.clone());
            let small = Promise::<u8, String>::from_future(async move {
                let _m = m;
                let a = r.clone().await?;
                let b = g.await?;
                let c = r.await?;
                Ok((a + b + c) as u8)
            });
            let (m, r, g) = (marker.clone(), ready, gate.clone());
            let large = Promise::<[u64; 25], String>::from_future(async move {
                let _m = m;
                let a = g.await?;
                let b = r.await?;
                Ok([a * b; 25])
            });
            (small, large)
        };
        drop(gate);
        el.queue_task(move || open.resolve(2));
        el.run().unwrap();
        assert_eq!(small.result(), Some(Ok(12)));
        assert_eq!(large.result(), Some(Ok([10; 25])));
        let blocks = (PoolRc::downgrade(&small.cell), PoolRc::downgrade(&large.cell));
        drop((small, large));
        assert_eq!(Rc::strong_count(&marker), 1, "both futures were dropped");
        assert!(blocks.0.upgrade().is_none() && blocks.1.upgrade().is_none());
    }

    /// A delivery goes through its header's typed `resume` (`core::TaskFns`): an outcome the
    /// poll takes gives the delivery's count up there; one it does not take (the combinator
    /// below polls only its first child until that is done) comes back with the task and the
    /// count to be parked, and is taken by the child's later poll. Blocks of two layouts, the
    /// fulfilled await's signal and a pending await's value, and every block freed at the end.
    #[test]
    fn a_delivery_not_taken_is_parked_and_every_block_freed() {
        use std::future::{Future, IntoFuture};
        use std::pin::Pin;
        use std::task::{Context, Poll};

        /// Starts both children, then polls `first` alone until it is ready, then `second`.
        struct FirstThenSecond<A: Future, B: Future> {
            first: A,
            first_out: Option<A::Output>,
            second: B,
            started: bool,
        }

        impl<A: Future + Unpin, B: Future + Unpin> Future for FirstThenSecond<A, B>
        where
            A::Output: Unpin,
        {
            type Output = (A::Output, B::Output);

            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = &mut *self;
                if !std::mem::replace(&mut this.started, true) {
                    assert!(Pin::new(&mut this.second).poll(cx).is_pending(), "an await takes a job");
                }
                if this.first_out.is_none() {
                    match Pin::new(&mut this.first).poll(cx) {
                        Poll::Ready(a) => this.first_out = Some(a),
                        Poll::Pending => return Poll::Pending,
                    }
                }
                match Pin::new(&mut this.second).poll(cx) {
                    Poll::Ready(b) => Poll::Ready((this.first_out.take().unwrap(), b)),
                    Poll::Pending => Poll::Pending,
                }
            }
        }

        let el = EventLoop::new();
        let marker = Rc::new(());
        let (gate, open) = {
            let _g = el.enter();
            Promise::<u64, String>::with_resolvers()
        };
        let (small, large) = {
            let _g = el.enter();
            let ready = Promise::<u64, String>::resolve(3);
            let (early, late) = Promise::<u64, String>::with_resolvers();
            let (m, r, g) = (marker.clone(), ready.clone(), gate.clone());
            let small = Promise::<u8, String>::from_future(async move {
                let _m = m;
                let (a, b) = FirstThenSecond {
                    first: g.into_future(),
                    first_out: None,
                    second: r.into_future(),
                    started: false,
                }
                .await;
                Ok((a? + b?) as u8)
            });
            let (m, g) = (marker.clone(), gate.clone());
            let large = Promise::<[u64; 25], String>::from_future(async move {
                let _m = m;
                let (a, b) = FirstThenSecond {
                    first: g.into_future(),
                    first_out: None,
                    second: early.into_future(),
                    started: false,
                }
                .await;
                Ok([a? * b?; 25])
            });
            late.resolve(5);
            (small, large)
        };
        drop(gate);
        // Both outcomes of the second children arrive (and are parked) before the gate opens.
        el.run().unwrap();
        assert_eq!((small.result(), large.result()), (None, None), "waiting for the gate");
        el.queue_task(move || open.resolve(2));
        el.run().unwrap();
        assert_eq!(small.result(), Some(Ok(5)));
        assert_eq!(large.result(), Some(Ok([10; 25])));
        let blocks = (PoolRc::downgrade(&small.cell), PoolRc::downgrade(&large.cell));
        drop((small, large));
        assert_eq!(Rc::strong_count(&marker), 1, "both futures were dropped");
        assert!(blocks.0.upgrade().is_none() && blocks.1.upgrade().is_none());
    }

    /// A delivery dropped unrun (its loop dropped with the job still queued) gives its thin
    /// reference's count back: the task's future is dropped and its block freed.
    #[test]
    fn a_delivery_dropped_unrun_releases_its_task() {
        let el = EventLoop::new();
        let marker = Rc::new(());
        let block = {
            let _g = el.enter();
            let ready = Promise::<u64, String>::resolve(1);
            let m = marker.clone();
            let task = Promise::<u64, String>::from_future(async move {
                let _m = m;
                ready.await
            });
            assert_eq!(PoolRc::strong_count(&task.cell), 2, "the handle and the queued delivery");
            PoolRc::downgrade(&task.cell)
        };
        assert!(block.upgrade().is_some(), "the queued delivery keeps the task");
        drop(el);
        assert_eq!(Rc::strong_count(&marker), 1, "the future was dropped");
        assert!(block.upgrade().is_none(), "the block was freed");
    }

    /// A task whose promise nobody holds settles it through a view of its own block
    /// (`BodyOf::settle_with`), whose count of one lets FulfillPromise skip a fulfilment
    /// nobody can observe. What can be observed is not skipped: a handler attached before
    /// the handle was dropped runs with the value; a rejection is reported unhandled; a
    /// returned promise is still adopted (its rejection handled by the adoption, so the one
    /// reported is the task's own promise, not it).
    #[test]
    fn a_dropped_tasks_promise_still_runs_its_handlers_and_reports_its_rejection() {
        use crate::{RejectionEvent, RejectionEventKind, RejectionPolicy, set_rejection_policy};

        let el = EventLoop::new();
        let events: Rc<RefCell<Vec<RejectionEvent>>> = Rc::default();
        let e = events.clone();
        set_rejection_policy(
            &el,
            RejectionPolicy::Callback(Rc::new(move |event| e.borrow_mut().push(event.clone()))),
        );
        let seen = Rc::new(std::cell::Cell::new(0));
        let (gate, close) = {
            let _g = el.enter();
            Promise::<u64, String>::with_resolvers()
        };
        {
            let _g = el.enter();
            let ready = Promise::<u64, String>::resolve(4);
            let r = ready.clone();
            let handled = Promise::<u64, String>::from_future(async move { Ok(r.await? + 1) });
            let s = seen.clone();
            drop(handled.then(move |v| {
                s.set(v);
                Ok(v)
            }));
            drop(handled);
            let r = ready.clone();
            drop(Promise::<u64, String>::from_future(async move {
                r.await?;
                Err::<u64, _>("late".to_string())
            }));
            let (r, g) = (ready, gate.clone());
            drop(Promise::<u64, String>::from_future(async move {
                r.await?;
                Ok(g)
            }));
        }
        el.run().unwrap();
        assert_eq!(seen.get(), 5, "the handler attached before the drop ran");
        {
            let events = events.borrow();
            assert_eq!(events.len(), 1, "the rejected task's promise");
            assert_eq!(events[0].kind, RejectionEventKind::Unhandled);
            assert_eq!(
                events[0].promise.downcast::<u64, String, NoThenables>().unwrap().result(),
                Some(Err("late".to_string()))
            );
        }
        el.queue_task(move || close.reject("closed".to_string()));
        el.run().unwrap();
        let events = events.borrow();
        assert_eq!(events.len(), 2, "the adopting task's promise, not the gate it adopted");
        let adopting = events[1].promise.downcast::<u64, String, NoThenables>().unwrap();
        assert!(!adopting.ptr_eq(&gate));
        assert_eq!(adopting.result(), Some(Err("closed".to_string())));
    }

    /// A long chain of tasks, each awaiting the previous task's promise (each block held by
    /// the previous block's reaction list), never settled: dropping the loop frees every
    /// block without recursing down the chain.
    #[test]
    fn a_long_unsettled_chain_of_tasks_is_freed_with_its_loop() {
        let el = EventLoop::new();
        let marker = Rc::new(());
        let (gate, open) = {
            let _g = el.enter();
            Promise::<i32, String>::with_resolvers()
        };
        let (first, last) = {
            let _g = el.enter();
            let mut previous = gate;
            let first = PoolRc::downgrade(&previous.cell);
            for _ in 0..100_000 {
                let (m, p) = (marker.clone(), previous);
                previous = Promise::<i32, String>::from_future(async move {
                    let _m = m;
                    p.await
                });
            }
            (first, PoolRc::downgrade(&previous.cell))
        };
        drop(open);
        drop(el);
        assert_eq!(Rc::strong_count(&marker), 1, "every future was dropped");
        assert!(first.upgrade().is_none() && last.upgrade().is_none());
    }
}
