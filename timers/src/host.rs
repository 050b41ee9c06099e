//! How each host turns a requested delay into the delay it really waits.

use std::time::Duration;

/// Node's and HTML's largest delay: the maximum of a signed 32-bit millisecond count.
const TIMEOUT_MAX_MS: f64 = 2_147_483_647.0;

/// A host profile for timer delays.
///
/// ECMA-262 leaves timers to the host; the hosts disagree on the details, and code written for
/// one observes the difference:
///
/// | profile | below the minimum | `NaN`, negative | beyond 2^31-1 ms |
/// |---|---|---|---|
/// | [`Host::Plain`] | as given | 0 | as given |
/// | [`Host::Html`] | 4 ms once the timer nesting level is above 5 | 0 | WebIDL `long`: wraps modulo 2^32, then negative -> 0 |
/// | [`Host::Node`] | 1 ms (anything below 1 ms) | 1 ms | 1 ms (Node also warns) |
///
/// ```
/// use std::time::Duration;
/// use settle_timers::Host;
///
/// assert_eq!(Host::Node.delay_from_millis(0.0, 0), Duration::from_millis(1));
/// assert_eq!(Host::Html.delay_from_millis(-5.0, 0), Duration::ZERO);
/// assert_eq!(Host::Html.delay_from_millis(0.0, 6), Duration::from_millis(4));
/// assert_eq!(Host::Plain.delay_from_millis(f64::NAN, 0), Duration::ZERO);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Host {
    /// Delays as given: no minimum, no nesting clamp. The default for Rust users.
    #[default]
    Plain,
    /// The HTML standard's timer initialization steps (browsers).
    Html,
    /// Node.js: every delay is at least 1 ms.
    Node,
}

impl Host {
    /// Applies the host's clamps to a delay requested as a [`Duration`] by code running at timer
    /// nesting level `nesting` (0 outside timer callbacks; a timer set from a callback of a timer
    /// at level n has level n + 1).
    ///
    /// ```
    /// use std::time::Duration;
    /// use settle_timers::Host;
    ///
    /// assert_eq!(Host::Html.clamp(Duration::ZERO, 5), Duration::ZERO);
    /// assert_eq!(Host::Html.clamp(Duration::ZERO, 6), Duration::from_millis(4));
    /// assert_eq!(Host::Node.clamp(Duration::from_micros(10), 0), Duration::from_millis(1));
    /// assert_eq!(Host::Plain.clamp(Duration::ZERO, 100), Duration::ZERO);
    /// ```
    #[inline]
    pub fn clamp(self, delay: Duration, nesting: u32) -> Duration {
        match self {
            Host::Plain => delay,
            // HTML timer initialization steps 10: "If nesting level is greater than 5, and
            // timeout is less than 4, then set timeout to 4."
            Host::Html if nesting > 5 => delay.max(Duration::from_millis(4)),
            Host::Html => delay,
            Host::Node => delay.max(Duration::from_millis(1)),
        }
    }

    /// Converts a JavaScript-style delay in `f64` milliseconds, as `setTimeout(f, ms)` receives
    /// it, into the delay the host really waits (including [`Host::clamp`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use settle_timers::Host;
    ///
    /// // Node: below 1, NaN and beyond 2^31-1 all become 1 ms; fractions are truncated.
    /// assert_eq!(Host::Node.delay_from_millis(2_147_483_648.0, 0), Duration::from_millis(1));
    /// assert_eq!(Host::Node.delay_from_millis(2.9, 0), Duration::from_millis(2));
    /// // HTML: the WebIDL `long` conversion wraps 2^32 + 5 to 5.
    /// assert_eq!(Host::Html.delay_from_millis(4_294_967_301.0, 0), Duration::from_millis(5));
    /// ```
    pub fn delay_from_millis(self, ms: f64, nesting: u32) -> Duration {
        let ms = match self {
            Host::Plain if ms.is_nan() || ms <= 0.0 => 0.0,
            Host::Plain => ms,
            Host::Html => f64::from(to_int32(ms).max(0)),
            // lib/timers: `if (!(after >= 1 && after <= TIMEOUT_MAX)) after = 1;`, and libuv
            // keeps whole milliseconds.
            Host::Node if (1.0..=TIMEOUT_MAX_MS).contains(&ms) => ms.trunc(),
            Host::Node => 1.0,
        };
        let delay = if ms.is_finite() {
            Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX)
        } else {
            Duration::MAX
        };
        self.clamp(delay, nesting)
    }
}

/// ECMA-262 7.1.6 ToInt32, which WebIDL's `long` conversion uses.
fn to_int32(number: f64) -> i32 {
    if !number.is_finite() {
        return 0;
    }
    let int = number.trunc();
    let modulo = int.rem_euclid(4_294_967_296.0);
    // `modulo` is in [0, 2^32), so it fits u32 exactly; reinterpreting as i32 is the spec's
    // "if int32bit >= 2^31, return int32bit - 2^32".
    (modulo as u32) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_int32_matches_the_spec() {
        assert_eq!(to_int32(f64::NAN), 0);
        assert_eq!(to_int32(f64::INFINITY), 0);
        assert_eq!(to_int32(-1.5), -1);
        assert_eq!(to_int32(2_147_483_648.0), -2_147_483_648);
        assert_eq!(to_int32(4_294_967_297.0), 1);
    }

    #[test]
    fn html_treats_overflowing_delays_as_zero() {
        assert_eq!(Host::Html.delay_from_millis(2_147_483_648.0, 0), Duration::ZERO);
        assert_eq!(Host::Html.delay_from_millis(f64::INFINITY, 0), Duration::ZERO);
        assert_eq!(Host::Html.delay_from_millis(2.7, 0), Duration::from_millis(2));
    }

    #[test]
    fn plain_keeps_fractions_and_large_values() {
        assert_eq!(Host::Plain.delay_from_millis(1.5, 0), Duration::from_micros(1500));
        assert_eq!(Host::Plain.delay_from_millis(3_000_000_000.0, 0), Duration::from_secs(3_000_000));
        assert_eq!(Host::Plain.delay_from_millis(-3.0, 0), Duration::ZERO);
        assert_eq!(Host::Plain.delay_from_millis(f64::INFINITY, 0), Duration::MAX);
    }

    #[test]
    fn node_minimum_is_one_millisecond() {
        assert_eq!(Host::Node.delay_from_millis(0.5, 0), Duration::from_millis(1));
        assert_eq!(Host::Node.delay_from_millis(-1.0, 0), Duration::from_millis(1));
        assert_eq!(Host::Node.delay_from_millis(f64::NAN, 0), Duration::from_millis(1));
        assert_eq!(Host::Node.delay_from_millis(10.0, 9), Duration::from_millis(10));
    }
}
