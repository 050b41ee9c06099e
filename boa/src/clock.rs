//! [`SettleClock`]: Boa's clock is the loop's, so `Date.now()` and `performance.now()` follow
//! `--virtual-time`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use boa_engine::context::Clock;
use boa_engine::context::time::JsInstant;
use settle_runtime::Handle;

/// Boa's [`Clock`] reading a settle loop's clock.
///
/// `now()` (Boa's monotonic clock, behind `performance.now()` and its own timers) is the loop
/// clock's reading. `system_time_millis()` (behind `Date.now()`) is the wall-clock time at which
/// the clock was made plus the loop clock's progress since then: real time on a real clock, and
/// on the virtual clock a date that advances exactly as the virtual timers do.
///
/// ```
/// use std::time::Duration;
/// use boa_engine::context::Clock;
/// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
/// let clock = settle_boa::SettleClock::new(el.handle());
/// let before = clock.system_time_millis();
/// el.set_timeout(Duration::from_secs(60), || {});
/// el.run().unwrap();
/// assert_eq!(clock.system_time_millis() - before, 60_000);
/// assert_eq!(clock.now().millis_since_epoch(), 60_000);
/// ```
pub struct SettleClock {
    handle: Handle,
    /// Wall-clock time at `start` on the loop clock.
    epoch: Duration,
    start: Duration,
}

impl SettleClock {
    /// A clock reading the loop of `handle`.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let _clock = settle_boa::SettleClock::new(el.handle());
    /// ```
    pub fn new(handle: Handle) -> SettleClock {
        let epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let start = handle.now();
        SettleClock { handle, epoch, start }
    }
}

impl Clock for SettleClock {
    fn now(&self) -> JsInstant {
        let now = self.handle.now();
        JsInstant::new(now.as_secs(), now.subsec_nanos())
    }

    fn system_time_millis(&self) -> i64 {
        let elapsed = self.handle.now().saturating_sub(self.start);
        i64::try_from((self.epoch + elapsed).as_millis()).unwrap_or(i64::MAX)
    }
}

impl fmt::Debug for SettleClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SettleClock").field("handle", &self.handle).finish_non_exhaustive()
    }
}
