//! Foreign thenables and the guarantees of the resolving functions.
//!
//! `Promise::resolve(thenable)` turns any thenable, however badly behaved, into a trustworthy
//! promise: the first call of `resolve`/`reject` wins, the promise settles exactly once, and each
//! handler runs once (the book's chapter 3, "Trust", and Promises/A+ 2.3.3). The rest checks
//! [[AlreadyResolved]], self-resolution, rejection with a promise as the reason, the executor,
//! `withResolvers`, `Promise.try`, panicking handlers, and when the embedder's `then` lookup
//! (a [`Thenables`] classifier) runs.
//!
//! Handlers only record what they saw; the assertions run after the loop is done (a panic in a
//! handler is a JavaScript `throw`, it would only reject a promise). A panicking task fails the
//! test (see [`run`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use settle::promise::{
    Error, ErrorKind, PanicError, Promise, PromiseState, PromiseStatics, Reason, Resolution, Resolvers,
    SpecError, Thenable, Thenables, TypeError,
};

// ---------------------------------------------------------------------------------------------
// Harness.

mod support;
use support::{Log, after, run};

impl Log<String> {
    fn note(&self, s: impl Into<String>) {
        self.push(s.into());
    }
}

/// Attaches both handlers to `p`; each notes what it got ("fulfilled 42", "rejected Oops").
fn record(p: &Promise<i32>, log: &Log<String>) {
    let (a, b) = (log.clone(), log.clone());
    p.then_both(
        move |v| {
            a.note(format!("fulfilled {v}"));
            Ok(())
        },
        move |e| {
            b.note(format!("rejected {e}"));
            Ok(())
        },
    );
}

/// Keeps a promise out of the loop for checks after it has run.
fn keep<T: Clone>(slot: &Log<T>, value: &T) {
    slot.push(value.clone());
}

fn is_chaining_cycle(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::Type(TypeError::ChainingCycle))
}

fn is_panic(e: &Error, message: &str) -> bool {
    matches!(e.kind(), ErrorKind::Panic(p) if p.message() == message)
}

// ---------------------------------------------------------------------------------------------
// Thenables.

/// Well behaved and synchronous: `then(resolve) { resolve(value) }`.
struct SyncThenable(i32);

impl Thenable<i32, Error> for SyncThenable {
    fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
        resolvers.resolve(self.0);
        Ok(())
    }
}

/// Well behaved and asynchronous: fulfills from a timer.
struct AsyncThenable {
    value: i32,
    ms: u64,
    log: Log<String>,
}

impl Thenable<i32, Error> for AsyncThenable {
    fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
        let (value, log) = (self.value, self.log.clone());
        after(self.ms, move || {
            log.note("timer fired");
            resolvers.resolve(value);
        });
        Ok(())
    }
}

/// The book's "evil laugh" thenable (chapter 3, "Trust"): calls both callbacks.
struct EvilLaugh;

impl Thenable<i32, Error> for EvilLaugh {
    fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
        resolvers.resolve(42);
        resolvers.reject(Error::msg("evil laugh"));
        Ok(())
    }
}

/// One thing a misbehaving `then` does.
#[derive(Clone, Copy, Debug)]
enum Step {
    Resolve(i32),
    Reject(&'static str),
    /// Resolve from a 0 ms timer.
    ResolveLater(i32),
    /// `throw new Error(msg)`: `then` returns `Err`.
    Throw(&'static str),
    /// A panic inside `then`.
    Panic(&'static str),
}

/// A thenable whose `then` runs `steps` in order and counts its calls.
struct Scripted {
    steps: Vec<Step>,
    calls: Rc<Cell<u32>>,
}

impl Scripted {
    fn new(steps: &[Step]) -> (Scripted, Rc<Cell<u32>>) {
        let calls = Rc::new(Cell::new(0));
        (Scripted { steps: steps.to_vec(), calls: calls.clone() }, calls)
    }
}

impl Thenable<i32, Error> for Scripted {
    fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
        self.calls.set(self.calls.get() + 1);
        for step in &self.steps {
            match *step {
                Step::Resolve(v) => resolvers.resolve(v),
                Step::Reject(m) => resolvers.reject(Error::msg(m)),
                Step::ResolveLater(v) => {
                    let r = resolvers.clone();
                    after(0, move || r.resolve(v));
                }
                Step::Throw(m) => return Err(Error::msg(m)),
                Step::Panic(m) => panic!("{m}"),
            }
        }
        Ok(())
    }
}

/// `Promise.resolve(thenable)` with three handlers attached; returns what they saw and how
/// often `then` was called.
fn adopt(steps: &[Step]) -> (Vec<String>, u32) {
    let (thenable, calls) = Scripted::new(steps);
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let p = Promise::<i32>::resolve(Resolution::thenable(thenable));
        for _ in 0..3 {
            record(&p, &l);
        }
    });
    (log.take(), calls.get())
}

fn three(s: &str) -> Vec<String> {
    vec![s.to_string(); 3]
}

#[test]
fn sync_thenable_is_adopted() {
    let log = Log::default();
    let l = log.clone();
    run(move || record(&Promise::resolve(Resolution::thenable(SyncThenable(42))), &l));
    assert_eq!(log.take(), ["fulfilled 42"]);
}

#[test]
fn rc_dyn_thenable_is_adopted() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let t: Rc<dyn Thenable<i32, Error>> = Rc::new(SyncThenable(3));
        record(&Promise::resolve(t), &l);
    });
    assert_eq!(log.take(), ["fulfilled 3"]);
}

#[test]
fn then_is_called_in_a_job_not_during_resolve() {
    struct Noisy(Log<String>);
    impl Thenable<i32, Error> for Noisy {
        fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
            self.0.note("then called");
            resolvers.resolve(1);
            Ok(())
        }
    }
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let p = Promise::resolve(Resolution::thenable(Noisy(l.clone())));
        l.note("resolve returned");
        assert_eq!(p.state(), PromiseState::Pending);
        record(&p, &l);
    });
    assert_eq!(log.take(), ["resolve returned", "then called", "fulfilled 1"]);
}

#[test]
fn then_receives_the_adopting_promises_resolvers() {
    struct Peek(Log<Promise<i32>>);
    impl Thenable<i32, Error> for Peek {
        fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
            assert!(!resolvers.is_already_resolved());
            self.0.push(resolvers.promise().clone());
            resolvers.resolve(1);
            Ok(())
        }
    }
    let seen = Log::default();
    let adopting = Log::default();
    let (s, a) = (seen.clone(), adopting.clone());
    run(move || keep(&a, &Promise::resolve(Resolution::thenable(Peek(s)))));
    assert!(seen.take()[0].ptr_eq(&adopting.take()[0]));
}

/// A ruler (`Promise.resolve().then(t1).then(t2).then(t3)`) started after `p.then(X)`.
fn ruler_with(p: &Promise<i32>, log: &Log<String>) {
    let x = log.clone();
    p.then(move |_| {
        x.note("X");
        Ok(())
    });
    let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
    Promise::<()>::resolve(())
        .then(move |()| {
            l1.note("t1");
            Ok(())
        })
        .then(move |()| {
            l2.note("t2");
            Ok(())
        })
        .then(move |()| {
            l3.note("t3");
            Ok(())
        });
}

#[test]
fn sync_thenable_adoption_costs_one_tick() {
    // `new Promise(r => r({ then(f) { f(1) } })).then(X)`: X runs in tick 2.
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let p = Promise::<i32>::new(|r| {
            r.resolve(Resolution::thenable(SyncThenable(1)));
            Ok(())
        });
        ruler_with(&p, &l);
    });
    assert_eq!(log.take(), ["t1", "X", "t2", "t3"]);
}

#[test]
fn native_promise_adoption_costs_two_ticks() {
    // `new Promise(r => r(fulfilledPromise)).then(X)`: X runs in tick 3 (the book's p1/p3).
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let inner = Promise::<i32>::resolve(1);
        let p = Promise::<i32>::new(|r| {
            r.resolve(inner);
            Ok(())
        });
        ruler_with(&p, &l);
    });
    assert_eq!(log.take(), ["t1", "t2", "X", "t3"]);
}

#[test]
fn async_thenable_resolves_from_a_timer() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let p = Promise::resolve(Resolution::thenable(AsyncThenable { value: 7, ms: 10, log: l.clone() }));
        record(&p, &l);
        let (p2, l2) = (p.clone(), l.clone());
        after(5, move || l2.note(format!("at 5 ms: {:?}", p2.state())));
    });
    assert_eq!(log.take(), ["at 5 ms: Pending", "timer fired", "fulfilled 7"]);
}

#[test]
fn nested_thenables_are_adopted_recursively() {
    struct Outer;
    impl Thenable<i32, Error> for Outer {
        fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
            resolvers.resolve(Resolution::thenable(SyncThenable(9)));
            Ok(())
        }
    }
    let log = Log::default();
    let l = log.clone();
    run(move || record(&Promise::resolve(Resolution::thenable(Outer)), &l));
    assert_eq!(log.take(), ["fulfilled 9"]);
}

#[test]
fn thenable_resolving_with_the_adopting_promise_is_a_chaining_cycle() {
    struct Cycle;
    impl Thenable<i32, Error> for Cycle {
        fn then(&self, resolvers: Resolvers<i32>) -> Result<(), Error> {
            resolvers.resolve(resolvers.promise().clone());
            Ok(())
        }
    }
    let kept: Log<Promise<i32>> = Log::default();
    let k = kept.clone();
    run(move || keep(&k, &Promise::resolve(Resolution::thenable(Cycle)).defer()));
    let reason = kept.take()[0].result().unwrap().unwrap_err();
    assert!(is_chaining_cycle(&reason), "{reason:?}");
}

#[test]
fn evil_laugh_thenable_calls_both_callbacks_first_wins() {
    let log = Log::default();
    let kept = Log::default();
    let (l, k) = (log.clone(), kept.clone());
    run(move || {
        let p: Promise<i32> = Promise::resolve(Resolution::thenable(EvilLaugh));
        record(&p, &l);
        keep(&k, &p);
    });
    assert_eq!(log.take(), ["fulfilled 42"]);
    assert_eq!(kept.take()[0].result().unwrap().unwrap(), 42);
}

#[test]
fn thenable_rejects_then_resolves() {
    let (seen, calls) = adopt(&[Step::Reject("no"), Step::Resolve(1)]);
    assert_eq!((seen, calls), (three("rejected no"), 1));
}

#[test]
fn thenable_calls_resolve_twice() {
    let (seen, calls) = adopt(&[Step::Resolve(1), Step::Resolve(2)]);
    assert_eq!((seen, calls), (three("fulfilled 1"), 1));
}

#[test]
fn thenable_calls_reject_twice() {
    let (seen, calls) = adopt(&[Step::Reject("first"), Step::Reject("second")]);
    assert_eq!((seen, calls), (three("rejected first"), 1));
}

#[test]
fn thenable_calls_resolve_now_and_again_later() {
    let (seen, calls) = adopt(&[Step::Resolve(1), Step::ResolveLater(2)]);
    assert_eq!((seen, calls), (three("fulfilled 1"), 1));
}

#[test]
fn thenable_fails_after_resolving() {
    let (seen, calls) = adopt(&[Step::Resolve(1), Step::Throw("too late")]);
    assert_eq!((seen, calls), (three("fulfilled 1"), 1));
}

#[test]
fn thenable_panics_after_resolving() {
    let (seen, calls) = adopt(&[Step::Resolve(1), Step::Panic("too late")]);
    assert_eq!((seen, calls), (three("fulfilled 1"), 1));
}

#[test]
fn thenable_fails_after_rejecting() {
    let (seen, calls) = adopt(&[Step::Reject("first"), Step::Throw("too late")]);
    assert_eq!((seen, calls), (three("rejected first"), 1));
}

#[test]
fn thenable_fails_before_resolving() {
    // The resolve scheduled before the throw comes too late: the throw already rejected.
    let (seen, calls) = adopt(&[Step::ResolveLater(1), Step::Throw("early")]);
    assert_eq!((seen, calls), (three("rejected early"), 1));
}

#[test]
fn thenable_panics_before_resolving() {
    let (seen, calls) = adopt(&[Step::ResolveLater(1), Step::Panic("boom")]);
    assert_eq!((seen, calls), (three("rejected panic: boom"), 1));
}

#[test]
fn thenable_does_everything_wrong_and_still_settles_once() {
    let steps = [
        Step::Resolve(1),
        Step::Reject("no"),
        Step::Resolve(2),
        Step::ResolveLater(3),
        Step::Reject("no again"),
        Step::Throw("and a throw"),
    ];
    let (seen, calls) = adopt(&steps);
    assert_eq!((seen, calls), (three("fulfilled 1"), 1));
}

#[test]
fn thenable_that_never_calls_back_stays_pending_and_the_loop_finishes() {
    let (thenable, calls) = Scripted::new(&[]);
    let log = Log::default();
    let kept = Log::default();
    let (l, k) = (log.clone(), kept.clone());
    run(move || {
        let p = Promise::<i32>::resolve(Resolution::thenable(thenable));
        record(&p, &l);
        keep(&k, &p);
        after(1000, || {});
    });
    assert!(log.take().is_empty());
    assert_eq!(calls.get(), 1);
    assert_eq!(kept.take()[0].state(), PromiseState::Pending);
}

// ---------------------------------------------------------------------------------------------
// A dynamic value type: a reason that can be a promise, and an embedder's `then` lookup.

// Counts `DynThenables::classify` calls on this thread (each test has its own thread).
thread_local!(static CLASSIFY_CALLS: Cell<u32> = const { Cell::new(0) });

fn classify_calls() -> u32 {
    CLASSIFY_CALLS.with(Cell::get)
}

/// A toy dynamic value, usable both as the value and as the reason of a promise.
#[derive(Clone, Debug)]
enum Dyn {
    Num(i32),
    Promise(DynPromise),
    /// An object whose `then` getter throws `Msg(..)` with this text.
    ThrowingThen(&'static str),
    Msg(&'static str),
    Type(TypeError),
    Panic(PanicError),
}

type DynPromise = Promise<Dyn, Dyn, DynThenables>;

impl PartialEq for Dyn {
    fn eq(&self, other: &Dyn) -> bool {
        match (self, other) {
            (Dyn::Num(a), Dyn::Num(b)) => a == b,
            (Dyn::Promise(a), Dyn::Promise(b)) => a.ptr_eq(b),
            (Dyn::ThrowingThen(a), Dyn::ThrowingThen(b)) | (Dyn::Msg(a), Dyn::Msg(b)) => a == b,
            (Dyn::Type(a), Dyn::Type(b)) => a == b,
            (Dyn::Panic(a), Dyn::Panic(b)) => a == b,
            _ => false,
        }
    }
}

impl From<TypeError> for Dyn {
    fn from(e: TypeError) -> Dyn {
        Dyn::Type(e)
    }
}

impl From<PanicError> for Dyn {
    fn from(e: PanicError) -> Dyn {
        Dyn::Panic(e)
    }
}

/// The embedder's conversion of the spec's errors; only these two can arise here.
impl Reason for Dyn {
    fn from_spec_error(error: SpecError<Dyn>) -> Dyn {
        match error {
            SpecError::Type(e) => Dyn::from(e),
            SpecError::Panic(e) => Dyn::from(e),
            other => unreachable!("no combinator or pattern in these tests: {other}"),
        }
    }
}

/// The embedder's Get(x, "then") + IsCallable: promises are adopted, a throwing getter rejects.
struct DynThenables;

impl Thenables<Dyn, Dyn> for DynThenables {
    fn classify(value: Dyn) -> Resolution<Dyn, Dyn, DynThenables> {
        CLASSIFY_CALLS.with(|c| c.set(c.get() + 1));
        match value {
            Dyn::Promise(p) => Resolution::Promise(p),
            Dyn::ThrowingThen(m) => Resolution::Throw(Dyn::Msg(m)),
            other => Resolution::Value(other),
        }
    }
}

/// Attaches both handlers to `p`; each records what it got.
fn record_dyn(p: &DynPromise, log: &Log<Result<Dyn, Dyn>>) {
    let (a, b) = (log.clone(), log.clone());
    p.then_both(
        move |v| {
            a.push(Ok(v));
            Ok(Dyn::Num(0))
        },
        move |e| {
            b.push(Err(e));
            Ok(Dyn::Num(0))
        },
    );
}

#[test]
fn throwing_then_getter_rejects_synchronously() {
    let seen = Log::default();
    let s = seen.clone();
    run(move || {
        let p = DynPromise::resolve(Dyn::ThrowingThen("getter threw"));
        // Get(then) runs inside the resolve function: no job is needed to reject.
        assert_eq!(p.state(), PromiseState::Rejected);
        record_dyn(&p, &s);
    });
    assert_eq!(seen.take(), [Err(Dyn::Msg("getter threw"))]);
}

#[test]
fn throwing_then_getter_returned_from_a_handler_rejects_the_derived_promise() {
    let seen = Log::default();
    let s = seen.clone();
    run(move || {
        let p: DynPromise = DynPromise::resolve(Dyn::Num(1)).then(|_| Ok(Dyn::ThrowingThen("getter threw")));
        record_dyn(&p, &s);
    });
    assert_eq!(seen.take(), [Err(Dyn::Msg("getter threw"))]);
}

#[test]
fn rejecting_with_a_promise_uses_the_promise_itself_as_the_reason() {
    let seen = Log::default();
    let inner = Log::default();
    let (s, i) = (seen.clone(), inner.clone());
    run(move || {
        let q = DynPromise::resolve(Dyn::Num(1));
        keep(&i, &q);
        // reject(q): q is the reason, not adopted.
        let (p, r) = DynPromise::with_resolvers();
        r.reject(Dyn::Promise(q.clone()));
        record_dyn(&p, &s);
        // Promise.reject(q) likewise.
        record_dyn(&DynPromise::reject(Dyn::Promise(q.clone())), &s);
        // A handler that fails with q likewise.
        let q2 = q.clone();
        record_dyn(&DynPromise::resolve(Dyn::Num(2)).then(move |_| Err::<Dyn, _>(Dyn::Promise(q2))), &s);
        // resolve(q), by contrast, adopts q's value.
        let (p, r) = DynPromise::with_resolvers();
        r.resolve(Dyn::Promise(q));
        record_dyn(&p, &s);
    });
    let q = Dyn::Promise(inner.take().remove(0));
    assert_eq!(seen.take(), [Err(q.clone()), Err(q.clone()), Err(q), Ok(Dyn::Num(1))]);
}

#[test]
fn classify_runs_once_per_resolve_call_that_counts() {
    run(|| {
        let before = classify_calls();
        let (p, r) = DynPromise::with_resolvers();
        r.resolve(Dyn::Num(1));
        assert_eq!(classify_calls() - before, 1);
        assert_eq!(p.result(), Some(Ok(Dyn::Num(1))));
        // Promise.reject never looks at its reason.
        DynPromise::reject(Dyn::ThrowingThen("not looked at")).defer();
        assert_eq!(classify_calls() - before, 1);
    });
}

#[test]
fn classify_is_not_called_once_already_resolved() {
    run(|| {
        let before = classify_calls();
        let (p, r) = DynPromise::with_resolvers();
        r.resolve(Dyn::Num(1));
        // Steps 4-5 (alreadyResolved -> return) come before Get(then): no getter runs, so the
        // throwing getter cannot reject the already-fulfilled promise.
        r.resolve(Dyn::ThrowingThen("must not run"));
        r.resolve(Dyn::Num(2));
        r.reject(Dyn::Msg("ignored"));
        assert_eq!(classify_calls() - before, 1);
        assert_eq!(p.result(), Some(Ok(Dyn::Num(1))));

        // The same after a rejection...
        let (p, r) = DynPromise::with_resolvers();
        r.reject(Dyn::Msg("first"));
        r.resolve(Dyn::ThrowingThen("must not run"));
        assert_eq!(classify_calls() - before, 1);
        assert_eq!(p.defer().result(), Some(Err(Dyn::Msg("first"))));

        // ...and while the first resolution (a pending promise) is still pending.
        let (pending, _keep_alive) = DynPromise::with_resolvers();
        let (p, r) = DynPromise::with_resolvers();
        r.resolve(Dyn::Promise(pending));
        r.resolve(Dyn::ThrowingThen("must not run"));
        assert_eq!(classify_calls() - before, 2);
        assert_eq!(p.state(), PromiseState::Pending);
    });
}

#[test]
fn classify_is_not_called_for_a_thenables_second_resolve() {
    struct Twice;
    impl Thenable<Dyn, Dyn, DynThenables> for Twice {
        fn then(&self, resolvers: Resolvers<Dyn, Dyn, DynThenables>) -> Result<(), Dyn> {
            let before = classify_calls();
            resolvers.resolve(Dyn::Num(1));
            resolvers.resolve(Dyn::ThrowingThen("must not run"));
            assert_eq!(classify_calls() - before, 1);
            Ok(())
        }
    }
    let seen = Log::default();
    let s = seen.clone();
    run(move || record_dyn(&DynPromise::resolve(Resolution::thenable(Twice)), &s));
    assert_eq!(seen.take(), [Ok(Dyn::Num(1))]);
}

#[test]
fn classify_is_not_called_for_an_executors_second_resolve() {
    run(|| {
        let before = classify_calls();
        let p = DynPromise::new(|r| {
            r.resolve(Dyn::Num(1));
            r.resolve(Dyn::ThrowingThen("must not run"));
            Ok(())
        });
        assert_eq!(classify_calls() - before, 1);
        assert_eq!(p.result(), Some(Ok(Dyn::Num(1))));
    });
}

// ---------------------------------------------------------------------------------------------
// [[AlreadyResolved]] and self-resolution.

#[test]
fn second_resolve_is_ignored_while_the_first_resolution_is_pending() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (inner, inner_r) = Promise::<i32>::with_resolvers();
        let (p, r) = Promise::<i32>::with_resolvers();
        r.resolve(inner);
        // Resolved (locked in to `inner`) but not settled: later calls are ignored all the same.
        assert!(r.is_already_resolved());
        r.resolve(5);
        r.reject(Error::msg("ignored"));
        r.clone().resolve(6);
        record(&p, &l);
        let (p2, l2) = (p.clone(), l.clone());
        after(10, move || {
            l2.note(format!("at 10 ms: {:?}", p2.state()));
            inner_r.resolve(9);
        });
    });
    assert_eq!(log.take(), ["at 10 ms: Pending", "fulfilled 9"]);
}

#[test]
fn reject_is_ignored_after_resolving_with_a_thenable_that_never_calls_back() {
    let (thenable, calls) = Scripted::new(&[]);
    let log = Log::default();
    let kept = Log::default();
    let (l, k) = (log.clone(), kept.clone());
    run(move || {
        let (p, r) = Promise::<i32>::with_resolvers();
        r.resolve(Resolution::thenable(thenable));
        r.reject(Error::msg("ignored"));
        record(&p, &l);
        keep(&k, &p);
    });
    assert!(log.take().is_empty());
    assert_eq!(calls.get(), 1);
    assert_eq!(kept.take()[0].state(), PromiseState::Pending);
}

#[test]
fn self_resolution_rejects_with_a_chaining_cycle_type_error() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (p, r) = Promise::<i32>::with_resolvers();
        r.resolve(p.clone());
        // Step 7 runs inside the resolve function: rejected at once.
        let reason = p.result().unwrap().unwrap_err();
        assert!(is_chaining_cycle(&reason), "{reason:?}");
        record(&p, &l);
    });
    assert_eq!(log.take(), ["rejected TypeError: Chaining cycle detected for promise #<Promise>"]);
    assert_eq!(TypeError::ChainingCycle.to_string(), "Chaining cycle detected for promise #<Promise>");
}

#[test]
fn mutual_adoption_is_not_a_chaining_cycle_and_stays_pending() {
    // `p` resolved with `q` and `q` with `p`: not SameValue, so no TypeError (step 7 only
    // compares with the promise itself); each waits for the other forever, and the loop ends.
    let log = Log::default();
    let kept = Log::default();
    let (l, k) = (log.clone(), kept.clone());
    run(move || {
        let (p, rp) = Promise::<i32>::with_resolvers();
        let (q, rq) = Promise::<i32>::with_resolvers();
        rp.resolve(q.clone());
        rq.resolve(p.clone());
        record(&p, &l);
        record(&q, &l);
        keep(&k, &p);
        keep(&k, &q);
    });
    assert!(log.take().is_empty());
    assert!(kept.take().iter().all(|p| p.state() == PromiseState::Pending));
}

#[test]
fn executor_resolving_with_its_own_promise_rejects() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let p = Promise::<i32>::new(|r| {
            r.resolve(r.promise().clone());
            Ok(())
        });
        record(&p, &l);
    });
    assert_eq!(log.take(), ["rejected TypeError: Chaining cycle detected for promise #<Promise>"]);
}

#[test]
fn handler_returning_its_own_derived_promise_rejects() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let slot: Rc<RefCell<Option<Promise<i32>>>> = Rc::default();
        let own = slot.clone();
        let p: Promise<i32> = Promise::<i32>::resolve(1).then(move |_| Ok(own.borrow().clone().unwrap()));
        *slot.borrow_mut() = Some(p.clone());
        record(&p, &l);
    });
    assert_eq!(log.take(), ["rejected TypeError: Chaining cycle detected for promise #<Promise>"]);
}

// ---------------------------------------------------------------------------------------------
// The executor.

#[test]
fn executor_runs_synchronously() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let l2 = l.clone();
        let p = Promise::<i32>::new(move |r| {
            l2.note("executor");
            r.resolve(1);
            Ok(())
        });
        l.note(format!("new returned: {:?}", p.state()));
    });
    assert_eq!(log.take(), ["executor", "new returned: Fulfilled"]);
}

/// The settled outcome of `Promise::new(executor)`, read right after construction.
fn constructed(executor: impl FnOnce(Resolvers<i32>) -> Result<(), Error> + 'static) -> Result<i32, Error> {
    let kept = Log::default();
    let k = kept.clone();
    run(move || keep(&k, &Promise::<i32>::new(executor).defer().result()));
    kept.take().remove(0).expect("settled by the executor")
}

#[test]
fn executor_returning_err_rejects() {
    assert_eq!(constructed(|_| Err(Error::msg("Oops"))).unwrap_err(), Error::msg("Oops"));
}

#[test]
fn executor_panicking_rejects_with_panic_error() {
    let e = constructed(|_| panic!("boom")).unwrap_err();
    assert!(is_panic(&e, "boom"), "{e:?}");
    assert_eq!(e.to_string(), "panic: boom");
}

#[test]
fn executor_returning_err_after_resolving_is_ignored() {
    let outcome = constructed(|r| {
        r.resolve(1);
        Err(Error::msg("ignored"))
    });
    assert_eq!(outcome.unwrap(), 1);
}

#[test]
fn executor_panicking_after_resolving_is_ignored() {
    let outcome = constructed(|r| {
        r.resolve(1);
        panic!("ignored");
    });
    assert_eq!(outcome.unwrap(), 1);
}

#[test]
fn executor_panicking_after_rejecting_keeps_the_first_reason() {
    let outcome = constructed(|r| {
        r.reject(Error::msg("first"));
        panic!("ignored");
    });
    assert_eq!(outcome.unwrap_err(), Error::msg("first"));
}

#[test]
fn executor_failing_after_resolving_with_a_pending_promise_is_ignored() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (inner, inner_r) = Promise::<i32>::with_resolvers();
        let p = Promise::<i32>::new(move |r| {
            r.resolve(inner);
            Err(Error::msg("ignored"))
        });
        record(&p, &l);
        after(10, move || inner_r.resolve(4));
    });
    assert_eq!(log.take(), ["fulfilled 4"]);
}

// ---------------------------------------------------------------------------------------------
// withResolvers and try.

#[test]
fn with_resolvers_settles_from_anywhere_once() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (p, r) = Promise::<i32>::with_resolvers();
        assert_eq!(p.state(), PromiseState::Pending);
        assert!(r.promise().ptr_eq(&p));
        assert!(!r.is_already_resolved());
        record(&p, &l);
        let r2 = r.clone();
        after(10, move || r.resolve(1));
        after(20, move || {
            // Clones share [[AlreadyResolved]].
            assert!(r2.is_already_resolved());
            r2.resolve(2);
        });
    });
    assert_eq!(log.take(), ["fulfilled 1"]);
}

#[test]
fn with_resolvers_gives_independent_pairs() {
    run(|| {
        let (p1, r1) = Promise::<i32>::with_resolvers();
        let (p2, r2) = Promise::<i32>::with_resolvers();
        assert!(!p1.ptr_eq(&p2));
        r1.resolve(1);
        assert!(!r2.is_already_resolved());
        r2.reject(Error::msg("two"));
        let p2 = p2.defer();
        assert_eq!(p1.result().unwrap().unwrap(), 1);
        assert_eq!(p2.result().unwrap().unwrap_err(), Error::msg("two"));
    });
}

#[test]
fn try_calls_f_synchronously_and_fulfills_with_ok() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let l2 = l.clone();
        let p = Promise::<i32>::r#try(move || {
            l2.note("f");
            Ok(6 * 7)
        });
        l.note(format!("try returned: {:?}", p.result().map(Result::unwrap)));
    });
    assert_eq!(log.take(), ["f", "try returned: Some(42)"]);
}

#[test]
fn try_rejects_with_err() {
    run(|| {
        let p = Promise::<i32>::r#try(|| Err::<i32, _>(Error::msg("Oops"))).defer();
        assert_eq!(p.result().unwrap().unwrap_err(), Error::msg("Oops"));
    });
}

#[test]
fn try_rejects_with_panic_error() {
    run(|| {
        let p = Promise::<i32>::r#try(|| -> Result<i32, Error> { panic!("boom") }).defer();
        let e = p.result().unwrap().unwrap_err();
        assert!(is_panic(&e, "boom"), "{e:?}");
    });
}

#[test]
fn try_adopts_a_returned_promise_or_thenable() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let (inner, inner_r) = Promise::<i32>::with_resolvers();
        let p = Promise::<i32>::r#try(move || Ok(inner));
        record(&p, &l);
        record(&Promise::<i32>::r#try(|| Ok(Resolution::thenable(EvilLaugh))), &l);
        after(10, move || inner_r.resolve(3));
    });
    assert_eq!(log.take(), ["fulfilled 42", "fulfilled 3"]);
}

// ---------------------------------------------------------------------------------------------
// Panicking handlers.

#[test]
fn panicking_handler_rejects_the_derived_promise_and_the_loop_goes_on() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let p = Promise::<i32>::resolve(1);
        let derived: Promise<i32> = p.then(|_| -> Result<i32, Error> { panic!("boom") });
        let l2 = l.clone();
        derived.catch(move |e| {
            l2.note(format!("caught {e} (panic: {})", is_panic(&e, "boom")));
            Ok(0)
        });
        // Other reactions of the same promise, later jobs and later tasks all still run.
        record(&p, &l);
        let l3 = l.clone();
        after(10, move || l3.note("timer"));
    });
    assert_eq!(log.take(), ["fulfilled 1", "caught panic: boom (panic: true)", "timer"]);
}

#[test]
fn panicking_rejection_handler_rejects_the_derived_promise() {
    let log = Log::default();
    let l = log.clone();
    run(move || {
        let derived = Promise::<i32>::reject(Error::msg("Oops")).catch(|_| -> Result<i32, Error> {
            panic!("again");
        });
        record(&derived, &l);
    });
    assert_eq!(log.take(), ["rejected panic: again"]);
}
