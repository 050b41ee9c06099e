//! Unhandled-rejection tracking with HTML's timing (HostPromiseRejectionTracker, ECMA-262
//! 27.2.1.9; HTML "notify about rejected promises"), and what each [`RejectionPolicy`] does.
//!
//! The rule under test: a promise rejected with no handler is reported once, at the end of the
//! microtask checkpoint in which it was rejected, if it still has no handler then. A handler
//! attached in a later macrotask gives a "rejection handled" event after the handler ran (Node:
//! `unhandledRejection`, the handler, `rejectionHandled`). Every test asserts an exact order.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use settle::promise::{
    AnyPromise, Error, ErrorKind, NoThenables, Promise, RejectionEvent, RejectionEventKind, RejectionPolicy,
    Resolution, set_rejection_policy,
};
use settle::runtime::{EventLoop, Origin, RunError, Uncaught, UncaughtKind};

mod support;
use support::Log;

/// The rejection events of one loop, in the order the tracker emitted them.
#[derive(Clone, Default)]
struct Events(Rc<RefCell<Vec<RejectionEvent>>>);

impl Events {
    fn kinds(&self) -> Vec<RejectionEventKind> {
        self.0.borrow().iter().map(|e| e.kind).collect()
    }

    fn is(&self, i: usize, kind: RejectionEventKind, p: &Promise<i32>) -> bool {
        let events = self.0.borrow();
        let e = &events[i];
        e.kind == kind && e.promise.downcast::<i32, Error, NoThenables>().is_some_and(|q| q.ptr_eq(p))
    }
}

/// A virtual-clock loop whose rejection events go to `Events` (policy Callback) and, as a
/// string, to `log` (so they can be ordered against handlers). Uncaught reports panic the test.
fn callback_loop(log: &Log) -> (EventLoop, Events) {
    let el = EventLoop::builder().virtual_clock().on_uncaught(|u| panic!("unexpected uncaught: {u}")).build();
    let events = Events::default();
    let (ev, l) = (events.clone(), log.clone());
    set_rejection_policy(
        &el,
        RejectionPolicy::Callback(Rc::new(move |e: &RejectionEvent| {
            l.push(format!("{:?} {}", e.kind, e.promise.reason()));
            ev.0.borrow_mut().push(e.clone());
        })),
    );
    (el, events)
}

fn oops(s: &str) -> Error {
    Error::msg(s)
}

#[test]
fn rejected_and_handled_in_the_same_task_is_not_reported() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let l = log.clone();
    el.queue_task(move || {
        let p = Promise::<i32>::reject(oops("a"));
        let l = l.clone();
        p.catch(move |e| {
            l.push(format!("caught {e}"));
            Ok(0)
        });
    });
    // A pending promise rejected by its resolvers, with the handler attached after the reject
    // call but in the same task.
    let l = log.clone();
    el.queue_task(move || {
        let (p, r) = Promise::<i32>::with_resolvers();
        r.reject(oops("b"));
        let l = l.clone();
        p.catch(move |e| {
            l.push(format!("caught {e}"));
            Ok(0)
        });
    });
    el.run().unwrap();
    assert_eq!(log.take(), ["caught a", "caught b"]);
    assert!(events.kinds().is_empty());
}

#[test]
fn handled_in_a_later_microtask_of_the_same_checkpoint_is_not_reported() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let l = log.clone();
    el.queue_task(move || {
        let p = Promise::<i32>::reject(oops("late but in time"));
        // A ruler: the handler is attached in the fifth job of this checkpoint.
        let mut ruler = Promise::<i32>::resolve(0);
        for _ in 0..4 {
            ruler = ruler.then(|v| Ok(v + 1));
        }
        let l = l.clone();
        ruler.then(move |n| {
            l.push(format!("attach after {n} ticks"));
            let l = l.clone();
            p.catch(move |e| {
                l.push(format!("caught {e}"));
                Ok(0)
            });
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.take(), ["attach after 4 ticks", "caught late but in time"]);
    assert!(events.kinds().is_empty());
}

#[test]
fn handled_in_a_later_timer_reports_unhandled_then_the_handler_runs_then_handled() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let slot: Rc<RefCell<Option<Promise<i32>>>> = Rc::default();
    let (l, s) = (log.clone(), slot.clone());
    el.queue_task(move || {
        let p = Promise::<i32>::reject(oops("Oops"));
        *s.borrow_mut() = Some(p);
        l.push("task 1 done");
    });
    let (l, s) = (log.clone(), slot.clone());
    el.set_timeout(Duration::from_millis(10), move || {
        l.push("timer");
        let p = s.borrow().clone().unwrap();
        let l2 = l.clone();
        p.catch(move |e| {
            l2.push(format!("handler {e}"));
            Ok(0)
        });
        l.push("timer attached the handler");
    });
    el.run().unwrap();
    // Node 20 logs exactly this order for
    //   const p = Promise.reject("Oops");
    //   setTimeout(() => p.catch(e => log("handler", e)), 10);
    // with process.on("unhandledRejection") and process.on("rejectionHandled") listeners.
    assert_eq!(
        log.take(),
        [
            "task 1 done",
            "Unhandled Oops",
            "timer",
            "timer attached the handler",
            "handler Oops",
            "Handled Oops",
        ]
    );
    let p = slot.borrow().clone().unwrap();
    assert_eq!(events.kinds(), [RejectionEventKind::Unhandled, RejectionEventKind::Handled]);
    assert!(events.is(0, RejectionEventKind::Unhandled, &p));
    assert!(events.is(1, RejectionEventKind::Handled, &p));
}

#[test]
fn unhandled_is_reported_at_the_end_of_the_checkpoint_of_the_rejection() {
    // Rejected by a handler's Err in a job, in the checkpoint of a timer: reported after that
    // checkpoint's last job and before the next macrotask.
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let l = log.clone();
    el.set_timeout(Duration::from_millis(1), move || {
        l.push("timer 1");
        let (l1, l2) = (l.clone(), l.clone());
        Promise::<i32>::resolve(1).then(move |_| -> Result<i32, Error> {
            l1.push("throwing job");
            Err(oops("thrown"))
        });
        Promise::<i32>::resolve(1).then(Ok).then(move |_| {
            l2.push("last job of the checkpoint");
            Ok(())
        });
    });
    let l = log.clone();
    el.set_timeout(Duration::from_millis(1), move || l.push("timer 2"));
    el.run().unwrap();
    assert_eq!(
        log.take(),
        ["timer 1", "throwing job", "last job of the checkpoint", "Unhandled thrown", "timer 2"]
    );
    assert_eq!(events.kinds(), [RejectionEventKind::Unhandled]);
}

#[test]
fn warn_policy_goes_to_the_uncaught_hook() {
    let reports: Rc<RefCell<Vec<(UncaughtKind, String, Origin)>>> = Rc::default();
    let r = reports.clone();
    let el = EventLoop::builder()
        .virtual_clock()
        .on_uncaught(move |u: &Uncaught| r.borrow_mut().push((u.kind(), u.message().to_string(), u.origin())))
        .build();
    set_rejection_policy(&el, RejectionPolicy::Warn);
    let slot: Rc<RefCell<Option<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || {
        *s.borrow_mut() = Some(Promise::<i32>::reject(oops("Oops")));
        // Handled in time: never reported.
        Promise::<i32>::reject(oops("fine")).catch(|_| Ok(0));
    });
    // Handled later: under Warn, "rejection handled" goes to stderr, not to the hook.
    let s = slot.clone();
    el.set_timeout(Duration::from_millis(5), move || {
        s.borrow().as_ref().unwrap().catch(|_| Ok(0));
    });
    el.run().unwrap();
    assert_eq!(*reports.borrow(), [(UncaughtKind::UnhandledRejection, "Oops".to_string(), Origin::Outside)]);
}

#[test]
fn warn_is_the_default_policy() {
    let reports: Rc<RefCell<Vec<UncaughtKind>>> = Rc::default();
    let r = reports.clone();
    let el = EventLoop::builder().on_uncaught(move |u: &Uncaught| r.borrow_mut().push(u.kind())).build();
    el.queue_task(|| {
        Promise::<i32>::reject(oops("x"));
    });
    el.run().unwrap();
    assert_eq!(*reports.borrow(), [UncaughtKind::UnhandledRejection]);
}

#[test]
fn strict_policy_fails_the_run_and_a_second_run_continues() {
    let log = Log::new();
    let el = EventLoop::builder().virtual_clock().on_uncaught(|u| panic!("unexpected uncaught: {u}")).build();
    set_rejection_policy(&el, RejectionPolicy::Strict);
    let l = log.clone();
    el.queue_task(move || {
        l.push("task 1");
        Promise::<i32>::reject(oops("Oops"));
        // The checkpoint in which the rejection happens still completes.
        let l = l.clone();
        Promise::<i32>::resolve(1).then(move |_| {
            l.push("job of task 1");
            Ok(())
        });
    });
    let l = log.clone();
    el.queue_task(move || l.push("task 2"));
    let l = log.clone();
    el.set_timeout(Duration::from_millis(3), move || l.push("timer"));

    match el.run() {
        Err(RunError::Failed(u)) => {
            assert_eq!(u.kind(), UncaughtKind::UnhandledRejection);
            assert_eq!(u.message(), "Oops");
        }
        other => panic!("expected RunError::Failed, got {other:?}"),
    }
    assert_eq!(log.take(), ["task 1", "job of task 1"]);
    // The remaining work is still queued; the failure is not reported again.
    el.run().unwrap();
    assert_eq!(log.take(), ["task 2", "timer"]);
}

#[test]
fn strict_policy_lets_a_handled_rejection_pass() {
    let el = EventLoop::builder().virtual_clock().build();
    set_rejection_policy(&el, RejectionPolicy::Strict);
    let slot: Rc<RefCell<Option<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || {
        let p = Promise::<i32>::reject(oops("Oops"));
        p.catch(|_| Ok(0));
        *s.borrow_mut() = Some(p);
    });
    el.run().unwrap();
    // A handler attached later to a promise that was never reported is no event at all.
    let s = slot.clone();
    el.queue_task(move || {
        s.borrow().as_ref().unwrap().catch(|_| Ok(1));
    });
    el.run().unwrap();
}

#[test]
fn callback_policy_receives_both_events_with_the_promise() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let slot: Rc<RefCell<Vec<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || {
        let a = Promise::<i32>::reject(oops("a"));
        let b = Promise::<i32>::reject(oops("b"));
        s.borrow_mut().extend([a, b]);
    });
    let s = slot.clone();
    el.set_timeout(Duration::ZERO, move || {
        s.borrow()[1].catch(|_| Ok(0));
    });
    el.run().unwrap();
    let (a, b) = (slot.borrow()[0].clone(), slot.borrow()[1].clone());
    assert_eq!(
        events.kinds(),
        [RejectionEventKind::Unhandled, RejectionEventKind::Unhandled, RejectionEventKind::Handled]
    );
    // Reported in rejection order.
    assert!(events.is(0, RejectionEventKind::Unhandled, &a));
    assert!(events.is(1, RejectionEventKind::Unhandled, &b));
    assert!(events.is(2, RejectionEventKind::Handled, &b));
    assert_eq!(events.0.borrow()[0].promise.reason(), "a");
}

#[test]
fn none_policy_reports_nothing() {
    let el = EventLoop::builder().virtual_clock().on_uncaught(|u| panic!("unexpected uncaught: {u}")).build();
    set_rejection_policy(&el, RejectionPolicy::None);
    let slot: Rc<RefCell<Option<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || {
        *s.borrow_mut() = Some(Promise::<i32>::reject(oops("ignored")));
        Promise::<i32>::resolve(1).then(|_| -> Result<i32, Error> { Err(oops("also ignored")) });
    });
    let s = slot.clone();
    el.set_timeout(Duration::from_millis(1), move || {
        s.borrow().as_ref().unwrap().catch(|_| Ok(0));
    });
    el.run().unwrap();
}

#[test]
fn the_policy_can_be_changed_between_runs() {
    let log = Log::new();
    let el = EventLoop::builder().virtual_clock().on_uncaught(|u| panic!("unexpected uncaught: {u}")).build();
    set_rejection_policy(&el, RejectionPolicy::None);
    el.queue_task(|| {
        Promise::<i32>::reject(oops("first"));
    });
    el.run().unwrap();
    let l = log.clone();
    set_rejection_policy(
        &el,
        RejectionPolicy::Callback(Rc::new(move |e: &RejectionEvent| l.push(e.promise.reason()))),
    );
    el.queue_task(|| {
        Promise::<i32>::reject(oops("second"));
    });
    el.run().unwrap();
    assert_eq!(log.take(), ["second"]);
}

#[test]
fn defer_suppresses_the_report() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let slot: Rc<RefCell<Vec<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || {
        // Deferred after the rejection, and before it.
        let a = Promise::<i32>::reject(oops("a")).defer();
        let (b, r) = Promise::<i32>::with_resolvers();
        let b = b.defer();
        r.reject(oops("b"));
        s.borrow_mut().extend([a, b]);
    });
    // Handled for real much later: no "handled" event either, since nothing was reported.
    let (s, l) = (slot.clone(), log.clone());
    el.set_timeout(Duration::from_millis(100), move || {
        for p in s.borrow().iter() {
            let l = l.clone();
            p.catch(move |e| {
                l.push(format!("caught {e}"));
                Ok(0)
            });
        }
    });
    el.run().unwrap();
    assert_eq!(log.take(), ["caught a", "caught b"]);
    assert!(events.kinds().is_empty());
    assert!(slot.borrow().iter().all(Promise::is_handled));
}

#[test]
fn defer_does_not_hide_the_derived_promises() {
    // defer() marks one promise; a `then` without a rejection handler on it makes a new
    // promise that rejects too and is reported.
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    el.queue_task(|| {
        let p = Promise::<i32>::reject(oops("passes through")).defer();
        p.then(|v| Ok(v + 1));
    });
    el.run().unwrap();
    assert_eq!(log.take(), ["Unhandled passes through"]);
    assert_eq!(events.kinds(), [RejectionEventKind::Unhandled]);
}

#[test]
fn an_adoption_chain_of_rejected_promises_reports_only_the_last() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let slot: Rc<RefCell<Vec<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || {
        // p0 rejected; p1 adopts p0; p2 adopts p1; p3 adopts p2 from a handler's return value.
        let p0 = Promise::<i32>::reject(oops("root"));
        let p1 = Promise::<i32>::new(|r| {
            r.resolve(p0.clone());
            Ok(())
        });
        let (p2, r2) = Promise::<i32>::with_resolvers();
        r2.resolve(p1.clone());
        let p1c = p2.clone();
        let p3: Promise<i32> = Promise::<i32>::resolve(0).then(move |_| Ok(p1c));
        s.borrow_mut().extend([p0, p1, p2, p3]);
    });
    el.run().unwrap();
    let chain = slot.borrow().clone();
    assert!(chain.iter().all(|p| p.result().is_some_and(|r| r == Err(oops("root")))));
    assert_eq!(events.kinds(), [RejectionEventKind::Unhandled]);
    assert!(events.is(0, RejectionEventKind::Unhandled, &chain[3]));
    assert_eq!(log.take(), ["Unhandled root"]);
}

#[test]
fn an_adoption_in_a_later_task_handles_a_reported_promise() {
    // Adopting a promise calls its `then`: adopting a reported promise in a later macrotask is
    // a "handled" event, and the adopting promise is itself reported then.
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let slot: Rc<RefCell<Vec<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || s.borrow_mut().push(Promise::<i32>::reject(oops("x"))));
    let s = slot.clone();
    el.set_timeout(Duration::from_millis(1), move || {
        let p0 = s.borrow()[0].clone();
        let adopter: Promise<i32> = Promise::new(|r| {
            r.resolve(Resolution::Promise(p0));
            Ok(())
        });
        s.borrow_mut().push(adopter);
    });
    el.run().unwrap();
    let (p0, adopter) = (slot.borrow()[0].clone(), slot.borrow()[1].clone());
    assert_eq!(
        events.kinds(),
        [RejectionEventKind::Unhandled, RejectionEventKind::Handled, RejectionEventKind::Unhandled]
    );
    // Node's order at the end of a drain: `rejectionHandled` events first.
    assert!(events.is(0, RejectionEventKind::Unhandled, &p0));
    assert!(events.is(1, RejectionEventKind::Handled, &p0));
    assert!(events.is(2, RejectionEventKind::Unhandled, &adopter));
}

#[test]
fn promise_all_handles_its_rejected_input_and_its_own_rejection_is_reported() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let slot: Rc<RefCell<Vec<Promise<i32>>>> = Rc::default();
    let all_slot: Rc<RefCell<Option<Promise<Vec<i32>>>>> = Rc::default();
    let (s, a) = (slot.clone(), all_slot.clone());
    el.queue_task(move || {
        let bad = Promise::<i32>::reject(oops("input"));
        let (pending, _r) = Promise::<i32>::with_resolvers();
        let all = Promise::<i32>::all([Promise::resolve(1), bad.clone(), pending]);
        s.borrow_mut().push(bad);
        *a.borrow_mut() = Some(all);
    });
    el.run().unwrap();
    let bad = slot.borrow()[0].clone();
    let all = all_slot.borrow().clone().unwrap();
    assert!(bad.is_handled());
    assert_eq!(all.result(), Some(Err(oops("input"))));
    assert_eq!(events.kinds(), [RejectionEventKind::Unhandled]);
    assert!(
        events.0.borrow()[0]
            .promise
            .downcast::<Vec<i32>, Error, NoThenables>()
            .is_some_and(|p| p.ptr_eq(&all))
    );
    assert_eq!(log.take(), ["Unhandled input"]);
}

#[test]
fn promise_all_handled_in_time_reports_nothing() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let l = log.clone();
    el.queue_task(move || {
        // Two rejected inputs: the second rejection of the combined capability is ignored and
        // its input is still handled.
        let inputs = [Promise::<i32>::reject(oops("first")), Promise::reject(oops("second"))];
        let l = l.clone();
        Promise::<i32>::all(inputs).catch(move |e| {
            l.push(format!("caught {e}"));
            Ok(vec![])
        });
    });
    el.run().unwrap();
    assert_eq!(log.take(), ["caught first"]);
    assert!(events.kinds().is_empty());
}

#[test]
fn other_combinators_handle_their_inputs() {
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let any_slot: Rc<RefCell<Option<Promise<i32>>>> = Rc::default();
    let a = any_slot.clone();
    el.queue_task(move || {
        // allSettled never rejects; race rejects with the first; any rejects with an
        // AggregateError once every input rejected.
        Promise::<i32>::all_settled([Promise::<i32>::reject(oops("s"))]);
        Promise::<i32>::race([Promise::<i32>::reject(oops("r"))]).catch(|_| Ok(0));
        let any = Promise::<i32>::any([Promise::<i32>::reject(oops("a1")), Promise::reject(oops("a2"))]);
        *a.borrow_mut() = Some(any);
    });
    el.run().unwrap();
    let any = any_slot.borrow().clone().unwrap();
    assert_eq!(events.kinds(), [RejectionEventKind::Unhandled]);
    assert!(events.is(0, RejectionEventKind::Unhandled, &any));
    let reason = any.result().unwrap().unwrap_err();
    assert!(matches!(reason.kind(), ErrorKind::Aggregate(agg) if agg.errors == [oops("a1"), oops("a2")]));
    assert_eq!(log.take().len(), 1);
}

#[test]
fn no_promise_is_reported_twice() {
    // Rejected promises touched in many later turns, by several handlers each, still give at
    // most one Unhandled and one Handled event each.
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    let slot: Rc<RefCell<Vec<Promise<i32>>>> = Rc::default();
    let s = slot.clone();
    el.queue_task(move || {
        let mut s = s.borrow_mut();
        s.push(Promise::<i32>::reject(oops("p")));
        s.push(Promise::<i32>::reject(oops("q")));
    });
    for t in 1..=5u64 {
        let s = slot.clone();
        el.set_timeout(Duration::from_millis(t), move || {
            let s = s.borrow();
            // p gets a handler in every timer; q only from the third on.
            s[0].catch(|_| Ok(0));
            s[0].then(Ok);
            if t >= 3 {
                s[1].catch(|_| Ok(0));
            }
        });
    }
    el.run().unwrap();
    let (p, q) = (slot.borrow()[0].clone(), slot.borrow()[1].clone());
    use RejectionEventKind::{Handled, Unhandled};
    // Each timer's `then` without a rejection handler on p derives a rejected promise that is
    // unhandled: one new report per timer, never a repeat.
    let kinds = events.kinds();
    assert_eq!(kinds.iter().filter(|k| **k == Handled).count(), 2);
    assert!(events.is(0, Unhandled, &p));
    assert!(events.is(1, Unhandled, &q));
    assert!(events.is(2, Handled, &p));
    let handled_q = (0..kinds.len()).filter(|&i| events.is(i, Handled, &q)).count();
    assert_eq!(handled_q, 1);
    let all = events.0.borrow();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            let same = a.kind == b.kind && same_promise(&a.promise, &b.promise);
            assert!(!same, "reported twice: {a:?}");
        }
    }
    assert_eq!(kinds.iter().filter(|k| **k == Unhandled).count(), 2 + 5);
}

fn same_promise(a: &AnyPromise, b: &AnyPromise) -> bool {
    match (a.downcast::<i32, Error, NoThenables>(), b.downcast::<i32, Error, NoThenables>()) {
        (Some(a), Some(b)) => a.ptr_eq(&b),
        _ => false,
    }
}

#[test]
fn rejections_outside_any_task_are_reported_at_the_first_checkpoint() {
    // A script's top level (code under `enter`) and then the loop: the first checkpoint
    // reports, as HTML's "clean up after running script" does.
    let log = Log::new();
    let (el, events) = callback_loop(&log);
    {
        let _g = el.enter();
        Promise::<i32>::reject(oops("top level"));
    }
    el.run().unwrap();
    assert_eq!(events.kinds(), [RejectionEventKind::Unhandled]);
    assert_eq!(log.take(), ["Unhandled top level"]);
}
