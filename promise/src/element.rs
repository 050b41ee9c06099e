//! The reaction records of a combinator's element functions (27.2.4.1.3 Promise.all Resolve
//! Element Functions, 27.2.4.2.2-3 Promise.allSettled's, 27.2.4.3.2 Promise.any Reject Element
//! Functions), many to a block.
//!
//! Why: a combinator makes one reaction per pending input, all in one loop, and each of them
//! only needs the call's shared record and its own index. As records of their own (a closure
//! capturing an `Rc` and the index, in a `PoolRc` block) each took a pool pop and push, a
//! 16-byte block head and an `Rc` increment and decrement, 56 bytes for a `u64` element. Here
//! one pooled block holds as many records as fit the pool's largest class (7 of 32 bytes for a
//! `u64` element) after one header with the shared record and the element function
//! (docs/benchmarks.md, entry 23). Pooled, not one large allocation per call: 8 KiB blocks
//! from the allocator were page-faulted anew on every call once glibc trimmed its heap (about
//! 800 faults per 10^5 elements), where the pool's blocks stay mapped and warm.
//!
//! A block is a [`Header`] (its live count, its allocation, the shared record `S` and the
//! element function `F`) and then its records. A record is its own strong count (what its one
//! `ReactionRef` holds: at offset 0, where a pooled block's `Head` has its count, so that
//! `release_strong` reads both alike), the element's index (the spec's [[Index]]) and the
//! link-or-argument slot every reaction record has. Element `index` sits at position
//! `index % Block::PER_BLOCK` of its block, so a record finds its block from its index: no
//! back-pointer.
//!
//! Invariants (the SAFETY comments refer to them):
//!
//! 1. A block is only touched on the thread that made it (the records hold no `Send` pointer:
//!    `ReactionRef` and the header's `Rc` are `!Send`).
//! 2. `live` counts the block's records whose count is held, plus one while the builder
//!    ([`ElementReactions`]) may still write records into it. The header (its `shared` and
//!    `handler`) is dropped, and the block given back, exactly once, by whoever takes `live` to
//!    zero; until then the block is live.
//! 3. A record at position `p` of a block holds an index `i` with `i % PER_BLOCK == p`; it is
//!    written once, by [`ElementReactions::next`], with its count at one, and its position is
//!    never written again (the builder's indices increase strictly, and a block takes indices
//!    from one range `[k * PER_BLOCK, k * PER_BLOCK + capacity)` only). Its slot is dropped
//!    once, when its count is given up, after which nothing reads the record.
//! 4. `capacity` and `class` are the block's allocation's: [`Block::layout`] of `capacity`,
//!    taken by `pool::allocate` as `class`.

use std::alloc::Layout;
use std::any::Any;
use std::cell::Cell;
use std::mem::{offset_of, size_of};
use std::ptr::{self, NonNull};
use std::rc::Rc;

use settle_runtime::job_pool;

use crate::pool::{Head, allocate, deallocate};
use crate::reaction::{ReactionRef, ReactionVTable, Slot, new_reaction};

/// One element's reaction record.
#[repr(C)]
struct ElementRecord<T, E> {
    /// The strong count of the record's one `ReactionRef` (1 while it is held). First, where a
    /// pooled block's `Head` has its count (`release_strong` reads it there).
    count: Cell<u32>,
    /// The element's index: [[Index]], and the record's position in its block (invariant 3).
    index: u32,
    slot: Cell<Slot<T, E>>,
}

/// What a block holds besides its records (16 bytes with an `Rc` and a closure capturing
/// nothing: the counts are `u16`, a block holding at most 248 bytes' worth of records).
struct Header<S, F> {
    live: Cell<u16>,
    capacity: u16,
    class: u16,
    /// The combinator call's shared record (values, remainingElementsCount, capability).
    shared: Rc<S>,
    /// The element function: what a record's job does with its index and argument.
    handler: F,
}

/// A block: the header, then `header.capacity` records (`repr(C)`: at [`Block::RECORDS`]).
#[repr(C)]
struct Block<S, F, T, E> {
    header: Header<S, F>,
    records: [ElementRecord<T, E>; 0],
}

impl<S, F, T, E> Block<S, F, T, E> {
    /// The offset of the first record.
    const RECORDS: usize = offset_of!(Block<S, F, T, E>, records);

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
    unsafe fn header<'a>(block: NonNull<Self>) -> &'a Header<S, F> {
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
    /// `record` is a record of a live block (invariants 2-3).
    #[inline]
    unsafe fn of(record: NonNull<ElementRecord<T, E>>) -> NonNull<Self> {
        // SAFETY: `index` was written once and is only read (invariant 3).
        let position = (unsafe { (*record.as_ptr()).index } % Self::PER_BLOCK as u32) as usize;
        // SAFETY: the record is at `position` of its block (invariant 3), so the start of the
        // block is that far before it, inside the same allocation.
        unsafe { record.cast::<u8>().sub(Self::RECORDS + position * size_of::<ElementRecord<T, E>>()).cast() }
    }

    /// Gives up one of the block's `live`; the last drops the header and gives the block back.
    ///
    /// # Safety
    ///
    /// The caller holds one of `live` (a record's, with that record's slot dropped, or the
    /// builder's) and uses the block no more.
    #[inline]
    unsafe fn release(block: NonNull<Self>) {
        // SAFETY: live while the caller's share of `live` is held (invariant 2).
        let header = unsafe { Self::header(block) };
        let live = header.live.get() - 1;
        header.live.set(live);
        if live == 0 {
            // SAFETY: the last share went here (invariant 2).
            unsafe { Self::free(block) }
        }
    }

    /// Drops the header of a block whose `live` reached zero and gives the block back, also when
    /// the header's drop unwinds (the shared record's drop runs user destructors).
    ///
    /// # Safety
    ///
    /// `live` just went to zero: no record is held and the builder is done with the block.
    #[cold]
    #[inline(never)]
    unsafe fn free(block: NonNull<Self>) {
        /// Gives the block back when dropped, on both paths.
        struct GiveBack(NonNull<u8>, Layout, u16);
        impl Drop for GiveBack {
            fn drop(&mut self) {
                // SAFETY: the block was taken with this layout as this class (invariant 4);
                // its header was dropped (or its drop unwound) and nothing uses it.
                unsafe { deallocate(self.0, self.1.size(), self.1.align(), self.2) }
            }
        }
        // SAFETY: live until given back below (the caller's contract).
        let header = unsafe { Self::header(block) };
        let _give_back = GiveBack(block.cast(), Self::layout(header.capacity as usize), header.class);
        // SAFETY: dropped once, here (invariant 2); every record's slot was dropped already.
        unsafe { ptr::drop_in_place(&raw mut (*block.as_ptr()).header) };
    }
}

/// A record's `ReactionVTable::run`: NewPromiseReactionJob step 1 for an element function.
///
/// # Safety
///
/// `head` is an element record of a `Block<S, F, T, E>` whose count the caller gives up.
unsafe fn run<S, F, T, E>(head: NonNull<Head>, _host: &mut dyn Any)
where
    F: Fn(&S, usize, Result<T, E>),
{
    let record = head.cast::<ElementRecord<T, E>>();
    // SAFETY: the record is live while its count is held (invariant 3): the caller gave it.
    let this = unsafe { record.as_ref() };
    // SAFETY: the record's block, live while the record is (invariant 2).
    let block = unsafe { Block::<S, F, T, E>::of(record) };
    // The slot taken leaves `Next(None)`, which owns nothing: the record needs no drop of its
    // own, and giving its count up is giving up its share of the block, when the element
    // function returns or unwinds (not through `drop_value`: 15 instructions less per element,
    // callgrind, W4b).
    let slot = this.slot.take();
    let _release = ReleaseBlock(block);
    let Slot::Argument(argument) = slot else { return };
    // SAFETY: live while the record's share is held, by `_release`.
    let header = unsafe { Block::header(block) };
    (header.handler)(&header.shared, this.index as usize, argument);
}

/// A record's share of its block's `live`, given up when dropped.
struct ReleaseBlock<S, F, T, E>(NonNull<Block<S, F, T, E>>);

impl<S, F, T, E> Drop for ReleaseBlock<S, F, T, E> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the share of a record whose slot was dropped or owns nothing, given up once.
        unsafe { Block::release(self.0) }
    }
}

/// A record's `ReactionVTable::drop_value`, once its count is zero: drops its slot (a link, or
/// the argument of a job dropped unrun) and gives up its share of the block.
///
/// # Safety
///
/// `head` is an element record of a `Block<S, F, T, E>` whose count the caller just gave up.
unsafe fn drop_value<S, F, T, E>(head: NonNull<Head>) {
    let record = head.cast::<ElementRecord<T, E>>();
    // The block is released after the slot's drop, also if that drop unwinds.
    // SAFETY: the record is live until its slot is dropped (invariant 3).
    let _release = ReleaseBlock(unsafe { Block::<S, F, T, E>::of(record) });
    // SAFETY: dropped once, here (invariant 3); nothing reads the record afterwards.
    unsafe { ptr::drop_in_place(&raw mut (*record.as_ptr()).slot) };
}

/// Makes a combinator call's element reactions, in increasing index order, into shared blocks.
///
/// `F` is the element function: `handler(shared, index, argument)` when input `index` settles.
pub(crate) struct ElementReactions<S, F, T, E> {
    shared: Rc<S>,
    handler: F,
    /// How many elements the iterable said it has (a hint: blocks are sized by it).
    expected: usize,
    /// The block the next records go in, with the builder's share of its `live`.
    block: Option<NonNull<Block<S, F, T, E>>>,
    /// `block` takes the indices below this one (from its range's start, invariant 3).
    limit: usize,
    /// The least index the next record may have: indices increase strictly (invariant 3).
    next_index: usize,
}

impl<S, F, T, E> ElementReactions<S, F, T, E>
where
    S: 'static,
    F: Fn(&S, usize, Result<T, E>) + Copy + 'static,
    T: 'static,
    E: 'static,
{
    /// A builder for the call whose shared record is `shared`; no block is taken until the
    /// first record.
    pub(crate) fn new(shared: &Rc<S>, expected: usize, handler: F) -> ElementReactions<S, F, T, E> {
        ElementReactions { shared: shared.clone(), handler, expected, block: None, limit: 0, next_index: 0 }
    }

    /// The reaction of element `index`: a record in the current block, or in a new one.
    ///
    /// # Panics
    ///
    /// Panics if `index` is not above every index given before.
    #[inline]
    pub(crate) fn next(&mut self, index: usize) -> ReactionRef<T, E> {
        assert!(index >= self.next_index, "element indices increase");
        let Ok(index32) = u32::try_from(index) else { return self.unblocked(index) };
        self.next_index = index + 1;
        let block = match self.block {
            Some(block) if index < self.limit => block,
            _ => self.new_block(index),
        };
        let record = ElementRecord { count: Cell::new(1), index: index32, slot: Cell::new(Slot::Next(None)) };
        // SAFETY: the builder holds a share of the block (invariant 2), and `index` is in its
        // range, above every index written into it (`limit`, `next_index`), so its position is
        // below the capacity and unwritten (invariant 3). The record gets the count its
        // reference holds and its share of `live`; the vtable is its type's.
        unsafe {
            let header = Block::<S, F, T, E>::header(block);
            header.live.set(header.live.get() + 1);
            let at = Block::record(block, (index32 % Block::<S, F, T, E>::PER_BLOCK as u32) as usize);
            at.write(record);
            ReactionRef::from_parts(
                at.cast(),
                const {
                    &ReactionVTable::new(
                        offset_of!(ElementRecord<T, E>, slot),
                        run::<S, F, T, E>,
                        drop_value::<S, F, T, E>,
                    )
                },
            )
        }
    }

    /// Takes the block for `index` (at its position in a range of `PER_BLOCK`), giving up the
    /// builder's share of the previous one. Sized by the hint, at least doubling within a
    /// range when the hint fell short. Out of line: once per `PER_BLOCK` elements.
    #[inline(never)]
    fn new_block(&mut self, index: usize) -> NonNull<Block<S, F, T, E>> {
        let per_block = Block::<S, F, T, E>::PER_BLOCK;
        let position = index % per_block;
        let capacity = (position + self.expected.saturating_sub(index))
            .max(2 * position)
            .max(position + 1)
            .min(per_block);
        let layout = Block::<S, F, T, E>::layout(capacity);
        let (memory, class) = allocate(layout);
        let block = memory.cast::<Block<S, F, T, E>>();
        let header = Header {
            live: Cell::new(1),
            capacity: capacity as u16,
            class,
            shared: self.shared.clone(),
            handler: self.handler,
        };
        // SAFETY: a fresh block of `layout`, owned here; the header is written once, and the
        // builder's share of `live` is the one it starts with.
        unsafe { (&raw mut (*block.as_ptr()).header).write(header) };
        if let Some(previous) = self.block.replace(block) {
            // SAFETY: the builder's share of the previous block, given up once.
            unsafe { Block::release(previous) }
        }
        self.limit = index - position + capacity;
        block
    }

    /// An element past `u32::MAX` (never in practice: 2^32 pending inputs): a record of its
    /// own, as every element's was before the blocks.
    #[cold]
    #[inline(never)]
    fn unblocked(&mut self, index: usize) -> ReactionRef<T, E> {
        self.next_index = index + 1;
        let (shared, handler) = (self.shared.clone(), self.handler);
        new_reaction(move |argument| handler(&shared, index, argument))
    }
}

impl<S, F, T, E> Drop for ElementReactions<S, F, T, E> {
    fn drop(&mut self) {
        if let Some(block) = self.block.take() {
            // SAFETY: the builder's share of its block, given up once.
            unsafe { Block::release(block) }
        }
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

    use super::Block;
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

    #[test]
    fn blocks_hold_several_records_for_small_values() {
        type B = Block<(), fn(&(), usize, Result<u64, Error>), u64, Error>;
        assert_eq!(
            (B::PER_BLOCK, size_of::<super::ElementRecord<u64, Error>>()),
            (7, 32),
            "7 records of 32 bytes for a `u64` element"
        );
        assert!(B::layout(B::PER_BLOCK).size() <= settle_runtime::job_pool::LARGEST, "a block is pooled");
        type Large = Block<(), fn(&(), usize, Result<[u64; 40], Error>), [u64; 40], Error>;
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
    fn fulfilled_inputs_between_pending_ones_skip_their_records() {
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
}
