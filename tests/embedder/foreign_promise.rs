//! Item 2: the runtime's rejection tracker on a promise type that is not settle's: HTML's timing
//! (reported at the end of the checkpoint unless handled by then; "rejection handled" after a
//! late handler) and Node's batch rule (every promise of the batch unhandled when reporting
//! starts is reported, even if a listener handles it before its turn).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use settle::prelude::*;
use settle::runtime::{RejectionEventKind, TrackedPromise, TrackerEvent, TrackerPolicy};

/// A foreign engine's promise: shared state behind an `Rc`, its identity the allocation.
#[derive(Clone)]
struct ForeignPromise(Rc<ForeignState>);

struct ForeignState {
    name: &'static str,
    handled: Cell<bool>,
}

impl ForeignPromise {
    fn new(name: &'static str) -> ForeignPromise {
        ForeignPromise(Rc::new(ForeignState { name, handled: Cell::new(false) }))
    }

    /// The engine's reject: HostPromiseRejectionTracker(promise, "reject") when unhandled.
    fn reject(&self) {
        if !self.0.handled.get() {
            Handle::current().track_reject(Rc::new(self.clone()));
        }
    }

    /// The engine's first `then` on a rejected promise: HostPromiseRejectionTracker(promise,
    /// "handle").
    fn attach_handler(&self) {
        if !self.0.handled.replace(true) {
            Handle::current().track_handle(self);
        }
    }
}

impl TrackedPromise for ForeignPromise {
    fn is_handled(&self) -> bool {
        self.0.handled.get()
    }
    fn reason(&self) -> String {
        self.0.name.to_string()
    }
    fn identity(&self) -> *const () {
        Rc::as_ptr(&self.0) as *const ()
    }
}

type Events = Rc<RefCell<Vec<String>>>;

fn describe(event: &TrackerEvent) -> String {
    let kind = match event.kind {
        RejectionEventKind::Unhandled => "unhandled",
        RejectionEventKind::Handled => "handled",
    };
    // The event hands back the engine's own promise.
    let any: &dyn std::any::Any = &*event.promise;
    let promise = any.downcast_ref::<ForeignPromise>().expect("the engine's own type");
    format!("{kind} {}", promise.0.name)
}

/// Two promises rejected in one task; the listener of the first gives the second a handler.
/// A third is rejected and handled by a job of the same checkpoint; the first gets a handler
/// in a later task.
fn scenario(host: Host) -> Vec<String> {
    let events: Events = Rc::default();
    let e = events.clone();
    let (p1, p2, p3) = (ForeignPromise::new("p1"), ForeignPromise::new("p2"), ForeignPromise::new("p3"));
    let second = p2.clone();
    let el = EventLoop::builder()
        .host(host)
        .rejection_policy(TrackerPolicy::callback(move |event| {
            e.borrow_mut().push(describe(event));
            if event.kind == RejectionEventKind::Unhandled && event.promise.reason() == "p1" {
                second.attach_handler();
            }
        }))
        .build();
    let (a, b, c) = (p1.clone(), p2.clone(), p3.clone());
    el.queue_task(move || {
        a.reject();
        b.reject();
        c.reject();
        queue_microtask(move || c.attach_handler()); // handled within the checkpoint
    });
    let ev = events.clone();
    el.queue_task(move || {
        ev.borrow_mut().push("task 2".to_string());
        p1.attach_handler(); // late: "rejection handled" at the end of this checkpoint
    });
    el.run().unwrap();
    drop(el);
    Rc::try_unwrap(events).unwrap().into_inner()
}

#[test]
fn html_checks_each_promise_as_its_turn_comes() {
    assert_eq!(scenario(Host::Html), ["unhandled p1", "task 2", "handled p1"]);
}

#[test]
fn node_reports_the_whole_pending_batch() {
    assert_eq!(scenario(Host::Node), ["unhandled p1", "unhandled p2", "task 2", "handled p1"]);
}

#[test]
fn strict_stops_the_run_with_the_foreign_reason() {
    let el = EventLoop::builder().rejection_policy(TrackerPolicy::Strict).build();
    el.queue_task(|| ForeignPromise::new("disk full").reject());
    let err = el.run().unwrap_err();
    assert!(matches!(&err, RunError::Failed(u) if u.message() == "disk full"), "{err}");
}

#[test]
fn a_policy_of_none_reports_nothing() {
    let reports = Rc::new(Cell::new(0));
    let r = reports.clone();
    let el = EventLoop::builder()
        .rejection_policy(TrackerPolicy::None)
        .on_uncaught(move |_| r.set(r.get() + 1))
        .build();
    el.queue_task(|| ForeignPromise::new("ignored").reject());
    el.run().unwrap();
    assert_eq!(reports.get(), 0);
}
