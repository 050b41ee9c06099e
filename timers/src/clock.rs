//! The loop's notion of "now": a real monotonic clock or a virtual one.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The time source of one event loop.
///
/// Times are [`Duration`]s since the clock's origin (the moment it was created), so that the real
/// and the virtual clock share one representation and a timer deadline is a plain number.
///
/// The virtual clock never moves by itself. Tests advance it with [`Clock::advance_to`], and the
/// event loop jumps it straight to the next timer deadline when nothing else is runnable (like
/// tokio's paused time), so an hour-long schedule runs in microseconds and always in the same
/// order.
///
/// ```
/// use std::time::Duration;
/// use settle_timers::Clock;
///
/// let clock = Clock::virtual_at_zero();
/// assert_eq!(clock.now(), Duration::ZERO);
/// clock.advance_to(Duration::from_secs(3600));
/// assert_eq!(clock.now(), Duration::from_secs(3600));
/// assert!(clock.is_virtual());
/// ```
#[derive(Debug)]
pub struct Clock {
    origin: Instant,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Real,
    Virtual(Cell<Duration>),
}

impl Clock {
    /// A real monotonic clock whose origin is now.
    ///
    /// ```
    /// let clock = settle_timers::Clock::real();
    /// assert!(!clock.is_virtual());
    /// ```
    pub fn real() -> Clock {
        Clock { origin: Instant::now(), kind: Kind::Real }
    }

    /// A virtual clock standing at zero.
    ///
    /// ```
    /// let clock = settle_timers::Clock::virtual_at_zero();
    /// assert_eq!(clock.now(), std::time::Duration::ZERO);
    /// ```
    pub fn virtual_at_zero() -> Clock {
        Clock { origin: Instant::now(), kind: Kind::Virtual(Cell::new(Duration::ZERO)) }
    }

    /// Whether this is the virtual clock.
    ///
    /// ```
    /// assert!(settle_timers::Clock::virtual_at_zero().is_virtual());
    /// ```
    pub fn is_virtual(&self) -> bool {
        matches!(self.kind, Kind::Virtual(_))
    }

    /// The time elapsed since the clock's origin.
    ///
    /// ```
    /// let clock = settle_timers::Clock::real();
    /// let a = clock.now();
    /// assert!(clock.now() >= a);
    /// ```
    #[inline]
    pub fn now(&self) -> Duration {
        match &self.kind {
            Kind::Real => self.origin.elapsed(),
            Kind::Virtual(now) => now.get(),
        }
    }

    /// Moves a virtual clock forward to `time`; a time in the past leaves it where it is, so the
    /// clock stays monotonic. A real clock ignores the call.
    ///
    /// ```
    /// use std::time::Duration;
    /// let clock = settle_timers::Clock::virtual_at_zero();
    /// clock.advance_to(Duration::from_millis(5));
    /// clock.advance_to(Duration::from_millis(1));
    /// assert_eq!(clock.now(), Duration::from_millis(5));
    /// ```
    pub fn advance_to(&self, time: Duration) {
        if let Kind::Virtual(now) = &self.kind
            && time > now.get()
        {
            now.set(time);
        }
    }

    /// The real [`Instant`] at which a real clock reads `time`, for parking the thread until a
    /// deadline. `None` when the instant is not representable.
    ///
    /// ```
    /// use std::time::Duration;
    /// let clock = settle_timers::Clock::real();
    /// assert!(clock.instant_at(Duration::from_millis(10)).is_some());
    /// ```
    pub fn instant_at(&self, time: Duration) -> Option<Instant> {
        self.origin.checked_add(time)
    }
}
