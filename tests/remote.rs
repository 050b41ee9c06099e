//! Posting macrotasks to a loop from other threads through a `Remote`.

use std::cell::RefCell;
use std::sync::mpsc;
use std::time::Duration;

use settle::runtime::{EventLoop, Handle};

thread_local! {
    /// What the loop thread's tasks recorded: remote tasks are `Send`, so they record into the
    /// loop thread's own storage instead of capturing an `Rc`.
    static SEEN: RefCell<Vec<(usize, u32)>> = const { RefCell::new(Vec::new()) };
}

#[test]
fn a_hundred_thousand_posts_from_four_threads_arrive_in_per_thread_order() {
    const THREADS: usize = 4;
    const PER_THREAD: u32 = 25_000;

    let el = EventLoop::new();
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let mut remote = el.remote();
            // Keep the loop waiting for this thread until it drops its remote.
            remote.set_keep_alive(true);
            std::thread::spawn(move || {
                for seq in 0..PER_THREAD {
                    remote
                        .post(move || SEEN.with(|s| s.borrow_mut().push((thread, seq))))
                        .unwrap_or_else(|_| panic!("the loop is alive"));
                }
                drop(remote);
            })
        })
        .collect();
    el.run().unwrap();
    for worker in workers {
        worker.join().unwrap();
    }

    let seen = SEEN.with(|s| std::mem::take(&mut *s.borrow_mut()));
    assert_eq!(seen.len(), THREADS * PER_THREAD as usize, "tasks were lost or duplicated");
    let mut next = [0u32; THREADS];
    for (thread, seq) in seen {
        assert_eq!(seq, next[thread], "thread {thread}'s posts ran out of order");
        next[thread] += 1;
    }
    assert_eq!(next, [PER_THREAD; THREADS]);
}

#[test]
fn the_last_post_of_a_keep_alive_remote_is_never_lost() {
    // The poster pushes its task and then drops its keep-alive remote; the loop must not see
    // "no keep-alive remote left" without also seeing the task. Many short rounds, so that the
    // drop often lands while the loop is deciding whether it is done.
    for round in 0..300u32 {
        let el = EventLoop::new();
        let mut remote = el.remote();
        remote.set_keep_alive(true);
        let poster = std::thread::spawn(move || {
            remote.post(move || SEEN.with(|s| s.borrow_mut().push((0, round)))).unwrap();
        });
        el.run().unwrap();
        poster.join().unwrap();
        let seen = SEEN.with(|s| std::mem::take(&mut *s.borrow_mut()));
        assert_eq!(seen, [(0, round)], "round {round}: the posted task did not run");
    }
}

#[test]
fn a_remote_of_a_dropped_loop_gives_the_task_back() {
    let el = EventLoop::new();
    let remote = el.remote();
    assert!(!remote.is_closed());
    drop(el);
    assert!(remote.is_closed());

    let (tx, rx) = mpsc::channel();
    let err =
        std::thread::spawn(move || remote.post(move || tx.send("ran").unwrap()).unwrap_err()).join().unwrap();
    assert_eq!(err.to_string(), "the settle event loop this Remote belongs to has been dropped");
    assert!(rx.try_recv().is_err(), "the task must not have run");
    let task = err.into_inner();
    task();
    assert_eq!(rx.recv().unwrap(), "ran");
}

#[test]
fn a_plain_remote_does_not_keep_the_loop_alive() {
    let el = EventLoop::new();
    let remote = el.remote();
    assert!(!remote.keeps_alive());
    el.run().unwrap(); // returns at once although `remote` exists
    remote.post(|| SEEN.with(|s| s.borrow_mut().push((9, 9)))).unwrap();
    el.run().unwrap(); // a post that is already queued is run
    assert_eq!(SEEN.with(|s| std::mem::take(&mut *s.borrow_mut())), [(9, 9)]);
}

#[test]
fn a_keep_alive_remote_stops_virtual_time_from_jumping() {
    // A virtual-clock loop with a 1 s timeout and a worker that answers after some real time:
    // while the worker's keep-alive remote exists, the clock must not jump to the timeout, so the
    // answer always wins (otherwise the timeout would fire "instantly" and the test would race).
    let el = EventLoop::builder().virtual_clock().build();
    let log = std::rc::Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    el.set_timeout(Duration::from_secs(1), move || l.borrow_mut().push(("timeout", Handle::current().now())));
    let mut remote = el.remote();
    remote.set_keep_alive(true);
    let worker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        remote.post(|| SEEN.with(|s| s.borrow_mut().push((1, 1)))).unwrap();
    });
    let l = log.clone();
    el.run_until(move || {
        let answered = SEEN.with(|s| !s.borrow().is_empty());
        if answered && l.borrow().is_empty() {
            l.borrow_mut().push(("answer", Handle::current().now()));
        }
        answered
    })
    .unwrap();
    worker.join().unwrap();
    el.run().unwrap();
    SEEN.with(|s| s.borrow_mut().clear());
    assert_eq!(*log.borrow(), [("answer", Duration::ZERO), ("timeout", Duration::from_secs(1))]);
}
