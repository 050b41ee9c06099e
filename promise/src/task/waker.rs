//! The waker a task is polled with: free to make, and thread-safe by construction.
//!
//! Each poll builds a `PollCtx` on the stack and polls with a borrowed `Waker` whose data
//! pointer is that context (`VTABLE`). Making it costs no allocation and no reference count,
//! which is all a task that only awaits settle promises ever needs: those awaits recognise the
//! waker (`own_task`) and resume the task from their reaction jobs instead.
//!
//! A `Waker` is `Send + Sync`, so this one is only ever used through `WakerShared`, the part of
//! the context that is `Sync` (a future may hand `&Waker` to a scoped thread):
//!
//! - `clone` creates, once per task and thread-safely (`LazyLink`), the task's `Link`: an
//!   `Arc` that clones of the waker share, which is what any clone is, so a clone may be sent
//!   anywhere and outlive the poll.
//! - `wake_by_ref` sets an atomic flag; after the poll the task posts its own wake.
//!
//! A link is created unbound: a thread cannot reach the loop's `Remote`, nor the task, which
//! is `!Send`. Right after the poll, on the loop thread, a link with clones outside is bound:
//! the task enters the loop's registry and the link gets a keep-alive `Remote` and the task's
//! registry key. A wake of an unbound link (only possible before that point) is remembered and
//! posted when binding. A bound link posts "resume task (key, id)" through its remote; its
//! remote keeps the loop alive while any clone exists, and is released when the task finishes
//! (`Link::kill`) or the last clone is dropped.

#[cfg(debug_assertions)]
use std::any::TypeId;
use std::cell::Cell;
use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, RawWaker, RawWakerVTable, Wake, Waker};

use settle_runtime::Remote;

use super::core::{Header, TaskRef, ThinTask};
use super::registry::{ensure_registered, wake_registered};

thread_local! {
    /// The `PollCtx` of the poll running on this thread, or null: what tells a task's own
    /// borrowed waker from any other (see `own_task`).
    static POLLING: Cell<*const ()> = const { Cell::new(ptr::null()) };
}

/// The part of a poll's context that the borrowed waker reaches, from any thread.
struct WakerShared {
    /// The task's link, once a clone of the waker was made (or from an earlier poll).
    link: LazyLink,
    /// `wake_by_ref` was called on the borrowed waker.
    woken: AtomicBool,
}

// The borrowed waker's functions may run on any thread.
const _: () = {
    const fn sync<T: Sync + Send>() {}
    sync::<WakerShared>();
    sync::<Link>();
};

/// An outcome handed to a poll by a direct await's reaction: the address of an
/// `Option<V>` on the reaction job's stack, which the awaiting future takes.
///
/// Two words, passed in registers: the outcome's type is the one fixed with the await's id
/// (see `take_handoff`), so it is checked in debug builds only; release builds carried its
/// `TypeId` through every delivery, two more words copied into and out of each poll's context
/// and a 128-bit comparison per take (callgrind, W7, 2026-12-08).
#[derive(Clone, Copy)]
pub(crate) struct Handoff {
    id: u64,
    /// An `Option<V>`, with `V` the outcome type of await `id`.
    slot: NonNull<()>,
    #[cfg(debug_assertions)]
    outcome: TypeId,
}

impl Handoff {
    /// # Safety
    ///
    /// `V` is the outcome type of await `id` (`Delivery<V>`'s, made with the `DirectAwait<V>`
    /// of that id), and `slot` outlives the `resume` the handoff is given to.
    #[inline]
    pub(super) unsafe fn new<V: 'static>(id: u64, slot: &mut Option<V>) -> Handoff {
        Handoff {
            id,
            slot: NonNull::from(slot).cast(),
            #[cfg(debug_assertions)]
            outcome: TypeId::of::<V>(),
        }
    }
}

/// One poll of a task. `shared` comes first (`repr(C)`): the borrowed waker's data pointer is
/// then the context's own address.
#[repr(C)]
pub(crate) struct PollCtx<'t> {
    shared: WakerShared,
    task: &'t TaskRef,
    /// The task's header, which `resume` already reached: kept so that an await's delivery
    /// (`ThinTask`) and the link below need no second virtual call (`TaskBlock::task`).
    header: &'t Header,
    handoff: Cell<Option<Handoff>>,
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_raw, wake_raw, wake_by_ref_raw, drop_raw);

// SAFETY, for the four functions below: `data` is always the address of the `WakerShared` at
// the start of a live `PollCtx`. The only waker with this vtable is the one `PollCtx::poll`
// creates over its own context, and it goes out of scope before `poll` returns, so before the
// context can move or be dropped.
// Safe code reaches that waker only through the `Context` passed to the poll, as `&Waker`
// borrowed for at most the poll (a scoped thread ends before `thread::scope` returns, inside
// the poll). Cloning it yields a waker of another kind (an `Arc<Link>`), never a copy of it.
// `WakerShared` is `Sync`, so using it from whichever thread holds the `&Waker` is sound.

unsafe fn clone_raw(data: *const ()) -> RawWaker {
    // SAFETY: see above.
    let shared = unsafe { &*data.cast::<WakerShared>() };
    let waker = ManuallyDrop::new(Waker::from(shared.link.get()));
    RawWaker::new(waker.data(), waker.vtable())
}

unsafe fn wake_raw(data: *const ()) {
    // SAFETY: see above (and the borrowed waker is never woken by value).
    unsafe { wake_by_ref_raw(data) }
}

unsafe fn wake_by_ref_raw(data: *const ()) {
    // SAFETY: see above.
    let shared = unsafe { &*data.cast::<WakerShared>() };
    shared.woken.store(true, Ordering::Release);
}

unsafe fn drop_raw(_: *const ()) {}

/// The task's link as the borrowed waker reaches it: made by the first clone, on whichever
/// thread. Holds an `Arc::into_raw` pointer (owning one strong count) or null; a `OnceLock`
/// did the same for about ten instructions more per poll, measured, on a path every poll takes.
struct LazyLink(AtomicPtr<Link>);

impl LazyLink {
    #[inline]
    fn new(link: Option<Arc<Link>>) -> LazyLink {
        LazyLink(AtomicPtr::new(link.map_or(ptr::null_mut(), |link| Arc::into_raw(link).cast_mut())))
    }

    /// A new reference to the link, made if there is none yet. Any thread.
    fn get(&self) -> Arc<Link> {
        let mut link = self.0.load(Ordering::Acquire);
        if link.is_null() {
            let new = Arc::into_raw(Arc::new(Link::new())).cast_mut();
            match self.0.compare_exchange(ptr::null_mut(), new, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => link = new,
                Err(first) => {
                    // SAFETY: `new` came from `Arc::into_raw` just above and was not stored.
                    drop(unsafe { Arc::from_raw(new) });
                    link = first;
                }
            }
        }
        // SAFETY: a non-null pointer here came from `Arc::into_raw` and this `LazyLink` owns
        // one strong count of it until it is dropped or `into_inner`, neither of which can
        // happen while `&self` is borrowed: the `Arc` is alive, and we take a count of our own.
        unsafe {
            Arc::increment_strong_count(link);
            Arc::from_raw(link)
        }
    }

    /// The link, with the count this `LazyLink` owned.
    #[inline]
    fn into_inner(self) -> Option<Arc<Link>> {
        let link = std::mem::ManuallyDrop::new(self).0.load(Ordering::Acquire);
        // SAFETY: as in `get`; the owned count passes to the returned `Arc` (the `LazyLink`
        // is not dropped, so it does not release it).
        (!link.is_null()).then(|| unsafe { Arc::from_raw(link) })
    }
}

impl Drop for LazyLink {
    fn drop(&mut self) {
        let link = *self.0.get_mut();
        if !link.is_null() {
            // SAFETY: the count this `LazyLink` owns (see `get`).
            drop(unsafe { Arc::from_raw(link) });
        }
    }
}

/// Restores the previous `POLLING` when a poll ends, even by unwinding.
struct Restore(*const ());

impl Drop for Restore {
    #[inline]
    fn drop(&mut self) {
        POLLING.set(self.0);
    }
}

impl<'t> PollCtx<'t> {
    /// # Safety
    ///
    /// `header` is `task`'s own header (`&task.task().header`): `thin_task` relies on it.
    #[inline]
    pub(super) unsafe fn new(task: &'t TaskRef, header: &'t Header, handoff: Option<Handoff>) -> PollCtx<'t> {
        PollCtx {
            shared: WakerShared { link: LazyLink::new(header.link()), woken: AtomicBool::new(false) },
            task,
            header,
            handoff: Cell::new(handoff),
        }
    }

    /// Runs `f` (the poll) with this context's waker, as the poll running on this thread.
    #[inline]
    pub(super) fn poll<R>(&self, f: impl FnOnce(&mut Context<'_>) -> R) -> R {
        let data: *const () = ptr::from_ref(self).cast();
        // SAFETY: `VTABLE`'s functions are sound for `data` while this waker exists (see the
        // comment above them): it points to `self.shared` (`repr(C)`, first field), and the
        // waker goes out of scope at the end of this function, while `self` is still borrowed.
        // (`ManuallyDrop`: its drop would only call the no-op `drop_raw`.)
        let waker = ManuallyDrop::new(unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) });
        let _restore = Restore(POLLING.replace(data));
        f(&mut Context::from_waker(&waker))
    }

    /// The task being polled.
    #[inline]
    pub(crate) fn task(&self) -> &'t TaskRef {
        self.task
    }

    /// A new strong reference to the task being polled, in one word.
    #[inline]
    pub(super) fn thin_task(&self) -> ThinTask {
        // SAFETY: `header` is `task`'s (`PollCtx::new`'s contract).
        unsafe { ThinTask::new(self.task.clone(), self.header) }
    }

    /// The outcome handed to this poll for await `id`, if any (taken: once only).
    #[inline]
    pub(crate) fn take_handoff<V: 'static>(&self, id: u64) -> Option<V> {
        let handoff = self.handoff.get()?;
        if handoff.id != id {
            return None;
        }
        // Await ids are unique on their thread (one counter, `direct.rs`), and an await's
        // outcome type is fixed with its id: `DirectAwait<V>` and `Delivery<V>` are made
        // together by `DirectAwait::start`, and only `deliver::<V>` makes a handoff, with its
        // delivery's id (`Handoff::new`'s contract). Everything stays on one thread: tasks and
        // promises are `!Send`, and an awaited promise's job runs on a loop of its thread.
        #[cfg(debug_assertions)]
        assert!(handoff.outcome == TypeId::of::<V>(), "an await's handoff of another outcome type");
        self.handoff.set(None);
        // SAFETY: `slot` was made from a `&mut Option<V>` (the same `V`: see above) in the
        // frame of `core::deliver`, which lasts for the whole `resume` call that polls with
        // this context and does not touch the slot until `resume` returns. It is dereferenced
        // at most once (cleared above), on the loop thread, so this is the only reference.
        let slot = unsafe { handoff.slot.cast::<Option<V>>().as_mut() };
        slot.take()
    }

    /// A handoff no future took in this poll, for the next poll of the same resume.
    #[inline]
    pub(super) fn unclaimed(&self) -> Option<Handoff> {
        self.handoff.get()
    }

    /// After the poll: binds a link whose clones are out, posts a wake that happened during
    /// the poll. Nothing to do in the common case.
    #[inline]
    pub(super) fn after_poll(self, pending: bool) {
        let woken = self.shared.woken.load(Ordering::Acquire);
        let link = self.shared.link.into_inner();
        if woken || link.is_some() {
            settle_wakes(self.task, woken, link, pending);
        }
    }
}

/// The task's own borrowed waker's context, if `cx` carries it and it is polling on this
/// thread now. Any other waker (a clone, a combinator's, another executor's, or this task's
/// seen from another thread) gives `None`.
#[inline]
pub(crate) fn own_task<'c>(cx: &'c Context<'_>) -> Option<&'c PollCtx<'c>> {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &VTABLE) {
        return None;
    }
    let current = POLLING.get();
    if current.is_null() || waker.data() != current {
        return None;
    }
    // SAFETY: `POLLING` is non-null only inside `PollCtx::poll`, pointing to that live context
    // on this thread's stack (restored when the poll ends); `cx` borrows a waker that exists
    // only during that poll, so the context outlives `'c`.
    Some(unsafe { &*current.cast::<PollCtx<'c>>() })
}

/// The cold end of a poll: binds the link if clones of the waker are out, and posts the
/// task's wake if the waker was woken during the poll.
#[cold]
#[inline(never)]
fn settle_wakes(task: &TaskRef, woken: bool, link: Option<Arc<Link>>, pending: bool) {
    let mut woken = woken;
    if let Some(link) = link {
        // Clones other than ours: no new ones can appear but through them (the borrowed waker
        // is gone), so a count of 1 means none is out.
        let out = Arc::strong_count(&link) > 1;
        if pending && out && link.is_unbound() {
            if let Some(entry) = ensure_registered(task) {
                woken |= link.bind(entry.keep_alive_remote(), entry.key, entry.id);
                task.task().header.set_link(Arc::downgrade(&link));
            }
        } else {
            woken |= link.take_unbound_wake();
        }
        drop(link); // the last clone: releases its keep-alive
    }
    if woken
        && pending
        && let Some(entry) = ensure_registered(task)
    {
        entry.post_wake();
    }
}

/// The thread-safe side of a task's waker, shared by all its clones.
pub(crate) struct Link {
    state: Mutex<LinkState>,
}

enum LinkState {
    /// Not yet known to the loop (just created, maybe on another thread): records a wake.
    Unbound { woken: bool },
    /// Wakes post "resume task (key, id)" to the loop; the remote keeps it alive meanwhile.
    Bound { remote: Remote, key: usize, id: u64 },
    /// The task is gone: wakes do nothing.
    Dead,
}

impl Link {
    fn new() -> Link {
        Link { state: Mutex::new(LinkState::Unbound { woken: false }) }
    }

    fn lock(&self) -> MutexGuard<'_, LinkState> {
        // Nothing panics under this lock but a failed post's allocation: the state is whole.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn is_unbound(&self) -> bool {
        matches!(*self.lock(), LinkState::Unbound { .. })
    }

    /// Binds the link to the task's registry entry; returns whether it was woken meanwhile.
    fn bind(&self, remote: Remote, key: usize, id: u64) -> bool {
        let mut state = self.lock();
        let woken = matches!(*state, LinkState::Unbound { woken: true });
        *state = LinkState::Bound { remote, key, id };
        woken
    }

    /// Takes the wake recorded by an unbound link.
    fn take_unbound_wake(&self) -> bool {
        match &mut *self.lock() {
            LinkState::Unbound { woken } => std::mem::take(woken),
            _ => false,
        }
    }

    /// The task finished: later wakes do nothing, and the loop is no longer kept alive.
    pub(super) fn kill(&self) {
        let state = std::mem::replace(&mut *self.lock(), LinkState::Dead);
        drop(state); // the remote, outside the lock
    }
}

impl Wake for Link {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        match &mut *self.lock() {
            LinkState::Unbound { woken } => *woken = true,
            LinkState::Bound { remote, key, id } => {
                let (key, id) = (*key, *id);
                // A loop that is gone has dropped the task too: nothing to wake.
                let _ = remote.post(move || wake_registered(key, id));
            }
            LinkState::Dead => {}
        }
    }
}
