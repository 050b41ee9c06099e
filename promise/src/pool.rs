//! `PoolRc`: the counted pointer of the promise blocks, over the per-thread pool of small blocks
//! that the job queue uses (`settle_runtime::job_pool`), in place of `Rc` and the system
//! allocator (docs/design.md, "Pooling the promise blocks").
//!
//! Why: a `then` call's block (derived promise and reaction record), a reaction record of its
//! own, a pending promise, a task's block are made 10^5 at a time and freed as they run, so
//! glibc's per-thread cache never serves them and each malloc/free pair takes its slow paths
//! (about 180 instructions per `then`, 710 per element of `Promise.all` over pending inputs:
//! docs/benchmarks.md, entry 17). A free-list pop and push is about 20.
//!
//! The same shape as `Rc`: a block starts with a [`Head`] (strong and weak counts, and the
//! block's size, alignment and pool class, so that a weak reference outliving the value can
//! give the block back without the value's vtable, and nothing is computed to give it back),
//! then the value. A `PoolRc<X>` of an unsized `X` is a fat
//! pointer with the standard library's vtable, made with [`coerce!`] (`CoerceUnsized` is
//! unstable: the coercion is done on the raw pointer, which stable Rust allows). Blocks larger
//! than the pool's largest class, or aligned above 16, come from the global allocator.
//!
//! Invariants (the SAFETY comments refer to them):
//!
//! 1. A block is only touched on the thread that made it: `PoolRc` and `PoolWeak` are `!Send`
//!    and `!Sync` (they hold a `NonNull`), and so is everything that holds them.
//! 2. `head.strong` counts the `PoolRc`s of the block and its erased strong references
//!    (`ErasedRc`, `ReactionRef`); `head.weak` counts the `PoolWeak`s plus one for all the
//!    strong references together, as `Rc` does. The value is live exactly while `strong > 0`.
//!    (A `PoolRc` kept in a `ManuallyDrop` that is never dropped, made from the pointer of a
//!    reference that outlives it, is a view borrowing that reference's count: the `then` job
//!    in `reaction.rs` lends its capability one.)
//! 3. The value is dropped exactly once, by whoever takes `strong` to zero; the block goes back
//!    exactly once, by whoever takes `weak` to zero (after the value's drop, which gives up the
//!    strong references' weak count, even when that drop panics).
//! 4. `head.size` and `head.align` are the layout the block was allocated with, `head.class`
//!    the pool class it was taken from (or `LARGE`), all set once, at allocation, so
//!    [`deallocate`] gives it back the way [`allocate`] took it.
//! 5. A fat pointer's vtable is the one the compiler made for the value's type when the
//!    pointer was coerced from a pointer to that type ([`coerce!`] only coerces).

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::mem::{ManuallyDrop, offset_of};
use std::ops::Deref;
use std::process::abort;
use std::ptr::{self, NonNull};

use settle_runtime::job_pool;

/// The start of every block: its counts and its layout (invariants 2 and 4).
#[repr(C)]
pub(crate) struct Head {
    strong: Cell<u32>,
    weak: Cell<u32>,
    size: u32,
    align: u16,
    /// Its pool class, stored so that giving it back computes nothing; `LARGE` when it came
    /// from the global allocator.
    class: u16,
}

/// `Head::class` of a block from the global allocator.
const LARGE: u16 = u16::MAX;

/// A block: the head, then the value. `repr(C)`: the head is at offset 0 whatever `X` is, so
/// code that knows nothing of `X` (`ErasedRc`, the reaction list) reaches the counts.
#[repr(C)]
pub(crate) struct Inner<X: ?Sized> {
    head: Head,
    value: X,
}

/// Takes a block for `layout`: from the thread's pool when a class holds it, else from the
/// global allocator (class `LARGE`). Also what a combinator's block of element records is
/// taken with (`element.rs`).
#[inline]
pub(crate) fn allocate(layout: Layout) -> (NonNull<u8>, u16) {
    match job_pool::class_for(layout.size(), layout.align()) {
        Some(class) => (job_pool::take(class), class as u16),
        None => (allocate_large(layout), LARGE),
    }
}

#[cold]
fn allocate_large(layout: Layout) -> NonNull<u8> {
    // SAFETY: `layout` is an `Inner`'s, which is never zero-sized (the head is 16 bytes).
    let block = unsafe { alloc(layout) };
    NonNull::new(block).unwrap_or_else(|| handle_alloc_error(layout))
}

/// Gives back a block that [`allocate`] took for `size` and `align`, as `class`.
///
/// # Safety
///
/// `block` came from `allocate` with that layout, which returned `class` (invariant 4), holds
/// no live value, and is not used again.
#[inline]
pub(crate) unsafe fn deallocate(block: NonNull<u8>, size: usize, align: usize, class: u16) {
    if class != LARGE {
        // SAFETY: `allocate` took it from the pool with this class; the caller gives it up.
        unsafe { job_pool::give(block, class as usize) }
    } else {
        // SAFETY: `allocate` took it from the global allocator with this layout (which is
        // valid: it was made by `Layout` then); the caller gives it up.
        unsafe { dealloc(block.as_ptr(), Layout::from_size_align_unchecked(size, align)) }
    }
}

impl Head {
    #[inline]
    fn strong(&self) -> u32 {
        self.strong.get()
    }

    #[inline]
    fn inc_strong(&self) {
        increment(&self.strong);
    }

    #[inline]
    fn inc_weak(&self) {
        increment(&self.weak);
    }
}

/// Adds one to a block's strong or weak count. Like `Rc`: a count that would wrap means
/// leaked references; stop rather than free a block still in use.
#[inline]
fn increment(count: &Cell<u32>) {
    let n = count.get();
    if n == u32::MAX {
        abort();
    }
    count.set(n + 1);
}

/// Gives up one weak count of the block at `head`; the last one gives the block back.
///
/// # Safety
///
/// The caller owns one weak count of a live block (the strong references' shared one, or a
/// `PoolWeak`'s) and does not use the block afterwards.
#[inline(always)]
unsafe fn release_weak(head: NonNull<Head>) {
    // SAFETY: the block is live while the caller's weak count is (invariants 2-3), and only
    // this thread touches it (invariant 1).
    let h = unsafe { head.as_ref() };
    let weak = h.weak.get() - 1;
    h.weak.set(weak);
    if weak == 0 {
        let (size, align, class) = (h.size as usize, h.align as usize, h.class);
        // SAFETY: the last count is gone, so nothing uses the block any more and its value was
        // dropped (the strong references' count is released only after that, invariant 3);
        // `size`, `align` and `class` are its allocation's (invariant 4).
        unsafe { deallocate(head.cast(), size, align, class) };
    }
}

/// Drops the value of a block whose strong count just reached zero, then gives up the strong
/// references' weak count, also when the value's destructor panics (the block is given back
/// and the panic goes on).
///
/// # Safety
///
/// `ptr` points to a live block whose strong count the caller just took from one to zero; the
/// value is live (it was never dropped) and nothing uses it afterwards.
#[inline(never)]
unsafe fn drop_slow<X: ?Sized>(ptr: NonNull<Inner<X>>) {
    /// Releases the weak count if the value's drop unwinds.
    struct Release(NonNull<Head>);
    impl Drop for Release {
        fn drop(&mut self) {
            // SAFETY: the strong references' weak count, given up once, after the value's
            // drop (the value's drop unwound); see `drop_slow`'s contract.
            unsafe { release_weak(self.0) }
        }
    }
    let release = Release(ptr.cast());
    // SAFETY: strong is zero, so no `PoolRc` can reach the value and `upgrade` refuses
    // (invariant 2); it is dropped once, here (invariant 3), in place.
    unsafe { ptr::drop_in_place(&raw mut (*ptr.as_ptr()).value) };
    // The normal path gives the count up inline rather than through the guard: LLVM kept the
    // guard's drop glue out of line (it is called on both paths), a call with its own
    // prologue, 31-36 instructions per block given back where inline it is about 20
    // (callgrind, W3, 2026-12-07).
    std::mem::forget(release);
    // SAFETY: as the guard's, on the path where the value's drop returned.
    unsafe { release_weak(ptr.cast()) }
}

/// A counted pointer to a pooled block, `Rc`'s API where settle needs it.
pub(crate) struct PoolRc<X: ?Sized> {
    ptr: NonNull<Inner<X>>,
    owns: PhantomData<Inner<X>>,
}

/// A weak reference to a pooled block: keeps the block, not the value.
pub(crate) struct PoolWeak<X: ?Sized> {
    ptr: NonNull<Inner<X>>,
}

impl<X> PoolRc<X> {
    /// The offset of the value in its block.
    pub(crate) const VALUE: usize = offset_of!(Inner<X>, value);

    /// Takes a block (pooled when it fits a class) and moves `value` into it.
    #[inline]
    pub(crate) fn new(value: X) -> PoolRc<X> {
        let ptr = PoolRc::<X>::uninit(1);
        // SAFETY: a fresh block, owned here, of `Inner<X>`'s layout (`uninit`); the head was
        // written, the value is written once.
        unsafe { (&raw mut (*ptr.as_ptr()).value).write(value) };
        PoolRc { ptr, owns: PhantomData }
    }

    /// A block with its head written (`strong` as given, `weak` one) and the value not.
    #[inline]
    fn uninit(strong: u32) -> NonNull<Inner<X>> {
        let layout = Layout::new::<Inner<X>>();
        let (Ok(size), Ok(align)) = (u32::try_from(layout.size()), u16::try_from(layout.align())) else {
            panic!("a promise block of {} bytes aligned to {}", layout.size(), layout.align());
        };
        let (block, class) = allocate(layout);
        let ptr = block.cast::<Inner<X>>();
        let head = Head { strong: Cell::new(strong), weak: Cell::new(1), size, align, class };
        // SAFETY: `allocate` returned a block of at least `layout`'s size and alignment (a
        // pool class holds it, or the allocator made it), owned by nobody else.
        unsafe { (&raw mut (*ptr.as_ptr()).head).write(head) };
        ptr
    }

    /// `Rc::new_cyclic`: `f` gets a weak reference to the block being made, which upgrades to
    /// nothing until `f` has returned the value. Inline: out of line (as LLVM chose once the
    /// task's header grew a word) the value is built on the stack and copied into the block,
    /// about 24 instructions more per task (callgrind, W7, 2026-12-07).
    #[inline]
    pub(crate) fn new_cyclic(f: impl FnOnce(&PoolWeak<X>) -> X) -> PoolRc<X> {
        let ptr = PoolRc::<X>::uninit(0);
        // The one weak count `uninit` set: held by `weak` while `f` runs (if `f` panics, its
        // drop gives the block back: strong is zero, no value was written).
        let weak = PoolWeak { ptr };
        let value = f(&weak);
        // SAFETY: the block is live (`weak` holds it); strong is zero, so nothing reads the
        // value (upgrades refuse) until it is written here, once.
        unsafe { (&raw mut (*ptr.as_ptr()).value).write(value) };
        // The weak count becomes the strong references' shared one (invariant 2).
        let _ = ManuallyDrop::new(weak);
        let this = PoolRc { ptr, owns: PhantomData };
        this.head().strong.set(1);
        this
    }

    /// Gives up this reference as a thin pointer to the block's head, which keeps the count;
    /// [`PoolRc::from_head`] takes it back.
    #[inline]
    pub(crate) fn into_head(this: PoolRc<X>) -> NonNull<Head> {
        ManuallyDrop::new(this).ptr.cast()
    }

    /// Takes back a reference given up by [`PoolRc::into_head`].
    ///
    /// # Safety
    ///
    /// `head` came from `PoolRc::<X>::into_head` (same `X`), and its count is given back once.
    #[inline]
    pub(crate) unsafe fn from_head(head: NonNull<Head>) -> PoolRc<X> {
        PoolRc { ptr: head.cast(), owns: PhantomData }
    }

    /// Drops the value of the block at `head`, whose strong count just reached zero, and
    /// releases the block's weak count: what an erased reference calls (`ErasedRc`).
    ///
    /// # Safety
    ///
    /// `head` is a block of `Inner<X>` whose strong count the caller just took to zero.
    pub(crate) unsafe fn drop_erased(head: NonNull<Head>) {
        // SAFETY: the caller's contract is `drop_slow`'s, for this `X`.
        unsafe { drop_slow::<X>(head.cast()) }
    }
}

impl<X: ?Sized> PoolRc<X> {
    #[inline]
    fn head(&self) -> &Head {
        // SAFETY: the block is live while this reference is (invariant 2).
        unsafe { &(*self.ptr.as_ptr()).head }
    }

    /// Whether `a` and `b` are references to the same block (the vtables are not compared).
    #[inline]
    pub(crate) fn ptr_eq(a: &PoolRc<X>, b: &PoolRc<X>) -> bool {
        ptr::addr_eq(a.ptr.as_ptr(), b.ptr.as_ptr())
    }

    /// The value's address.
    #[inline]
    pub(crate) fn as_ptr(this: &PoolRc<X>) -> *const X {
        // SAFETY: the block is live (invariant 2): the field's address is in bounds.
        unsafe { &raw const (*this.ptr.as_ptr()).value }
    }

    /// The block's pointer, the count staying with this reference: for a view of the value
    /// (invariant 2) that this reference, kept alive meanwhile, lends its count to.
    #[inline]
    pub(crate) fn as_raw(this: &PoolRc<X>) -> NonNull<Inner<X>> {
        this.ptr
    }

    /// How many `PoolRc`s (and erased strong references) the block has.
    #[inline]
    pub(crate) fn strong_count(this: &PoolRc<X>) -> usize {
        this.head().strong() as usize
    }

    /// A weak reference to the block.
    #[inline]
    pub(crate) fn downgrade(this: &PoolRc<X>) -> PoolWeak<X> {
        this.head().inc_weak();
        PoolWeak { ptr: this.ptr }
    }

    /// Gives up this reference as a raw pointer to the block, which keeps the count: the first
    /// half of [`coerce!`].
    #[inline]
    pub(crate) fn into_raw(this: PoolRc<X>) -> NonNull<Inner<X>> {
        ManuallyDrop::new(this).ptr
    }

    /// Takes back a reference given up by [`PoolRc::into_raw`], possibly coerced to an unsized
    /// type on the way.
    ///
    /// # Safety
    ///
    /// `ptr` came from `into_raw`, unchanged or coerced by the compiler (not cast: the vtable
    /// must be the value's, invariant 5), and its count is taken back once.
    #[inline]
    pub(crate) unsafe fn from_raw(ptr: NonNull<Inner<X>>) -> PoolRc<X> {
        PoolRc { ptr, owns: PhantomData }
    }
}

impl<X: ?Sized> PoolWeak<X> {
    /// A strong reference, if the value is still live.
    #[inline]
    pub(crate) fn upgrade(&self) -> Option<PoolRc<X>> {
        // SAFETY: this weak count keeps the block (invariant 3), on this thread (invariant 1).
        let head = unsafe { &(*self.ptr.as_ptr()).head };
        if head.strong() == 0 {
            return None;
        }
        head.inc_strong();
        Some(PoolRc { ptr: self.ptr, owns: PhantomData })
    }

    /// The block's pointer, the weak count staying with this reference: for a view of the
    /// value (invariant 2) while a strong reference held elsewhere keeps it live.
    #[inline]
    pub(crate) fn as_raw(this: &PoolWeak<X>) -> NonNull<Inner<X>> {
        this.ptr
    }

    /// Gives up this reference as a raw pointer (the count with it): the first half of
    /// [`coerce!`] for weak references.
    #[inline]
    pub(crate) fn into_raw(this: PoolWeak<X>) -> NonNull<Inner<X>> {
        ManuallyDrop::new(this).ptr
    }

    /// Takes back a weak reference given up by [`PoolWeak::into_raw`].
    ///
    /// # Safety
    ///
    /// As [`PoolRc::from_raw`]'s, for a weak count.
    #[inline]
    pub(crate) unsafe fn from_raw(ptr: NonNull<Inner<X>>) -> PoolWeak<X> {
        PoolWeak { ptr }
    }
}

/// Coerces a `PoolRc` (or, with `weak`, a `PoolWeak`) to a reference of an unsized view of its
/// value, the type the context expects: `PoolRc<PromiseCell<T, E, D, Record<..>>>` to
/// `PoolRc<PromiseCell<T, E, D>>`, a task's block to `PoolRc<dyn TaskBlock>`. What `Rc` does
/// through `CoerceUnsized`, which stable Rust does not let other types implement.
macro_rules! coerce {
    (weak $rc:expr) => {{
        let raw = $crate::pool::PoolWeak::into_raw($rc);
        // SAFETY: as for a strong reference (below), with the weak count.
        unsafe { $crate::pool::PoolWeak::from_raw(raw) }
    }};
    ($rc:expr) => {{
        let raw = $crate::pool::PoolRc::into_raw($rc);
        // SAFETY: `raw` comes from `into_raw` just above, and the only change the argument
        // position allows is the compiler's unsizing coercion (invariant 5); taken back once.
        unsafe { $crate::pool::PoolRc::from_raw(raw) }
    }};
}
pub(crate) use coerce;

/// As `Rc`: the value is never moved out of a block through a `PoolRc`, so moving the
/// pointer moves nothing pinned.
impl<X: ?Sized> Unpin for PoolRc<X> {}

impl<X: ?Sized> Deref for PoolRc<X> {
    type Target = X;

    #[inline]
    fn deref(&self) -> &X {
        // SAFETY: the value is live while a strong reference is (invariant 2), and is only
        // ever shared (no `&mut` to it is made while a `PoolRc` exists).
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

impl<X: ?Sized> Clone for PoolRc<X> {
    #[inline]
    fn clone(&self) -> Self {
        self.head().inc_strong();
        PoolRc { ptr: self.ptr, owns: PhantomData }
    }
}

impl<X: ?Sized> Drop for PoolRc<X> {
    #[inline]
    fn drop(&mut self) {
        let head = self.head();
        let strong = head.strong() - 1;
        head.strong.set(strong);
        if strong == 0 {
            // SAFETY: this reference took the count from one to zero; the value was live.
            unsafe { drop_slow(self.ptr) }
        }
    }
}

impl<X: ?Sized> Clone for PoolWeak<X> {
    fn clone(&self) -> Self {
        // SAFETY: this weak count keeps the block (invariant 3).
        unsafe { (*self.ptr.as_ptr()).head.inc_weak() };
        PoolWeak { ptr: self.ptr }
    }
}

impl<X: ?Sized> Drop for PoolWeak<X> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: this reference's weak count, given up once; the block is not used after.
        unsafe { release_weak(self.ptr.cast()) }
    }
}

impl<X: ?Sized> fmt::Debug for PoolRc<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PoolRc({:p})", self.ptr)
    }
}

/// A strong reference whose value's type is forgotten: the thin pointer to the block's head
/// and the function that drops the value when the count reaches zero. What the iterative drop
/// of long chains queues (`drop.rs`), and what a reaction reference is made of (`reaction.rs`).
pub(crate) struct ErasedRc {
    head: NonNull<Head>,
    drop_value: unsafe fn(NonNull<Head>),
}

impl ErasedRc {
    /// Erases `rc`.
    #[cfg(test)]
    pub(crate) fn new<X>(rc: PoolRc<X>) -> ErasedRc {
        ErasedRc { head: PoolRc::into_head(rc), drop_value: PoolRc::<X>::drop_erased }
    }

    /// An erased reference from its parts.
    ///
    /// # Safety
    ///
    /// `head` holds a strong count given up by `PoolRc::<X>::into_head`, and `drop_value` is
    /// `PoolRc::<X>::drop_erased` for the same `X`.
    #[inline]
    pub(crate) unsafe fn from_parts(head: NonNull<Head>, drop_value: unsafe fn(NonNull<Head>)) -> ErasedRc {
        ErasedRc { head, drop_value }
    }
}

/// Gives up one strong count of the block at `head`, dropping the value with `drop_value` if it
/// was the last.
///
/// # Safety
///
/// The caller owns one strong count of the block, and `drop_value` is `PoolRc::<X>::drop_erased`
/// for the block's `X`.
///
/// Only the strong count is read, through a pointer to that field alone: a combinator's element
/// record (`element.rs`) is not a block but starts with a count of its own where a `Head` has
/// `strong`, and the bytes after it are the record's.
#[inline]
pub(crate) unsafe fn release_strong(head: NonNull<Head>, drop_value: unsafe fn(NonNull<Head>)) {
    // SAFETY: the caller's count keeps the block (or element record) and value live (invariant
    // 2), on this thread; the count is the first field of a `repr(C)` `Head` and of an element
    // record, so the projection stays inside what `head` points to.
    let count = unsafe { &(*head.as_ptr()).strong };
    let strong = count.get() - 1;
    count.set(strong);
    if strong == 0 {
        // SAFETY: the count went from one to zero here; `drop_value` is the block's.
        unsafe { drop_value(head) }
    }
}

impl Drop for ErasedRc {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: this reference's count (struct invariant: `new` or `from_parts`), given up
        // once, with the block's own drop function.
        unsafe { release_strong(self.head, self.drop_value) }
    }
}

impl fmt::Debug for ErasedRc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ErasedRc({:p})", self.head)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::rc::Rc;

    use super::*;

    /// Counts its drops.
    struct Probe(Rc<Cell<u32>>);

    impl Drop for Probe {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn a_freed_block_is_reused_by_the_next_of_its_size() {
        let drops = Rc::new(Cell::new(0));
        let a = PoolRc::new((Probe(drops.clone()), [0u64; 6]));
        let first = PoolRc::as_ptr(&a) as usize;
        drop(a);
        let b = PoolRc::new((Probe(drops.clone()), [1u64; 6]));
        assert_eq!(PoolRc::as_ptr(&b) as usize, first, "the block just given back comes back first");
        drop(b);
        assert_eq!(drops.get(), 2);
    }

    #[test]
    fn the_value_is_dropped_once_with_the_last_strong_reference() {
        let drops = Rc::new(Cell::new(0));
        let a = PoolRc::new(Probe(drops.clone()));
        let (b, weak) = (a.clone(), PoolRc::downgrade(&a));
        assert_eq!(PoolRc::strong_count(&a), 2);
        assert!(PoolRc::ptr_eq(&a, &b));
        drop(a);
        assert_eq!(drops.get(), 0);
        assert!(weak.upgrade().is_some());
        drop(b);
        assert_eq!(drops.get(), 1, "dropped with the last strong reference");
        assert!(weak.upgrade().is_none(), "a weak reference does not revive the value");
        let weak2 = weak.clone();
        drop(weak);
        assert!(weak2.upgrade().is_none());
        drop(weak2);
        assert_eq!(drops.get(), 1, "and never again");
    }

    #[test]
    fn an_erased_reference_drops_the_value_it_forgot_the_type_of() {
        let drops = Rc::new(Cell::new(0));
        let a = PoolRc::new(Probe(drops.clone()));
        let erased = ErasedRc::new(a.clone());
        drop(a);
        assert_eq!(drops.get(), 0);
        drop(erased);
        assert_eq!(drops.get(), 1);
    }

    trait Named {
        fn name(&self) -> String;
    }

    impl Named for (Probe, &'static str) {
        fn name(&self) -> String {
            self.1.to_string()
        }
    }

    #[test]
    fn a_coerced_reference_reaches_the_value_through_its_vtable_and_drops_it() {
        let drops = Rc::new(Cell::new(0));
        let a = PoolRc::new((Probe(drops.clone()), "a"));
        let weak: PoolWeak<dyn Named> = coerce!(weak PoolRc::downgrade(&a));
        let named: PoolRc<dyn Named> = coerce!(a);
        assert_eq!(named.name(), "a");
        assert_eq!(weak.upgrade().map(|n| n.name()).as_deref(), Some("a"));
        drop(named);
        assert_eq!(drops.get(), 1);
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn new_cyclic_gives_a_weak_reference_that_upgrades_once_made() {
        struct Cyclic {
            me: PoolWeak<Cyclic>,
            _probe: Probe,
        }
        let drops = Rc::new(Cell::new(0));
        let a = PoolRc::new_cyclic(|me| {
            assert!(me.upgrade().is_none(), "not made yet");
            Cyclic { me: me.clone(), _probe: Probe(drops.clone()) }
        });
        let again = a.me.upgrade().expect("made");
        assert!(PoolRc::ptr_eq(&a, &again));
        drop((a, again));
        assert_eq!(drops.get(), 1, "the weak reference to itself does not keep it");
        let failed = catch_unwind(|| PoolRc::<Cyclic>::new_cyclic(|_| panic!("no value")));
        assert!(failed.is_err(), "a panic while making the value gives the block back (memcheck)");
    }

    #[test]
    fn a_panicking_destructor_still_gives_the_block_back_and_drops_the_rest() {
        struct Panics;
        impl Drop for Panics {
            fn drop(&mut self) {
                panic!("destructor");
            }
        }
        let drops = Rc::new(Cell::new(0));
        let weak = {
            let a = PoolRc::new((Panics, Probe(drops.clone())));
            let weak = PoolRc::downgrade(&a);
            assert!(catch_unwind(AssertUnwindSafe(move || drop(a))).is_err());
            weak
        };
        assert_eq!(drops.get(), 1, "the other field was dropped during the unwind");
        assert!(weak.upgrade().is_none());
        drop(weak); // gives the block back: memcheck sees a leak otherwise
        let a = PoolRc::new((Panics, 0u8));
        assert!(catch_unwind(AssertUnwindSafe(move || drop(a))).is_err(), "no weak reference left");
    }

    #[test]
    fn blocks_too_large_or_too_aligned_for_the_pool_come_from_the_allocator() {
        #[repr(align(64))]
        struct Wide(u8);
        let drops = Rc::new(Cell::new(0));
        let large = PoolRc::new((Probe(drops.clone()), [7u8; 1000]));
        let wide = PoolRc::new((Probe(drops.clone()), Wide(3)));
        assert_eq!(PoolRc::as_ptr(&wide) as usize % 64, 0);
        assert_eq!((large.1[999], wide.1.0), (7, 3));
        let weak = PoolRc::downgrade(&large);
        drop((large, wide));
        assert_eq!(drops.get(), 2);
        drop(weak);
    }

    /// Runs `f` on a thread with a 256 KiB stack: a recursion along 10^5 links overflows it.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new().stack_size(256 << 10).spawn(f).unwrap().join().unwrap();
    }

    #[test]
    fn a_chain_of_blocks_dropped_from_its_head_by_a_queue() {
        on_small_stack(chain_of_blocks);
    }

    fn chain_of_blocks() {
        // What `drop.rs` does with erased references: 10^5 blocks, each owning the next,
        // dropped one at a time from a queue, without recursing.
        struct Link {
            next: RefCell<Option<PoolRc<Link>>>,
            queue: Rc<RefCell<Vec<ErasedRc>>>,
        }
        impl Drop for Link {
            fn drop(&mut self) {
                if let Some(next) = self.next.get_mut().take() {
                    self.queue.borrow_mut().push(ErasedRc::new(next));
                }
            }
        }
        let queue = Rc::new(RefCell::new(Vec::new()));
        let mut head = None;
        for _ in 0..100_000 {
            head = Some(PoolRc::new(Link { next: RefCell::new(head), queue: queue.clone() }));
        }
        drop(head);
        loop {
            let next = queue.borrow_mut().pop();
            match next {
                Some(link) => drop(link),
                None => break,
            }
        }
        assert_eq!(Rc::strong_count(&queue), 1, "every link was dropped");
    }

    #[test]
    fn a_then_block_is_reused_by_the_next_then() {
        use crate::Promise;
        let el = settle_runtime::EventLoop::new();
        let (root, resolvers) = {
            let _g = el.enter();
            Promise::<u32>::with_resolvers()
        };
        let first = root.then(|v| Ok(v + 1));
        let block = PoolRc::as_ptr(&first.cell) as *const () as usize;
        drop(first);
        resolvers.resolve(1);
        el.run().unwrap(); // the handler runs: its block, the last reference gone, is given back
        let second = root.then(|v| Ok(v + 2));
        assert_eq!(PoolRc::as_ptr(&second.cell) as *const () as usize, block, "the same block");
    }

    #[test]
    fn a_then_job_lends_its_block_to_the_capability_and_gives_it_back_once() {
        use crate::{Error, Promise, Resolvers};
        let el = settle_runtime::EventLoop::new();
        let kept: Rc<RefCell<Option<Resolvers<u32>>>> = Rc::default();
        let (root, resolvers) = {
            let _g = el.enter();
            Promise::<u32>::with_resolvers()
        };
        // The job keeps a clone of the capability (a count of its own) and resolves later.
        let keep = kept.clone();
        let derived: Promise<u32> = root.then_reaction(move |_, capability, _| {
            *keep.borrow_mut() = Some(capability.clone());
        });
        let weak = PoolRc::downgrade(&derived.cell);
        drop(derived);
        // A job that panics: its block still goes back (memcheck sees a leak otherwise), and
        // the next `then` reuses it.
        let panicking: Promise<u32> = root.then_reaction(|_, _, _| panic!("job"));
        let block = PoolRc::as_ptr(&panicking.cell) as *const () as usize;
        drop(panicking);
        resolvers.resolve(1);
        let reported = Rc::new(Cell::new(0));
        let r = reported.clone();
        el.set_uncaught_hook(move |_| r.set(r.get() + 1));
        let _ = el.run();
        assert_eq!(reported.get(), 1, "the panic was reported");
        let next = root.then(|v| Ok(v + 2));
        assert_eq!(PoolRc::as_ptr(&next.cell) as *const () as usize, block, "given back, reused");
        let alive = weak.upgrade().expect("the kept capability holds the block");
        drop(alive);
        let capability = kept.borrow_mut().take().unwrap();
        let observed = capability.promise().clone();
        {
            let _g = el.enter();
            capability.resolve(7);
        }
        assert_eq!(observed.result().map(|r| r.map_err(|e: Error| e.to_string())), Some(Ok(7)));
        drop((capability, observed));
        assert!(weak.upgrade().is_none(), "dropped once, with the last reference");
    }

    #[test]
    fn a_long_pending_then_chain_drops_without_recursion_and_frees_its_captures() {
        on_small_stack(|| {
            use crate::Promise;
            let el = settle_runtime::EventLoop::new();
            let captured = Rc::new(());
            {
                let _g = el.enter();
                let (root, resolvers) = Promise::<u32>::with_resolvers();
                let mut tail = root.clone();
                for _ in 0..100_000 {
                    let c = captured.clone();
                    tail = tail.then(move |v| Ok(v + Rc::strong_count(&c) as u32));
                }
                drop((tail, resolvers));
                assert_eq!(Rc::strong_count(&captured), 100_001, "the chain is alive from its root");
                drop(root);
            }
            assert_eq!(Rc::strong_count(&captured), 1, "every link's handler was dropped");
        });
    }
}
