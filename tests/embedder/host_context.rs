//! Item 1: the host (an engine's state) lent to a run is reached, as `&mut H`, from every kind
//! of callback the engine queued: task, job, nextTick callback, timeout, interval, checkpoint
//! hook, rejection callback, and the thenable classification of a resolve.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use settle::prelude::*;
use settle::promise::{Resolution, Resolvers, Thenable, Thenables};
use settle::runtime::{TrackedPromise, TrackerPolicy, UncaughtKind};

/// The engine: nothing but a log, and a count of `then` lookups its classifier made.
#[derive(Default)]
struct Engine {
    log: Vec<String>,
    then_lookups: u32,
}

impl Engine {
    fn push(&mut self, line: impl Into<String>) {
        self.log.push(line.into());
    }
}

/// A value of the engine: a number, or an object with a `then` the engine must look up.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Number(i32),
    /// An object whose `then` getter, run by the engine, returns this value's adoption.
    WithThen(i32),
}

impl settle::promise::Reason for Value {
    fn from_spec_error(_: settle::promise::SpecError<Value>) -> Value {
        Value::Number(-1)
    }
}

/// The engine's classifier: looking `then` up runs engine code, so it needs the engine.
struct EngineThenables;

impl Thenables<Value, Value> for EngineThenables {
    fn classify(value: Value) -> Resolution<Value, Value, EngineThenables> {
        Resolution::Value(value) // no engine at hand: never used by this test
    }

    fn classify_in(
        host: &mut dyn Any,
        value: Value,
        _promise: &Promise<Value, Value, EngineThenables>,
    ) -> Resolution<Value, Value, EngineThenables> {
        match value {
            Value::WithThen(n) => {
                let engine = host.downcast_mut::<Engine>().expect("the engine is lent");
                engine.then_lookups += 1;
                engine.push(format!("Get(then) on object {n}"));
                // The getter says: not callable, so the object itself fulfills (step 12).
                Resolution::Value(Value::Number(n))
            }
            v => Resolution::Value(v),
        }
    }
}

#[test]
fn every_kind_of_callback_borrows_the_lent_host() {
    let el = EventLoop::builder().virtual_clock().build();
    el.add_checkpoint_hook_with(|e: &mut Engine| e.push("hook"));
    el.queue_task_with(|e: &mut Engine| {
        e.push("task");
        let h = Handle::current();
        h.queue_microtask_with(|e: &mut Engine| e.push("job"));
        h.queue_next_tick_with(|e: &mut Engine| e.push("nextTick"));
        h.set_timeout_with(Duration::from_millis(5), |e: &mut Engine| e.push("timeout"));
        let id = Rc::new(RefCell::new(None));
        let i = id.clone();
        *id.borrow_mut() = Some(h.set_interval_with(Duration::from_millis(2), move |e: &mut Engine| {
            e.push("interval");
            if e.log.iter().filter(|l| *l == "interval").count() == 2 {
                Handle::current().clear_timer(i.borrow().unwrap());
            }
        }));
    });
    let mut engine = Engine::default();
    el.run_with(&mut engine).unwrap();
    assert_eq!(
        engine.log,
        ["task", "nextTick", "job", "hook", "interval", "hook", "interval", "hook", "timeout", "hook"]
    );
}

#[test]
fn the_classifier_of_a_resolve_gets_the_host_and_runs_once() {
    let el = EventLoop::new();
    let results = Rc::new(RefCell::new(Vec::new()));
    let r = results.clone();
    el.queue_task_with(move |e: &mut Engine| {
        let (p, resolvers) = Promise::<Value, Value, EngineThenables>::with_resolvers();
        resolvers.resolve_in(e, Value::WithThen(3));
        // Already resolved: the second call never looks `then` up (steps 5-6 come first).
        resolvers.resolve_in(e, Value::WithThen(4));
        r.borrow_mut().push(p);
    });
    let mut engine = Engine::default();
    el.run_with(&mut engine).unwrap();
    assert_eq!(engine.then_lookups, 1);
    assert_eq!(engine.log, ["Get(then) on object 3"]);
    let promises = results.borrow();
    assert_eq!(promises.len(), 1);
    assert_eq!(promises[0].result(), Some(Ok(Value::Number(3))));
}

/// A handler's result is classified in its reaction job, which runs with the lent host; so is
/// the `then` of a thenable, called by NewPromiseResolveThenableJob.
#[test]
fn reaction_and_thenable_jobs_pass_the_host_to_the_engine() {
    struct EngineThenable;
    impl Thenable<Value, Value, EngineThenables> for EngineThenable {
        fn then(&self, _: Resolvers<Value, Value, EngineThenables>) -> Result<(), Value> {
            unreachable!("called with the host")
        }
        fn then_in(
            &self,
            host: &mut dyn Any,
            resolvers: Resolvers<Value, Value, EngineThenables>,
        ) -> Result<(), Value> {
            let engine = host.downcast_mut::<Engine>().expect("the engine is lent");
            engine.push("then() of a thenable");
            resolvers.resolve_in(engine, Value::Number(5));
            Ok(())
        }
    }
    let el = EventLoop::new();
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    el.queue_task_with(move |e: &mut Engine| {
        e.push("task");
        let from_handler = Promise::<Value, Value, EngineThenables>::resolve(Value::Number(1))
            .then(|_| Ok(Value::WithThen(2)));
        let from_thenable =
            Promise::<Value, Value, EngineThenables>::resolve(Resolution::thenable(EngineThenable));
        o.borrow_mut().extend([from_handler, from_thenable]);
    });
    let mut engine = Engine::default();
    el.run_with(&mut engine).unwrap();
    assert_eq!(engine.log, ["task", "Get(then) on object 2", "then() of a thenable"]);
    let out = out.borrow();
    assert_eq!(out[0].result(), Some(Ok(Value::Number(2))));
    assert_eq!(out[1].result(), Some(Ok(Value::Number(5))));
}

/// A promise of the engine's own, for the rejection callback.
struct Rejected(&'static str);

impl TrackedPromise for Rejected {
    fn is_handled(&self) -> bool {
        false
    }
    fn reason(&self) -> String {
        self.0.to_string()
    }
    fn identity(&self) -> *const () {
        self as *const Rejected as *const ()
    }
}

#[test]
fn the_rejection_callback_gets_the_host() {
    let el = EventLoop::builder()
        .rejection_policy(TrackerPolicy::callback_with(|e: &mut Engine, event| {
            e.push(format!("unhandled {}", event.promise.reason()))
        }))
        .build();
    el.queue_task_with(|e: &mut Engine| {
        e.push("task");
        Handle::current().track_reject(Rc::new(Rejected("Oops")));
    });
    let mut engine = Engine::default();
    el.run_with(&mut engine).unwrap();
    assert_eq!(engine.log, ["task", "unhandled Oops"]);
}

/// Re-entry: a task holding `&mut H` runs a checkpoint by passing its host down; the jobs it
/// queued borrow the host in turn, and the task goes on with it afterwards.
#[test]
fn a_task_re_enters_the_loop_by_passing_its_host_down() {
    let el = EventLoop::new();
    el.queue_task_with(|e: &mut Engine| {
        let h = Handle::current();
        h.queue_microtask_with(|e: &mut Engine| e.push("job, in the task's checkpoint"));
        e.push("before");
        h.perform_microtask_checkpoint_with(e).unwrap();
        e.push("after");
        // A job cannot start a checkpoint: it is refused, and the job goes on.
        h.queue_microtask_with(|e: &mut Engine| {
            let refused = Handle::current().perform_microtask_checkpoint_with(e);
            e.push(format!("nested checkpoint: {}", refused.is_err()));
        });
    });
    let mut engine = Engine::default();
    el.run_with(&mut engine).unwrap();
    assert_eq!(engine.log, ["before", "job, in the task's checkpoint", "after", "nested checkpoint: true"]);
}

/// A callback queued for another host type is reported and dropped unrun; the rest runs.
#[test]
fn a_callback_for_another_host_type_is_reported_not_run() {
    let kinds = Rc::new(RefCell::new(Vec::new()));
    let k = kinds.clone();
    let el = EventLoop::builder().on_uncaught(move |u| k.borrow_mut().push(u.kind())).build();
    el.queue_task_with(|_: &mut String| unreachable!("the host is an Engine"));
    el.queue_task_with(|e: &mut Engine| e.push("ran"));
    let mut engine = Engine::default();
    el.run_with(&mut engine).unwrap();
    assert_eq!(engine.log, ["ran"]);
    assert_eq!(*kinds.borrow(), [UncaughtKind::HostMismatch]);
}
