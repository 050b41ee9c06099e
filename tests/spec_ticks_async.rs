//! The `await` / `async` rows of the project's tick table (`spec-ticks.md`), with the same ruler
//! as `spec_ticks.rs`: `Promise.resolve().then(t1).then(t2)...` started right after the
//! scenario; X runs in tick n when exactly n - 1 ruler steps ran before it.
//!
//! An `async` function is [`spawn_local`] (it runs at once up to its first `await`, and its
//! result goes through the promise's resolve function); JavaScript's `await v` is
//! `Promise::resolve(v).await`, which is what Await does (PromiseResolve, then
//! PerformPromiseThen). Every number was checked against Node 20.20.2 (V8 11.3) with the ruler
//! shown in `spec_ticks.rs`.

use settle_futures::spawn_local;
use settle_promise::{Error, Promise, Resolution, Resolvers, Thenable};

mod support;
use support::{Mark, tick_of};

/// `{ then(f) { f(1) } }`.
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

fn x(mark: Mark) -> impl FnOnce(i32) -> Result<(), Error> {
    move |_| {
        mark.hit();
        Ok(())
    }
}

// | `await nativePromise; X` | 1 |
#[test]
fn await_a_native_promise_resumes_in_tick_1() {
    // Node: 1
    assert_eq!(
        tick_of(|m| {
            let _: Promise<()> = spawn_local(async move {
                fulfilled().await?;
                m.hit();
                Ok::<(), Error>(())
            });
        }),
        1
    );
}

// | `await v; X` (non-thenable) | 1 |
#[test]
fn await_a_plain_value_resumes_in_tick_1() {
    // Node: 1
    assert_eq!(
        tick_of(|m| {
            let _: Promise<()> = spawn_local(async move {
                Promise::<i32>::resolve(5).await?;
                m.hit();
                Ok::<(), Error>(())
            });
        }),
        1
    );
}

// | `await thenable; X` | 2 |
#[test]
fn await_a_thenable_resumes_in_tick_2() {
    // Node: 2
    assert_eq!(
        tick_of(|m| {
            let _: Promise<()> = spawn_local(async move {
                Promise::<i32>::resolve(Resolution::thenable(SyncThenable)).await?;
                m.hit();
                Ok::<(), Error>(())
            });
        }),
        2
    );
}

// | `(async () => v)().then(X)` | 1 |
#[test]
fn async_returning_a_value_then_runs_in_tick_1() {
    // Node: 1
    assert_eq!(
        tick_of(|m| {
            let p: Promise<i32> = spawn_local(async { Ok::<i32, Error>(5) });
            p.then(x(m));
        }),
        1
    );
}

// | `(async () => nativePromise)().then(X)` | 3 |
#[test]
fn async_returning_a_promise_then_runs_in_tick_3() {
    // Node: 3
    assert_eq!(
        tick_of(|m| {
            let p: Promise<i32> = Promise::from_future(async { Ok::<Promise<i32>, Error>(fulfilled()) });
            p.then(x(m));
        }),
        3
    );
}

// | `(async () => await nativePromise)().then(X)` | 2 |
#[test]
fn async_returning_an_awaited_promise_then_runs_in_tick_2() {
    // Node: 2
    assert_eq!(
        tick_of(|m| {
            let p: Promise<i32> = spawn_local(async { fulfilled().await });
            p.then(x(m));
        }),
        2
    );
}
