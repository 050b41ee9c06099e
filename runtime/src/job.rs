//! The unit of work both queues hold.

use std::marker::PhantomData;
use std::mem::{ManuallyDrop, MaybeUninit, align_of, size_of};
use std::ptr;

/// A piece of work for the loop: a macrotask or a microtask Job.
///
/// Closures are wrapped for you by [`Handle::queue_microtask`](crate::Handle::queue_microtask)
/// and friends. The trait exists so that a crate built on the loop can queue a record it already
/// allocated (the promise crate queues its reaction records as they are, with no second box).
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, Job};
///
/// struct Count(Rc<Cell<u32>>);
/// impl Job for Count {
///     fn run(self: Box<Self>) {
///         self.0.set(self.0.get() + 1);
///     }
/// }
///
/// let el = EventLoop::new();
/// let n = Rc::new(Cell::new(0));
/// el.queue_job(Box::new(Count(n.clone())));
/// el.run().unwrap();
/// assert_eq!(n.get(), 1);
/// ```
pub trait Job: 'static {
    /// Performs the work. Called at most once, with no borrow of the loop held.
    fn run(self: Box<Self>);
}

/// A closure as a [`Job`].
pub(crate) struct FnJob<F>(pub(crate) F);

impl<F: FnOnce() + 'static> Job for FnJob<F> {
    fn run(self: Box<Self>) {
        (self.0)()
    }
}

/// Room for a job stored in the queue itself: two words, word-aligned. A `Box<dyn Job>` (a fat
/// pointer) fits, and so does a closure capturing up to two words (`queueMicrotask(() =>
/// next(i))`), which then costs no allocation at all.
type Slot = MaybeUninit<[usize; 2]>;

/// What a [`QueuedJob`] knows about the value in its slot.
struct VTable {
    /// Moves the value out of the slot and runs it.
    run: unsafe fn(*mut Slot),
    /// Drops the value in the slot, unrun.
    drop: unsafe fn(*mut Slot),
}

/// Values a [`QueuedJob`] can hold: run by value, exactly once.
trait RunOnce: 'static {
    fn run_once(self);
}

impl RunOnce for Box<dyn Job> {
    fn run_once(self) {
        self.run();
    }
}

impl<F: FnOnce() + 'static> RunOnce for FnJob<F> {
    fn run_once(self) {
        (self.0)();
    }
}

impl<F: FnOnce() + 'static> RunOnce for Box<FnJob<F>> {
    fn run_once(self) {
        (self.0)();
    }
}

struct VTableOf<T>(PhantomData<T>);

impl<T: RunOnce> VTableOf<T> {
    const VTABLE: VTable = VTable { run: Self::run, drop: Self::drop };

    /// # Safety
    ///
    /// `slot` holds a valid `T`, which the caller gives up (it must not be used or dropped again).
    unsafe fn run(slot: *mut Slot) {
        // SAFETY: by the contract above, the slot holds an initialized `T` that nobody else
        // will read or drop; `QueuedJob::new` checked that `T` fits the slot's size and
        // alignment.
        let value = unsafe { ptr::read(slot.cast::<T>()) };
        value.run_once();
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
/// allocation), otherwise a box, behind one vtable pointer. 24 bytes per queue slot.
///
/// Invariant: `slot` holds a valid value of the type `vtable` was made for, owned by this
/// `QueuedJob`, until `run` or `drop` consumes it (each does so exactly once).
pub(crate) struct QueuedJob {
    vtable: &'static VTable,
    slot: Slot,
    /// Not `Send`: the value may be an `Rc`-capturing closure. [`SendJob`] is the exception.
    _not_send: PhantomData<*const ()>,
}

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
        if fits::<FnJob<F>>() { QueuedJob::new(FnJob(f)) } else { QueuedJob::new(Box::new(FnJob(f))) }
    }

    /// An already boxed job (the promise crate's reaction records).
    #[inline]
    pub(crate) fn from_box(job: Box<dyn Job>) -> QueuedJob {
        QueuedJob::new(job)
    }

    /// Runs the job, consuming it.
    #[inline]
    pub(crate) fn run(self) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: the slot holds the vtable's type (struct invariant); `this` is never dropped,
        // so the value is consumed exactly once, here, even if it panics.
        unsafe { (this.vtable.run)(&mut this.slot) }
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

// SAFETY: a `SendJob` is only made by `SendJob::from_fn`, from an `F: Send` (inline or boxed),
// so the value it holds may move to another thread. The vtable is a `&'static` of function
// pointers.
unsafe impl Send for SendJob {}

impl SendJob {
    pub(crate) fn from_fn<F: FnOnce() + Send + 'static>(f: F) -> SendJob {
        SendJob(QueuedJob::from_fn(f))
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
        assert!(fits::<Box<dyn Job>>(), "a boxed job is stored as its fat pointer");
        QueuedJob::from_fn(small).run();
        QueuedJob::from_fn(large).run();
        QueuedJob::from_box(Box::new(FnJob(|| {}))).run();
    }

    #[test]
    fn each_value_is_dropped_exactly_once_run_or_not() {
        let drops = Rc::new(Cell::new(0));
        let ran = Rc::new(Cell::new(0));
        // Inline (one Rc plus one Rc: two words), boxed (four words), and a boxed dyn Job.
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
                QueuedJob::from_box(Box::new(FnJob(move || {
                    let _w = &w;
                    r.set(r.get() + 1);
                })))
            },
        ];
        let mut unrun = jobs;
        // Run the first, drop the other two unrun.
        let first = unrun.remove(0);
        first.run();
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
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run()));
            assert!(r.is_err());
        }
        assert_eq!(drops.get(), 2);
    }

    #[test]
    fn send_jobs_cross_threads() {
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let o = out.clone();
        let job = SendJob::from_fn(move || o.lock().unwrap().push(1));
        std::thread::spawn(move || job.into_job().run()).join().unwrap();
        assert_eq!(*out.lock().unwrap(), [1]);
    }
}
