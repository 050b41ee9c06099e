//! `block_on`: a Rust `main` (or test) waiting for a future on a settle loop.
//!
//! The future runs as a settle task (so awaiting promises in it costs what it costs in any
//! task), queued as a macrotask of the loop; the loop runs turn by turn until the task is done,
//! and the output is handed back. Work still queued then (other tasks, timers) stays queued for
//! the next run.

use std::cell::RefCell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use settle_runtime::{EventLoop, Handle};

use settle_promise::{Error, Promise};

/// What the task leaves behind: the output, or the payload of its panic.
type Outcome<T> = Rc<RefCell<Option<std::thread::Result<T>>>>;

/// Runs `future` to completion on the current thread's event loop (the one entered with
/// [`EventLoop::enter`]) or, when no loop is current, on a new default loop, and returns its
/// output. The future is spawned as a settle task; the loop runs until the task completes.
///
/// # Panics
///
/// - when called from inside a task or job of the current loop (the loop is already running:
///   `.await` the future instead);
/// - when the loop fails ([`RunError`](settle_runtime::RunError)), or runs out of work while the
///   future still waits (it waits for something that can no longer happen);
/// - with the future's own panic, which is resumed here.
///
/// ```
/// use std::time::Duration;
/// use settle::prelude::*;
///
/// let answer = block_on(async {
///     let a = spawn_blocking(|| Ok(6)).await?;
///     sleep(Duration::from_millis(1)).await?;
///     let b = Promise::resolve(7).then(move |b| Ok(b * a)).await?;
///     Ok::<_, Error>(b)
/// });
/// assert_eq!(answer.unwrap(), 42);
/// ```
#[track_caller]
pub fn block_on<F>(future: F) -> F::Output
where
    F: Future + 'static,
    F::Output: 'static,
{
    match Handle::try_current() {
        Ok(handle) => handle.block_on(future),
        Err(_) => EventLoop::new().block_on(future),
    }
}

/// [`block_on`] on a given loop: `el.block_on(future)`. Implemented for [`Handle`], so an
/// [`EventLoop`] has it too (through `Deref`).
///
/// ```
/// use std::time::Duration;
/// use settle::prelude::*;
///
/// let el = EventLoop::builder().virtual_clock().build();
/// let slept = el.block_on(async {
///     sleep(Duration::from_secs(3600)).await?;
///     Ok::<_, Error>("an hour, instantly")
/// });
/// assert_eq!(slept.unwrap(), "an hour, instantly");
/// assert_eq!(el.now(), Duration::from_secs(3600));
/// ```
pub trait BlockOn {
    /// Runs this loop until `future`, spawned as one of its tasks, completes; returns its
    /// output.
    ///
    /// # Panics
    ///
    /// As [`block_on`]: re-entered from the loop's own task, a failed loop, a loop out of work
    /// with the future pending, or the future's own panic.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let el = EventLoop::new();
    /// assert_eq!(el.block_on(async { 1 + 1 }), 2);
    /// ```
    fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static;
}

impl BlockOn for Handle {
    #[track_caller]
    fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let outcome: Outcome<F::Output> = Rc::new(RefCell::new(None));
        let out = outcome.clone();
        self.queue_task(move || {
            // The task's promise never rejects: a panic of the future is caught here, so that
            // `block_on` can resume it with its own payload.
            let task = async move {
                let mut future = pin!(future);
                let output = std::future::poll_fn(|cx| {
                    match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                        Ok(Poll::Pending) => Poll::Pending,
                        Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
                        Err(payload) => Poll::Ready(Err(payload)),
                    }
                })
                .await;
                *out.borrow_mut() = Some(output);
                Ok::<(), Error>(())
            };
            drop(Promise::<(), Error>::from_future(task));
        });
        let finished = match self.run_until(|| outcome.borrow().is_some()) {
            Ok(finished) => finished,
            Err(e) => panic!("block_on: the event loop failed: {e}"),
        };
        let taken = outcome.borrow_mut().take();
        match taken {
            Some(Ok(output)) => output,
            Some(Err(payload)) => resume_unwind(payload),
            None => {
                debug_assert!(!finished);
                panic!("block_on: the event loop ran out of work while the future was still waiting")
            }
        }
    }
}
