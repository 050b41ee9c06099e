//! The elastic worker pool (issue 11, item 7): a burst of blocking jobs runs side by side
//! however many CPUs there are, up to the cap; idle threads end after the keep-alive.
//! Asserted with counts, not times.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use settle::prelude::*;
use settle::promise::{WorkerPool, WorkerPoolBuilder, WorkerPoolConfig};

/// Each job holds its thread until `n` jobs run at once (or a generous safety deadline passes,
/// so a pool that cannot grow fails the test instead of hanging it).
fn rendezvous(n: usize, running: Arc<AtomicUsize>) -> impl FnOnce() -> Result<usize, Error> + Send {
    move || {
        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = now;
        while seen < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
            seen = seen.max(running.load(Ordering::SeqCst));
        }
        Ok(seen)
    }
}

#[test]
fn eight_blocking_jobs_all_run_at_once() {
    let el = EventLoop::new();
    let running = Arc::new(AtomicUsize::new(0));
    let r = running.clone();
    let seen = el.block_on(async move {
        let jobs: Vec<_> = (0..8).map(|_| spawn_blocking(rendezvous(8, r.clone()))).collect();
        Promise::all(jobs).await
    });
    assert_eq!(seen.unwrap(), [8; 8], "every job saw all 8 running");
    let pool = WorkerPool::of(&el);
    assert_eq!(pool.peak_running(), 8);
    assert_eq!(pool.threads(), 8, "idle threads wait out their keep-alive");
}

#[test]
fn the_cap_bounds_the_threads_and_the_rest_wait() {
    let el = EventLoop::builder().worker_pool(WorkerPoolConfig::default().max_threads(3)).build();
    let running = Arc::new(AtomicUsize::new(0));
    let r = running.clone();
    let done = el.block_on(async move {
        // Three rendezvous jobs fill the pool; the fourth job runs after one of them.
        let jobs: Vec<_> = (0..3).map(|_| spawn_blocking(rendezvous(3, r.clone()))).collect();
        let fourth = spawn_blocking(|| Ok(0));
        let seen = Promise::all(jobs).await?;
        fourth.await?;
        Ok::<_, Error>(seen)
    });
    assert_eq!(done.unwrap(), [3, 3, 3]);
    let pool = WorkerPool::of(&el);
    assert_eq!(pool.peak_running(), 3, "never more than the cap");
    assert!(pool.threads() <= 3);
}

#[test]
fn idle_threads_retire_after_the_keep_alive() {
    let el = EventLoop::builder()
        .worker_pool(WorkerPoolConfig::default().keep_alive(Duration::from_millis(1)))
        .build();
    let running = Arc::new(AtomicUsize::new(0));
    let r = running.clone();
    let seen = el.block_on(async move {
        let jobs: Vec<_> = (0..4).map(|_| spawn_blocking(rendezvous(4, r.clone()))).collect();
        Promise::all(jobs).await
    });
    assert_eq!(seen.unwrap(), [4; 4]);
    let pool = WorkerPool::of(&el);
    let deadline = Instant::now() + Duration::from_secs(10);
    while pool.threads() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(pool.threads(), 0, "all four retired");
    // And the pool grows again on demand.
    assert_eq!(el.block_on(async { spawn_blocking(|| Ok(5)).await }).unwrap(), 5);
}
