//! settle: JavaScript's asynchronous semantics in Rust.
//!
//! A single-threaded event loop with a macrotask queue and a microtask Job queue
//! ([`runtime`]), timers on a real or virtual clock ([`timers`]), and a Promise that follows
//! ECMA-262 step by step ([`promise`]). This crate re-exports the member crates; most programs
//! only need the [`prelude`].
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use settle::prelude::*;
//!
//! let el = EventLoop::new();
//! let out = Rc::new(RefCell::new(Vec::new()));
//! let log = out.clone();
//! el.queue_task(move || {
//!     queue_microtask(move || log.borrow_mut().push("job"));
//! });
//! el.run().unwrap();
//! assert_eq!(*out.borrow(), ["job"]);
//! ```

pub use settle_promise as promise;
pub use settle_runtime as runtime;
pub use settle_timers as timers;

/// The names most programs use.
///
/// ```
/// use settle::prelude::*;
/// let el = EventLoop::new();
/// el.queue_task(|| queue_microtask(|| {}));
/// el.run().unwrap();
/// ```
pub mod prelude {
    pub use settle_runtime::{EventLoop, Handle, Remote, RunError, queue_microtask};
    pub use settle_timers::{Host, TimerId};
}
