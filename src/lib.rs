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

/// [`block_on`](settle_promise::block_on) at the crate root: a Rust `main` waiting for a future.
pub use settle_promise::block_on;

/// The names most programs use: the loop, promises and their error, tasks, workers, timers.
///
/// ```
/// use std::time::Duration;
/// use settle::prelude::*;
///
/// let el = EventLoop::builder().virtual_clock().build();
/// el.queue_task(|| {
///     queue_microtask(|| println!("a job"));
///     spawn_local(async {
///         let n = spawn_blocking(|| Ok(21)).await?;
///         sleep(Duration::from_secs(1)).await?;
///         Promise::resolve(n * 2).then(|v| { assert_eq!(v, 42); Ok(()) });
///         Ok(())
///     });
/// });
/// el.run().unwrap();
/// assert_eq!(el.now(), Duration::from_secs(1));
/// ```
pub mod prelude {
    pub use settle_promise::{
        BlockOn, Error, Promise, PromiseStatics, Reason, Resolvers, block_on, sleep, spawn_blocking,
        spawn_local, timeout,
    };
    pub use settle_runtime::{EventLoop, Handle, Remote, RunError, queue_microtask};
    pub use settle_timers::{Host, TimerId};
}

/// docs/embedding.md, whose examples run as this crate's doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/embedding.md")]
pub struct EmbeddingGuide;
