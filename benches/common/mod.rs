//! The workloads of docs/benchmarks.md (issue 7), for settle and for its closest tokio analogue.
//!
//! Shared by the criterion bench (`benches/workloads.rs`) and the peak-RSS binary
//! (`examples/bench_rss.rs`). Every function runs one whole workload of `n` operations on a
//! loop / runtime built by the caller (outside the timed region) and checks its result, so
//! nothing can be optimized away and a broken workload fails loudly.

#![allow(dead_code)] // each user of this module runs a subset of the workloads

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Poll;
use std::time::Duration;

use futures::FutureExt;

/// With `--features bench-mimalloc`, every benchmark binary (settle and tokio alike) allocates
/// with mimalloc; without it, with the system allocator (glibc), which the headline figures use.
#[cfg(feature = "bench-mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The allocator the benchmark binary runs with, for the runner's table header.
pub const ALLOCATOR: &str = if cfg!(feature = "bench-mimalloc") { "mimalloc" } else { "system (glibc)" };
use settle::promise::{Error, Promise, Resolvers, spawn_local};
use settle::runtime::{EventLoop, queue_microtask};

/// A small deterministic generator (xorshift64*) for the timer delays, the same sequence for
/// settle and tokio.
pub mod table;

pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        Rng(0x9E37_79B9_7F4A_7C15)
    }

    /// A delay of 0..=1000 ms.
    pub fn delay(&mut self) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        Duration::from_millis(self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % 1001)
    }
}

thread_local! {
    /// Where handlers leave their results (no capture needed), read back to check the workload.
    static SINK: Cell<u64> = const { Cell::new(0) };
    static WAITING: Cell<u64> = const { Cell::new(0) };
    /// For tokio workloads: the sink total at which `DONE` is signalled.
    static TARGET: Cell<u64> = const { Cell::new(u64::MAX) };
    static DONE: std::cell::RefCell<Option<tokio::sync::oneshot::Sender<()>>> =
        const { std::cell::RefCell::new(None) };
}

/// Arms the completion signal of a tokio workload: `sink_add_and_check` sends on the returned
/// receiver once the sink reaches `target`. (Polling for completion with `yield_now` would keep
/// a paused-time runtime from ever advancing its clock.)
fn done_at(target: u64) -> tokio::sync::oneshot::Receiver<()> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    TARGET.with(|t| t.set(target));
    DONE.with(|d| *d.borrow_mut() = Some(tx));
    rx
}

fn sink_add_and_check(v: u64) {
    let total = SINK.with(|s| {
        s.set(s.get() + v);
        s.get()
    });
    if total == TARGET.with(Cell::get)
        && let Some(tx) = DONE.with(|d| d.borrow_mut().take())
    {
        let _ = tx.send(());
    }
}

fn sink_add(v: u64) {
    SINK.with(|s| s.set(s.get() + v));
}

fn sink_take() -> u64 {
    SINK.with(|s| s.replace(0))
}

// ---------------------------------------------------------------------------------------------
// settle

/// W1: a job that queues the next, `n` jobs (`queueMicrotask(next)`).
pub fn settle_w1(el: &EventLoop, n: u64) {
    fn ping(left: u64) {
        if left == 0 {
            sink_add(1);
        } else {
            queue_microtask(move || ping(left - 1));
        }
    }
    sink_take();
    el.queue_task(move || ping(n));
    el.run().unwrap();
    assert_eq!(sink_take(), 1);
}

/// W2: `n` links of `.then(v => v + 1)` on a resolved promise, built and run to completion.
pub fn settle_w2(el: &EventLoop, n: u64) {
    let out = Rc::new(Cell::new(0));
    let o = out.clone();
    el.queue_task(move || {
        let mut p = Promise::<u64>::resolve(0);
        for _ in 0..n {
            p = p.then(|v| Ok(v + 1));
        }
        p.then(move |v| {
            o.set(v);
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(out.get(), n);
}

/// W3: `n` handlers on one pending promise, then resolved.
pub fn settle_w3(el: &EventLoop, n: u64) {
    sink_take();
    el.queue_task(move || {
        let (p, r) = Promise::<u64>::with_resolvers();
        for _ in 0..n {
            p.then(|v| {
                sink_add(v);
                Ok(())
            });
        }
        r.resolve(1);
    });
    el.run().unwrap();
    assert_eq!(sink_take(), n);
}

/// W4a: `Promise.all` over `n` resolved promises.
pub fn settle_w4_resolved(el: &EventLoop, n: u64) {
    let out = Rc::new(Cell::new(0usize));
    let o = out.clone();
    el.queue_task(move || {
        let all = Promise::<u64>::all((0..n).map(Promise::<u64>::resolve));
        all.then(move |v| {
            o.set(v.len());
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(out.get() as u64, n);
}

/// W4b: `Promise.all` over `n` pending promises, resolved afterwards.
pub fn settle_w4_pending(el: &EventLoop, n: u64) {
    let out = Rc::new(Cell::new(0usize));
    let o = out.clone();
    el.queue_task(move || {
        let (promises, resolvers): (Vec<Promise<u64>>, Vec<Resolvers<u64>>) =
            (0..n).map(|_| Promise::<u64>::with_resolvers()).unzip();
        Promise::<u64>::all(promises).then(move |v| {
            o.set(v.len());
            Ok(())
        });
        for (i, r) in resolvers.into_iter().enumerate() {
            r.resolve(i as u64);
        }
    });
    el.run().unwrap();
    assert_eq!(out.get() as u64, n);
}

/// W5: `n` timers with random delays of 0-1000 ms on the virtual clock, set, then all fired.
/// `el` must use the virtual clock.
pub fn settle_w5(el: &EventLoop, n: u64) {
    sink_take();
    let h = el.handle();
    el.queue_task(move || {
        let mut rng = Rng::new();
        for _ in 0..n {
            h.set_timeout(rng.delay(), || sink_add(1));
        }
    });
    el.run().unwrap();
    assert_eq!(sink_take(), n);
}

/// W6: another thread posts `n` closures to the loop, which runs each.
pub fn settle_w6(el: &EventLoop, n: u64) {
    sink_take();
    let mut remote = el.remote();
    remote.set_keep_alive(true);
    let poster = std::thread::spawn(move || {
        for i in 0..n {
            if remote.post(move || sink_add(i)).is_err() {
                panic!("loop gone");
            }
        }
    });
    el.run().unwrap();
    poster.join().unwrap();
    assert_eq!(sink_take(), n * n.saturating_sub(1) / 2);
}

/// W7: `n` spawn_local tasks, each awaiting a resolved promise twice.
pub fn settle_w7(el: &EventLoop, n: u64) {
    sink_take();
    el.queue_task(move || {
        let p = Promise::<u64>::resolve(1);
        for _ in 0..n {
            let p = p.clone();
            let _: Promise<()> = spawn_local(async move {
                let a = p.clone().await?;
                let b = p.await?;
                sink_add(a + b);
                Ok::<(), Error>(())
            });
        }
    });
    el.run().unwrap();
    assert_eq!(sink_take(), 2 * n);
}

// ---------------------------------------------------------------------------------------------
// tokio

/// A current-thread runtime, as settle's loop is single-threaded.
pub fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().unwrap()
}

/// A current-thread runtime with paused time (auto-advance), for W5.
pub fn tokio_rt_paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap()
}

/// W1, tokio: one task doing `yield_now` `n` times.
pub fn tokio_w1_yield(rt: &tokio::runtime::Runtime, n: u64) {
    let done = rt.block_on(async move {
        tokio::spawn(async move {
            for _ in 0..n {
                tokio::task::yield_now().await;
            }
            n
        })
        .await
        .unwrap()
    });
    assert_eq!(done, n);
}

/// W1, tokio: a chain of `n` spawned tasks, each spawning the next.
pub fn tokio_w1_spawn_chain(rt: &tokio::runtime::Runtime, n: u64) {
    fn chain(left: u64, done: tokio::sync::oneshot::Sender<u64>) {
        tokio::spawn(async move {
            if left == 0 {
                let _ = done.send(1);
            } else {
                chain(left - 1, done);
            }
        });
    }
    let got = rt.block_on(async move {
        let (tx, rx) = tokio::sync::oneshot::channel();
        chain(n, tx);
        rx.await.unwrap()
    });
    assert_eq!(got, 1);
}

/// W2, tokio: `n` spawned tasks, each awaiting the previous oneshot and sending v + 1.
pub fn tokio_w2(rt: &tokio::runtime::Runtime, n: u64) {
    let got = rt.block_on(async move {
        let (first, mut rx) = tokio::sync::oneshot::channel::<u64>();
        for _ in 0..n {
            let (tx, next) = tokio::sync::oneshot::channel::<u64>();
            tokio::spawn(async move {
                let v = rx.await.unwrap();
                let _ = tx.send(v + 1);
            });
            rx = next;
        }
        first.send(0).unwrap();
        rx.await.unwrap()
    });
    assert_eq!(got, n);
}

/// Yields until `cond` holds: lets spawned tasks run up to their first await.
async fn yield_until(cond: impl Fn() -> bool) {
    while !cond() {
        tokio::task::yield_now().await;
    }
}

/// W3, tokio: `n` tasks awaiting one shared oneshot receiver (`futures::future::Shared`), all
/// registered before the value is sent.
pub fn tokio_w3_shared(rt: &tokio::runtime::Runtime, n: u64) {
    sink_take();
    WAITING.with(|w| w.set(0));
    rt.block_on(async move {
        let (tx, rx) = tokio::sync::oneshot::channel::<u64>();
        let rx = rx.shared();
        for _ in 0..n {
            let rx = rx.clone();
            tokio::spawn(async move {
                WAITING.with(|w| w.set(w.get() + 1));
                sink_add_and_check(rx.await.unwrap());
            });
        }
        let done = done_at(n);
        yield_until(|| WAITING.with(Cell::get) == n).await;
        tx.send(1).unwrap();
        done.await.unwrap();
    });
    assert_eq!(sink_take(), n);
}

/// W3, tokio: `n` tasks waiting on one `Notify`, all registered before `notify_waiters`.
pub fn tokio_w3_notify(rt: &tokio::runtime::Runtime, n: u64) {
    sink_take();
    WAITING.with(|w| w.set(0));
    rt.block_on(async move {
        let notify = Arc::new(tokio::sync::Notify::new());
        let value = Arc::new(AtomicU64::new(0));
        for _ in 0..n {
            let (notify, value) = (notify.clone(), value.clone());
            tokio::spawn(async move {
                let notified = notify.notified();
                WAITING.with(|w| w.set(w.get() + 1));
                notified.await;
                sink_add_and_check(value.load(Ordering::Relaxed));
            });
        }
        let done = done_at(n);
        yield_until(|| WAITING.with(Cell::get) == n).await;
        value.store(1, Ordering::Relaxed);
        notify.notify_waiters();
        done.await.unwrap();
    });
    assert_eq!(sink_take(), n);
}

/// W4a, tokio: `join_all` over `n` oneshot receivers whose values were already sent, wrapped in
/// `unconstrained` (futures-rs #2053: join_all under tokio's budget is quadratic).
pub fn tokio_w4_resolved(rt: &tokio::runtime::Runtime, n: u64) {
    let len = rt.block_on(async move {
        let receivers: Vec<_> = (0..n)
            .map(|i| {
                let (tx, rx) = tokio::sync::oneshot::channel::<u64>();
                tx.send(i).unwrap();
                rx
            })
            .collect();
        let all = tokio::task::unconstrained(futures::future::join_all(receivers)).await;
        all.len()
    });
    assert_eq!(len as u64, n);
}

/// W4b, tokio: `join_all` over `n` pending oneshot receivers, polled once, then each sent to.
pub fn tokio_w4_pending(rt: &tokio::runtime::Runtime, n: u64) {
    let len = rt.block_on(async move {
        let (senders, receivers): (Vec<_>, Vec<_>) =
            (0..n).map(|_| tokio::sync::oneshot::channel::<u64>()).unzip();
        let mut all = pin!(tokio::task::unconstrained(futures::future::join_all(receivers)));
        // Register every receiver first, as Promise.all does before anything resolves.
        std::future::poll_fn(|cx| {
            assert!(all.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        for (i, tx) in senders.into_iter().enumerate() {
            tx.send(i as u64).unwrap();
        }
        all.await.len()
    });
    assert_eq!(len as u64, n);
}

/// W5, tokio: paused time, one task per `sleep` of a random 0-1000 ms delay.
pub fn tokio_w5(rt: &tokio::runtime::Runtime, n: u64) {
    sink_take();
    rt.block_on(async move {
        let done = done_at(n);
        let mut rng = Rng::new();
        for _ in 0..n {
            let delay = rng.delay();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                sink_add_and_check(1);
            });
        }
        done.await.unwrap();
    });
    assert_eq!(sink_take(), n);
}

type BoxedFn = Box<dyn FnOnce() + Send>;

/// W6, tokio: another thread sends `n` boxed closures through an unbounded mpsc to a task on a
/// current-thread runtime, which runs each.
pub fn tokio_w6(rt: &tokio::runtime::Runtime, n: u64) {
    sink_take();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<BoxedFn>();
    let poster = std::thread::spawn(move || {
        for i in 0..n {
            if tx.send(Box::new(move || sink_add(i))).is_err() {
                panic!("receiver gone");
            }
        }
    });
    rt.block_on(async move {
        while let Some(f) = rx.recv().await {
            f();
        }
    });
    poster.join().unwrap();
    assert_eq!(sink_take(), n * n.saturating_sub(1) / 2);
}

/// W7, tokio: `n` tasks spawned on a LocalSet, each awaiting a ready future twice.
pub fn tokio_w7(rt: &tokio::runtime::Runtime, n: u64) {
    sink_take();
    let local = tokio::task::LocalSet::new();
    local.spawn_local(async move {
        for _ in 0..n {
            tokio::task::spawn_local(async move {
                let a = std::future::ready(1u64).await;
                let b = std::future::ready(1u64).await;
                sink_add(a + b);
            });
        }
    });
    rt.block_on(local);
    assert_eq!(sink_take(), 2 * n);
}
