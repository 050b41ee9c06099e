//! Core fixes found by settle-conformance (differential testing against Node, see
//! docs/conformance.md), each pinned at the level of the crate that was fixed. The JavaScript
//! program that found each one is in `tests/conformance/regressions/`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use settle::promise::{Error, Promise, RejectionEvent, RejectionPolicy, set_rejection_policy};
use settle::promise::{NoThenables, RejectionEventKind};
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
    assert_eq!(*log.borrow(), ["unhandled first", "unhandled from the listener", "timer"]);
}

/// Node reports the whole batch of rejections pending when it starts reporting: a promise that
/// a listener gives a handler before its turn is still reported (and never "handled later").
/// HTML checks each promise as it reaches it (found as `found-listener-handles-later-one.js`).
#[test]
fn node_reports_the_batch_html_checks_each_promise() {
    for (host, expected) in
        [(Host::Node, vec!["Unhandled first", "Unhandled second"]), (Host::Html, vec!["Unhandled first"])]
    {
        let el = EventLoop::builder().host(host).virtual_clock().build();
        let log = Rc::new(RefCell::new(Vec::<String>::new()));
        let second: Rc<RefCell<Option<Promise<i32>>>> = Rc::default();
        let (l, s) = (log.clone(), second.clone());
        set_rejection_policy(
            &el,
            RejectionPolicy::Callback(Rc::new(move |e: &RejectionEvent| {
                let p = e.promise.downcast::<i32, Error, NoThenables>().expect("an i32 promise");
                let name = if s.borrow().as_ref().is_some_and(|q| q.ptr_eq(&p)) { "second" } else { "first" };
                l.borrow_mut().push(format!("{:?} {name}", e.kind));
                if name == "first" && e.kind == RejectionEventKind::Unhandled {
                    s.borrow().as_ref().expect("set").catch(|_| Ok(0));
                }
            })),
        );
        el.queue_task(move || {
            Promise::<i32>::reject(Error::msg("1"));
            *second.borrow_mut() = Some(Promise::<i32>::reject(Error::msg("2")));
        });
        el.run().unwrap();
        assert_eq!(*log.borrow(), expected, "{host:?}");
    }
}
