//! Helpers shared by the integration tests: a log to record what ran, and the "ruler" that
//! measures in which microtask tick something happens (the method of spec-ticks.md).
//!
//! Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use settle::promise::Promise;
use settle::runtime::EventLoop;

/// A shared log of strings and a cheap way to append to it.
#[derive(Clone, Default)]
pub struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub fn push(&self, s: impl Into<String>) {
        self.0.borrow_mut().push(s.into());
    }

    /// The lines so far, leaving the log empty.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.borrow_mut())
    }

    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Marks the moment the measured reaction X runs.
#[derive(Clone)]
pub struct Mark(Rc<RefCell<Vec<&'static str>>>);

impl Mark {
    pub fn hit(&self) {
        self.0.borrow_mut().push("X");
    }
}

/// How many steps the ruler has: more than any scenario needs.
pub const RULER: usize = 8;

/// Runs `scenario` in a task, starts the ruler `Promise.resolve().then(t1).then(t2)...` right
/// after it, runs the loop, and returns the whole log (X and the steps `t1`..`t8`). X must run
/// exactly once.
pub fn measure_log(scenario: impl FnOnce(Mark) + 'static) -> Vec<&'static str> {
    const STEPS: [&str; RULER] = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"];
    let el = EventLoop::new();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    el.queue_task(move || {
        scenario(Mark(l.clone()));
        let mut ruler = Promise::<()>::resolve(());
        for step in STEPS {
            let l = l.clone();
            ruler = ruler.then(move |()| {
                l.borrow_mut().push(step);
                Ok(())
            });
        }
    });
    el.run().unwrap();
    let log = log.borrow().clone();
    assert_eq!(log.iter().filter(|s| **s == "X").count(), 1, "X must run exactly once: {log:?}");
    log
}

/// The tick (1-based ruler round) in which X ran.
pub fn tick_of(scenario: impl FnOnce(Mark) + 'static) -> usize {
    let log = measure_log(scenario);
    1 + log.iter().position(|s| *s == "X").unwrap()
}
