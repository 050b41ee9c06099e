//! `TimerQueue` against a reference model: a sorted set of (deadline, sequence) pairs.
//!
//! The queue files timers on a timing wheel with millisecond ticks, an early heap, a rebuild
//! path and a separate heap for deadlines beyond 2^64 ns; the model is the specification
//! those must add up to: timers come out in (deadline, creation or re-arm order), never before
//! their deadline, cleared and taken ones never, and `next_deadline` is exact. A timer set or
//! re-armed for after `Duration::MAX` is dormant: live and clearable, never due, not pending.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use proptest::prelude::*;
use settle_timers::{TimerId, TimerQueue};

#[derive(Debug)]
struct ModelTimer {
    deadline: Duration,
    seq: u64,
    interval: Option<Duration>,
    /// Whether the queue still has it scheduled (not popped, taken or re-armed away).
    scheduled: bool,
    /// Whether its deadline is past the end of time.
    dormant: bool,
    payload: Option<u32>,
}

#[derive(Default, Debug)]
struct Model {
    timers: HashMap<TimerId, ModelTimer>,
    order: BTreeSet<(Duration, u64, u64)>,
    next_seq: u64,
}

impl Model {
    fn unschedule(&mut self, id: TimerId) {
        if let Some(t) = self.timers.get_mut(&id)
            && t.scheduled
        {
            t.scheduled = false;
            self.order.remove(&(t.deadline, t.seq, id.as_u64()));
        }
    }

    fn schedule(&mut self, id: TimerId, deadline: Duration) {
        self.unschedule(id);
        let seq = self.next_seq;
        self.next_seq += 1;
        let t = self.timers.get_mut(&id).unwrap();
        t.deadline = deadline;
        t.seq = seq;
        t.scheduled = true;
        t.dormant = false;
        self.order.insert((deadline, seq, id.as_u64()));
    }

    /// Schedules at `now + delay`, or makes the timer dormant if that overflows.
    fn schedule_after(&mut self, id: TimerId, now: Duration, delay: Duration) {
        match now.checked_add(delay) {
            Some(deadline) => self.schedule(id, deadline),
            None => {
                self.unschedule(id);
                self.timers.get_mut(&id).unwrap().dormant = true;
            }
        }
    }

    fn pending(&self) -> usize {
        self.timers.values().filter(|t| !t.dormant).count()
    }
}

#[derive(Clone, Debug)]
enum Op {
    /// A timer `delay` after now (`insert_after`; or an absolute deadline `delay` before now,
    /// when `past`), one-shot or interval.
    Insert {
        delay: Duration,
        past: bool,
        interval: Option<Duration>,
    },
    /// Clear the n-th id ever issued (stale ones included).
    Cancel(usize),
    /// Take the n-th id ever issued, popped or not, and re-arm it if it is an interval.
    Take {
        index: usize,
        rearm_after: Duration,
    },
    /// Move the clock forward and pop everything due, taking each popped timer at once or
    /// leaving it waiting.
    Advance {
        by: Duration,
        take_each: bool,
        /// Collect with `drain_due` rather than `pop_due`.
        drain: bool,
    },
    /// Jump the clock to the exact next deadline (as the virtual loop does), then pop.
    Jump,
    /// Move the clock to `left` before the end of time (if it is not later yet), then pop:
    /// from there, short delays overflow or not depending on their length.
    NearTheEnd {
        left: Duration,
    },
    NextDeadline,
}

fn delay() -> impl Strategy<Value = Duration> {
    prop_oneof![
        4 => (0u64..3_000).prop_map(Duration::from_millis),
        // Several timers per millisecond tick, in any order of deadlines.
        3 => (0u64..3_000).prop_map(Duration::from_micros),
        2 => (0u64..5_000_000).prop_map(Duration::from_micros),
        2 => (0u64..400_000_000_000).prop_map(Duration::from_millis),
        1 => (0u64..3).prop_map(|k| Duration::from_nanos(u64::MAX - k)),
        1 => (0u64..1u64 << 40).prop_map(|s| Duration::from_secs(u64::MAX - s)),
        1 => Just(Duration::MAX),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (delay(), prop::bool::weighted(0.1), prop::option::weighted(0.2, delay()))
            .prop_map(|(delay, past, interval)| Op::Insert { delay, past, interval }),
        2 => (0usize..64).prop_map(Op::Cancel),
        1 => ((0usize..64), delay()).prop_map(|(index, rearm_after)| Op::Take { index, rearm_after }),
        3 => (delay(), any::<bool>(), any::<bool>())
            .prop_map(|(by, take_each, drain)| Op::Advance { by, take_each, drain }),
        2 => Just(Op::Jump),
        1 => (0u64..5_000).prop_map(|ms| Op::NearTheEnd { left: Duration::from_millis(ms) }),
        2 => Just(Op::NextDeadline),
    ]
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut q = TimerQueue::new();
    let mut m = Model::default();
    let mut now = Duration::ZERO;
    let mut issued: Vec<TimerId> = Vec::new();
    let mut label = 0u32;
    for op in ops {
        match op {
            Op::Insert { delay, past, interval } => {
                label += 1;
                let id = if past {
                    q.insert(now.saturating_sub(delay), interval, label)
                } else {
                    q.insert_after(now, delay, interval, label)
                };
                prop_assert!(!m.timers.contains_key(&id), "a live id was issued twice");
                let t = ModelTimer {
                    deadline: Duration::ZERO,
                    seq: 0,
                    interval,
                    scheduled: false,
                    dormant: false,
                    payload: Some(label),
                };
                m.timers.insert(id, t);
                if past {
                    m.schedule(id, now.saturating_sub(delay));
                } else {
                    m.schedule_after(id, now, delay);
                }
                prop_assert_eq!(q.is_dormant(id), m.timers[&id].dormant);
                issued.push(id);
            }
            Op::Cancel(n) => {
                let Some(&id) = issued.get(n) else { continue };
                let got = q.cancel(id);
                m.unschedule(id);
                let want = m.timers.remove(&id).map(|t| t.payload);
                prop_assert_eq!(got, want);
            }
            Op::Take { index, rearm_after } => {
                let Some(&id) = issued.get(index) else { continue };
                let got = q.take(id).map(|f| (f.payload, f.deadline, f.interval));
                let want = match m.timers.get_mut(&id) {
                    // A dormant timer is never due, so it is never taken.
                    Some(t) if t.payload.is_some() && !t.dormant => {
                        Some((t.payload.take().unwrap(), t.deadline, t.interval))
                    }
                    _ => None,
                };
                prop_assert_eq!(got, want);
                if let Some((payload, _, interval)) = got {
                    m.unschedule(id);
                    if interval.is_some() {
                        prop_assert!(q.rearm_after(id, now, rearm_after, payload).is_ok());
                        m.timers.get_mut(&id).unwrap().payload = Some(payload);
                        m.schedule_after(id, now, rearm_after);
                    } else {
                        m.timers.remove(&id);
                    }
                }
            }
            Op::Advance { by, take_each, drain } => {
                now = now.saturating_add(by);
                pop_all(&mut q, &mut m, now, take_each, drain)?;
            }
            Op::Jump => {
                if let Some(next) = q.next_deadline() {
                    now = now.max(next);
                }
                pop_all(&mut q, &mut m, now, true, true)?;
            }
            Op::NearTheEnd { left } => {
                now = now.max(Duration::MAX - left);
                pop_all(&mut q, &mut m, now, true, true)?;
            }
            Op::NextDeadline => {}
        }
        prop_assert_eq!(q.next_deadline(), m.order.first().map(|f| f.0));
        prop_assert_eq!(q.len(), m.timers.len());
        prop_assert_eq!(q.pending(), m.pending());
    }
    // Everything left fires, in order, when the clock reaches the end of time; intervals
    // re-armed there go dormant, so nothing is due afterwards.
    pop_all(&mut q, &mut m, Duration::MAX, true, false)?;
    prop_assert_eq!(q.next_deadline(), None);
    prop_assert!(q.pop_due(Duration::MAX).is_none());
    prop_assert_eq!(q.pending(), m.pending());
    for (id, t) in &m.timers {
        prop_assert_eq!(q.is_dormant(*id), t.dormant);
        if t.dormant {
            prop_assert!(q.take(*id).is_none(), "a dormant timer is never taken");
        }
    }
    Ok(())
}

fn pop_all(
    q: &mut TimerQueue<u32>,
    m: &mut Model,
    now: Duration,
    take_each: bool,
    drain: bool,
) -> Result<(), TestCaseError> {
    // Two ways to collect what is due: one at a time, or as the loop does, in one call (the
    // timers re-armed below are later than `now`, so collecting first changes nothing).
    let mut batch = Vec::new();
    if drain {
        q.drain_due(now, |due| batch.push(due));
    } else {
        batch.extend(std::iter::from_fn(|| q.pop_due(now)));
    }
    for due in batch {
        let first = m.order.pop_first();
        prop_assert_eq!(Some((due.deadline, due.id.as_u64())), first.map(|(d, _, id)| (d, id)));
        prop_assert!(due.deadline <= now);
        let t = m.timers.get_mut(&due.id).unwrap();
        t.scheduled = false;
        if take_each {
            let fired = q.take(due.id).unwrap();
            prop_assert_eq!(Some(fired.payload), t.payload.take());
            prop_assert_eq!((fired.deadline, fired.interval), (due.deadline, t.interval));
            if t.interval.is_none() {
                m.timers.remove(&due.id);
            } else {
                // Re-armed from "now", as the loop does; at the end of time it goes dormant.
                let period = Duration::from_millis(1);
                q.rearm_after(due.id, now, period, fired.payload).unwrap();
                m.timers.get_mut(&due.id).unwrap().payload = Some(fired.payload);
                m.schedule_after(due.id, now, period);
            }
        }
    }
    prop_assert!(m.order.first().is_none_or(|f| f.0 > now), "a due timer was not popped");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_queue_behaves_like_a_sorted_set(ops in prop::collection::vec(op(), 1..120)) {
        run(ops)?;
    }
}

/// Many timers on few distinct deadlines, cleared at random, popped in growing steps: the
/// shape of a busy JavaScript program, large enough to fill several wheel levels.
#[test]
fn a_large_random_schedule_matches_the_model() {
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut ops = Vec::new();
    for _ in 0..20_000 {
        let r = next();
        ops.push(match r % 10 {
            0..=5 => Op::Insert {
                delay: Duration::from_millis(
                    next() % [10, 1_000, 100_000, 10_000_000][(r >> 8) as usize % 4],
                ),
                past: false,
                interval: (r >> 20 & 15 == 0).then(|| Duration::from_millis(r >> 24 & 1023)),
            },
            6 => Op::Cancel((next() % 20_000) as usize),
            7 => Op::Advance {
                by: Duration::from_millis(next() % 5_000),
                take_each: r >> 16 & 1 == 0,
                drain: r >> 17 & 1 == 0,
            },
            8 => Op::Jump,
            _ => Op::NextDeadline,
        });
    }
    run(ops).unwrap();
}
