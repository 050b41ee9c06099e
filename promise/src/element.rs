//! A combinator call's shared record and its elements' reaction records (27.2.4.1.3 Promise.all
//! Resolve Element Functions, 27.2.4.2.2-3 Promise.allSettled's, 27.2.4.3.2 Promise.any Reject
//! Element Functions), many records to a block, each record keeping its element's value.
//!
//! Why: a combinator makes one reaction per pending input, all in one loop, and each of them
//! only needs the call's shared record and its own index. As records of their own (a closure
//! capturing an `Rc` and the index, in a `PoolRc` block) each took a pool pop and push, a
//! 16-byte block head and 56 bytes for a `u64` element, and its value then went to a slot of a
//! separate `values` vector (16 bytes more, a vector that glibc gave back to the system after
//! every call and page-faulted in again on the next: about 400 faults per 10^5 elements).
//! Here one pooled block holds as many records as fit the pool's largest class (7 of 32 bytes
//! for a `u64` element) after a 16-byte header, and a pending input's record is also its slot
//! of the `values` List: the value stays in the record once its job ran, and the last
//! element's job collects the values in input order (docs/benchmarks.md, entry 23). The values
//! of inputs already fulfilled when the combinator sees them (whose jobs need no reaction) go
//! to a vector instead, made only when there is one, so that `Promise.all` over fulfilled
//! inputs is collected in place as before.
//!
//! A record is its own strong count (what its one `ReactionRef` holds: at offset 0, where a
//! pooled block's `Head` has its count, so that `release_strong` reads both alike), its
//! position in its block, and the link-or-argument slot every reaction record has. A record
//! finds its block's header, and through it the shared record, from its position: no
//! back-pointer.
//!
//! Invariants (the SAFETY comments refer to them):
//!
//! 1. Everything here is touched only on the thread that made it (`Rc`, `ReactionRef` and
//!    `NonNull` are `!Send`).
//! 2. The [`Elements`] owns its blocks (`blocks`, in record order) and every record's slot:
//!    they are dropped, and the blocks given back, with it, exactly once. A record whose
//!    `ReactionRef` is alive (count 1) holds one strong count of the `Elements`'s `Rc`, given
//!    up with that count, so a block outlives every reference to its records.
//! 3. A block's records were written, once each, at its positions `[0, end)` in order, by
//!    `Element::reaction`, each holding its position; a position is never written whole again
//!    (`end` only grows, up to the capacity). Those at `[start, end)` own their slot's value;
//!    those before `start` had theirs moved out by `Elements::collect`.
//! 4. `capacity` and `class` are the block's allocation's: [`Block::layout`] of `capacity`,
//!    taken by `pool::allocate` as `class`.

use std::alloc::Layout;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::mem::{offset_of, size_of};
use std::ptr::{self, NonNull};
use std::rc::Rc;

use settle_runtime::job_pool;

use crate::pool::{Head, allocate, deallocate};
use crate::reaction::{ReactionRef, ReactionVTable, Slot};

/// What a combinator does with its elements: the element function, given the input's outcome
/// where its job found it, in the record. An outcome not taken stays there as the element's
/// value, which [`Elements::collect`] takes out.
pub(crate) trait Combinator<T, E>: Sized + 'static {
    /// The combined promise's capability.
    type Capability;

    /// The element function of one input.
    fn settled(elements: &Elements<T, E, Self>, outcome: Outcome<'_, T, E>);
}

/// An input's outcome in its element's record (a slot holding `Slot::Argument`): left there,
/// it is the element's value; [`Outcome::take`] moves it out. Left in place rather than taken
/// and stored back: two moves of the slot less per element (callgrind, W4b: 546 -> 530).
pub(crate) struct Outcome<'a, T, E>(&'a Cell<Slot<T, E>>);

impl<T, E> Outcome<'_, T, E> {
    /// Whether the input fulfilled.
    #[inline]
    pub(crate) fn is_fulfilled(&self) -> bool {
        // SAFETY: a look at the discriminant through the cell's pointer: nothing else runs
        // meanwhile (one thread, no user code), and no reference to the contents outlives it.
        unsafe { matches!(&*self.0.as_ptr(), Slot::Argument(Ok(_))) }
    }

    /// Moves the outcome out of the record, which keeps no value.
    #[inline]
    pub(crate) fn take(self) -> Result<T, E> {
        match self.0.take() {
            Slot::Argument(outcome) => outcome,
            Slot::Next(_) => unreachable!("an outcome is a slot holding its argument"),
        }
    }
}

/// One element's record: its reaction, and its slot of the `values` List.
#[repr(C)]
struct ElementRecord<T, E> {
    /// The strong count of the record's one `ReactionRef` (1 while it is held). First, where a
    /// pooled block's `Head` has its count.
    count: Cell<u32>,
    /// The record's position in its block (invariant 3).
    position: u32,
    slot: Cell<Slot<T, E>>,
}

/// What a block holds besides its records: 16 bytes.
struct Header<T, E, K: Combinator<T, E>> {
    /// The call's shared record (invariant 2: it outlives the block's references).
    elements: NonNull<Elements<T, E, K>>,
    capacity: u16,
    class: u16,
    /// The records that own their slot, `[start, end)` (invariant 3).
    start: Cell<u16>,
    end: Cell<u16>,
}

/// A block: the header, then `capacity` records (`repr(C)`: at [`Block::RECORDS`]).
#[repr(C)]
struct Block<T, E, K: Combinator<T, E>> {
    header: Header<T, E, K>,
    records: [ElementRecord<T, E>; 0],
}

impl<T, E, K: Combinator<T, E>> Block<T, E, K> {
    /// The offset of the first record.
    const RECORDS: usize = offset_of!(Block<T, E, K>, records);

    /// The most records a block holds: as many as fit the pool's largest block after the
    /// header, and at least one (a block too large for the pool comes from the allocator).
    const PER_BLOCK: usize = {
        let fit = job_pool::LARGEST.saturating_sub(Self::RECORDS) / size_of::<ElementRecord<T, E>>();
        if fit == 0 { 1 } else { fit }
    };

    /// The layout of a block of `capacity` records.
    fn layout(capacity: usize) -> Layout {
        let size = size_of::<ElementRecord<T, E>>()
            .checked_mul(capacity)
            .and_then(|records| records.checked_add(Self::RECORDS))
            .expect("a block of element records fits the address space");
        Layout::from_size_align(size, align_of::<Self>()).expect("a block's layout is valid")
    }

    /// The header of the block at `block`.
    ///
    /// # Safety
    ///
    /// The block is live (invariant 2).
    #[inline]
    unsafe fn header<'a>(block: NonNull<Self>) -> &'a Header<T, E, K> {
        // SAFETY: the caller's contract; the reference covers the header only, not the records.
        unsafe { &(*block.as_ptr()).header }
    }

    /// The record at `position`.
    ///
    /// # Safety
    ///
    /// The block is live and `position` is below its capacity.
    #[inline]
    unsafe fn record(block: NonNull<Self>, position: usize) -> NonNull<ElementRecord<T, E>> {
        // SAFETY: in bounds of the block's allocation (its layout, invariant 4).
        unsafe { block.cast::<u8>().add(Self::RECORDS + position * size_of::<ElementRecord<T, E>>()).cast() }
    }

    /// The block of the record at `record`.
    ///
    /// # Safety
    ///
    /// `record` is a written record of a live block (invariants 2-3).
    #[inline]
    unsafe fn of(record: NonNull<ElementRecord<T, E>>) -> NonNull<Self> {
        // SAFETY: `position` was written once and is only read (invariant 3).
        let position = unsafe { (*record.as_ptr()).position } as usize;
        // SAFETY: the record is at `position` of its block (invariant 3), so the start of the
        // block is that far before it, inside the same allocation.
        unsafe { record.cast::<u8>().sub(Self::RECORDS + position * size_of::<ElementRecord<T, E>>()).cast() }
    }
}

/// A block owned by its [`Elements`] (invariant 2): dropping it drops its records' slots and
/// gives it back.
struct OwnedBlock<T, E, K: Combinator<T, E>>(NonNull<Block<T, E, K>>);

impl<T, E, K: Combinator<T, E>> Drop for OwnedBlock<T, E, K> {
    fn drop(&mut self) {
        /// Gives the block back when dropped: also if a slot's drop unwinds.
        struct GiveBack(NonNull<u8>, Layout, u16);
        impl Drop for GiveBack {
            fn drop(&mut self) {
                // SAFETY: the block was taken with this layout as this class (invariant 4);
                // nothing uses it once its records are dropped.
                unsafe { deallocate(self.0, self.1.size(), self.1.align(), self.2) }
            }
        }
        let block = self.0;
        // SAFETY: the `Elements` owning the block is being dropped, so no reference to its
        // records is left (invariant 2); the header is plain data.
        let header = unsafe { Block::header(block) };
        let (start, end) = (header.start.get() as usize, header.end.get() as usize);
        let _give_back =
            GiveBack(block.cast(), Block::<T, E, K>::layout(header.capacity as usize), header.class);
        // SAFETY: the records at `[start, end)` were written and own their slots (invariant
        // 3); each is dropped once, here (a slice's drop goes on past a panicking element's).
        unsafe {
            let first = Block::record(block, start);
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(first.as_ptr(), end - start));
        }
    }
}

/// The shared record of one combinator call: remainingElementsCount (from 1, so that the
/// combined promise cannot settle before the iteration is over), the combined promise's
/// capability, and the `values` (or `errors`) List: the pending inputs' values in their
/// records, those of inputs already fulfilled when the combinator saw them in `fulfilled`.
pub(crate) struct Elements<T, E, K: Combinator<T, E>> {
    remaining: Cell<usize>,
    pub(crate) capability: K::Capability,
    /// Every block, in record order (invariant 2).
    blocks: RefCell<Vec<OwnedBlock<T, E, K>>>,
    /// The values of the inputs already fulfilled, by index, `None` for the others: empty
    /// until the first such input (then every element has its entry), so that a combinator
    /// over pending inputs only has records, and one over fulfilled inputs only this vector,
    /// collected in place.
    fulfilled: RefCell<Vec<Option<T>>>,
    /// Whether `fulfilled` is in use (read by every pending element: no borrow).
    any_fulfilled: Cell<bool>,
    /// How many elements were reserved: the next index.
    len: Cell<usize>,
    /// How many records were made.
    records: Cell<usize>,
    /// The block the next record goes in (the last of `blocks`).
    current: Cell<Option<NonNull<Block<T, E, K>>>>,
    /// How many inputs the iterable said it has: blocks and `fulfilled` are sized by it.
    expected: usize,
}

impl<T: 'static, E: 'static, K: Combinator<T, E>> Elements<T, E, K> {
    /// `expected`: how many inputs the iterable says it has. No block is taken until the first
    /// record.
    pub(crate) fn new(capability: K::Capability, expected: usize) -> Rc<Elements<T, E, K>> {
        Rc::new(Elements {
            remaining: Cell::new(1),
            capability,
            blocks: RefCell::new(Vec::new()),
            fulfilled: RefCell::new(Vec::new()),
            any_fulfilled: Cell::new(false),
            len: Cell::new(0),
            records: Cell::new(0),
            current: Cell::new(None),
            expected,
        })
    }

    /// Reserves the next element (`values.push(undefined)`, remainingElementsCount += 1),
    /// which the [`Element`] returned fills.
    #[inline]
    pub(crate) fn reserve(this: &Rc<Self>) -> Element<'_, T, E, K> {
        let index = this.len.get();
        this.remaining.set(this.remaining.get() + 1);
        this.len.set(index + 1);
        Element { elements: this, index }
    }

    /// Takes a block for the next records, `made` having been made: sized by the hint's count
    /// of the elements still to come, or, once the hint fell short, twice the last block. Out
    /// of line: once per block.
    #[inline(never)]
    fn new_block(this: &Rc<Self>, made: usize, last: Option<&Header<T, E, K>>) -> NonNull<Block<T, E, K>> {
        let wanted = match this.expected.checked_sub(made) {
            Some(left) if left > 0 => left,
            _ => last.map_or(1, |header| 2 * header.capacity as usize),
        };
        let capacity = wanted.min(Block::<T, E, K>::PER_BLOCK);
        let layout = Block::<T, E, K>::layout(capacity);
        let (memory, class) = allocate(layout);
        let block = memory.cast::<Block<T, E, K>>();
        // The pointer `Rc::into_raw` gives (and `Share` takes back): not one made from a
        // reference to the value, whose provenance would not cover the `Rc`'s counts.
        let elements =
            NonNull::new(Rc::as_ptr(this).cast_mut()).unwrap_or_else(|| unreachable!("an `Rc` is not null"));
        let header =
            Header { elements, capacity: capacity as u16, class, start: Cell::new(0), end: Cell::new(0) };
        // SAFETY: a fresh block of `layout`, owned here; the header is written once. Pushed
        // at once, so it is given back with `this` (invariant 2); no record is written yet.
        unsafe { (&raw mut (*block.as_ptr()).header).write(header) };
        let mut blocks = this.blocks.borrow_mut();
        if blocks.capacity() == 0 {
            blocks.reserve(this.expected.div_ceil(Block::<T, E, K>::PER_BLOCK));
        }
        blocks.push(OwnedBlock(block));
        this.current.set(Some(block));
        block
    }

    /// remainingElementsCount -= 1; whether it reached 0.
    #[inline]
    pub(crate) fn finish_one(&self) -> bool {
        let remaining = self.remaining.get() - 1;
        self.remaining.set(remaining);
        remaining == 0
    }

    /// The values, in input order, moved out of the records and `fulfilled` and mapped by
    /// `map` into the caller's collection: CreateArrayFromList(values). Every element holds its
    /// value (each element's function stored it before the count reached 0).
    pub(crate) fn collect<X, C: FromIterator<X>>(&self, mut map: impl FnMut(Result<T, E>) -> X) -> C {
        let fulfilled = std::mem::take(&mut *self.fulfilled.borrow_mut());
        let blocks = self.blocks.borrow();
        let mut records = Values::new(&blocks, self.records.get());
        if fulfilled.is_empty() {
            return Mapped(records, map).collect();
        }
        debug_assert_eq!(fulfilled.len(), self.len.get(), "every element has its entry");
        // Pending inputs and fulfilled ones mixed (or only fulfilled ones: then, for a `Vec`,
        // collected in place).
        fulfilled
            .into_iter()
            .map(|value| match value {
                Some(value) => map(Ok(value)),
                None => {
                    map(records.next().unwrap_or_else(|| unreachable!("a pending element has its record")))
                }
            })
            .collect()
    }
}

/// An element just reserved, which it fills once: with the value of an input already
/// fulfilled, or with the reaction of a pending one.
pub(crate) struct Element<'a, T, E, K: Combinator<T, E>> {
    elements: &'a Rc<Elements<T, E, K>>,
    index: usize,
}

impl<T: 'static, E: 'static, K: Combinator<T, E>> Element<'_, T, E, K> {
    /// Stores the element's value: an input already fulfilled, whose job only counts down.
    #[inline]
    pub(crate) fn store(self, value: T) {
        let mut fulfilled = self.elements.fulfilled.borrow_mut();
        if !self.elements.any_fulfilled.replace(true) {
            fulfilled.reserve(self.elements.expected.max(self.index + 1));
        }
        // The pending elements before this one (only in a mix): no value here.
        fulfilled.resize_with(self.index, || None);
        fulfilled.push(Some(value));
    }

    /// The element's reaction: its record, holding a strong count of the `Elements` while the
    /// reaction lives (invariant 2).
    #[inline]
    pub(crate) fn reaction(self) -> ReactionRef<T, E> {
        let elements = self.elements;
        if elements.any_fulfilled.get() {
            // Only in a mix with fulfilled inputs: this element has no value there.
            elements.fulfilled.borrow_mut().resize_with(self.index + 1, || None);
        }
        let made = elements.records.get();
        elements.records.set(made + 1);
        // SAFETY: the current block is owned by `elements`, so live (invariant 2).
        let last = elements.current.get().map(|block| (block, unsafe { Block::header(block) }));
        let (block, header) = match last {
            Some((block, header)) if header.end.get() < header.capacity => (block, header),
            _ => {
                let block = Elements::new_block(elements, made, last.map(|(_, header)| header));
                // SAFETY: as above, for the block just taken.
                (block, unsafe { Block::header(block) })
            }
        };
        let position = header.end.get();
        let record = ElementRecord {
            count: Cell::new(1),
            position: position as u32,
            slot: Cell::new(Slot::Next(None)),
        };
        // The count the record's reference holds; `Share` gives it back through the header's
        // pointer, the one `into_raw` returns.
        let share = Rc::into_raw(elements.clone());
        debug_assert!(ptr::eq(share, Rc::as_ptr(elements)));
        // SAFETY: `position` is `end`, below the block's capacity: unwritten (invariant 3), and
        // written once, here, and counted. The record gets the count (1) of the one reference
        // made here, and the `Rc` count taken above, which the vtable's functions give back;
        // the vtable is the record type's, and the slot is at its offset.
        unsafe {
            let at = Block::record(block, position as usize);
            at.write(record);
            header.end.set(position + 1);
            ReactionRef::from_parts(
                at.cast(),
                const {
                    &ReactionVTable::new(
                        offset_of!(ElementRecord<T, E>, slot),
                        run::<T, E, K>,
                        drop_value::<T, E, K>,
                    )
                },
            )
        }
    }
}

/// `Iterator::map`, with its `next` inlined into the collection's loop: as `Map`, it was a call
/// per element (callgrind, W4b, 2026-12-07: 47 instructions per element with the loop, 28 now).
struct Mapped<I, M>(I, M);

impl<I: Iterator, X, M: FnMut(I::Item) -> X> Iterator for Mapped<I, M> {
    type Item = X;

    #[inline(always)]
    fn next(&mut self) -> Option<X> {
        self.0.next().map(&mut self.1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// The values of a call's records, in input order, moved out: each record's block's `start`
/// moves past it as its value is read, so that a panic in the caller's collection leaves the
/// others to the blocks' drop (invariant 3).
struct Values<'a, T, E, K: Combinator<T, E>> {
    blocks: std::slice::Iter<'a, OwnedBlock<T, E, K>>,
    /// The block being read, its next record and how many are left in it.
    header: Option<&'a Header<T, E, K>>,
    record: NonNull<ElementRecord<T, E>>,
    left: usize,
    /// How many values are left in all.
    len: usize,
}

impl<'a, T, E, K: Combinator<T, E>> Values<'a, T, E, K> {
    /// The values of `blocks`, `len` in all.
    fn new(blocks: &'a [OwnedBlock<T, E, K>], len: usize) -> Values<'a, T, E, K> {
        Values { blocks: blocks.iter(), header: None, record: NonNull::dangling(), left: 0, len }
    }

    /// Moves to the next block with values; `false` at the end.
    #[cold]
    fn next_block(&mut self) -> bool {
        while self.left == 0 {
            let Some(block) = self.blocks.next() else { return false };
            // SAFETY: owned by the borrowed `Elements`, so live (invariant 2).
            let header = unsafe { Block::header(block.0) };
            let (start, end) = (header.start.get() as usize, header.end.get() as usize);
            // SAFETY: `start` is at most `end`, a position of the block.
            self.record = unsafe { Block::record(block.0, start) };
            (self.header, self.left) = (Some(header), end - start);
        }
        true
    }
}

impl<T, E, K: Combinator<T, E>> Iterator for Values<'_, T, E, K> {
    type Item = Result<T, E>;

    #[inline(always)]
    fn next(&mut self) -> Option<Result<T, E>> {
        if self.left == 0 && !self.next_block() {
            return None;
        }
        let header = self.header?;
        // SAFETY: the record at `start` of a live block owns its slot (invariant 3); its value
        // is moved out once: `start` moves past it at once.
        let slot = unsafe { ptr::read((*self.record.as_ptr()).slot.as_ptr()) };
        header.start.set(header.start.get() + 1);
        // SAFETY: the next position, at most `end`.
        self.record = unsafe { self.record.add(1) };
        self.left -= 1;
        self.len -= 1;
        match slot {
            Slot::Argument(value) => Some(value),
            Slot::Next(_) => unreachable!("every element stored its value before the last one collected"),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

/// A record's `ReactionVTable::run`: NewPromiseReactionJob step 1 for an element function.
///
/// # Safety
///
/// `head` is an element record with a reference (count 1), whose count the caller gives up.
unsafe fn run<T: 'static, E: 'static, K: Combinator<T, E>>(head: NonNull<Head>, _host: &mut dyn Any) {
    let record = head.cast::<ElementRecord<T, E>>();
    // SAFETY: the record is live while its count is held (invariant 2): the caller gave it.
    let this = unsafe { record.as_ref() };
    // SAFETY: the record's block, live while the record is referenced (invariant 2).
    let elements = unsafe { Block::<T, E, K>::header(Block::of(record)).elements };
    // The record's count is its strong count of `elements`, given up when the element function
    // returns or unwinds (nothing touches the record after: that may free it).
    let _share = Share(elements);
    // SAFETY: as in `Outcome::is_fulfilled`.
    if !unsafe { matches!(&*this.slot.as_ptr(), Slot::Argument(_)) } {
        return;
    }
    // SAFETY: live while the share is held.
    K::settled(unsafe { elements.as_ref() }, Outcome(&this.slot));
}

/// A record's `ReactionVTable::drop_value`, once its count is zero (its reference dropped with
/// the list it was on, or with its job unrun): drops what its slot holds (a link, or the
/// argument of a job that will not run) and gives up its share of the `Elements`.
///
/// # Safety
///
/// `head` is an element record whose count (1) the caller just gave up.
unsafe fn drop_value<T: 'static, E: 'static, K: Combinator<T, E>>(head: NonNull<Head>) {
    let record = head.cast::<ElementRecord<T, E>>();
    // SAFETY: as in `run`: live until the share goes, after the slot's drop (also on unwind).
    let this = unsafe { record.as_ref() };
    // SAFETY: the record's block, live while the record is referenced (invariant 2).
    let elements = unsafe { Block::<T, E, K>::header(Block::of(record)).elements };
    let _share = Share(elements);
    drop(this.slot.take());
}

/// A record's strong count of its `Elements`, given up when dropped.
struct Share<T: 'static, E: 'static, K: Combinator<T, E>>(NonNull<Elements<T, E, K>>);

impl<T: 'static, E: 'static, K: Combinator<T, E>> Drop for Share<T, E, K> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the count `Elements::reaction` took with `Rc::into_raw`, whose pointer the
        // header holds (`NonNull::from` of the same value); given back once.
        drop(unsafe { Rc::from_raw(self.0.as_ptr()) });
    }
}
#[cfg(test)]
mod tests {
    //! The blocks' bookkeeping through the combinators that use them. Each test ends with every
    //! block given back, which `valgrind --tool=memcheck --leak-check=full` checks
    //! (docs/benchmarks.md, entry 23); the probes check it without valgrind.

    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use settle_runtime::EventLoop;

    use super::{Block, Combinator, Elements, Outcome};
    use crate::error::Error;
    use crate::resolving::Resolvers;
    use crate::{Promise, PromiseStatics, Settled};

    /// `n` pending promises, to be resolved by the test.
    fn pending<T: Clone + 'static>(n: usize) -> (Vec<Promise<T>>, Vec<Resolvers<T>>) {
        (0..n).map(|_| Promise::<T>::with_resolvers()).unzip()
    }

    /// Iterators that say their length, say nothing, and say too little: the blocks are sized
    /// by the hint, and grow when it falls short.
    fn shapes(promises: Vec<Promise<u64>>) -> [Box<dyn Iterator<Item = Promise<u64>>>; 3] {
        let (a, rest) = promises.split_at(promises.len() / 3);
        let (b, c) = rest.split_at(rest.len() / 2);
        let (a, b, c) = (a.to_vec(), b.to_vec(), c.to_vec());
        let short = c.len() / 2;
        [
            Box::new(a.into_iter()),
            Box::new(b.into_iter().filter(|_| true)),
            Box::new(LyingHint(c.into_iter(), short)),
        ]
    }

    /// An iterator whose lower bound is `.1`, whatever it yields.
    struct LyingHint<I>(I, usize);

    impl<I: Iterator> Iterator for LyingHint<I> {
        type Item = I::Item;
        fn next(&mut self) -> Option<I::Item> {
            self.0.next()
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (self.1, None)
        }
    }

    /// A combinator that stores nothing, to name the blocks' types.
    struct Nothing;

    impl<T: 'static, E: 'static> Combinator<T, E> for Nothing {
        type Capability = ();
        fn settled(_: &Elements<T, E, Self>, _: Outcome<'_, T, E>) {}
    }

    #[test]
    fn blocks_hold_several_records_for_small_values() {
        type B = Block<u64, Error, Nothing>;
        assert_eq!(
            (B::PER_BLOCK, size_of::<super::ElementRecord<u64, Error>>(), B::RECORDS),
            (7, 32, 16),
            "7 records of 32 bytes for a `u64` element, after a 16-byte header"
        );
        assert!(B::layout(B::PER_BLOCK).size() <= settle_runtime::job_pool::LARGEST, "a block is pooled");
        type Large = Block<[u64; 40], Error, Nothing>;
        assert_eq!(Large::PER_BLOCK, 1, "a record larger than a pooled block has a block of its own");
        assert_eq!(std::mem::offset_of!(super::ElementRecord<u64, Error>, count), 0);
    }

    #[test]
    fn elements_across_many_blocks_fulfill_in_input_order_whatever_the_resolution_order() {
        let el = EventLoop::new();
        let _g = el.enter();
        for n in [1usize, 2, 7, 8, 15, 300] {
            let (promises, resolvers) = pending::<u64>(n * 3);
            let all: Vec<Promise<Vec<u64>>> = shapes(promises).into_iter().map(Promise::all).collect();
            // Resolved from the last to the first: the jobs run in that order too.
            for (i, r) in resolvers.into_iter().enumerate().rev() {
                r.resolve(i as u64);
            }
            el.run().unwrap();
            let got: Vec<Vec<u64>> = all.iter().map(|p| p.result().unwrap().unwrap()).collect();
            let third = n * 3 / 3;
            let want: Vec<u64> = (0..n as u64 * 3).collect();
            let (a, rest) = want.split_at(third);
            let (b, c) = rest.split_at(rest.len() / 2);
            assert_eq!(got, [a.to_vec(), b.to_vec(), c.to_vec()], "n = {n}");
        }
    }

    #[test]
    fn fulfilled_inputs_between_pending_ones_keep_their_values_aside() {
        let el = EventLoop::new();
        let _g = el.enter();
        let (promises, resolvers) = pending::<u64>(40);
        let mixed: Vec<Promise<u64>> = promises
            .into_iter()
            .enumerate()
            .map(|(i, p)| if i % 3 == 0 { Promise::resolve(1000 + i as u64) } else { p })
            .collect();
        let all = Promise::all(mixed);
        for (i, r) in resolvers.into_iter().enumerate() {
            r.resolve(i as u64);
        }
        el.run().unwrap();
        let want: Vec<u64> = (0..40).map(|i| if i % 3 == 0 { 1000 + i } else { i }).collect();
        assert_eq!(all.result().unwrap().unwrap(), want);
    }

    #[test]
    fn all_settled_and_any_across_blocks() {
        let el = EventLoop::new();
        let _g = el.enter();
        let (promises, resolvers) = pending::<u64>(50);
        let settled = Promise::all_settled(promises.clone());
        let any = Promise::any(promises);
        for (i, r) in resolvers.into_iter().enumerate() {
            r.reject(Error::msg(format!("{i}")));
        }
        el.run().unwrap();
        let want: Vec<Settled<u64, Error>> =
            (0..50).map(|i| Settled::Rejected(Error::msg(format!("{i}")))).collect();
        assert_eq!(settled.result().unwrap().unwrap(), want);
        let error = any.result().unwrap().unwrap_err();
        let crate::ErrorKind::Aggregate(aggregate) = error.kind() else { panic!("{error}") };
        assert_eq!(aggregate.errors.len(), 50);
        assert_eq!(aggregate.errors[49], Error::msg("49"));
    }

    #[test]
    fn a_rejection_settles_all_and_the_later_elements_still_run_and_free_their_blocks() {
        let el = EventLoop::new();
        let _g = el.enter();
        let probe = Rc::new(());
        let (promises, resolvers) = pending::<Rc<()>>(30);
        let all = Promise::all(promises);
        for (i, r) in resolvers.into_iter().enumerate() {
            if i == 3 { r.reject(Error::msg("three")) } else { r.resolve(probe.clone()) }
        }
        el.run().unwrap();
        assert_eq!(all.result().unwrap().unwrap_err(), Error::msg("three"));
        assert_eq!(Rc::strong_count(&probe), 1, "every value stored was dropped with the blocks");
    }

    #[test]
    fn inputs_that_never_settle_drop_their_records_and_the_blocks_go_back() {
        let el = EventLoop::new();
        let _g = el.enter();
        let probe = Rc::new(());
        let (promises, resolvers) = pending::<Rc<()>>(20);
        let all = Promise::all(promises);
        // Half fulfilled (their values wait in the call's slots), half never settled: their
        // resolvers dropped, the inputs' reaction lists go with them, records unrun.
        for (i, r) in resolvers.into_iter().enumerate() {
            if i % 2 == 0 {
                r.resolve(probe.clone());
            }
        }
        el.run().unwrap();
        assert!(all.result().is_none(), "pending forever");
        drop(all);
        assert_eq!(Rc::strong_count(&probe), 1, "the stored values went with the last block");
    }

    #[test]
    fn jobs_dropped_unrun_drop_their_arguments_and_blocks() {
        let probe = Rc::new(());
        {
            let el = EventLoop::new();
            let _g = el.enter();
            let (promises, resolvers) = pending::<Rc<()>>(25);
            let _all = Promise::all(promises);
            for r in resolvers {
                r.resolve(probe.clone());
            }
            // The element jobs are queued with their arguments in the records; the loop is
            // dropped without running them.
        }
        assert_eq!(Rc::strong_count(&probe), 1, "every queued argument was dropped");
    }

    /// A collection whose `FromIterator` panics: the last element's job unwinds through the
    /// element function, and its record and block still go back.
    #[derive(Clone, Debug)]
    struct Refuses;

    impl FromIterator<Rc<()>> for Refuses {
        fn from_iter<I: IntoIterator<Item = Rc<()>>>(iter: I) -> Refuses {
            drop(iter.into_iter().collect::<Vec<_>>());
            panic!("refused")
        }
    }

    #[test]
    fn an_element_function_that_unwinds_still_gives_its_block_back() {
        let el = EventLoop::new();
        let reported = Rc::new(Cell::new(0));
        let r = reported.clone();
        el.set_uncaught_hook(move |_| r.set(r.get() + 1));
        let probe = Rc::new(());
        let kept: Rc<RefCell<Option<Promise<Refuses>>>> = Rc::default();
        {
            let _g = el.enter();
            let (promises, resolvers) = pending::<Rc<()>>(10);
            *kept.borrow_mut() =
                Some(<Promise<Rc<()>> as PromiseStatics<_, _, _>>::all::<Refuses, _>(promises));
            for r in resolvers {
                r.resolve(probe.clone());
            }
        }
        let _ = el.run();
        assert_eq!(reported.get(), 1, "the panic was reported");
        assert!(kept.borrow().as_ref().unwrap().result().is_none());
        kept.borrow_mut().take();
        assert_eq!(Rc::strong_count(&probe), 1);
    }

    #[test]
    fn large_values_have_a_block_each() {
        let el = EventLoop::new();
        let _g = el.enter();
        let (promises, resolvers) = pending::<[u64; 40]>(9);
        let all = Promise::all(promises);
        for (i, r) in resolvers.into_iter().enumerate() {
            r.resolve([i as u64; 40]);
        }
        el.run().unwrap();
        let got = all.result().unwrap().unwrap();
        assert_eq!(got.iter().map(|v| v[39]).collect::<Vec<_>>(), (0..9).collect::<Vec<_>>());
    }

    #[test]
    fn fulfilled_inputs_only_and_fulfilled_after_pending_ones() {
        let el = EventLoop::new();
        let _g = el.enter();
        let only: Promise<Vec<u64>> = Promise::all((0..20).map(Promise::resolve).collect::<Vec<_>>());
        let (promises, resolvers) = pending::<u64>(10);
        // Pending first, then fulfilled: the fulfilled values' vector starts late, padded.
        let mixed: Vec<Promise<u64>> = promises.into_iter().chain((10..20).map(Promise::resolve)).collect();
        let later = Promise::all(mixed);
        let settled = Promise::all_settled((0..3).map(Promise::resolve).collect::<Vec<_>>());
        for (i, r) in resolvers.into_iter().enumerate() {
            r.resolve(i as u64);
        }
        el.run().unwrap();
        assert_eq!(only.result().unwrap().unwrap(), (0..20).collect::<Vec<_>>());
        assert_eq!(later.result().unwrap().unwrap(), (0..20).collect::<Vec<_>>());
        assert_eq!(settled.result().unwrap().unwrap(), (0..3).map(Settled::Fulfilled).collect::<Vec<_>>());
    }

    /// A collection that takes a few values and then panics: the values it took are its own,
    /// the others are dropped with their blocks (each once: memcheck, and the probe's count).
    #[derive(Clone, Debug)]
    struct TakesThree;

    impl FromIterator<Rc<()>> for TakesThree {
        fn from_iter<I: IntoIterator<Item = Rc<()>>>(iter: I) -> TakesThree {
            let taken: Vec<Rc<()>> = iter.into_iter().take(3).collect();
            assert_eq!(taken.len(), 3);
            panic!("took three")
        }
    }

    #[test]
    fn a_collection_that_panics_midway_leaves_the_rest_to_the_blocks() {
        let el = EventLoop::new();
        let reported = Rc::new(Cell::new(0));
        let r = reported.clone();
        el.set_uncaught_hook(move |_| r.set(r.get() + 1));
        let probe = Rc::new(());
        {
            let _g = el.enter();
            let (promises, resolvers) = pending::<Rc<()>>(12);
            let all = <Promise<Rc<()>> as PromiseStatics<_, _, _>>::all::<TakesThree, _>(promises);
            for r in resolvers {
                r.resolve(probe.clone());
            }
            drop(all);
        }
        let _ = el.run();
        assert_eq!(reported.get(), 1, "the panic was reported");
        assert_eq!(Rc::strong_count(&probe), 1, "every value dropped once");
    }
}
