//! The event loop: its state, and one turn of it.
//!
//! A turn (HTML's "event loop processing model", which Node follows for promises):
//!
//! 1. Move what became ready into the macrotask queue: posts from other threads, then every
//!    timer whose deadline is `<= now`, each as a task of its own, in (deadline, creation) order.
//! 2. Take one macrotask and run it.
//! 3. Perform a microtask checkpoint: drain Node's `nextTick` queue, then the Job queue (jobs
//!    queued by jobs run in the same checkpoint), again until both are empty; then run the
//!    after-checkpoint hooks (unhandled-rejection reporting lives there), and drain again if
//!    they queued more or asked for another checkpoint (a rejection made while reporting).
//! 4. If nothing was runnable: return when nothing can ever become runnable, otherwise sleep until
//!    the next timer deadline or a remote post (the virtual clock jumps to the deadline instead).
//!
//! [`Inner::turn`] is that list, in code.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::ops::Deref;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use settle_timers::{Clock, Host, TimerId, TimerQueue};

use crate::context::EnterGuard;
use crate::error::RunError;
use crate::handle::Handle;
use crate::job::{QueuedJob, SendJob};
use crate::owner::{LoopId, Registration};
use crate::remote::Shared;
use crate::uncaught::{Origin, Uncaught, UncaughtKind};

/// A timer's callback as the timer queue stores it.
pub(crate) enum TimerCallback {
    Once(QueuedJob),
    Repeat(Box<dyn FnMut()>),
}

/// A timer's payload: its callback and its HTML timer nesting level.
pub(crate) struct TimerEntry {
    pub(crate) callback: TimerCallback,
    /// At least 1 (a timer is one level deeper than the code that set it). Non-zero so that
    /// `Option<TimerEntry>` needs no tag and a timer fits the queue's 64-byte entry.
    pub(crate) nesting: std::num::NonZeroU32,
}

/// The loop's `reportError`.
type UncaughtHook = Box<dyn FnMut(&Uncaught)>;

/// One macrotask.
enum Task {
    Local(QueuedJob),
    Remote(QueuedJob),
    /// A timer that came due; it may have been cleared since, which is checked when it runs.
    Timer(TimerId),
}

/// Everything one loop owns. Only ever borrowed for the few instructions that push or pop;
/// no borrow is held while a task, job, hook or timer callback runs.
pub(crate) struct Inner {
    pub(crate) jobs: RefCell<VecDeque<QueuedJob>>,
    pub(crate) ticks: RefCell<VecDeque<QueuedJob>>,
    tasks: RefCell<VecDeque<Task>>,
    /// The buffer remote posts are taken into, kept between turns.
    posted: Cell<Vec<SendJob>>,
    pub(crate) timers: RefCell<TimerQueue<TimerEntry>>,
    pub(crate) clock: Clock,
    pub(crate) host: Host,
    pub(crate) shared: Arc<Shared>,
    checkpoint_hooks: RefCell<Vec<Rc<dyn Fn()>>>,
    uncaught_hook: RefCell<Option<UncaughtHook>>,
    budget: Option<usize>,
    running: Cell<bool>,
    in_checkpoint: Cell<bool>,
    /// A checkpoint is owed even though no job is queued (see `Handle::request_checkpoint`).
    pub(crate) checkpoint_requested: Cell<bool>,
    failure: RefCell<Option<RunError>>,
    pub(crate) timer_nesting: Cell<u32>,
    pub(crate) origin: Cell<Origin>,
    tasks_run: Cell<u64>,
    /// Per-loop state of the crates built on the loop (the promise crate's rejection tracker).
    pub(crate) extensions: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
    /// This loop's identity on its thread (`owner.rs`).
    pub(crate) id: Registration,
}

/// What one turn did.
///
/// ```
/// use settle_runtime::{EventLoop, Turn};
///
/// let el = EventLoop::new();
/// el.queue_task(|| {});
/// assert_eq!(el.run_once().unwrap(), Turn::Ran);
/// assert_eq!(el.run_once().unwrap(), Turn::Done);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// A macrotask (or a checkpoint of jobs queued from outside the loop) ran.
    Ran,
    /// Nothing is runnable yet, but timers or keep-alive remotes remain: call again after
    /// [`Handle::next_deadline`], or after a remote post.
    Idle,
    /// Nothing is left: no tasks, jobs, timers or keep-alive remotes.
    Done,
}

/// How long a turn may wait when nothing is runnable.
#[derive(Clone, Copy)]
enum Wait {
    /// Do not wait (an embedder's own outer loop drives us).
    No,
    /// Wait for the next event, but not past this loop-clock time (`None`: no limit).
    Until(Option<Duration>),
}

/// Outcome of a bounded wait.
enum Waited {
    Woken,
    LimitReached,
}

impl Inner {
    pub(crate) fn new(mut builder: Builder) -> Inner {
        Inner {
            id: LoopId::allocate(),
            jobs: RefCell::new(VecDeque::with_capacity(64)),
            ticks: RefCell::new(VecDeque::new()),
            tasks: RefCell::new(VecDeque::with_capacity(64)),
            posted: Cell::new(Vec::new()),
            timers: RefCell::new(TimerQueue::new()),
            clock: if builder.virtual_clock { Clock::virtual_at_zero() } else { Clock::real() },
            host: builder.host,
            shared: Arc::new(Shared::new()),
            checkpoint_hooks: RefCell::new(Vec::new()),
            uncaught_hook: RefCell::new(builder.on_uncaught),
            budget: builder.microtask_budget,
            running: Cell::new(false),
            in_checkpoint: Cell::new(false),
            checkpoint_requested: Cell::new(false),
            failure: RefCell::new(None),
            timer_nesting: Cell::new(0),
            origin: Cell::new(Origin::Outside),
            tasks_run: Cell::new(0),
            extensions: RefCell::new(std::mem::take(&mut builder.extensions)),
        }
    }

    pub(crate) fn push_task(&self, job: QueuedJob) {
        self.tasks.borrow_mut().push_back(Task::Local(job));
    }

    pub(crate) fn add_checkpoint_hook(&self, hook: Rc<dyn Fn()>) {
        self.checkpoint_hooks.borrow_mut().push(hook);
    }

    pub(crate) fn set_uncaught_hook(&self, hook: UncaughtHook) {
        *self.uncaught_hook.borrow_mut() = Some(hook);
    }

    /// One turn of the loop; see the module documentation for the steps.
    fn turn(&self, wait: Wait) -> Result<Turn, RunError> {
        // Step 1: what became ready joins the macrotask queue.
        self.collect_ready();

        // Step 2: one macrotask.
        let task = self.tasks.borrow_mut().pop_front();
        if let Some(task) = task {
            self.run_task(task);
            // Step 3: the checkpoint that follows every task.
            self.perform_microtask_checkpoint();
            return self.take_failure().map(|()| Turn::Ran);
        }
        // Jobs queued from outside any task (under `enter`) still get their checkpoint, and so
        // does after-checkpoint work (a rejection made by a script's top level).
        if !self.jobs.borrow().is_empty()
            || !self.ticks.borrow().is_empty()
            || self.checkpoint_requested.get()
        {
            self.perform_microtask_checkpoint();
            return self.take_failure().map(|()| Turn::Ran);
        }

        // Step 4: nothing runnable.
        if !self.has_pending_work() {
            return Ok(Turn::Done);
        }
        match wait {
            Wait::No => Ok(Turn::Idle),
            Wait::Until(limit) => match self.wait_for_work(limit) {
                Waited::Woken => Ok(Turn::Ran),
                Waited::LimitReached => Ok(Turn::Idle),
            },
        }
    }

    /// Step 1 of a turn.
    fn collect_ready(&self) {
        if self.shared.has_posted() {
            // Only what is there now, so a fast poster cannot keep this turn from ending.
            let mut posted = self.posted.take();
            self.shared.take_posted(&mut posted);
            self.tasks.borrow_mut().extend(posted.drain(..).map(|task| Task::Remote(task.into_job())));
            self.posted.set(posted); // keeps its buffer for the next batch
        }
        let mut timers = self.timers.borrow_mut();
        if timers.is_empty() {
            return; // before reading the clock: on the real clock that is a system call's worth
        }
        let now = self.clock.now();
        let mut tasks = self.tasks.borrow_mut();
        timers.drain_due(now, |due| tasks.push_back(Task::Timer(due.id)));
    }

    /// Step 2: runs one macrotask, catching a panic.
    fn run_task(&self, task: Task) {
        let index = self.tasks_run.get() + 1;
        self.tasks_run.set(index);
        match task {
            Task::Local(job) => {
                self.origin.set(Origin::Task { index });
                self.run_guarded(|| job.run());
            }
            Task::Remote(task) => {
                self.origin.set(Origin::Remote { index });
                self.run_guarded(|| task.run());
            }
            Task::Timer(id) => self.fire_timer(id, index),
        }
        self.origin.set(Origin::Outside);
    }

    /// Runs a due timer's callback, and re-arms an interval that was not cleared meanwhile.
    fn fire_timer(&self, id: TimerId, index: u64) {
        let fired = self.timers.borrow_mut().take(id);
        let Some(fired) = fired else {
            return; // cleared after it came due
        };
        self.origin.set(Origin::Timer { index, id: id.as_u64() });
        let nesting = fired.payload.nesting.get();
        self.timer_nesting.set(nesting);
        match fired.payload.callback {
            TimerCallback::Once(callback) => self.run_guarded(|| callback.run()),
            TimerCallback::Repeat(mut callback) => {
                self.run_guarded(&mut callback);
                // HTML re-runs the timer initialization steps after the callback: the next
                // deadline counts from now, and a cleared interval is simply not found. Those
                // steps run inside this timer's task, so the host's nesting clamp applies with
                // this task's level (under Host::Html, setInterval(f, 0) slows to 4 ms after
                // five runs, as in browsers); without it a zero interval never clamped.
                let interval = self.host.clamp(fired.interval.unwrap_or_default(), nesting);
                let now = self.clock.now();
                let entry = crate::event_loop::TimerEntry {
                    callback: TimerCallback::Repeat(callback),
                    nesting: std::num::NonZeroU32::MIN.saturating_add(nesting),
                };
                // Past Duration::MAX the interval goes dormant instead of firing at the end of
                // time over and over.
                let rearmed = self.timers.borrow_mut().rearm_after(id, now, interval, entry);
                drop(rearmed); // Err: cleared by its own callback; dropping it ends the interval
            }
        }
        self.timer_nesting.set(0);
    }

    /// Step 3: HTML's "perform a microtask checkpoint", with Node's nextTick queue in front.
    pub(crate) fn perform_microtask_checkpoint(&self) {
        // HTML step 1: a checkpoint inside a checkpoint does nothing.
        if self.in_checkpoint.get() {
            return;
        }
        // Nothing queued and no after-checkpoint hook: the steps below would do nothing. (Most
        // tasks of a message-driven loop end here.)
        if self.jobs.borrow().is_empty()
            && self.ticks.borrow().is_empty()
            && self.checkpoint_hooks.borrow().is_empty()
        {
            self.checkpoint_requested.set(false);
            return;
        }
        self.in_checkpoint.set(true);
        self.checkpoint_requested.set(false);
        let checkpoint = self.tasks_run.get();
        let mut ran = 0usize;
        let mut ticks_ran = 0u64;
        'drain: loop {
            while let Some(tick) = self.pop(&self.ticks) {
                ticks_ran += 1;
                self.origin.set(Origin::NextTick { checkpoint, index: ticks_ran });
                self.run_guarded(|| tick.run());
            }
            loop {
                if self.budget.is_some_and(|budget| ran >= budget) && !self.jobs.borrow().is_empty() {
                    self.exceed_budget(ran);
                    break 'drain;
                }
                let Some(job) = self.pop(&self.jobs) else { break };
                ran += 1;
                self.origin.set(Origin::Microtask { checkpoint, index: ran as u64 });
                self.run_guarded(|| job.run());
            }
            if !self.ticks.borrow().is_empty() {
                continue;
            }
            self.origin.set(Origin::Outside);
            // A hook that asks for a checkpoint (the rejection tracker, when a listener rejects
            // another promise) gets another pass, as Node's processTicksAndRejections loops
            // while processPromiseRejections reports work.
            self.checkpoint_requested.set(false);
            self.run_checkpoint_hooks();
            if self.jobs.borrow().is_empty()
                && self.ticks.borrow().is_empty()
                && !self.checkpoint_requested.get()
            {
                break;
            }
        }
        self.origin.set(Origin::Outside);
        self.in_checkpoint.set(false);
    }

    fn pop(&self, queue: &RefCell<VecDeque<QueuedJob>>) -> Option<QueuedJob> {
        queue.borrow_mut().pop_front()
    }

    fn exceed_budget(&self, budget: usize) {
        let uncaught = Uncaught::new(
            UncaughtKind::MicrotaskBudgetExceeded,
            format!("{budget} jobs ran in one checkpoint and more were still queued"),
            self.origin.get(),
        );
        self.report(&uncaught);
        self.fail(RunError::MicrotaskBudgetExceeded { budget });
    }

    /// Calls each after-checkpoint hook; a hook added by a hook runs in the same pass.
    fn run_checkpoint_hooks(&self) {
        let mut i = 0;
        loop {
            let hook = self.checkpoint_hooks.borrow().get(i).cloned();
            let Some(hook) = hook else { break };
            self.run_guarded(|| hook());
            i += 1;
        }
    }

    /// Runs user code with no borrow held; a panic becomes an uncaught-error report.
    fn run_guarded(&self, f: impl FnOnce()) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
            let uncaught = Uncaught::from_panic(payload.as_ref(), self.origin.get());
            // The payload may itself panic when dropped; keep that from unwinding the loop.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            self.report(&uncaught);
        }
    }

    /// Hands `uncaught` to the uncaught-error hook (default: print to stderr, like
    /// `reportError`). The hook is taken out while it runs, so it may itself use the loop.
    pub(crate) fn report(&self, uncaught: &Uncaught) {
        let hook = self.uncaught_hook.borrow_mut().take();
        match hook {
            Some(mut hook) => {
                if catch_unwind(AssertUnwindSafe(|| hook(uncaught))).is_err() {
                    eprintln!("settle: the uncaught-error hook panicked while reporting: {uncaught}");
                }
                let mut slot = self.uncaught_hook.borrow_mut();
                if slot.is_none() {
                    *slot = Some(hook);
                }
            }
            None => eprintln!("settle: uncaught {uncaught}"),
        }
    }

    pub(crate) fn fail(&self, error: RunError) {
        let mut failure = self.failure.borrow_mut();
        if failure.is_none() {
            *failure = Some(error);
        }
    }

    fn take_failure(&self) -> Result<(), RunError> {
        match self.failure.borrow_mut().take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Whether anything is queued, scheduled, or kept alive from another thread.
    fn has_pending_work(&self) -> bool {
        // The keep-alive count must be read before the inbox is checked: a keep-alive poster
        // posts its last task and then drops its remote. Checking the inbox first could see it
        // still empty and then see the count already at zero, and the loop would finish with
        // that task unrun. Reading the count first (SeqCst, after the poster's post) makes a
        // zero count imply its posts are visible.
        let kept_alive = self.shared.refs.load(Ordering::SeqCst) > 0;
        kept_alive
            || !self.tasks.borrow().is_empty()
            || !self.jobs.borrow().is_empty()
            || !self.ticks.borrow().is_empty()
            || self.checkpoint_requested.get()
            || self.timers.borrow().pending() != 0
            || self.shared.has_posted()
    }

    /// Step 4: sleeps until the next deadline, a remote post, or `limit`; never spins.
    fn wait_for_work(&self, limit: Option<Duration>) -> Waited {
        let next = self.timers.borrow_mut().next_deadline();
        let refs = self.shared.refs.load(Ordering::SeqCst);
        let (target, is_limit) = match (next, limit) {
            (Some(next), Some(limit)) if limit < next => (Some(limit), true),
            (None, Some(limit)) => (Some(limit), true),
            (next, _) => (next, false),
        };
        if self.clock.is_virtual() {
            // Virtual time jumps, unless a keep-alive remote says outside work is under way.
            if let Some(target) = target.filter(|_| refs == 0) {
                self.clock.advance_to(target);
                return if is_limit { Waited::LimitReached } else { Waited::Woken };
            }
            self.shared.park(None, refs);
            return Waited::Woken;
        }
        let deadline = target.and_then(|t| self.clock.instant_at(t));
        self.shared.park(deadline, refs);
        if is_limit && target.is_some_and(|t| self.clock.now() >= t) {
            Waited::LimitReached
        } else {
            Waited::Woken
        }
    }

    /// Drops every queued task, job and timer: the loop is going away, and anything they capture
    /// (including handles to this loop) must be released. Taken out first, so destructors that
    /// touch the loop find it consistent.
    fn clear(&self) {
        let tasks = std::mem::take(&mut *self.tasks.borrow_mut());
        let jobs = std::mem::take(&mut *self.jobs.borrow_mut());
        let ticks = std::mem::take(&mut *self.ticks.borrow_mut());
        let timers = std::mem::take(&mut *self.timers.borrow_mut());
        let hooks = std::mem::take(&mut *self.checkpoint_hooks.borrow_mut());
        let extensions = std::mem::take(&mut *self.extensions.borrow_mut());
        drop((tasks, jobs, ticks, timers, hooks, extensions));
        self.shared.clear();
    }
}

/// A single-threaded event loop: a macrotask queue, a microtask Job queue, timers, and a
/// [`Remote`](crate::Remote) for other threads.
///
/// `EventLoop` dereferences to its [`Handle`], so everything a task can do (queue work, set
/// timers) can also be done on the loop itself before it runs.
///
/// The book's A C D B example (chapter 1, "Jobs"): jobs run at the end of the current task, and
/// jobs queued by jobs run in the same checkpoint, before the next task.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use std::time::Duration;
/// use settle_runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let out = Rc::new(RefCell::new(String::new()));
/// let log = { let out = out.clone(); move |s: &str| out.borrow_mut().push_str(s) };
/// let h = el.handle();
/// el.queue_task(move || {
///     log("A");
///     let l = log.clone();
///     h.set_timeout(Duration::ZERO, move || l("B"));
///     let h2 = h.clone();
///     h.queue_microtask(move || {
///         log("C");
///         h2.queue_microtask(move || log("D"));
///     });
/// });
/// el.run().unwrap();
/// assert_eq!(*out.borrow(), "ACDB");
/// ```
pub struct EventLoop {
    handle: Handle,
}

impl EventLoop {
    /// A loop on the real clock with the [`Host::Plain`] timer profile.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// el.run().unwrap();
    /// ```
    pub fn new() -> EventLoop {
        Builder::default().build()
    }

    /// Configures a loop: clock, host profile, microtask budget, uncaught-error hook.
    ///
    /// ```
    /// use settle_runtime::EventLoop;
    /// use settle_timers::Host;
    ///
    /// let el = EventLoop::builder().virtual_clock().host(Host::Node).build();
    /// assert_eq!(el.host(), Host::Node);
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A handle to this loop, for code that runs in its tasks and jobs.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let h = el.handle();
    /// h.queue_task(|| {});
    /// el.run().unwrap();
    /// ```
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Makes this loop the current one on this thread until the guard drops, so that code
    /// outside any task (a script's top level, a test's setup) can create promises and timers
    /// through [`Handle::current`]. Jobs queued meanwhile run at the next checkpoint.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, Handle};
    ///
    /// let el = EventLoop::new();
    /// {
    ///     let _guard = el.enter();
    ///     Handle::current().queue_microtask(|| println!("runs when the loop runs"));
    /// }
    /// el.run().unwrap();
    /// ```
    pub fn enter(&self) -> EnterGuard {
        EnterGuard::new(self.handle.clone())
    }
}

/// Running the loop. These live on [`Handle`] so that code holding only a handle can drive
/// the loop (an embedder's outer loop) and gets the re-entrancy error from inside a task;
/// [`EventLoop`] reaches them through `Deref`.
impl Handle {
    /// Runs until nothing is left: no tasks, no jobs, no live timers, no keep-alive remotes.
    ///
    /// # Errors
    ///
    /// [`RunError::Reentrant`] when called from a task or job of this loop;
    /// [`RunError::MicrotaskBudgetExceeded`] and [`RunError::Failed`] stop the loop after the
    /// current checkpoint, leaving the remaining work queued.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_timeout(Duration::from_secs(86_400), || println!("a day later, instantly"));
    /// el.run().unwrap();
    /// ```
    pub fn run(&self) -> Result<(), RunError> {
        let _running = self.begin_run()?;
        loop {
            if self.inner().turn(Wait::Until(None))? == Turn::Done {
                return Ok(());
            }
        }
    }

    /// Runs exactly one turn without waiting: one macrotask and its checkpoint, for an embedder
    /// that drives the loop from its own outer loop (see [`Handle::next_deadline`]).
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`].
    ///
    /// ```
    /// use settle_runtime::{EventLoop, Turn};
    /// let el = EventLoop::new();
    /// el.set_timeout(std::time::Duration::from_secs(60), || {});
    /// assert_eq!(el.run_once().unwrap(), Turn::Idle);
    /// assert!(el.next_deadline().is_some());
    /// ```
    pub fn run_once(&self) -> Result<Turn, RunError> {
        let _running = self.begin_run()?;
        self.inner().turn(Wait::No)
    }

    /// Runs until `done()` returns true (checked before each turn) or nothing is left. Returns
    /// the last value of `done()`.
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`].
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    ///
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// let fired = Rc::new(Cell::new(0));
    /// let f = fired.clone();
    /// el.set_interval(Duration::from_secs(1), move || f.set(f.get() + 1));
    /// assert!(el.run_until(|| fired.get() == 3).unwrap());
    /// ```
    pub fn run_until(&self, mut done: impl FnMut() -> bool) -> Result<bool, RunError> {
        let _running = self.begin_run()?;
        loop {
            if done() {
                return Ok(true);
            }
            if self.inner().turn(Wait::Until(None))? == Turn::Done {
                return Ok(done());
            }
        }
    }

    /// Runs until the loop's clock reads `duration` more than now, or nothing is left.
    /// On the virtual clock this advances time by exactly `duration` (firing what falls due).
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_interval(Duration::from_secs(1), || {});
    /// el.run_for(Duration::from_secs(10)).unwrap();
    /// assert_eq!(el.now(), Duration::from_secs(10));
    /// ```
    pub fn run_for(&self, duration: Duration) -> Result<(), RunError> {
        let _running = self.begin_run()?;
        let limit = self.inner().clock.now().saturating_add(duration);
        loop {
            match self.inner().turn(Wait::Until(Some(limit)))? {
                Turn::Done => return Ok(()),
                Turn::Ran => {}
                Turn::Idle => {
                    // The limit is reached: run what is due at the limit itself, then stop.
                    while self.inner().turn(Wait::No)? == Turn::Ran {}
                    return Ok(());
                }
            }
        }
    }

    /// Performs a microtask checkpoint now, for embedders that run a script's top level outside
    /// any task and then drain its jobs (as HTML does after running a script).
    ///
    /// # Errors
    ///
    /// [`RunError::Reentrant`] when called from a task or job of this loop, and the errors a
    /// checkpoint can stop with (see [`Handle::run`]).
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let el = settle_runtime::EventLoop::new();
    /// let ran = Rc::new(Cell::new(false));
    /// let r = ran.clone();
    /// el.queue_microtask(move || r.set(true));
    /// el.perform_microtask_checkpoint().unwrap();
    /// assert!(ran.get());
    /// ```
    pub fn perform_microtask_checkpoint(&self) -> Result<(), RunError> {
        let _running = self.begin_run()?;
        self.inner().perform_microtask_checkpoint();
        self.inner().take_failure()
    }

    fn inner(&self) -> &Inner {
        &self.inner
    }

    fn begin_run(&self) -> Result<RunGuard<'_>, RunError> {
        if self.inner().running.replace(true) {
            return Err(RunError::Reentrant);
        }
        Ok(RunGuard { inner: self.inner(), _enter: EnterGuard::new(self.clone()) })
    }
}

/// Clears the running flag even when a run ends by unwinding.
struct RunGuard<'a> {
    inner: &'a Inner,
    _enter: EnterGuard,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.inner.running.set(false);
    }
}

impl Default for EventLoop {
    fn default() -> Self {
        EventLoop::new()
    }
}

impl Deref for EventLoop {
    type Target = Handle;

    fn deref(&self) -> &Handle {
        &self.handle
    }
}

impl Drop for EventLoop {
    fn drop(&mut self) {
        self.handle.inner.shared.close();
        self.handle.inner.clear();
    }
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoop").field("handle", &self.handle).finish()
    }
}

/// Configuration for an [`EventLoop`].
///
/// ```
/// use settle_runtime::EventLoop;
/// use settle_timers::Host;
///
/// let el = EventLoop::builder()
///     .virtual_clock()
///     .host(Host::Html)
///     .microtask_budget(1_000_000)
///     .on_uncaught(|u| eprintln!("uncaught: {u}"))
///     .build();
/// el.run().unwrap();
/// ```
#[derive(Default)]
pub struct Builder {
    virtual_clock: bool,
    host: Host,
    microtask_budget: Option<usize>,
    on_uncaught: Option<UncaughtHook>,
    /// Extensions set before the loop exists (`with_extension`).
    extensions: Vec<(TypeId, Rc<dyn Any>)>,
}

impl Builder {
    /// Sets the loop's extension of type `X` up front: what [`Handle::extension`] returns for
    /// `X`, without its `init`. This is how the crates built on the loop take their options on
    /// the builder (settle-promise's worker pool), without the runtime knowing them. A second
    /// call for the same `X` replaces the first.
    ///
    /// ```
    /// struct Greeting(&'static str);
    /// let el = settle_runtime::EventLoop::builder().with_extension(Greeting("hi")).build();
    /// assert_eq!(el.extension(|| Greeting("unused")).0, "hi");
    /// ```
    pub fn with_extension<X: 'static>(mut self, value: X) -> Builder {
        let id = TypeId::of::<X>();
        self.extensions.retain(|(t, _)| *t != id);
        self.extensions.push((id, Rc::new(value)));
        self
    }

    /// Use the virtual clock: time stands still while work is runnable and jumps to the next
    /// timer deadline when the loop is idle.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// assert!(el.is_virtual_clock());
    /// ```
    pub fn virtual_clock(mut self) -> Builder {
        self.virtual_clock = true;
        self
    }

    /// The host profile for timer delays (and which host rules the loop follows).
    ///
    /// ```
    /// use settle_timers::Host;
    /// let el = settle_runtime::EventLoop::builder().host(Host::Html).build();
    /// assert_eq!(el.host(), Host::Html);
    /// ```
    pub fn host(mut self, host: Host) -> Builder {
        self.host = host;
        self
    }

    /// Stops a checkpoint after `jobs` jobs when more are still queued, reporting
    /// [`UncaughtKind::MicrotaskBudgetExceeded`] and making `run` return
    /// [`RunError::MicrotaskBudgetExceeded`]. Off by default: the spec sets no limit.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, Handle, RunError};
    ///
    /// fn forever() {
    ///     Handle::current().queue_microtask(forever);
    /// }
    /// let el = EventLoop::builder().microtask_budget(100).on_uncaught(|_| {}).build();
    /// el.queue_microtask(forever);
    /// assert!(matches!(el.run(), Err(RunError::MicrotaskBudgetExceeded { budget: 100 })));
    /// ```
    pub fn microtask_budget(mut self, jobs: usize) -> Builder {
        self.microtask_budget = Some(jobs);
        self
    }

    /// The uncaught-error hook (the loop's `reportError`): receives panics of tasks and jobs,
    /// unhandled rejections under the default policy, and budget overruns. The default prints
    /// to stderr.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::builder().on_uncaught(|u| eprintln!("{u}")).build();
    /// el.queue_task(|| panic!("reported, and the loop goes on"));
    /// el.run().unwrap();
    /// ```
    pub fn on_uncaught(mut self, hook: impl FnMut(&Uncaught) + 'static) -> Builder {
        self.on_uncaught = Some(Box::new(hook));
        self
    }

    /// Creates the loop.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::builder().build();
    /// el.run().unwrap();
    /// ```
    pub fn build(self) -> EventLoop {
        let inner = Rc::new(Inner::new(self));
        inner.id.register(&inner);
        EventLoop { handle: Handle { inner } }
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("virtual_clock", &self.virtual_clock)
            .field("host", &self.host)
            .field("microtask_budget", &self.microtask_budget)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod timer_entry_tests {
    use super::TimerEntry;

    /// settle-timers keeps a timer in one 64-byte line only if its payload, wrapped in an
    /// `Option`, takes at most 32 bytes: the nesting level's niche spares the tag.
    #[test]
    fn a_timer_payload_fits_the_queue_entry() {
        assert_eq!(size_of::<Option<TimerEntry>>(), size_of::<TimerEntry>());
        assert!(size_of::<TimerEntry>() <= 32, "{} bytes", size_of::<TimerEntry>());
    }
}
