//! Item 6: nothing accepted is lost (docs/design.md, "The drop contract"). A `Remote::post` or
//! `SendResolvers::resolve` that returned `Ok` ran (at the latest in the drop's final drain);
//! one that could not be accepted returned its work in the `Err`. Panics during the drop are
//! reported, not propagated.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use settle::prelude::*;
use settle::promise::PromiseState;
use settle::runtime::UncaughtKind;

#[test]
fn a_thousand_resolves_racing_the_drop_are_each_delivered_or_handed_back() {
    const N: usize = 1_000;
    const THREADS: usize = 8;
    let el = EventLoop::new();
    let (promises, mut senders): (Vec<_>, Vec<_>) = {
        let _g = el.enter();
        (0..N).map(|_| Promise::<usize>::with_send_resolvers()).unzip()
    };
    let accepted = Arc::new(AtomicUsize::new(0));
    let handed_back = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let mut threads = Vec::new();
    for t in 0..THREADS {
        let mine: Vec<_> = senders.drain(..N / THREADS).collect();
        let (accepted, handed_back, start) = (accepted.clone(), handed_back.clone(), start.clone());
        threads.push(std::thread::spawn(move || {
            start.wait();
            for (i, send) in mine.into_iter().enumerate() {
                match send.resolve(t * 1000 + i) {
                    Ok(()) => accepted.fetch_add(1, Ordering::SeqCst),
                    Err(gone) => {
                        assert_eq!(gone.into_inner(), Ok(t * 1000 + i), "the value comes back");
                        handed_back.fetch_add(1, Ordering::SeqCst)
                    }
                };
            }
        }));
    }
    start.wait();
    // A few turns deliver some; then the loop is dropped while the threads still resolve.
    for _ in 0..3 {
        el.run_once().unwrap();
    }
    drop(el);
    for t in threads {
        t.join().unwrap();
    }
    let settled = promises.iter().filter(|p| p.state() == PromiseState::Fulfilled).count();
    let accepted = accepted.load(Ordering::SeqCst);
    assert_eq!(accepted + handed_back.load(Ordering::SeqCst), N);
    assert_eq!(settled, accepted, "every accepted resolve was delivered");
}

/// The remote side of the drop contract: 8 threads post 100 000 tasks each while the loop is
/// run a little and then dropped. Every post that returned `Ok` ran (on the loop, or in the
/// drop's final drain); every other post got its task back; every task was dropped once.
#[test]
fn eight_hundred_thousand_posts_racing_the_drop_each_ran_or_were_handed_back() {
    const THREADS: usize = 8;
    const POSTS: usize = 100_000;
    /// Counts its drops: each task is dropped exactly once, whether it ran or came back.
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    let el = EventLoop::new();
    let ran = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (remote, ran, dropped, start) = (el.remote(), ran.clone(), dropped.clone(), start.clone());
            std::thread::spawn(move || {
                let (mut accepted, mut handed_back) = (0usize, 0usize);
                start.wait();
                for _ in 0..POSTS {
                    let (ran, counted) = (ran.clone(), Counted(dropped.clone()));
                    match remote.post(move || {
                        let _counted = counted;
                        ran.fetch_add(1, Ordering::Relaxed);
                    }) {
                        Ok(()) => accepted += 1,
                        Err(refused) => {
                            drop(refused.into_inner()); // handed back, never run
                            handed_back += 1;
                        }
                    }
                }
                (accepted, handed_back)
            })
        })
        .collect();
    start.wait();
    // Run the loop until some posts have run on it, then drop it while the threads post on.
    while ran.load(Ordering::SeqCst) < 10_000 {
        el.run_once().unwrap();
    }
    drop(el);
    let (mut accepted, mut handed_back) = (0, 0);
    for t in threads {
        let (a, h) = t.join().unwrap();
        accepted += a;
        handed_back += h;
    }
    assert_eq!(accepted + handed_back, THREADS * POSTS);
    assert_eq!(ran.load(Ordering::SeqCst), accepted, "every accepted post ran");
    assert_eq!(dropped.load(Ordering::SeqCst), THREADS * POSTS, "every task dropped once");
}

/// A worker's result posted just before the drop is delivered by the drop's final drain: the
/// promise is fulfilled afterwards.
#[test]
fn a_result_posted_just_before_the_drop_is_delivered() {
    let el = EventLoop::new();
    let (p, send) = {
        let _g = el.enter();
        Promise::<u32>::with_send_resolvers()
    };
    std::thread::spawn(move || send.resolve(7).unwrap()).join().unwrap();
    drop(el); // never run: the drop runs the accepted delivery
    assert_eq!(p.result().unwrap().unwrap(), 7);
}

/// A blocking job that finishes after the drop cannot deliver: its result is dropped (and a
/// line on stderr says so), not kept forever.
#[test]
fn a_worker_result_after_the_drop_is_dropped_not_lost_in_a_queue() {
    #[derive(Debug)]
    struct Signal(std::sync::Mutex<std::sync::mpsc::Sender<&'static str>>);
    impl Drop for Signal {
        fn drop(&mut self) {
            let _ = self.0.lock().unwrap().send("result dropped");
        }
    }
    #[derive(Clone, Debug)]
    struct Tracked(#[allow(dead_code)] Arc<Signal>);
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let (tx, rx) = std::sync::mpsc::channel();
    let el = EventLoop::new();
    let p = {
        let _g = el.enter();
        spawn_blocking(move || {
            wait.recv().unwrap();
            Ok(Tracked(Arc::new(Signal(std::sync::Mutex::new(tx)))))
        })
    };
    drop(el);
    go.send(()).unwrap(); // the job finishes only now
    assert_eq!(rx.recv().unwrap(), "result dropped");
    assert!(p.result().is_none(), "the promise stays pending");
}

/// Destructors that panic while the loop is dropped (an unrun task's capture, a job's, a
/// timer's, a hook's) and a remote task that panics in the final drain are each reported
/// through the uncaught hook; the drop itself returns normally.
#[test]
fn panics_during_the_drop_are_reported_not_propagated() {
    struct PanicsOnDrop(&'static str);
    impl Drop for PanicsOnDrop {
        fn drop(&mut self) {
            panic!("{} panicked in its destructor", self.0);
        }
    }
    let reports: Rc<RefCell<Vec<(UncaughtKind, String)>>> = Rc::default();
    let r = reports.clone();
    let el = EventLoop::builder()
        .on_uncaught(move |u| r.borrow_mut().push((u.kind(), u.message().to_string())))
        .build();
    let guard = PanicsOnDrop("a task's capture");
    el.queue_task(move || drop(guard));
    let guard = PanicsOnDrop("a job's capture");
    el.queue_microtask(move || drop(guard));
    let guard = PanicsOnDrop("a timer's capture");
    el.set_timeout(Duration::from_secs(60), move || drop(guard));
    let remote = el.remote();
    std::thread::spawn(move || remote.post(|| panic!("a remote task run by the drop")).unwrap())
        .join()
        .unwrap();
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(el)));
    assert!(dropped.is_ok(), "no panic escapes the drop");
    let reports = reports.borrow();
    let mut messages: Vec<_> = reports.iter().map(|(_, m)| m.as_str()).collect();
    messages.sort_unstable();
    assert_eq!(
        messages,
        [
            "a destructor panicked while the loop was dropped: a job's capture panicked in its destructor",
            "a destructor panicked while the loop was dropped: a task's capture panicked in its destructor",
            "a destructor panicked while the loop was dropped: a timer's capture panicked in its destructor",
            "a remote task run by the drop",
        ]
    );
    assert!(reports.iter().all(|(k, _)| *k == UncaughtKind::Panic));
}
