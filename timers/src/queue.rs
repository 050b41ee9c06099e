//! Timers ordered by (deadline, creation sequence), stored in slots with generational ids.
//!
//! The slots own each timer (payload, deadline, interval); the schedule only refers to it by
//! key and sequence number: a [`Wheel`] for every deadline below 2^64 nanoseconds (584 years),
//! and a heap for the rest, which then come after everything on the wheel. A timer whose
//! deadline is past [`Duration::MAX`] is dormant: stored, on no schedule.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use crate::slots::{DORMANT, Entry, Slots};
use crate::wheel::{Sched, TICK_NANOS, Wheel};

/// Identifies one timer of one [`TimerQueue`].
///
/// An id is a slot key plus a generation. The generation changes every time a slot is reused, so
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

/// The timers of one event loop.
///
/// Order is by deadline, then by creation sequence, so timers due at the same instant come out
/// in the order they were set (HTML's rule, which tokio's wheel does not keep: tokio#1775).
/// Firing is two steps, so that a due timer can wait in the macrotask queue and still be cleared
/// by an earlier task: [`pop_due`](TimerQueue::pop_due) takes it off the schedule,
/// [`take`](TimerQueue::take) hands over its payload when its task runs.
///
/// Timers sit on a hierarchical timing wheel (millisecond ticks, levels of 64 slots), whose
/// earliest slot is sorted by (deadline, sequence) before it fires, so order is exact at any
/// resolution while setting a timer costs O(1) and each timer moves at most once per level.
/// Cleared timers leave their wheel entry behind and are skipped when it comes up, so clearing
/// is O(1) and never reorders anything.
///
/// # The end of time
///
/// Deadlines are [`Duration`]s on the loop's clock, so `Duration::MAX` (584 billion years) is
/// the last one; a timer set for it fires when the clock reads `Duration::MAX`, in
/// (deadline, sequence) order with the others. A deadline later than that (`now + delay`
/// overflows, as for an interval re-armed at the end of time) is one no clock reaches:
/// [`insert_after`](TimerQueue::insert_after) and [`rearm_after`](TimerQueue::rearm_after)
/// make such a timer *dormant*. It stays live (clearing it returns its payload) but is never
/// due, has no [`next_deadline`](TimerQueue::next_deadline), and is not
/// [`pending`](TimerQueue::pending), so an event loop does not stay alive for it. The
/// alternative, saturating the deadline to `Duration::MAX`, fired every such timer at the end
/// of time in creation order rather than deadline order, and re-armed a saturated interval at
/// `Duration::MAX` forever.
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
    entries: Slots<P>,
    wheel: Wheel,
    /// Deadlines of 2^64 nanoseconds and beyond, which the wheel's `u64` cannot hold.
    far: BinaryHeap<Reverse<FarSched>>,
    /// How many live timers are dormant (see "The end of time").
    dormant: usize,
    next_seq: u64,
    next_generation: u32,
}

/// A schedule entry of the far heap: like the wheel's, with the deadline kept whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct FarSched {
    deadline: Duration,
    seq: u64,
    key: u32,
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
        TimerQueue {
            entries: Slots::new(),
            wheel: Wheel::new(),
            far: BinaryHeap::new(),
            dormant: 0,
            next_seq: 0,
            next_generation: 1,
        }
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
        self.entries.len() == 0
    }

    /// The number of live timers that can still fire: all but the dormant ones (see "The end
    /// of time" above). An event loop has timer work left while this is not 0.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// timers.insert_after(Duration::from_secs(1), Duration::MAX, None, "never");
    /// timers.insert_after(Duration::from_secs(1), Duration::from_secs(1), None, "soon");
    /// assert_eq!((timers.len(), timers.pending()), (2, 1));
    /// ```
    #[inline]
    pub fn pending(&self) -> usize {
        self.entries.len() - self.dormant
    }

    /// Whether `id` names a dormant timer: live, but with a deadline past `Duration::MAX`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let id = timers.insert_after(Duration::from_nanos(1), Duration::MAX, None, ());
    /// assert!(timers.is_live(id) && timers.is_dormant(id));
    /// assert_eq!(timers.next_deadline(), None);
    /// ```
    pub fn is_dormant(&self, id: TimerId) -> bool {
        self.entry(id).is_some_and(Entry::is_dormant)
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
    #[inline]
    pub fn insert(&mut self, deadline: Duration, interval: Option<Duration>, payload: P) -> TimerId {
        let generation = self.bump_generation();
        let seq = self.bump_seq();
        let key = self.entries.insert(generation, seq, deadline, interval, payload);
        self.schedule(deadline, seq, key);
        TimerId { key, generation }
    }

    /// Schedules a timer `delay` after `now`, as `setTimeout` does: at `now + delay`, or
    /// dormant if that is past `Duration::MAX` (see "The end of time" above).
    ///
    /// # Panics
    ///
    /// Panics if more than `u32::MAX` timers are live at once.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let now = Duration::from_millis(5);
    /// let soon = timers.insert_after(now, Duration::from_millis(2), None, "soon");
    /// let never = timers.insert_after(now, Duration::MAX, None, "never");
    /// assert_eq!(timers.next_deadline(), Some(Duration::from_millis(7)));
    /// assert_eq!(timers.pop_due(Duration::MAX).map(|d| d.id), Some(soon));
    /// assert!(timers.pop_due(Duration::MAX).is_none());
    /// assert_eq!(timers.cancel(never), Some(Some("never")));
    /// ```
    #[inline]
    pub fn insert_after(
        &mut self,
        now: Duration,
        delay: Duration,
        interval: Option<Duration>,
        payload: P,
    ) -> TimerId {
        match now.checked_add(delay) {
            Some(deadline) => self.insert(deadline, interval, payload),
            None => self.insert_dormant(interval, payload),
        }
    }

    #[cold]
    fn insert_dormant(&mut self, interval: Option<Duration>, payload: P) -> TimerId {
        let generation = self.bump_generation();
        let key = self.entries.insert(generation, DORMANT, Duration::ZERO, interval, payload);
        self.dormant += 1;
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
        if self.entry(id)?.is_dormant() {
            self.dormant -= 1;
        }
        let payload = self.entries.vacate(id.key);
        if self.entries.len() == 0 {
            // Nothing live: every schedule entry is stale, drop them all at once.
            self.wheel.clear();
            self.far.clear();
        }
        Some(payload)
    }

    /// The earliest deadline still scheduled, if any (dormant timers have none).
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// timers.insert(Duration::from_millis(9), None, ());
    /// timers.insert(Duration::from_millis(3), None, ());
    /// assert_eq!(timers.next_deadline(), Some(Duration::from_millis(3)));
    /// ```
    pub fn next_deadline(&mut self) -> Option<Duration> {
        while let Some(front) = self.wheel.peek(u64::MAX) {
            if self.live_generation(front.key, front.seq).is_some() {
                return Some(Duration::from_nanos(front.deadline));
            }
            self.wheel.pop_front();
        }
        self.discard_stale_far();
        self.far.peek().map(|Reverse(s)| s.deadline)
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
    #[inline]
    pub fn pop_due(&mut self, now: Duration) -> Option<DueTimer> {
        // Beyond the wheel's range every wheel deadline is due: saturating is exact here.
        let now_nanos = nanos(now).unwrap_or(u64::MAX);
        // The loop asks once per turn; between due batches the answer is a comparison.
        if self.wheel.nothing_due(now_nanos) && self.far.is_empty() {
            return None;
        }
        self.pop_due_slow(now, now_nanos)
    }

    /// Takes every scheduled timer whose deadline is `<= now` off the schedule and hands each
    /// to `due`, in order: [`pop_due`](TimerQueue::pop_due) until it returns `None`, in one
    /// call, as an event loop does at the start of a turn.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let late = timers.insert(Duration::from_millis(7), None, ());
    /// let early = timers.insert(Duration::from_millis(3), None, ());
    /// timers.insert(Duration::from_millis(9), None, ());
    /// let mut due = Vec::new();
    /// timers.drain_due(Duration::from_millis(8), |d| due.push(d.id));
    /// assert_eq!(due, [early, late]);
    /// ```
    #[inline]
    pub fn drain_due(&mut self, now: Duration, mut due: impl FnMut(DueTimer)) {
        let now_nanos = nanos(now).unwrap_or(u64::MAX);
        if self.wheel.nothing_due(now_nanos) && self.far.is_empty() {
            return;
        }
        while let Some(timer) = self.pop_wheel_due(now_nanos) {
            due(timer);
        }
        if self.wheel.is_empty() {
            while let Some(timer) = self.pop_far_due(now) {
                due(timer);
            }
        }
    }

    fn pop_due_slow(&mut self, now: Duration, now_nanos: u64) -> Option<DueTimer> {
        if let Some(timer) = self.pop_wheel_due(now_nanos) {
            return Some(timer);
        }
        if !self.wheel.is_empty() {
            return None; // the wheel's next timers are not due, and far ones come after them
        }
        self.pop_far_due(now)
    }

    /// The earliest due timer on the wheel, taken off the schedule.
    #[inline]
    fn pop_wheel_due(&mut self, now_nanos: u64) -> Option<DueTimer> {
        self.wheel.observe(now_nanos);
        while let Some(front) = self.wheel.peek(now_nanos / TICK_NANOS) {
            // A stale front that is not due yet only hides later timers, none of them due.
            if front.deadline > now_nanos {
                return None;
            }
            // The loop pops a whole due batch before running it: start loading the entry a
            // few timers ahead, so that neither this check nor the task's `take` waits for it.
            if let Some(ahead) = self.wheel.ready_ahead(PREFETCH_AHEAD) {
                self.entries.prefetch(ahead.key);
            }
            self.wheel.pop_front();
            if let Some(generation) = self.live_generation(front.key, front.seq) {
                let id = TimerId { key: front.key, generation };
                return Some(DueTimer { id, deadline: Duration::from_nanos(front.deadline) });
            }
        }
        None
    }

    /// The earliest due timer of the far heap, taken off the schedule; only once the wheel is
    /// empty, since every far deadline is later than every wheel deadline.
    fn pop_far_due(&mut self, now: Duration) -> Option<DueTimer> {
        self.discard_stale_far();
        match self.far.peek() {
            Some(Reverse(s)) if s.deadline <= now => {
                let s = *s;
                self.far.pop();
                let generation = self.entries.scheduled_generation(s.key, s.seq)?;
                Some(DueTimer { id: TimerId { key: s.key, generation }, deadline: s.deadline })
            }
            _ => None,
        }
    }

    /// Hands over the payload of a timer that is due, to run it. A one-shot timer leaves the
    /// queue; an interval stays live without a payload until [`rearm`](TimerQueue::rearm) gives
    /// it back (or it is cleared meanwhile). `None` if the timer was cleared, and for a
    /// dormant timer, which is never due.
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
        // `None` for an interval whose callback is running (its payload is out).
        let entry = self.entry(id)?;
        if entry.is_dormant() {
            return None;
        }
        entry.payload.as_ref()?;
        let (deadline, interval) = self.entries.times(id.key);
        let payload = match interval {
            None => self.entries.vacate(id.key),
            Some(_) => self.entry_mut(id)?.payload.take(),
        }?;
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
        let Some(entry) = self.entry(id) else {
            return Err(payload);
        };
        if entry.is_dormant() {
            self.dormant -= 1;
        }
        self.entries.reschedule(id.key, seq, deadline, payload);
        self.schedule(deadline, seq, id.key);
        Ok(())
    }

    /// Puts an interval back on the schedule `delay` after `now`, as the loop does after its
    /// callback ran: at `now + delay`, or dormant if that is past `Duration::MAX` (see "The end
    /// of time" above), so an interval that fired at the end of time does not fire again.
    ///
    /// # Errors
    ///
    /// `Err(payload)` when `id` no longer names a live timer.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timers = settle_timers::TimerQueue::new();
    /// let every = Some(Duration::from_secs(1));
    /// let id = timers.insert(Duration::MAX, every, "tick");
    /// timers.pop_due(Duration::MAX).unwrap();
    /// let fired = timers.take(id).unwrap();
    /// assert!(timers.rearm_after(id, Duration::MAX, Duration::from_secs(1), fired.payload).is_ok());
    /// assert!(timers.is_dormant(id));
    /// assert!(timers.pop_due(Duration::MAX).is_none());
    /// ```
    pub fn rearm_after(&mut self, id: TimerId, now: Duration, delay: Duration, payload: P) -> Result<(), P> {
        match now.checked_add(delay) {
            Some(deadline) => self.rearm(id, deadline, payload),
            None => self.rearm_dormant(id, payload),
        }
    }

    #[cold]
    fn rearm_dormant(&mut self, id: TimerId, payload: P) -> Result<(), P> {
        let Some(entry) = self.entry(id) else {
            return Err(payload);
        };
        if !entry.is_dormant() {
            self.dormant += 1;
        }
        self.entries.reschedule(id.key, DORMANT, Duration::ZERO, payload);
        Ok(())
    }

    #[inline]
    fn schedule(&mut self, deadline: Duration, seq: u64, key: u32) {
        match nanos(deadline) {
            Some(nanos) => self.wheel.insert(Sched { deadline: nanos, seq, key }),
            None => self.schedule_far(deadline, seq, key),
        }
    }

    #[cold]
    fn schedule_far(&mut self, deadline: Duration, seq: u64, key: u32) {
        self.far.push(Reverse(FarSched { deadline, seq, key }));
    }

    fn bump_generation(&mut self) -> u32 {
        let generation = self.next_generation;
        // Zero is skipped so that a packed id is never 0, which hosts may treat as "no timer".
        self.next_generation = self.next_generation.checked_add(1).unwrap_or(1);
        generation
    }

    fn bump_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    fn entry(&self, id: TimerId) -> Option<&Entry<P>> {
        self.entries.get(id.key, id.generation)
    }

    fn entry_mut(&mut self, id: TimerId) -> Option<&mut Entry<P>> {
        self.entries.get_mut(id.key, id.generation)
    }

    /// The generation of the timer a schedule entry refers to, if that entry still stands for
    /// it: not cleared, fired or re-armed since. Sequence numbers are never reused, so the
    /// sequence alone tells a reused slot apart.
    fn live_generation(&self, key: u32, seq: u64) -> Option<u32> {
        self.entries.scheduled_generation(key, seq)
    }

    /// Pops far-heap entries whose timer was cleared (or re-armed under a newer sequence).
    fn discard_stale_far(&mut self) {
        while let Some(Reverse(top)) = self.far.peek() {
            if self.live_generation(top.key, top.seq).is_some() {
                return;
            }
            self.far.pop();
        }
    }
}

/// How many timers ahead of the one being popped `pop_due` prefetches an entry: far enough
/// for a miss to resolve while the pops in between run, near enough to stay in the cache.
const PREFETCH_AHEAD: usize = 8;

/// `time` in whole nanoseconds, if that fits the wheel's `u64`.
#[inline]
fn nanos(time: Duration) -> Option<u64> {
    time.as_secs().checked_mul(1_000_000_000)?.checked_add(u64::from(time.subsec_nanos()))
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

    #[test]
    fn deadlines_beyond_the_wheel_fire_last_in_order_and_exactly() {
        let mut q = TimerQueue::new();
        let beyond = Duration::from_nanos(u64::MAX) + Duration::from_nanos(1);
        let max = q.insert(Duration::MAX, None, "max");
        let far = q.insert(beyond, None, "beyond");
        let edge = q.insert(Duration::from_nanos(u64::MAX), None, "edge");
        let max_again = q.insert(Duration::MAX, None, "max again");
        let soon = q.insert(ms(1), None, "soon");
        assert_eq!(q.next_deadline(), Some(ms(1)));
        assert_eq!(q.pop_due(ms(1)).map(|d| d.id), Some(soon));
        assert_eq!(q.next_deadline(), Some(Duration::from_nanos(u64::MAX)));
        assert!(q.pop_due(Duration::from_nanos(u64::MAX - 1)).is_none());
        assert!(q.cancel(far).is_some());
        assert_eq!(q.next_deadline(), Some(Duration::from_nanos(u64::MAX)));
        let popped: Vec<_> = std::iter::from_fn(|| q.pop_due(Duration::MAX)).collect();
        let ids: Vec<_> = popped.iter().map(|d| d.id).collect();
        assert_eq!(ids, [edge, max, max_again]);
        assert_eq!(popped[1].deadline, Duration::MAX);
        assert_eq!(q.take(max).map(|f| (f.payload, f.deadline)), Some(("max", Duration::MAX)));
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    fn a_clock_jumping_across_every_level_pops_in_order() {
        let mut q = TimerQueue::new();
        // One timer per wheel level and a few between, set in shuffled order.
        let mut deadlines: Vec<Duration> = (0..10u32)
            .flat_map(|level| {
                let ticks = 64u64.pow(level.min(7)) + u64::from(level);
                [ms(ticks), ms(ticks) + Duration::from_nanos(1)]
            })
            .collect();
        deadlines.rotate_left(7);
        let ids: Vec<_> = deadlines.iter().map(|d| q.insert(*d, None, *d)).collect();
        let mut expected: Vec<_> = deadlines.iter().copied().zip(ids).collect();
        expected.sort();
        // A few jumps of growing size, then one to the end of time.
        let mut popped = Vec::new();
        for now in [ms(3), ms(70), ms(300_000), Duration::from_secs(1 << 40), Duration::MAX] {
            while let Some(due) = q.pop_due(now) {
                assert!(due.deadline <= now);
                popped.push((due.deadline, due.id));
                assert_eq!(q.take(due.id).unwrap().payload, due.deadline);
            }
            assert!(q.next_deadline().is_none_or(|next| next > now));
        }
        assert_eq!(popped, expected);
    }

    #[test]
    fn next_deadline_skips_cleared_timers_at_every_position() {
        let mut q = TimerQueue::new();
        let ids: Vec<_> = (0..200u64).map(|i| q.insert(ms(i * 37 % 5000), None, i)).collect();
        let mut live: Vec<_> = ids.iter().zip(0..200u64).map(|(id, i)| (ms(i * 37 % 5000), *id)).collect();
        live.sort();
        // Clear every third timer in deadline order, checking the next deadline each time.
        for k in (0..live.len()).rev().filter(|k| k % 3 == 0) {
            let (_, id) = live.remove(k);
            assert!(q.cancel(id).is_some());
            assert_eq!(q.next_deadline(), live.first().map(|(d, _)| *d));
        }
        let popped: Vec<_> =
            std::iter::from_fn(|| q.pop_due(Duration::MAX).map(|d| (d.deadline, d.id))).collect();
        assert_eq!(popped, live);
    }

    #[test]
    fn a_deadline_past_the_end_of_time_is_dormant_and_never_due() {
        let mut q = TimerQueue::new();
        let now = Duration::from_secs(1);
        let never = q.insert_after(now, Duration::MAX, None, "never");
        let every = q.insert_after(now, Duration::MAX, Some(ms(1)), "every");
        assert!(q.is_dormant(never) && q.is_dormant(every));
        assert_eq!((q.len(), q.pending()), (2, 0));
        assert_eq!(q.next_deadline(), None);
        assert!(q.pop_due(Duration::MAX).is_none());
        let mut drained = 0;
        q.drain_due(Duration::MAX, |_| drained += 1);
        assert_eq!(drained, 0);
        assert!(q.take(never).is_none(), "a dormant timer is never taken");
        assert_eq!(q.cancel(never), Some(Some("never")));
        assert_eq!((q.len(), q.pending()), (1, 0));
        // An absolute re-arm brings a dormant interval back onto the schedule.
        assert!(q.rearm(every, ms(4), "every").is_ok());
        assert_eq!((q.is_dormant(every), q.pending()), (false, 1));
        assert_eq!(q.pop_due(ms(4)).map(|d| d.id), Some(every));
        assert_eq!(q.cancel(every), Some(Some("every")));
        assert!(q.is_empty());
    }

    #[test]
    fn an_interval_at_the_end_of_time_fires_once() {
        let mut q = TimerQueue::new();
        let id = q.insert_after(Duration::ZERO, Duration::MAX, Some(Duration::MAX), 0u32);
        assert_eq!(q.next_deadline(), Some(Duration::MAX));
        let mut fired = 0;
        while let Some(due) = q.pop_due(Duration::MAX) {
            fired += 1;
            assert!(fired < 3, "fires over and over at the end of time");
            let f = q.take(due.id).unwrap();
            q.rearm_after(due.id, Duration::MAX, f.interval.unwrap(), f.payload + 1).unwrap();
        }
        assert_eq!(fired, 1);
        assert!(q.is_dormant(id));
        assert_eq!(q.pending(), 0);
        // Dormant twice over counts once.
        assert!(q.rearm_after(id, Duration::MAX, ms(1), 7).is_ok());
        assert_eq!((q.len(), q.pending()), (1, 0));
        assert_eq!(q.cancel(id), Some(Some(7)));
        assert_eq!(q.rearm_after(id, Duration::MAX, ms(1), 8), Err(8));
    }

    #[test]
    fn near_the_end_of_time_order_stays_deadline_then_sequence() {
        let mut q = TimerQueue::new();
        let now = Duration::MAX - ms(10);
        let delays = [ms(8), ms(3), ms(10), ms(11), Duration::MAX, Duration::ZERO, ms(3), ms(10)];
        let ids: Vec<_> = delays.iter().map(|d| q.insert_after(now, *d, None, *d)).collect();
        let popped: Vec<_> = std::iter::from_fn(|| q.pop_due(Duration::MAX)).map(|d| d.id).collect();
        // 0, 3, 3 (set later), 8, 10, 10 (set later): the two that overflow never come.
        assert_eq!(popped, [ids[5], ids[1], ids[6], ids[0], ids[2], ids[7]]);
        assert!(q.is_dormant(ids[3]) && q.is_dormant(ids[4]));
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
