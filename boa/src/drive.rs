//! Running the loop with Boa's context lent, and driving Boa's async jobs on it.
//!
//! A `NativeAsyncJob`'s future borrows `&RefCell<&mut Context>` for its whole life, so it cannot
//! be stored in a `'static` settle task. [`SettleJobExecutor::run`] therefore owns the
//! `RefCell` for the run and keeps the started futures beside it, on its own stack frame. The
//! loop runs with the context borrowed out of the cell ([`Handle::run_until_with`]) until an
//! async job's turn comes, which is when its marker task runs: the job's first poll is queued as
//! a task when the job is enqueued, and each wake-up posts another marker through a
//! [`Remote`] (a waker may be called from any thread). Then the run lends the cell to the
//! future for one poll, performs a microtask checkpoint (so the promise jobs the poll queued run
//! next, as after any task), and goes back to the loop. A poll is thus a macrotask at the
//! position of its marker; nothing blocks inside a task.
//!
//! When the loop has nothing left but async jobs wait (for a worker, another thread), the run
//! parks the thread until a waker fires; `FinalizationRegistry` cleanup jobs do not keep it
//! waiting.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Wake, Waker};

use boa_engine::{Context, JsResult, JsValue};
use settle_runtime::{Remote, RunError};

use crate::executor::{AsyncKind, SettleJobExecutor, lock};
use crate::report;

type JobFuture<'a> = Pin<Box<dyn Future<Output = JsResult<JsValue>> + 'a>>;

/// Wakes one async job: queues its next poll as a task of the loop, from any thread.
struct JobWaker {
    id: u64,
    due: Arc<Mutex<std::collections::VecDeque<u64>>>,
    remote: Mutex<Remote>,
    /// The thread of the run, parked when only async jobs are left.
    thread: std::thread::Thread,
}

impl Wake for JobWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let (id, due) = (self.id, self.due.clone());
        // Err: the loop is gone, and the run with it; nothing is waiting for this poll.
        let _ = lock(&self.remote).post(move || lock(&due).push_back(id));
        self.thread.unpark();
    }
}

impl SettleJobExecutor {
    /// Runs the loop with `context` lent to every job, timer and task Boa or the host queued,
    /// until nothing is left: no tasks, jobs or timers, and no async job still pending (Boa's
    /// `FinalizationRegistry` cleanup jobs excepted). This is [`JobExecutor::run_jobs`].
    ///
    /// [`JobExecutor::run_jobs`]: boa_engine::job::JobExecutor::run_jobs
    ///
    /// # Errors
    ///
    /// The loop's [`RunError`]: a halt (Node's death on an uncaught exception), a failure, or
    /// [`RunError::Reentrant`] when called from inside the loop (for instance by a script that
    /// makes Boa run its jobs synchronously).
    ///
    /// ```
    /// use std::rc::Rc;
    /// use boa_engine::{Context, Source};
    /// use settle_boa::SettleJobExecutor;
    ///
    /// let el = settle_runtime::EventLoop::new();
    /// let executor = Rc::new(SettleJobExecutor::new(el.handle()));
    /// let mut context = Context::builder().job_executor(executor.clone()).build().unwrap();
    /// context.eval(Source::from_bytes("Promise.resolve()")).unwrap();
    /// executor.run(&mut context).unwrap();
    /// ```
    pub fn run(&self, context: &mut Context) -> Result<(), RunError> {
        let cell = RefCell::new(context);
        let mut running: HashMap<u64, (JobFuture<'_>, AsyncKind)> = HashMap::new();
        let thread = std::thread::current();
        loop {
            let due = self.due.clone();
            let more = {
                let mut cx = cell.borrow_mut();
                self.handle.run_until_with(&mut **cx, |_| !lock(&due).is_empty())?
            };
            if !more {
                if running.values().any(|(_, kind)| *kind == AsyncKind::KeepsAlive) {
                    // Only async jobs are left: wait for one of their wakers.
                    std::thread::park();
                    continue;
                }
                return Ok(());
            }
            let ids: Vec<u64> = lock(&self.due).drain(..).collect();
            for id in ids {
                let fresh = {
                    let mut fresh = self.fresh.borrow_mut();
                    fresh.iter().position(|(i, ..)| *i == id).and_then(|at| fresh.remove(at))
                };
                if let Some((_, job, kind)) = fresh {
                    running.insert(id, (Box::pin(job.call(&cell)), kind));
                }
                let Some((future, _)) = running.get_mut(&id) else { continue };
                let waker = Waker::from(Arc::new(JobWaker {
                    id,
                    due: self.due.clone(),
                    remote: Mutex::new(self.handle.remote()),
                    thread: thread.clone(),
                }));
                if let Poll::Ready(result) = future.as_mut().poll(&mut std::task::Context::from_waker(&waker))
                {
                    running.remove(&id);
                    report::job_result(&mut cell.borrow_mut(), result);
                }
                // The poll was a task: the jobs it queued run now, as after any task.
                let mut cx = cell.borrow_mut();
                self.handle.perform_microtask_checkpoint_with(&mut **cx)?;
            }
        }
    }
}
