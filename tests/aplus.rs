//! Promises/A+ 1.1 compliance, sections 2.1, 2.2 and 2.3, ported from the structure of the
//! promises-aplus-tests suite (its cases and their names; no code was copied).
//!
//! Every test is named after the A+ section it checks. The suite's adapter and helpers map as
//! follows:
//!
//! - JavaScript values become [`Js`], a small dynamic value type (`undefined`, `null`, booleans,
//!   numbers, objects with a `then` property or getter, functions, promises, and the errors the
//!   promise machinery raises). Strict equality (`assert.strictEqual`) is [`Js`]'s `==`:
//!   identity for objects and promises. [`JsThenables`] is the embedder's Get(x, "then") and
//!   IsCallable, so `then` getters run exactly where the spec runs them.
//! - `resolved(v)`, `rejected(r)`, `deferred()` are `Promise::resolve`, `Promise::reject`,
//!   `Promise::with_resolvers`.
//! - `testFulfilled` / `testRejected` (the "already-", "immediately-" and
//!   "eventually-fulfilled/rejected" cases) are [`test_fulfilled`] / [`test_rejected`] with a
//!   [`Mode`]; the `three_cases!` macro makes one `#[test]` per mode.
//! - `testPromiseResolution` (the "via return from a fulfilled / rejected promise" cases) is
//!   [`resolution_of`] with a [`Via`]; the `two_vias!` macro makes one `#[test]` per way.
//! - Mocha's `done` and `setTimeout(done, 100)` become: run the loop until nothing is left (on a
//!   virtual clock, so "eventually" costs no time), then assert what the handlers recorded.
//!   Handlers never assert themselves: a panicking handler is a JavaScript `throw` and would only
//!   reject a promise. A task that panics fails the test (see [`run`]).
//!
//! What typed Rust cannot express is adapted and says so where it happens: "not a function" is
//! `None` in `then_with` (JavaScript's `undefined`, `null`, `false`, `5` and objects all collapse
//! into it), and 2.2.5 ("called as functions", that is without `this`) has nothing to port: a
//! Rust closure has no `this`.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use settle::promise::{
    PanicError, Promise, PromiseState, PromiseStatics, Reason, Resolution, Resolvers, SpecError, Thenable,
    Thenables, TypeError,
};

// ---------------------------------------------------------------------------------------------
// A JavaScript value.

/// A promise of JavaScript values, rejected with JavaScript values.
type P = Promise<Js, Js, JsThenables>;
/// Its resolving functions (`resolvePromise`, `rejectPromise`).
type R = Resolvers<Js, Js, JsThenables>;
/// What a handler saw: `Ok(value)` in onFulfilled, `Err(reason)` in onRejected.
type Outcome = Result<Js, Js>;

/// As much of a JavaScript value as the A+ suite needs.
#[derive(Clone)]
enum Js {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    /// An object; its `then` is a data property or a getter.
    Obj(Rc<Obj>),
    /// A function object: here always a `then` method, `(this, resolvePromise, rejectPromise)`.
    Func(Rc<Func>),
    Promise(P),
    /// The TypeError the resolve function throws for a chaining cycle.
    TypeError(TypeError),
    /// A Rust panic: the other way (besides `Err`) a handler or `then` can throw.
    Panic(PanicError),
}

/// An ordinary object, named for messages. `get_then` is the `then` property's getter (a data
/// property is a getter that returns the same value every time).
struct Obj {
    name: &'static str,
    get_then: Box<dyn Fn() -> Result<Js, Js>>,
}

/// A `then` method's body: `this`, then `resolvePromise` and `rejectPromise` as one
/// `Resolvers`; `Err` is a `throw`.
type ThenFn = dyn Fn(&Rc<Obj>, R) -> Result<(), Js>;

/// A `then` method: called with `x` as `this` and the resolving functions.
struct Func {
    call: Box<ThenFn>,
}

impl Js {
    /// A plain object without `then`.
    fn obj(name: &'static str) -> Js {
        Js::with_then_getter(name, || Ok(Js::Undefined))
    }

    /// An object whose `then` is an accessor property with this getter.
    fn with_then_getter(name: &'static str, getter: impl Fn() -> Result<Js, Js> + 'static) -> Js {
        Js::Obj(Rc::new(Obj { name, get_then: Box::new(getter) }))
    }

    /// An object whose `then` is a data property holding `then`.
    fn with_then(name: &'static str, then: Js) -> Js {
        Js::with_then_getter(name, move || Ok(then.clone()))
    }

    /// A function usable as a `then` method.
    fn func(call: impl Fn(&Rc<Obj>, R) -> Result<(), Js> + 'static) -> Js {
        Js::Func(Rc::new(Func { call: Box::new(call) }))
    }

    /// `{ then(resolvePromise, rejectPromise) { ... } }`: `Err` is a `throw` from `then`.
    fn thenable(name: &'static str, then: impl Fn(&Rc<Obj>, R) -> Result<(), Js> + 'static) -> Js {
        Js::with_then(name, Js::func(then))
    }
}

/// `assert.strictEqual`: identity for objects, functions and promises.
impl PartialEq for Js {
    fn eq(&self, other: &Js) -> bool {
        match (self, other) {
            (Js::Undefined, Js::Undefined) | (Js::Null, Js::Null) => true,
            (Js::Bool(a), Js::Bool(b)) => a == b,
            (Js::Num(a), Js::Num(b)) => a == b,
            (Js::Obj(a), Js::Obj(b)) => Rc::ptr_eq(a, b),
            (Js::Func(a), Js::Func(b)) => Rc::ptr_eq(a, b),
            (Js::Promise(a), Js::Promise(b)) => a.ptr_eq(b),
            (Js::TypeError(a), Js::TypeError(b)) => a == b,
            (Js::Panic(a), Js::Panic(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Debug for Js {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Js::Undefined => f.write_str("undefined"),
            Js::Null => f.write_str("null"),
            Js::Bool(b) => write!(f, "{b}"),
            Js::Num(n) => write!(f, "{n}"),
            Js::Obj(o) => write!(f, "{{{}}}", o.name),
            Js::Func(_) => f.write_str("function"),
            Js::Promise(p) => write!(f, "{p:?}"),
            Js::TypeError(e) => write!(f, "TypeError: {e}"),
            Js::Panic(e) => write!(f, "panic: {e}"),
        }
    }
}

impl From<TypeError> for Js {
    fn from(e: TypeError) -> Js {
        Js::TypeError(e)
    }
}

impl From<PanicError> for Js {
    fn from(e: PanicError) -> Js {
        Js::Panic(e)
    }
}

/// The embedder's conversion of the spec's errors; only these two can arise here.
impl Reason for Js {
    fn from_spec_error(error: SpecError<Js>) -> Js {
        match error {
            SpecError::Type(e) => Js::from(e),
            SpecError::Panic(e) => Js::from(e),
            other => unreachable!("no combinator or pattern in these tests: {other}"),
        }
    }
}

/// The embedder's classification of a resolution value (Promise Resolve Functions, steps 8-12):
/// a promise is adopted; for an object, Get(x, "then") runs its getter (a throw rejects) and a
/// callable result makes it a thenable, bound to `x` as `this`; anything else fulfills.
struct JsThenables;

impl Thenables<Js, Js> for JsThenables {
    fn classify(value: Js) -> Resolution<Js, Js, JsThenables> {
        match value {
            Js::Promise(p) => Resolution::Promise(p),
            Js::Obj(x) => match (x.get_then)() {
                Err(e) => Resolution::Throw(e),
                Ok(Js::Func(then)) => Resolution::thenable(BoundThen { this: x, then }),
                Ok(_) => Resolution::Value(Js::Obj(x)),
            },
            other => Resolution::Value(other),
        }
    }
}

/// NewPromiseResolveThenableJob's `thenable` and `then`: the `then` found by the one Get, to be
/// called with `x` as `this`.
struct BoundThen {
    this: Rc<Obj>,
    then: Rc<Func>,
}

impl Thenable<Js, Js, JsThenables> for BoundThen {
    fn then(&self, resolvers: R) -> Result<(), Js> {
        (self.then.call)(&self.this, resolvers)
    }
}

// ---------------------------------------------------------------------------------------------
// The harness.

mod support;
use support::{Log, after, run};

impl Log<&'static str> {
    /// A handler that notes `event` and returns `undefined`.
    fn handler(&self, event: &'static str) -> impl FnOnce(Js) -> Outcome + 'static {
        let log = self.clone();
        move |_| {
            log.push(event);
            Ok(Js::Undefined)
        }
    }
}

/// A missing handler: JavaScript's "not a function".
const NO_HANDLER: Option<fn(Js) -> Outcome> = None;

/// Attaches onFulfilled and onRejected to `p`; each records what it received.
fn record(p: &P, seen: &Log<Outcome>) -> P {
    let (on_fulfilled, on_rejected) = (seen.clone(), seen.clone());
    p.then_both(
        move |value| {
            on_fulfilled.push(Ok(value));
            Ok(Js::Undefined)
        },
        move |reason| {
            on_rejected.push(Err(reason));
            Ok(Js::Undefined)
        },
    )
}

/// A+ `testFulfilled` / `testRejected`: when the promise handed to the test settles.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `resolved(value)` / `rejected(reason)`.
    Already,
    /// A deferred settled right after the test function returns.
    Immediately,
    /// A deferred settled from a 50 ms timer.
    Eventually,
}

fn settled(outcome: Outcome) -> P {
    match outcome {
        Ok(value) => P::resolve(value),
        Err(reason) => P::reject(reason),
    }
}

fn settle(r: &R, outcome: Outcome) {
    match outcome {
        Ok(value) => r.resolve(value),
        Err(reason) => r.reject(reason),
    }
}

/// Runs `test` with a promise that settles with `outcome` as `mode` says, then runs the loop.
fn with_settled(mode: Mode, outcome: Outcome, test: impl FnOnce(P) + 'static) {
    run(move || match mode {
        Mode::Already => test(settled(outcome)),
        Mode::Immediately => {
            let (p, r) = P::with_resolvers();
            test(p);
            settle(&r, outcome);
        }
        Mode::Eventually => {
            let (p, r) = P::with_resolvers();
            test(p);
            after(50, move || settle(&r, outcome));
        }
    });
}

/// A+ `testFulfilled(value, test)` for one mode.
fn test_fulfilled(mode: Mode, value: Js, test: impl FnOnce(P) + 'static) {
    with_settled(mode, Ok(value), test);
}

/// A+ `testRejected(reason, test)` for one mode.
fn test_rejected(mode: Mode, reason: Js, test: impl FnOnce(P) + 'static) {
    with_settled(mode, Err(reason), test);
}

/// Runs `script` with a fresh deferred whose handlers are attached first; returns what they saw.
fn deferred(script: impl FnOnce(&P, R) + 'static) -> Vec<Outcome> {
    let seen = Log::default();
    let s = seen.clone();
    run(move || {
        let (p, r) = P::with_resolvers();
        record(&p, &s);
        script(&p, r);
    });
    seen.take()
}

/// A+ `testPromiseResolution`: how `promise` comes to be resolved with `x`.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// `resolved(dummy).then(() => x)`.
    Fulfilled,
    /// `rejected(dummy).then(null, () => x)`.
    Rejected,
}

/// The promise a handler resolves by returning `x()`.
fn resolution_of(via: Via, x: impl FnOnce() -> Js + 'static) -> P {
    match via {
        Via::Fulfilled => P::resolve(Js::obj("dummy")).then(move |_| Ok(x())),
        Via::Rejected => P::reject(Js::obj("dummy")).catch(move |_| Ok(x())),
    }
}

/// Everything the handlers of `resolution_of(via, x)` saw once the loop is done.
fn outcomes(via: Via, x: impl FnOnce() -> Js + 'static) -> Vec<Outcome> {
    let seen = Log::default();
    let s = seen.clone();
    run(move || {
        record(&resolution_of(via, x), &s);
    });
    seen.take()
}

/// One `#[test]` per [`Mode`]: `already`, `immediately`, `eventually`.
macro_rules! three_cases {
    ($($(#[$meta:meta])* fn $name:ident($mode:ident: Mode) $body:block)+) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn case($mode: Mode) $body

            #[test]
            fn already() {
                case(Mode::Already);
            }

            #[test]
            fn immediately() {
                case(Mode::Immediately);
            }

            #[test]
            fn eventually() {
                case(Mode::Eventually);
            }
        }
    )+};
}

/// One `#[test]` per [`Via`]: `via_fulfilled_promise`, `via_rejected_promise`.
macro_rules! two_vias {
    ($($(#[$meta:meta])* fn $name:ident($via:ident: Via) $body:block)+) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn case($via: Via) $body

            #[test]
            fn via_fulfilled_promise() {
                case(Via::Fulfilled);
            }

            #[test]
            fn via_rejected_promise() {
                case(Via::Rejected);
            }
        }
    )+};
}

/// A value factory and its description, as the suite's helpers key them.
type Named = (&'static str, fn() -> Js);

/// The suite's `reasons` helper: values a promise can be rejected with (or a function can
/// throw). The error and date objects are plain objects here: only their identity matters.
/// Two Rust extras: a TypeError and a PanicError value.
fn reasons() -> [Named; 13] {
    [
        ("`undefined`", || Js::Undefined),
        ("`null`", || Js::Null),
        ("`false`", || Js::Bool(false)),
        ("`0`", || Js::Num(0.0)),
        ("an error", || Js::obj("error")),
        ("an error without a stack", || Js::obj("error without a stack")),
        ("a date", || Js::obj("date")),
        ("an object", || Js::obj("object")),
        ("an always-pending thenable", || Js::thenable("always-pending thenable", |_, _| Ok(()))),
        ("a fulfilled promise", || Js::Promise(P::resolve(Js::obj("dummy")))),
        ("a rejected promise", || Js::Promise(P::reject(Js::obj("dummy")))),
        ("a TypeError", || Js::TypeError(TypeError::ChainingCycle)),
        ("a PanicError value", || Js::Panic(PanicError::new("thrown"))),
    ]
}

// ---------------------------------------------------------------------------------------------
// 2.1 Promise States

#[test]
fn a2_1_1_pending_may_transition_to_fulfilled_or_rejected() {
    run(|| {
        let (p, r) = P::with_resolvers();
        assert_eq!(p.state(), PromiseState::Pending);
        r.resolve(Js::Num(1.0));
        assert_eq!(p.state(), PromiseState::Fulfilled);

        let (q, r) = P::with_resolvers();
        r.reject(Js::Num(2.0));
        q.catch(|_| Ok(Js::Undefined));
        assert_eq!(q.state(), PromiseState::Rejected);
    });
}

three_cases! {
    /// 2.1.2.1: a fulfilled promise never transitions to rejected: onRejected is never called.
    fn a2_1_2_1_fulfilled_must_not_transition(mode: Mode) {
        let dummy = Js::obj("dummy");
        let seen = Log::default();
        let s = seen.clone();
        test_fulfilled(mode, dummy.clone(), move |p| {
            record(&p, &s);
        });
        assert_eq!(seen.take(), [Ok(dummy)]);
    }

    /// 2.1.3.1: a rejected promise never transitions to fulfilled: onFulfilled is never called.
    fn a2_1_3_1_rejected_must_not_transition(mode: Mode) {
        let dummy = Js::obj("dummy");
        let seen = Log::default();
        let s = seen.clone();
        test_rejected(mode, dummy.clone(), move |p| {
            record(&p, &s);
        });
        assert_eq!(seen.take(), [Err(dummy)]);
    }
}

#[test]
fn a2_1_2_1_fulfill_then_immediately_reject() {
    let dummy = Js::obj("dummy");
    let d = dummy.clone();
    let seen = deferred(move |p, r| {
        r.resolve(d.clone());
        r.reject(d);
        assert_eq!(p.state(), PromiseState::Fulfilled);
    });
    assert_eq!(seen, [Ok(dummy)]);
}

#[test]
fn a2_1_2_1_fulfill_then_reject_delayed() {
    let dummy = Js::obj("dummy");
    let d = dummy.clone();
    let seen = deferred(move |_, r| {
        after(50, move || {
            r.resolve(d.clone());
            r.reject(d);
        });
    });
    assert_eq!(seen, [Ok(dummy)]);
}

#[test]
fn a2_1_2_1_fulfill_immediately_then_reject_delayed() {
    let dummy = Js::obj("dummy");
    let d = dummy.clone();
    let seen = deferred(move |_, r| {
        r.resolve(d.clone());
        after(50, move || r.reject(d));
    });
    assert_eq!(seen, [Ok(dummy)]);
}

#[test]
fn a2_1_3_1_reject_then_immediately_fulfill() {
    let dummy = Js::obj("dummy");
    let d = dummy.clone();
    let seen = deferred(move |p, r| {
        r.reject(d.clone());
        r.resolve(d);
        assert_eq!(p.state(), PromiseState::Rejected);
    });
    assert_eq!(seen, [Err(dummy)]);
}

#[test]
fn a2_1_3_1_reject_then_fulfill_delayed() {
    let dummy = Js::obj("dummy");
    let d = dummy.clone();
    let seen = deferred(move |_, r| {
        after(50, move || {
            r.reject(d.clone());
            r.resolve(d);
        });
    });
    assert_eq!(seen, [Err(dummy)]);
}

#[test]
fn a2_1_3_1_reject_immediately_then_fulfill_delayed() {
    let dummy = Js::obj("dummy");
    let d = dummy.clone();
    let seen = deferred(move |_, r| {
        r.reject(d.clone());
        after(50, move || r.resolve(d));
    });
    assert_eq!(seen, [Err(dummy)]);
}

// ---------------------------------------------------------------------------------------------
// 2.2.1 Both onFulfilled and onRejected are optional arguments.
// JavaScript's non-functions (`undefined`, `null`, `false`, `5`, an object) are all `None` here.

three_cases! {
    /// 2.2.1.1: a missing onFulfilled is ignored; onRejected still runs.
    fn a2_2_1_1_missing_on_fulfilled_is_ignored(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_rejected(mode, Js::obj("dummy"), move |p| {
            p.then_with(NO_HANDLER, Some(l.handler("onRejected")));
        });
        assert_eq!(log.take(), ["onRejected"]);
    }

    /// 2.2.1.1 through `catch`, which is `then(undefined, onRejected)`.
    fn a2_2_1_1_catch_is_then_without_on_fulfilled(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_rejected(mode, Js::obj("dummy"), move |p| {
            p.catch(l.handler("onRejected"));
        });
        assert_eq!(log.take(), ["onRejected"]);
    }

    /// 2.2.1.2: a missing onRejected is ignored; onFulfilled still runs.
    fn a2_2_1_2_missing_on_rejected_is_ignored(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_fulfilled(mode, Js::obj("dummy"), move |p| {
            p.then_with(Some(l.handler("onFulfilled")), NO_HANDLER);
        });
        assert_eq!(log.take(), ["onFulfilled"]);
    }

    /// 2.2.1.2 through one-argument `then`.
    fn a2_2_1_2_then_without_on_rejected(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_fulfilled(mode, Js::obj("dummy"), move |p| {
            p.then(l.handler("onFulfilled"));
        });
        assert_eq!(log.take(), ["onFulfilled"]);
    }
}

// ---------------------------------------------------------------------------------------------
// 2.2.2 If onFulfilled is a function ... / 2.2.3 If onRejected is a function ...

three_cases! {
    /// 2.2.2.1: onFulfilled is called after fulfillment, with the value as first argument.
    fn a2_2_2_1_called_with_fulfillment_value(mode: Mode) {
        let sentinel = Js::obj("sentinel");
        let seen: Log<Js> = Log::default();
        let s = seen.clone();
        test_fulfilled(mode, sentinel.clone(), move |p| {
            p.then(move |v| {
                s.push(v);
                Ok(Js::Undefined)
            });
        });
        assert_eq!(seen.take(), [sentinel]);
    }

    /// 2.2.2.3: onFulfilled is not called more than once.
    fn a2_2_2_3_not_called_more_than_once(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_fulfilled(mode, Js::obj("dummy"), move |p| {
            p.then(l.handler("onFulfilled"));
        });
        assert_eq!(log.take(), ["onFulfilled"]);
    }

    /// 2.2.3.1: onRejected is called after rejection, with the reason as first argument.
    fn a2_2_3_1_called_with_rejection_reason(mode: Mode) {
        let sentinel = Js::obj("sentinel");
        let seen: Log<Js> = Log::default();
        let s = seen.clone();
        test_rejected(mode, sentinel.clone(), move |p| {
            p.catch(move |e| {
                s.push(e);
                Ok(Js::Undefined)
            });
        });
        assert_eq!(seen.take(), [sentinel]);
    }

    /// 2.2.3.3: onRejected is not called more than once.
    fn a2_2_3_3_not_called_more_than_once(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_rejected(mode, Js::obj("dummy"), move |p| {
            p.catch(l.handler("onRejected"));
        });
        assert_eq!(log.take(), ["onRejected"]);
    }
}

#[test]
fn a2_2_2_2_not_called_before_fulfilled() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (p, r) = P::with_resolvers();
        p.then(l.handler("onFulfilled"));
        after(50, move || {
            r.resolve(Js::obj("dummy"));
            l.push("resolved");
        });
    });
    assert_eq!(log.take(), ["resolved", "onFulfilled"]);
}

#[test]
fn a2_2_2_2_never_called_if_never_fulfilled() {
    let log = Log::default();
    let l = log.clone();
    let keep: Log<(P, R)> = Log::default();
    let k = keep.clone();
    run(move || {
        let (p, r) = P::with_resolvers();
        p.then(l.handler("onFulfilled"));
        k.push((p, r));
        after(150, || {});
    });
    assert_eq!(log.take(), Vec::<&str>::new());
    assert_eq!(keep.take()[0].0.state(), PromiseState::Pending);
}

#[test]
fn a2_2_3_2_not_called_before_rejected() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (p, r) = P::with_resolvers();
        p.catch(l.handler("onRejected"));
        after(50, move || {
            r.reject(Js::obj("dummy"));
            l.push("rejected");
        });
    });
    assert_eq!(log.take(), ["rejected", "onRejected"]);
}

#[test]
fn a2_2_3_2_never_called_if_never_rejected() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (p, r) = P::with_resolvers();
        p.catch(l.handler("onRejected"));
        after(150, move || drop(r));
    });
    assert_eq!(log.take(), Vec::<&str>::new());
}

/// The 2.2.2.3 / 2.2.3.3 "settle more than once" scenarios: `first` settles, `second` tries again.
fn settle_twice(first: Outcome, second: Outcome, timing: (bool, bool)) -> Vec<Outcome> {
    deferred(move |_, r| {
        let r2 = r.clone();
        let (first_later, second_later) = timing;
        let first = move || settle(&r, first);
        let second = move || settle(&r2, second);
        match (first_later, second_later) {
            (false, false) => {
                first();
                second();
            }
            (true, true) => after(50, move || {
                first();
                second();
            }),
            (false, true) => {
                first();
                after(50, second);
            }
            (true, false) => unreachable!(),
        }
    })
}

const IMMEDIATELY: (bool, bool) = (false, false);
const DELAYED: (bool, bool) = (true, true);
const IMMEDIATELY_THEN_DELAYED: (bool, bool) = (false, true);

#[test]
fn a2_2_2_3_fulfill_twice_immediately() {
    let d = Js::obj("dummy");
    assert_eq!(settle_twice(Ok(d.clone()), Ok(Js::obj("other")), IMMEDIATELY), [Ok(d)]);
}

#[test]
fn a2_2_2_3_fulfill_twice_delayed() {
    let d = Js::obj("dummy");
    assert_eq!(settle_twice(Ok(d.clone()), Ok(Js::obj("other")), DELAYED), [Ok(d)]);
}

#[test]
fn a2_2_2_3_fulfill_twice_immediately_then_delayed() {
    let d = Js::obj("dummy");
    assert_eq!(settle_twice(Ok(d.clone()), Ok(Js::obj("other")), IMMEDIATELY_THEN_DELAYED), [Ok(d)]);
}

#[test]
fn a2_2_3_3_reject_twice_immediately() {
    let d = Js::obj("dummy");
    assert_eq!(settle_twice(Err(d.clone()), Err(Js::obj("other")), IMMEDIATELY), [Err(d)]);
}

#[test]
fn a2_2_3_3_reject_twice_delayed() {
    let d = Js::obj("dummy");
    assert_eq!(settle_twice(Err(d.clone()), Err(Js::obj("other")), DELAYED), [Err(d)]);
}

#[test]
fn a2_2_3_3_reject_twice_immediately_then_delayed() {
    let d = Js::obj("dummy");
    assert_eq!(settle_twice(Err(d.clone()), Err(Js::obj("other")), IMMEDIATELY_THEN_DELAYED), [Err(d)]);
}

/// "when multiple `then` calls are made, spaced apart in time": each handler runs once.
fn then_calls_spaced_apart(outcome: Outcome) -> Vec<&'static str> {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (p, r) = P::with_resolvers();
        let attach = move |p: &P, l: &Log<&'static str>, name| {
            p.then_both(l.handler(name), l.handler(name));
        };
        attach(&p, &l, "first");
        let (p2, l2) = (p.clone(), l.clone());
        after(50, move || attach(&p2, &l2, "second"));
        let (p3, l3) = (p.clone(), l.clone());
        after(100, move || attach(&p3, &l3, "third"));
        after(150, move || settle(&r, outcome));
    });
    log.take()
}

#[test]
fn a2_2_2_3_multiple_then_calls_spaced_apart_in_time() {
    assert_eq!(then_calls_spaced_apart(Ok(Js::obj("dummy"))), ["first", "second", "third"]);
}

#[test]
fn a2_2_3_3_multiple_then_calls_spaced_apart_in_time() {
    assert_eq!(then_calls_spaced_apart(Err(Js::obj("dummy"))), ["first", "second", "third"]);
}

/// "when `then` is interleaved with fulfillment / rejection".
fn then_interleaved_with_settlement(outcome: Outcome) -> Vec<&'static str> {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (p, r) = P::with_resolvers();
        p.then_both(l.handler("first"), l.handler("first"));
        settle(&r, outcome);
        p.then_both(l.handler("second"), l.handler("second"));
    });
    log.take()
}

#[test]
fn a2_2_2_3_then_interleaved_with_fulfillment() {
    assert_eq!(then_interleaved_with_settlement(Ok(Js::obj("dummy"))), ["first", "second"]);
}

#[test]
fn a2_2_3_3_then_interleaved_with_rejection() {
    assert_eq!(then_interleaved_with_settlement(Err(Js::obj("dummy"))), ["first", "second"]);
}

// ---------------------------------------------------------------------------------------------
// 2.2.4 onFulfilled or onRejected must not be called until the execution context stack contains
// only platform code.

three_cases! {
    /// 2.2.4: `then` returns before onFulfilled runs.
    fn a2_2_4_then_returns_before_on_fulfilled(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_fulfilled(mode, Js::obj("dummy"), move |p| {
            p.then(l.handler("onFulfilled"));
            l.push("then returned");
        });
        assert_eq!(log.take(), ["then returned", "onFulfilled"]);
    }

    /// 2.2.4: `then` returns before onRejected runs.
    fn a2_2_4_then_returns_before_on_rejected(mode: Mode) {
        let log = Log::default();
        let l = log.clone();
        test_rejected(mode, Js::obj("dummy"), move |p| {
            p.catch(l.handler("onRejected"));
            l.push("then returned");
        });
        assert_eq!(log.take(), ["then returned", "onRejected"]);
    }
}

/// The clean-stack ordering cases, for fulfillment (`Ok`) or rejection (`Err`).
mod clean_stack {
    use super::*;

    fn dummy(fulfill: bool) -> Outcome {
        if fulfill { Ok(Js::obj("dummy")) } else { Err(Js::obj("dummy")) }
    }

    fn on(p: &P, log: &Log<&'static str>, fulfill: bool, name: &'static str) {
        if fulfill {
            p.then(log.handler(name));
        } else {
            p.catch(log.handler(name));
        }
    }

    pub(super) fn added_immediately_before_settling(fulfill: bool) -> Vec<&'static str> {
        let log = Log::default();
        let l = log.clone();
        run(move || {
            let (p, r) = P::with_resolvers();
            on(&p, &l, fulfill, "handler");
            settle(&r, dummy(fulfill));
            l.push("settled");
        });
        log.take()
    }

    pub(super) fn added_immediately_after_settling(fulfill: bool) -> Vec<&'static str> {
        let log = Log::default();
        let l = log.clone();
        run(move || {
            let (p, r) = P::with_resolvers();
            settle(&r, dummy(fulfill));
            on(&p, &l, fulfill, "handler");
            l.push("then returned");
        });
        log.take()
    }

    /// One handler added inside another; `outer_fulfill` picks the outer promise's outcome.
    pub(super) fn added_inside_a_handler(outer_fulfill: bool, inner_fulfill: bool) -> Vec<&'static str> {
        let log = Log::default();
        let l = log.clone();
        run(move || {
            let outer = settled(dummy(outer_fulfill));
            let inner = settled(dummy(inner_fulfill));
            let l2 = l.clone();
            let body = move |_: Js| {
                on(&inner, &l2, inner_fulfill, "inner handler");
                l2.push("outer handler finished");
                Ok(Js::Undefined)
            };
            if outer_fulfill {
                outer.then(body);
            } else {
                outer.catch(body);
            }
        });
        log.take()
    }

    pub(super) fn settled_asynchronously(fulfill: bool) -> Vec<&'static str> {
        let log = Log::default();
        let l = log.clone();
        run(move || {
            let (p, r) = P::with_resolvers();
            let l2 = l.clone();
            after(0, move || {
                settle(&r, dummy(fulfill));
                l2.push("timer finished");
            });
            on(&p, &l, fulfill, "handler");
        });
        log.take()
    }
}

#[test]
fn a2_2_4_on_fulfilled_added_immediately_before_fulfillment() {
    assert_eq!(clean_stack::added_immediately_before_settling(true), ["settled", "handler"]);
}

#[test]
fn a2_2_4_on_fulfilled_added_immediately_after_fulfillment() {
    assert_eq!(clean_stack::added_immediately_after_settling(true), ["then returned", "handler"]);
}

#[test]
fn a2_2_4_on_fulfilled_added_inside_on_fulfilled() {
    assert_eq!(clean_stack::added_inside_a_handler(true, true), ["outer handler finished", "inner handler"]);
}

#[test]
fn a2_2_4_on_fulfilled_added_inside_on_rejected() {
    assert_eq!(clean_stack::added_inside_a_handler(false, true), ["outer handler finished", "inner handler"]);
}

#[test]
fn a2_2_4_promise_fulfilled_asynchronously() {
    assert_eq!(clean_stack::settled_asynchronously(true), ["timer finished", "handler"]);
}

#[test]
fn a2_2_4_on_rejected_added_immediately_before_rejection() {
    assert_eq!(clean_stack::added_immediately_before_settling(false), ["settled", "handler"]);
}

#[test]
fn a2_2_4_on_rejected_added_immediately_after_rejection() {
    assert_eq!(clean_stack::added_immediately_after_settling(false), ["then returned", "handler"]);
}

#[test]
fn a2_2_4_on_rejected_added_inside_on_rejected() {
    assert_eq!(
        clean_stack::added_inside_a_handler(false, false),
        ["outer handler finished", "inner handler"]
    );
}

#[test]
fn a2_2_4_on_rejected_added_inside_on_fulfilled() {
    assert_eq!(clean_stack::added_inside_a_handler(true, false), ["outer handler finished", "inner handler"]);
}

#[test]
fn a2_2_4_promise_rejected_asynchronously() {
    assert_eq!(clean_stack::settled_asynchronously(false), ["timer finished", "handler"]);
}

// 2.2.5 onFulfilled and onRejected must be called as functions (i.e. with no `this` value):
// not expressible in Rust, where a closure has no `this`.

// ---------------------------------------------------------------------------------------------
// 2.2.6 `then` may be called multiple times on the same promise.

/// Attaches a handler for the outcome `fulfill` names; `f` gets the value or reason.
fn on_outcome(p: &P, fulfill: bool, f: impl FnOnce(Js) -> Outcome + 'static) -> P {
    if fulfill { p.then(f) } else { p.catch(f) }
}

/// 2.2.6.1 / 2.2.6.2 "multiple boring handlers": each runs once with the value, in order.
fn multiple_boring_handlers(mode: Mode, fulfill: bool) {
    let sentinel = Js::obj("sentinel");
    let seen: Log<(&str, Outcome)> = Log::default();
    let s = seen.clone();
    let outcome = if fulfill { Ok(sentinel.clone()) } else { Err(sentinel.clone()) };
    with_settled(mode, outcome.clone(), move |p| {
        for name in ["h1", "h2", "h3"] {
            let (a, b) = (s.clone(), s.clone());
            p.then_both(
                move |v| {
                    a.push((name, Ok(v)));
                    Ok(Js::Undefined)
                },
                move |e| {
                    b.push((name, Err(e)));
                    Ok(Js::Undefined)
                },
            );
        }
    });
    assert_eq!(seen.take(), [("h1", outcome.clone()), ("h2", outcome.clone()), ("h3", outcome)]);
}

/// "multiple handlers, one of which throws": the others still run. `panic` throws by panicking
/// instead of returning `Err`.
fn one_handler_throws(mode: Mode, fulfill: bool, panic: bool) {
    let log = Log::default();
    let l = log.clone();
    let outcome = if fulfill { Ok(Js::obj("dummy")) } else { Err(Js::obj("dummy")) };
    with_settled(mode, outcome, move |p| {
        on_outcome(&p, fulfill, l.handler("h1"));
        let l2 = l.clone();
        on_outcome(&p, fulfill, move |_| {
            l2.push("h2");
            if panic {
                panic!("h2 throws");
            }
            Err(Js::obj("other"))
        });
        on_outcome(&p, fulfill, l.handler("h3"));
    });
    assert_eq!(log.take(), ["h1", "h2", "h3"]);
}

/// "results in multiple branching chains with their own fulfillment values".
fn branching_chains(mode: Mode, fulfill: bool) {
    let (s1, s2, s3) = (Js::obj("sentinel"), Js::obj("sentinel2"), Js::obj("sentinel3"));
    let seen: Log<(&str, Outcome)> = Log::default();
    let s = seen.clone();
    let (a, b, c) = (s1.clone(), s2.clone(), s3.clone());
    let outcome = if fulfill { Ok(Js::obj("dummy")) } else { Err(Js::obj("dummy")) };
    with_settled(mode, outcome, move |p| {
        let s_a = s.clone();
        on_outcome(&p, fulfill, move |_| Ok(a)).then(move |v| {
            s_a.push(("a", Ok(v)));
            Ok(Js::Undefined)
        });
        let s_b = s.clone();
        on_outcome(&p, fulfill, move |_| Err(b)).catch(move |e| {
            s_b.push(("b", Err(e)));
            Ok(Js::Undefined)
        });
        let s_c = s.clone();
        on_outcome(&p, fulfill, move |_| Ok(c)).then(move |v| {
            s_c.push(("c", Ok(v)));
            Ok(Js::Undefined)
        });
    });
    assert_eq!(seen.take(), [("a", Ok(s1)), ("b", Err(s2)), ("c", Ok(s3))]);
}

/// "handlers are called in the original order" and "even when one handler is added inside
/// another handler".
fn original_order(mode: Mode, fulfill: bool, nested: bool) {
    let log = Log::default();
    let l = log.clone();
    let outcome = if fulfill { Ok(Js::obj("dummy")) } else { Err(Js::obj("dummy")) };
    with_settled(mode, outcome, move |p| {
        let (p2, l1) = (p.clone(), l.clone());
        on_outcome(&p, fulfill, move |_| {
            l1.push("h1");
            if nested {
                on_outcome(&p2, fulfill, l1.handler("h3"));
            }
            Ok(Js::Undefined)
        });
        on_outcome(&p, fulfill, l.handler("h2"));
        if !nested {
            on_outcome(&p, fulfill, l.handler("h3"));
        }
    });
    assert_eq!(log.take(), ["h1", "h2", "h3"]);
}

three_cases! {
    /// 2.2.6.1: multiple boring fulfillment handlers.
    fn a2_2_6_1_multiple_fulfillment_handlers(mode: Mode) {
        multiple_boring_handlers(mode, true);
    }

    /// 2.2.6.1: multiple fulfillment handlers, one of which throws.
    fn a2_2_6_1_one_fulfillment_handler_throws(mode: Mode) {
        one_handler_throws(mode, true, false);
    }

    /// 2.2.6.1: one of the handlers panics (a Rust throw).
    fn a2_2_6_1_one_fulfillment_handler_panics(mode: Mode) {
        one_handler_throws(mode, true, true);
    }

    /// 2.2.6.1: multiple branching chains with their own fulfillment values.
    fn a2_2_6_1_branching_chains(mode: Mode) {
        branching_chains(mode, true);
    }

    /// 2.2.6.1: onFulfilled handlers are called in the original order.
    fn a2_2_6_1_called_in_original_order(mode: Mode) {
        original_order(mode, true, false);
    }

    /// 2.2.6.1: ... even when one handler is added inside another handler.
    fn a2_2_6_1_order_kept_when_added_inside_a_handler(mode: Mode) {
        original_order(mode, true, true);
    }

    /// 2.2.6.2: multiple boring rejection handlers.
    fn a2_2_6_2_multiple_rejection_handlers(mode: Mode) {
        multiple_boring_handlers(mode, false);
    }

    /// 2.2.6.2: multiple rejection handlers, one of which throws.
    fn a2_2_6_2_one_rejection_handler_throws(mode: Mode) {
        one_handler_throws(mode, false, false);
    }

    /// 2.2.6.2: one of the handlers panics (a Rust throw).
    fn a2_2_6_2_one_rejection_handler_panics(mode: Mode) {
        one_handler_throws(mode, false, true);
    }

    /// 2.2.6.2: multiple branching chains with their own fulfillment values.
    fn a2_2_6_2_branching_chains(mode: Mode) {
        branching_chains(mode, false);
    }

    /// 2.2.6.2: onRejected handlers are called in the original order.
    fn a2_2_6_2_called_in_original_order(mode: Mode) {
        original_order(mode, false, false);
    }

    /// 2.2.6.2: ... even when one handler is added inside another handler.
    fn a2_2_6_2_order_kept_when_added_inside_a_handler(mode: Mode) {
        original_order(mode, false, true);
    }
}

// ---------------------------------------------------------------------------------------------
// 2.2.7 `then` must return a promise: promise2 = promise1.then(onFulfilled, onRejected).

/// 2.2.7.2 for one reason: `promise1` settles with `outcome`, its handler throws `e`.
fn throwing_handler_rejects_promise2(mode: Mode, fulfill: bool) {
    for (name, reason) in reasons() {
        let thrown = Log::default();
        let seen = Log::default();
        let (t, s) = (thrown.clone(), seen.clone());
        let outcome = if fulfill { Ok(Js::obj("dummy")) } else { Err(Js::obj("dummy")) };
        with_settled(mode, outcome, move |p| {
            let e = reason();
            t.push(e.clone());
            record(&on_outcome(&p, fulfill, move |_| Err(e)), &s);
        });
        assert_eq!(seen.take(), [Err(thrown.take().remove(0))], "`e` is {name}");
    }
}

/// 2.2.7.2 with a panic as the throw: promise2 rejects with the PanicError.
fn panicking_handler_rejects_promise2(mode: Mode, fulfill: bool) {
    let seen = Log::default();
    let s = seen.clone();
    let outcome = if fulfill { Ok(Js::obj("dummy")) } else { Err(Js::obj("dummy")) };
    with_settled(mode, outcome, move |p| {
        record(&on_outcome(&p, fulfill, |_| panic!("thrown")), &s);
    });
    assert_eq!(seen.take(), [Err(Js::Panic(PanicError::new("thrown")))]);
}

three_cases! {
    /// 2.2.7: `then` returns a new, pending promise.
    fn a2_2_7_then_returns_a_promise(mode: Mode) {
        test_fulfilled(mode, Js::obj("dummy"), |p| {
            let p2 = p.then(Ok);
            assert!(!p2.ptr_eq(&p));
            assert_eq!(p2.state(), PromiseState::Pending);
        });
    }

    /// 2.2.7.2: onFulfilled throws `e` (each reason in turn): promise2 rejects with `e`.
    fn a2_2_7_2_on_fulfilled_throws_rejects_promise2(mode: Mode) {
        throwing_handler_rejects_promise2(mode, true);
    }

    /// 2.2.7.2: onRejected throws `e` (each reason in turn): promise2 rejects with `e`.
    fn a2_2_7_2_on_rejected_throws_rejects_promise2(mode: Mode) {
        throwing_handler_rejects_promise2(mode, false);
    }

    /// 2.2.7.2: onFulfilled panics: promise2 rejects with the PanicError.
    fn a2_2_7_2_on_fulfilled_panics_rejects_promise2(mode: Mode) {
        panicking_handler_rejects_promise2(mode, true);
    }

    /// 2.2.7.2: onRejected panics: promise2 rejects with the PanicError.
    fn a2_2_7_2_on_rejected_panics_rejects_promise2(mode: Mode) {
        panicking_handler_rejects_promise2(mode, false);
    }

    /// 2.2.7.3: no onFulfilled and promise1 fulfilled: promise2 fulfills with the same value.
    fn a2_2_7_3_missing_on_fulfilled_passes_value(mode: Mode) {
        let sentinel = Js::obj("sentinel");
        let seen = Log::default();
        let s = seen.clone();
        test_fulfilled(mode, sentinel.clone(), move |p| {
            let log = Log::default();
            record(&p.then_with(NO_HANDLER, Some(log.handler("onRejected"))), &s);
            record(&p.catch(log.handler("onRejected")), &s);
        });
        assert_eq!(seen.take(), [Ok(sentinel.clone()), Ok(sentinel)]);
    }

    /// 2.2.7.4: no onRejected and promise1 rejected: promise2 rejects with the same reason.
    fn a2_2_7_4_missing_on_rejected_passes_reason(mode: Mode) {
        let sentinel = Js::obj("sentinel");
        let seen = Log::default();
        let s = seen.clone();
        test_rejected(mode, sentinel.clone(), move |p| {
            let log = Log::default();
            record(&p.then_with(Some(log.handler("onFulfilled")), NO_HANDLER), &s);
            record(&p.then(log.handler("onFulfilled")), &s);
        });
        assert_eq!(seen.take(), [Err(sentinel.clone()), Err(sentinel)]);
    }
}

// ---------------------------------------------------------------------------------------------
// 2.3.1 If promise and x refer to the same object, reject promise with a TypeError.

two_vias! {
    /// 2.3.1: a handler returns its own derived promise.
    fn a2_3_1_same_object_rejects_with_type_error(via: Via) {
        let seen = Log::default();
        let s = seen.clone();
        run(move || {
            let slot: Rc<RefCell<Option<P>>> = Rc::default();
            let own = slot.clone();
            let promise = resolution_of(via, move || Js::Promise(own.borrow().clone().unwrap()));
            *slot.borrow_mut() = Some(promise.clone());
            record(&promise, &s);
        });
        let seen = seen.take();
        assert_eq!(seen, [Err(Js::TypeError(TypeError::ChainingCycle))]);
        assert_eq!(
            format!("{:?}", seen[0].as_ref().unwrap_err()),
            "TypeError: Chaining cycle detected for promise #<Promise>"
        );
    }
}

#[test]
fn a2_3_1_resolve_function_called_with_own_promise() {
    let seen = deferred(|p, r| r.resolve(Js::Promise(p.clone())));
    assert_eq!(seen, [Err(Js::TypeError(TypeError::ChainingCycle))]);
}

// ---------------------------------------------------------------------------------------------
// 2.3.2 If x is a promise, adopt its state.

two_vias! {
    /// 2.3.2.1: while x is pending, promise stays pending.
    fn a2_3_2_1_pending_x_keeps_promise_pending(via: Via) {
        let seen = outcomes(via, || {
            let (x, r) = P::with_resolvers();
            after(100, move || drop(r));
            Js::Promise(x)
        });
        assert!(seen.is_empty(), "{seen:?}");
    }

    /// 2.3.2.2: x already fulfilled: promise fulfills with the same value.
    fn a2_3_2_2_already_fulfilled_x(via: Via) {
        let sentinel = Js::obj("sentinel");
        let s = sentinel.clone();
        assert_eq!(outcomes(via, move || Js::Promise(P::resolve(s))), [Ok(sentinel)]);
    }

    /// 2.3.2.2: x eventually fulfilled: promise fulfills with the same value.
    fn a2_3_2_2_eventually_fulfilled_x(via: Via) {
        let sentinel = Js::obj("sentinel");
        let s = sentinel.clone();
        let seen = outcomes(via, move || {
            let (x, r) = P::with_resolvers();
            after(50, move || r.resolve(s));
            Js::Promise(x)
        });
        assert_eq!(seen, [Ok(sentinel)]);
    }

    /// 2.3.2.3: x already rejected: promise rejects with the same reason.
    fn a2_3_2_3_already_rejected_x(via: Via) {
        let sentinel = Js::obj("sentinel");
        let s = sentinel.clone();
        assert_eq!(outcomes(via, move || Js::Promise(P::reject(s))), [Err(sentinel)]);
    }

    /// 2.3.2.3: x eventually rejected: promise rejects with the same reason.
    fn a2_3_2_3_eventually_rejected_x(via: Via) {
        let sentinel = Js::obj("sentinel");
        let s = sentinel.clone();
        let seen = outcomes(via, move || {
            let (x, r) = P::with_resolvers();
            after(50, move || r.reject(s));
            Js::Promise(x)
        });
        assert_eq!(seen, [Err(sentinel)]);
    }
}

// ---------------------------------------------------------------------------------------------
// 2.3.3 Otherwise, if x is an object or function: the thenable matrix.

/// A `then` behaviour, parameterised by the value or reason it settles with.
type Kind = (&'static str, fn(Js) -> Js);

/// An object whose `then` getter returns the method the first time and `null` afterwards.
fn one_time(name: &'static str, then: impl Fn(&Rc<Obj>, R) -> Result<(), Js> + 'static) -> Js {
    let method = Js::func(then);
    let retrieved = Cell::new(false);
    Js::with_then_getter(name, move || Ok(if retrieved.replace(true) { Js::Null } else { method.clone() }))
}

/// A deferred settled from a 50 ms timer.
fn eventually(outcome: Outcome) -> Js {
    let (p, r) = P::with_resolvers();
    after(50, move || settle(&r, outcome));
    Js::Promise(p)
}

/// The suite's `thenables.fulfilled`: ways to fulfill with `v`.
fn fulfilled_thenables() -> [Kind; 7] {
    [
        ("a synchronously-fulfilled custom thenable", |v| {
            Js::thenable("sync thenable", move |_, r| {
                r.resolve(v.clone());
                Ok(())
            })
        }),
        ("an asynchronously-fulfilled custom thenable", |v| {
            Js::thenable("async thenable", move |_, r| {
                let v = v.clone();
                after(0, move || r.resolve(v));
                Ok(())
            })
        }),
        ("a synchronously-fulfilled one-time thenable", |v| {
            one_time("one-time thenable", move |_, r| {
                r.resolve(v.clone());
                Ok(())
            })
        }),
        ("a thenable that tries to fulfill twice", |v| {
            Js::thenable("fulfills twice", move |_, r| {
                r.resolve(v.clone());
                r.resolve(Js::obj("other"));
                Ok(())
            })
        }),
        ("a thenable that fulfills but then throws", |v| {
            Js::thenable("fulfills then throws", move |_, r| {
                r.resolve(v.clone());
                Err(Js::obj("other"))
            })
        }),
        ("an already-fulfilled promise", |v| Js::Promise(P::resolve(v))),
        ("an eventually-fulfilled promise", |v| eventually(Ok(v))),
    ]
}

/// The suite's `thenables.rejected`: ways to reject with `r`.
fn rejected_thenables() -> [Kind; 7] {
    [
        ("a synchronously-rejected custom thenable", |e| {
            Js::thenable("sync thenable", move |_, r| {
                r.reject(e.clone());
                Ok(())
            })
        }),
        ("an asynchronously-rejected custom thenable", |e| {
            Js::thenable("async thenable", move |_, r| {
                let e = e.clone();
                after(0, move || r.reject(e));
                Ok(())
            })
        }),
        ("a synchronously-rejected one-time thenable", |e| {
            one_time("one-time thenable", move |_, r| {
                r.reject(e.clone());
                Ok(())
            })
        }),
        ("a thenable that immediately throws in `then`", |e| {
            Js::thenable("throws in then", move |_, _| Err(e.clone()))
        }),
        ("an object with a throwing `then` accessor", |e| {
            Js::with_then_getter("throwing accessor", move || Err(e.clone()))
        }),
        ("an already-rejected promise", |e| Js::Promise(P::reject(e))),
        ("an eventually-rejected promise", |e| eventually(Err(e))),
    ]
}

/// When `x.then` calls back: A+ `testCallingResolvePromise` / `testCallingRejectPromise`.
#[derive(Clone, Copy, Debug)]
enum Call {
    Synchronously,
    /// From a 0 ms timer.
    Asynchronously,
}

const CALLS: [Call; 2] = [Call::Synchronously, Call::Asynchronously];

/// `x` whose `then` calls `resolvePromise(y())`.
fn x_resolving_with(call: Call, y: Rc<dyn Fn() -> Js>) -> Js {
    Js::thenable("x", move |_, r| {
        match call {
            Call::Synchronously => r.resolve(y()),
            Call::Asynchronously => {
                let y = y.clone();
                after(0, move || r.resolve(y()));
            }
        }
        Ok(())
    })
}

/// `x` whose `then` calls `rejectPromise(reason)`.
fn x_rejecting_with(call: Call, reason: Js) -> Js {
    Js::thenable("x", move |_, r| {
        match call {
            Call::Synchronously => r.reject(reason.clone()),
            Call::Asynchronously => {
                let reason = reason.clone();
                after(0, move || r.reject(reason));
            }
        }
        Ok(())
    })
}

/// 2.3.3.3.1: for every `call`, `x.then` calls `resolvePromise(y())` and `promise` ends `expected`.
fn resolve_promise_called_with(via: Via, what: &str, y: Rc<dyn Fn() -> Js>, expected: &Outcome) {
    for call in CALLS {
        let y = y.clone();
        let seen = outcomes(via, move || x_resolving_with(call, y));
        assert_eq!(
            seen,
            std::slice::from_ref(expected),
            "`y` is {what}, `then` calls `resolvePromise` {call:?}"
        );
    }
}

/// An `x` whose `then` is the given closure.
fn x(then: impl Fn(&Rc<Obj>, R) -> Result<(), Js> + 'static) -> impl FnOnce() -> Js + 'static {
    move || Js::thenable("x", then)
}

two_vias! {
    /// 2.3.3.1: Get(x, "then") happens exactly once.
    fn a2_3_3_1_then_retrieved_exactly_once(via: Via) {
        let gets = Rc::new(Cell::new(0));
        let g = gets.clone();
        let seen = outcomes(via, move || {
            Js::with_then_getter("x", move || {
                g.set(g.get() + 1);
                Ok(Js::func(|_, r| {
                    r.resolve(Js::Undefined);
                    Ok(())
                }))
            })
        });
        assert_eq!(seen, [Ok(Js::Undefined)]);
        assert_eq!(gets.get(), 1);
    }

    /// 2.3.3.2: retrieving `x.then` throws `e` (each reason in turn): promise rejects with `e`.
    fn a2_3_3_2_throwing_then_getter_rejects(via: Via) {
        for (name, reason) in reasons() {
            let thrown = Log::default();
            let t = thrown.clone();
            let seen = outcomes(via, move || {
                let e = reason();
                t.push(e.clone());
                Js::with_then_getter("x", move || Err(e.clone()))
            });
            assert_eq!(seen, [Err(thrown.take().remove(0))], "`e` is {name}");
        }
    }

    /// 2.3.3.3: `then` is called with `x` as `this` (the two function arguments are the
    /// `Resolvers`, which Rust's types guarantee).
    fn a2_3_3_3_then_called_with_x_as_this(via: Via) {
        let this: Log<Js> = Log::default();
        let xs: Log<Js> = Log::default();
        let (t, x2) = (this.clone(), xs.clone());
        let seen = outcomes(via, move || {
            let x = Js::thenable("x", move |this, r| {
                t.push(Js::Obj(this.clone()));
                r.resolve(Js::Undefined);
                Ok(())
            });
            x2.push(x.clone());
            x
        });
        assert_eq!(seen, [Ok(Js::Undefined)]);
        assert_eq!(this.take(), xs.take());
    }

    /// 2.3.3.3: the `then` retrieved once is the one called (the getter would return `null`
    /// the second time).
    fn a2_3_3_3_uses_the_original_value_of_then(via: Via) {
        let seen = outcomes(via, || {
            one_time("x", |_, r| {
                r.resolve(Js::Undefined);
                Ok(())
            })
        });
        assert_eq!(seen, [Ok(Js::Undefined)]);
    }

    /// 2.3.3.3.1: `y` is not a thenable: promise fulfills with `y`.
    fn a2_3_3_3_1_y_is_not_a_thenable(via: Via) {
        let sentinel = Js::obj("sentinel");
        let array = Js::obj("[sentinel]");
        let ys = [
            ("`undefined`", Js::Undefined),
            ("`null`", Js::Null),
            ("`false`", Js::Bool(false)),
            ("`5`", Js::Num(5.0)),
            ("an object", sentinel),
            ("an array", array),
        ];
        for (name, y) in ys {
            let expected = Ok(y.clone());
            resolve_promise_called_with(via, name, Rc::new(move || y.clone()), &expected);
        }
    }

    /// 2.3.3.3.1: `y` is a thenable or promise that fulfills: promise fulfills with its value.
    fn a2_3_3_3_1_y_is_a_fulfilling_thenable(via: Via) {
        let sentinel = Js::obj("sentinel");
        for (name, kind) in fulfilled_thenables() {
            let s = sentinel.clone();
            resolve_promise_called_with(via, name, Rc::new(move || kind(s.clone())), &Ok(sentinel.clone()));
        }
    }

    /// 2.3.3.3.1: `y` is a thenable or promise that rejects: promise rejects with its reason.
    fn a2_3_3_3_1_y_is_a_rejecting_thenable(via: Via) {
        let sentinel = Js::obj("sentinel");
        for (name, kind) in rejected_thenables() {
            let s = sentinel.clone();
            resolve_promise_called_with(via, name, Rc::new(move || kind(s.clone())), &Err(sentinel.clone()));
        }
    }

    /// 2.3.3.3.1: `y` is a thenable for a thenable that fulfills (7 x 7 combinations).
    fn a2_3_3_3_1_y_is_a_thenable_for_a_fulfilling_thenable(via: Via) {
        let sentinel = Js::obj("sentinel");
        for (outer_name, outer) in fulfilled_thenables() {
            for (inner_name, inner) in fulfilled_thenables() {
                let s = sentinel.clone();
                let name = format!("{outer_name} for {inner_name}");
                let y: Rc<dyn Fn() -> Js> = Rc::new(move || outer(inner(s.clone())));
                resolve_promise_called_with(via, &name, y, &Ok(sentinel.clone()));
            }
        }
    }

    /// 2.3.3.3.1: `y` is a thenable for a thenable that rejects (7 x 7 combinations).
    fn a2_3_3_3_1_y_is_a_thenable_for_a_rejecting_thenable(via: Via) {
        let sentinel = Js::obj("sentinel");
        for (outer_name, outer) in fulfilled_thenables() {
            for (inner_name, inner) in rejected_thenables() {
                let s = sentinel.clone();
                let name = format!("{outer_name} for {inner_name}");
                let y: Rc<dyn Fn() -> Js> = Rc::new(move || outer(inner(s.clone())));
                resolve_promise_called_with(via, &name, y, &Err(sentinel.clone()));
            }
        }
    }

    /// 2.3.3.3.2: `rejectPromise(r)` (each reason in turn, sync and async): promise rejects
    /// with `r` itself (a thenable or promise reason is not adopted).
    fn a2_3_3_3_2_reject_promise_rejects_with_r(via: Via) {
        for (name, reason) in reasons() {
            for call in CALLS {
                let thrown = Log::default();
                let t = thrown.clone();
                let seen = outcomes(via, move || {
                    let r = reason();
                    t.push(r.clone());
                    x_rejecting_with(call, r)
                });
                assert_eq!(seen, [Err(thrown.take().remove(0))], "`r` is {name}, {call:?}");
            }
        }
    }
}

/// The 2.3.3.3.3 cases: `then` calls back more than once; the first call wins.
mod first_call_wins {
    use super::*;

    /// The value the first call uses; every later call uses a fresh "other" object.
    pub(super) fn sentinel() -> Js {
        thread_local!(static SENTINEL: Js = Js::obj("sentinel"));
        SENTINEL.with(Js::clone)
    }

    pub(super) fn other() -> Js {
        Js::obj("other")
    }

    /// `first` and `second` are called in order, each now (`false`) or from a 0 ms timer (`true`).
    pub(super) fn calls(
        via: Via,
        first: fn(&R),
        first_async: bool,
        second: fn(&R),
        second_async: bool,
    ) -> Vec<Outcome> {
        outcomes(
            via,
            x(move |_, r| {
                for (call, later) in [(first, first_async), (second, second_async)] {
                    if later {
                        let r = r.clone();
                        after(0, move || call(&r));
                    } else {
                        call(&r);
                    }
                }
                Ok(())
            }),
        )
    }

    pub(super) fn resolve_sentinel(r: &R) {
        r.resolve(sentinel());
    }

    pub(super) fn reject_sentinel(r: &R) {
        r.reject(sentinel());
    }

    pub(super) fn resolve_other(r: &R) {
        r.resolve(other());
    }

    pub(super) fn reject_other(r: &R) {
        r.reject(other());
    }

    /// `resolvePromise(eventually(outcome))` and then `second`, both synchronously.
    pub(super) fn resolve_with_eventual_promise_then(
        via: Via,
        outcome: fn() -> Outcome,
        second: fn(&R),
    ) -> Vec<Outcome> {
        outcomes(via, move || {
            let d = eventually(outcome());
            Js::thenable("x", move |_, r| {
                r.resolve(d.clone());
                second(&r);
                Ok(())
            })
        })
    }
}

two_vias! {
    /// 2.3.3.3.3: `resolvePromise` then `rejectPromise`, both synchronously.
    fn a2_3_3_3_3_resolve_then_reject_synchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, resolve_sentinel, false, reject_other, false), [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` synchronously then `rejectPromise` asynchronously.
    fn a2_3_3_3_3_resolve_synchronously_then_reject_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, resolve_sentinel, false, reject_other, true), [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` then `rejectPromise`, both asynchronously.
    fn a2_3_3_3_3_resolve_then_reject_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, resolve_sentinel, true, reject_other, true), [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` with an asynchronously-fulfilled promise, then `rejectPromise`.
    fn a2_3_3_3_3_resolve_with_eventually_fulfilled_promise_then_reject(via: Via) {
        use first_call_wins::*;
        let seen = resolve_with_eventual_promise_then(via, || Ok(sentinel()), reject_other);
        assert_eq!(seen, [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` with an asynchronously-rejected promise, then `rejectPromise`.
    fn a2_3_3_3_3_resolve_with_eventually_rejected_promise_then_reject(via: Via) {
        use first_call_wins::*;
        let seen = resolve_with_eventual_promise_then(via, || Err(sentinel()), reject_other);
        assert_eq!(seen, [Err(sentinel())]);
    }

    /// 2.3.3.3.3: `rejectPromise` then `resolvePromise`, both synchronously.
    fn a2_3_3_3_3_reject_then_resolve_synchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, reject_sentinel, false, resolve_other, false), [Err(sentinel())]);
    }

    /// 2.3.3.3.3: `rejectPromise` synchronously then `resolvePromise` asynchronously.
    fn a2_3_3_3_3_reject_synchronously_then_resolve_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, reject_sentinel, false, resolve_other, true), [Err(sentinel())]);
    }

    /// 2.3.3.3.3: `rejectPromise` then `resolvePromise`, both asynchronously.
    fn a2_3_3_3_3_reject_then_resolve_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, reject_sentinel, true, resolve_other, true), [Err(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` twice synchronously.
    fn a2_3_3_3_3_resolve_twice_synchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, resolve_sentinel, false, resolve_other, false), [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` twice, first synchronously then asynchronously.
    fn a2_3_3_3_3_resolve_twice_synchronously_then_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, resolve_sentinel, false, resolve_other, true), [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` twice, both times asynchronously.
    fn a2_3_3_3_3_resolve_twice_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, resolve_sentinel, true, resolve_other, true), [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` with an asynchronously-fulfilled promise, then again.
    fn a2_3_3_3_3_resolve_with_eventually_fulfilled_promise_then_again(via: Via) {
        use first_call_wins::*;
        let seen = resolve_with_eventual_promise_then(via, || Ok(sentinel()), resolve_other);
        assert_eq!(seen, [Ok(sentinel())]);
    }

    /// 2.3.3.3.3: `resolvePromise` with an asynchronously-rejected promise, then again.
    fn a2_3_3_3_3_resolve_with_eventually_rejected_promise_then_again(via: Via) {
        use first_call_wins::*;
        let seen = resolve_with_eventual_promise_then(via, || Err(sentinel()), resolve_other);
        assert_eq!(seen, [Err(sentinel())]);
    }

    /// 2.3.3.3.3: `rejectPromise` twice synchronously.
    fn a2_3_3_3_3_reject_twice_synchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, reject_sentinel, false, reject_other, false), [Err(sentinel())]);
    }

    /// 2.3.3.3.3: `rejectPromise` twice, first synchronously then asynchronously.
    fn a2_3_3_3_3_reject_twice_synchronously_then_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, reject_sentinel, false, reject_other, true), [Err(sentinel())]);
    }

    /// 2.3.3.3.3: `rejectPromise` twice, both times asynchronously.
    fn a2_3_3_3_3_reject_twice_asynchronously(via: Via) {
        use first_call_wins::*;
        assert_eq!(calls(via, reject_sentinel, true, reject_other, true), [Err(sentinel())]);
    }

    /// 2.3.3.3.3: saving and abusing `resolvePromise` and `rejectPromise`: `then` keeps them,
    /// never calls them; the test calls them later, twice each. The first call wins and
    /// onFulfilled runs once.
    fn a2_3_3_3_3_saving_and_abusing_the_resolvers(via: Via) {
        let dummy = Js::obj("dummy");
        let seen = Log::default();
        let s = seen.clone();
        let d = dummy.clone();
        run(move || {
            let saved: Rc<RefCell<Option<R>>> = Rc::default();
            let keep = saved.clone();
            let promise = resolution_of(via, x(move |_, r| {
                *keep.borrow_mut() = Some(r);
                Ok(())
            }));
            record(&promise, &s);
            // Not called yet: `then` runs in a job. (A+ calls them here if they were saved.)
            assert!(saved.borrow().is_none());
            after(50, move || {
                let r = saved.borrow().clone().unwrap();
                r.resolve(d.clone());
                r.resolve(d.clone());
                r.reject(d.clone());
                r.reject(d);
            });
        });
        assert_eq!(seen.take(), [Ok(dummy)]);
    }
}

two_vias! {
    /// 2.3.3.3.4.1: `then` throws after `resolvePromise(non-thenable)`: ignored.
    fn a2_3_3_3_4_1_throw_after_resolve_with_value(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, x(|_, r| {
            r.resolve(sentinel());
            Err(other())
        }));
        assert_eq!(seen, [Ok(sentinel())]);
    }

    /// 2.3.3.3.4.1: `then` throws after `resolvePromise(eventually-fulfilled promise)`: ignored.
    fn a2_3_3_3_4_1_throw_after_resolve_with_eventually_fulfilled_promise(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, || {
            let d = eventually(Ok(sentinel()));
            Js::thenable("x", move |_, r| {
                r.resolve(d.clone());
                Err(other())
            })
        });
        assert_eq!(seen, [Ok(sentinel())]);
    }

    /// 2.3.3.3.4.1: `then` throws after `resolvePromise(eventually-rejected promise)`: ignored.
    fn a2_3_3_3_4_1_throw_after_resolve_with_eventually_rejected_promise(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, || {
            let d = eventually(Err(sentinel()));
            Js::thenable("x", move |_, r| {
                r.resolve(d.clone());
                Err(other())
            })
        });
        assert_eq!(seen, [Err(sentinel())]);
    }

    /// 2.3.3.3.4.1: `then` throws after `rejectPromise`: ignored.
    fn a2_3_3_3_4_1_throw_after_reject(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, x(|_, r| {
            r.reject(sentinel());
            Err(other())
        }));
        assert_eq!(seen, [Err(sentinel())]);
    }

    /// 2.3.3.3.4.1: `then` throws after `resolvePromise` then `rejectPromise`: ignored.
    fn a2_3_3_3_4_1_throw_after_resolve_then_reject(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, x(|_, r| {
            r.resolve(sentinel());
            r.reject(other());
            Err(other())
        }));
        assert_eq!(seen, [Ok(sentinel())]);
    }

    /// 2.3.3.3.4.1: `then` throws after `rejectPromise` then `resolvePromise`: ignored.
    fn a2_3_3_3_4_1_throw_after_reject_then_resolve(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, x(|_, r| {
            r.reject(sentinel());
            r.resolve(other());
            Err(other())
        }));
        assert_eq!(seen, [Err(sentinel())]);
    }

    /// 2.3.3.3.4.1: `then` panics after `resolvePromise`: ignored too.
    fn a2_3_3_3_4_1_panic_after_resolve(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, x(|_, r| {
            r.resolve(sentinel());
            panic!("then panics");
        }));
        assert_eq!(seen, [Ok(sentinel())]);
    }

    /// 2.3.3.3.4.2: `then` throws `e` before calling back: promise rejects with `e`.
    fn a2_3_3_3_4_2_throw_rejects_with_e(via: Via) {
        use first_call_wins::*;
        assert_eq!(outcomes(via, x(|_, _| Err(sentinel()))), [Err(sentinel())]);
    }

    /// 2.3.3.3.4.2: `resolvePromise` is scheduled asynchronously before the throw: `e` wins.
    fn a2_3_3_3_4_2_throw_after_scheduling_resolve(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, x(|_, r| {
            after(0, move || r.resolve(other()));
            Err(sentinel())
        }));
        assert_eq!(seen, [Err(sentinel())]);
    }

    /// 2.3.3.3.4.2: `rejectPromise` is scheduled asynchronously before the throw: `e` wins.
    fn a2_3_3_3_4_2_throw_after_scheduling_reject(via: Via) {
        use first_call_wins::*;
        let seen = outcomes(via, x(|_, r| {
            after(0, move || r.reject(other()));
            Err(sentinel())
        }));
        assert_eq!(seen, [Err(sentinel())]);
    }

    /// 2.3.3.3.4.2: `then` panics before calling back: promise rejects with the PanicError.
    fn a2_3_3_3_4_2_panic_rejects_with_panic_error(via: Via) {
        let seen = outcomes(via, x(|_, _| panic!("then panics")));
        assert_eq!(seen, [Err(Js::Panic(PanicError::new("then panics")))]);
    }

    /// 2.3.3.4: `then` is not a function: promise fulfills with `x` itself.
    fn a2_3_3_4_non_callable_then_fulfills_with_x(via: Via) {
        let thens: [Named; 6] = [
            ("`5`", || Js::Num(5.0)),
            ("an object", || Js::obj("object")),
            ("an array containing a function", || Js::obj("[function]")),
            ("a regular expression", || Js::obj("/regexp/")),
            ("`null`", || Js::Null),
            ("`false`", || Js::Bool(false)),
        ];
        for (name, then) in thens {
            let xs = Log::default();
            let x2 = xs.clone();
            let seen = outcomes(via, move || {
                let x = Js::with_then("x", then());
                x2.push(x.clone());
                x
            });
            assert_eq!(seen, [Ok(xs.take().remove(0))], "`then` is {name}");
        }
    }

    /// 2.3.4: `x` is not an object or function: promise fulfills with `x`.
    fn a2_3_4_non_object_fulfills_with_x(via: Via) {
        let values = [Js::Undefined, Js::Null, Js::Bool(false), Js::Bool(true), Js::Num(0.0)];
        for value in values {
            let v = value.clone();
            assert_eq!(outcomes(via, move || v), [Ok(value.clone())], "`x` is {value:?}");
        }
    }
}
