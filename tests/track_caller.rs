//! A missing loop is the caller's mistake: the panic names the caller's line (issue 11, item 7).

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::time::Duration;

use settle::prelude::*;
use settle::promise::{Sleep, sleep_with_signal, spawn_local_with_signal};

thread_local! {
    static LOCATION: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Where `f` panicked: file and line, from a panic hook that records them per thread.
fn panic_site(f: impl FnOnce()) -> (String, u32) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if let Some(l) = info.location() {
                LOCATION.with_borrow_mut(|s| *s = Some((l.file().to_string(), l.line())));
            }
        }));
    });
    LOCATION.with_borrow_mut(|s| *s = None);
    assert!(catch_unwind(AssertUnwindSafe(f)).is_err(), "no loop: it must panic");
    LOCATION.with_borrow_mut(|s| s.take()).expect("the hook saw the panic")
}

macro_rules! assert_points_here {
    ($e:expr) => {{
        let line = line!();
        let (file, at) = panic_site(|| drop($e));
        assert!(file.ends_with("track_caller.rs"), "{} panicked in {file}:{at}", stringify!($e));
        assert_eq!(at, line, "{}", stringify!($e));
    }};
}

#[test]
fn every_loop_needing_api_panics_at_the_callers_line() {
    let signal = settle::promise::AbortController::new().signal();
    assert_points_here!(spawn_local(async { Ok(()) }));
    assert_points_here!(spawn_local_with_signal(async { Ok(()) }, &signal));
    assert_points_here!(Promise::<i32, String>::from_future(async { Ok::<i32, String>(1) }));
    assert_points_here!(spawn_blocking(|| Ok(1)));
    assert_points_here!(Promise::<i32, String>::from_blocking(|| Ok(1)));
    assert_points_here!(sleep(Duration::from_millis(1)));
    assert_points_here!(sleep_with_signal(Duration::from_millis(1), &signal));
    assert_points_here!(Sleep::<String>::new(Duration::from_millis(1)));
    assert_points_here!(timeout(Promise::resolve(1), Duration::from_millis(1)));
    assert_points_here!(Promise::<i32>::reject(Error::msg("no loop")));
    assert_points_here!(Promise::<i32>::with_send_resolvers());
    assert_points_here!(settle::promise::patterns::timeout(Promise::resolve(1), Duration::from_millis(1)));
}
