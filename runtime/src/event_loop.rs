//! The event loop: its state, and one turn of it.
//!
//! A turn (HTML's "event loop processing model", which Node follows for promises):
//!
//! 0. A loop halted ([`Handle::halt`]) runs nothing more: the run returns the reason. The
//!    next run first finishes the checkpoint the halt interrupted, before any macrotask.
//! 1. Move what became ready into the macrotask queue: posts from other threads, then every
//!    timer whose deadline is `<= now`, each as a task of its own, in (deadline, creation) order.
//! 2. Take one macrotask (skipping cancelled ones) and run it.
//! 3. Perform a microtask checkpoint: drain Node's `nextTick` queue, then the Job queue (jobs
//!    queued by jobs run in the same checkpoint), again until both are empty; then notify about
//!    rejected promises and run the after-checkpoint hooks, and drain again if they queued more
//!    or asked for another checkpoint (a rejection made while reporting). The microtask budget
//!    counts every callback of all of these; a halt stops the checkpoint after the callback
//!    that asked for it.
//! 4. If nothing was runnable: return when nothing can ever become runnable, otherwise sleep until
//!    the next timer deadline or a remote post (the virtual clock jumps to the deadline instead).
//!    Driven as a future ([`Handle::poll_run`]), the loop returns `Pending` instead of sleeping.
//!
//! Every callback runs with the host lent to this run ([`Handle::run_with`]) as `&mut dyn Any`.
//!
//! [`Inner::turn`] is that list, in code.

use std::any::{Any, TypeId, type_name};
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

use crate::alarm::Alarm;
use crate::context::EnterGuard;
use crate::error::RunError;
use crate::handle::Handle;
use crate::job::{QueuedJob, SendJob};
use crate::observe::{LoopEvent, LoopEventKind, Observer};
use crate::owner::{LoopId, Registration};
use crate::rejection::{RejectionTracker, TrackerPolicy};
use crate::remote::Shared;
use crate::task::{Task, TaskQueue};
use crate::uncaught::{Origin, OriginCell, OriginKind, Uncaught, UncaughtKind};

/// An interval's callback: called with the lent host each time it fires.
pub(crate) type RepeatFn = dyn FnMut(&mut dyn Any);

/// An after-checkpoint hook.
pub(crate) type HookFn = dyn Fn(&mut dyn Any);

/// A timer's callback as the timer queue stores it.
pub(crate) enum TimerCallback {
    Once(QueuedJob),
    Repeat(Box<RepeatFn>),
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

/// Everything one loop owns. Only ever borrowed for the few instructions that push or pop;
/// no borrow is held while a task, job, hook or timer callback runs.
pub(crate) struct Inner {
    pub(crate) jobs: RefCell<VecDeque<QueuedJob>>,
    pub(crate) ticks: RefCell<VecDeque<QueuedJob>>,
    pub(crate) tasks: RefCell<TaskQueue>,
    /// The buffer remote posts are taken into, kept between turns.
    posted: Cell<Vec<SendJob>>,
    /// The keep-alive count (`Shared::refs`) that the last `has_pending_work` based its "not
    /// done" on. Parking (`wait_for_work`, `arrange_wake_up`) compares the count under the inbox
    /// lock with *this* value, never with a fresh read: a keep-alive ending between the decision
    /// and the park is then seen as a change, and the loop turns again instead of waiting for
    /// a wake-up that was already sent to a loop not yet asleep.
    pub(crate) refs_seen: Cell<usize>,
    pub(crate) timers: RefCell<TimerQueue<TimerEntry>>,
    pub(crate) clock: Clock,
    pub(crate) host: Host,
    pub(crate) shared: Arc<Shared>,
    checkpoint_hooks: RefCell<Vec<Rc<HookFn>>>,
    pub(crate) rejections: RejectionTracker,
    uncaught_hook: RefCell<Option<UncaughtHook>>,
    budget: Option<usize>,
    /// How many callbacks a checkpoint may run: the budget, or 0 once halted (so the one
    /// comparison the drain makes per callback covers both).
    limit: Cell<usize>,
    halted: Cell<bool>,
    /// A halt stopped a checkpoint (or came before the checkpoint of its task): the next turn
    /// finishes it before any macrotask, so that a resumed loop keeps "microtasks before the
    /// next task".
    interrupted: Cell<bool>,
    pub(crate) running: Cell<bool>,
    in_checkpoint: Cell<bool>,
    /// The type name of the host lent to the current run, for mismatch reports.
    host_type: Cell<&'static str>,
    /// A checkpoint is owed even though no job is queued (see `Handle::request_checkpoint`).
    pub(crate) checkpoint_requested: Cell<bool>,
    failure: RefCell<Option<RunError>>,
    pub(crate) timer_nesting: Cell<u32>,
    pub(crate) origin: OriginCell,
    /// The label of the task running now, or whose checkpoint is running.
    task_label: Cell<Option<&'static str>>,
    tasks_run: Cell<u64>,
    /// Per-loop state of the crates built on the loop (the promise crate's task registry).
    pub(crate) extensions: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
    /// This loop's identity on its thread (`owner.rs`).
    pub(crate) id: Registration,
    /// Wakes a loop driven as a future at its next timer deadline; started on first need.
    pub(crate) alarm: RefCell<Option<Alarm>>,
    /// Receives the loop's events (`Builder::on_event`); set once, so calling it borrows nothing.
    observer: Option<Observer>,
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
pub(crate) enum Wait {
    /// Do not wait (an embedder's own outer loop, or an async executor, drives us).
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
            tasks: RefCell::new(TaskQueue::new()),
            posted: Cell::new(Vec::new()),
            refs_seen: Cell::new(0),
            timers: RefCell::new(TimerQueue::new()),
            clock: if builder.virtual_clock { Clock::virtual_at_zero() } else { Clock::real() },
            host: builder.host,
            shared: Arc::new(Shared::new()),
            checkpoint_hooks: RefCell::new(Vec::new()),
            rejections: RejectionTracker::new(builder.rejection_policy),
            uncaught_hook: RefCell::new(builder.on_uncaught),
            budget: builder.microtask_budget,
            limit: Cell::new(builder.microtask_budget.unwrap_or(usize::MAX)),
            halted: Cell::new(false),
            interrupted: Cell::new(false),
            running: Cell::new(false),
            in_checkpoint: Cell::new(false),
            host_type: Cell::new(type_name::<()>()),
            checkpoint_requested: Cell::new(false),
            failure: RefCell::new(None),
            timer_nesting: Cell::new(0),
            origin: OriginCell::new(),
            task_label: Cell::new(None),
            tasks_run: Cell::new(0),
            extensions: RefCell::new(std::mem::take(&mut builder.extensions)),
            alarm: RefCell::new(None),
            observer: builder.observer.take(),
        }
    }

    /// Reports `kind` to the observer (and `tracing`); the clock is read only if someone listens.
    #[inline]
    pub(crate) fn observe(&self, kind: LoopEventKind) {
        #[cfg(feature = "tracing")]
        crate::observe_tracing::emit(&kind);
        if let Some(observer) = &self.observer {
            let event = LoopEvent { at: self.clock.now(), kind };
            // A panicking observer is reported like a panicking task, and the loop goes on.
            self.run_guarded(|| observer(&event));
        }
    }

    /// Reports a callback that joined `queue`, queued by the code running now.
    #[inline]
    pub(crate) fn queued(&self, queue: &'static str) {
        if self.observed() {
            self.observe(LoopEventKind::Queued { queue, by: self.origin.get() });
        }
    }

    /// Whether events are wanted: lets callers skip building an event's fields.
    #[inline]
    pub(crate) fn observed(&self) -> bool {
        cfg!(feature = "tracing") || self.observer.is_some()
    }

    pub(crate) fn add_checkpoint_hook(&self, hook: Rc<HookFn>) {
        self.checkpoint_hooks.borrow_mut().push(hook);
    }

    pub(crate) fn set_uncaught_hook(&self, hook: UncaughtHook) {
        let old = self.uncaught_hook.borrow_mut().replace(hook);
        drop(old);
    }

    /// One turn of the loop; see the module documentation for the steps.
    pub(crate) fn turn(&self, wait: Wait, host: &mut dyn Any) -> Result<Turn, RunError> {
        // Step 0: a halted loop runs nothing more.
        if self.halted.get() {
            return self.take_failure().map(|()| Turn::Ran);
        }

        // A checkpoint a halt interrupted is finished first (the halt's run has returned).
        if self.interrupted.replace(false) {
            self.perform_microtask_checkpoint(host);
            self.task_label.set(None);
            return self.take_failure().map(|()| Turn::Ran);
        }

        // Step 1: what became ready joins the macrotask queue.
        self.collect_ready();

        // Step 2: one macrotask.
        if let Some(task) = self.next_task() {
            self.run_task(task, host);
            // Step 3: the checkpoint that follows every task.
            self.perform_microtask_checkpoint(host);
            self.task_label.set(None);
            return self.take_failure().map(|()| Turn::Ran);
        }
        // Jobs queued from outside any task (under `enter`) still get their checkpoint, and so
        // does after-checkpoint work (a rejection made by a script's top level).
        if !self.jobs.borrow().is_empty()
            || !self.ticks.borrow().is_empty()
            || self.checkpoint_requested.get()
        {
            self.perform_microtask_checkpoint(host);
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
            let mut tasks = self.tasks.borrow_mut();
            for task in posted.drain(..) {
                tasks.push(Task::Remote(task.into_job()));
            }
            drop(tasks);
            self.posted.set(posted); // keeps its buffer for the next batch
        }
        let mut timers = self.timers.borrow_mut();
        if timers.is_empty() {
            return; // before reading the clock: on the real clock that is a system call's worth
        }
        let now = self.clock.now();
        let mut tasks = self.tasks.borrow_mut();
        timers.drain_due(now, |due| {
            tasks.push(Task::Timer(due.id));
        });
    }

    /// Step 2's "take one macrotask": the oldest one not cancelled.
    fn next_task(&self) -> Option<Task> {
        loop {
            match self.tasks.borrow_mut().pop()? {
                Task::Cancelled => continue,
                task => return Some(task),
            }
        }
    }

    /// Step 2: runs one macrotask, catching a panic.
    fn run_task(&self, task: Task, host: &mut dyn Any) {
        let index = self.tasks_run.get() + 1;
        self.tasks_run.set(index);
        match task {
            Task::Local(job) => {
                self.origin.set(OriginKind::Task, index, None);
                self.run_observed_task(|| job.run(host));
            }
            Task::Labelled(labelled) => {
                let (job, label) = *labelled;
                self.task_label.set(Some(label));
                self.origin.set(OriginKind::Task, index, Some(label));
                self.run_observed_task(|| job.run(host));
            }
            Task::Remote(task) => {
                self.origin.set(OriginKind::Remote, index, None);
                self.run_observed_task(|| task.run(host));
            }
            Task::Timer(id) => self.fire_timer(id, index, host),
            Task::Cancelled => {}
        }
        self.origin.set_outside();
    }

    /// Runs the macrotask whose origin is set, between its started and finished events.
    #[inline]
    fn run_observed_task(&self, f: impl FnOnce()) {
        if !self.observed() {
            return self.run_guarded(f);
        }
        let origin = self.origin.get();
        self.observe(LoopEventKind::TaskStarted(origin));
        self.run_guarded(f);
        self.observe(LoopEventKind::TaskFinished(origin));
    }

    /// Runs a job whose origin is set, between its started and finished events.
    #[inline]
    fn run_observed_job(&self, f: impl FnOnce()) {
        if !self.observed() {
            return self.run_guarded(f);
        }
        let origin = self.origin.get();
        self.observe(LoopEventKind::JobStarted(origin));
        self.run_guarded(f);
        self.observe(LoopEventKind::JobFinished(origin));
    }

    /// Runs a due timer's callback, and re-arms an interval that was not cleared meanwhile.
    fn fire_timer(&self, id: TimerId, index: u64, host: &mut dyn Any) {
        let fired = self.timers.borrow_mut().take(id);
        let Some(fired) = fired else {
            return; // cleared after it came due
        };
        self.origin.set(OriginKind::Timer, index, None);
        self.origin.set_minor(id.as_u64());
        let nesting = fired.payload.nesting.get();
        self.timer_nesting.set(nesting);
        match fired.payload.callback {
            TimerCallback::Once(callback) => self.run_observed_task(|| callback.run(host)),
            TimerCallback::Repeat(mut callback) => {
                self.run_observed_task(|| callback(host));
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
    pub(crate) fn perform_microtask_checkpoint(&self, host: &mut dyn Any) {
        // HTML step 1: a checkpoint inside a checkpoint does nothing.
        if self.in_checkpoint.get() {
            return;
        }
        // Nothing queued, nothing to report and no after-checkpoint hook: the steps below would
        // do nothing. (Most tasks of a message-driven loop end here.)
        if self.jobs.borrow().is_empty()
            && self.ticks.borrow().is_empty()
            && self.checkpoint_hooks.borrow().is_empty()
            && !self.rejections.has_work()
        {
            self.checkpoint_requested.set(false);
            return;
        }
        self.in_checkpoint.set(true);
        self.checkpoint_requested.set(false);
        let checkpoint = self.tasks_run.get();
        let label = self.task_label.get();
        self.observe(LoopEventKind::CheckpointStarted { checkpoint, label });
        // Callbacks run in this checkpoint, of every queue, against the budget (`limit`).
        let mut spent = 0usize;
        let (mut jobs_ran, mut ticks_ran) = (0u64, 0u64);
        'drain: loop {
            // Node: the nextTick queue drains first.
            self.origin.set(OriginKind::NextTick, checkpoint, label);
            loop {
                if spent >= self.limit.get() && self.stop_draining(spent, !self.ticks.borrow().is_empty()) {
                    break 'drain;
                }
                let Some(tick) = self.pop(&self.ticks) else { break };
                spent += 1;
                ticks_ran += 1;
                self.origin.set_minor(ticks_ran);
                self.run_observed_job(|| tick.run(host));
            }
            // HTML steps 2-3: run the oldest job until the Job queue is empty.
            self.origin.set(OriginKind::Microtask, checkpoint, label);
            loop {
                if spent >= self.limit.get() && self.stop_draining(spent, !self.jobs.borrow().is_empty()) {
                    break 'drain;
                }
                let Some(job) = self.pop(&self.jobs) else { break };
                spent += 1;
                jobs_ran += 1;
                self.origin.set_minor(jobs_ran);
                self.run_observed_job(|| job.run(host));
            }
            if !self.ticks.borrow().is_empty() {
                continue;
            }
            self.origin.set_outside();
            // HTML step 4: notify about rejected promises; then the embedders' hooks. A
            // rejection made meanwhile asks for a checkpoint and gets another pass, as Node's
            // processTicksAndRejections loops while processPromiseRejections reports work.
            self.checkpoint_requested.set(false);
            self.notify_about_rejected_promises(host);
            self.run_checkpoint_hooks(host);
            let more = !self.jobs.borrow().is_empty()
                || !self.ticks.borrow().is_empty()
                || self.checkpoint_requested.get();
            if !more || self.is_halted() {
                break;
            }
            // Another pass is a callback too: an endless reject-in-a-listener loop is stopped
            // by the budget like an endless job loop.
            if spent >= self.limit.get() && self.stop_draining(spent, true) {
                break;
            }
            spent += 1;
        }
        self.origin.set_outside();
        self.in_checkpoint.set(false);
        self.observe(LoopEventKind::CheckpointFinished { checkpoint, label });
    }

    /// Called when `spent` reached the limit: whether the checkpoint stops here. A halted loop
    /// stops; a budget stops only if more work is waiting (`more`), and reports it.
    #[cold]
    fn stop_draining(&self, spent: usize, more: bool) -> bool {
        if self.halted.get() {
            return true;
        }
        if more {
            self.exceed_budget(spent);
        }
        more
    }

    pub(crate) fn is_halted(&self) -> bool {
        self.halted.get()
    }

    fn pop(&self, queue: &RefCell<VecDeque<QueuedJob>>) -> Option<QueuedJob> {
        queue.borrow_mut().pop_front()
    }

    fn exceed_budget(&self, spent: usize) {
        let uncaught = Uncaught::new(
            UncaughtKind::MicrotaskBudgetExceeded,
            format!(
                "{spent} callbacks (nextTick callbacks, jobs and rejection-report passes) ran in one checkpoint and more were still queued"
            ),
            self.origin.get(),
        );
        self.report(&uncaught);
        self.fail(RunError::MicrotaskBudgetExceeded { budget: self.budget.unwrap_or(spent) });
    }

    /// Calls each after-checkpoint hook; a hook added by a hook runs in the same pass.
    fn run_checkpoint_hooks(&self, host: &mut dyn Any) {
        let mut i = 0;
        loop {
            if self.halted.get() {
                return;
            }
            let hook = self.checkpoint_hooks.borrow().get(i).cloned();
            let Some(hook) = hook else { break };
            self.run_guarded(|| hook(host));
            i += 1;
        }
    }

    /// Runs user code with no borrow held; a panic becomes an uncaught-error report.
    ///
    /// Inlined into every caller (the job loop above all): out of line, the closure holding a
    /// popped job was stored to the stack in pieces and read back by one wider load, which the
    /// CPU cannot forward from the pending stores; that stall and the call doubled W1's time
    /// per job (docs/benchmarks.md, "W1: why the same work took twice the time").
    #[inline(always)]
    pub(crate) fn run_guarded(&self, f: impl FnOnce()) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
            self.report_panic(payload);
        }
    }

    /// The cold half of [`Inner::run_guarded`]: reports a caught panic.
    #[cold]
    #[inline(never)]
    fn report_panic(&self, payload: Box<dyn Any + Send>) {
        let uncaught = Uncaught::from_panic(payload.as_ref(), self.origin.get());
        // The payload may itself panic when dropped; keep that from unwinding the loop.
        let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
        self.report(&uncaught);
    }

    /// Reports a callback that wanted another host type than the one lent to this run.
    #[cold]
    pub(crate) fn report_mismatch(&self, wanted: &'static str) {
        let lent = self.host_type.get();
        let uncaught = Uncaught::new(
            UncaughtKind::HostMismatch,
            format!(
                "a callback queued for host type `{wanted}` was dropped unrun: this run of the loop was lent a host of type `{lent}` (run it with run_with(&mut host) where host: {wanted})"
            ),
            self.origin.get(),
        );
        self.report(&uncaught);
    }

    /// Sets the host type name for mismatch reports, returning the previous one.
    pub(crate) fn lend_host_type(&self, name: &'static str) -> &'static str {
        self.host_type.replace(name)
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

    /// Stops the run after the current checkpoint; only the first failure is kept.
    pub(crate) fn fail(&self, error: RunError) {
        let mut failure = self.failure.borrow_mut();
        if failure.is_none() {
            *failure = Some(error);
        }
    }

    /// Stops the run now: nothing more of the current checkpoint runs.
    pub(crate) fn halt(&self, error: RunError) {
        // The checkpoint under way (or the one owed to the task under way) is left unfinished.
        self.interrupted.set(true);
        self.fail(error);
        self.halted.set(true);
        self.limit.set(0);
    }

    /// The failure that stops this run, if any, clearing it (and a halt) for the next run.
    pub(crate) fn take_failure(&self) -> Result<(), RunError> {
        let failure = self.failure.borrow_mut().take();
        match failure {
            Some(error) => {
                self.halted.set(false);
                self.limit.set(self.budget.unwrap_or(usize::MAX));
                Err(error)
            }
            None => Ok(()),
        }
    }

    /// The failure that will stop this run, left in place (for a checkpoint performed from
    /// inside a task: the run around it must stop too).
    pub(crate) fn peek_failure(&self) -> Result<(), RunError> {
        match &*self.failure.borrow() {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    pub(crate) fn in_checkpoint(&self) -> bool {
        self.in_checkpoint.get()
    }

    /// Whether anything is queued, scheduled, or kept alive from another thread.
    fn has_pending_work(&self) -> bool {
        // The keep-alive count must be read before the inbox is checked: a keep-alive poster
        // posts its last task and then drops its remote. Checking the inbox first could see it
        // still empty and then see the count already at zero, and the loop would finish with
        // that task unrun. Reading the count first (SeqCst, after the poster's post) makes a
        // zero count imply its posts are visible.
        let refs = self.shared.refs.load(Ordering::SeqCst);
        // Step 4 parks on this very value (see `refs_seen`), not on a later read of the count.
        self.refs_seen.set(refs);
        refs > 0
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
        // The count the "not done" decision was made on, not a fresh read: if the last
        // keep-alive ended after that decision (its `unpark` found the loop awake, so no notify
        // comes), `park` sees the count differ under the lock and returns; the next turn then
        // finds the loop done. A fresh read here would match the new count and wait forever.
        let refs = self.refs_seen.get();
        let (target, is_limit) = match (next, limit) {
            (Some(next), Some(limit)) if limit < next => (Some(limit), true),
            (None, Some(limit)) => (Some(limit), true),
            (next, _) => (next, false),
        };
        if self.clock.is_virtual() {
            // Virtual time jumps, unless a keep-alive remote says outside work is under way.
            if let Some(target) = target.filter(|_| !crate::remote::inhibits_jumps(refs)) {
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

    /// The drop contract (docs/design.md): every task a [`Remote`](crate::Remote) accepted runs;
    /// everything else queued is dropped unrun; no panic escapes.
    ///
    /// 1. Close the inbox under its lock: from then on a post gets its task back in
    ///    `PostError`, and every post that returned `Ok` is in the inbox or the task queue.
    /// 2. Run the accepted remote tasks, in order (those already moved to the task queue
    ///    first), with the loop entered and no host (`&mut ()`); a panic is reported.
    /// 3. Drop what is left one by one (tasks, jobs, ticks, timers, hooks, extensions, the
    ///    rejection tracker's promises), each destructor's panic caught and reported. Work the
    ///    remote tasks queued meanwhile is dropped with the rest.
    fn shut_down(&self) {
        // Step 1.
        let posted = self.shared.close_and_take();
        // Step 2. (`running` makes a task that calls `run` get `Reentrant`, as in any task.)
        let was_running = self.running.replace(true);
        let tasks = self.tasks.borrow_mut().take_all();
        let mut unrun = Vec::new();
        let remote = tasks
            .into_iter()
            .filter_map(|task| match task {
                Task::Remote(job) => Some(job),
                other => {
                    unrun.push(other);
                    None
                }
            })
            .chain(posted.into_iter().map(SendJob::into_job));
        for job in remote {
            let index = self.tasks_run.get() + 1;
            self.tasks_run.set(index);
            self.origin.set(OriginKind::Remote, index, None);
            self.run_guarded(|| job.run(&mut ()));
        }
        self.origin.set_outside();
        self.running.set(was_running);
        // Step 3, until nothing is left (a destructor may queue more).
        for task in unrun {
            self.drop_reporting(task);
        }
        loop {
            let tasks = self.tasks.borrow_mut().take_all();
            let jobs = std::mem::take(&mut *self.jobs.borrow_mut());
            let ticks = std::mem::take(&mut *self.ticks.borrow_mut());
            let mut timers = std::mem::take(&mut *self.timers.borrow_mut());
            let hooks = std::mem::take(&mut *self.checkpoint_hooks.borrow_mut());
            let extensions = std::mem::take(&mut *self.extensions.borrow_mut());
            let late = self.shared.close_and_take();
            if tasks.is_empty()
                && jobs.is_empty()
                && ticks.is_empty()
                && timers.is_empty()
                && hooks.is_empty()
                && extensions.is_empty()
                && late.is_empty()
                && !self.rejections.has_work()
            {
                break;
            }
            tasks.into_iter().for_each(|t| self.drop_reporting(t));
            jobs.into_iter().chain(ticks).for_each(|j| self.drop_reporting(j));
            while let Some(due) = timers.pop_due(Duration::MAX) {
                let entry = timers.take(due.id);
                self.drop_reporting(entry);
            }
            hooks.into_iter().for_each(|h| self.drop_reporting(h));
            extensions.into_iter().for_each(|x| self.drop_reporting(x));
            late.into_iter().for_each(|j| self.drop_reporting(j));
            let tracked = self.rejections.clear();
            self.drop_reporting(tracked);
        }
        let tracked = self.rejections.clear();
        self.drop_reporting(tracked);
    }

    /// Drops `value`, reporting a panic of its destructor instead of unwinding.
    fn drop_reporting<T>(&self, value: T) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) {
            let message = crate::uncaught::panic_message(payload.as_ref());
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            self.report(&Uncaught::new(
                UncaughtKind::Panic,
                format!("a destructor panicked while the loop was dropped: {message}"),
                Origin::Outside,
            ));
        }
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
///
/// Each has a `_with` form that lends the loop a host value for the run: every callback queued
/// with a `_with` method (`queue_task_with`, `set_timeout_with`, ...) borrows it as `&mut H`.
/// The plain forms lend `()`.
impl Handle {
    /// Runs until nothing is left: no tasks, no jobs, no live timers, no keep-alive remotes.
    ///
    /// # Errors
    ///
    /// [`RunError::Reentrant`] when called from a task or job of this loop;
    /// [`RunError::MicrotaskBudgetExceeded`] and [`RunError::Failed`] stop the loop after the
    /// current checkpoint, [`RunError::Halted`] at once, leaving the remaining work queued.
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_timeout(Duration::from_secs(86_400), || println!("a day later, instantly"));
    /// el.run().unwrap();
    /// ```
    pub fn run(&self) -> Result<(), RunError> {
        self.run_with(&mut ())
    }

    /// [`Handle::run`], lending `host` to every callback queued with a `_with` method. A
    /// callback that wants another host type is reported ([`UncaughtKind::HostMismatch`]) and
    /// dropped unrun.
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`].
    ///
    /// ```
    /// use settle_runtime::EventLoop;
    ///
    /// struct Engine { log: Vec<&'static str> }
    /// let el = EventLoop::new();
    /// el.queue_task_with(|engine: &mut Engine| {
    ///     engine.log.push("task");
    ///     settle_runtime::Handle::current().queue_microtask_with(|engine: &mut Engine| engine.log.push("job"));
    /// });
    /// let mut engine = Engine { log: Vec::new() };
    /// el.run_with(&mut engine).unwrap();
    /// assert_eq!(engine.log, ["task", "job"]);
    /// ```
    pub fn run_with<H: 'static>(&self, host: &mut H) -> Result<(), RunError> {
        let _running = self.begin_run::<H>()?;
        loop {
            if self.inner().turn(Wait::Until(None), host)? == Turn::Done {
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
        self.run_once_with(&mut ())
    }

    /// [`Handle::run_once`] with a host (see [`Handle::run_with`]).
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`].
    ///
    /// ```
    /// use settle_runtime::{EventLoop, Turn};
    /// let el = EventLoop::new();
    /// el.queue_task_with(|n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// assert_eq!(el.run_once_with(&mut n).unwrap(), Turn::Ran);
    /// assert_eq!(n, 1);
    /// ```
    pub fn run_once_with<H: 'static>(&self, host: &mut H) -> Result<Turn, RunError> {
        let _running = self.begin_run::<H>()?;
        self.inner().turn(Wait::No, host)
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
        self.run_until_with(&mut (), |_| done())
    }

    /// [`Handle::run_until`] with a host, which `done` may look at between turns.
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_interval_with(Duration::from_secs(1), |n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// assert!(el.run_until_with(&mut n, |n| *n == 3).unwrap());
    /// ```
    pub fn run_until_with<H: 'static>(
        &self,
        host: &mut H,
        mut done: impl FnMut(&mut H) -> bool,
    ) -> Result<bool, RunError> {
        let _running = self.begin_run::<H>()?;
        loop {
            if done(host) {
                return Ok(true);
            }
            if self.inner().turn(Wait::Until(None), host)? == Turn::Done {
                return Ok(done(host));
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
        self.run_for_with(&mut (), duration)
    }

    /// [`Handle::run_for`] with a host (see [`Handle::run_with`]).
    ///
    /// # Errors
    ///
    /// As for [`Handle::run`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
    /// el.set_interval_with(Duration::from_secs(1), |n: &mut u32| *n += 1);
    /// let mut n = 0u32;
    /// el.run_for_with(&mut n, Duration::from_secs(10)).unwrap();
    /// assert_eq!(n, 10);
    /// ```
    pub fn run_for_with<H: 'static>(&self, host: &mut H, duration: Duration) -> Result<(), RunError> {
        let _running = self.begin_run::<H>()?;
        let limit = self.inner().clock.now().saturating_add(duration);
        loop {
            match self.inner().turn(Wait::Until(Some(limit)), host)? {
                Turn::Done => return Ok(()),
                Turn::Ran => {}
                Turn::Idle => {
                    // The limit is reached: run what is due at the limit itself, then stop.
                    while self.inner().turn(Wait::No, host)? == Turn::Ran {}
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
    /// [`RunError::Reentrant`] when called from a job, tick or hook of this loop (a checkpoint
    /// is running), and the errors a checkpoint can stop with (see [`Handle::run`]).
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
        self.perform_microtask_checkpoint_with(&mut ())
    }

    /// [`Handle::perform_microtask_checkpoint`] with a host. This is also how code inside a
    /// task re-enters the loop: a task that holds `&mut H` (it was queued with
    /// [`Handle::queue_task_with`]) may drain the jobs it queued before it goes on (HTML's
    /// "clean up after running script" does this for a callback the engine invoked), by passing
    /// its host down. From inside a checkpoint (a job, tick or hook) it is refused, as HTML's
    /// step 1 does nothing there.
    ///
    /// # Errors
    ///
    /// As for [`Handle::perform_microtask_checkpoint`]. From inside a task, a failure or halt
    /// is returned and also stops the run around it.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, Handle};
    ///
    /// let el = EventLoop::new();
    /// el.queue_task_with(|log: &mut Vec<&'static str>| {
    ///     let h = Handle::current();
    ///     h.queue_microtask_with(|log: &mut Vec<&'static str>| log.push("job"));
    ///     h.perform_microtask_checkpoint_with(log).unwrap();
    ///     log.push("rest of the task");
    /// });
    /// let mut log: Vec<&'static str> = Vec::new();
    /// el.run_with(&mut log).unwrap();
    /// assert_eq!(log, ["job", "rest of the task"]);
    /// ```
    pub fn perform_microtask_checkpoint_with<H: 'static>(&self, host: &mut H) -> Result<(), RunError> {
        let inner = self.inner();
        if inner.running.get() {
            if inner.in_checkpoint() {
                return Err(RunError::Reentrant);
            }
            // Inside a task of this loop: the host is passed down by its holder.
            let previous = inner.lend_host_type(type_name::<H>());
            inner.perform_microtask_checkpoint(host);
            inner.lend_host_type(previous);
            return inner.peek_failure();
        }
        let _running = self.begin_run::<H>()?;
        inner.perform_microtask_checkpoint(host);
        inner.take_failure()
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    pub(crate) fn begin_run<H: 'static>(&self) -> Result<RunGuard<'_>, RunError> {
        if self.inner().running.replace(true) {
            return Err(RunError::Reentrant);
        }
        self.inner().lend_host_type(type_name::<H>());
        Ok(RunGuard { inner: self.inner(), _enter: EnterGuard::new(self.clone()) })
    }
}

/// Clears the running flag even when a run ends by unwinding.
pub(crate) struct RunGuard<'a> {
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
        let _enter = EnterGuard::try_new(self.handle.clone());
        self.handle.inner.shut_down();
        // The alarm thread of a loop driven as a future, if one was started, ends now.
        let alarm = self.handle.inner.alarm.borrow_mut().take();
        drop(alarm);
        // The thread's pooled job blocks (`job_pool.rs`) go back to the allocator with the loop.
        crate::job_pool::release();
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
    rejection_policy: TrackerPolicy,
    observer: Option<Observer>,
}

impl Builder {
    /// An observer of the loop's events ([`LoopEvent`]): each task, timer, job and checkpoint
    /// as it starts and ends, and each callback as it is queued. It is called between user
    /// callbacks with no borrow of the loop held, so it may use the loop's [`Handle`]
    /// ([`Handle::try_current`]: callbacks queued before `run` are reported with no loop
    /// current). A panic in it is reported to the uncaught hook, as a task's is. With none (the default) the loop does not read its clock for events.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// let tasks = Rc::new(Cell::new(0));
    /// let count = tasks.clone();
    /// let el = settle_runtime::EventLoop::builder()
    ///     .on_event(move |e| {
    ///         if let settle_runtime::LoopEventKind::TaskStarted(_) = e.kind {
    ///             count.set(count.get() + 1);
    ///         }
    ///     })
    ///     .build();
    /// el.queue_task(|| {});
    /// el.queue_task(|| {});
    /// el.run().unwrap();
    /// assert_eq!(tasks.get(), 2);
    /// ```
    pub fn on_event(mut self, observer: impl Fn(&LoopEvent) + 'static) -> Builder {
        self.observer = Some(Rc::new(observer));
        self
    }

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

    /// Stops a checkpoint after `jobs` callbacks when more are still queued, reporting
    /// [`UncaughtKind::MicrotaskBudgetExceeded`] and making `run` return
    /// [`RunError::MicrotaskBudgetExceeded`]. Every queue a checkpoint drains counts: `nextTick`
    /// callbacks, jobs, and each extra pass of rejection reporting and hooks (a rejection
    /// listener that rejects a new promise every time is stopped too). Off by default: the
    /// spec sets no limit.
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

    /// What unhandled rejections do on this loop (default [`TrackerPolicy::Warn`]); see
    /// [`Handle::set_rejection_policy`] to change it later. Accepts settle-promise's policy too.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, TrackerPolicy};
    /// let el = EventLoop::builder().rejection_policy(TrackerPolicy::Strict).build();
    /// assert!(matches!(el.rejection_policy(), TrackerPolicy::Strict));
    /// ```
    pub fn rejection_policy(mut self, policy: impl Into<TrackerPolicy>) -> Builder {
        self.rejection_policy = policy.into();
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
            .field("rejection_policy", &self.rejection_policy)
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

#[cfg(test)]
mod park_tests {
    use std::time::{Duration, Instant};

    use super::{EventLoop, Wait};
    use crate::Turn;

    /// The interleaving behind tests/remote.rs's rare hang, forced: the loop runs the poster's
    /// task, decides "not done" because the poster still holds its keep-alive remote, and the
    /// remote is dropped before the loop parks. Its `unpark` finds the loop awake, so nothing
    /// will notify the park: it must see the change by itself. Before the fix the park re-read
    /// the count (now 0), matched it, and waited for good (here: until the 5 s limit).
    #[test]
    fn a_keep_alive_ending_between_the_done_check_and_the_park_is_not_lost() {
        let el = EventLoop::new();
        let inner = el.inner();
        let mut remote = el.remote();
        remote.set_keep_alive(true);
        // The turn's step 4 decision, on the count that includes `remote`.
        assert!(inner.has_pending_work());
        // The last keep-alive ends now, while the loop is awake.
        drop(remote);
        let start = Instant::now();
        inner.wait_for_work(Some(el.now() + Duration::from_secs(5)));
        assert!(start.elapsed() < Duration::from_secs(2), "the park missed the keep-alive's end");
        // And the next turn finds nothing left to wait for.
        assert_eq!(inner.turn(Wait::Until(None), &mut ()).unwrap(), Turn::Done);
    }
}
