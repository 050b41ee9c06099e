//! Timer storage: entries in a vector, addressed by `u32` keys, vacated in place and reused
//! through an explicit stack of free keys.
//!
//! Why not `slab::Slab`: a slab threads its free list through the vacant entries themselves,
//! so each insert must read the entry it fills to learn the next free key, a chain of
//! dependent cache misses once the timers outgrow the cache (a quarter of W5's time at 10^6
//! timers), and it moves whole entries in and out. Here the free keys sit in their own vector,
//! removing a timer only takes its payload out, and when the last timer leaves, keys start
//! again from 0, so the next batch of timers is written front to back.

use std::time::Duration;

/// One timer. A vacant entry has generation 0 and no payload.
#[derive(Debug)]
pub(crate) struct Entry<P> {
    /// Never 0 while the entry is occupied; live ids never carry 0 either.
    pub(crate) generation: u32,
    /// The sequence number of the timer's current schedule entry.
    pub(crate) seq: u64,
    pub(crate) deadline: Duration,
    pub(crate) interval: Option<Duration>,
    /// `None` while vacant, and while an interval's callback is running.
    pub(crate) payload: Option<P>,
}

/// The entries of one queue.
#[derive(Debug)]
pub(crate) struct Slots<P> {
    entries: Vec<Entry<P>>,
    /// Keys vacated since the store was last empty, reused last first.
    free: Vec<u32>,
    /// `entries[fresh..]` are vacant and not in `free`: handed out in order.
    fresh: usize,
    len: usize,
}

impl<P> Slots<P> {
    pub(crate) fn new() -> Slots<P> {
        Slots { entries: Vec::new(), free: Vec::new(), fresh: 0, len: 0 }
    }

    /// The number of occupied entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Stores `entry` (its generation must not be 0) and returns its key.
    ///
    /// # Panics
    ///
    /// Panics if more than `u32::MAX` timers would be stored at once.
    #[inline]
    pub(crate) fn insert(&mut self, entry: Entry<P>) -> u32 {
        debug_assert_ne!(entry.generation, 0);
        self.len += 1;
        if let Some(key) = self.free.pop() {
            self.entries[key as usize] = entry;
            return key;
        }
        let key = u32::try_from(self.fresh).expect("more than u32::MAX live timers");
        if self.fresh < self.entries.len() {
            self.entries[self.fresh] = entry;
        } else {
            self.entries.push(entry);
        }
        self.fresh += 1;
        key
    }

    /// The occupied entry under `key` if its generation is `generation`.
    #[inline]
    pub(crate) fn get(&self, key: u32, generation: u32) -> Option<&Entry<P>> {
        self.entries.get(key as usize).filter(|e| e.generation == generation && generation != 0)
    }

    /// The occupied entry under `key` if its generation is `generation`.
    #[inline]
    pub(crate) fn get_mut(&mut self, key: u32, generation: u32) -> Option<&mut Entry<P>> {
        self.entries.get_mut(key as usize).filter(|e| e.generation == generation && generation != 0)
    }

    /// The entry under `key`, occupied or vacant (a vacant one has no payload).
    #[inline]
    pub(crate) fn get_any(&self, key: u32) -> Option<&Entry<P>> {
        self.entries.get(key as usize)
    }

    /// Starts loading the entry under `key` into the cache: its timer is about to come due.
    ///
    /// Why: due timers come out in deadline order, which for timers set in any other order is
    /// a random walk over the entries (80 MB at 10^6 timers). The loop pops a whole batch of
    /// due timers, then runs one task per timer, each taking its entry; without a prefetch a
    /// batch's checks and takes stalled on one cache and TLB miss after another (W5 at 10^6,
    /// bench_rss, interleaved runs: median 204 -> 157 ns per timer, minimum 179 -> 145).
    /// Elsewhere than x86_64 this does nothing.
    #[inline]
    pub(crate) fn prefetch(&self, key: u32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(entry) = self.entries.get(key as usize) {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let first = std::ptr::from_ref(entry).cast::<i8>();
            let last = first.wrapping_add(std::mem::size_of::<Entry<P>>() - 1);
            // SAFETY: `_mm_prefetch` is unsafe only because it is an SSE intrinsic, and SSE is
            // part of the x86_64 baseline: every x86_64 CPU has the instruction. A prefetch is
            // a hint that never faults and changes neither memory nor program state; even so,
            // both addresses lie inside `entry`, a live element of `self.entries`.
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(first);
                _mm_prefetch::<_MM_HINT_T0>(last);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    /// Vacates the occupied entry under `key` (found with [`get`](Slots::get)), handing out its
    /// payload.
    #[inline]
    pub(crate) fn vacate(&mut self, key: u32) -> Option<P> {
        let entry = &mut self.entries[key as usize];
        debug_assert_ne!(entry.generation, 0, "vacating a vacant entry");
        entry.generation = 0;
        let payload = entry.payload.take();
        self.len -= 1;
        if self.len == 0 {
            // Nothing stored: forget the free list, so that keys restart at 0 in order.
            self.free.clear();
            self.fresh = 0;
        } else {
            self.free.push(key);
        }
        payload
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(generation: u32, payload: char) -> Entry<char> {
        Entry { generation, seq: 0, deadline: Duration::ZERO, interval: None, payload: Some(payload) }
    }

    #[test]
    fn keys_are_reused_last_freed_first_and_restart_when_empty() {
        let mut slots = Slots::new();
        let keys: Vec<u32> = "abcd".chars().zip(1..).map(|(c, g)| slots.insert(entry(g, c))).collect();
        assert_eq!(keys, [0, 1, 2, 3]);
        assert_eq!(slots.vacate(1), Some('b'));
        assert_eq!(slots.vacate(2), Some('c'));
        assert!(slots.get(2, 3).is_none(), "vacated");
        assert!(slots.get_any(2).is_some_and(|e| e.payload.is_none()));
        assert_eq!(slots.insert(entry(5, 'e')), 2);
        assert_eq!(slots.insert(entry(6, 'f')), 1);
        assert_eq!(slots.len(), 4);
        assert!(slots.get(1, 2).is_none(), "old generation");
        assert_eq!(slots.get(1, 6).and_then(|e| e.payload), Some('f'));
        for key in [0, 1, 2, 3] {
            assert!(slots.vacate(key).is_some());
        }
        assert_eq!(slots.len(), 0);
        assert_eq!(slots.insert(entry(7, 'g')), 0, "an empty store starts again at key 0");
        assert_eq!(slots.insert(entry(8, 'h')), 1);
        assert_eq!(slots.get(1, 8).and_then(|e| e.payload), Some('h'));
        slots.get_mut(1, 8).unwrap().payload = Some('i');
        assert_eq!(slots.vacate(1), Some('i'));
        assert_eq!(slots.insert(entry(9, 'j')), 1);
        assert_eq!(slots.insert(entry(10, 'k')), 2);
        assert_eq!(slots.insert(entry(11, 'l')), 3);
        assert_eq!(slots.insert(entry(12, 'm')), 4, "grows past the old end");
        assert!(slots.get(u32::MAX, 1).is_none());
    }

    /// Exercises the prefetch (run under `valgrind --tool=memcheck` too): every key, vacant
    /// and out of range ones included, and entries at both ends of the vector.
    #[test]
    fn prefetching_any_key_is_harmless() {
        let mut slots = Slots::new();
        for g in 1..=100 {
            slots.insert(entry(g, 'p'));
        }
        slots.vacate(50);
        for key in [0, 1, 49, 50, 98, 99, 100, u32::MAX] {
            slots.prefetch(key);
        }
        assert_eq!(slots.get(99, 100).and_then(|e| e.payload), Some('p'));
        assert_eq!(slots.len(), 99);
    }

    #[test]
    fn generation_zero_never_names_an_entry() {
        let mut slots = Slots::new();
        let key = slots.insert(entry(1, 'a'));
        slots.vacate(key);
        assert!(slots.get(key, 0).is_none(), "a vacant entry carries generation 0");
    }
}
