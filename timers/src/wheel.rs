//! A hierarchical timing wheel that yields timers in exact (deadline, sequence) order.
//!
//! Why a wheel: a binary heap costs O(log n) compares per insert and per pop, over an array
//! that stops fitting in cache at 10^5 timers; a wheel files a timer in O(1) and moves it at
//! most once per level on its way down. Levels of 64 slots (tokio's and Linux's layout) over
//! ticks of one millisecond, JavaScript's timer resolution: level `l` slots span `64^l` ticks.
//!
//! Exactness, which a plain wheel does not give: when the earliest slot of the finest level
//! comes up, its entries move to a `ready` run that is sorted by (deadline, sequence) before
//! anything is taken from it. Timers set in creation order keep that order through every
//! cascade, so the sort mostly only confirms a sorted run.
//!
//! Entries are never removed from the middle: the caller decides whether an entry is still
//! live when it reaches the front (see `TimerQueue`), so clearing a timer is O(1).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

/// Nanoseconds per tick of the finest level. One millisecond: on the virtual clock every
/// finest slot then holds one JavaScript deadline, already in creation order.
pub(crate) const TICK_NANOS: u64 = 1_000_000;
const SLOT_BITS: u32 = 6;
const SLOTS: usize = 1 << SLOT_BITS;
/// `u64::MAX` nanoseconds are fewer than 2^45 ticks: eight levels of six bits cover them all.
const LEVELS: usize = 8;
/// A slot that empties keeps a buffer of up to this many entries for its next use. Larger ones
/// (a coarse slot of a big batch) go to the spares, which hold no more capacity than the most
/// entries the slots have held at once (as a heap's vector keeps its largest size): otherwise
/// every slot would keep the largest buffer it ever needed, several times the peak number of
/// timers over a long run.
const KEEP: usize = 1024;

/// One scheduled timer: its deadline in nanoseconds since the clock's origin, its creation (or
/// re-arm) sequence number, and its slot key. Ordered by deadline, then sequence; sequence
/// numbers are unique, so the key never decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Sched {
    pub(crate) deadline: u64,
    pub(crate) seq: u64,
    pub(crate) key: u32,
}

impl Sched {
    fn tick(&self) -> u64 {
        self.deadline / TICK_NANOS
    }
}

/// The wheel.
///
/// Invariants: every entry in `slots` has a tick later than `elapsed`; entries in `ready` and
/// `early` have a tick no later than `elapsed`, so the front of the wheel is always the smaller
/// of `ready[head]` and the top of `early`, and the slots are only opened when both are empty.
/// An entry at level `l` agrees with `elapsed` on every bit above its level's six and has a
/// larger digit at its level, so each level's earliest slot is its lowest occupied one.
pub(crate) struct Wheel {
    /// The tick the wheel stands at: the tick of `ready`.
    elapsed: u64,
    /// The latest time (nanoseconds) the caller reported as "now" (`observe`); a rebuild
    /// restarts from its tick.
    floor: u64,
    /// `LEVELS * SLOTS` buckets, level-major; allocated by the first entry filed in one.
    slots: Vec<Vec<Sched>>,
    /// Bit `s` of `occupied[l]`: slot `s` of level `l` holds entries.
    occupied: [u64; LEVELS],
    /// Entries in `slots`.
    in_slots: usize,
    /// No entry in `slots` has a tick before this one (a lower bound, kept so that asking for
    /// due timers again and again between two slots costs one comparison).
    next_start: u64,
    /// Entries due at tick `elapsed`, sorted; `ready[head..]` are still to be taken.
    ready: Vec<Sched>,
    head: usize,
    /// Empty buffers for slots that start filling, and their total capacity.
    spare: Vec<Vec<Sched>>,
    spare_capacity: usize,
    /// The most entries seen in the slots when one was opened: the spares' limit.
    high_water: usize,
    /// Entries that could not join `ready` in order: set for a tick the wheel has already
    /// passed (only when `peek` looked ahead of "now"), or behind the end of `ready`.
    early: BinaryHeap<Reverse<Sched>>,
}

impl Wheel {
    pub(crate) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            floor: 0,
            slots: Vec::new(),
            occupied: [0; LEVELS],
            in_slots: 0,
            next_start: u64::MAX,
            ready: Vec::new(),
            head: 0,
            spare: Vec::new(),
            spare_capacity: 0,
            high_water: 0,
            early: BinaryHeap::new(),
        }
    }

    /// Whether no entry (live or stale) is left.
    pub(crate) fn is_empty(&self) -> bool {
        self.in_slots == 0 && self.head == self.ready.len() && self.early.is_empty()
    }

    /// Records that the caller's clock reads `now_nanos`: no later insert is expected before it.
    #[inline]
    pub(crate) fn observe(&mut self, now_nanos: u64) {
        self.floor = self.floor.max(now_nanos);
    }

    /// Whether nothing is due at `now_nanos`, as far as can be told without opening a slot or
    /// looking at stale entries (`false` means "maybe").
    #[inline]
    pub(crate) fn nothing_due(&self, now_nanos: u64) -> bool {
        if !self.early.is_empty() {
            return false;
        }
        match self.ready.get(self.head) {
            Some(front) => front.deadline > now_nanos,
            None => now_nanos < self.next_start.saturating_mul(TICK_NANOS),
        }
    }

    /// Files an entry.
    #[inline]
    pub(crate) fn insert(&mut self, entry: Sched) {
        let tick = entry.tick();
        if tick > self.elapsed {
            self.file(tick, entry);
        } else {
            self.insert_not_later(tick, entry);
        }
    }

    /// Files an entry due no later than the tick the wheel stands at.
    #[inline(never)]
    fn insert_not_later(&mut self, tick: u64, entry: Sched) {
        if tick == self.elapsed && self.ready.last().is_none_or(|last| *last < entry) {
            self.ready.push(entry);
        } else if tick < self.elapsed && self.early.len() + 1 >= self.in_slots + self.ready.len() - self.head
        {
            // The wheel looked ahead of "now" (`peek` to find an exact next deadline) and a
            // timer came in before where it stands. A few such timers wait in `early`; once
            // they are as many as the rest, everything is refiled from an earlier tick, so
            // `early` never holds more than half of the timers and the refiling is paid for
            // by the inserts that made it necessary.
            self.rebuild(entry);
        } else {
            self.early.push(Reverse(entry));
        }
    }

    /// The earliest entry, without removing it. Opens slots starting at or before `horizon`
    /// (a tick) as needed; `None` if the wheel is empty or its next slot starts after
    /// `horizon`.
    #[inline]
    pub(crate) fn peek(&mut self, horizon: u64) -> Option<Sched> {
        loop {
            if let Some(front) = self.front() {
                return Some(front);
            }
            if horizon < self.next_start || !self.open_next_slot(horizon) {
                return None;
            }
        }
    }

    /// The entry `n` places after the front of the ready run, if there is one.
    #[inline]
    pub(crate) fn ready_ahead(&self, n: usize) -> Option<&Sched> {
        self.ready.get(self.head + n)
    }

    /// Removes the entry [`peek`](Wheel::peek) returned.
    #[inline]
    pub(crate) fn pop_front(&mut self) {
        let from_early = !self.early.is_empty() && self.early_is_first();
        if from_early {
            self.early.pop();
        } else {
            self.head += 1;
            if self.head >= self.ready.len() {
                self.ready.clear();
                self.head = 0;
            }
        }
    }

    /// Drops every entry, keeping the buffers.
    pub(crate) fn clear(&mut self) {
        for (level, bits) in self.occupied.iter_mut().enumerate() {
            while *bits != 0 {
                let slot = bits.trailing_zeros() as usize;
                self.slots[level * SLOTS + slot].clear();
                *bits &= *bits - 1;
            }
        }
        self.in_slots = 0;
        self.next_start = u64::MAX;
        self.ready.clear();
        self.head = 0;
        self.early.clear();
        self.elapsed = self.floor / TICK_NANOS;
    }

    /// The smaller of `ready[head]` and `early`'s top, without opening a slot.
    #[inline]
    fn front(&self) -> Option<Sched> {
        if !self.early.is_empty() && self.early_is_first() {
            return self.early.peek().map(|Reverse(early)| *early);
        }
        self.ready.get(self.head).copied()
    }

    /// Whether `early`'s top comes before `ready[head]` (or `ready` is used up).
    fn early_is_first(&self) -> bool {
        match (self.early.peek(), self.ready.get(self.head)) {
            (Some(Reverse(early)), Some(ready)) => early < ready,
            (early, _) => early.is_some(),
        }
    }

    /// Files an entry whose tick is later than `elapsed` in its slot.
    #[inline]
    fn file(&mut self, tick: u64, entry: Sched) {
        // The highest bit in which the tick differs from `elapsed` picks the level; bits below
        // the finest level's six do not count.
        let differing = (self.elapsed ^ tick) | (SLOTS as u64 - 1);
        let level = ((63 - differing.leading_zeros()) / SLOT_BITS) as usize;
        let shift = SLOT_BITS as usize * level;
        let slot = (tick >> shift) as usize & (SLOTS - 1);
        self.next_start = self.next_start.min(tick);
        let index = level * SLOTS + slot;
        match self.slots.get_mut(index) {
            Some(bucket) if bucket.len() < bucket.capacity() => bucket.push(entry),
            _ => self.push_growing(index, entry),
        }
        self.occupied[level] |= 1 << slot;
        self.in_slots += 1;
    }

    /// Pushes onto a slot whose buffer is full or missing: the slots are allocated by the
    /// first entry, and a slot without a buffer takes a spare one if there is any.
    #[cold]
    #[inline(never)]
    fn push_growing(&mut self, index: usize, entry: Sched) {
        if self.slots.is_empty() {
            self.slots = (0..LEVELS * SLOTS).map(|_| Vec::new()).collect();
        }
        if self.slots[index].capacity() == 0
            && let Some(buffer) = self.spare.pop()
        {
            self.spare_capacity -= buffer.capacity();
            self.slots[index] = buffer;
        }
        self.slots[index].push(entry);
    }

    /// What an emptied slot keeps of `buffer` (empty): all of a small one; a large one goes to
    /// the spares while they hold no more capacity than the slots' high-water mark of entries,
    /// or is freed.
    fn recycle(&mut self, buffer: Vec<Sched>) -> Vec<Sched> {
        let capacity = buffer.capacity();
        if capacity <= KEEP {
            return buffer;
        }
        if self.spare_capacity + capacity <= self.high_water {
            self.spare_capacity += capacity;
            self.spare.push(buffer);
        }
        Vec::new()
    }

    /// Moves the wheel to its earliest occupied slot, if that starts at or before `horizon`:
    /// a finest-level slot becomes `ready`, a coarser one is spread over the finer levels.
    /// Only called with `ready` and `early` empty.
    #[inline(never)]
    fn open_next_slot(&mut self, horizon: u64) -> bool {
        let Some(level) = self.occupied.iter().position(|bits| *bits != 0) else {
            self.next_start = u64::MAX;
            return false;
        };
        let slot = self.occupied[level].trailing_zeros() as usize;
        let shift = SLOT_BITS as usize * level;
        // The slot's first tick: `elapsed` above this level, the slot's digit at it, zeros below.
        let above = shift + SLOT_BITS as usize; // at most 48
        let start = ((self.elapsed >> above) << above) | ((slot as u64) << shift);
        if start > horizon {
            self.next_start = start; // the earliest slot holds the earliest entries
            return false;
        }
        self.occupied[level] &= !(1 << slot);
        self.elapsed = start;
        // What stays in the slots is later than `start`; what the cascade files lowers this.
        self.next_start = start + 1;
        let index = level * SLOTS + slot;
        self.high_water = self.high_water.max(self.in_slots);
        self.in_slots -= self.slots[index].len();
        self.ready.clear();
        self.head = 0;
        let emptied = if level == 0 {
            // Trade buffers: the slot's entries become the run, the run's buffer the slot's.
            std::mem::replace(&mut self.ready, std::mem::take(&mut self.slots[index]))
        } else {
            let mut entries = std::mem::take(&mut self.slots[index]);
            for entry in entries.drain(..) {
                let tick = entry.tick();
                if tick == start {
                    self.ready.push(entry);
                } else {
                    self.file(tick, entry);
                }
            }
            entries
        };
        self.slots[index] = self.recycle(emptied);
        // Timers set in creation order usually are in order already (one deadline per tick on
        // the virtual clock); checking is cheaper than even a sort's setup on a short run.
        if !self.ready.is_sorted() {
            self.ready.sort_unstable();
        }
        true
    }

    /// Refiles every entry, and `entry`, from the earliest tick among them (or the caller's
    /// "now", if earlier).
    #[cold]
    fn rebuild(&mut self, entry: Sched) {
        let mut all = Vec::with_capacity(self.in_slots + self.ready.len() + self.early.len() + 1);
        all.push(entry);
        all.extend(self.ready.drain(self.head..));
        all.extend(self.early.drain().map(|Reverse(entry)| entry));
        for (level, bits) in self.occupied.iter_mut().enumerate() {
            while *bits != 0 {
                let slot = bits.trailing_zeros() as usize;
                all.append(&mut self.slots[level * SLOTS + slot]);
                *bits &= *bits - 1;
            }
        }
        self.in_slots = 0;
        self.next_start = u64::MAX;
        self.ready.clear();
        self.head = 0;
        all.sort_unstable();
        self.elapsed = (self.floor / TICK_NANOS).min(all[0].tick());
        for entry in all {
            self.insert(entry); // in order, and never before `elapsed`: no recursion
        }
    }
}

impl fmt::Debug for Wheel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("in_slots", &self.in_slots)
            .field("ready", &(self.ready.len() - self.head))
            .field("early", &self.early.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64, extra_nanos: u64, seq: u64) -> Sched {
        Sched { deadline: ms * TICK_NANOS + extra_nanos, seq, key: seq as u32 }
    }

    /// Pops everything due by tick `horizon`, in order.
    fn drain(wheel: &mut Wheel, horizon: u64) -> Vec<u64> {
        std::iter::from_fn(|| {
            let front = wheel.peek(horizon).filter(|f| f.tick() <= horizon)?;
            wheel.pop_front();
            Some(front.seq)
        })
        .collect()
    }

    impl Wheel {
        fn retained_capacity(&self) -> usize {
            self.slots.iter().map(Vec::capacity).sum::<usize>() + self.spare_capacity + self.ready.capacity()
        }
    }

    #[test]
    fn equal_deadlines_keep_creation_order_across_levels() {
        let mut wheel = Wheel::new();
        wheel.insert(at(5000, 0, 0)); // two levels up from tick 0
        // Cascade down to the finest level without reaching the deadline.
        assert_eq!(wheel.peek(4999), None);
        wheel.insert(at(5000, 0, 1)); // filed straight into the finest level
        wheel.insert(at(5000, 999_999, 2)); // same tick, later within it
        wheel.insert(at(5000, 0, 3));
        wheel.insert(at(4999, 999_999, 4));
        assert_eq!(drain(&mut wheel, 4999), [4]);
        assert_eq!(drain(&mut wheel, 5000), [0, 1, 3, 2]);
        assert!(wheel.is_empty());
    }

    #[test]
    fn a_timer_set_before_where_the_wheel_looked_ahead_comes_first() {
        let mut wheel = Wheel::new();
        wheel.insert(at(1 << 30, 0, 0));
        wheel.insert(at(1 << 30, 0, 1));
        wheel.insert(at(1 << 31, 0, 2));
        // Finding the exact next deadline moves the wheel to tick 2^30.
        assert_eq!(wheel.peek(u64::MAX).map(|f| f.seq), Some(0));
        // A timer far earlier waits in `early` while there are few of them...
        wheel.insert(at(70, 0, 3));
        assert_eq!(wheel.early.len(), 1);
        // ...and once they are as many as the rest, everything is refiled from "now".
        wheel.observe(60 * TICK_NANOS);
        wheel.insert(at(5000, 0, 4));
        wheel.insert(at(70, 0, 5));
        wheel.insert(at(69, 0, 6));
        assert!(wheel.early.len() < 3, "rebuilt");
        assert!(wheel.elapsed <= 60);
        assert_eq!(drain(&mut wheel, u64::MAX), [6, 3, 5, 4, 0, 1, 2]);
    }

    #[test]
    fn the_top_level_holds_the_last_representable_tick() {
        let mut wheel = Wheel::new();
        let last = Sched { deadline: u64::MAX, seq: 1, key: 1 };
        wheel.insert(last);
        wheel.insert(at(1, 0, 0));
        assert_eq!(wheel.occupied[LEVELS - 1].count_ones(), 1);
        assert_eq!(drain(&mut wheel, u64::MAX), [0, 1]);
        assert_eq!(wheel.elapsed, u64::MAX / TICK_NANOS);
    }

    #[test]
    fn emptied_slots_do_not_keep_every_large_buffer() {
        let mut wheel = Wheel::new();
        let batch = 20_000u64;
        let mut peak = 0;
        // Ten rounds of a big batch 0-1000 ms ahead, each landing in other coarse slots.
        for round in 0..10u64 {
            let base = round * 1_500;
            wheel.observe(base * TICK_NANOS);
            for i in 0..batch {
                wheel.insert(at(base + (i * 7919) % 1000, 0, round * batch + i));
            }
            peak = peak.max(wheel.retained_capacity());
            assert_eq!(drain(&mut wheel, base + 1000).len() as u64, batch);
        }
        // Without the limit, each of the 64 coarse slots would keep its largest buffer.
        assert!(wheel.retained_capacity() <= 2 * peak, "{} > 2 * {peak}", wheel.retained_capacity());
        assert!(wheel.retained_capacity() <= 4 * batch as usize);
    }
}
