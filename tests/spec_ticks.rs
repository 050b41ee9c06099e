//! Every row of the project's tick table (`spec-ticks.md`): in which microtask tick a reaction
//! X runs, measured as the table does, with a "ruler" chain `Promise.resolve().then(t1)
//! .then(t2)...` started right after the scenario. X runs in tick n when exactly n - 1 ruler
//! steps ran before it (`fulfilled.then(X)` runs before `t1`: tick 1).
//!
//! Every number asserted here was checked against Node 20.20.2 (V8 11.3) with the same ruler:
//!
//! ```js
//! function measure(scenario) {             // run each measurement in its own setTimeout
//!   const log = [], X = () => log.push('X');
//!   scenario(X);
//!   let p = Promise.resolve();
//!   for (let i = 1; i <= 8; i++) p = p.then(() => log.push('t' + i));
//!   p.then(() => console.log(1 + log.indexOf('X')));  // = 1 + ruler steps before X
//! }
//! ```
//!
//! The `await` / `async` rows are in `spec_ticks_async.rs`.

use settle_promise::{Error, Promise, PromiseStatics, Resolution, Resolvers, Settled, Thenable};
use settle_runtime::EventLoop;

mod support;
use support::{Mark, measure_log, tick_of};

/// `{ then(f) { f(1) } }`: a foreign thenable that fulfills synchronously inside `then`.
struct SyncThenable;

impl Thenable<i32, Error> for SyncThenable {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        resolvers.resolve(1);
        Ok(())
    }
}

fn fulfilled() -> Promise<i32> {
    Promise::resolve(1)
}

fn rejected() -> Promise<i32> {
    Promise::reject(Error::msg("r"))
}

/// `X` as a fulfillment handler.
fn x(mark: Mark) -> impl FnOnce(i32) -> Result<(), Error> {
    move |_| {
        mark.hit();
        Ok(())
    }
}

/// `X` as a rejection handler.
fn x_catch(mark: Mark) -> impl FnOnce(Error) -> Result<i32, Error> {
    move |_| {
        mark.hit();
        Ok(0)
    }
}

#[test]
fn the_ruler_puts_a_settled_then_in_tick_1() {
    // Node: X t1 t2 ...
    let log = measure_log(|m| {
        fulfilled().then(x(m));
    });
    assert_eq!(log, ["X", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"]);
}

// | `fulfilled.then(X)` | 1 |
#[test]
fn fulfilled_then_runs_in_tick_1() {
    // Node: 1
    assert_eq!(tick_of(|m| drop(fulfilled().then(x(m)))), 1);
}

// | `new Promise(r => r(nativeFulfilled)).then(X)` (the book's p1/p3 quirk) | 3 |
#[test]
fn resolving_with_a_fulfilled_promise_costs_two_ticks() {
    // Node: 3 (thenable job in tick 1 calls `then`; its reaction in tick 2 resolves; X in 3)
    assert_eq!(
        tick_of(|m| {
            Promise::<i32>::new(|r| {
                r.resolve(fulfilled());
                Ok(())
            })
            .then(x(m));
        }),
        3
    );
}

// | `new Promise(r => r({ then(f) { f(1) } })).then(X)` | 2 |
#[test]
fn resolving_with_a_sync_thenable_costs_one_tick() {
    // Node: 2
    assert_eq!(
        tick_of(|m| {
            Promise::<i32>::new(|r| {
                r.resolve(Resolution::thenable(SyncThenable));
                Ok(())
            })
            .then(x(m));
        }),
        2
    );
}

// | `p.then(() => v).then(X)` | 2 |
#[test]
fn then_returning_a_value_then_runs_in_tick_2() {
    // Node: 2
    assert_eq!(tick_of(|m| drop(fulfilled().then(|_| Ok(5)).then(x(m)))), 2);
}

// | `p.then(() => nativePromise).then(X)` | 4 |
#[test]
fn then_returning_a_promise_adds_two_ticks() {
    // Node: 4
    assert_eq!(
        tick_of(|m| {
            let derived: Promise<i32> = fulfilled().then(|_| Ok(fulfilled()));
            derived.then(x(m));
        }),
        4
    );
}

// Not a table row, asked for alongside it: a handler returning a synchronous thenable. The
// derived promise is resolved with a thenable in tick 1, NewPromiseResolveThenableJob runs in
// tick 2 and fulfills it synchronously, so X runs in tick 3 (one tick more than returning a
// value, one less than returning a native promise).
#[test]
fn then_returning_a_sync_thenable_adds_one_tick() {
    // Node: 3
    assert_eq!(
        tick_of(|m| {
            let derived: Promise<i32> = fulfilled().then(|_| Ok(Resolution::thenable(SyncThenable)));
            derived.then(x(m));
        }),
        3
    );
}

// | `p.finally(f).then(X)` (fulfilled or rejected) | 4 |
#[test]
fn finally_on_a_fulfilled_promise_then_runs_in_tick_4() {
    // Node: 4
    assert_eq!(tick_of(|m| drop(fulfilled().finally(|| Ok(())).then(x(m)))), 4);
}

#[test]
fn finally_on_a_rejected_promise_then_catch_runs_in_tick_4() {
    // Node: 4, for both `.then(null, X)` and `.catch(X)`
    assert_eq!(tick_of(|m| drop(rejected().finally(|| Ok(())).catch(x_catch(m)))), 4);
    assert_eq!(tick_of(|m| drop(rejected().finally(|| Ok(())).then_both(Ok, x_catch(m)))), 4);
}

#[test]
fn finally_returning_a_fulfilled_promise_still_runs_in_tick_4() {
    // Node: 4 (PromiseResolve returns the native promise itself; `.then(valueThunk)` on it)
    assert_eq!(tick_of(|m| drop(fulfilled().finally::<i32, _>(|| Ok(fulfilled())).then(x(m)))), 4);
}

// | `Promise.all/allSettled/any/race([fulfilled, ...]).then(X)` | 2 |
#[test]
fn all_of_fulfilled_promises_then_runs_in_tick_2() {
    // Node: 2
    assert_eq!(
        tick_of(|m| {
            Promise::<i32>::all([fulfilled(), fulfilled()]).then(move |v| {
                assert_eq!(v, [1, 1]);
                m.hit();
                Ok(())
            });
        }),
        2
    );
}

/// Fulfilled inputs take the path without a reaction record (`combinators.rs`): mixed with a
/// pending input resolved in the same task, every slot still gets its own value, in input
/// order, and the combined promise still fulfills in tick 2.
#[test]
fn all_of_fulfilled_and_pending_inputs_then_runs_in_tick_2_in_input_order() {
    // Node: 2, [1, 2, 1]
    assert_eq!(
        tick_of(|m| {
            let (pending, resolvers) = Promise::<i32>::with_resolvers();
            Promise::<i32>::all([fulfilled(), pending, fulfilled()]).then(move |v| {
                assert_eq!(v, [1, 2, 1]);
                m.hit();
                Ok(())
            });
            resolvers.resolve(2);
        }),
        2
    );
}

/// A rejected input among fulfilled ones rejects the combined promise in tick 2, and every
/// input counts as handled (the `then` of step 4.n sets [[PromiseIsHandled]] on each).
#[test]
fn all_with_a_rejected_input_among_fulfilled_ones_catch_runs_in_tick_2() {
    // Node: 2
    assert_eq!(
        tick_of(|m| {
            let inputs = [fulfilled(), rejected(), fulfilled()];
            Promise::<i32>::all(inputs.clone()).catch(move |e| {
                assert_eq!(e, Error::msg("r"));
                m.hit();
                Ok(Vec::new())
            });
            assert!(inputs.iter().all(Promise::is_handled));
        }),
        2
    );
}

#[test]
fn all_settled_of_fulfilled_promises_then_runs_in_tick_2() {
    // Node: 2
    assert_eq!(
        tick_of(|m| {
            Promise::<i32>::all_settled([fulfilled(), fulfilled()]).then(move |v| {
                assert_eq!(v, [Settled::Fulfilled(1), Settled::Fulfilled(1)]);
                m.hit();
                Ok(())
            });
        }),
        2
    );
}

#[test]
fn any_of_fulfilled_promises_then_runs_in_tick_2() {
    // Node: 2
    assert_eq!(tick_of(|m| drop(Promise::<i32>::any([fulfilled(), fulfilled()]).then(x(m)))), 2);
}

#[test]
fn race_of_fulfilled_promises_then_runs_in_tick_2() {
    // Node: 2
    assert_eq!(tick_of(|m| drop(Promise::<i32>::race([fulfilled(), fulfilled()]).then(x(m)))), 2);
}

#[test]
fn all_of_plain_values_then_runs_in_tick_2() {
    // Node: 2 (each value becomes a fulfilled promise through PromiseResolve, then `.then`)
    assert_eq!(
        tick_of(|m| {
            <Promise<i32> as PromiseStatics<_, _, _>>::all::<Vec<i32>, _>([1, 2]).then(move |v| {
                assert_eq!(v, [1, 2]);
                m.hit();
                Ok(())
            });
        }),
        2
    );
}

#[test]
fn all_of_nothing_then_runs_in_tick_1() {
    // Node: 1 (`Promise.all([])` fulfills synchronously)
    assert_eq!(
        tick_of(|m| {
            <Promise<i32> as PromiseStatics<_, _, _>>::all::<Vec<i32>, _>(Vec::<i32>::new()).then(move |v| {
                assert!(v.is_empty());
                m.hit();
                Ok(())
            });
        }),
        1
    );
}

// | `Promise.resolve(nativePromise)` | returns the same object |
#[test]
fn promise_resolve_of_a_native_promise_is_that_promise() {
    // Node: `Promise.resolve(a) === a` is true
    let el = EventLoop::new();
    let _g = el.enter();
    let a = fulfilled();
    let b: Promise<i32> = Promise::resolve(a.clone());
    assert!(b.ptr_eq(&a));
    let (pending, _r) = Promise::<i32>::with_resolvers();
    let c: Promise<i32> = Promise::resolve(pending.clone());
    assert!(c.ptr_eq(&pending));
    let rej = rejected();
    let d: Promise<i32> = Promise::resolve(rej.clone());
    assert!(d.ptr_eq(&rej));
    rej.catch(|_| Ok(0));
}

#[test]
fn promise_resolve_of_a_native_promise_then_runs_in_tick_1() {
    // Node: 1 (no wrapping, so no extra ticks, unlike `new Promise(r => r(native))`)
    assert_eq!(tick_of(|m| drop(Promise::<i32>::resolve(fulfilled()).then(x(m)))), 1);
}

#[test]
fn promise_resolve_of_a_sync_thenable_then_runs_in_tick_2() {
    // Node: 2
    assert_eq!(tick_of(|m| drop(Promise::<i32>::resolve(Resolution::thenable(SyncThenable)).then(x(m)))), 2);
}

// The same rules on the rejection path.
#[test]
fn rejected_catch_runs_in_tick_1() {
    // Node: 1
    assert_eq!(tick_of(|m| drop(rejected().catch(x_catch(m)))), 1);
}

#[test]
fn resolving_with_a_rejected_promise_costs_two_ticks() {
    // Node: 3
    assert_eq!(
        tick_of(|m| {
            Promise::<i32>::new(|r| {
                r.resolve(rejected());
                Ok(())
            })
            .catch(x_catch(m));
        }),
        3
    );
}

#[test]
fn then_returning_a_rejected_promise_catch_runs_in_tick_4() {
    // Node: 4
    assert_eq!(
        tick_of(|m| {
            let derived: Promise<i32> = fulfilled().then(|_| Ok(rejected()));
            derived.catch(x_catch(m));
        }),
        4
    );
}

#[test]
fn then_throwing_catch_runs_in_tick_2() {
    // Node: 2 (`p.then(() => { throw 1 }).catch(X)`), for an `Err` and for a panic
    assert_eq!(tick_of(|m| drop(fulfilled().then(|_| Err::<i32, _>(Error::msg("t"))).catch(x_catch(m)))), 2);
    assert_eq!(
        tick_of(|m| drop(fulfilled().then(|_| -> Result<i32, Error> { panic!("thrown") }).catch(x_catch(m)))),
        2
    );
}
