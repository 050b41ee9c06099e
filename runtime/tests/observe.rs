//! The loop's observer (`Builder::on_event`) is called with no borrow of the loop held: it may
//! use the loop's `Handle`, including from the events of the free `queue_microtask`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use settle_runtime::{EventLoop, Handle, LoopEventKind, Origin, queue_microtask};

#[test]
fn the_observer_may_use_the_handle_at_every_event() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let el = EventLoop::builder()
        .virtual_clock()
        .on_event(move |e| {
            // Reads the loop from inside each event: origin, clock and timers. (The first event,
            // queuing the task before `run`, comes with no loop current.)
            let current = Handle::try_current().ok().map(|h| {
                assert_eq!(h.now(), e.at);
                let _ = h.next_deadline();
                h.origin()
            });
            log.borrow_mut().push((e.kind, current));
        })
        .build();
    el.queue_task(|| {
        let h = Handle::current();
        let t = h.set_timeout(Duration::from_millis(5), || {});
        h.clear_timer(t);
        h.queue_next_tick(|| {});
        queue_microtask(|| {});
    });
    el.run().expect("runs");
    let task = Origin::Task { index: 1, label: None };
    let kinds: Vec<LoopEventKind> = seen.borrow().iter().map(|(k, _)| *k).collect();
    let timer = match kinds[2] {
        LoopEventKind::TimerSet { id, deadline, repeat: false, by } => {
            assert_eq!((deadline, by), (Duration::from_millis(5), task));
            id
        }
        other => panic!("not a timer: {other:?}"),
    };
    assert_eq!(
        kinds,
        [
            LoopEventKind::Queued { queue: "task", by: Origin::Outside },
            LoopEventKind::TaskStarted(task),
            kinds[2],
            LoopEventKind::TimerCleared { id: timer, by: task },
            LoopEventKind::Queued { queue: "nextTick", by: task },
            LoopEventKind::Queued { queue: "microtask", by: task },
            LoopEventKind::TaskFinished(task),
            LoopEventKind::CheckpointStarted { checkpoint: 1, label: None },
            LoopEventKind::JobStarted(Origin::NextTick { checkpoint: 1, index: 1, label: None }),
            LoopEventKind::JobFinished(Origin::NextTick { checkpoint: 1, index: 1, label: None }),
            LoopEventKind::JobStarted(Origin::Microtask { checkpoint: 1, index: 1, label: None }),
            LoopEventKind::JobFinished(Origin::Microtask { checkpoint: 1, index: 1, label: None }),
            LoopEventKind::CheckpointFinished { checkpoint: 1, label: None },
        ]
    );
    // Inside the run the loop is current at every event, and a task's events come while its
    // origin is current.
    assert!(seen.borrow()[1..].iter().all(|(_, current)| current.is_some()));
    assert_eq!(seen.borrow()[1].1, Some(task));
}

#[test]
fn a_panicking_observer_is_reported_and_the_loop_goes_on() {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let log = reports.clone();
    let ran = Rc::new(RefCell::new(Vec::new()));
    let el = EventLoop::builder()
        .on_event(|e| {
            if let LoopEventKind::TaskStarted(Origin::Task { index: 1, .. }) = e.kind {
                panic!("observer bug");
            }
        })
        .on_uncaught(move |u| log.borrow_mut().push(u.to_string()))
        .build();
    let (a, b) = (ran.clone(), ran.clone());
    el.queue_task(move || a.borrow_mut().push("task 1"));
    el.queue_task(move || queue_microtask(move || b.borrow_mut().push("job of task 2")));
    el.run().expect("runs");
    assert_eq!(*ran.borrow(), ["task 1", "job of task 2"]);
    assert_eq!(reports.borrow().len(), 1);
    assert!(reports.borrow()[0].contains("observer bug"), "{:?}", reports.borrow());
}
