//! Loop ownership: a promise's jobs go to the loop it was created on (issue 11, item 5).
//!
//! Each promise records the [`LoopId`] current when it was made, in its cell's padding (no
//! extra word). Its reaction jobs and thenable jobs are queued with
//! [`queue_microtask_on_with`]: on the current loop when that is the owner (one comparison more
//! than before), else on the owner's queue behind what it queued earlier. When the owner is
//! gone, the jobs are dropped unrun and that is reported: through the current loop's
//! uncaught-error hook ([`UncaughtKind::OwnerGone`]), or on stderr when no loop is current. A
//! promise made with no loop current has no owner; its jobs go to the current loop.

use std::panic::{AssertUnwindSafe, catch_unwind};

use settle_runtime::{Handle, LoopId, MicrotaskBatch, Uncaught, UncaughtKind, queue_microtask_on_with};

/// HostEnqueuePromiseJob (9.5.5) for a job of a promise owned by `owner`.
#[track_caller]
#[inline]
pub(crate) fn enqueue_on_owner(owner: LoopId, job: impl FnOnce(&mut dyn std::any::Any) + 'static) {
    // The job takes the host the loop is run with: the value it resolves a promise with is
    // classified with it (`Thenables::classify_in`).
    if let Err(gone) = queue_microtask_on_with(owner, job) {
        owner_gone(gone.into_inner());
    }
}

/// HostEnqueuePromiseJob for the jobs of a batch, gathered newest first (see
/// `MicrotaskBatch`): queued oldest first. With the owner gone, the batch is dropped and
/// reported once.
#[track_caller]
#[inline]
pub(crate) fn enqueue_batch_on_owner(owner: LoopId, batch: MicrotaskBatch) {
    if let Err(gone) = batch.queue_reversed_on(owner) {
        owner_gone(gone.into_inner());
    }
}

/// The owner was dropped: the job is dropped unrun (a panic in its captures' destructors is
/// caught) and the loss reported.
#[cold]
#[inline(never)]
fn owner_gone<F>(job: F) {
    let dropped = catch_unwind(AssertUnwindSafe(move || drop(job)));
    let mut message = String::from(
        "a promise was settled after its event loop was dropped; its reaction jobs were dropped unrun",
    );
    if dropped.is_err() {
        message.push_str(" (a destructor of one panicked)");
    }
    match Handle::try_current() {
        Ok(handle) => handle.report(&Uncaught::new(UncaughtKind::OwnerGone, message, handle.origin())),
        Err(_) => eprintln!("settle: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::mem::size_of;

    use crate::promise::{PromiseCell, State};
    use crate::{Error, NoThenables};

    /// The owner id lives in what was padding: a promise's cell is its state plus one word for
    /// the flags, the resolution count and the owner.
    #[test]
    fn the_owner_costs_no_space() {
        assert_eq!(
            size_of::<PromiseCell<u64, Error, NoThenables, ()>>(),
            size_of::<RefCell<State<u64, Error>>>() + 8
        );
        assert_eq!(
            size_of::<PromiseCell<u32, Error, NoThenables, ()>>(),
            size_of::<RefCell<State<u32, Error>>>() + 8
        );
    }
}
