//! The unit of work both queues hold, and the host a job may borrow while it runs.
//!
//! Every job is run with the host the loop was lent for this run (`EventLoop::run_with`), as
//! `&mut dyn Any`. A plain closure ignores it; a `_with` closure ([`WithHost`]) downcasts it to
//! the type it was queued for, and reports a mismatch to the current loop instead of running
//! (off the hot path: the plain job's run returns nothing to check).

use std::any::{Any, type_name};
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit, align_of, size_of};
use std::ptr::{self, NonNull};

use crate::job_pool;

/// A closure that runs with no host.
pub(crate) struct FnJob<F>(pub(crate) F);

/// A closure that borrows the lent host as an `H`. Same size as `F`, so a closure capturing up
/// to two words is still stored inline.
pub(crate) struct WithHost<H, F>(F, PhantomData<fn(&mut H)>);

impl<H, F> WithHost<H, F> {
    pub(crate) fn new(f: F) -> WithHost<H, F> {
        WithHost(f, PhantomData)
    }
}

/// A closure that takes the lent host as it is, whatever its type: for code that passes it on
/// (settle-promise's reaction jobs hand it to the classifier of the value they resolve with).
pub(crate) struct AnyHost<F>(pub(crate) F);

/// Calls `f` with the lent host as an `H`, or reports that the host is another type (to the
/// current loop's uncaught hook, naming both types) and drops `f` unrun.
#[inline]
pub(crate) fn with_host_as<H: 'static, R>(host: &mut dyn Any, f: impl FnOnce(&mut H) -> R) -> Option<R> {
    match host.downcast_mut::<H>() {
        Some(host) => Some(f(host)),
        None => {
            report_mismatch(type_name::<H>());
            None
        }
    }
}

#[cold]
#[inline(never)]
fn report_mismatch(wanted: &'static str) {
    match crate::Handle::try_current() {
        Ok(handle) => handle.inner.report_mismatch(wanted),
        Err(_) => eprintln!("settle: a callback queued for host type `{wanted}` ran with no loop current"),
    }
}

/// Room for a job stored in the queue itself: two words, word-aligned. A closure capturing up to
/// two words fits a closure capturing up to two words (`queueMicrotask(() =>
/// next(i))`), which then costs no allocation at all.
type Slot = MaybeUninit<[usize; 2]>;

/// What a [`QueuedJob`] knows about the value in its slot.
struct VTable {
    /// Moves the value out of the slot and runs it with the lent host.
    run: unsafe fn(*mut Slot, &mut dyn Any),
    /// Drops the value in the slot, unrun.
    drop: unsafe fn(*mut Slot),
}

/// Values a [`QueuedJob`] can hold: run by value, exactly once. A value whose host type does not
/// match is reported and dropped unrun.
trait RunOnce: 'static {
    fn run_once(self, host: &mut dyn Any);
}

impl<F: FnOnce() + 'static> RunOnce for FnJob<F> {
    #[inline]
    fn run_once(self, _host: &mut dyn Any) {
        (self.0)();
    }
}

impl<H: 'static, F: FnOnce(&mut H) + 'static> RunOnce for WithHost<H, F> {
    #[inline]
    fn run_once(self, host: &mut dyn Any) {
        with_host_as::<H, ()>(host, self.0);
    }
}

impl<F: FnOnce(&mut dyn Any) + 'static> RunOnce for AnyHost<F> {
    #[inline]
    fn run_once(self, host: &mut dyn Any) {
        (self.0)(host);
    }
}

impl<T: RunOnce> RunOnce for Box<T> {
    #[inline]
    fn run_once(self, host: &mut dyn Any) {
        (*self).run_once(host);
    }
}

/// A value too large for the slot, in a block of the thread's pool (`job_pool.rs`) instead of a
/// `Box`: one word, so it is stored inline.
///
/// Invariant: `block` came from `job_pool::take(class_of::<T>())`, holds a valid `T` owned by
/// this `Pooled`, and nothing else uses it.
struct Pooled<T> {
    block: NonNull<T>,
}

impl<T> Pooled<T> {
    /// Moves `value` into a pooled block. Only for a `T` that has a class (checked).
    #[inline]
    fn new(value: T) -> Pooled<T> {
        let class = job_pool::class_of::<T>().expect("Pooled::new called with a value of no class");
        let block = job_pool::take(class).cast::<T>();
        // SAFETY: the block is fresh from the pool, owned by us, and large and aligned enough
        // for a `T` (its class: at least `size_of::<T>()` bytes, 16-aligned, and `class_of`
        // refuses alignments above 16).
        unsafe { block.write(value) };
        Pooled { block }
    }

    /// Moves the value out and gives the block back to the pool, before the value runs or
    /// drops (so a panic in either cannot lose the block).
    #[inline]
    fn into_inner(self) -> T {
        let this = ManuallyDrop::new(self);
        // SAFETY: the block holds a valid `T` owned by this `Pooled` (struct invariant), read
        // out exactly once: `this` is never dropped. The block, now holding no live value, goes
        // back to the pool with the class it was taken with and is not used again.
        unsafe {
            let value = this.block.read();
            job_pool::give(this.block.cast(), job_pool::class_of::<T>().unwrap_or(0));
            value
        }
    }
}

impl<T> Drop for Pooled<T> {
    fn drop(&mut self) {
        // SAFETY: as in `into_inner`; this `Pooled` is being dropped, so it is the last use.
        let value = unsafe {
            let value = self.block.read();
            job_pool::give(self.block.cast(), job_pool::class_of::<T>().unwrap_or(0));
            value
        };
        drop(value);
    }
}

impl<T: RunOnce> RunOnce for Pooled<T> {
    #[inline]
    fn run_once(self, host: &mut dyn Any) {
        self.into_inner().run_once(host);
    }
}

struct VTableOf<T>(PhantomData<T>);

impl<T: RunOnce> VTableOf<T> {
    const VTABLE: VTable = VTable { run: Self::run, drop: Self::drop };

    /// # Safety
    ///
    /// `slot` holds a valid `T`, which the caller gives up (it must not be used or dropped again).
    unsafe fn run(slot: *mut Slot, host: &mut dyn Any) {
        // SAFETY: by the contract above, the slot holds an initialized `T` that nobody else
        // will read or drop; `QueuedJob::new` checked that `T` fits the slot's size and
        // alignment.
        let value = unsafe { ptr::read(slot.cast::<T>()) };
        value.run_once(host)
    }

    /// # Safety
    ///
    /// As for `run`.
    unsafe fn drop(slot: *mut Slot) {
        // SAFETY: as in `run`.
        unsafe { ptr::drop_in_place(slot.cast::<T>()) }
    }
}

/// A job as the loop's queues hold it: the value inline when it fits in two words (no
/// allocation), otherwise in a block of the thread's pool (up to 64 bytes) or a box, behind one
/// vtable pointer. 24 bytes per queue slot.
///
/// Invariant: `slot` holds a valid value of the type `vtable` was made for, owned by this
/// `QueuedJob`, until `run` or `drop` consumes it (each does so exactly once).
///
/// `repr(C)` with the slot first: a job is usually popped right after it was pushed, while the
/// push's stores are still in the CPU's store buffer, and a load is served from there only if
/// one store covers it. Pushes store the slot as one 16-byte unit and the vtable pointer as
/// one word; with the vtable first, the pop (which reads the vtable alone, to test for `None`)
/// read bytes 8-24 as one 16-byte load spanning both stores, which stalled every job until the
/// stores reached the cache: W1 took 16 ns per job instead of 7 (docs/benchmarks.md, "W1: why
/// the same work took twice the time").
#[repr(C)]
pub(crate) struct QueuedJob {
    slot: Slot,
    vtable: &'static VTable,
    /// Not `Send`: the value may be an `Rc`-capturing closure. [`SendJob`] is the exception.
    _not_send: PhantomData<*const ()>,
}

// The layout the comment on `QueuedJob` explains: the slot first, then the vtable pointer.
const _: () = assert!(std::mem::offset_of!(QueuedJob, slot) == 0);
const _: () = assert!(std::mem::offset_of!(QueuedJob, vtable) == size_of::<Slot>());

impl QueuedJob {
    /// Stores `value` inline; it must fit (checked, at compile time in practice).
    #[inline]
    fn new<T: RunOnce>(value: T) -> QueuedJob {
        assert!(fits::<T>(), "QueuedJob::new called with a value that does not fit");
        let mut slot = Slot::uninit();
        // SAFETY: `T` fits the slot (asserted above: size <= 16 bytes, alignment <= 8), and the
        // slot is uninitialized, so nothing is overwritten.
        unsafe { ptr::write(slot.as_mut_ptr().cast::<T>(), value) };
        QueuedJob { vtable: &VTableOf::<T>::VTABLE, slot, _not_send: PhantomData }
    }

    /// A closure: inline when it captures at most two words, boxed otherwise.
    #[inline]
    pub(crate) fn from_fn<F: FnOnce() + 'static>(f: F) -> QueuedJob {
        QueuedJob::inline_or_boxed(FnJob(f))
    }

    /// A closure that borrows the lent host as an `H`: inline or boxed as for `from_fn`.
    #[inline]
    pub(crate) fn with_host<H: 'static, F: FnOnce(&mut H) + 'static>(f: F) -> QueuedJob {
        QueuedJob::inline_or_boxed(WithHost::<H, F>::new(f))
    }

    /// A closure that takes the lent host untyped: inline or boxed as for `from_fn`.
    #[inline]
    pub(crate) fn with_any_host<F: FnOnce(&mut dyn Any) + 'static>(f: F) -> QueuedJob {
        QueuedJob::inline_or_boxed(AnyHost(f))
    }

    #[inline]
    fn inline_or_boxed<T: RunOnce>(value: T) -> QueuedJob {
        if fits::<T>() {
            QueuedJob::new(value)
        } else if job_pool::class_of::<T>().is_some() {
            QueuedJob::new(Pooled::new(value))
        } else {
            QueuedJob::new(Box::new(value))
        }
    }

    /// Runs the job with the lent host, consuming it. A `_with` job that wanted another host
    /// type is reported to the current loop and dropped unrun.
    #[inline]
    pub(crate) fn run(self, host: &mut dyn Any) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: the slot holds the vtable's type (struct invariant); `this` is never dropped,
        // so the value is consumed exactly once, here, even if it panics.
        unsafe { (this.vtable.run)(&mut this.slot, host) }
    }
}

impl Drop for QueuedJob {
    fn drop(&mut self) {
        // SAFETY: the slot holds the vtable's type (struct invariant), not consumed by `run`
        // (which never lets `Drop` run).
        unsafe { (self.vtable.drop)(&mut self.slot) }
    }
}

/// Whether a `T` can live in a [`QueuedJob`]'s slot.
const fn fits<T>() -> bool {
    size_of::<T>() <= size_of::<Slot>() && align_of::<T>() <= align_of::<Slot>()
}

/// A [`QueuedJob`] made from a `Send` closure, for the queue other threads post into.
pub(crate) struct SendJob(QueuedJob);

// SAFETY: a `SendJob` is only made by `SendJob::from_fn` or `SendJob::with_host`, from an
// `F: Send` (inline or boxed; `with_host`'s closure captures only that `F`),
// so the value it holds may move to another thread. The vtable is a `&'static` of function
// pointers.
unsafe impl Send for SendJob {}

impl SendJob {
    pub(crate) fn from_fn<F: FnOnce() + Send + 'static>(f: F) -> SendJob {
        SendJob(QueuedJob::from_fn(f))
    }

    /// A `Send` closure that borrows the lent host as an `H`; run with no host of that type
    /// (as when the loop is dropped, which lends none), it is dropped unrun, silently: the
    /// poster could not have known which way the loop would end.
    pub(crate) fn with_host<H: 'static, F: FnOnce(&mut H) + Send + 'static>(f: F) -> SendJob {
        SendJob(QueuedJob::with_any_host(move |host: &mut dyn Any| {
            if let Some(host) = host.downcast_mut::<H>() {
                f(host);
            }
        }))
    }

    pub(crate) fn into_job(self) -> QueuedJob {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;

    struct Witness(Rc<Cell<u32>>);
    impl Drop for Witness {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    fn inline<F>(_: &F) -> bool {
        fits::<FnJob<F>>()
    }

    #[test]
    fn small_closures_are_inline_and_large_ones_boxed() {
        let (a, b) = (1u64, 2u64);
        let small = move || assert_eq!(a + b, 3);
        assert!(inline(&small), "two words fit");
        let big = [7u64; 3];
        let large = move || assert_eq!(big.iter().sum::<u64>(), 21);
        assert!(!inline(&large), "three words are boxed");
        QueuedJob::from_fn(small).run(&mut ());
        QueuedJob::from_fn(large).run(&mut ());
    }

    #[test]
    fn each_value_is_dropped_exactly_once_run_or_not() {
        let drops = Rc::new(Cell::new(0));
        let ran = Rc::new(Cell::new(0));
        // Inline (one Rc plus one Rc: two words), boxed (four words), and a host-taking one.
        let jobs = vec![
            {
                let (w, r) = (Witness(drops.clone()), ran.clone());
                QueuedJob::from_fn(move || {
                    let _w = &w;
                    r.set(r.get() + 1);
                })
            },
            {
                let (w, r, pad) = (Witness(drops.clone()), ran.clone(), [0u64; 2]);
                QueuedJob::from_fn(move || {
                    let _w = (&w, pad);
                    r.set(r.get() + 1);
                })
            },
            {
                let (w, r) = (Witness(drops.clone()), ran.clone());
                QueuedJob::with_host(move |_: &mut u32| {
                    let _w = &w;
                    r.set(r.get() + 1);
                })
            },
        ];
        let mut unrun = jobs;
        // Run the first, drop the other two unrun.
        let first = unrun.remove(0);
        first.run(&mut ());
        assert_eq!((ran.get(), drops.get()), (1, 1));
        drop(unrun);
        assert_eq!((ran.get(), drops.get()), (1, 3));
    }

    #[test]
    fn a_panicking_job_drops_its_captures_once() {
        let drops = Rc::new(Cell::new(0));
        for big in [false, true] {
            let w = Witness(drops.clone());
            let pad = [0u64; 2];
            let job = if big {
                QueuedJob::from_fn(move || {
                    let _w = (&w, pad);
                    panic!("boom");
                })
            } else {
                QueuedJob::from_fn(move || {
                    let _w = &w;
                    panic!("boom");
                })
            };
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run(&mut ())));
            assert!(r.is_err());
        }
        assert_eq!(drops.get(), 2);
    }

    #[test]
    fn pooled_and_boxed_jobs_run_or_drop_their_value_once() {
        let drops = Rc::new(Cell::new(0));
        let ran = Rc::new(Cell::new(0));
        // 3, 5 and 8 words (the pool's three classes) and 9 (boxed), run and unrun.
        macro_rules! job {
            ($words:expr) => {{
                let (w, r, pad) = (Witness(drops.clone()), ran.clone(), [1u64; $words - 2]);
                assert_eq!(size_of::<FnJob<(Witness, Rc<Cell<u32>>, [u64; $words - 2])>>(), $words * 8);
                QueuedJob::from_fn(move || {
                    let _w = &w;
                    assert!(pad.iter().all(|&p| p == 1), "the captures arrive intact");
                    r.set(r.get() + 1);
                })
            }};
        }
        for round in 0..3 {
            let jobs = vec![job!(3), job!(5), job!(8), job!(9)];
            let unrun = vec![job!(3), job!(5), job!(8), job!(9)];
            for job in jobs {
                job.run(&mut ());
            }
            drop(unrun);
            assert_eq!((ran.get(), drops.get()), (4 * (round + 1), 8 * (round + 1)));
        }
    }

    #[test]
    fn a_pooled_job_posted_from_another_thread_runs_here() {
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let o = out.clone();
        let pad = [3u64; 4];
        let job = std::thread::spawn(move || SendJob::from_fn(move || o.lock().unwrap().push(pad[3])))
            .join()
            .unwrap();
        job.into_job().run(&mut ());
        assert_eq!(*out.lock().unwrap(), [3]);
    }

    #[test]
    fn a_host_job_borrows_the_host_or_names_the_type_it_wanted() {
        let mut host = 41u32;
        let small = QueuedJob::with_host(|h: &mut u32| *h += 1);
        assert!(fits::<WithHost<u32, fn(&mut u32)>>(), "a host closure is no bigger than its captures");
        small.run(&mut host);
        assert_eq!(host, 42);
        let drops = Rc::new(Cell::new(0));
        let w = Witness(drops.clone());
        let wrong = QueuedJob::with_host(move |_: &mut String| {
            let _w = &w;
            unreachable!("never runs with a u32 host");
        });
        wrong.run(&mut host); // no loop current: reported on stderr
        assert_eq!(drops.get(), 1, "dropped unrun");
    }

    #[test]
    fn send_jobs_cross_threads() {
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let o = out.clone();
        let job = SendJob::from_fn(move || o.lock().unwrap().push(1));
        std::thread::spawn(move || job.into_job().run(&mut ())).join().unwrap();
        assert_eq!(*out.lock().unwrap(), [1]);
    }
}
