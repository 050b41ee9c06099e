//! Driving the loop as a future, from another executor (tokio, a `block_on`).
//!
//! [`Handle::poll_run`] runs turns while work is ready and returns `Pending` when the loop is
//! idle, having arranged its wake-up: a remote post, a keep-alive change (so also a worker
//! result and a foreign waker of a settle task, which are posts) wake the registered waker
//! through the inbox, and the next timer deadline through the loop's alarm thread. Nothing
//! polls on an interval. On the virtual clock time jumps, as in `run`, when nothing else can
//! happen.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::alarm::Alarm;
use crate::error::RunError;
use crate::event_loop::{Inner, Turn, Wait};
use crate::handle::Handle;

/// Turns one poll runs before it yields to the executor (asking to be polled again), so that a
/// busy loop does not starve the executor's other tasks.
const TURNS_PER_POLL: usize = 64;

impl Handle {
    /// Polls the loop as a future: runs turns while work is ready; `Ready(Ok(()))` when nothing
    /// is left (as [`Handle::run`] returns), `Pending` when the loop waits for a timer or
    /// another thread, with `cx`'s waker registered to be woken then (never on an interval).
    /// After a batch of turns it also returns `Pending`, having woken the waker already, so
    /// that the executor's other tasks get their turn.
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`]: `Ready(Err(..))`. Called from inside a task of this loop it is
    /// `Ready(Err(RunError::Reentrant))`.
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_task(|| println!("ran"));
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(matches!(el.poll_run(&mut cx), Poll::Ready(Ok(()))));
    /// ```
    pub fn poll_run(&self, cx: &mut Context<'_>) -> Poll<Result<(), RunError>> {
        self.poll_run_with(&mut (), cx)
    }

    /// [`Handle::poll_run`] with a host lent for this poll (see [`Handle::run_with`]).
    ///
    /// # Errors
    ///
    /// As for [`Handle::poll_run`].
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_task_with(|n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(el.poll_run_with(&mut n, &mut cx).is_ready());
    /// assert_eq!(n, 1);
    /// ```
    pub fn poll_run_with<H: 'static>(
        &self,
        host: &mut H,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), RunError>> {
        let _running = match self.begin_run::<H>() {
            Ok(guard) => guard,
            Err(e) => return Poll::Ready(Err(e)),
        };
        let inner = self.inner();
        for _ in 0..TURNS_PER_POLL {
            match inner.turn(Wait::No, host) {
                Err(e) => return Poll::Ready(Err(e)),
                Ok(Turn::Done) => return Poll::Ready(Ok(())),
                Ok(Turn::Ran) => {}
                Ok(Turn::Idle) => {
                    if inner.arrange_wake_up(cx.waker()) {
                        return Poll::Pending;
                    }
                    // Something came in meanwhile, or virtual time moved: turn again.
                }
            }
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }

    /// The loop as a future that completes when [`Handle::run`] would return; see
    /// [`Handle::poll_run`] for how it waits. Dropping the future stops driving the loop;
    /// queued work stays queued.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
    /// # }
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_timeout(Duration::from_secs(5), || println!("five virtual seconds later"));
    /// block_on(el.run_async()).unwrap();
    /// assert_eq!(el.now(), Duration::from_secs(5));
    /// ```
    pub fn run_async(&self) -> RunAsync<'_, ()> {
        RunAsync { handle: self, host: Lent::Unit(()) }
    }

    /// [`Handle::run_async`] with a host, lent to every poll.
    ///
    /// ```
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
    /// # }
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_task_with(|s: &mut String| s.push_str("hello"));
    /// let mut s = String::new();
    /// block_on(el.run_async_with(&mut s)).unwrap();
    /// assert_eq!(s, "hello");
    /// ```
    pub fn run_async_with<'a, H: 'static>(&'a self, host: &'a mut H) -> RunAsync<'a, H> {
        RunAsync { handle: self, host: Lent::Borrowed(host) }
    }
}

enum Lent<'a, H> {
    Unit(H),
    Borrowed(&'a mut H),
}

/// The future of [`Handle::run_async`] and [`Handle::run_async_with`].
///
/// ```
/// let el = settle_runtime::EventLoop::new();
/// let future: settle_runtime::RunAsync<'_, ()> = el.run_async();
/// drop(future);
/// ```
#[must_use = "a future does nothing unless polled"]
pub struct RunAsync<'a, H> {
    handle: &'a Handle,
    host: Lent<'a, H>,
}

impl<H: 'static> Future for RunAsync<'_, H> {
    type Output = Result<(), RunError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Nothing is pinned structurally: the fields are a reference and a host.
        let this = Pin::into_inner(self);
        match &mut this.host {
            Lent::Unit(host) => this.handle.poll_run_with(host, cx),
            Lent::Borrowed(host) => this.handle.poll_run_with(&mut **host, cx),
        }
    }
}

impl<H> Unpin for RunAsync<'_, H> {}

impl<H> fmt::Debug for RunAsync<'_, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunAsync").field("handle", self.handle).finish_non_exhaustive()
    }
}

impl Inner {
    /// Step 4 of a turn for a loop driven as a future: instead of sleeping, make sure `waker`
    /// is woken when work can come. `false` when there is no need to wait (a post came in, or
    /// the virtual clock jumped): turn again.
    pub(crate) fn arrange_wake_up(&self, waker: &Waker) -> bool {
        let next = self.timers.borrow_mut().next_deadline();
        // The count the turn decided "not done" on (see `Inner::refs_seen`): a keep-alive that
        // ended since then makes `register_waker` refuse, and the loop turns again.
        let refs = self.refs_seen.get();
        if self.clock.is_virtual() {
            // Virtual time jumps, unless a keep-alive remote says outside work is under way.
            if let Some(next) = next.filter(|_| !crate::remote::inhibits_jumps(refs)) {
                self.clock.advance_to(next);
                return false;
            }
        } else if let Some(at) = next.and_then(|next| self.clock.instant_at(next)) {
            self.set_alarm(at, waker);
        }
        self.shared.register_waker(waker, refs)
    }

    fn set_alarm(&self, at: std::time::Instant, waker: &Waker) {
        let mut alarm = self.alarm.borrow_mut();
        if alarm.is_none() {
            *alarm = Alarm::start();
        }
        match &*alarm {
            Some(alarm) => alarm.set(at, waker),
            // No thread to be had: ask to be polled again rather than sleep past the deadline.
            None => waker.wake_by_ref(),
        }
    }
}
