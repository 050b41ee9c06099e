//! [`SettleJobExecutor`]: Boa's job queues are settle's event loop.
//!
//! Each kind of Boa [`Job`] goes where the host's processing model puts it:
//!
//! | Boa job | settle | why |
//! |---|---|---|
//! | `PromiseJob` (HostEnqueuePromiseJob, ECMA-262 2025 9.5.5) | microtask | the Job queue |
//! | `TimeoutJob` (HostEnqueueTimeoutJob, 9.5.6) | timer, host delay rules | a timer task |
//! | `IntervalJob` | repeating timer | as `setInterval` |
//! | `GenericJob` (HostEnqueueGenericJob, 9.5.4) | macrotask | "unconstrained" ordering: a task |
//! | `AsyncJob` | polled by a macrotask at each wake-up ([`crate::drive`]) | no `block_on` |
//! | `FinalizationRegistryCleanupJob` | as `AsyncJob`, not keeping the loop alive | HTML's cleanup task |
//!
//! A job's closure borrows the `Context` the loop is run with (settle's host context: the loop
//! is run with `&mut Context` lent, and callbacks queued with the `_with` methods receive it), so
//! there is no thread-local and no raw pointer.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use boa_engine::job::{CancellationToken, Job, JobExecutor, NativeAsyncJob};
use boa_engine::{Context, JsResult};
use settle_runtime::{Handle, TimerId};

use crate::report;

/// Boa's [`JobExecutor`] on a settle event loop.
///
/// Build the `Context` with it (see [`crate::context_builder`]) and run the loop with the context
/// lent ([`SettleJobExecutor::run`], which is also [`JobExecutor::run_jobs`]).
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{Context, Source};
/// use settle_boa::SettleJobExecutor;
/// use settle_runtime::EventLoop;
///
/// let el = EventLoop::builder().virtual_clock().build();
/// let executor = Rc::new(SettleJobExecutor::new(el.handle()));
/// let mut context = Context::builder().job_executor(executor.clone()).build().unwrap();
/// context
///     .eval(Source::from_bytes("globalThis.log = []; Promise.resolve(1).then(v => log.push(v)); log.push(0);"))
///     .unwrap();
/// executor.run(&mut context).unwrap();
/// let log = context.eval(Source::from_bytes("log.join()")).unwrap();
/// assert_eq!(log.to_string(&mut context).unwrap().to_std_string_escaped(), "0,1");
/// ```
pub struct SettleJobExecutor {
    pub(crate) handle: Handle,
    /// Async jobs queued and not yet started, by id; each has a marker task queued.
    pub(crate) fresh: RefCell<VecDeque<(u64, NativeAsyncJob, AsyncKind)>>,
    /// Async jobs whose turn has come (their marker task ran), in order.
    pub(crate) due: Arc<Mutex<VecDeque<u64>>>,
    next_async: Cell<u64>,
}

/// Whether a pending async job keeps [`SettleJobExecutor::run`] going.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AsyncKind {
    /// A `NativeAsyncJob`: the run waits for it, as Boa's own executor does.
    KeepsAlive,
    /// A `FinalizationRegistry` cleanup job: it may wait forever for the collector; ECMA-262
    /// 9.13 lets the host omit the callbacks, and Boa asks executors not to wait for it.
    Weak,
}

impl SettleJobExecutor {
    /// An executor that queues Boa's jobs on the loop of `handle`.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let _executor = settle_boa::SettleJobExecutor::new(el.handle());
    /// ```
    pub fn new(handle: Handle) -> SettleJobExecutor {
        SettleJobExecutor {
            handle,
            fresh: RefCell::new(VecDeque::new()),
            due: Arc::new(Mutex::new(VecDeque::new())),
            next_async: Cell::new(1),
        }
    }

    /// The loop this executor queues on.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let executor = settle_boa::SettleJobExecutor::new(el.handle());
    /// assert!(executor.handle().same_loop(&el.handle()));
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    fn enqueue_async(&self, job: NativeAsyncJob, kind: AsyncKind) {
        let id = self.next_async.get();
        self.next_async.set(id + 1);
        self.fresh.borrow_mut().push_back((id, job, kind));
        // The job starts at the position of this task in the task queue: it is polled right
        // after the marker runs (see crate::drive).
        let due = self.due.clone();
        self.handle.queue_task_labelled("async job", move || lock(&due).push_back(id));
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned queue of ids is still a valid queue of ids.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl JobExecutor for SettleJobExecutor {
    fn enqueue_job(self: Rc<Self>, job: Job, _context: &mut Context) {
        let handle = &self.handle;
        match job {
            // HostEnqueuePromiseJob (9.5.5): "jobs must run in the same order as the
            // HostEnqueuePromiseJob invocations that scheduled them": the FIFO microtask queue.
            Job::PromiseJob(job) => handle.queue_microtask_with(move |cx: &mut Context| {
                let result = job.call(cx);
                report::job_result(cx, result);
            }),
            // HostEnqueueGenericJob (9.5.4): a task, after the current one's checkpoint.
            Job::GenericJob(job) => {
                handle.queue_task_labelled_with("generic job", move |cx: &mut Context| {
                    let result = job.call(cx);
                    report::job_result(cx, result);
                });
            }
            // HostEnqueueTimeoutJob (9.5.6): a timer with the host's delay rules (Node's 1 ms
            // minimum, HTML's nesting clamp). Boa's cancellation token clears the timer.
            Job::TimeoutJob(job) => {
                if job.cancelled() {
                    return;
                }
                let token = job.cancellation_token().clone();
                let ms = job.timeout().as_millis() as f64;
                let id = handle.set_timeout_ms_with(ms, move |cx: &mut Context| {
                    if !job.cancelled() {
                        let result = job.call(cx);
                        report::job_result(cx, result);
                    }
                });
                clear_on_cancel(&token, handle, id);
            }
            Job::IntervalJob(job) => {
                if job.cancelled() {
                    return;
                }
                let token = job.cancellation_token().clone();
                let ms = job.interval().as_millis() as f64;
                let id = handle.set_interval_ms_with(ms, move |cx: &mut Context| {
                    if !job.cancelled() {
                        let result = job.call(cx);
                        report::job_result(cx, result);
                    }
                });
                clear_on_cancel(&token, handle, id);
            }
            Job::AsyncJob(job) => self.enqueue_async(job, AsyncKind::KeepsAlive),
            Job::FinalizationRegistryCleanupJob(job) => self.enqueue_async(job, AsyncKind::Weak),
            // `Job` is non-exhaustive: a kind added by a later Boa is run as a generic job would
            // be, if it ever reaches here; today there is none.
            other => {
                let message = format!("settle-boa: a job of an unknown kind was dropped: {other:?}");
                report::internal(&self.handle, message);
            }
        }
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        self.run(context).map_err(|e| {
            boa_engine::JsNativeError::error()
                .with_message(format!("the settle event loop stopped: {e}"))
                .into()
        })
    }
}

/// Boa's cancellation of a timeout or interval job (clearTimeout / clearInterval) clears the
/// settle timer that carries it.
fn clear_on_cancel(token: &CancellationToken, handle: &Handle, id: TimerId) {
    let handle = handle.clone();
    token.push_callback(move |_| {
        handle.clear_timer(id);
    });
}

impl fmt::Debug for SettleJobExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SettleJobExecutor")
            .field("handle", &self.handle)
            .field("fresh_async_jobs", &self.fresh.borrow().len())
            .finish_non_exhaustive()
    }
}
