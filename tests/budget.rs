//! The microtask budget covers every queue a checkpoint drains (issue 13, item 3): an endless
//! `nextTick` loop and a rejection listener that rejects a new promise every time are stopped
//! and reported exactly as an endless Job-queue loop is.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use settle::promise::{Error, Promise, RejectionEvent, RejectionPolicy, set_rejection_policy};
use settle::runtime::{EventLoop, Handle, RunError, Uncaught, UncaughtKind};

/// Uncaught reports as (kind, message).
type Reports = Rc<RefCell<Vec<(UncaughtKind, String)>>>;

/// A loop with a budget of 100 whose uncaught reports are recorded.
fn budget_loop() -> (EventLoop, Reports) {
    let reports: Reports = Rc::default();
    let r = reports.clone();
    let el = EventLoop::builder()
        .virtual_clock()
        .microtask_budget(100)
        .on_uncaught(move |u: &Uncaught| r.borrow_mut().push((u.kind(), u.message().to_string())))
        .build();
    (el, reports)
}

fn endless_ticks(count: Rc<Cell<u32>>) {
    count.set(count.get() + 1);
    Handle::current().queue_next_tick(move || endless_ticks(count));
}

#[test]
fn the_budget_stops_an_endless_next_tick_loop() {
    let (el, reports) = budget_loop();
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    el.queue_task(move || Handle::current().queue_next_tick(move || endless_ticks(c)));
    assert!(matches!(el.run(), Err(RunError::MicrotaskBudgetExceeded { budget: 100 })));
    assert_eq!(count.get(), 100);
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].0, UncaughtKind::MicrotaskBudgetExceeded);
    assert!(reports[0].1.starts_with("100 callbacks"), "{}", reports[0].1);
}

#[test]
fn the_budget_stops_a_rejection_listener_that_rejects_again_every_time() {
    let (el, reports) = budget_loop();
    let events = Rc::new(Cell::new(0u32));
    let e = events.clone();
    set_rejection_policy(
        &el,
        RejectionPolicy::Callback(Rc::new(move |_: &RejectionEvent| {
            e.set(e.get() + 1);
            Promise::<i32>::reject(Error::msg("again"));
        })),
    );
    el.queue_task(|| {
        Promise::<i32>::reject(Error::msg("first"));
    });
    assert!(matches!(el.run(), Err(RunError::MicrotaskBudgetExceeded { budget: 100 })));
    // One report pass per rejection, each pass counted against the budget: 101 passes
    // (the first is free: it is the checkpoint's own), then the budget stops the loop.
    assert_eq!(events.get(), 101);
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].0, UncaughtKind::MicrotaskBudgetExceeded);
}
