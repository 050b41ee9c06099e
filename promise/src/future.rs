//! Awaiting a promise from async Rust: ECMA-262's Await (27.7.5.3).

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use crate::error::{Reason, Value};
use crate::promise::Promise;
use crate::reaction::new_reaction;
use crate::resolution::Thenables;
use crate::task::{Task, current_task};

/// The future of a [`Promise`], from `promise.await` or [`IntoFuture::into_future`].
///
/// On its first poll it performs Await's steps: PerformPromiseThen on the promise (which marks
/// a rejection handled from that moment, as in JavaScript). When it is awaited directly in a
/// settle task, the reaction job resumes the task itself, so the code after the `await` runs in
/// the same microtask tick as in a JavaScript `async` function. Elsewhere (inside a combinator,
/// or on another executor on the loop thread) it wakes the waker it was last polled with.
///
/// ```
/// use settle_promise::{spawn_local, Error, Promise};
/// use std::future::IntoFuture;
///
/// let el = settle_runtime::EventLoop::new();
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
    slot: Option<Rc<AwaitSlot<T, E>>>,
}

/// Where the reaction leaves the outcome, and whom it resumes.
struct AwaitSlot<T, E> {
    outcome: RefCell<Option<Result<T, E>>>,
    waiter: RefCell<Option<Waiter>>,
}

enum Waiter {
    /// Weak: the loop's task registry owns the task. A strong reference here would close a
    /// cycle (task -> its future -> this promise -> its reaction -> this slot -> task), so a
    /// task awaiting a promise that never settles would never be freed, not even with its loop.
    Task(Weak<Task>),
    Waker(Waker),
}

fn waiter_for(cx: &Context<'_>) -> Waiter {
    match current_task() {
        Some(task) if task.owns(cx.waker()) => Waiter::Task(Rc::downgrade(&task)),
        _ => Waiter::Waker(cx.waker().clone()),
    }
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Future for PromiseFuture<T, E, D> {
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, E>> {
        let this = self.get_mut();
        if let Some(slot) = &this.slot {
            if let Some(outcome) = slot.outcome.borrow_mut().take() {
                return Poll::Ready(outcome);
            }
            *slot.waiter.borrow_mut() = Some(waiter_for(cx));
            return Poll::Pending;
        }
        // Await (27.7.5.3) step 2: promise = PromiseResolve(%Promise%, value) is the promise
        // itself. Steps 3-9: PerformPromiseThen(promise, onFulfilled, onRejected), whose
        // closures resume the awaiting context with the outcome.
        let slot =
            Rc::new(AwaitSlot { outcome: RefCell::new(None), waiter: RefCell::new(Some(waiter_for(cx))) });
        let resume = slot.clone();
        this.promise.perform_promise_then(new_reaction(move |outcome| {
            *resume.outcome.borrow_mut() = Some(outcome);
            let waiter = resume.waiter.borrow_mut().take();
            match waiter {
                // Resumed inside this reaction job: no tick is added.
                Some(Waiter::Task(task)) => {
                    // Gone once the task finished or was aborted, or its loop dropped: nothing to resume.
                    if let Some(task) = task.upgrade() {
                        task.resume();
                    }
                }
                Some(Waiter::Waker(waker)) => waker.wake(),
                None => {}
            }
        }));
        this.slot = Some(slot);
        Poll::Pending
    }
}

impl<T, E, D> Unpin for PromiseFuture<T, E, D> {}

impl<T: Value, E: Reason, D: Thenables<T, E>> IntoFuture for Promise<T, E, D> {
    type Output = Result<T, E>;
    type IntoFuture = PromiseFuture<T, E, D>;

    fn into_future(self) -> PromiseFuture<T, E, D> {
        PromiseFuture { promise: self, slot: None }
    }
}

impl<T, E, D> fmt::Debug for PromiseFuture<T, E, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromiseFuture").field("awaiting", &self.slot.is_some()).finish()
    }
}
