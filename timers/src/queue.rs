//! Timers ordered by (deadline, creation sequence), stored in a slab with generational ids.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use slab::Slab;

/// Identifies one timer of one [`TimerQueue`].
///
/// An id is a slab key plus a generation. The generation changes every time a slot is reused, so
/// a stale id (of a fired or cleared timer) never matches a different live timer: clearing it is a
/// no-op, as `clearTimeout` requires.
///
/// ```
/// use std::time::Duration;
/// use settle_timers::{TimerId, TimerQueue};
///
/// let mut timers = TimerQueue::new();
/// let id = timers.insert(Duration::ZERO, None, ());
/// assert_eq!(TimerId::from_u64(id.as_u64()), id);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerId {
    key: u32,
    generation: u32,
}

impl TimerId {
    /// The id packed into one integer (generation in the high half), for hosts that hand timer
    /// ids to scripts as numbers.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let id = timers.insert(Duration::ZERO, None, ());
    /// assert_ne!(id.as_u64(), 0);
    /// ```
    pub fn as_u64(self) -> u64 {
        (u64::from(self.generation) << 32) | u64::from(self.key)
    }

    /// The inverse of [`TimerId::as_u64`]. Any integer is accepted; one that names no live timer
    /// is simply never found.
    ///
    /// ```
    /// let id = settle_timers::TimerId::from_u64(7);
    /// assert_eq!(id.as_u64(), 7);
    /// ```
    pub fn from_u64(packed: u64) -> TimerId {
        TimerId { key: packed as u32, generation: (packed >> 32) as u32 }
    }
}

/// A timer whose deadline has passed, as [`TimerQueue::pop_due`] reports it.
///
/// ```
/// use std::time::Duration;
/// let mut timers = settle_timers::TimerQueue::new();
/// let id = timers.insert(Duration::from_millis(3), None, ());
/// let due = timers.pop_due(Duration::from_millis(5)).unwrap();
/// assert_eq!((due.id, due.deadline), (id, Duration::from_millis(3)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueTimer {
    /// The timer.
    pub id: TimerId,
    /// The deadline it was due at.
    pub deadline: Duration,
}

/// What [`TimerQueue::take`] hands to the code that fires a timer.
///
/// ```
/// use std::time::Duration;
/// let mut timers = settle_timers::TimerQueue::new();
/// let every = Some(Duration::from_millis(2));
/// let id = timers.insert(Duration::from_millis(2), every, "tick");
/// let fired = timers.take(id).unwrap();
/// assert_eq!((fired.payload, fired.interval), ("tick", every));
/// ```
#[derive(Debug)]
pub struct Fired<P> {
    /// The payload stored with the timer (the loop stores the callback here).
    pub payload: P,
    /// The deadline the timer was due at.
    pub deadline: Duration,
    /// The repeat period of an interval; `None` for a one-shot timer, which is gone from the
    /// queue once taken.
    pub interval: Option<Duration>,
}

#[derive(Debug)]
struct Entry<P> {
    deadline: Duration,
    seq: u64,
    generation: u32,
    interval: Option<Duration>,
    /// `None` while an interval's callback is running.
    payload: Option<P>,
}

/// The timers of one event loop.
///
/// Order is by deadline, then by creation sequence, so timers due at the same instant come out
/// in the order they were set (HTML's rule, which tokio's wheel does not keep: tokio#1775).
/// Firing is two steps, so that a due timer can wait in the macrotask queue and still be cleared
/// by an earlier task: [`pop_due`](TimerQueue::pop_due) takes it off the schedule,
/// [`take`](TimerQueue::take) hands over its payload when its task runs.
///
/// Cleared timers leave their heap entry behind and are skipped when they reach the top, so
/// clearing is O(1) and never reorders anything.
///
/// ```
/// use std::time::Duration;
/// use settle_timers::TimerQueue;
///
/// let mut timers = TimerQueue::new();
/// let a = timers.insert(Duration::from_millis(5), None, 'a');
/// let b = timers.insert(Duration::from_millis(5), None, 'b');
/// assert!(timers.cancel(a).is_some());
/// assert!(timers.cancel(a).is_none(), "clearing twice is a no-op");
/// let due = timers.pop_due(Duration::from_millis(5)).unwrap();
/// assert_eq!(due.id, b);
/// assert_eq!(timers.take(b).unwrap().payload, 'b');
/// assert!(timers.is_empty());
/// ```
#[derive(Debug)]
pub struct TimerQueue<P> {
    entries: Slab<Entry<P>>,
    heap: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
    next_generation: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Scheduled {
    deadline: Duration,
    seq: u64,
    key: u32,
    generation: u32,
}

impl<P> Default for TimerQueue<P> {
    fn default() -> Self {
        TimerQueue::new()
    }
}

impl<P> TimerQueue<P> {
    /// An empty queue.
    ///
    /// ```
    /// let timers: settle_timers::TimerQueue<()> = settle_timers::TimerQueue::new();
    /// assert!(timers.is_empty());
    /// ```
    pub fn new() -> TimerQueue<P> {
        TimerQueue { entries: Slab::new(), heap: BinaryHeap::new(), next_seq: 0, next_generation: 1 }
    }

    /// The number of live timers: scheduled, due but not yet taken, or intervals whose callback
    /// is running.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// timers.insert(Duration::ZERO, None, ());
    /// assert_eq!(timers.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no timer is live.
    ///
    /// ```
    /// let timers: settle_timers::TimerQueue<u8> = Default::default();
    /// assert!(timers.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Schedules a timer at `deadline` (a time on the loop's [`Clock`](crate::Clock)).
    /// `interval` makes it repeat: see [`rearm`](TimerQueue::rearm).
    ///
    /// # Panics
    ///
    /// Panics if more than `u32::MAX` timers are live at once.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let id = timers.insert(Duration::from_secs(1), Some(Duration::from_secs(1)), "tick");
    /// assert!(timers.is_live(id));
    /// ```
    pub fn insert(&mut self, deadline: Duration, interval: Option<Duration>, payload: P) -> TimerId {
        let generation = self.next_generation;
        // Zero is skipped so that a packed id is never 0, which hosts may treat as "no timer".
        self.next_generation = self.next_generation.checked_add(1).unwrap_or(1);
        let seq = self.bump_seq();
        let key = self.entries.insert(Entry { deadline, seq, generation, interval, payload: Some(payload) });
        let key = u32::try_from(key).expect("more than u32::MAX live timers");
        self.heap.push(Reverse(Scheduled { deadline, seq, key, generation }));
        TimerId { key, generation }
    }

    /// Whether `id` names a live timer.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let id = timers.insert(Duration::ZERO, None, ());
    /// timers.cancel(id);
    /// assert!(!timers.is_live(id));
    /// ```
    pub fn is_live(&self, id: TimerId) -> bool {
        self.entry(id).is_some()
    }

    /// Clears a timer. Returns `Some` with its payload if it was live (the payload is `None`
    /// for an interval whose callback is running: the caller holds it). Clearing an unknown,
    /// fired or already cleared id does nothing and returns `None`.
    ///
    /// The payload is handed back rather than dropped here, so that the caller can drop it
    /// after releasing any borrow of the queue: dropping a callback runs user destructors.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let id = timers.insert(Duration::ZERO, None, 'p');
    /// assert_eq!(timers.cancel(id), Some(Some('p')));
    /// assert_eq!(timers.cancel(id), None);
    /// ```
    pub fn cancel(&mut self, id: TimerId) -> Option<Option<P>> {
        self.entry(id)?;
        let entry = self.entries.remove(id.key as usize);
        if self.entries.is_empty() {
            // Nothing live: every heap entry is stale, drop them all at once.
            self.heap.clear();
        }
        Some(entry.payload)
    }

    /// The earliest deadline still scheduled, if any.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// timers.insert(Duration::from_millis(9), None, ());
    /// timers.insert(Duration::from_millis(3), None, ());
    /// assert_eq!(timers.next_deadline(), Some(Duration::from_millis(3)));
    /// ```
    pub fn next_deadline(&mut self) -> Option<Duration> {
        self.discard_stale();
        self.heap.peek().map(|Reverse(s)| s.deadline)
    }

    /// Takes the earliest scheduled timer off the schedule if its deadline is `<= now`. The
    /// timer stays live (and clearable) until [`take`](TimerQueue::take) is called for it.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let id = timers.insert(Duration::from_millis(10), None, ());
    /// assert!(timers.pop_due(Duration::from_millis(9)).is_none());
    /// assert_eq!(timers.pop_due(Duration::from_millis(10)).unwrap().id, id);
    /// assert!(timers.is_live(id));
    /// ```
    pub fn pop_due(&mut self, now: Duration) -> Option<DueTimer> {
        self.discard_stale();
        match self.heap.peek() {
            Some(Reverse(s)) if s.deadline <= now => {
                let s = *s;
                self.heap.pop();
                Some(DueTimer { id: TimerId { key: s.key, generation: s.generation }, deadline: s.deadline })
            }
            _ => None,
        }
    }

    /// Hands over the payload of a timer that is due, to run it. A one-shot timer leaves the
    /// queue; an interval stays live without a payload until [`rearm`](TimerQueue::rearm) gives
    /// it back (or it is cleared meanwhile). `None` if the timer was cleared.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let id = timers.insert(Duration::ZERO, None, 'x');
    /// let fired = timers.take(id).unwrap();
    /// assert_eq!((fired.payload, fired.interval), ('x', None));
    /// assert!(timers.take(id).is_none());
    /// ```
    pub fn take(&mut self, id: TimerId) -> Option<Fired<P>> {
        let entry = self.entry_mut(id)?;
        let payload = entry.payload.take()?;
        let (deadline, interval) = (entry.deadline, entry.interval);
        if interval.is_none() {
            self.entries.remove(id.key as usize);
        }
        Some(Fired { payload, deadline, interval })
    }

    /// Puts an interval back on the schedule at `deadline` with its payload. Returns the payload
    /// as `Err` if the interval was cleared while its callback ran, so the caller drops it.
    ///
    /// # Errors
    ///
    /// `Err(payload)` when `id` no longer names a live timer.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let every = Some(Duration::from_millis(10));
    /// let id = timers.insert(Duration::from_millis(10), every, "tick");
    /// timers.pop_due(Duration::from_millis(10));
    /// let fired = timers.take(id).unwrap();
    /// assert!(timers.rearm(id, Duration::from_millis(20), fired.payload).is_ok());
    /// assert_eq!(timers.next_deadline(), Some(Duration::from_millis(20)));
    /// ```
    pub fn rearm(&mut self, id: TimerId, deadline: Duration, payload: P) -> Result<(), P> {
        let seq = self.bump_seq();
        let Some(entry) = self.entry_mut(id) else {
            return Err(payload);
        };
        entry.deadline = deadline;
        entry.seq = seq;
        entry.payload = Some(payload);
        self.heap.push(Reverse(Scheduled { deadline, seq, key: id.key, generation: id.generation }));
        Ok(())
    }

    fn bump_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    fn entry(&self, id: TimerId) -> Option<&Entry<P>> {
        self.entries.get(id.key as usize).filter(|e| e.generation == id.generation)
    }

    fn entry_mut(&mut self, id: TimerId) -> Option<&mut Entry<P>> {
        self.entries.get_mut(id.key as usize).filter(|e| e.generation == id.generation)
    }

    /// Pops heap entries whose timer was cleared (or re-armed under a newer sequence number).
    fn discard_stale(&mut self) {
        while let Some(Reverse(top)) = self.heap.peek() {
            let live = self
                .entries
                .get(top.key as usize)
                .is_some_and(|e| e.generation == top.generation && e.seq == top.seq && e.payload.is_some());
            if live {
                return;
            }
            self.heap.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn equal_deadlines_fire_in_creation_order() {
        let mut q = TimerQueue::new();
        let ids: Vec<_> = (0..5).map(|i| q.insert(ms(7), None, i)).collect();
        let popped: Vec<_> = std::iter::from_fn(|| q.pop_due(ms(7)).map(|d| d.id)).collect();
        assert_eq!(popped, ids);
    }

    #[test]
    fn a_reused_slot_gets_a_new_id() {
        let mut q = TimerQueue::new();
        let first = q.insert(ms(1), None, 1);
        assert!(q.cancel(first).is_some());
        let second = q.insert(ms(1), None, 2);
        assert_ne!(first, second);
        assert!(q.cancel(first).is_none(), "stale id must not clear the new timer");
        assert!(q.is_live(second));
    }

    #[test]
    fn interval_cleared_while_running_is_not_rearmed() {
        let mut q = TimerQueue::new();
        let id = q.insert(ms(1), Some(ms(1)), "i");
        q.pop_due(ms(1)).unwrap();
        let fired = q.take(id).unwrap();
        assert!(q.cancel(id).is_some());
        assert_eq!(q.rearm(id, ms(2), fired.payload), Err("i"));
        assert!(q.is_empty());
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn due_timer_cleared_before_take_yields_nothing() {
        let mut q = TimerQueue::new();
        let id = q.insert(ms(1), None, ());
        q.pop_due(ms(5)).unwrap();
        assert!(q.cancel(id).is_some());
        assert!(q.take(id).is_none());
    }

    proptest! {
        /// Whatever the deadlines and clears, timers come out sorted by (deadline, creation
        /// order), never before their deadline, and cleared ones never come out.
        #[test]
        fn pops_in_deadline_then_fifo_order(
            deadlines in prop::collection::vec(0u64..50, 1..60),
            clears in prop::collection::vec(any::<bool>(), 60),
        ) {
            let mut q = TimerQueue::new();
            let mut expected = Vec::new();
            for (i, d) in deadlines.iter().enumerate() {
                let id = q.insert(ms(*d), None, i);
                if clears[i] { q.cancel(id); } else { expected.push((*d, i)); }
            }
            expected.sort();
            let mut got = Vec::new();
            for now in 0..50 {
                while let Some(due) = q.pop_due(ms(now)) {
                    prop_assert!(due.deadline <= ms(now));
                    got.push((now, q.take(due.id).unwrap().payload));
                }
            }
            let got_order: Vec<_> = got.iter().map(|(_, i)| *i).collect();
            let want_order: Vec<_> = expected.iter().map(|(_, i)| *i).collect();
            prop_assert_eq!(got_order, want_order);
            for (now, i) in got {
                prop_assert_eq!(now, deadlines[i]);
            }
        }
    }
}
