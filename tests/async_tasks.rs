//! Async Rust on the settle loop: tasks (`spawn_local`), `promise.await`, timers, abort
//! signals, worker threads, and foreign futures.
//!
//! A task is a JavaScript `async` function (or the book's `run(gen)` over a promise-yielding
//! generator, chapter 4 of "Async & Performance"): it runs at once until its first `await`, its
//! `Ok` resolves its promise and its `Err` rejects it, and each `await` of a settle promise
//! resumes it in the same microtask tick as in JavaScript. Every ordering asserted here is exact;
//! time is the virtual clock's, so nothing depends on how fast the machine is.
//!
//! The JavaScript figures were checked against Node 20.20.2 (V8 11.3), as each test says.

use std::cell::RefCell;
use std::future::Future;
use std::future::IntoFuture;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use settle::promise::{
    AbortController, Error, ErrorKind, Promise, PromiseState, RejectionEvent, RejectionEventKind,
    RejectionPolicy, Resolution, Resolvers, Thenable, set_rejection_policy, set_worker_pool_size, sleep,
    sleep_with_signal, spawn_blocking, spawn_local, spawn_local_with_signal, timeout_with_signal,
};
// `Promise::with_send_resolvers` is settle-futures' (an extension trait since the split).
use settle::promise::PromiseFutures;
use settle::runtime::{EventLoop, Handle};

mod support;
use support::Log;

/// A virtual-clock loop on which any uncaught error (a panic escaping a job, an unhandled
/// rejection) fails the test.
fn strict_loop() -> EventLoop {
    EventLoop::builder().virtual_clock().on_uncaught(|u| panic!("unexpected uncaught error: {u}")).build()
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `new Promise(r => setTimeout(() => r(v), ms))`.
fn delay<T: Clone + 'static>(after: u64, v: T) -> Promise<T> {
    let (p, resolvers) = Promise::<T>::with_resolvers();
    Handle::current().set_timeout(ms(after), move || resolvers.resolve(v));
    p
}

/// `new Promise((_, r) => setTimeout(() => r(reason), ms))`.
fn delay_fail<T: Clone + 'static>(after: u64, reason: &str) -> Promise<T> {
    let (p, resolvers) = Promise::<T>::with_resolvers();
    let reason = Error::msg(reason);
    Handle::current().set_timeout(ms(after), move || resolvers.reject(reason));
    p
}

// ---------------------------------------------------------------------------------------------
// The book's generator runner, with async blocks
// ---------------------------------------------------------------------------------------------

/// The book's `request(url)` ("Async & Performance" ch. 4, "Generators + Promises"), with the
/// Ajax call replaced by a timer: a tiny fake server, answering after a delay; an unknown URL
/// rejects with "404: url".
fn request(url: &str) -> Promise<String> {
    let hit = match url {
        "http://some.url.1/?x=11&y=31" => Some((5, "42")),
        "http://some.url.1" => Some((30, "one")),
        "http://some.url.2" => Some((20, "two")),
        "http://some.url.3/?v=one,two" => Some((10, "three")),
        _ => None,
    };
    match hit {
        Some((after, text)) => delay(after, text.to_string()),
        None => delay_fail(1, &format!("404: {url}")),
    }
}

/// `function foo(x,y) { return request("http://some.url.1/?x=" + x + "&y=" + y); }`
fn foo(x: i32, y: i32) -> Promise<String> {
    request(&format!("http://some.url.1/?x={x}&y={y}"))
}

/// The three generators of the book's chapter, run one after the other, each as a task (an
/// async block in place of `run(gen)`). The same program in JavaScript, with the book's `run(..)`
/// verbatim, the same fake server and the same steps, printed in Node 20.20.2:
///
/// ```text
/// 42
/// error: 404: http://some.url.1/?x=1&y=2
/// three
/// foo2 returned three
/// 3b done
/// 3c done
/// 3a done
/// step4: 3a(recovered from step1 failed -> step2) | 3b(recovered from step1 failed -> step2) | 3c(recovered from step1 failed -> step2)
/// main2 completed: undefined
/// ```
///
/// (`main2` yields `step4(ret)` without returning it, so JavaScript prints `undefined`; the Rust
/// task returns `()`.)
#[test]
fn the_books_generator_runner_as_async_blocks() {
    let el = strict_loop();
    let log = Log::new();
    let out = log.clone();
    el.queue_task(move || {
        // A&P ch. 4:
        //   function *main() {
        //     try { var text = yield foo( 11, 31 ); console.log( text ); }
        //     catch (err) { console.error( err ); }
        //   }
        // run twice in a row, the second request failing.
        let l = out.clone();
        let main: Promise<()> = spawn_local(async move {
            match foo(11, 31).await {
                Ok(text) => l.push(text),
                Err(err) => l.push(format!("error: {err}")),
            }
            match foo(1, 2).await {
                Ok(text) => l.push(text),
                Err(err) => l.push(format!("error: {err}")),
            }
            Ok::<_, Error>(())
        });

        // A&P ch. 4, "Promise Concurrency in Generators":
        //   var results = yield Promise.all( [ request( "http://some.url.1" ),
        //                                      request( "http://some.url.2" ) ] );
        //   var r3 = yield request( "http://some.url.3/?v=" + r1 + "," + r2 );
        //   console.log( r3 );
        async fn foo2(l: Log) -> Result<String, Error> {
            let results =
                Promise::<String>::all([request("http://some.url.1"), request("http://some.url.2")]).await?;
            let (r1, r2) = (&results[0], &results[1]);
            let r3 = request(&format!("http://some.url.3/?v={r1},{r2}")).await?;
            l.push(r3.clone());
            Ok(r3)
        }

        // ES6 & Beyond ch. 4, "Generators + Promises":
        //   function *main() {
        //     try { var ret = yield step1(); }
        //     catch (err) { ret = yield step1Failed( err ); }
        //     ret = yield step2( ret );
        //     ret = yield Promise.all( [ step3a( ret ), step3b( ret ), step3c( ret ) ] );
        //     yield step4( ret );
        //   }
        fn step1() -> Promise<String> {
            delay_fail(10, "step1 failed")
        }
        fn step1_failed(err: Error) -> Promise<String> {
            delay(10, format!("recovered from {err}"))
        }
        fn step2(msg: String) -> Promise<String> {
            delay(10, format!("{msg} -> step2"))
        }
        fn step3(name: &'static str, after: u64, msg: &str, l: &Log) -> Promise<String> {
            let (l, msg) = (l.clone(), msg.to_string());
            delay(after, ()).then(move |()| {
                l.push(format!("{name} done"));
                Ok(format!("{name}({msg})"))
            })
        }
        fn step4(ret: &[String], l: &Log) -> Promise<usize> {
            l.push(format!("step4: {}", ret.join(" | ")));
            delay(0, ret.len())
        }
        async fn main2(l: Log) -> Result<(), Error> {
            let ret = match step1().await {
                Ok(ret) => ret,
                Err(err) => step1_failed(err).await?,
            };
            let ret = step2(ret).await?;
            let ret = Promise::<String>::all([
                step3("3a", 30, &ret, &l),
                step3("3b", 10, &ret, &l),
                step3("3c", 20, &ret, &l),
            ])
            .await?;
            step4(&ret, &l).await?;
            Ok(())
        }

        // run( main ).then(() => run( foo2 )) ... .then( fulfilled, rejected )
        let (l2, l3, l4) = (out.clone(), out.clone(), out.clone());
        main.then(move |()| {
            let p: Promise<String> = spawn_local(foo2(l2));
            Ok(p)
        })
        .then(move |r3: String| {
            l3.push(format!("foo2 returned {r3}"));
            let p: Promise<()> = spawn_local(main2(l3.clone()));
            Ok(p)
        })
        .then_both(
            move |()| {
                l4.push("main2 completed");
                Ok(())
            },
            |reason| -> Result<(), Error> { panic!("main2 failed: {reason}") },
        );
    });
    el.run().unwrap();
    assert_eq!(
        log.lines(),
        [
            "42",
            "error: 404: http://some.url.1/?x=1&y=2",
            "three",
            "foo2 returned three",
            "3b done",
            "3c done",
            "3a done",
            "step4: 3a(recovered from step1 failed -> step2) | 3b(recovered from step1 failed -> step2) \
             | 3c(recovered from step1 failed -> step2)",
            "main2 completed",
        ]
    );
    // 5 + 1 (main), max(30, 20) + 10 (foo2), 10 + 10 + 10 + max(30, 10, 20) + 0 (main2).
    assert_eq!(el.now(), ms(6 + 40 + 60));
}

// ---------------------------------------------------------------------------------------------
// Await timing: the await rows of spec-ticks.md
// ---------------------------------------------------------------------------------------------

/// Runs `scenario` in a task, then starts the ruler `Promise.resolve().then(t1).then(t2)...`,
/// runs the loop and returns the log. The same harness in JavaScript:
///
/// ```js
/// const log = [];
/// scenario(log);                    // pushes 'X'
/// let p = Promise.resolve();
/// for (let i = 1; i <= 6; i++) p = p.then(() => log.push('t' + i));
/// ```
fn ruled(scenario: impl FnOnce(Log) + 'static) -> Vec<String> {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        scenario(l.clone());
        let mut ruler = Promise::<()>::resolve(());
        for i in 1..=6 {
            let l = l.clone();
            ruler = ruler.then(move |()| {
                l.push(format!("t{i}"));
                Ok(())
            });
        }
    });
    el.run().unwrap();
    log.lines()
}

/// The tick in which X ran: 1 + the ruler steps before it. Checks that X ran exactly once.
fn tick_of_x(log: &[String]) -> usize {
    assert_eq!(log.iter().filter(|s| *s == "X").count(), 1, "X ran once: {log:?}");
    1 + log.iter().position(|s| s == "X").unwrap()
}

/// `{ then(f) { f(1) } }`.
struct SyncThenable;

impl Thenable<i32, Error> for SyncThenable {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        resolvers.resolve(1);
        Ok(())
    }
}

// Node 20.20.2, same ruler (the six rows below, in order):
//   await nativePromise; X                       X t1 t2 t3 t4 t5 t6
//   await v; X                                   X t1 t2 t3 t4 t5 t6
//   await Promise.resolve(thenable); X           t1 X t2 t3 t4 t5 t6
//   (async () => v)().then(X)                    X t1 t2 t3 t4 t5 t6
//   (async () => nativePromise)().then(X)        t1 t2 X t3 t4 t5 t6
//   (async () => await nativePromise)().then(X)  t1 X t2 t3 t4 t5 t6

#[test]
fn await_native_promise_resumes_in_tick_1() {
    let log = ruled(|l| {
        let _: Promise<()> = spawn_local(async move {
            Promise::<i32>::resolve(1).await?;
            l.push("X");
            Ok::<_, Error>(())
        });
    });
    assert_eq!(log, ["X", "t1", "t2", "t3", "t4", "t5", "t6"]);
    assert_eq!(tick_of_x(&log), 1);
}

#[test]
fn await_plain_value_resumes_in_tick_1() {
    // Rust cannot await a plain value; Await's step 2 turns `v` into PromiseResolve(v), a
    // fulfilled native promise, which is what is awaited here.
    let log = ruled(|l| {
        let _: Promise<()> = spawn_local(async move {
            let v = Promise::<i32>::resolve(Resolution::Value(7)).await?;
            assert_eq!(v, 7);
            l.push("X");
            Ok::<_, Error>(())
        });
    });
    assert_eq!(tick_of_x(&log), 1);
}

#[test]
fn await_thenable_resumes_in_tick_2() {
    let log = ruled(|l| {
        let _: Promise<()> = spawn_local(async move {
            let v = Promise::<i32>::resolve(Resolution::thenable(SyncThenable)).await?;
            assert_eq!(v, 1);
            l.push("X");
            Ok::<_, Error>(())
        });
    });
    assert_eq!(log, ["t1", "X", "t2", "t3", "t4", "t5", "t6"]);
    assert_eq!(tick_of_x(&log), 2);
}

#[test]
fn async_returning_a_value_then_runs_in_tick_1() {
    let log = ruled(|l| {
        let p: Promise<i32> = spawn_local(async { Ok::<_, Error>(1) });
        p.then(move |_| {
            l.push("X");
            Ok(())
        });
    });
    assert_eq!(tick_of_x(&log), 1);
}

#[test]
fn async_returning_a_native_promise_then_runs_in_tick_3() {
    let log = ruled(|l| {
        // The body's Ok(promise) goes through the resolve function: adopted, +2 ticks.
        let p: Promise<i32> = Promise::from_future(async { Ok::<_, Error>(Promise::<i32>::resolve(1)) });
        p.then(move |v| {
            assert_eq!(v, 1);
            l.push("X");
            Ok(())
        });
    });
    assert_eq!(log, ["t1", "t2", "X", "t3", "t4", "t5", "t6"]);
    assert_eq!(tick_of_x(&log), 3);
}

#[test]
fn async_returning_an_awaited_native_promise_then_runs_in_tick_2() {
    let log = ruled(|l| {
        let p: Promise<i32> = spawn_local(async { Promise::<i32>::resolve(1).await });
        p.then(move |_| {
            l.push("X");
            Ok(())
        });
    });
    assert_eq!(tick_of_x(&log), 2);
}

/// An async function racing a then-chain, each step one tick. Node 20.20.2 prints
/// `Await:1 Promise:1 Await:2 Promise:2` for
///
/// ```js
/// (async () => { await Promise.resolve(); log('Await:1'); await Promise.resolve(); log('Await:2'); })();
/// Promise.resolve().then(() => log('Promise:1')).then(() => log('Promise:2'));
/// ```
#[test]
fn an_async_block_interleaves_with_a_then_chain() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let a = l.clone();
        let _: Promise<()> = spawn_local(async move {
            Promise::<()>::resolve(()).await?;
            a.push("Await:1");
            Promise::<()>::resolve(()).await?;
            a.push("Await:2");
            Ok::<_, Error>(())
        });
        let (p1, p2) = (l.clone(), l.clone());
        Promise::<()>::resolve(())
            .then(move |()| {
                p1.push("Promise:1");
                Ok(())
            })
            .then(move |()| {
                p2.push("Promise:2");
                Ok(())
            });
    });
    el.run().unwrap();
    assert_eq!(log.lines().join(" "), "Await:1 Promise:1 Await:2 Promise:2");
}

// ---------------------------------------------------------------------------------------------
// Foreign futures
// ---------------------------------------------------------------------------------------------

/// What the worker thread and the future share.
#[derive(Default)]
struct Shared {
    value: Option<u64>,
    waker: Option<Waker>,
    started: bool,
}

/// A hand-written future that is not a settle promise: on its first poll it stores the waker
/// and starts a thread, which computes a value, stores it and wakes the waker. Counts its polls.
struct ThreadComputed {
    shared: Arc<Mutex<Shared>>,
    polls: Rc<RefCell<usize>>,
}

impl Future for ThreadComputed {
    type Output = Result<u64, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<u64, Error>> {
        *self.polls.borrow_mut() += 1;
        let mut shared = self.shared.lock().unwrap();
        if let Some(v) = shared.value.take() {
            return Poll::Ready(Ok(v));
        }
        shared.waker = Some(cx.waker().clone());
        if !shared.started {
            shared.started = true;
            let shared = self.shared.clone();
            std::thread::spawn(move || {
                // Real time passes here while the loop waits (its virtual clock does not move).
                std::thread::sleep(Duration::from_millis(20));
                let waker = {
                    let mut s = shared.lock().unwrap();
                    s.value = Some((1..=20).product());
                    s.waker.take()
                };
                waker.expect("the future stored its waker").wake();
            });
        }
        Poll::Pending
    }
}

#[test]
fn a_foreign_future_woken_from_another_thread() {
    let el = strict_loop();
    let polls = Rc::new(RefCell::new(0));
    let log = Log::new();
    let (pl, l) = (polls.clone(), log.clone());
    el.queue_task(move || {
        // An hour-long timer: the virtual clock must not jump to it while the thread works.
        let lt = l.clone();
        Handle::current().set_timeout(Duration::from_secs(3600), move || lt.push("timer"));
        let l2 = l.clone();
        let p: Promise<u64> = spawn_local(async move {
            let v = ThreadComputed { shared: Arc::default(), polls: pl }.await?;
            l2.push(format!("computed at {:?}", Handle::current().now()));
            Ok::<_, Error>(v)
        });
        p.then(move |v| {
            l.push(format!("got {v}"));
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["computed at 0ns", "got 2432902008176640000", "timer"]);
    // Polled once to start, once after the single wake: never busy-polled.
    assert_eq!(*polls.borrow(), 2);
}

// ---------------------------------------------------------------------------------------------
// Many tasks on timers
// ---------------------------------------------------------------------------------------------

#[test]
fn ten_thousand_tasks_sleep_and_finish_in_deadline_order() {
    const N: u64 = 10_000;
    // A permutation of 1..=N ms (7919 is prime, coprime with N).
    let delay_of = |i: u64| (i * 7919) % N + 1;
    let el = strict_loop();
    let done = Rc::new(RefCell::new(Vec::with_capacity(N as usize)));
    let d = done.clone();
    el.queue_task(move || {
        for i in 0..N {
            let d = d.clone();
            let _: Promise<()> = spawn_local(async move {
                sleep(ms(delay_of(i))).await?;
                d.borrow_mut().push((i, Handle::current().now()));
                Ok::<_, Error>(())
            });
        }
    });
    el.run().unwrap();
    let done = done.borrow();
    assert_eq!(done.len(), N as usize);
    let mut expected: Vec<u64> = (0..N).collect();
    expected.sort_by_key(|&i| delay_of(i));
    assert_eq!(done.iter().map(|&(i, _)| i).collect::<Vec<_>>(), expected);
    assert!(done.iter().all(|&(i, at)| at == ms(delay_of(i))), "each task woke at its own deadline");
    assert_eq!(el.now(), ms(N));
}

// ---------------------------------------------------------------------------------------------
// Workers, panics, errors
// ---------------------------------------------------------------------------------------------

/// Makes "the order in which workers finished" well defined: a worker takes the baton, records
/// its index and returns; the loop hands the baton back when that result has arrived. So no two
/// results are ever in flight at once, and the order of arrival must equal the order of
/// finishing. The even job `2k` also waits until job `2k + 1` has finished, so the completion
/// order is not the submission order.
#[derive(Default)]
struct Baton {
    state: Mutex<BatonState>,
    changed: Condvar,
}

#[derive(Default)]
struct BatonState {
    taken: bool,
    finished: Vec<bool>,
    order: Vec<usize>,
}

impl Baton {
    fn finish(&self, i: usize) {
        let mut s = self.state.lock().unwrap();
        while s.taken || (i.is_multiple_of(2) && !s.finished[i + 1]) {
            s = self.changed.wait(s).unwrap();
        }
        s.taken = true;
        s.finished[i] = true;
        s.order.push(i);
        self.changed.notify_all();
    }

    fn give_back(&self) {
        self.state.lock().unwrap().taken = false;
        self.changed.notify_all();
    }
}

#[test]
fn a_worker_pool_resolves_on_the_loop_in_order_of_completion() {
    const N: usize = 1_000;
    let el = strict_loop();
    set_worker_pool_size(&el, 4);
    let baton = Arc::new(Baton::default());
    baton.state.lock().unwrap().finished = vec![false; N];
    let arrived = Rc::new(RefCell::new(Vec::with_capacity(N)));
    let (b, a) = (baton.clone(), arrived.clone());
    el.queue_task(move || {
        for i in 0..N {
            let worker_baton = b.clone();
            let p: Promise<(usize, u64)> = spawn_blocking(move || {
                let sum = (0..=i as u64).sum::<u64>();
                worker_baton.finish(i);
                Ok::<_, Error>((i, sum))
            });
            let (b, a) = (b.clone(), a.clone());
            p.then(move |(i, sum)| {
                assert_eq!(sum, (i * (i + 1) / 2) as u64);
                a.borrow_mut().push(i);
                b.give_back();
                Ok(())
            });
        }
    });
    el.run().unwrap();
    let finished = baton.state.lock().unwrap().order.clone();
    assert_eq!(finished.len(), N);
    assert_eq!(*arrived.borrow(), finished, "results arrive on the loop in the order the workers finished");
    for k in (0..N).step_by(2) {
        let at = |i| finished.iter().position(|&j| j == i).unwrap();
        assert!(at(k + 1) < at(k), "job {} finished before job {k}", k + 1);
    }
}

fn panic_message(e: &Error) -> &str {
    match e.kind() {
        ErrorKind::Panic(p) => p.message(),
        other => panic!("expected a PanicError, got {other:?}"),
    }
}

#[test]
fn a_panicking_worker_rejects_with_a_panic_error_and_the_loop_goes_on() {
    let el = strict_loop();
    set_worker_pool_size(&el, 2);
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let p: Promise<i32> = spawn_blocking(|| -> Result<i32, Error> { panic!("worker boom") });
        let l2 = l.clone();
        p.then_both(
            |v| -> Result<(), Error> { panic!("fulfilled with {v}") },
            move |e| {
                l2.push(format!("rejected: {}", panic_message(&e)));
                // The loop goes on: more work, on the loop and on the pool.
                let after: Promise<i32> = spawn_blocking(|| Ok::<_, Error>(42));
                let l3 = l2.clone();
                after.then(move |v| {
                    l3.push(format!("next worker: {v}"));
                    Ok(())
                });
                Ok(())
            },
        );
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["rejected: worker boom", "next worker: 42"]);
}

#[test]
fn a_panicking_task_rejects_with_a_panic_error_and_the_loop_goes_on() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let l1 = l.clone();
        let p: Promise<i32> = spawn_local(async move {
            sleep(ms(5)).await?;
            l1.push("before the panic");
            if l1.lines().len() == 1 {
                panic!("task boom");
            }
            l1.push("never");
            Ok::<_, Error>(1)
        });
        let l2 = l.clone();
        p.catch(move |e| {
            l2.push(format!("rejected at {:?}: {}", Handle::current().now(), panic_message(&e)));
            Ok(0)
        });
        let l3 = l.clone();
        let _: Promise<()> = spawn_local(async move {
            sleep(ms(10)).await?;
            l3.push("another task, later");
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["before the panic", "rejected at 5ms: task boom", "another task, later"]);
    assert_eq!(el.now(), ms(10));
}

#[test]
fn a_task_returning_err_rejects_its_promise() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let p: Promise<i32> = spawn_local(async {
            sleep(ms(1)).await?;
            Err::<i32, _>(Error::msg("nope"))
        });
        assert_eq!(p.state(), PromiseState::Pending);
        p.catch(move |e| {
            l.push(format!("caught {e}"));
            Ok(0)
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["caught nope"]);
}

/// `?` is the `try`/`catch` of the book's generators: a rejection at any await skips the rest of
/// the body; an inner async block plays the `try` block.
#[test]
fn question_mark_across_awaits_works_like_try_catch() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let body = l.clone();
        let p: Promise<String> = spawn_local(async move {
            let l = body;
            // try { ... } catch (err) { ... }
            let attempt = async {
                let a = delay(5, 1).await?;
                l.push(format!("a = {a}"));
                let b: i32 = delay_fail(5, "b failed").await?;
                l.push(format!("b = {b} (never)"));
                Ok::<_, Error>(a + b)
            }
            .await;
            let recovered = match attempt {
                Ok(sum) => sum,
                Err(err) => {
                    l.push(format!("catch: {err}"));
                    -1
                }
            };
            // An uncaught failure: the task's promise rejects with it.
            let c: i32 = delay_fail(5, "c failed").await?;
            l.push("after c (never)");
            Ok(format!("{recovered} {c}"))
        });
        p.then_both(
            |v| -> Result<(), Error> { panic!("fulfilled with {v}") },
            move |e| {
                l.push(format!("task rejected: {e}"));
                Ok(())
            },
        );
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["a = 1", "catch: b failed", "task rejected: c failed"]);
    assert_eq!(el.now(), ms(15));
}

// ---------------------------------------------------------------------------------------------
// Abort
// ---------------------------------------------------------------------------------------------

fn is_abort(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::Abort(_))
}

/// Runs `make` in a task with a fresh signal, aborts at `abort_at`, and returns the log, the
/// loop's final time and the outcome of the promise `make` returned.
fn with_abort_at(
    abort_at: u64,
    make: impl FnOnce(&AbortController, Log) -> Promise<u32> + 'static,
) -> (Vec<String>, Duration, Option<Result<u32, Error>>) {
    let el = strict_loop();
    let log = Log::new();
    let outcome = Rc::new(RefCell::new(None));
    let (l, o) = (log.clone(), outcome.clone());
    el.queue_task(move || {
        let controller = AbortController::new();
        let p = make(&controller, l.clone());
        *o.borrow_mut() = Some(p.clone());
        let l2 = l.clone();
        p.then_both(
            move |v| {
                l2.push(format!("fulfilled {v} at {:?}", Handle::current().now()));
                Ok(())
            },
            move |e| {
                assert!(is_abort(&e), "rejected with {e:?}");
                l.push(format!("aborted at {:?}", Handle::current().now()));
                Ok(())
            },
        );
        Handle::current().set_timeout(ms(abort_at), move || controller.abort());
    });
    el.run().unwrap();
    let result = outcome.borrow().as_ref().and_then(Promise::result);
    (log.lines(), el.now(), result)
}

#[test]
fn sleep_with_signal_aborted_before_the_timer_fires() {
    let (log, now, result) = with_abort_at(1_000, |c, l| {
        let signal = c.signal();
        spawn_local(async move {
            sleep_with_signal(ms(60_000), &signal).await?;
            l.push("slept (never)");
            Ok::<_, Error>(1)
        })
    });
    assert_eq!(log, ["aborted at 1s"]);
    assert_eq!(now, ms(1_000), "the minute-long timer was cleared");
    assert!(result.is_some_and(|r| r.is_err_and(|e| is_abort(&e))));
}

#[test]
fn sleep_with_signal_aborted_after_the_timer_fired() {
    let (log, now, result) = with_abort_at(5_000, |c, l| {
        let signal = c.signal();
        spawn_local(async move {
            sleep_with_signal(ms(1_000), &signal).await?;
            l.push("slept");
            Ok::<_, Error>(1)
        })
    });
    assert_eq!(log, ["slept", "fulfilled 1 at 1s"]);
    assert_eq!(now, ms(5_000));
    assert_eq!(result, Some(Ok(1)), "the late abort changed nothing");
}

#[test]
fn timeout_with_signal_aborted_before_the_timers_fire() {
    let (log, now, result) = with_abort_at(1_000, |c, l| {
        let signal = c.signal();
        spawn_local(async move {
            timeout_with_signal(sleep(ms(10_000)), ms(20_000), &signal).await?;
            l.push("done (never)");
            Ok::<_, Error>(2)
        })
    });
    assert_eq!(log, ["aborted at 1s"]);
    assert_eq!(now, ms(1_000), "both the work's timer and the timeout's were cleared");
    assert!(result.is_some_and(|r| r.is_err_and(|e| is_abort(&e))));
}

#[test]
fn timeout_with_signal_aborted_after_the_work_finished() {
    let (log, now, result) = with_abort_at(5_000, |c, l| {
        let signal = c.signal();
        spawn_local(async move {
            timeout_with_signal(sleep(ms(1_000)), ms(20_000), &signal).await?;
            l.push("done");
            Ok::<_, Error>(2)
        })
    });
    assert_eq!(log, ["done", "fulfilled 2 at 1s"]);
    assert_eq!(now, ms(5_000), "the 20 s timeout was cleared when the work finished");
    assert_eq!(result, Some(Ok(2)));
}

#[test]
fn spawn_local_with_signal_aborted_before_the_timer_fires() {
    let (log, now, result) = with_abort_at(1_000, |c, l| {
        spawn_local_with_signal(
            async move {
                l.push("started");
                sleep(ms(60_000)).await?;
                l.push("slept (never)");
                Ok::<_, Error>(3)
            },
            &c.signal(),
        )
    });
    assert_eq!(log, ["started", "aborted at 1s"]);
    assert_eq!(now, ms(1_000), "dropping the task's future cleared its timer");
    assert!(result.is_some_and(|r| r.is_err_and(|e| is_abort(&e))));
}

#[test]
fn spawn_local_with_signal_aborted_after_the_task_finished() {
    let (log, now, result) = with_abort_at(5_000, |c, l| {
        spawn_local_with_signal(
            async move {
                sleep(ms(1_000)).await?;
                l.push("slept");
                Ok::<_, Error>(3)
            },
            &c.signal(),
        )
    });
    assert_eq!(log, ["slept", "fulfilled 3 at 1s"]);
    assert_eq!(now, ms(5_000));
    assert_eq!(result, Some(Ok(3)));
}

// ---------------------------------------------------------------------------------------------
// SendResolvers
// ---------------------------------------------------------------------------------------------

#[test]
fn send_resolvers_settle_a_promise_from_another_thread() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let (p, send) = Promise::<String>::with_send_resolvers();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            send.resolve("from a thread".to_string()).unwrap();
        });
        let _: Promise<()> = spawn_local(async move {
            let v = p.await?;
            l.push(v);
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap(); // kept alive until the thread resolved
    assert_eq!(log.lines(), ["from a thread"]);
    assert_eq!(el.now(), Duration::ZERO);
}

#[test]
fn send_resolvers_hand_the_value_back_when_the_loop_is_gone() {
    let el = strict_loop();
    let (send_ok, send_err) = {
        let _g = el.enter();
        let (_p, a) = Promise::<i32>::with_send_resolvers();
        let (_q, b) = Promise::<i32>::with_send_resolvers();
        (a, b)
    };
    drop(el);
    let undelivered = std::thread::spawn(move || {
        let a = send_ok.resolve(42).unwrap_err().into_inner();
        let b = send_err.reject(Error::msg("late")).unwrap_err().into_inner();
        (a, b)
    })
    .join()
    .unwrap();
    assert_eq!(undelivered, (Ok(42), Err(Error::msg("late"))));
}

// ---------------------------------------------------------------------------------------------
// Rejection tracking
// ---------------------------------------------------------------------------------------------

/// A virtual-clock loop whose rejection events are recorded.
fn tracked_loop() -> (EventLoop, Rc<RefCell<Vec<RejectionEventKind>>>) {
    let el = strict_loop();
    let events = Rc::new(RefCell::new(Vec::new()));
    let e = events.clone();
    set_rejection_policy(
        &el,
        RejectionPolicy::Callback(Rc::new(move |ev: &RejectionEvent| e.borrow_mut().push(ev.kind))),
    );
    (el, events)
}

/// Node 20.20.2: `(async () => { const p = Promise.reject(e); try { await p } catch {} })()`
/// emits no `unhandledRejection`.
#[test]
fn awaiting_handles_a_rejection_from_the_moment_the_await_begins() {
    let (el, events) = tracked_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let l1 = l.clone();
        let _: Promise<()> = spawn_local(async move {
            // Rejected in this task, awaited in the same task: handled by the await itself.
            let p = Promise::<i32>::reject(Error::msg("same task"));
            match p.await {
                Ok(v) => panic!("fulfilled with {v}"),
                Err(e) => l1.push(format!("caught {e}")),
            }
            // Awaited while pending, rejected later by a timer.
            let (q, resolvers) = Promise::<i32>::with_resolvers();
            Handle::current().set_timeout(ms(5), move || resolvers.reject(Error::msg("later")));
            if let Err(e) = q.await {
                l1.push(format!("caught {e}"));
            }
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["caught same task", "caught later"]);
    assert!(events.borrow().is_empty(), "no rejection events: {:?}", events.borrow());
}

/// The control: awaited only after a sleep, the rejection was unhandled at the end of its
/// checkpoint, then handled. Node 20.20.2 prints `unhandledRejection`, then the catch, then
/// `rejectionHandled` for the same program.
#[test]
fn awaiting_a_rejection_only_later_reports_it_unhandled_then_handled() {
    let (el, events) = tracked_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let _: Promise<()> = spawn_local(async move {
            let p = Promise::<i32>::reject(Error::msg("too late"));
            sleep(ms(1)).await?;
            if let Err(e) = p.await {
                l.push(format!("caught {e}"));
            }
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["caught too late"]);
    assert_eq!(*events.borrow(), [RejectionEventKind::Unhandled, RejectionEventKind::Handled]);
}

/// Counts polls of a future that completes on its second poll, woken by itself: the task must
/// poll it again exactly once per wake.
struct YieldOnce {
    polls: Arc<AtomicUsize>,
}

impl Future for YieldOnce {
    type Output = Result<(), Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        if self.polls.fetch_add(1, Ordering::SeqCst) == 0 {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            Poll::Ready(Ok(()))
        }
    }
}

/// A wake of the task's own waker resumes the task in a macrotask of its own (after the
/// current checkpoint), not in a microtask.
#[test]
fn a_self_woken_future_resumes_in_a_later_macrotask() {
    let el = strict_loop();
    let log = Log::new();
    let polls = Arc::new(AtomicUsize::new(0));
    let (l, pc) = (log.clone(), polls.clone());
    el.queue_task(move || {
        let l1 = l.clone();
        let _: Promise<()> = spawn_local(async move {
            YieldOnce { polls: pc }.await?;
            l1.push("resumed");
            Ok::<_, Error>(())
        });
        let l2 = l.clone();
        Promise::<()>::resolve(()).then(move |()| {
            l2.push("microtask");
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["microtask", "resumed"]);
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------------------

/// Sets a flag when dropped.
struct DropFlag(Rc<std::cell::Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

/// `(async () => { await new Promise(() => {}); })()`: Node exits, the function is simply never
/// resumed (and is garbage collected). The loop must finish, and dropping it must free the task.
#[test]
fn a_task_awaiting_a_promise_that_never_settles_does_not_keep_the_loop_alive() {
    let el = strict_loop();
    let dropped = Rc::new(std::cell::Cell::new(false));
    let flag = DropFlag(dropped.clone());
    let log = Log::new();
    let l = log.clone();
    let task = Rc::new(RefCell::new(None));
    let t = task.clone();
    el.queue_task(move || {
        let p: Promise<()> = spawn_local(async move {
            let _flag = flag;
            let (never, resolvers) = Promise::<()>::with_resolvers();
            drop(resolvers);
            never.await?;
            l.push("never");
            Ok::<_, Error>(())
        });
        *t.borrow_mut() = Some(p);
    });
    el.run().unwrap();
    assert!(log.lines().is_empty());
    assert_eq!(task.borrow().as_ref().map(Promise::state), Some(PromiseState::Pending));
    drop(task);
    drop(el);
    assert!(dropped.get(), "the suspended task was freed with its loop");
}

/// Aborting a task from inside its own body: its promise rejects at once, and the body does not
/// get past its next await.
#[test]
fn a_task_aborting_its_own_signal_stops_at_its_next_await() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let controller = Rc::new(AbortController::new());
        let signal = controller.signal();
        let (c, body) = (controller.clone(), l.clone());
        let p: Promise<i32> = spawn_local_with_signal(
            async move {
                body.push("started");
                c.abort();
                body.push("aborted itself");
                sleep(ms(1_000)).await?;
                body.push("after the await (never)");
                Ok::<_, Error>(1)
            },
            &signal,
        );
        l.push(format!("state after spawn: {:?}", p.state()));
        let l2 = l.clone();
        p.catch(move |e| {
            assert!(is_abort(&e));
            l2.push("rejected with AbortError");
            Ok(0)
        });
    });
    el.run().unwrap();
    assert_eq!(
        log.lines(),
        ["started", "aborted itself", "state after spawn: Rejected", "rejected with AbortError"]
    );
    assert_eq!(el.now(), Duration::ZERO, "the task's timer was cleared");
}

/// A signal aborted before the task is spawned: the body never runs.
#[test]
fn spawn_local_with_an_already_aborted_signal_never_runs_the_body() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let controller = AbortController::new();
        controller.abort();
        let body = l.clone();
        let p: Promise<i32> = spawn_local_with_signal(
            async move {
                body.push("ran (never)");
                Ok::<_, Error>(1)
            },
            &controller.signal(),
        );
        let l2 = l.clone();
        p.catch(move |e| {
            assert!(is_abort(&e));
            l2.push("rejected with AbortError");
            Ok(0)
        });
        // sleep_with_signal on that signal fails at once, too.
        let signal = controller.signal();
        let l3 = l.clone();
        let _: Promise<()> = spawn_local(async move {
            let r = sleep_with_signal(ms(1_000), &signal).await;
            l3.push(format!("sleep: aborted = {}", r.is_err_and(|e| is_abort(&e))));
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["rejected with AbortError", "sleep: aborted = true"]);
    assert_eq!(el.now(), Duration::ZERO);
}

// ---------------------------------------------------------------------------------------------
// The task's waker: made without allocating, cloned into a thread-safe one on demand
// ---------------------------------------------------------------------------------------------

/// Sets a flag when dropped (thread-safe, for values that cross threads).
struct SendDropFlag(Arc<AtomicBool>);

impl Drop for SendDropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A future hands `&Waker` to scoped threads, which clone it (at once, on several threads)
/// and wake the clones and the borrowed waker itself: the task is polled again exactly once,
/// in a later macrotask.
#[test]
fn a_waker_borrowed_by_scoped_threads_wakes_the_task_once() {
    let el = strict_loop();
    let log = Log::new();
    let polls = Rc::new(std::cell::Cell::new(0));
    let (l, pc) = (log.clone(), polls.clone());
    el.queue_task(move || {
        let l1 = l.clone();
        let _: Promise<()> = spawn_local(async move {
            std::future::poll_fn(|cx| {
                pc.set(pc.get() + 1);
                if pc.get() > 1 {
                    return Poll::Ready(());
                }
                let waker = cx.waker();
                std::thread::scope(|s| {
                    let clones: Vec<Waker> = (0..4)
                        .map(|_| s.spawn(|| waker.clone()))
                        .collect::<Vec<_>>()
                        .into_iter()
                        .map(|h| h.join().unwrap())
                        .collect();
                    assert!(clones.windows(2).all(|w| w[0].will_wake(&w[1])), "one shared waker");
                    s.spawn(move || clones.into_iter().for_each(Waker::wake));
                    s.spawn(|| waker.wake_by_ref());
                });
                Poll::Pending
            })
            .await;
            l1.push("polled again");
            Ok::<_, Error>(())
        });
        l.push("spawn returned");
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["spawn returned", "polled again"]);
    assert_eq!(polls.get(), 2);
}

/// A clone of the waker sent to a thread keeps the loop alive while it exists; dropped there
/// without a wake, it lets the loop finish (the task is simply never resumed, and is freed
/// with its loop).
#[test]
fn a_waker_clone_dropped_unwoken_lets_the_loop_finish() {
    let el = strict_loop();
    let released = Arc::new(AtomicBool::new(false));
    let freed = Rc::new(std::cell::Cell::new(false));
    let flag = DropFlag(freed.clone());
    let r = released.clone();
    let task = Rc::new(RefCell::new(None));
    let t = task.clone();
    el.queue_task(move || {
        let p: Promise<()> = spawn_local(async move {
            let _flag = flag;
            std::future::poll_fn(|cx| {
                let waker = cx.waker().clone();
                let r = r.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    r.store(true, Ordering::SeqCst);
                    drop(waker);
                });
                Poll::<()>::Pending
            })
            .await;
            #[allow(unreachable_code)]
            Ok::<(), Error>(unreachable!("never woken"))
        });
        *t.borrow_mut() = Some(p);
    });
    el.run().unwrap();
    assert!(released.load(Ordering::SeqCst), "the loop waited while the clone existed");
    assert_eq!(task.borrow().as_ref().map(Promise::state), Some(PromiseState::Pending));
    assert!(!freed.get());
    drop(el);
    assert!(freed.get(), "the suspended task was freed with its loop");
}

/// A clone kept after its task finished: the task no longer keeps the loop alive through it
/// (while it ran, the clone did), and waking it (from another thread) does nothing.
#[test]
fn a_wake_after_the_task_finished_does_nothing() {
    let el = strict_loop();
    let log = Log::new();
    let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
    let (l, s) = (log.clone(), stash.clone());
    el.queue_task(move || {
        let _: Promise<()> = spawn_local(async move {
            let mut first = true;
            std::future::poll_fn(|cx| {
                if !std::mem::take(&mut first) {
                    return Poll::Ready(());
                }
                *s.lock().unwrap() = Some(cx.waker().clone());
                cx.waker().wake_by_ref();
                Poll::Pending
            })
            .await;
            Promise::<()>::resolve(()).await?;
            l.push("finished");
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["finished"]);
    let waker = stash.lock().unwrap().take().expect("the clone was kept");
    std::thread::spawn(move || waker.wake()).join().unwrap();
    el.run().unwrap();
    assert_eq!(log.lines(), ["finished"]);
}

/// A wake arriving after the loop was dropped does nothing; the task was freed with the loop,
/// before the wake.
#[test]
fn a_wake_after_the_loop_was_dropped_does_nothing() {
    let el = strict_loop();
    let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
    let freed = Arc::new(AtomicBool::new(false));
    let (s, f) = (stash.clone(), freed.clone());
    el.queue_task(move || {
        let _: Promise<()> = spawn_local(async move {
            let _flag = SendDropFlag(f);
            std::future::poll_fn(|cx| {
                *s.lock().unwrap() = Some(cx.waker().clone());
                Poll::<()>::Pending
            })
            .await;
            #[allow(unreachable_code)]
            Ok::<(), Error>(unreachable!("woken only after its loop is gone"))
        });
    });
    // `run` would wait for the clone; one turn runs the task up to its wait.
    el.run_once().unwrap();
    assert!(stash.lock().unwrap().is_some());
    drop(el);
    assert!(freed.load(Ordering::SeqCst), "the task was freed with its loop");
    let waker = stash.lock().unwrap().take().unwrap();
    std::thread::spawn(move || waker.wake()).join().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Direct awaits inside combinators
// ---------------------------------------------------------------------------------------------

/// Forwards wakes to the waker the combinator was last polled with, counting them.
#[derive(Default)]
struct Forward {
    outer: Mutex<Option<Waker>>,
    wakes: AtomicUsize,
}

impl std::task::Wake for Forward {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        if let Some(outer) = self.outer.lock().unwrap().clone() {
            outer.wake();
        }
    }
}

/// Polls its inner future under a waker of its own, as `join_all` or `FuturesUnordered` do.
struct Wrapped<F> {
    inner: Pin<Box<F>>,
    forward: Arc<Forward>,
}

impl<F> Wrapped<F> {
    fn new(inner: F) -> Wrapped<F> {
        Wrapped { inner: Box::pin(inner), forward: Arc::default() }
    }
}

impl<F: Future> Future for Wrapped<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        *self.forward.outer.lock().unwrap() = Some(cx.waker().clone());
        let waker = Waker::from(self.forward.clone());
        self.inner.as_mut().poll(&mut Context::from_waker(&waker))
    }
}

/// A promise awaited under a combinator's waker wakes that waker; the task then runs in a
/// macrotask of its own (after the checkpoint), not in the reaction job.
#[test]
fn a_promise_awaited_under_a_combinators_waker_wakes_it() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let l1 = l.clone();
        let _: Promise<()> = spawn_local(async move {
            let wrapped = Wrapped::new(Promise::<i32>::resolve(7).into_future());
            let forward = wrapped.forward.clone();
            let v = wrapped.await?;
            l1.push(format!("got {v} after {} wake", forward.wakes.load(Ordering::SeqCst)));
            Ok::<_, Error>(())
        });
        let l2 = l.clone();
        Promise::<()>::resolve(()).then(move |()| {
            l2.push("microtask");
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["microtask", "got 7 after 1 wake"]);
}

/// Polls `first` to completion, then `second`, except that it starts both: a combinator that
/// does not poll every child on every wake.
struct InOrder<A: Future, B: Future> {
    first: A,
    first_out: Option<A::Output>,
    second: B,
    started: bool,
}

impl<A: Future + Unpin, B: Future + Unpin> Future for InOrder<A, B>
where
    A::Output: Unpin,
{
    type Output = (A::Output, B::Output);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if !std::mem::replace(&mut this.started, true) {
            assert!(Pin::new(&mut this.second).poll(cx).is_pending(), "second not ready yet");
        }
        if this.first_out.is_none() {
            match Pin::new(&mut this.first).poll(cx) {
                Poll::Ready(a) => this.first_out = Some(a),
                Poll::Pending => return Poll::Pending,
            }
        }
        match Pin::new(&mut this.second).poll(cx) {
            Poll::Ready(b) => Poll::Ready((this.first_out.take().unwrap(), b)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The outcome of a direct await that the task's next poll does not take (its combinator polls
/// another child) waits in the task for the future's next poll.
#[test]
fn an_outcome_not_taken_in_its_poll_waits_for_the_next() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let _: Promise<()> = spawn_local(async move {
            let (a, b) = InOrder {
                first: delay(10, "slow").into_future(),
                first_out: None,
                second: Promise::<&str>::resolve("fast").into_future(),
                started: false,
            }
            .await;
            l.push(format!("{} {} at {:?}", a?, b?, Handle::current().now()));
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["slow fast at 10ms"]);
}

/// A future first awaited directly, then moved under a combinator's waker: its outcome wakes
/// that waker (and is kept for the combinator's poll) instead of resuming the task.
///
/// On the real clock: the combinator keeps a clone of the task's waker while the timer runs,
/// which on the virtual clock would stop time (the loop cannot tell that clone from one held
/// by another thread, whose work it must wait for).
#[test]
fn a_direct_await_moved_under_another_waker_wakes_that_waker() {
    let el = EventLoop::builder().on_uncaught(|u| panic!("unexpected uncaught error: {u}")).build();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let _: Promise<()> = spawn_local(async move {
            let mut fut = delay(5, 3).into_future();
            std::future::poll_fn(|cx| {
                assert!(Pin::new(&mut fut).poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            let wrapped = Wrapped::new(fut);
            let forward = wrapped.forward.clone();
            let v = wrapped.await?;
            l.push(format!("got {v} after {} wake", forward.wakes.load(Ordering::SeqCst)));
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["got 3 after 1 wake"]);
}

/// The losing branch of a race: a direct await dropped before its promise settles. Its
/// outcome is dropped when it arrives, not kept in the task, and the task goes on.
#[test]
fn an_abandoned_direct_await_drops_its_outcome_on_arrival() {
    let el = strict_loop();
    let log = Log::new();
    let value = Rc::new(());
    let (l, v) = (log.clone(), value.clone());
    el.queue_task(move || {
        let (slow, resolvers) = Promise::<Rc<()>>::with_resolvers();
        let v2 = v.clone();
        Handle::current().set_timeout(ms(5), move || resolvers.resolve(v2));
        let _: Promise<()> = spawn_local(async move {
            let mut fut = slow.into_future();
            std::future::poll_fn(|cx| {
                assert!(Pin::new(&mut fut).poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            drop(fut);
            sleep(ms(10)).await?;
            l.push(format!("holders of the value at 10ms: {}", Rc::strong_count(&v)));
            Ok::<_, Error>(())
        });
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["holders of the value at 10ms: 2"]); // `value` and the task's `v`
    drop(el);
    assert_eq!(Rc::strong_count(&value), 1);
}

/// A future that started a direct await in one task, moved out of it (the task then finished)
/// and awaited by another task: its outcome wakes the task that polls it now.
#[test]
fn a_direct_await_moved_out_of_its_finished_task_still_gets_its_outcome() {
    let el = strict_loop();
    let log = Log::new();
    let l = log.clone();
    el.queue_task(move || {
        let (p, resolvers) = Promise::<i32>::with_resolvers();
        let moved = Rc::new(RefCell::new(None));
        let (out, into) = (moved.clone(), moved);
        let la = l.clone();
        let a: Promise<()> = spawn_local(async move {
            let mut fut = p.into_future();
            std::future::poll_fn(|cx| {
                assert!(Pin::new(&mut fut).poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            *into.borrow_mut() = Some(fut);
            la.push("a finished");
            Ok::<_, Error>(())
        });
        assert_eq!(a.state(), PromiseState::Fulfilled);
        let lb = l.clone();
        let _: Promise<()> = spawn_local(async move {
            let fut = out.borrow_mut().take().expect("moved out of task a");
            lb.push(format!("b got {}", fut.await?));
            Ok::<_, Error>(())
        });
        Handle::current().queue_task(move || resolvers.resolve(5));
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["a finished", "b got 5"]);
}

/// A direct await dropped before its promise settles, by a task that then finishes: when the
/// promise settles later, nothing of it stays behind.
#[test]
fn an_abandoned_await_of_a_finished_task_leaves_nothing_behind() {
    let el = strict_loop();
    let value = Rc::new(());
    let v = value.clone();
    el.queue_task(move || {
        let (p, resolvers) = Promise::<Rc<()>>::with_resolvers();
        let _: Promise<()> = spawn_local(async move {
            let mut fut = p.into_future();
            std::future::poll_fn(|cx| {
                assert!(Pin::new(&mut fut).poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            drop(fut);
            Ok::<_, Error>(())
        });
        Handle::current().queue_task(move || resolvers.resolve(v));
    });
    el.run().unwrap();
    assert_eq!(Rc::strong_count(&value), 1, "the outcome was dropped on arrival");
}
