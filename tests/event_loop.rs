//! The event loop's processing model: tasks, microtask checkpoints, panics, re-entrancy, the
//! microtask budget, the embedder API and the current-loop context. Every test asserts an exact
//! order; none depends on timing.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::Duration;

use settle::runtime::{EventLoop, Handle, Origin, RunError, Turn, Uncaught, UncaughtKind, queue_microtask};

mod support;
use support::Log;

/// Uncaught reports as (kind, message, origin).
type Reports = Rc<RefCell<Vec<(UncaughtKind, String, Origin)>>>;

fn recording_loop() -> (EventLoop, Reports) {
    let reports: Reports = Rc::default();
    let r = reports.clone();
    let el = EventLoop::builder()
        .virtual_clock()
        .on_uncaught(move |u: &Uncaught| r.borrow_mut().push((u.kind(), u.message().to_string(), u.origin())))
        .build();
    (el, reports)
}

#[test]
fn book_chapter_1_jobs_prints_a_c_d_b() {
    // The book, chapter 1, section "Jobs":
    //     console.log("A");
    //     setTimeout(() => console.log("B"), 0);
    //     queueMicrotask(() => { console.log("C"); queueMicrotask(() => console.log("D")); });
    // prints `A C D B`.
    let el = EventLoop::builder().virtual_clock().build();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        l.push("A");
        let lb = l.clone();
        Handle::current().set_timeout(Duration::ZERO, move || lb.push("B"));
        queue_microtask(move || {
            l.push("C");
            queue_microtask(move || l.push("D"));
        });
    });
    el.run().unwrap();
    assert_eq!(log.take().join(" "), "A C D B");
}

#[test]
fn jobs_queued_by_jobs_run_in_the_same_checkpoint() {
    let el = EventLoop::new();
    let log = Log::new();

    // A chain of 50 jobs, each queueing the next, started by task 1; task 2 was queued before any
    // of them existed but still runs after the whole chain.
    fn chain(log: Log, n: u32) {
        log.push(format!("job{n}"));
        if n < 50 {
            queue_microtask(move || chain(log, n + 1));
        }
    }
    let l = log.clone();
    el.queue_task(move || {
        l.push("task1");
        queue_microtask(move || chain(l, 1));
    });
    let l = log.clone();
    el.queue_task(move || l.push("task2"));
    el.run().unwrap();

    let mut want = vec!["task1".to_string()];
    want.extend((1..=50).map(|n| format!("job{n}")));
    want.push("task2".to_string());
    assert_eq!(log.take(), want);
}

#[test]
fn next_tick_queue_drains_before_the_job_queue() {
    let el = EventLoop::new();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let h = Handle::current();
        let l1 = l.clone();
        let h1 = h.clone();
        h.queue_microtask(move || {
            l1.push("job1");
            let l2 = l1.clone();
            // A tick queued by a job waits until the Job queue is empty (Node's
            // processTicksAndRejections: ticks, then runMicrotasks(), repeat).
            h1.queue_next_tick(move || l2.push("tick-from-job1"));
            h1.queue_microtask(move || l1.push("job3"));
        });
        let l2 = l.clone();
        h.queue_microtask(move || l2.push("job2"));
        let l3 = l.clone();
        h.queue_next_tick(move || l3.push("tick1"));
        l.push("task");
    });
    el.run().unwrap();
    // Node 20 prints exactly this for the same program.
    assert_eq!(log.take(), ["task", "tick1", "job1", "job2", "job3", "tick-from-job1"]);
}

#[test]
fn a_panicking_job_is_reported_and_the_next_job_runs() {
    let (el, reports) = recording_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        l.push("task");
        queue_microtask(|| panic!("job exploded"));
        let l2 = l.clone();
        queue_microtask(move || l2.push("next job"));
    });
    let l = log.clone();
    el.queue_task(move || l.push("next task"));
    el.run().unwrap();

    assert_eq!(log.take(), ["task", "next job", "next task"]);
    assert_eq!(
        *reports.borrow(),
        [(
            UncaughtKind::Panic,
            "job exploded".to_string(),
            Origin::Microtask { checkpoint: 1, index: 1, label: None }
        )]
    );
}

#[test]
fn a_panicking_task_is_reported_and_its_jobs_and_the_next_task_run() {
    let (el, reports) = recording_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let l2 = l.clone();
        // Queued before the panic: the checkpoint after the task still runs it.
        queue_microtask(move || l2.push("job of the panicking task"));
        l.push("before panic");
        panic!("task exploded: {}", 42);
    });
    let l = log.clone();
    el.queue_task(move || l.push("next task"));
    el.run().unwrap();

    assert_eq!(log.take(), ["before panic", "job of the panicking task", "next task"]);
    assert_eq!(
        *reports.borrow(),
        [(UncaughtKind::Panic, "task exploded: 42".to_string(), Origin::Task { index: 1, label: None })]
    );
}

#[test]
fn a_panicking_timer_is_reported_and_the_next_timer_runs() {
    let (el, reports) = recording_loop();
    let log = Log::new();
    let bad = el.set_timeout(Duration::from_millis(5), || panic!("timer exploded"));
    let l = log.clone();
    el.set_timeout(Duration::from_millis(5), move || l.push("same-instant timer"));
    let l = log.clone();
    el.set_timeout(Duration::from_millis(6), move || l.push("later timer"));
    el.run().unwrap();

    assert_eq!(log.take(), ["same-instant timer", "later timer"]);
    assert_eq!(
        *reports.borrow(),
        [(UncaughtKind::Panic, "timer exploded".to_string(), Origin::Timer { index: 1, id: bad.as_u64() })]
    );
}

#[test]
fn a_panicking_interval_keeps_running_like_a_throwing_set_interval() {
    // In JavaScript an exception in a setInterval callback is reported and the interval goes on.
    let (el, reports) = recording_loop();
    let runs = Rc::new(Cell::new(0));
    let id = Rc::new(Cell::new(None));
    let (n, me) = (runs.clone(), id.clone());
    id.set(Some(el.set_interval(Duration::from_millis(10), move || {
        n.set(n.get() + 1);
        if n.get() == 4 {
            Handle::current().clear_timer(me.get().unwrap());
        }
        if n.get() == 2 {
            panic!("second run exploded");
        }
    })));
    el.run().unwrap();
    assert_eq!(runs.get(), 4);
    assert_eq!(el.now(), Duration::from_millis(40));
    let kinds: Vec<_> = reports.borrow().iter().map(|(k, m, _)| (*k, m.clone())).collect();
    assert_eq!(kinds, [(UncaughtKind::Panic, "second run exploded".to_string())]);
}

#[test]
fn run_reentered_from_a_job_is_an_error() {
    let el = EventLoop::new();
    let results = Rc::new(RefCell::new(Vec::new()));
    let (h, r) = (el.handle(), results.clone());
    el.queue_microtask(move || {
        r.borrow_mut().push(matches!(h.run(), Err(RunError::Reentrant)));
        r.borrow_mut().push(matches!(h.run_once(), Err(RunError::Reentrant)));
        r.borrow_mut().push(matches!(h.run_until(|| true), Err(RunError::Reentrant)));
        r.borrow_mut().push(matches!(h.perform_microtask_checkpoint(), Err(RunError::Reentrant)));
    });
    el.run().unwrap();
    assert_eq!(*results.borrow(), [true, true, true, true]);
    // The loop is usable again afterwards.
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    el.queue_task(move || r.set(true));
    el.run().unwrap();
    assert!(ran.get());
}

#[test]
fn a_timer_set_inside_a_microtask_still_fires() {
    let el = EventLoop::builder().virtual_clock().build();
    let log = Log::new();
    let l = log.clone();
    // The only work is a job (queued outside any task); the loop must not decide it is done
    // before the job has had the chance to set its timer.
    el.queue_microtask(move || {
        l.push("job");
        let l2 = l.clone();
        Handle::current().set_timeout(Duration::from_millis(3), move || l2.push("timer from job"));
    });
    el.run().unwrap();
    assert_eq!(log.take(), ["job", "timer from job"]);
    assert_eq!(el.now(), Duration::from_millis(3));
}

fn counting_chain(count: Rc<Cell<u32>>, limit: u32) {
    count.set(count.get() + 1);
    if count.get() < limit {
        queue_microtask(move || counting_chain(count, limit));
    }
}

#[test]
fn microtask_budget_stops_an_endless_job_loop_and_keeps_the_rest_queued() {
    let r = Reports::default();
    let r2 = r.clone();
    let el = EventLoop::builder()
        .microtask_budget(100)
        .on_uncaught(move |u| r2.borrow_mut().push((u.kind(), u.message().to_string(), u.origin())))
        .build();

    // Endless: every run stops after exactly 100 jobs, and the next run continues.
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    el.queue_microtask(move || counting_chain(c, u32::MAX));
    assert!(matches!(el.run(), Err(RunError::MicrotaskBudgetExceeded { budget: 100 })));
    assert_eq!(count.get(), 100);
    assert!(matches!(el.run(), Err(RunError::MicrotaskBudgetExceeded { budget: 100 })));
    assert_eq!(count.get(), 200);
    assert_eq!(r.borrow().len(), 2);
    assert!(r.borrow().iter().all(|(k, _, _)| *k == UncaughtKind::MicrotaskBudgetExceeded));
}

#[test]
fn microtask_budget_leaves_a_long_chain_to_the_next_run() {
    let el = EventLoop::builder().microtask_budget(100).on_uncaught(|_| {}).build();
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    el.queue_microtask(move || counting_chain(c, 150));
    assert!(matches!(el.run(), Err(RunError::MicrotaskBudgetExceeded { budget: 100 })));
    assert_eq!(count.get(), 100);
    el.run().unwrap();
    assert_eq!(count.get(), 150);

    // Exactly the budget is fine: the queue is empty when the budget is reached.
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    el.queue_microtask(move || counting_chain(c, 100));
    el.run().unwrap();
    assert_eq!(count.get(), 100);
}

#[test]
fn no_microtask_budget_by_default() {
    let el = EventLoop::new();
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    el.queue_microtask(move || counting_chain(c, 100_000));
    el.run().unwrap();
    assert_eq!(count.get(), 100_000);
}

#[test]
fn run_once_and_next_deadline_drive_an_embedder_loop() {
    // Virtual clock: run_once never waits, so it never moves virtual time either.
    let el = EventLoop::builder().virtual_clock().build();
    assert_eq!(el.next_deadline(), None);
    assert_eq!(el.run_once().unwrap(), Turn::Done);
    el.set_timeout(Duration::from_secs(60), || {});
    el.queue_task(|| {});
    assert_eq!(el.run_once().unwrap(), Turn::Ran);
    assert_eq!(el.run_once().unwrap(), Turn::Idle);
    assert_eq!(el.next_deadline(), Some(Duration::from_secs(60)));
    assert_eq!(el.now(), Duration::ZERO);

    // Real clock: an outer loop that sleeps until the next deadline between turns. Only the
    // order of events is asserted, not how many idle turns the sleeping took. The timers are
    // set in deadline order: set the other way round, a machine slower than 1 ms between the
    // two calls (valgrind) gives the later-set one the earlier deadline.
    let el = EventLoop::new();
    let log = Log::new();
    let l = log.clone();
    el.set_timeout(Duration::from_millis(1), move || {
        l.push("t1");
        queue_microtask(move || l.push("t1 job"));
    });
    let l = log.clone();
    el.set_timeout(Duration::from_millis(2), move || l.push("t2"));
    let l = log.clone();
    el.queue_task(move || l.push("task"));
    let mut turns = Vec::new();
    loop {
        let turn = el.run_once().unwrap();
        turns.push(turn);
        match turn {
            Turn::Ran => {}
            Turn::Idle => {
                let deadline = el.next_deadline().expect("idle with timers pending has a deadline");
                std::thread::sleep(deadline.saturating_sub(el.now()));
            }
            Turn::Done => break,
        }
    }
    assert_eq!(log.take(), ["task", "t1", "t1 job", "t2"]);
    assert_eq!(turns.iter().filter(|t| **t == Turn::Ran).count(), 3);
    assert_eq!(turns.first(), Some(&Turn::Ran));
    assert_eq!(el.next_deadline(), None);
}

#[test]
fn origin_tells_task_timer_microtask_and_tick_apart() {
    let el = EventLoop::builder().virtual_clock().build();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let timer_id = Rc::new(Cell::new(None));

    assert_eq!(el.origin(), Origin::Outside);
    let s = seen.clone();
    el.queue_task(move || {
        let h = Handle::current();
        s.borrow_mut().push(("task", h.origin()));
        let (s1, h1) = (s.clone(), h.clone());
        h.queue_microtask(move || s1.borrow_mut().push(("job 1", h1.origin())));
        let (s2, h2) = (s.clone(), h.clone());
        h.queue_microtask(move || s2.borrow_mut().push(("job 2", h2.origin())));
        let (s3, h3) = (s.clone(), h.clone());
        h.queue_next_tick(move || s3.borrow_mut().push(("tick", h3.origin())));
    });
    let s = seen.clone();
    timer_id.set(Some(el.set_timeout(Duration::from_millis(1), move || {
        let h = Handle::current();
        s.borrow_mut().push(("timer", h.origin()));
        let (s1, h1) = (s.clone(), h.clone());
        h.queue_microtask(move || s1.borrow_mut().push(("timer job", h1.origin())));
    })));
    el.run().unwrap();
    assert_eq!(el.origin(), Origin::Outside);

    let id = timer_id.get().unwrap().as_u64();
    assert_eq!(
        *seen.borrow(),
        [
            ("task", Origin::Task { index: 1, label: None }),
            ("tick", Origin::NextTick { checkpoint: 1, index: 1, label: None }),
            ("job 1", Origin::Microtask { checkpoint: 1, index: 1, label: None }),
            ("job 2", Origin::Microtask { checkpoint: 1, index: 2, label: None }),
            ("timer", Origin::Timer { index: 2, id }),
            ("timer job", Origin::Microtask { checkpoint: 2, index: 1, label: None }),
        ]
    );
}

#[test]
fn current_handle_outside_a_loop() {
    assert!(Handle::try_current().is_err());
    let payload = catch_unwind(AssertUnwindSafe(|| {
        let _ = Handle::current();
    }))
    .unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(message.contains("EventLoop::enter"), "unhelpful panic message: {message}");

    // queue_microtask outside a loop panics the same way.
    let payload = catch_unwind(|| queue_microtask(|| {})).unwrap_err();
    assert!(payload.downcast_ref::<String>().unwrap().contains("EventLoop::enter"));

    // Inside a task, and under enter, there is a current loop (the right one).
    let el = EventLoop::new();
    let h = el.handle();
    let inside = Rc::new(Cell::new(false));
    let i = inside.clone();
    el.queue_task(move || i.set(Handle::try_current().is_ok_and(|c| c.same_loop(&h))));
    el.run().unwrap();
    assert!(inside.get());
    assert!(Handle::try_current().is_err(), "run must restore the previous (absent) loop");
    {
        let _guard = el.enter();
        assert!(Handle::current().same_loop(&el.handle()));
    }
    assert!(Handle::try_current().is_err());
}
