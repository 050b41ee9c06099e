//! Timer storage: one cache line per timer, in a vector addressed by `u32` keys, vacated in
//! place and reused through an explicit stack of free keys.
//!
//! Why not `slab::Slab`: a slab threads its free list through the vacant entries themselves,
//! so each insert must read the entry it fills to learn the next free key, a chain of
//! dependent cache misses once the timers outgrow the cache (a quarter of W5's time at 10^6
//! timers), and it moves whole entries in and out. Here the free keys sit in their own vector,
//! removing a timer only takes its payload out, and when the last timer leaves, keys start
//! again from 0, so the next batch of timers is written front to back.
//!
//! Why one cache line: timers come due in deadline order, a random walk over the entries, so
//! each due timer costs a cache (and, at 10^6 timers, TLB) miss. An entry of 88 bytes spanned
//! two lines most of the time; 64 bytes aligned to 64 is one line per timer and 27% fewer
//! bytes written per insert (W5 at 10^6: 143 -> 106 ns per timer, at 10^5: 92 -> 81). For
//! that the deadline and interval are nanosecond `u64`s; the rare times beyond 2^64 - 2 ns
//! (584 years) are kept exactly in a side map.

use std::collections::BTreeMap;
use std::time::Duration;

/// `deadline` or `interval` value meaning: the exact time is in [`Slots::exact`].
const ELSEWHERE: u64 = u64::MAX - 1;
/// `interval` value of a one-shot timer.
const ONE_SHOT: u64 = u64::MAX;
/// `seq` of a dormant timer, whose deadline no clock can reach: no schedule entry carries it
/// (sequences count up from 0), so nothing ever finds the timer due. Its `deadline` field
/// means nothing.
pub(crate) const DORMANT: u64 = u64::MAX;

/// One timer. A vacant entry has generation 0 and no payload.
#[derive(Debug)]
#[repr(align(64))]
pub(crate) struct Entry<P> {
    /// The sequence number of the timer's live schedule entry.
    seq: u64,
    /// Nanoseconds, or `ELSEWHERE`.
    deadline: u64,
    /// Nanoseconds, `ONE_SHOT`, or `ELSEWHERE`.
    interval: u64,
    /// Never 0 while the entry is occupied; live ids never carry 0 either.
    pub(crate) generation: u32,
    /// `None` while vacant, and while an interval's callback is running.
    pub(crate) payload: Option<P>,
}

impl<P> Entry<P> {
    /// Whether the timer repeats.
    pub(crate) fn is_interval(&self) -> bool {
        self.interval != ONE_SHOT
    }

    /// Whether the timer waits for a deadline past the end of time (see [`DORMANT`]).
    pub(crate) fn is_dormant(&self) -> bool {
        self.seq == DORMANT
    }

    fn is_elsewhere(&self) -> bool {
        self.deadline == ELSEWHERE || self.interval == ELSEWHERE
    }
}

/// `time` in nanoseconds, or `ELSEWHERE` if that does not fit below it.
#[inline]
fn encode(time: Duration) -> u64 {
    let nanos =
        time.as_secs().checked_mul(1_000_000_000).and_then(|n| n.checked_add(u64::from(time.subsec_nanos())));
    nanos.filter(|n| *n < ELSEWHERE).unwrap_or(ELSEWHERE)
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
    /// The exact deadline and interval of the occupied entries that hold `ELSEWHERE`.
    exact: BTreeMap<u32, (Duration, Option<Duration>)>,
}

impl<P> Slots<P> {
    pub(crate) fn new() -> Slots<P> {
        Slots { entries: Vec::new(), free: Vec::new(), fresh: 0, len: 0, exact: BTreeMap::new() }
    }

    /// The number of occupied entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Stores a timer (`generation` must not be 0) scheduled under `seq`, and returns its key.
    ///
    /// # Panics
    ///
    /// Panics if more than `u32::MAX` timers would be stored at once.
    #[inline]
    pub(crate) fn insert(
        &mut self,
        generation: u32,
        seq: u64,
        deadline: Duration,
        interval: Option<Duration>,
        payload: P,
    ) -> u32 {
        debug_assert_ne!(generation, 0);
        let entry = Entry {
            seq,
            deadline: encode(deadline),
            interval: interval.map_or(ONE_SHOT, encode),
            generation,
            payload: Some(payload),
        };
        let elsewhere = entry.is_elsewhere();
        self.len += 1;
        let key = match self.free.pop() {
            Some(key) => {
                self.entries[key as usize] = entry;
                key
            }
            None => {
                let key = u32::try_from(self.fresh).expect("more than u32::MAX live timers");
                if self.fresh < self.entries.len() {
                    self.entries[self.fresh] = entry;
                } else {
                    self.entries.push(entry);
                }
                self.fresh += 1;
                key
            }
        };
        if elsewhere {
            self.keep_exact(key, deadline, interval);
        }
        key
    }

    #[cold]
    fn keep_exact(&mut self, key: u32, deadline: Duration, interval: Option<Duration>) {
        self.exact.insert(key, (deadline, interval));
    }

    #[cold]
    fn forget_exact(&mut self, key: u32) {
        self.exact.remove(&key);
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

    /// Whether the schedule entry (`key`, `seq`) still stands for its timer: not cleared,
    /// fired, taken or re-armed since. Sequence numbers are never reused, so the sequence
    /// alone tells a reused key apart. The timer's generation if so.
    #[inline]
    pub(crate) fn scheduled_generation(&self, key: u32, seq: u64) -> Option<u32> {
        self.entries.get(key as usize).filter(|e| e.seq == seq && e.payload.is_some()).map(|e| e.generation)
    }

    /// The deadline and interval of the occupied entry under `key`.
    #[inline]
    pub(crate) fn times(&self, key: u32) -> (Duration, Option<Duration>) {
        let entry = &self.entries[key as usize];
        if entry.is_elsewhere() {
            return self.exact[&key];
        }
        (
            Duration::from_nanos(entry.deadline),
            entry.is_interval().then(|| Duration::from_nanos(entry.interval)),
        )
    }

    /// Schedules the occupied entry under `key` again, at `deadline` under `seq`, with its
    /// payload back.
    pub(crate) fn reschedule(&mut self, key: u32, seq: u64, deadline: Duration, payload: P) {
        let (_, interval) = self.times(key);
        let entry = &mut self.entries[key as usize];
        entry.seq = seq;
        entry.deadline = encode(deadline);
        entry.payload = Some(payload);
        if entry.is_elsewhere() {
            self.keep_exact(key, deadline, interval);
        } else if !self.exact.is_empty() {
            self.forget_exact(key);
        }
    }

    /// Vacates the occupied entry under `key` (found with [`get`](Slots::get)), handing out its
    /// payload.
    #[inline]
    pub(crate) fn vacate(&mut self, key: u32) -> Option<P> {
        let entry = &mut self.entries[key as usize];
        debug_assert_ne!(entry.generation, 0, "vacating a vacant entry");
        entry.generation = 0;
        let payload = entry.payload.take();
        if entry.is_elsewhere() {
            self.forget_exact(key);
        }
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

    /// Inserts a one-shot timer at zero, scheduled under its generation.
    fn add(slots: &mut Slots<char>, generation: u32, payload: char) -> u32 {
        slots.insert(generation, u64::from(generation), Duration::ZERO, None, payload)
    }

    #[test]
    fn keys_are_reused_last_freed_first_and_restart_when_empty() {
        let mut slots = Slots::new();
        let keys: Vec<u32> = "abcd".chars().zip(1..).map(|(c, g)| add(&mut slots, g, c)).collect();
        assert_eq!(keys, [0, 1, 2, 3]);
        assert_eq!(slots.vacate(1), Some('b'));
        assert_eq!(slots.vacate(2), Some('c'));
        assert!(slots.get(2, 3).is_none(), "vacated");
        assert_eq!(slots.scheduled_generation(2, 3), None, "vacated");
        assert_eq!(slots.scheduled_generation(3, 4), Some(4));
        assert_eq!(add(&mut slots, 5, 'e'), 2);
        assert_eq!(add(&mut slots, 6, 'f'), 1);
        assert_eq!(slots.len(), 4);
        assert!(slots.get(1, 2).is_none(), "old generation");
        assert_eq!(slots.get(1, 6).and_then(|e| e.payload), Some('f'));
        for key in [0, 1, 2, 3] {
            assert!(slots.vacate(key).is_some());
        }
        assert_eq!(slots.len(), 0);
        assert_eq!(add(&mut slots, 7, 'g'), 0, "an empty store starts again at key 0");
        assert_eq!(add(&mut slots, 8, 'h'), 1);
        assert_eq!(slots.get(1, 8).and_then(|e| e.payload), Some('h'));
        slots.get_mut(1, 8).unwrap().payload = Some('i');
        assert_eq!(slots.vacate(1), Some('i'));
        assert_eq!(add(&mut slots, 9, 'j'), 1);
        assert_eq!(add(&mut slots, 10, 'k'), 2);
        assert_eq!(add(&mut slots, 11, 'l'), 3);
        assert_eq!(add(&mut slots, 12, 'm'), 4, "grows past the old end");
        assert!(slots.get(u32::MAX, 1).is_none());
    }

    /// Exercises the prefetch (run under `valgrind --tool=memcheck` too): every key, vacant
    /// and out of range ones included, and entries at both ends of the vector.
    #[test]
    fn prefetching_any_key_is_harmless() {
        let mut slots = Slots::new();
        for g in 1..=100 {
            add(&mut slots, g, 'p');
        }
        slots.vacate(50);
        for key in [0, 1, 49, 50, 98, 99, 100, u32::MAX] {
            slots.prefetch(key);
        }
        assert_eq!(slots.get(99, 100).and_then(|e| e.payload), Some('p'));
        assert_eq!(slots.len(), 99);
    }

    #[test]
    fn an_entry_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<Entry<[usize; 3]>>(), 64);
        assert_eq!(std::mem::align_of::<Entry<()>>(), 64);
    }

    #[test]
    fn times_beyond_the_nanosecond_range_stay_exact() {
        let mut slots = Slots::new();
        let edge = Duration::from_nanos(ELSEWHERE - 1);
        let cases = [
            (Duration::ZERO, None),
            (edge, Some(edge)),
            (Duration::from_nanos(ELSEWHERE), None),
            (Duration::from_nanos(u64::MAX), Some(Duration::ZERO)),
            (Duration::MAX, Some(Duration::MAX)),
            (Duration::from_millis(5), Some(Duration::from_nanos(u64::MAX) + Duration::from_nanos(1))),
        ];
        let keys: Vec<u32> =
            cases.iter().zip(1..).map(|(&(d, i), g)| slots.insert(g, u64::from(g), d, i, 'x')).collect();
        for (key, case) in keys.iter().zip(cases) {
            assert_eq!(slots.times(*key), case);
        }
        assert_eq!(slots.exact.len(), 4);
        // Re-armed into and out of the exact map, keeping the interval.
        slots.reschedule(keys[1], 90, Duration::MAX, 'y');
        assert_eq!(slots.times(keys[1]), (Duration::MAX, Some(edge)));
        slots.reschedule(keys[1], 91, Duration::from_secs(1), 'z');
        assert_eq!(slots.times(keys[1]), (Duration::from_secs(1), Some(edge)));
        slots.reschedule(keys[4], 92, Duration::from_secs(2), 'w');
        assert_eq!(slots.times(keys[4]), (Duration::from_secs(2), Some(Duration::MAX)));
        assert_eq!(slots.scheduled_generation(keys[4], 92), Some(5));
        assert_eq!(slots.exact.len(), 4, "the interval still needs the exact map");
        for key in keys {
            slots.vacate(key);
        }
        assert!(slots.exact.is_empty(), "vacating forgets exact times");
    }

    #[test]
    fn generation_zero_never_names_an_entry() {
        let mut slots = Slots::new();
        let key = add(&mut slots, 1, 'a');
        slots.vacate(key);
        assert!(slots.get(key, 0).is_none(), "a vacant entry carries generation 0");
    }
}
