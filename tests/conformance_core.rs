//! Core fixes found by settle-conformance (differential testing against Node, see
//! docs/conformance.md), each pinned at the level of the crate that was fixed. The JavaScript
//! program that found each one is in `tests/conformance/regressions/`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use settle::promise::{Error, Promise, RejectionEvent, RejectionPolicy, set_rejection_policy};
use settle::runtime::{EventLoop, Host};

/// A rejection made by an `unhandledRejection` listener is reported in the same checkpoint,
/// before the next macrotask: Node's processTicksAndRejections loops while
/// processPromiseRejections reports work (found as `found-listener-rejects-again.js`).
#[test]
fn a_rejection_made_while_reporting_is_reported_before_the_next_task() {
    let el = EventLoop::builder().host(Host::Node).virtual_clock().build();
    let log = Rc::new(RefCell::new(Vec::<String>::new()));
    let (l, once) = (log.clone(), Rc::new(Cell::new(false)));
    set_rejection_policy(
        &el,
        RejectionPolicy::Callback(Rc::new(move |e: &RejectionEvent| {
            l.borrow_mut().push(format!("unhandled {}", e.promise.reason()));
            if !once.replace(true) {
                Promise::<i32>::reject(Error::msg("from the listener"));
            }
        })),
    );
    // Two timers due at the same moment: the second is already a queued task when the first
    // one's checkpoint reports.
    let l = log.clone();
    el.queue_task(move || {
        let handle = settle::runtime::Handle::current();
        handle.set_timeout(Duration::ZERO, || drop(Promise::<i32>::reject(Error::msg("first"))));
        handle.set_timeout(Duration::ZERO, move || l.borrow_mut().push("timer".into()));
    });
    el.run().unwrap();
    assert_eq!(
        *log.borrow(),
        [r#"unhandled Message("first")"#, r#"unhandled Message("from the listener")"#, "timer"]
    );
}
