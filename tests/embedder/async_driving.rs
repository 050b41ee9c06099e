//! Item 3: the loop driven as a future is woken by what it waits for, with no polling interval.
//! Each test counts the polls and the wake-ups of a one-future executor: the loop is polled once
//! to start, then exactly once per event it waited for.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use settle::prelude::*;

/// A waker that counts its wake-ups and lets the executor sleep until the next one.
#[derive(Default)]
struct Counting {
    wakes: AtomicUsize,
    woken: Mutex<bool>,
    signal: Condvar,
}

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        *self.woken.lock().unwrap() = true;
        self.signal.notify_all();
    }
}

/// Polls `el` until it is done, sleeping (not spinning, not timing out) between polls until
/// woken; calls `after_pending` after each `Pending` with the number of polls so far.
/// Returns (polls, wake-ups).
fn drive(el: &EventLoop, mut after_pending: impl FnMut(usize)) -> (usize, usize) {
    let counting = Arc::new(Counting::default());
    let waker = Waker::from(counting.clone());
    let mut cx = Context::from_waker(&waker);
    let mut polls = 0;
    loop {
        polls += 1;
        match el.poll_run(&mut cx) {
            Poll::Ready(result) => {
                result.unwrap();
                return (polls, counting.wakes.load(Ordering::SeqCst));
            }
            Poll::Pending => {
                after_pending(polls);
                let mut woken = counting.woken.lock().unwrap();
                while !*woken {
                    woken = counting.signal.wait(woken).unwrap();
                }
                *woken = false;
            }
        }
    }
}

#[test]
fn a_post_from_another_thread_wakes_the_loop_once() {
    let el = EventLoop::new();
    let mut remote = el.remote();
    remote.set_keep_alive(true); // the loop waits for this thread
    let (go, wait) = mpsc::channel::<()>();
    let (tx, rx) = mpsc::channel();
    let poster = std::thread::spawn(move || {
        wait.recv().unwrap();
        // The last post carries the keep-alive: it ends on the loop, after the task ran.
        remote.post_last(move || tx.send("ran on the loop").unwrap()).unwrap();
    });
    let (polls, wakes) = drive(&el, |polls| {
        if polls == 1 {
            go.send(()).unwrap(); // only now, so the first poll surely found nothing to do
        }
    });
    poster.join().unwrap();
    assert_eq!(rx.try_recv().unwrap(), "ran on the loop");
    assert_eq!((polls, wakes), (2, 1), "one poll to start, one for the post");
}

#[test]
fn a_worker_result_wakes_the_loop_once() {
    let el = EventLoop::new();
    let (go, wait) = mpsc::channel::<()>();
    let wait = Mutex::new(Some(wait));
    let result = {
        let _g = el.enter();
        let wait = wait.lock().unwrap().take().unwrap();
        spawn_blocking(move || {
            wait.recv().unwrap();
            Ok(6 * 7)
        })
        .then(|v| Ok(v + 1))
    };
    let (polls, wakes) = drive(&el, |polls| {
        if polls == 1 {
            go.send(()).unwrap();
        }
    });
    assert_eq!(result.result().unwrap().unwrap(), 43);
    assert_eq!((polls, wakes), (2, 1), "one poll to start, one for the worker's result");
}

#[test]
fn a_foreign_waker_of_a_settle_task_wakes_the_loop() {
    // A settle task awaiting a future that another thread completes (through the task's
    // waker, which posts to the loop).
    struct Shared {
        done: bool,
        waker: Option<Waker>,
    }
    struct FromThread(Arc<Mutex<Shared>>);
    impl std::future::Future for FromThread {
        type Output = Result<&'static str, Error>;
        fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let mut shared = self.0.lock().unwrap();
            if shared.done {
                Poll::Ready(Ok("completed elsewhere"))
            } else {
                shared.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
    let shared = Arc::new(Mutex::new(Shared { done: false, waker: None }));
    let el = EventLoop::new();
    let s = shared.clone();
    let out = {
        let _g = el.enter();
        spawn_local(FromThread(s))
    };
    let mut completer = None;
    let (polls, wakes) = drive(&el, |polls| {
        if polls == 1 {
            let shared = shared.clone();
            completer = Some(std::thread::spawn(move || {
                let waker = {
                    let mut s = shared.lock().unwrap();
                    s.done = true;
                    s.waker.take().expect("the task registered its waker")
                };
                waker.wake();
            }));
        }
    });
    completer.unwrap().join().unwrap();
    assert_eq!(out.result().unwrap().unwrap(), "completed elsewhere");
    // The task's waker keeps the loop alive while the task is pending; the keep-alive ends on
    // the loop thread when the task finishes, so the post is the only wake-up.
    assert_eq!((polls, wakes), (2, 1), "one poll to start, one for the foreign waker");
}

#[test]
fn a_due_timer_wakes_the_loop_once() {
    let el = EventLoop::new(); // the real clock: the loop's alarm thread wakes the waker
    let fired = std::rc::Rc::new(std::cell::Cell::new(0));
    let f = fired.clone();
    el.set_timeout(std::time::Duration::from_millis(50), move || f.set(f.get() + 1));
    let (polls, wakes) = drive(&el, |_| {});
    assert_eq!(fired.get(), 1);
    // A machine slow enough (valgrind, a loaded CI host) can reach the first poll after the
    // deadline: the timer then runs in that poll and nothing waits. Otherwise the loop waited
    // and exactly one wake-up, the alarm's, brought it back: never a poll without a cause.
    if polls == 1 {
        assert_eq!(wakes, 0, "a loop that finished in its first poll was never woken");
    } else {
        assert_eq!((polls, wakes), (2, 1), "one poll to start, one at the deadline");
    }
}
