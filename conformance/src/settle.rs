//! Running programs on settle (in-process, through `settle_js::run`), and the timing probe that
//! tells which programs Node's real clock could order differently from a virtual one.

use std::cell::RefCell;
use std::rc::Rc;

use settle_js::{HostKind, Options};

use crate::Outcome;

/// Runs a program on settle-js with Node's host rules on the virtual clock: timers fire in
/// deadline order without waiting, which is the order Node's real clock gives when deadlines
/// are far enough apart (see [`timing_sensitive`]).
pub fn run_settle(source: &str) -> Outcome {
    let (stdout, _stderr, code) = run_captured(source);
    Outcome { stdout, code }
}

fn run_captured(source: &str) -> (String, String, i32) {
    let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    let err = Rc::new(RefCell::new(Vec::<u8>::new()));
    let options = Options { host: HostKind::Node, virtual_clock: true, ..Options::default() };
    let code = settle_js::run("program.js", source, &options, out.clone(), err.clone());
    let stdout = String::from_utf8_lossy(&out.borrow()).into_owned();
    let stderr = String::from_utf8_lossy(&err.borrow()).into_owned();
    (stdout, stderr, code)
}

/// Deadlines of two timers with different delays closer than this (in ms) make a program
/// timing-sensitive. Timers with the same delay are in the same Node timer list, which fires
/// in creation order whatever the clock does, so they may tie.
pub const MARGIN_MS: u64 = 15;

/// Runs before the program in the probe: wraps the timer functions so that each timer reports
/// its ideal deadline (the deadline of the macrotask that created it, plus its delay as Node
/// clamps it) and its clamped delay. A timer that is cleared still reports the deadline it
/// would have had, since the clear must not come close to it either.
const PROBE: &str = r#"var __now = 0, __cleared = [];
var __setTimeout = setTimeout, __setInterval = setInterval, __clearTimeout = clearTimeout;
function __ms(d) { return d >= 1 ? d : 1; }
setTimeout = function (f, d) {
  const ms = __ms(d), at = __now + ms;
  console.error("@timer " + at + " " + ms);
  return __setTimeout(function () { __now = at; f(); }, d);
};
setInterval = function (f, d) {
  const ms = __ms(d);
  let at = __now + ms;
  console.error("@timer " + at + " " + ms);
  const id = __setInterval(function () {
    __now = at;
    at = __now + ms;
    f();
    if (__cleared.indexOf(id) < 0) console.error("@timer " + at + " " + ms);
  }, d);
  return id;
};
clearTimeout = clearInterval = function (id) { __cleared.push(id); __clearTimeout(id); };
"#;

/// Whether Node's real clock could run this program's timers in a different order than the
/// virtual clock: two timer firings (or a firing and a clear) with different delays whose
/// ideal deadlines are less than [`MARGIN_MS`] apart. Such programs are discarded, not
/// compared. Measured by running the program once on settle under [`PROBE`]'s wrappers.
pub fn timing_sensitive(source: &str) -> bool {
    let (_, stderr, _) = run_captured(&format!("{PROBE}{source}"));
    let timers: Vec<(u64, u64)> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("@timer "))
        .filter_map(|l| {
            let (at, ms) = l.split_once(' ')?;
            Some((at.parse().ok()?, ms.parse().ok()?))
        })
        .collect();
    timers.iter().enumerate().any(|(i, &(at_a, ms_a))| {
        timers[i + 1..].iter().any(|&(at_b, ms_b)| ms_a != ms_b && at_a.abs_diff(at_b) < MARGIN_MS)
    })
}
