//! Memory and drop: long chains drop without deep recursion, the promise -> reaction ->
//! resolving functions -> promise cycle is broken when a promise settles, a whole workload
//! gives back every byte it took, and per-promise sizes stay below recorded bounds.
//!
//! Live bytes are counted by a global allocator for this test binary only. The harness runs
//! tests on parallel threads, so each thread keeps its own count (a `const` thread-local `Cell`,
//! which needs no allocation and no destructor, so the allocator may use it); the workloads are
//! single-threaded, so a thread's count is exactly what its workload holds. Global atomic
//! totals are kept as well, for the printed report.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

use settle::promise::{Error, Promise, PromiseState, Resolvers};
use settle::runtime::EventLoop;

struct Counting;

static GLOBAL_LIVE: AtomicIsize = AtomicIsize::new(0);
static GLOBAL_ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    GLOBAL_LIVE.fetch_add(delta, Ordering::Relaxed);
    // `try_with`: never fails for a const-initialized Cell, but an allocator must not panic.
    let _ = LIVE.try_with(|l| l.set(l.get() + delta));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the only
// addition is bookkeeping that neither allocates nor unwinds.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            GLOBAL_ALLOCS.fetch_add(1, Ordering::Relaxed);
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            GLOBAL_ALLOCS.fetch_add(1, Ordering::Relaxed);
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes this thread holds now.
fn live() -> isize {
    LIVE.with(Cell::get)
}

/// Bytes `f` left allocated on this thread (what it returns is kept alive until measured).
fn retained<R>(f: impl FnOnce() -> R) -> (isize, R) {
    let before = live();
    let r = f();
    (live() - before, r)
}

const MILLION: usize = 1_000_000;

/// Runs `f` on a thread with a 256 KiB stack: deep recursion there overflows (and aborts the
/// test binary), so finishing proves the work is iterative.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().unwrap();
}

#[test]
fn dropping_a_million_long_pending_chain_does_not_overflow_the_stack() {
    on_small_stack(|| {
        let el = EventLoop::new();
        let _g = el.enter();
        let (root, resolvers) = Promise::<u32>::with_resolvers();
        let mut tail = root.clone();
        for _ in 0..MILLION {
            tail = tail.then(|v| Ok(v + 1));
        }
        let weak_tail = Rc::new(());
        let witness = Rc::downgrade(&weak_tail);
        // The last link's handler owns the witness: it is freed only if the whole chain is.
        tail.then(move |v| {
            let _keep = &weak_tail;
            Ok(v)
        });
        drop(tail);
        drop(resolvers);
        assert!(witness.upgrade().is_some(), "the root still owns the chain");
        drop(root);
        assert!(witness.upgrade().is_none(), "the chain was not freed");
    });
}

#[test]
fn dropping_a_pending_promise_with_a_million_reactions() {
    on_small_stack(|| {
        let el = EventLoop::new();
        let _g = el.enter();
        let (root, resolvers) = Promise::<u32>::with_resolvers();
        let freed = Rc::new(Cell::new(0usize));
        struct Witness(Rc<Cell<usize>>);
        impl Drop for Witness {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
            }
        }
        for _ in 0..MILLION {
            let w = Witness(freed.clone());
            // Each reaction's derived promise gets a reaction of its own: a million short chains.
            root.then(move |v| {
                let _keep = &w;
                Ok(v)
            })
            .then(|v| Ok(v + 1));
        }
        drop(resolvers);
        drop(root);
        assert_eq!(freed.get(), MILLION);
    });
}

#[test]
fn a_million_long_chain_settles_and_runs_to_completion() {
    on_small_stack(|| {
        let el = EventLoop::new();
        let out = Rc::new(Cell::new(0u32));
        let o = out.clone();
        let resolvers: Rc<RefCell<Option<Resolvers<u32>>>> = Rc::default();
        let r = resolvers.clone();
        el.queue_task(move || {
            let (root, res) = Promise::<u32>::with_resolvers();
            let mut tail = root;
            for _ in 0..MILLION {
                tail = tail.then(|v| Ok(v + 1));
            }
            tail.then(move |v| {
                o.set(v);
                Ok(())
            });
            *r.borrow_mut() = Some(res);
        });
        // Settled in a later task: the whole chain runs in that task's checkpoint.
        let r = resolvers.clone();
        el.queue_task(move || r.borrow_mut().take().unwrap().resolve(0));
        el.run().unwrap();
        assert_eq!(out.get(), MILLION as u32);
    });
}

#[test]
fn a_long_adoption_chain_drops_and_runs_without_deep_recursion() {
    // p[k] is resolved with p[k + 1]: after the thenable jobs ran, each p[k + 1] holds a
    // reaction owning p[k]'s resolving functions, a chain in the other direction.
    const N: usize = 200_000;
    for settle_it in [false, true] {
        on_small_stack(move || {
            let el = EventLoop::new();
            let innermost: Rc<RefCell<Option<Resolvers<u32>>>> = Rc::default();
            let outer: Rc<RefCell<Option<Promise<u32>>>> = Rc::default();
            let (inner_slot, outer_slot) = (innermost.clone(), outer.clone());
            el.queue_task(move || {
                let (mut next, resolvers) = Promise::<u32>::with_resolvers();
                *inner_slot.borrow_mut() = Some(resolvers);
                for _ in 0..N {
                    let (p, r) = Promise::<u32>::with_resolvers();
                    r.resolve(next);
                    next = p;
                }
                *outer_slot.borrow_mut() = Some(next);
            });
            el.run().unwrap();
            let outer = outer.borrow_mut().take().unwrap();
            assert_eq!(outer.state(), PromiseState::Pending);
            if settle_it {
                let r = innermost.borrow_mut().take().unwrap();
                el.queue_task(move || r.resolve(7));
                el.run().unwrap();
                assert_eq!(outer.result().unwrap().unwrap(), 7);
            } else {
                drop(outer);
                innermost.borrow_mut().take();
            }
        });
    }
}

#[test]
fn a_settled_promise_frees_what_its_handlers_captured() {
    let el = EventLoop::new();
    let (witness, weak) = {
        let v = Rc::new(String::from("captured"));
        let w = Rc::downgrade(&v);
        (v, w)
    };
    let resolvers: Rc<RefCell<Option<Resolvers<u32>>>> = Rc::default();
    let r = resolvers.clone();
    let w = witness.clone();
    el.queue_task(move || {
        let (p, res) = Promise::<u32>::with_resolvers();
        // The cycle: p owns the reaction, the reaction's handler owns p's resolving functions
        // (which own p) and the witness.
        let own = res.clone();
        p.then(move |v| {
            let _ = (&w, &own);
            Ok(v)
        });
        *r.borrow_mut() = Some(res);
    });
    el.run().unwrap();
    // Before settlement the cycle keeps the handler (and the witness) alive.
    drop(witness);
    assert_eq!(weak.strong_count(), 1);
    let res = resolvers.borrow_mut().take().unwrap();
    el.queue_task(move || res.resolve(1));
    el.run().unwrap();
    // Settling consumed the reaction; its job ran and dropped the handler and its captures.
    assert_eq!(weak.strong_count(), 0);
    assert!(weak.upgrade().is_none());
}

#[test]
fn a_settled_promise_holds_no_reactions_and_its_derived_promises_are_freed() {
    let el = EventLoop::new();
    let weak_derived: Rc<RefCell<Vec<Weak<()>>>> = Rc::default();
    let wd = weak_derived.clone();
    let keep: Rc<RefCell<Option<Promise<u32>>>> = Rc::default();
    let k = keep.clone();
    el.queue_task(move || {
        let p = Promise::<u32>::resolve(1);
        for _ in 0..10 {
            let token = Rc::new(());
            wd.borrow_mut().push(Rc::downgrade(&token));
            p.then(move |v| Ok((v, token))).then(|(v, _t)| Ok(v));
        }
        *k.borrow_mut() = Some(p);
    });
    el.run().unwrap();
    // The root is still alive; every value handed down the chains is gone.
    assert!(keep.borrow().is_some());
    assert!(weak_derived.borrow().iter().all(|w| w.upgrade().is_none()));
}

/// The workload of `a_workload_returns_every_byte`: `n` promises created, chained, settled,
/// combined, run to completion and dropped, loop included.
fn workload(n: usize) -> u64 {
    let el = EventLoop::new();
    let sum = Rc::new(Cell::new(0u64));
    let s = sum.clone();
    let pending: Rc<RefCell<Vec<Resolvers<u64>>>> = Rc::default();
    let p2 = pending.clone();
    el.queue_task(move || {
        let mut tails = Vec::new();
        for i in 0..n / 4 {
            let (p, r) = Promise::<u64>::with_resolvers();
            let q = p.then(|v| Ok(v + 1)).catch(|_| Ok(0));
            let f = q.finally(|| Ok(()));
            tails.push(if i % 2 == 0 {
                f
            } else {
                f.then(|v| -> Result<u64, Error> { Err(Error::msg(v.to_string())) }).catch(|_| Ok(1))
            });
            p2.borrow_mut().push(r);
        }
        Promise::<u64>::all(tails).then(move |v| {
            s.set(v.iter().sum());
            Ok(())
        });
    });
    el.queue_task(move || {
        for (i, r) in pending.borrow_mut().drain(..).enumerate() {
            r.resolve(i as u64);
        }
    });
    el.run().unwrap();
    sum.get()
}

#[test]
fn a_workload_returns_every_byte() {
    // Warm up lazily initialized thread-locals (the current-loop slot, the drop queue).
    workload(100);
    let (delta, sum) = retained(|| workload(100_000));
    assert!(sum > 0);
    println!("workload of 100 000 promises: {delta} bytes retained");
    // Nothing retained but the result itself (a u64 on the stack): allow a few stray bytes.
    assert!(delta.abs() <= 64, "the workload leaked {delta} bytes");
}

/// Measured sizes, in bytes (see `report_sizes`).
struct Sizes {
    /// A pending promise from `with_resolvers`, its resolvers kept.
    pending: f64,
    /// A pending promise from `new`, resolvers dropped.
    pending_new: f64,
    /// One more `then` on a pending promise (the reaction plus its derived promise).
    reaction: f64,
    /// One link of a pending `then` chain.
    chain_link: f64,
    /// A fulfilled promise.
    fulfilled: f64,
}

fn measure() -> Sizes {
    const N: usize = 10_000;
    let el = EventLoop::new();
    let _g = el.enter();
    let per = |bytes: isize| bytes as f64 / N as f64;

    let (pending, kept) = retained(|| (0..N).map(|_| Promise::<u32>::with_resolvers()).collect::<Vec<_>>());
    let pending = per(pending) - std::mem::size_of::<(Promise<u32>, Resolvers<u32>)>() as f64;
    drop(kept);

    let (pending_new, kept) =
        retained(|| (0..N).map(|_| Promise::<u32>::new(|_| Ok(()))).collect::<Vec<_>>());
    let pending_new = per(pending_new) - std::mem::size_of::<Promise<u32>>() as f64;
    drop(kept);

    // Reactions on one pending promise: the first two are warm-up (Empty -> One -> Many).
    let (root, r) = Promise::<u32>::with_resolvers();
    root.then(Ok);
    root.then(Ok);
    let (reaction, ()) = retained(|| {
        for _ in 0..N {
            root.then(Ok);
        }
    });
    // The reaction vector grows by doubling: count its final capacity, not the growth.
    let reaction = per(reaction);
    drop((root, r));

    let (root, r) = Promise::<u32>::with_resolvers();
    let (chain_link, tail) = retained(|| {
        let mut tail = root.clone();
        for _ in 0..N {
            tail = tail.then(|v| Ok(v + 1));
        }
        tail
    });
    let chain_link = per(chain_link);
    drop((tail, root, r));

    let (fulfilled, kept) =
        retained(|| (0..N).map(|i| Promise::<u32>::resolve(i as u32)).collect::<Vec<_>>());
    let fulfilled = per(fulfilled) - std::mem::size_of::<Promise<u32>>() as f64;
    drop(kept);

    Sizes { pending, pending_new, reaction, chain_link, fulfilled }
}

#[test]
fn report_sizes() {
    let s = measure();
    println!("settle memory, Promise<u32, Error> on a 64-bit target (bytes on the heap):");
    println!("  pending promise (with_resolvers, resolvers kept): {:.1}", s.pending);
    println!("  pending promise (new, resolvers dropped):        {:.1}", s.pending_new);
    println!("  fulfilled promise (Promise::resolve):            {:.1}", s.fulfilled);
    println!("  extra reaction on a pending promise:             {:.1}", s.reaction);
    println!("  link of a pending then-chain:                    {:.1}", s.chain_link);
    println!("  (allocations so far in this binary: {})", GLOBAL_ALLOCS.load(Ordering::Relaxed));
    // Upper bounds: the sizes measured when this test was written, times 1.5, so that a
    // regression fails here. Lower them when the layout improves.
    // Measured on x86_64 Linux: 56, 56, 56, 114.2 and 88.
    let bounds = [
        ("pending", s.pending, 56.0 * 1.5),
        ("pending_new", s.pending_new, 56.0 * 1.5),
        ("fulfilled", s.fulfilled, 56.0 * 1.5),
        ("reaction", s.reaction, 114.0 * 1.5),
        ("chain_link", s.chain_link, 88.0 * 1.5),
    ];
    if cfg!(target_pointer_width = "32") {
        return;
    }
    for (name, measured, bound) in bounds {
        assert!(measured <= bound, "{name}: {measured:.1} bytes, bound {bound:.1}");
    }
}
