//! The settle event loop: a macrotask queue, a microtask Job queue, timers, and a `Remote` for
//! other threads.
//!
//! This is the host that ECMA-262 leaves unspecified. It follows HTML's processing model: one
//! macrotask per turn, then a microtask checkpoint that drains the Job queue (including jobs
//! queued by jobs) and then runs after-checkpoint hooks; Node's `nextTick` queue is drained in
//! front of the Job queue. Everything runs on one thread; other threads reach the loop through a
//! [`Remote`].
//!
//! - [`EventLoop`] owns a loop; [`Handle`] reaches it from inside tasks and jobs (also as
//!   [`Handle::current`]).
//! - Panics in tasks and jobs are caught and reported ([`Uncaught`]); the loop goes on.
//! - An engine lends its state to a run ([`Handle::run_with`]); callbacks queued with the
//!   `_with` methods borrow it as `&mut H`.
//! - Unhandled rejections of any engine's promises are tracked here ([`TrackedPromise`],
//!   [`TrackerPolicy`]), with HTML's timing and Node's batch rule.
//! - The loop can be driven as a future ([`Handle::poll_run`], [`Handle::run_async`]) inside
//!   another executor.
//!
//! Examples in this crate's docs use `settle_runtime::` paths: the `settle` facade is not a
//! dependency of this crate. Through the facade the same items are `settle::runtime::...`.
//! - Time comes from a real or a virtual [`Clock`](settle_timers::Clock); see `settle-timers`.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use std::time::Duration;
//! use settle_runtime::{EventLoop, Handle};
//!
//! let el = EventLoop::builder().virtual_clock().build();
//! let out = Rc::new(RefCell::new(Vec::new()));
//! let log = { let out = out.clone(); move |s: &'static str| out.borrow_mut().push(s) };
//! el.queue_task(move || {
//!     let h = Handle::current();
//!     let l = log.clone();
//!     h.set_timeout(Duration::from_millis(1), move || l("timer"));
//!     let l = log.clone();
//!     h.queue_microtask(move || l("job"));
//!     log("task");
//! });
//! el.run().unwrap();
//! assert_eq!(*out.borrow(), ["task", "job", "timer"]);
//! ```

mod alarm;
mod context;
mod drive;
mod error;
mod event_loop;
mod handle;
mod job;
/// The per-thread pool of small blocks, shared with settle-promise's promise blocks. Not a
/// stable interface: an implementation detail between settle's crates.
#[doc(hidden)]
pub mod job_pool;
mod observe;
#[cfg(feature = "tracing")]
mod observe_tracing;
mod owner;
mod rejection;
mod remote;
mod task;
mod uncaught;

pub use context::EnterGuard;
pub use drive::RunAsync;
pub use error::{NoLoop, PostError, RunError};
pub use event_loop::{Builder, EventLoop, Turn};
pub use handle::{Handle, queue_microtask};
pub use observe::{LoopEvent, LoopEventKind};
pub use owner::{LoopId, MicrotaskBatch, OwnerGone, queue_microtask_on, queue_microtask_on_with};
pub use rejection::{RejectionEventKind, TrackedPromise, TrackerCallback, TrackerEvent, TrackerPolicy};
pub use remote::Remote;
pub use settle_timers::{Host, TimerId};
pub use task::TaskId;
pub use uncaught::{Origin, Uncaught, UncaughtKind};
