//! Rust futures on the settle event loop: the interop that ECMA-262 does not describe.
//!
//! settle-promise (the ECMA-262 core) already makes a promise awaitable (`promise.await` is
//! Await, tick for tick) and runs a future as a task (`Promise::from_future`, AsyncBlockStart).
//! This crate adds what a Rust program around it needs (the name follows
//! `wasm-bindgen-futures`, the crate that does the same for a browser's promises):
//!
//! - [`spawn_local`], [`spawn_local_with_signal`] and [`block_on`]: start a task, or wait for
//!   one from a Rust `main`;
//! - [`sleep`] and [`timeout`]: a settle timer as a future;
//! - [`AbortController`] / [`AbortSignal`] (the DOM's), which abort tasks and sleeps;
//! - [`spawn_blocking`] on an elastic [`WorkerPool`], and [`SendResolvers`] for settling a
//!   promise from another thread;
//! - [`patterns`]: the book's promise patterns (first, last, none, map, promisify, timeout, ..).
//!
//! Users reach all of it through the facade (`settle::prelude`, `settle::promise`), as the
//! examples do.
//!
//! ```
//! use std::time::Duration;
//! use settle::prelude::*;
//!
//! let v = block_on(async {
//!     let n = spawn_blocking(|| Ok(21)).await?;
//!     sleep(Duration::from_millis(1)).await?;
//!     Ok::<_, Error>(n * 2)
//! });
//! assert_eq!(v.unwrap(), 42);
//! ```

mod abort;
mod block_on;
mod constructors;
pub mod patterns;
mod spawn;
mod time;
mod worker;

pub use abort::{AbortController, AbortRegistration, AbortSignal};
pub use block_on::{BlockOn, block_on};
pub use constructors::PromiseFutures;
pub use spawn::{spawn_local, spawn_local_with_signal};
pub use time::{Sleep, Timeout, sleep, sleep_with_signal, timeout, timeout_with_signal};
pub use worker::{
    LoopGone, SendResolvers, WorkerPool, WorkerPoolBuilder, WorkerPoolConfig, set_worker_pool_size,
    spawn_blocking,
};
