//! Timers on the event loop: ordering, clearing, intervals, host clamps and the virtual clock.
//! All on the virtual clock and asserting exact order and virtual times, except
//! `waiting_for_a_timer_does_not_spin`, the one test on the real clock, which counts how often
//! the thread blocked while it waited.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use settle::runtime::{EventLoop, Handle, queue_microtask};
use settle::timers::{Host, TimerId};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Records (label, loop time) pairs.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<(String, Duration)>>>);

impl Log {
    fn push(&self, label: impl Into<String>) {
        let now = Handle::current().now();
        self.0.borrow_mut().push((label.into(), now));
    }

    fn labels(&self) -> Vec<String> {
        self.0.borrow().iter().map(|(l, _)| l.clone()).collect()
    }

    fn entries(&self) -> Vec<(String, Duration)> {
        self.0.borrow().clone()
    }
}

fn virtual_loop() -> EventLoop {
    EventLoop::builder().virtual_clock().build()
}

#[test]
fn a_checkpoint_runs_between_two_timers_due_at_the_same_instant() {
    let el = virtual_loop();
    let log = Log::default();
    let l = log.clone();
    el.set_timeout(ms(10), move || {
        l.push("timer 1");
        let l2 = l.clone();
        queue_microtask(move || {
            l2.push("job of timer 1");
            let l3 = l2.clone();
            queue_microtask(move || l3.push("job of job of timer 1"));
        });
    });
    let l = log.clone();
    el.set_timeout(ms(10), move || l.push("timer 2"));
    el.run().unwrap();
    assert_eq!(log.labels(), ["timer 1", "job of timer 1", "job of job of timer 1", "timer 2"]);
}

#[test]
fn equal_deadlines_fire_in_creation_order() {
    let el = virtual_loop();
    let log = Log::default();
    // 300 timers, three deadlines interleaved at creation: each deadline's timers must fire in
    // the order they were created.
    for i in 0..300u64 {
        let l = log.clone();
        let deadline = [ms(30), ms(10), ms(20)][(i % 3) as usize];
        el.set_timeout(deadline, move || l.push(i.to_string()));
    }
    // A timer set later for the same instant comes after the ones set earlier, even with a
    // shorter delay: set at 5 ms for 5 ms later, due at 10 ms like the first group.
    let l = log.clone();
    el.set_timeout(ms(5), move || {
        let l2 = l.clone();
        Handle::current().set_timeout(ms(5), move || l2.push("late-for-10"));
    });
    el.run().unwrap();

    let mut want: Vec<String> = Vec::new();
    for residue in [1, 2, 0] {
        want.extend((0..300u64).filter(|i| i % 3 == residue).map(|i| i.to_string()));
        if residue == 1 {
            want.push("late-for-10".into());
        }
    }
    assert_eq!(log.labels(), want);
    let times: Vec<_> = log.entries().iter().map(|(_, t)| *t).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(el.now(), ms(30));
}

#[test]
fn clearing_a_timer_from_another_timer_due_at_the_same_instant() {
    let el = virtual_loop();
    let log = Log::default();
    let victim: Rc<Cell<Option<TimerId>>> = Rc::default();
    let (l, v) = (log.clone(), victim.clone());
    el.set_timeout(ms(10), move || {
        l.push("killer");
        // The victim is already due (it sits in the macrotask queue); clearing must still win.
        assert!(Handle::current().clear_timer(v.get().unwrap()));
    });
    let l = log.clone();
    victim.set(Some(el.set_timeout(ms(10), move || l.push("victim"))));
    let l = log.clone();
    el.set_timeout(ms(10), move || l.push("bystander"));
    el.run().unwrap();
    assert_eq!(log.labels(), ["killer", "bystander"]);
    assert!(!el.clear_timer(victim.get().unwrap()), "a cleared id stays cleared");
}

#[test]
fn clearing_a_due_timer_from_a_microtask_of_an_earlier_timer() {
    let el = virtual_loop();
    let log = Log::default();
    let victim: Rc<Cell<Option<TimerId>>> = Rc::default();
    let (l, v) = (log.clone(), victim.clone());
    el.set_timeout(ms(10), move || {
        l.push("first");
        queue_microtask(move || {
            Handle::current().clear_timer(v.get().unwrap());
        });
    });
    let l = log.clone();
    victim.set(Some(el.set_timeout(ms(10), move || l.push("victim"))));
    el.run().unwrap();
    assert_eq!(log.labels(), ["first"]);
}

#[test]
fn an_interval_that_clears_itself_stops() {
    let el = virtual_loop();
    let log = Log::default();
    let id: Rc<Cell<Option<TimerId>>> = Rc::default();
    let runs = Rc::new(Cell::new(0u32));
    let (l, me, n) = (log.clone(), id.clone(), runs.clone());
    id.set(Some(el.set_interval(ms(7), move || {
        n.set(n.get() + 1);
        l.push(format!("tick {}", n.get()));
        if n.get() == 5 {
            assert!(Handle::current().clear_timer(me.get().unwrap()));
        }
    })));
    el.run().unwrap();
    assert_eq!(runs.get(), 5);
    let want: Vec<_> = (1..=5u64).map(|k| (format!("tick {k}"), ms(7 * k))).collect();
    assert_eq!(log.entries(), want);
    assert_eq!(el.now(), ms(35));
    assert_eq!(el.next_deadline(), None);
}

#[test]
fn a_virtual_day_of_timers_runs_instantly_in_order() {
    let el = virtual_loop();
    let log = Log::default();
    let hour = Duration::from_secs(3600);
    for h in [1u32, 12, 24] {
        let l = log.clone();
        el.set_timeout(hour * h, move || l.push(format!("timeout {h}h")));
    }
    let id: Rc<Cell<Option<TimerId>>> = Rc::default();
    let runs = Rc::new(Cell::new(0u32));
    let (l, me, n) = (log.clone(), id.clone(), runs.clone());
    id.set(Some(el.set_interval(hour, move || {
        n.set(n.get() + 1);
        l.push(format!("hourly {}", n.get()));
        if n.get() == 24 {
            Handle::current().clear_timer(me.get().unwrap());
        }
    })));
    el.run().unwrap();

    // At 1h, 12h and 24h the timeout was scheduled before the interval's current run (the
    // interval is re-armed after each run), so the timeout comes first.
    let mut want = Vec::new();
    for k in 1..=24u32 {
        if [1, 12, 24].contains(&k) {
            want.push((format!("timeout {k}h"), hour * k));
        }
        want.push((format!("hourly {k}"), hour * k));
    }
    assert_eq!(log.entries(), want);
    assert_eq!(runs.get(), 24);
    assert_eq!(el.now(), hour * 24);
}

/// Thousands of timers over every level of the queue's timing wheel (sub-millisecond to a day
/// ahead), some cleared, and more set from callbacks for the very deadlines of timers set at
/// the start, which wait on coarser levels: each fires exactly at its deadline, in (deadline,
/// creation) order.
#[test]
fn timers_across_the_wheel_fire_at_their_deadlines_in_creation_order() {
    let el = virtual_loop();
    let fired: Rc<RefCell<Vec<(Duration, usize)>>> = Rc::default();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let n = 4000usize;
    let ranges = [3_000, 70_000, 5_000_000, 86_400_000_000]; // microseconds
    let delays: Vec<Duration> =
        (0..n).map(|_| Duration::from_micros(next() % ranges[(next() % 4) as usize])).collect();
    let cleared: Vec<bool> = (0..n).map(|_| next() % 8 == 0).collect();
    // Every third timer, when it fires, sets a follower due with another timer of the start.
    let target = |label: usize| label.is_multiple_of(3).then(|| delays[label * 7919 % n]);
    let mut ids = Vec::new();
    for (label, &delay) in delays.iter().enumerate() {
        let f = fired.clone();
        let follow = target(label);
        ids.push(el.set_timeout(delay, move || {
            let now = Handle::current().now();
            f.borrow_mut().push((now, label));
            if let Some(at) = follow.filter(|at| *at >= now) {
                let f = f.clone();
                Handle::current().set_timeout(at - now, move || {
                    f.borrow_mut().push((Handle::current().now(), n + label));
                });
            }
        }));
    }
    for (id, _) in ids.iter().zip(&cleared).filter(|(_, c)| **c) {
        assert!(el.clear_timer(*id));
    }
    el.run().unwrap();

    // The expected log: the timers of the start in (deadline, label) order; a follower is
    // created when its leader fires, after every timer of the start.
    let mut start: Vec<(Duration, usize)> = (0..n).filter(|l| !cleared[*l]).map(|l| (delays[l], l)).collect();
    start.sort();
    let mut want: Vec<(Duration, usize, usize)> = start.iter().map(|&(d, l)| (d, l, l)).collect();
    for (rank, &(deadline, label)) in start.iter().enumerate() {
        if let Some(at) = target(label).filter(|at| *at >= deadline) {
            want.push((at, n + rank, n + label));
        }
    }
    assert!(want.len() > start.len() + n / 10, "followers were set");
    want.sort();
    let want: Vec<(Duration, usize)> = want.into_iter().map(|(d, _, l)| (d, l)).collect();
    assert_eq!(*fired.borrow(), want);
}

#[test]
fn run_for_advances_virtual_time_exactly() {
    let el = virtual_loop();
    let log = Log::default();
    let l = log.clone();
    el.set_interval(ms(10), move || l.push("tick"));
    el.run_for(ms(35)).unwrap();
    assert_eq!(el.now(), ms(35));
    assert_eq!(log.entries().iter().map(|(_, t)| *t).collect::<Vec<_>>(), [ms(10), ms(20), ms(30)]);
    // A timer due exactly at the limit fires.
    el.run_for(ms(5)).unwrap();
    assert_eq!(el.now(), ms(40));
    assert_eq!(log.entries().len(), 4);
}

#[test]
fn html_clamps_nested_timers_to_4ms_after_level_5() {
    let el = EventLoop::builder().virtual_clock().host(Host::Html).build();
    let log = Log::default();
    fn nest(l: Log, depth: u32) {
        l.push(format!("level {depth}"));
        if depth < 10 {
            Handle::current().set_timeout_ms(0.0, move || nest(l, depth + 1));
        }
    }
    let l = log.clone();
    el.set_timeout_ms(0.0, move || nest(l, 1));
    el.run().unwrap();
    // Timers 1 to 6 are set at nesting levels 0 to 5: no clamp. Timer 7 is set from the level-6
    // callback: nesting level > 5, so 0 ms becomes 4 ms (HTML timer initialization steps).
    let times: Vec<_> = log.entries().iter().map(|(_, t)| *t).collect();
    assert_eq!(times, [0, 0, 0, 0, 0, 0, 4, 8, 12, 16].map(ms));

    // A timer set from a microtask is not nested (the microtask is not a timer task), and
    // a delay of 4 ms or more is never changed.
    let el = EventLoop::builder().virtual_clock().host(Host::Html).build();
    let log = Log::default();
    fn nest_via_job(l: Log, depth: u32) {
        l.push(format!("level {depth}"));
        if depth < 10 {
            queue_microtask(move || {
                Handle::current().set_timeout_ms(0.0, move || nest_via_job(l, depth + 1));
            });
        }
    }
    let l = log.clone();
    el.set_timeout_ms(0.0, move || nest_via_job(l, 1));
    el.run().unwrap();
    assert_eq!(log.entries().len(), 10);
    assert_eq!(el.now(), Duration::ZERO);
}

#[test]
fn html_clamps_a_zero_interval_after_level_5() {
    // HTML re-runs the timer initialization steps for each repetition, with the nesting level
    // of the interval's own task, so setInterval(f, 0) also slows to 4 ms.
    let el = EventLoop::builder().virtual_clock().host(Host::Html).build();
    let log = Log::default();
    let id: Rc<Cell<Option<TimerId>>> = Rc::default();
    let (l, me) = (log.clone(), id.clone());
    id.set(Some(el.set_interval_ms(0.0, move || {
        l.push("tick");
        if l.0.borrow().len() == 9 {
            Handle::current().clear_timer(me.get().unwrap());
        }
    })));
    el.run().unwrap();
    let times: Vec<_> = log.entries().iter().map(|(_, t)| *t).collect();
    assert_eq!(times, [0, 0, 0, 0, 0, 0, 4, 8, 12].map(ms));
}

#[test]
fn node_waits_at_least_1ms() {
    let el = EventLoop::builder().virtual_clock().host(Host::Node).build();
    let log = Log::default();
    for (label, delay) in [("0", 0.0), ("-5", -5.0), ("NaN", f64::NAN), ("0.5", 0.5), ("2.9", 2.9)] {
        let l = log.clone();
        el.set_timeout_ms(delay, move || l.push(label));
    }
    let l = log.clone();
    el.set_timeout(Duration::ZERO, move || l.push("Duration::ZERO"));
    el.run().unwrap();
    assert_eq!(
        log.entries(),
        [
            ("0".to_string(), ms(1)),
            ("-5".to_string(), ms(1)),
            ("NaN".to_string(), ms(1)),
            ("0.5".to_string(), ms(1)),
            ("Duration::ZERO".to_string(), ms(1)),
            ("2.9".to_string(), ms(2)),
        ]
    );

    // No 4 ms nesting clamp in Node: ten nested 0 ms timeouts take 10 ms.
    let el = EventLoop::builder().virtual_clock().host(Host::Node).build();
    let depth = Rc::new(Cell::new(0));
    fn nest(d: Rc<Cell<u32>>) {
        d.set(d.get() + 1);
        if d.get() < 10 {
            Handle::current().set_timeout_ms(0.0, move || nest(d));
        }
    }
    let d = depth.clone();
    el.set_timeout_ms(0.0, move || nest(d));
    el.run().unwrap();
    assert_eq!(depth.get(), 10);
    assert_eq!(el.now(), ms(10));
}

#[test]
fn an_interval_of_duration_max_fires_once_at_the_end_of_time_and_run_returns() {
    let el = virtual_loop();
    let log = Log::default();
    let l = log.clone();
    let interval = el.set_interval(Duration::MAX, move || l.push("interval"));
    let l = log.clone();
    el.set_timeout(Duration::MAX, move || l.push("timeout"));
    el.run().unwrap();
    // Both deadlines are Duration::MAX exactly; the interval's next one is past it.
    assert_eq!(
        log.entries(),
        [("interval".to_string(), Duration::MAX), ("timeout".to_string(), Duration::MAX)]
    );
    assert_eq!(el.next_deadline(), None);
    assert!(el.clear_timer(interval), "the dormant interval is still live, and clearable");
    assert!(!el.clear_timer(interval));
}

#[test]
fn a_timer_past_the_end_of_time_never_fires_and_keeps_no_loop_alive() {
    let el = virtual_loop();
    let fired = Rc::new(Cell::new(0));
    let capture = Rc::new(());
    let (f, c) = (fired.clone(), capture.clone());
    el.set_timeout(ms(1), move || {
        // From 1 ms on, Duration::MAX is past the end of time.
        let h = Handle::current();
        let (f2, c2) = (f.clone(), c.clone());
        h.set_timeout(Duration::MAX, move || {
            let _keep = &c2;
            f2.set(f2.get() + 1);
        });
        h.set_interval(Duration::MAX, move || f.set(f.get() + 1));
    });
    el.run().unwrap();
    assert_eq!(fired.get(), 0);
    assert_eq!(el.now(), ms(1), "the clock did not jump to the end of time");
    assert_eq!(Rc::strong_count(&capture), 2, "the dormant timeout holds its callback");
    drop(el);
    assert_eq!(Rc::strong_count(&capture), 1, "dropping the loop drops them");

    // Likewise on the real clock: `run` returns instead of waiting 584 billion years.
    let el = EventLoop::new();
    let set = Rc::new(Cell::new(false));
    let s = set.clone();
    el.set_timeout(ms(1), move || {
        Handle::current().set_timeout(Duration::MAX, || unreachable!());
        s.set(true);
    });
    el.run().unwrap();
    assert!(set.get());
}

#[test]
fn near_the_end_of_time_timers_keep_deadline_then_creation_order() {
    let el = virtual_loop();
    let log = Log::default();
    let l = log.clone();
    let start = Duration::MAX - ms(10);
    el.set_timeout(start, move || {
        let h = Handle::current();
        for (label, delay) in [
            ("8", ms(8)),
            ("3", ms(3)),
            ("10", ms(10)),
            ("11", ms(11)),
            ("max", Duration::MAX),
            ("0", ms(0)),
            ("3 again", ms(3)),
        ] {
            let l = l.clone();
            h.set_timeout(delay, move || l.push(label));
        }
        let l = l.clone();
        h.set_interval(ms(4), move || l.push("every 4"));
    });
    el.run().unwrap();
    let at = |label: &str, left: u64| (label.to_string(), Duration::MAX - ms(left));
    assert_eq!(
        log.entries(),
        [
            at("0", 10),
            at("3", 7),
            at("3 again", 7),
            at("every 4", 6),
            at("8", 2),
            at("every 4", 2),
            at("10", 0)
        ]
    );
    assert_eq!(el.now(), Duration::MAX);
}

#[test]
fn js_delays_that_overflow_follow_the_host_rules() {
    // Plain: Infinity is Duration::MAX; HTML: WebIDL's `long` makes it 0; Node: beyond
    // 2^31 - 1 ms, 1 ms. None of them fires over and over.
    for (host, expected) in [(Host::Plain, Duration::MAX), (Host::Html, Duration::ZERO), (Host::Node, ms(1))]
    {
        let el = EventLoop::builder().virtual_clock().host(host).build();
        let times = Rc::new(RefCell::new(Vec::new()));
        let t = times.clone();
        let id = Rc::new(Cell::new(None));
        let me = id.clone();
        id.set(Some(el.set_interval_ms(f64::INFINITY, move || {
            let h = Handle::current();
            t.borrow_mut().push(h.now());
            if t.borrow().len() == 3 {
                h.clear_timer(me.get().unwrap());
            }
        })));
        el.run().unwrap();
        let expected: Vec<_> = match host {
            // Fires once, at the end of time; its next deadline is past it.
            Host::Plain => vec![expected],
            _ => vec![expected, expected * 2, expected * 3],
        };
        assert_eq!(*times.borrow(), expected, "{host:?}");
    }
}

/// How many times this thread has blocked so far (`voluntary_ctxt_switches`: the thread gave
/// up the CPU in a system call that waits, as parking on a futex does).
#[cfg(target_os = "linux")]
fn times_blocked() -> u64 {
    let status = std::fs::read_to_string("/proc/thread-self/status").expect("read /proc/thread-self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("voluntary_ctxt_switches in /proc/thread-self/status")
}

#[test]
#[cfg(target_os = "linux")]
fn waiting_for_a_timer_does_not_spin() {
    // On the real clock the loop must park until the deadline, not poll or spin. What that
    // looks like from outside, on any machine however slow or loaded: the thread blocks, and
    // it blocks once, not once per polling interval. A spinning loop blocks 0 times; one that
    // polls every 10 ms, 20 times. The margin is for spurious wake-ups and for page faults that
    // wait on a lock held by another test's thread (also voluntary switches). (This asserted CPU
    // time against wall time once; under valgrind the wait alone costs 30-55 ms of CPU.)
    // Under valgrind, run the binary with --test-threads=1, as .ci/run does: valgrind runs one
    // thread at a time, and every hand-over to another test's thread is a block of this one.
    let el = EventLoop::new();
    let fired = Rc::new(Cell::new(false));
    let f = fired.clone();
    el.set_timeout(ms(200), move || f.set(true));
    let wall = std::time::Instant::now();
    let blocked_before = times_blocked();
    el.run().unwrap();
    let blocked = times_blocked() - blocked_before;
    assert!(fired.get());
    assert!(wall.elapsed() >= ms(200), "the timer fired early: {:?}", wall.elapsed());
    assert!((1..=10).contains(&blocked), "the loop blocked {blocked} times while waiting 200 ms");
}
