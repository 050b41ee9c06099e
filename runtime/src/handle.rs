//! [`Handle`]: what tasks and jobs use to reach their loop.

use std::any::{Any, TypeId};
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use settle_timers::{Host, TimerId};

use crate::context;
use crate::error::{NoLoop, RunError};
use crate::event_loop::{Inner, TimerCallback, TimerEntry};
use crate::job::{QueuedJob, with_host_as};
use crate::observe::LoopEventKind;
use crate::rejection::{TrackedPromise, TrackerPolicy};
use crate::remote::Remote;
use crate::task::{Task, TaskId};
use crate::uncaught::{Origin, OriginKind, Uncaught};

/// A cheap, clonable, single-threaded reference to an event loop.
///
/// Obtain one with [`EventLoop::handle`](crate::EventLoop::handle), or inside a running loop
/// with [`Handle::current`]. A handle does not keep the loop running; once the
/// [`EventLoop`](crate::EventLoop) is dropped, work queued through a handle is dropped unrun.
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, Handle};
///
/// let el = EventLoop::new();
/// let n = Rc::new(Cell::new(0));
/// let m = n.clone();
/// el.queue_task(move || {
///     let h = Handle::current();
///     h.queue_microtask(move || m.set(1));
/// });
/// el.run().unwrap();
/// assert_eq!(n.get(), 1);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Rc<Inner>,
}

impl Handle {
    /// The loop that is current on this thread.
    ///
    /// # Panics
    ///
    /// Panics when no loop is current: call it from a task or job of a running loop, or under
    /// [`EventLoop::enter`](crate::EventLoop::enter). [`Handle::try_current`] returns an error
    /// instead.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let _guard = el.enter();
    /// let h = settle_runtime::Handle::current();
    /// assert!(h.same_loop(&el.handle()));
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(e) => panic!("{e}"),
        }
    }

    /// The loop that is current on this thread, if any.
    ///
    /// # Errors
    ///
    /// [`NoLoop`] when no loop is current.
    ///
    /// ```
    /// assert!(settle_runtime::Handle::try_current().is_err());
    /// ```
    pub fn try_current() -> Result<Handle, NoLoop> {
        context::with_current(Handle::clone)
    }

    /// Whether two handles refer to the same loop.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// assert!(el.handle().same_loop(&el.handle()));
    /// assert!(!el.handle().same_loop(&settle_runtime::EventLoop::new().handle()));
    /// ```
    pub fn same_loop(&self, other: &Handle) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }

    /// Queues a macrotask (HTML's "queue a task"). Tasks run one per turn, in FIFO order, each
    /// followed by a microtask checkpoint. Returns an id for [`Handle::cancel_task`].
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_task(|| println!("a macrotask"));
    /// el.run().unwrap();
    /// ```
    #[inline]
    pub fn queue_task(&self, task: impl FnOnce() + 'static) -> TaskId {
        let id = self.inner.tasks.borrow_mut().push(Task::Local(QueuedJob::from_fn(task)));
        self.inner.queued("task");
        id
    }

    /// [`Handle::queue_task`] for a task that borrows the host the loop is run with (see
    /// [`Handle::run_with`]).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_task_with(|n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// el.run_with(&mut n).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn queue_task_with<H: 'static>(&self, task: impl FnOnce(&mut H) + 'static) -> TaskId {
        let id = self.inner.tasks.borrow_mut().push(Task::Local(QueuedJob::with_host(task)));
        self.inner.queued("task");
        id
    }

    /// [`Handle::queue_task`] with a label that [`Origin::Task`] carries while the task runs,
    /// and [`Origin::Microtask`] / [`Origin::NextTick`] during its checkpoint (a script's top
    /// level, shown as "script" by a trace).
    ///
    /// ```
    /// use settle_runtime::{EventLoop, Handle, Origin};
    /// let el = EventLoop::new();
    /// el.queue_task_labelled("script", || {
    ///     assert_eq!(Handle::current().origin(), Origin::Task { index: 1, label: Some("script") });
    /// });
    /// el.run().unwrap();
    /// ```
    pub fn queue_task_labelled(&self, label: &'static str, task: impl FnOnce() + 'static) -> TaskId {
        let id =
            self.inner.tasks.borrow_mut().push(Task::Labelled(Box::new((QueuedJob::from_fn(task), label))));
        self.inner.queued("task");
        id
    }

    /// [`Handle::queue_task_labelled`] for a task that borrows the host.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_task_labelled_with("script", |n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// el.run_with(&mut n).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn queue_task_labelled_with<H: 'static>(
        &self,
        label: &'static str,
        task: impl FnOnce(&mut H) + 'static,
    ) -> TaskId {
        let id =
            self.inner.tasks.borrow_mut().push(Task::Labelled(Box::new((QueuedJob::with_host(task), label))));
        self.inner.queued("task");
        id
    }

    /// Cancels a queued macrotask (Node's `clearImmediate`): it never runs, and its closure is
    /// dropped now. Returns whether a queued task was cancelled; a task that ran, is running or
    /// was cancelled already is left alone.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// let el = settle_runtime::EventLoop::new();
    /// let ran = Rc::new(Cell::new(false));
    /// let r = ran.clone();
    /// let id = el.queue_task(move || r.set(true));
    /// assert!(el.cancel_task(id));
    /// assert!(!el.cancel_task(id));
    /// el.run().unwrap();
    /// assert!(!ran.get());
    /// ```
    pub fn cancel_task(&self, id: TaskId) -> bool {
        let cancelled = self.inner.tasks.borrow_mut().cancel(id);
        // Dropped after the borrow ends: its destructor may use the loop.
        cancelled.is_some()
    }

    /// Queues a microtask (the global `queueMicrotask`): it runs at the end of the current
    /// task, before the next one, after the jobs already queued. This is also the path of the
    /// promise crate's reaction jobs (HostEnqueuePromiseJob, ECMA-262 9.5.5).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_microtask(|| println!("a job"));
    /// el.run().unwrap();
    /// ```
    pub fn queue_microtask(&self, job: impl FnOnce() + 'static) {
        self.inner.jobs.borrow_mut().push_back(QueuedJob::from_fn(job));
        self.inner.queued("microtask");
    }

    /// [`Handle::queue_microtask`] for a job that borrows the host (an engine's promise jobs).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_microtask_with(|s: &mut String| s.push_str("job"));
    /// let mut s = String::new();
    /// el.run_with(&mut s).unwrap();
    /// assert_eq!(s, "job");
    /// ```
    pub fn queue_microtask_with<H: 'static>(&self, job: impl FnOnce(&mut H) + 'static) {
        self.inner.jobs.borrow_mut().push_back(QueuedJob::with_host(job));
        self.inner.queued("microtask");
    }

    /// Queues a callback on Node's `process.nextTick` queue, which each checkpoint drains before
    /// the Job queue (and again whenever jobs queued more ticks).
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    ///
    /// let el = settle_runtime::EventLoop::new();
    /// let out = Rc::new(RefCell::new(Vec::new()));
    /// let (a, b) = (out.clone(), out.clone());
    /// el.queue_microtask(move || a.borrow_mut().push("promise job"));
    /// el.queue_next_tick(move || b.borrow_mut().push("nextTick"));
    /// el.run().unwrap();
    /// assert_eq!(*out.borrow(), ["nextTick", "promise job"]);
    /// ```
    pub fn queue_next_tick(&self, callback: impl FnOnce() + 'static) {
        self.inner.ticks.borrow_mut().push_back(QueuedJob::from_fn(callback));
        self.inner.queued("nextTick");
    }

    /// [`Handle::queue_next_tick`] for a callback that borrows the host.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.queue_next_tick_with(|n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// el.run_with(&mut n).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn queue_next_tick_with<H: 'static>(&self, callback: impl FnOnce(&mut H) + 'static) {
        self.inner.ticks.borrow_mut().push_back(QueuedJob::with_host(callback));
        self.inner.queued("nextTick");
    }

    /// Calls `callback` once, as a macrotask of its own, when `delay` (clamped by the host
    /// profile) has passed. Returns an id for [`Handle::clear_timer`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_timeout(Duration::from_millis(10), || println!("later"));
    /// el.run().unwrap();
    /// assert_eq!(el.now(), Duration::from_millis(10));
    /// ```
    pub fn set_timeout(&self, delay: Duration, callback: impl FnOnce() + 'static) -> TimerId {
        self.insert_timer(delay, None, TimerCallback::Once(QueuedJob::from_fn(callback)))
    }

    /// [`Handle::set_timeout`] for a callback that borrows the host.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_timeout_with(Duration::from_millis(10), |n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// el.run_with(&mut n).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn set_timeout_with<H: 'static>(
        &self,
        delay: Duration,
        callback: impl FnOnce(&mut H) + 'static,
    ) -> TimerId {
        self.insert_timer(delay, None, TimerCallback::Once(QueuedJob::with_host(callback)))
    }

    /// Calls `callback` every `period` (clamped by the host profile), each call a macrotask of
    /// its own, until cleared. The next call is scheduled after the callback returns, counting
    /// from then; clearing the interval inside its own callback stops it.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    /// use settle_runtime::Handle;
    ///
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// let n = Rc::new(Cell::new(0));
    /// let id = Rc::new(Cell::new(None));
    /// let (m, me) = (n.clone(), id.clone());
    /// id.set(Some(el.set_interval(Duration::from_millis(5), move || {
    ///     m.set(m.get() + 1);
    ///     if m.get() == 3 {
    ///         Handle::current().clear_timer(me.get().unwrap());
    ///     }
    /// })));
    /// el.run().unwrap();
    /// assert_eq!(n.get(), 3);
    /// ```
    pub fn set_interval(&self, period: Duration, mut callback: impl FnMut() + 'static) -> TimerId {
        self.insert_timer(period, Some(()), repeat(move |_| callback()))
    }

    /// [`Handle::set_interval`] for a callback that borrows the host each time it fires.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_interval_with(Duration::from_millis(5), |n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// el.run_for_with(&mut n, Duration::from_millis(20)).unwrap();
    /// assert_eq!(n, 4);
    /// ```
    pub fn set_interval_with<H: 'static>(
        &self,
        period: Duration,
        callback: impl FnMut(&mut H) + 'static,
    ) -> TimerId {
        self.insert_timer(period, Some(()), repeat_with(callback))
    }

    /// [`Handle::set_timeout`] with a JavaScript-style delay in `f64` milliseconds, converted by
    /// the host profile ([`Host::delay_from_millis`]): `NaN`, negative and overflowing values
    /// behave as that host's `setTimeout` treats them.
    ///
    /// ```
    /// use std::time::Duration;
    /// use settle_timers::Host;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().host(Host::Node).build();
    /// el.set_timeout_ms(0.0, || {});
    /// el.run().unwrap();
    /// assert_eq!(el.now(), Duration::from_millis(1), "Node waits at least 1 ms");
    /// ```
    pub fn set_timeout_ms(&self, ms: f64, callback: impl FnOnce() + 'static) -> TimerId {
        self.insert_ms(ms, false, TimerCallback::Once(QueuedJob::from_fn(callback)))
    }

    /// [`Handle::set_timeout_ms`] for a callback that borrows the host.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_timeout_ms_with(1.5, |n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// el.run_with(&mut n).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn set_timeout_ms_with<H: 'static>(
        &self,
        ms: f64,
        callback: impl FnOnce(&mut H) + 'static,
    ) -> TimerId {
        self.insert_ms(ms, false, TimerCallback::Once(QueuedJob::with_host(callback)))
    }

    /// [`Handle::set_interval`] with a JavaScript-style delay in `f64` milliseconds.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// let id = el.set_interval_ms(2.5, || {});
    /// el.clear_timer(id);
    /// el.run().unwrap();
    /// assert_eq!(el.now(), Duration::ZERO);
    /// ```
    pub fn set_interval_ms(&self, ms: f64, mut callback: impl FnMut() + 'static) -> TimerId {
        self.insert_ms(ms, true, repeat(move |_| callback()))
    }

    /// [`Handle::set_interval_ms`] for a callback that borrows the host each time it fires.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// let id = el.set_interval_ms_with(2.5, |_: &mut u32| {});
    /// assert!(el.clear_timer(id));
    /// ```
    pub fn set_interval_ms_with<H: 'static>(
        &self,
        ms: f64,
        callback: impl FnMut(&mut H) + 'static,
    ) -> TimerId {
        self.insert_ms(ms, true, repeat_with(callback))
    }

    /// Clears a timeout or an interval (`clearTimeout` and `clearInterval` are the same
    /// operation). Returns whether a live timer was cleared; an unknown, fired or already
    /// cleared id is a no-op.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::new();
    /// let id = el.set_timeout(Duration::from_secs(3600), || unreachable!());
    /// assert!(el.clear_timer(id));
    /// assert!(!el.clear_timer(id));
    /// el.run().unwrap(); // returns at once
    /// ```
    pub fn clear_timer(&self, id: TimerId) -> bool {
        // The callback is dropped after the borrow ends: its destructor may use the loop.
        let removed = self.inner.timers.borrow_mut().cancel(id);
        if removed.is_some() && self.inner.observed() {
            let by = self.inner.origin.get();
            self.inner.observe(LoopEventKind::TimerCleared { id: id.as_u64(), by });
        }
        removed.is_some()
    }

    /// The loop clock's current time (since the clock's origin).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// assert_eq!(el.now(), std::time::Duration::ZERO);
    /// ```
    pub fn now(&self) -> Duration {
        self.inner.clock.now()
    }

    /// Whether the loop runs on the virtual clock.
    ///
    /// ```
    /// assert!(!settle_runtime::EventLoop::new().is_virtual_clock());
    /// ```
    pub fn is_virtual_clock(&self) -> bool {
        self.inner.clock.is_virtual()
    }

    /// The earliest live timer deadline on the loop clock, for embedders that drive the loop
    /// with [`EventLoop::run_once`](Handle::run_once) from their own outer loop.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_timeout(Duration::from_millis(7), || {});
    /// assert_eq!(el.next_deadline(), Some(Duration::from_millis(7)));
    /// ```
    pub fn next_deadline(&self) -> Option<Duration> {
        self.inner.timers.borrow_mut().next_deadline()
    }

    /// The host profile the loop was built with.
    ///
    /// ```
    /// assert_eq!(settle_runtime::EventLoop::new().host(), settle_timers::Host::Plain);
    /// ```
    pub fn host(&self) -> Host {
        self.inner.host
    }

    /// Where the code that is running now came from (task, timer, microtask n of checkpoint k).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// assert_eq!(el.origin(), settle_runtime::Origin::Outside);
    /// ```
    pub fn origin(&self) -> Origin {
        self.inner.origin.get()
    }

    /// A [`Remote`] through which other threads post tasks to this loop.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let remote = el.remote();
    /// std::thread::spawn(move || remote.post(|| {}).unwrap()).join().unwrap();
    /// el.run().unwrap();
    /// ```
    pub fn remote(&self) -> Remote {
        Remote::new(self.inner.shared.clone())
    }

    /// Adds a hook that runs at the end of every microtask checkpoint, after the queues are
    /// empty (HTML's "notify about rejected promises" step; the promise crate reports
    /// unhandled rejections here). Jobs a hook queues run in the same checkpoint.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let el = settle_runtime::EventLoop::new();
    /// let n = Rc::new(Cell::new(0));
    /// let m = n.clone();
    /// el.add_checkpoint_hook(move || m.set(m.get() + 1));
    /// el.queue_task(|| {});
    /// el.queue_task(|| {});
    /// el.run().unwrap();
    /// assert_eq!(n.get(), 2);
    /// ```
    pub fn add_checkpoint_hook(&self, hook: impl Fn() + 'static) {
        self.inner.add_checkpoint_hook(Rc::new(move |_: &mut dyn Any| hook()));
    }

    /// [`Handle::add_checkpoint_hook`] for a hook that borrows the host.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.add_checkpoint_hook_with(|n: &mut u32| *n += 1);
    /// el.queue_task(|| {});
    /// let mut n = 0u32;
    /// el.run_with(&mut n).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn add_checkpoint_hook_with<H: 'static>(&self, hook: impl Fn(&mut H) + 'static) {
        self.inner.add_checkpoint_hook(Rc::new(move |host: &mut dyn Any| {
            with_host_as::<H, ()>(host, &hook);
        }));
    }

    /// Asks for a microtask checkpoint at the next turn even if no job is queued, so that the
    /// after-checkpoint hooks run. The promise crate calls this when code outside any task (a
    /// script's top level under [`EventLoop::enter`](crate::EventLoop::enter)) rejects a promise:
    /// HTML reports it at the checkpoint after the script, which would otherwise never come.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let el = settle_runtime::EventLoop::new();
    /// let ran = Rc::new(Cell::new(false));
    /// let r = ran.clone();
    /// el.add_checkpoint_hook(move || r.set(true));
    /// el.request_checkpoint();
    /// el.run().unwrap();
    /// assert!(ran.get());
    /// ```
    pub fn request_checkpoint(&self) {
        self.inner.checkpoint_requested.set(true);
    }

    /// Replaces the uncaught-error hook (see
    /// [`Builder::on_uncaught`](crate::Builder::on_uncaught)).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.set_uncaught_hook(|u| eprintln!("custom: {u}"));
    /// ```
    pub fn set_uncaught_hook(&self, hook: impl FnMut(&Uncaught) + 'static) {
        self.inner.set_uncaught_hook(Box::new(hook));
    }

    /// Reports an uncaught error through the uncaught-error hook, and the loop goes on.
    ///
    /// ```
    /// use settle_runtime::{Origin, Uncaught, UncaughtKind};
    /// let el = settle_runtime::EventLoop::builder().on_uncaught(|u| assert_eq!(u.message(), "x")).build();
    /// el.report(&Uncaught::new(UncaughtKind::Panic, "x", Origin::Outside));
    /// ```
    pub fn report(&self, uncaught: &Uncaught) {
        self.inner.report(uncaught);
    }

    /// Stops the loop: the current `run` returns [`RunError::Failed`] with `uncaught` after the
    /// current checkpoint. Queued work stays queued. Only the first failure is kept.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, Handle, Origin, RunError, Uncaught, UncaughtKind};
    ///
    /// let el = EventLoop::new();
    /// el.queue_task(|| {
    ///     let h = Handle::current();
    ///     h.fail(Uncaught::new(UncaughtKind::UnhandledRejection, "Oops", h.origin()));
    /// });
    /// el.queue_task(|| {});
    /// assert!(matches!(el.run(), Err(RunError::Failed(u)) if u.message() == "Oops"));
    /// el.run().unwrap(); // the second task is still there and runs now
    /// ```
    pub fn fail(&self, uncaught: Uncaught) {
        self.inner.fail(RunError::Failed(uncaught));
    }

    /// Stops the loop now (Node's process death on an uncaught exception): once the callback
    /// that calls this returns, nothing more of the current checkpoint runs (no further
    /// `nextTick` callback, job, rejection report or hook), and the current `run` returns
    /// [`RunError::Halted`] with `uncaught`. Queued work stays queued; running the loop again
    /// continues with it, finishing the interrupted checkpoint before any macrotask. Compare
    /// [`Handle::fail`], which lets the checkpoint finish.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use settle_runtime::{EventLoop, Handle, RunError, Uncaught, UncaughtKind};
    ///
    /// let el = EventLoop::new();
    /// let later = Rc::new(Cell::new(false));
    /// let l = later.clone();
    /// el.queue_task(move || {
    ///     let h = Handle::current();
    ///     h.queue_microtask(|| {
    ///         let h = Handle::current();
    ///         h.halt(Uncaught::new(UncaughtKind::Exception, "died", h.origin()));
    ///     });
    ///     h.queue_microtask(move || l.set(true));
    /// });
    /// assert!(matches!(el.run(), Err(RunError::Halted(u)) if u.message() == "died"));
    /// assert!(!later.get(), "the second job of the checkpoint did not run");
    /// ```
    pub fn halt(&self, uncaught: Uncaught) {
        self.inner.halt(RunError::Halted(uncaught));
    }

    /// Whether [`Handle::halt`] stopped the current run (its `run` has not returned yet).
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// assert!(!el.is_halted());
    /// ```
    pub fn is_halted(&self) -> bool {
        self.inner.is_halted()
    }

    /// HostPromiseRejectionTracker(promise, "reject") (ECMA-262 27.2.1.9, as HTML defines it):
    /// an engine calls this when it rejects a promise that has no handler. The promise is
    /// reported at the end of the checkpoint if it still has none then; see [`TrackedPromise`].
    ///
    /// ```
    /// use std::rc::Rc;
    /// use settle_runtime::{EventLoop, TrackerPolicy, RunError, TrackedPromise};
    ///
    /// struct P;
    /// impl TrackedPromise for P {
    ///     fn is_handled(&self) -> bool { false }
    ///     fn reason(&self) -> String { "boom".into() }
    ///     fn identity(&self) -> *const () { self as *const P as *const () }
    /// }
    /// let el = EventLoop::builder().rejection_policy(TrackerPolicy::Strict).build();
    /// el.track_reject(Rc::new(P));
    /// assert!(matches!(el.run(), Err(RunError::Failed(u)) if u.message() == "boom"));
    /// ```
    pub fn track_reject(&self, promise: Rc<dyn TrackedPromise>) {
        self.inner.rejections.reject(promise);
        // Outside any task no checkpoint may be coming; make sure one does.
        self.inner.checkpoint_requested.set(true);
    }

    /// HostPromiseRejectionTracker(promise, "handle"): an engine calls this when it attaches a
    /// handler to a rejected promise that had none (before setting \[\[PromiseIsHandled\]\]). A
    /// promise already reported as unhandled is reported as handled at the end of the
    /// checkpoint.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use settle_runtime::{EventLoop, RejectionEventKind, TrackerPolicy, TrackedPromise};
    ///
    /// struct P(Cell<bool>);
    /// impl TrackedPromise for P {
    ///     fn is_handled(&self) -> bool { self.0.get() }
    ///     fn reason(&self) -> String { "late".into() }
    ///     fn identity(&self) -> *const () { self as *const P as *const () }
    /// }
    /// let kinds = Rc::new(std::cell::RefCell::new(Vec::new()));
    /// let k = kinds.clone();
    /// let el = EventLoop::builder()
    ///     .rejection_policy(TrackerPolicy::callback(move |e| k.borrow_mut().push(e.kind)))
    ///     .build();
    /// let p = Rc::new(P(Cell::new(false)));
    /// el.track_reject(p.clone());
    /// el.run().unwrap();
    /// el.queue_task(move || {
    ///     settle_runtime::Handle::current().track_handle(&*p);
    ///     p.0.set(true);
    /// });
    /// el.run().unwrap();
    /// assert_eq!(*kinds.borrow(), [RejectionEventKind::Unhandled, RejectionEventKind::Handled]);
    /// ```
    pub fn track_handle(&self, promise: &dyn TrackedPromise) {
        self.inner.rejections.handle(promise);
    }

    /// Chooses what unhandled rejections do on this loop from now on.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, TrackerPolicy};
    /// let el = EventLoop::new();
    /// el.set_rejection_policy(TrackerPolicy::None);
    /// assert!(matches!(el.rejection_policy(), TrackerPolicy::None));
    /// ```
    pub fn set_rejection_policy(&self, policy: impl Into<TrackerPolicy>) {
        self.inner.rejections.set_policy(policy.into());
    }

    /// The loop's current rejection policy.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, TrackerPolicy};
    /// assert!(matches!(EventLoop::new().rejection_policy(), TrackerPolicy::Warn));
    /// ```
    pub fn rejection_policy(&self) -> TrackerPolicy {
        self.inner.rejections.policy()
    }

    /// The loop's instance of `X`, created by `init` on first use. Crates built on the loop keep
    /// per-loop state here (the promise crate's rejection tracker), so that two loops on one
    /// thread never share it.
    ///
    /// ```
    /// use std::cell::Cell;
    /// let el = settle_runtime::EventLoop::new();
    /// let a = el.extension(|| Cell::new(1));
    /// a.set(2);
    /// assert_eq!(el.extension(|| Cell::new(1)).get(), 2);
    /// ```
    pub fn extension<X: 'static>(&self, init: impl FnOnce() -> X) -> Rc<X> {
        let id = TypeId::of::<X>();
        let found = self.inner.extensions.borrow().iter().find(|(t, _)| *t == id).map(|(_, x)| x.clone());
        let any = match found {
            Some(any) => any,
            None => {
                // `init` runs with no borrow held: it may itself use the loop.
                let any: Rc<dyn Any> = Rc::new(init());
                self.inner.extensions.borrow_mut().push((id, any.clone()));
                any
            }
        };
        match any.downcast::<X>() {
            Ok(x) => x,
            Err(_) => unreachable!("extension slots are keyed by TypeId"),
        }
    }

    fn nesting_for_new_timer(&self) -> u32 {
        // HTML timer initialization steps 5-6: the new timer's level is one more than the level
        // of the timer task that is running (0 outside timer tasks).
        match self.inner.origin.kind() {
            OriginKind::Timer => self.inner.timer_nesting.get(),
            _ => 0,
        }
    }

    fn insert_ms(&self, ms: f64, repeat: bool, callback: TimerCallback) -> TimerId {
        let nesting = self.nesting_for_new_timer();
        let delay = self.inner.host.delay_from_millis(ms, nesting);
        self.insert_clamped(delay, repeat.then_some(delay), callback, nesting)
    }

    fn insert_timer(&self, delay: Duration, repeat: Option<()>, callback: TimerCallback) -> TimerId {
        let nesting = self.nesting_for_new_timer();
        let delay = self.inner.host.clamp(delay, nesting);
        self.insert_clamped(delay, repeat.map(|()| delay), callback, nesting)
    }

    /// Schedules a timer set by code at timer nesting level `nesting`.
    fn insert_clamped(
        &self,
        delay: Duration,
        interval: Option<Duration>,
        callback: TimerCallback,
        nesting: u32,
    ) -> TimerId {
        let now = self.inner.clock.now();
        let entry = TimerEntry { callback, nesting: std::num::NonZeroU32::MIN.saturating_add(nesting) };
        let repeat = interval.is_some();
        // Past Duration::MAX the timer is dormant: it never fires and keeps no loop alive.
        let id = self.inner.timers.borrow_mut().insert_after(now, delay, interval, entry);
        if self.inner.observed() {
            let by = self.inner.origin.get();
            let deadline = now.saturating_add(delay);
            self.inner.observe(LoopEventKind::TimerSet { id: id.as_u64(), deadline, repeat, by });
        }
        id
    }
}

/// An interval callback that ignores the host.
fn repeat(callback: impl FnMut(&mut dyn Any) + 'static) -> TimerCallback {
    TimerCallback::Repeat(Box::new(callback))
}

/// An interval callback that borrows the host as an `H`.
fn repeat_with<H: 'static>(mut callback: impl FnMut(&mut H) + 'static) -> TimerCallback {
    TimerCallback::Repeat(Box::new(move |host| {
        with_host_as::<H, ()>(host, &mut callback);
    }))
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("host", &self.inner.host)
            .field("virtual_clock", &self.inner.clock.is_virtual())
            .finish_non_exhaustive()
    }
}

/// Queues a microtask on the current loop (the global `queueMicrotask`).
///
/// # Panics
///
/// Panics when no loop is current on this thread (see [`Handle::current`]).
///
/// ```
/// let el = settle_runtime::EventLoop::new();
/// el.queue_task(|| settle_runtime::queue_microtask(|| println!("job")));
/// el.run().unwrap();
/// ```
#[track_caller]
pub fn queue_microtask(job: impl FnOnce() + 'static) {
    push_job(QueuedJob::from_fn(job));
}

#[track_caller]
#[inline]
fn push_job(job: QueuedJob) {
    match context::with_current_inner(|inner| {
        inner.jobs.borrow_mut().push_back(job);
        inner.observed()
    }) {
        Ok(false) => {}
        Ok(true) => report_queued_microtask(),
        Err(e) => no_current_loop(e),
    }
}

/// The observer's "queued" event for [`push_job`], out of line: a `queue_microtask` without an
/// observer is a few instructions, and the rare paths kept inline gave it a frame of six saved
/// registers (docs/benchmarks.md, the W1 entry of the fifth session).
#[cold]
#[inline(never)]
fn report_queued_microtask() {
    // The observer is user code: it runs on a handle of its own, not on the borrowed `&Inner`
    // (whose validity `with_current_inner` guarantees only while no user code runs).
    Handle::current().inner.queued("microtask");
}

/// `queue_microtask` with no current loop: the panic its documentation states.
#[cold]
#[inline(never)]
#[track_caller]
fn no_current_loop(e: NoLoop) -> ! {
    panic!("{e}")
}
