//! settle: JavaScript's asynchronous semantics in Rust.
//!
//! A single-threaded event loop with a macrotask queue and a microtask Job queue
//! ([`runtime`]), timers on a real or virtual clock ([`timers`]), and a Promise that follows
//! ECMA-262 step by step, with Rust futures on the loop ([`promise`]: settle-promise's
//! ECMA-262 core and settle-futures' tasks, timers as futures, AbortController and workers,
//! under one path). This crate re-exports the member crates; most programs only need the
//! [`prelude`].
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

pub use settle_futures as futures;
pub use settle_runtime as runtime;
pub use settle_timers as timers;

/// The Promise and everything around it, at the path it had before settle-promise was split:
/// the ECMA-262 core ([`settle_promise`]) and the Rust-futures interop ([`settle_futures`]:
/// `spawn_local`, `block_on`, `sleep`, `timeout`, `AbortController`, the worker pool,
/// `patterns`). Each item is also at its own crate's path (`settle::futures::sleep`).
///
/// ```
/// use settle::promise::{Promise, spawn_local};
/// let v = settle::block_on(async { spawn_local(async { Promise::resolve(1).await }).await });
/// assert_eq!(v.unwrap(), 1);
/// ```
pub mod promise {
    pub use settle_futures::*;
    pub use settle_promise::*;
}

/// [`block_on`](settle_futures::block_on) at the crate root: a Rust `main` waiting for a future.
pub use settle_futures::block_on;

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
    pub use settle_futures::{
        BlockOn, PromiseFutures, block_on, sleep, spawn_blocking, spawn_local, timeout,
    };
    pub use settle_promise::{Error, Promise, PromiseStatics, Reason, Resolvers};
    pub use settle_runtime::{EventLoop, Handle, Remote, RunError, queue_microtask};
    pub use settle_timers::{Host, TimerId};
}

/// docs/embedding.md, whose examples run as this crate's doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/embedding.md")]
pub struct EmbeddingGuide;
