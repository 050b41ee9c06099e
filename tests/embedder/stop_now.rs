//! Item 4: stop now. After the callback that calls `halt` returns, nothing more of the current
//! checkpoint runs (no nextTick callback, job, rejection report or hook), the run returns
//! `Halted`, and the queued work stays queued for the next run. `fail` lets the checkpoint end.

use std::cell::RefCell;
use std::rc::Rc;

use settle::prelude::*;
use settle::runtime::{TrackedPromise, TrackerPolicy, Uncaught, UncaughtKind};

type Log = Rc<RefCell<Vec<&'static str>>>;

struct Unhandled;

impl TrackedPromise for Unhandled {
    fn is_handled(&self) -> bool {
        false
    }
    fn reason(&self) -> String {
        "unhandled".to_string()
    }
    fn identity(&self) -> *const () {
        self as *const Unhandled as *const ()
    }
}

fn halt_here() {
    let h = Handle::current();
    h.halt(Uncaught::new(UncaughtKind::Exception, "died", h.origin()));
}

/// A loop whose first task queues: job 1 (halts or fails), job 2, a nextTick from job 1, a
/// rejection, and a checkpoint hook; a second task follows.
fn setup(stop: fn()) -> (EventLoop, Log) {
    let log: Log = Rc::default();
    let l = log.clone();
    let el = EventLoop::builder()
        .rejection_policy(TrackerPolicy::callback(move |_| l.borrow_mut().push("rejection reported")))
        .build();
    let l = log.clone();
    el.add_checkpoint_hook(move || l.borrow_mut().push("hook"));
    let l = log.clone();
    el.queue_task(move || {
        let h = Handle::current();
        h.track_reject(Rc::new(Unhandled));
        let l1 = l.clone();
        h.queue_microtask(move || {
            l1.borrow_mut().push("job 1");
            let l = l1.clone();
            Handle::current().queue_next_tick(move || l.borrow_mut().push("tick from job 1"));
            stop();
            l1.borrow_mut().push("job 1 returns");
        });
        let l2 = l.clone();
        h.queue_microtask(move || l2.borrow_mut().push("job 2"));
        l.borrow_mut().push("task 1");
    });
    let l = log.clone();
    el.queue_task(move || l.borrow_mut().push("task 2"));
    (el, log)
}

#[test]
fn halt_stops_the_checkpoint_after_the_calling_callback() {
    let (el, log) = setup(halt_here);
    let err = el.run().unwrap_err();
    assert!(matches!(&err, RunError::Halted(u) if u.message() == "died"), "{err}");
    assert!(!el.is_halted(), "the halt ends with the run that returned it");
    assert_eq!(*log.borrow(), ["task 1", "job 1", "job 1 returns"]);
    // The queued work is still there; the next run goes on with it.
    el.run().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "task 1",
            "job 1",
            "job 1 returns",
            "tick from job 1",
            "job 2",
            "rejection reported",
            "hook",
            "task 2",
            "hook"
        ]
    );
}

#[test]
fn fail_lets_the_checkpoint_finish_then_stops() {
    fn fail_here() {
        let h = Handle::current();
        h.fail(Uncaught::new(UncaughtKind::Exception, "failed", h.origin()));
    }
    let (el, log) = setup(fail_here);
    let err = el.run().unwrap_err();
    assert!(matches!(&err, RunError::Failed(u) if u.message() == "failed"), "{err}");
    assert_eq!(
        *log.borrow(),
        // A nextTick queued by a job runs once the Job queue is empty, as in Node.
        ["task 1", "job 1", "job 1 returns", "job 2", "tick from job 1", "rejection reported", "hook"]
    );
    el.run().unwrap();
    assert_eq!(log.borrow()[7..], ["task 2", "hook"]);
}

#[test]
fn a_halt_in_a_next_tick_callback_keeps_the_jobs_from_running() {
    let log: Log = Rc::default();
    let el = EventLoop::new();
    let l = log.clone();
    el.queue_task(move || {
        let h = Handle::current();
        let l1 = l.clone();
        h.queue_microtask(move || l1.borrow_mut().push("job"));
        let l2 = l.clone();
        h.queue_next_tick(move || {
            l2.borrow_mut().push("tick 1");
            halt_here();
        });
        let l3 = l.clone();
        h.queue_next_tick(move || l3.borrow_mut().push("tick 2"));
    });
    assert!(matches!(el.run(), Err(RunError::Halted(_))));
    assert_eq!(*log.borrow(), ["tick 1"]);
}
