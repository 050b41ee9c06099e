//! Awaiting a promise from async Rust: ECMA-262's Await (27.7.5.3).

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::error::{Reason, Value};
use crate::promise::{Promise, PromiseState};
use crate::reaction::new_reaction;
use crate::resolution::Thenables;
use crate::task::{DirectAwait, WeakTask, own_task};

/// The future of a [`Promise`], from `promise.await` or [`IntoFuture::into_future`].
///
/// On its first poll it performs Await's steps: PerformPromiseThen on the promise (which marks
/// a rejection handled from that moment, as in JavaScript). When it is awaited directly in a
/// settle task, the reaction job resumes the task itself, so the code after the `await` runs in
/// the same microtask tick as in a JavaScript `async` function. Elsewhere (inside a combinator,
/// or on another executor on the loop thread) it wakes the waker it was last polled with.
///
/// ```
/// use settle::promise::{spawn_local, Error, Promise};
/// use std::future::IntoFuture;
///
/// let el = settle::runtime::EventLoop::new();
/// el.queue_task(|| {
///     let p = Promise::<&str>::resolve("done");
///     let _: Promise<()> = spawn_local(async move {
///         let fut = p.into_future();
///         assert_eq!(fut.await?, "done");
///         Ok(())
///     });
/// });
/// el.run().unwrap();
/// ```
pub struct PromiseFuture<T, E, D> {
    promise: Promise<T, E, D>,
    wait: Wait<T, E>,
}

/// Where the future's outcome will come from, once it has performed Await.
enum Wait<T, E> {
    /// Not polled yet.
    Start,
    /// Awaited directly by its task: the reaction resumes the task with the outcome, which
    /// comes back on the stack (`task/direct.rs`). No allocation besides the reaction record.
    Direct(DirectAwait<Result<T, E>>),
    /// Awaited directly by its task, on a promise already fulfilled: the reaction job only
    /// resumes the task (a signal, `()`), and the poll it resumes takes the value from the
    /// promise, which can no longer change. No reaction record is made: the job is the
    /// delivery alone (its id and the task's thin reference, two words), stored in the job
    /// queue's slot with no allocation at all.
    Fulfilled(DirectAwait<()>),
    /// First polled under another waker: the reaction leaves the outcome in a slot of its own
    /// and wakes whoever polled last.
    Slot(Rc<AwaitSlot<T, E>>),
}

impl<T, E> Wait<T, E> {
    /// Replaces `Start`, which owns nothing, with `next`. The old value is forgotten rather
    /// than dropped: assigned over, LLVM called the enum's drop glue for it out of line, 6
    /// instructions and a call per await (callgrind, W7, 2026-12-07). Called on another
    /// state, it would leak that state (checked in debug builds).
    #[inline]
    fn leave_start(&mut self, next: Wait<T, E>) {
        debug_assert!(matches!(self, Wait::Start), "leave_start from a started await");
        std::mem::forget(std::mem::replace(self, next));
    }
}

/// Where the reaction leaves the outcome, and whom it resumes.
struct AwaitSlot<T, E> {
    outcome: RefCell<Option<Result<T, E>>>,
    waiter: RefCell<Option<Waiter>>,
}

enum Waiter {
    /// Weak: the loop's task registry keeps the task (`WakeTask::of` puts it there). A strong
    /// reference here would close a cycle (task -> its future -> this slot -> task).
    Task(WeakTask),
    Waker(Waker),
}

fn waiter_for(cx: &Context<'_>) -> Waiter {
    match own_task(cx) {
        Some(own) => Waiter::Task(WeakTask::of(own)),
        None => Waiter::Waker(cx.waker().clone()),
    }
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Future for PromiseFuture<T, E, D> {
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        let this = self.get_mut();
        // The two polls of an await in its own task on a fulfilled promise (W7's) are the only
        // paths here; the others are out of line, so that this function saves fewer registers
        // and keeps no stack frame for them (callgrind, W7, 2026-12-08).
        match &mut this.wait {
            Wait::Fulfilled(direct) => direct
                .poll(cx)
                .map(|()| Ok(this.promise.fulfilled_value().expect("a fulfilled promise stays fulfilled"))),
            Wait::Start => {
                // Await (27.7.5.3) step 2: promise = PromiseResolve(%Promise%, value) is the
                // promise itself. Steps 3-9: PerformPromiseThen(promise, onFulfilled,
                // onRejected), whose closures resume the awaiting context with the outcome.
                let own = own_task(cx);
                if let Some(own) = own
                    && this.promise.state() == PromiseState::Fulfilled
                {
                    // Step 10 of PerformPromiseThen on a fulfilled promise: the job is queued
                    // now, as in `start`, but carries only the signal (see `Wait::Fulfilled`).
                    let (direct, delivery) = DirectAwait::<()>::start(own, false);
                    this.promise.perform_promise_then_fulfilled(move |_host| delivery.deliver(()));
                    this.wait.leave_start(Wait::Fulfilled(direct));
                    return Poll::Pending;
                }
                this.start(own.is_some(), cx)
            }
            Wait::Direct(direct) => direct.poll(cx),
            Wait::Slot(_) => this.poll_slot(cx),
        }
    }
}

impl<T: Value, E: Reason, D: Thenables<T, E>> PromiseFuture<T, E, D> {
    /// Await's PerformPromiseThen for the other cases than a fulfilled promise awaited in its
    /// own task (`own`: polled by its task's own waker, as `own_task` found).
    #[inline(never)]
    fn start(&mut self, own: bool, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        if own && let Some(own) = own_task(cx) {
            let pending = self.promise.state() == PromiseState::Pending;
            let (direct, delivery) = DirectAwait::start(own, pending);
            // Resumed inside this reaction job: no tick is added.
            self.promise.perform_promise_then(new_reaction(move |outcome| delivery.deliver(outcome)));
            self.wait.leave_start(Wait::Direct(direct));
            return Poll::Pending;
        }
        let slot = Rc::new(AwaitSlot {
            outcome: RefCell::new(None),
            waiter: RefCell::new(Some(Waiter::Waker(cx.waker().clone()))),
        });
        let resume = slot.clone();
        self.promise.perform_promise_then(new_reaction(move |outcome| {
            *resume.outcome.borrow_mut() = Some(outcome);
            let waiter = resume.waiter.borrow_mut().take();
            match waiter {
                // Gone once the task finished or was aborted, or its loop dropped: nothing to
                // resume.
                Some(Waiter::Task(task)) => task.resume(),
                Some(Waiter::Waker(waker)) => waker.wake(),
                None => {}
            }
        }));
        self.wait.leave_start(Wait::Slot(slot));
        Poll::Pending
    }

    /// A poll of an await that waits in a slot of its own (`Wait::Slot`).
    #[inline(never)]
    fn poll_slot(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        let Wait::Slot(slot) = &self.wait else { unreachable!("poll_slot of another state") };
        if let Some(outcome) = slot.outcome.borrow_mut().take() {
            return Poll::Ready(outcome);
        }
        let waiter = waiter_for(cx);
        let previous = slot.waiter.borrow_mut().replace(waiter);
        drop(previous);
        Poll::Pending
    }
}

impl<T, E, D> Unpin for PromiseFuture<T, E, D> {}

impl<T: Value, E: Reason, D: Thenables<T, E>> IntoFuture for Promise<T, E, D> {
    type Output = Result<T, E>;
    type IntoFuture = PromiseFuture<T, E, D>;

    fn into_future(self) -> PromiseFuture<T, E, D> {
        PromiseFuture { promise: self, wait: Wait::Start }
    }
}

impl<T, E, D> fmt::Debug for PromiseFuture<T, E, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromiseFuture").field("awaiting", &!matches!(self.wait, Wait::Start)).finish()
    }
}
