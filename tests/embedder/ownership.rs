//! Loop ownership (issue 11, item 5): a promise's jobs run on the loop it was created on,
//! whichever loop is current when it is settled; a promise of a dropped loop settled elsewhere
//! has its jobs dropped, and that is reported.

use std::cell::RefCell;
use std::rc::Rc;

use settle::prelude::*;
use settle::runtime::{Uncaught, UncaughtKind};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

/// A promise of loop A, settled while loop B runs, runs its handler when A runs, after the jobs
/// A queued before the settlement; B's own jobs are not delayed by it.
#[test]
fn a_promise_settled_on_another_loop_runs_its_handler_on_its_own_loop_in_order() {
    let log: Log = Rc::default();
    let a = EventLoop::new();
    let b = EventLoop::new();
    let resolvers = {
        let _g = a.enter();
        let (p, r) = Promise::<i32>::with_resolvers();
        let l = log.clone();
        p.then(move |v| {
            push(&l, format!("A: handler {v}"));
            Ok(())
        });
        let l = log.clone();
        queue_microtask(move || push(&l, "A: queued earlier"));
        r
    };
    let l = log.clone();
    b.queue_task(move || {
        resolvers.resolve(7); // settled while B is current
        let l2 = l.clone();
        queue_microtask(move || push(&l2, "B: own job"));
        push(&l, "B: task done");
    });
    b.run().unwrap();
    assert_eq!(*log.borrow(), ["B: task done", "B: own job"], "B ran none of A's jobs");
    a.run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["B: task done", "B: own job", "A: queued earlier", "A: handler 7"],
        "A ran its earlier job first, then the handler"
    );
}

/// `then` on an already settled promise, called while another loop runs, also queues on the
/// owner.
#[test]
fn then_on_a_settled_promise_of_another_loop_queues_on_the_owner() {
    let log: Log = Rc::default();
    let a = EventLoop::new();
    let b = EventLoop::new();
    let p = {
        let _g = a.enter();
        Promise::resolve(1)
    };
    let l = log.clone();
    b.queue_task(move || {
        let l2 = l.clone();
        p.then(move |v| {
            push(&l2, format!("handler {v} on A"));
            Ok(())
        });
    });
    b.run().unwrap();
    assert!(log.borrow().is_empty());
    a.run().unwrap();
    assert_eq!(*log.borrow(), ["handler 1 on A"]);
}

/// A loop run from inside another loop's task (a nested run): the inner loop's promises stay
/// on the inner loop, the outer's on the outer, even when settled across.
#[test]
fn nested_runs_keep_each_promise_on_its_loop() {
    let log: Log = Rc::default();
    let outer = EventLoop::new();
    let outer_handle = outer.handle();
    let l = log.clone();
    outer.queue_task(move || {
        let (outer_p, outer_r) = Promise::<&str>::with_resolvers();
        let l1 = l.clone();
        outer_p.then(move |v| {
            push(&l1, format!("outer handler {v}"));
            Ok(())
        });
        let inner = EventLoop::new();
        let l2 = l.clone();
        inner.queue_task(move || {
            outer_r.resolve("from inner"); // to the outer loop's queue
            let l3 = l2.clone();
            Promise::resolve(2).then(move |v| {
                push(&l3, format!("inner handler {v}"));
                Ok(())
            });
        });
        inner.run().unwrap();
        push(&l, "inner run returned");
        assert!(Handle::current().same_loop(&outer_handle));
    });
    outer.run().unwrap();
    assert_eq!(*log.borrow(), ["inner handler 2", "inner run returned", "outer handler from inner"]);
}

/// The owner is gone: settling the promise on another loop drops its reactions unrun, and the
/// current loop's uncaught-error hook hears of it.
#[test]
fn a_promise_of_a_dropped_loop_settled_elsewhere_is_reported_and_runs_nothing() {
    let log: Log = Rc::default();
    let reports: Rc<RefCell<Vec<(UncaughtKind, String)>>> = Rc::default();
    let resolvers = {
        let a = EventLoop::new();
        let _g = a.enter();
        let (p, r) = Promise::<i32>::with_resolvers();
        let l = log.clone();
        p.then(move |_| {
            push(&l, "never");
            Ok(())
        });
        r
        // `a` is dropped here, with the promise pending.
    };
    let seen = reports.clone();
    let b = EventLoop::builder()
        .on_uncaught(move |u: &Uncaught| seen.borrow_mut().push((u.kind(), u.message().to_string())))
        .build();
    b.queue_task(move || resolvers.resolve(1));
    b.run().unwrap();
    assert!(log.borrow().is_empty(), "the handler of a dropped loop's promise never runs");
    assert_eq!(
        *reports.borrow(),
        [(
            UncaughtKind::OwnerGone,
            "a promise was settled after its event loop was dropped; its reaction jobs were dropped unrun"
                .to_string()
        )]
    );
}

/// A promise made with no loop current has no owner: its jobs go to the loop current when it
/// settles (as every promise did before ownership).
#[test]
fn a_promise_made_outside_any_loop_uses_the_current_loop() {
    let log: Log = Rc::default();
    let p = Promise::resolve(5); // no loop: a fulfilled promise needs none
    let el = EventLoop::new();
    let l = log.clone();
    el.queue_task(move || {
        p.then(move |v| {
            push(&l, format!("ran {v}"));
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(*log.borrow(), ["ran 5"]);
}
