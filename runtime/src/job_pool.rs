//! Blocks reused per thread instead of going back to the global allocator after each use: for
//! the jobs too large to be stored in the queue itself (more than two words), and for
//! settle-promise's promise blocks (its `PoolRc`, through the public [`class_for`], [`take`]
//! and [`give`]).
//!
//! Why: such blocks (a job capturing three words or more; a `then` call's derived promise
//! with its reaction record) are made 10^5 at a time and freed as they run, so the system
//! allocator's per-thread cache (7 blocks per size class with glibc) never serves them and each
//! allocation and free takes its slow path, about 200 instructions a pair (docs/benchmarks.md,
//! issue 16). A free list per size class makes the pair about 20.
//!
//! A block is plain memory from the global allocator with the layout of its class (24 to 248
//! bytes in steps of 16, 16-aligned), so it may be freed to the list of any thread: a job boxed
//! on the thread that posted it and run on the loop's thread joins the loop thread's list. Each
//! list keeps at most 2^17 blocks and at most 16 MiB (`cap`); the rest go back to the
//! allocator, and a thread's blocks go back when an event loop is dropped on it, when the
//! thread exits, or at once if the list is already gone.
//!
//! Why sizes of 16k + 8: glibc serves a request of n bytes with a chunk of n + 8 rounded up to
//! 16, so those are the sizes it serves without waste; a class of 16k would put every block in
//! the next chunk size (an 88-byte `then` block in a 112-byte chunk instead of 96).

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::cell::Cell;
use std::mem::{align_of, size_of};
use std::ptr::{self, NonNull};

/// Size classes: 24, 40, 56, ... 248 bytes.
const CLASSES: usize = 15;
/// The size of the first class.
const SMALLEST: usize = 24;
/// The largest block: what a pooled block can hold at most (settle-promise fills blocks of
/// this size with a combinator's element records).
pub const LARGEST: usize = SMALLEST + 16 * (CLASSES - 1);
/// The largest job the queue puts in a block rather than a `Box` (`class_of`).
const LARGEST_JOB: usize = 64;
/// The alignment of every block.
pub const ALIGN: usize = 16;

/// The most blocks the list of `class` keeps: 2^17, and no more than 16 MiB.
const fn cap(class: usize) -> u32 {
    let by_bytes = (16 << 20) / (SMALLEST + 16 * class);
    if by_bytes < (1 << 17) { by_bytes as u32 } else { 1 << 17 }
}

/// `cap` of every class, so that `give` reads it rather than dividing.
const CAPS: [u32; CLASSES] = {
    let mut caps = [0; CLASSES];
    let mut class = 0;
    while class < CLASSES {
        caps[class] = cap(class);
        class += 1;
    }
    caps
};

/// A block on a free list: its first word links to the next.
struct Free {
    next: *mut Free,
}

struct List {
    head: Cell<*mut Free>,
    len: Cell<u32>,
}

/// A thread's free lists. Invariant: each list links `len` distinct blocks of its class's layout,
/// allocated by the global allocator, owned by the list and used by nothing else; a list is
/// non-empty only while `keeping` is true (so the thread's exit frees what it keeps).
struct Pool {
    lists: [List; CLASSES],
    /// `EXIT` is registered for this thread and has not run: blocks may be kept.
    keeping: Cell<bool>,
    /// `EXIT` ran (the thread is exiting): blocks given back are freed at once.
    closed: Cell<bool>,
}

impl Pool {
    /// Frees every block on the lists.
    fn release_all(&self) {
        for (class, list) in self.lists.iter().enumerate() {
            let mut block = list.head.replace(ptr::null_mut());
            list.len.set(0);
            while !block.is_null() {
                // SAFETY: `block` is on the list (struct invariant): a live block of this class's
                // layout that only the list owns; its link is read before it is freed.
                unsafe {
                    let next = (*block).next;
                    dealloc(block.cast(), layout(class));
                    block = next;
                }
            }
        }
    }

    /// Whether blocks may be kept: `keeping`, or `EXIT` registered now (once per thread). False
    /// once `EXIT` ran or while it runs.
    #[inline]
    fn may_keep(&self) -> bool {
        self.keeping.get() || self.start_keeping()
    }

    #[cold]
    #[inline(never)]
    fn start_keeping(&self) -> bool {
        // `try_with` registers `EXIT`'s destructor; it fails while or after that runs.
        if self.closed.get() || EXIT.try_with(|_| ()).is_err() {
            return false;
        }
        self.keeping.set(true);
        true
    }
}

thread_local! {
    /// No destructor of its own, so reaching it costs no check of a registration state (about
    /// 5 instructions per `take` and per `give`, callgrind, 2026-12-07): its blocks are freed at
    /// the thread's exit by `EXIT`, which the thread's first `give` registers (`Pool::may_keep`:
    /// a flag read on every `give`).
    static POOL: Pool = const {
        Pool {
            lists: [const { List { head: Cell::new(ptr::null_mut()), len: Cell::new(0) } }; CLASSES],
            keeping: Cell::new(false),
            closed: Cell::new(false),
        }
    };
    /// Frees this thread's kept blocks when the thread exits.
    static EXIT: ReleaseAtExit = const { ReleaseAtExit };
}

/// `EXIT`'s type: its destructor frees the blocks `POOL` keeps and closes the pool, so that a
/// block given back later (by another thread-local's destructor) is freed at once.
struct ReleaseAtExit;

impl Drop for ReleaseAtExit {
    fn drop(&mut self) {
        POOL.with(|pool| {
            pool.keeping.set(false);
            pool.closed.set(true);
            pool.release_all();
        });
    }
}

/// The size class of a job `T`, if the queue puts it in a block (up to 64 bytes: larger jobs
/// are boxed, as before the promise blocks shared the pool).
pub(crate) const fn class_of<T>() -> Option<usize> {
    if size_of::<T>() > LARGEST_JOB { None } else { class_for(size_of::<T>(), align_of::<T>()) }
}

/// The size class of a value of `size` bytes aligned to `align`, if a block can hold one: a
/// non-zero size up to 248 bytes, an alignment up to 16.
#[inline]
pub const fn class_for(size: usize, align: usize) -> Option<usize> {
    if align > ALIGN || size == 0 || size > LARGEST {
        None
    } else if size <= SMALLEST {
        Some(0)
    } else {
        Some((size - SMALLEST).div_ceil(16))
    }
}

const fn layout(class: usize) -> Layout {
    match Layout::from_size_align(SMALLEST + 16 * class, ALIGN) {
        Ok(layout) => layout,
        Err(_) => panic!("a size class's layout is valid"),
    }
}

/// Frees the blocks this thread keeps (an event loop's drop calls it, so that a thread whose
/// loop is gone keeps nothing for jobs that will not come; tests/memory_figures.rs calls it to
/// measure what a promise takes from the allocator). Blocks given back later are kept again.
pub fn release() {
    POOL.with(Pool::release_all);
}

/// A block of `class` (from [`class_for`]): from this thread's list, or new. Its size is the
/// class's (at least the size `class_for` was asked about), its alignment 16; its contents are
/// uninitialized.
///
/// # Panics
///
/// Panics if `class` is not a class `class_for` returns.
#[inline]
pub fn take(class: usize) -> NonNull<u8> {
    let reused = POOL.with(|pool| {
        let list = &pool.lists[class];
        let head = list.head.get();
        if head.is_null() {
            return None;
        }
        // SAFETY: `head` is on the list (`Pool`'s invariant); it leaves the list here, so the
        // caller is its only owner.
        list.head.set(unsafe { (*head).next });
        list.len.set(list.len.get() - 1);
        NonNull::new(head.cast::<u8>())
    });
    reused.unwrap_or_else(|| fresh(class))
}

#[cold]
fn fresh(class: usize) -> NonNull<u8> {
    let layout = layout(class);
    // SAFETY: every class's layout has a non-zero size.
    let block = unsafe { alloc(layout) };
    NonNull::new(block).unwrap_or_else(|| handle_alloc_error(layout))
}

/// Gives back a block of `class`: onto this thread's list, or to the allocator when the list is
/// full or gone.
///
/// # Safety
///
/// `block` came from [`take`] (on any thread) with the same `class`, holds no live value any
/// more, and is not used again by the caller.
#[inline]
pub unsafe fn give(block: NonNull<u8>, class: usize) {
    let block = block.as_ptr().cast::<Free>();
    let kept = POOL.with(|pool| {
        let list = &pool.lists[class];
        let len = list.len.get();
        if len >= CAPS[class] || !pool.may_keep() {
            return false;
        }
        // SAFETY: the caller gives the block up (contract above); it is at least 24 bytes and
        // 16-aligned, so the link fits.
        unsafe { block.write(Free { next: list.head.get() }) };
        list.head.set(block);
        list.len.set(len + 1);
        true
    });
    if !kept {
        // SAFETY: the block was allocated with this class's layout (`take`), and the caller
        // gives it up.
        unsafe { dealloc(block.cast(), layout(class)) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(class: usize) -> u32 {
        POOL.with(|pool| pool.lists[class].len.get())
    }

    #[test]
    fn classes_cover_what_the_queue_boxes() {
        assert_eq!(class_of::<[usize; 3]>(), Some(0));
        assert_eq!(class_of::<[usize; 4]>(), Some(1));
        assert_eq!(class_of::<[usize; 5]>(), Some(1));
        assert_eq!(class_of::<[usize; 8]>(), Some(3));
        assert_eq!(class_of::<[usize; 9]>(), None, "larger values are boxed as usual");
        #[repr(align(32))]
        struct Wide(#[allow(dead_code)] u8);
        assert_eq!(class_of::<Wide>(), None, "over-aligned values are boxed as usual");
        assert_eq!(class_of::<()>(), None);
    }

    #[test]
    fn promise_blocks_have_classes_up_to_248_bytes() {
        assert_eq!(class_for(1, 1), Some(0));
        assert_eq!(class_for(24, 8), Some(0));
        assert_eq!(class_for(32, 8), Some(1));
        assert_eq!(class_for(88, 8), Some(4), "a `then` block: its own size, a 96-byte chunk");
        assert_eq!(layout(4).size(), 88);
        assert_eq!(class_for(248, 8), Some(CLASSES - 1));
        assert_eq!(class_for(256, 16), None);
        assert_eq!(class_for(64, 32), None);
        for class in 0..CLASSES {
            let size = layout(class).size();
            assert_eq!(class_for(size, 16), Some(class), "a class's own size is in it");
            assert!(cap(class) >= 1 << 16 && cap(class) as usize * size <= 16 << 20);
        }
        for (class, &kept) in CAPS.iter().enumerate() {
            assert_eq!(kept, cap(class));
        }
        let block = take(CLASSES - 1);
        // SAFETY: `block` came from `take` with this class and holds nothing.
        unsafe { give(block, CLASSES - 1) };
    }

    #[test]
    fn a_freed_block_is_reused_by_the_next_job_of_its_class() {
        let before = listed(1);
        let a = take(1);
        // SAFETY: `a` came from `take(1)` and holds nothing.
        unsafe { give(a, 1) };
        assert_eq!(listed(1), before + 1);
        let b = take(1);
        assert_eq!(a, b, "the block just freed comes back first");
        assert_eq!(listed(1), before);
        // SAFETY: as above.
        unsafe { give(b, 1) };
    }

    #[test]
    fn release_frees_every_kept_block() {
        let blocks: Vec<NonNull<u8>> = (0..10).map(|_| take(0)).collect();
        for block in blocks {
            // SAFETY: each came from `take(0)`, holds nothing, and is given back once.
            unsafe { give(block, 0) };
        }
        assert!(listed(0) >= 10);
        release();
        assert_eq!((listed(0), listed(1), listed(2)), (0, 0, 0));
    }

    #[test]
    fn blocks_freed_on_another_thread_join_that_threads_list_and_go_at_its_exit() {
        let blocks: Vec<usize> = (0..100).map(|_| take(2).as_ptr() as usize).collect();
        std::thread::spawn(move || {
            for block in blocks {
                // SAFETY: each came from `take(2)`, holds nothing, and is given back once.
                unsafe { give(NonNull::new(block as *mut u8).unwrap(), 2) };
            }
            assert_eq!(listed(2), 100);
            // The thread's exit frees them (memcheck in .ci/run sees a leak otherwise).
        })
        .join()
        .unwrap();
    }
}
