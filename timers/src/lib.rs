//! Timer queue, clocks and host delay profiles for the settle event loop.
//!
//! This crate holds data structures only; it never runs a callback. The event loop in
//! `settle-runtime` owns a [`TimerQueue`] and a [`Clock`], asks the queue for due timers at the
//! start of each turn and turns each due timer into a macrotask of its own.
//!
//! - [`TimerQueue`]: timers ordered by deadline, then by creation sequence (FIFO for equal
//!   deadlines), with ids that are never reused for a different live timer.
//! - [`Clock`]: a real monotonic clock, or a virtual one that tests advance by hand or that the
//!   loop jumps straight to the next deadline when idle.
//! - [`Host`]: how a host clamps delays (HTML's 4 ms nesting clamp, Node's 1 ms minimum), and
//!   [`Host::delay_from_millis`] for JavaScript-style `f64` millisecond delays.
//!
//! ```
//! use std::time::Duration;
//! use settle_timers::{Clock, TimerQueue};
//!
//! let clock = Clock::virtual_at_zero();
//! let mut timers = TimerQueue::new();
//! let late = timers.insert(Duration::from_millis(20), None, "late");
//! let early = timers.insert(Duration::from_millis(10), None, "early");
//! clock.advance_to(Duration::from_millis(25));
//! assert_eq!(timers.pop_due(clock.now()).map(|t| t.id), Some(early));
//! assert_eq!(timers.pop_due(clock.now()).map(|t| t.id), Some(late));
//! ```

mod clock;
mod host;
mod queue;
mod slots;
mod wheel;

pub use clock::Clock;
pub use host::Host;
pub use queue::{DueTimer, Fired, TimerId, TimerQueue};
