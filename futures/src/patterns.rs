//! The book's promise patterns (chapter 3, sections 3.6 and 3.8), kept apart from the spec API:
//! none of these is part of ECMA-262.
//!
//! "You Don't Know JS: Async & Performance" builds these helpers on top of the standard
//! `Promise` API (as `Promise.observe`, `Promise.first`, `Promise.map`, `Promise.wrap`, and the
//! `timeoutPromise` race). They live in their own module so that the spec surface of
//! [`Promise`] stays exactly ECMA-262's, and each one is written only with that public API (plus
//! [`Handle::current`] for the timer of [`timeout`]), the way the book writes them in JavaScript.
//!
//! | book | here | settles |
//! |---|---|---|
//! | `Promise.race([p, timeoutPromise(ms)])` | [`timeout`] | like `p`, or rejects with [`TimeoutError`] |
//! | `Promise.observe(p, cb)` | [`observe`] | returns `p` itself |
//! | `none([..])` | [`none`] | fulfills with every reason once all reject; rejects on the first fulfillment |
//! | `first([..])` | [`first`] | the first fulfillment; rejects only if all reject |
//! | `last([..])` | [`last`] | the last fulfillment; rejects only if all reject |
//! | `Promise.map(vals, cb)` | [`map`] | every mapped value, in input order |
//! | `Promise.wrap(fn)` | [`promisify`] | a "promisory": a function returning promises |
//!
//! [`none`], [`first`] and [`last`] take promises, not "values, promises or thenables" as the
//! spec combinators do: with a free function, Rust could not tell a promise of `T` from a plain
//! value of type `Promise<T>` without the caller naming `T`. Pass other values through
//! [`Promise::resolve`] first, which is what the book's `Promise.resolve(pr)` does anyway.
//!
//! ```
//! use std::time::Duration;
//! use settle::promise::{Error, Promise, patterns};
//! use settle::runtime::EventLoop;
//!
//! let el = EventLoop::builder().virtual_clock().build();
//! let _g = el.enter();
//! let (slow, _never) = Promise::<i32>::with_resolvers();
//! let p = patterns::timeout(slow, Duration::from_secs(3));
//! drop(_g);
//! el.run().unwrap();
//! assert_eq!(p.result().unwrap().unwrap_err().to_string(), "TimeoutError: Timeout!");
//! ```

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use settle_runtime::Handle;

use settle_promise::{
    AggregateError, IntoResolution, Promise, PromiseStatics, Reason, Resolvers, Thenables, TimeoutError,
    Value,
};

/// The book's timeout race (chapter 3, "Promise.race"): `Promise.race([promise,
/// timeoutPromise(duration)])`, where the timer rejects with [`TimeoutError`] ("Timeout!").
///
/// Unlike the book's `timeoutPromise`, the timer is cleared as soon as `promise` settles, i.e.
/// when `promise` decides the race: a forgotten timer would keep the loop alive (`run` would
/// wait for it) and hold the race's resolving functions until it fired. The result settles in
/// the same tick as the `Promise.race` it is.
///
/// # Panics
///
/// Panics when no event loop is current (see [`Handle::current`]).
///
/// ```
/// use std::time::Duration;
/// use settle::promise::{Error, Promise, patterns::timeout};
/// use settle::runtime::{EventLoop, Handle};
///
/// let el = EventLoop::builder().virtual_clock().build();
/// let _g = el.enter();
/// // foo() answers after one second; it is given three.
/// let (foo, r) = Promise::<i32>::with_resolvers();
/// Handle::current().set_timeout(Duration::from_secs(1), move || r.resolve(42));
/// let p = timeout(foo, Duration::from_secs(3));
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(p.result().unwrap().unwrap(), 42);
/// // The loop did not wait for the (cleared) three-second timer.
/// assert_eq!(el.now(), Duration::from_secs(1));
/// ```
#[track_caller]
pub fn timeout<T, E, D>(promise: Promise<T, E, D>, duration: Duration) -> Promise<T, E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    let handle = Handle::current();
    // The book's `timeoutPromise(delay)`: a promise that a timer rejects with "Timeout!".
    let (timer, expire) = Promise::<T, E, D>::with_resolvers();
    let id = handle.set_timeout(duration, move || expire.reject(E::from_timeout(TimeoutError)));
    let raced = Promise::<T, E, D>::race([promise.clone(), timer]);
    // Clear the timer once `promise` settles (if the timer fired first, there is nothing left
    // to clear). The reaction goes on `promise`, not on `raced`: `race` already made `promise`
    // handled, whereas a reaction on `raced` would mark the caller's promise as handled and
    // hide its rejection from the unhandled-rejection report.
    let on_reject = handle.clone();
    promise
        .then_with(
            Some(move |value: T| {
                handle.clear_timer(id);
                Ok::<T, E>(value)
            }),
            Some(move |reason: E| {
                on_reject.clear_timer(id);
                Err::<T, E>(reason)
            }),
        )
        // This derived promise only exists to run the reaction; its rejection (a copy of
        // `promise`'s) is reported through `raced` if nobody handles that.
        .defer();
    raced
}

/// The book's `Promise.observe(pr, cb)` (chapter 3, "Finally"): watches `promise` from the side
/// without changing it, and returns `promise` itself.
///
/// When `promise` settles, `f` receives the outcome in a job of its own, one tick after the
/// reaction (the book's `Promise.resolve(msg).then(cb)`). What `f` returns (a value, or a
/// promise for cleanup that takes time) is awaited in that side chain, and its failure (an
/// `Err`, a panic, a rejected promise) is ignored: an observer must not disturb the observed
/// chain, nor create an unhandled rejection of its own. As in the book, observing counts as
/// handling `promise`: `f` sees the rejection.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use settle::promise::{Error, Promise, patterns::observe};
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let seen = Rc::new(RefCell::new(None));
/// let s = seen.clone();
/// el.queue_task(move || {
///     let p = Promise::<i32>::resolve(42);
///     let same = observe(p.clone(), move |outcome| {
///         *s.borrow_mut() = Some(outcome);
///         Err::<(), _>(Error::msg("ignored"))
///     });
///     assert!(same.ptr_eq(&p));
/// });
/// el.run().unwrap();
/// assert_eq!(seen.borrow_mut().take().unwrap().unwrap(), 42);
/// ```
pub fn observe<T, E, D, R>(
    promise: Promise<T, E, D>,
    f: impl FnOnce(Result<T, E>) -> Result<R, E> + 'static,
) -> Promise<T, E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E> + Thenables<(), E>,
    R: IntoResolution<(), E, D>,
{
    // Only one of the two handlers ever runs; both need the one observer.
    let observer = Rc::new(Cell::new(Some(f)));
    let on_reject = observer.clone();
    let _side: Promise<(), E, D> = promise.then_both(
        move |value| Ok(schedule_observer(&observer, Ok(value))),
        move |reason| Ok(schedule_observer(&on_reject, Err(reason))),
    );
    // "Return the original promise."
    promise
}

/// The book's `Promise.resolve(msg).then(cb)`, with the side chain's failure swallowed.
fn schedule_observer<T, E, D, R, F>(observer: &Cell<Option<F>>, outcome: Result<T, E>) -> Promise<(), E, D>
where
    T: Value,
    E: Reason,
    D: Thenables<(), E>,
    R: IntoResolution<(), E, D>,
    F: FnOnce(Result<T, E>) -> Result<R, E> + 'static,
{
    let f = observer.take();
    Promise::<(), E, D>::resolve(())
        .then(move |()| match f {
            Some(f) => f(outcome).map(IntoResolution::into_resolution),
            None => Ok(settle_promise::Resolution::Value(())),
        })
        .catch(|_| Ok(()))
}

/// The book's `none([..])` (chapter 3, "Variations on all([ .. ]) and race([ .. ])"): like
/// `Promise.all` with fulfillment and rejection swapped. Fulfills, once every input rejected,
/// with the reasons in input order; rejects with the first value to fulfill (converted with
/// `E::from`, since the reason type must carry it). An empty input fulfills with no reasons.
///
/// Written as the book suggests, with `Promise.all`: each input goes through a `then` that
/// swaps its outcome, so the result settles one tick after `Promise.all` would.
///
/// ```
/// use settle::promise::{Error, Promise, patterns::none};
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let _g = el.enter();
/// let all_failed = none([Promise::<&str>::reject(Error::msg("a")), Promise::reject(Error::msg("b"))]);
/// let one_worked = none([Promise::<&str>::reject(Error::msg("a")), Promise::resolve("yes")]);
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(all_failed.result().unwrap().unwrap(), [Error::msg("a"), Error::msg("b")]);
/// assert_eq!(one_worked.result().unwrap().unwrap_err(), Error::msg("yes"));
/// ```
pub fn none<T, E, D, I>(iterable: I) -> Promise<Vec<E>, E, D>
where
    I: IntoIterator<Item = Promise<T, E, D>>,
    T: Value,
    E: Reason + From<T>,
    D: Thenables<T, E> + Thenables<E, E> + Thenables<Vec<E>, E>,
{
    let swapped: Vec<Promise<E, E, D>> = iterable
        .into_iter()
        .map(|x| {
            // The outcome is swapped: a fulfillment "throws" its value, a rejection "returns"
            // its reason.
            x.then_both(|value| Err::<E, E>(E::from(value)), |reason| Ok::<E, E>(reason))
        })
        .collect();
    Promise::<E, E, D>::all::<Vec<E>, _>(swapped)
}

/// The book's `first([..])` (chapter 3, "Variations on all([ .. ]) and race([ .. ])"): a race
/// that ignores rejections. Fulfills with the first input to fulfill; rejects, only once every
/// input rejected, with an [`AggregateError`] of the reasons in input order.
///
/// The book's version hangs when everything rejects and leaves the fix "as an exercise"; that
/// exercise is what ES2021 standardized as `Promise.any`, so `first` is [`Promise::any`]
/// (ticks included; an empty input rejects at once), under the book's name.
///
/// ```
/// use settle::promise::{Error, Promise, patterns::first};
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let _g = el.enter();
/// let p = first([Promise::<i32>::reject(Error::msg("Oops")), Promise::resolve(42), Promise::resolve(43)]);
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(p.result().unwrap().unwrap(), 42);
/// ```
pub fn first<T, E, D, I>(iterable: I) -> Promise<T, E, D>
where
    I: IntoIterator<Item = Promise<T, E, D>>,
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    Promise::<T, E, D>::any(iterable)
}

/// The book's `last([..])` (chapter 3, "Variations on all([ .. ]) and race([ .. ])"): like
/// [`first`], but the last fulfillment wins. Waits for every input to settle, then fulfills
/// with the value of the input that fulfilled last (in time, not in input order); rejects,
/// if every input rejected, with an [`AggregateError`] of the reasons in input order. An empty
/// input rejects at once.
///
/// ```
/// use std::time::Duration;
/// use settle::promise::{Error, Promise, patterns::last};
/// use settle::runtime::{EventLoop, Handle};
///
/// let el = EventLoop::builder().virtual_clock().build();
/// let _g = el.enter();
/// let (slow, r) = Promise::<i32>::with_resolvers();
/// Handle::current().set_timeout(Duration::from_millis(10), move || r.resolve(1));
/// let p = last([slow, Promise::resolve(2), Promise::reject(Error::msg("Oops"))]);
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(p.result().unwrap().unwrap(), 1);
/// ```
pub fn last<T, E, D, I>(iterable: I) -> Promise<T, E, D>
where
    I: IntoIterator<Item = Promise<T, E, D>>,
    T: Value,
    E: Reason,
    D: Thenables<T, E> + Thenables<(), E>,
{
    gather_fulfillments(iterable)
}

/// What `last` remembers while its inputs settle.
struct Tally<T, E> {
    /// Inputs not settled yet, plus one while the inputs are still being iterated (as in the
    /// spec's combinators), so that the result cannot settle before every input was seen.
    remaining: Cell<usize>,
    /// Each input's rejection, by input position (`None`: fulfilled or pending).
    reasons: RefCell<Vec<Option<E>>>,
    /// The latest fulfillment so far.
    fulfilled: RefCell<Option<T>>,
}

fn gather_fulfillments<T, E, D, I>(iterable: I) -> Promise<T, E, D>
where
    I: IntoIterator<Item = Promise<T, E, D>>,
    T: Value,
    E: Reason,
    D: Thenables<T, E> + Thenables<(), E>,
{
    // The book: `new Promise(function(resolve, reject){ prs.forEach(..) })`.
    let (result, resolvers) = Promise::<T, E, D>::with_resolvers();
    let tally = Rc::new(Tally {
        remaining: Cell::new(1),
        reasons: RefCell::new(Vec::new()),
        fulfilled: RefCell::new(None),
    });
    for x in iterable {
        let index = {
            let mut reasons = tally.reasons.borrow_mut();
            reasons.push(None);
            reasons.len() - 1
        };
        tally.remaining.set(tally.remaining.get() + 1);
        let (on_fulfill, on_reject) =
            ((tally.clone(), resolvers.clone()), (tally.clone(), resolvers.clone()));
        // `Promise.resolve(pr).then(..)` (the inputs are already promises).
        let _: Promise<(), E, D> = x.then_both(
            move |value| {
                let (tally, resolvers) = on_fulfill;
                *tally.fulfilled.borrow_mut() = Some(value);
                finish_one(&tally, &resolvers);
                Ok(())
            },
            move |reason| {
                let (tally, resolvers) = on_reject;
                tally.reasons.borrow_mut()[index] = Some(reason);
                finish_one(&tally, &resolvers);
                Ok(())
            },
        );
    }
    finish_one(&tally, &resolvers);
    result
}

/// One input settled (or the iteration ended): once nothing is outstanding, settle the result
/// with the kept fulfillment, or reject with every reason if nothing fulfilled.
fn finish_one<T, E, D>(tally: &Tally<T, E>, resolvers: &Resolvers<T, E, D>)
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    let remaining = tally.remaining.get() - 1;
    tally.remaining.set(remaining);
    if remaining != 0 {
        return;
    }
    let kept = tally.fulfilled.borrow_mut().take();
    if let Some(value) = kept {
        resolvers.resolve(value);
    } else {
        let reasons = std::mem::take(&mut *tally.reasons.borrow_mut());
        resolvers.reject(E::from_aggregate(AggregateError::new(reasons.into_iter().flatten().collect())));
    }
}

/// The book's `Promise.map(vals, cb)` (chapter 3, "Concurrent Iterations"): calls
/// `f(value, done)` for every value at once, in order, and fulfills with what each call passed
/// to `done`, in input order (whatever order they finished in).
///
/// `done` is the element promise's resolving functions, as in the book where it is the
/// `resolve` of `new Promise(function(resolve){ cb(val, resolve) })`: `done.resolve(x)` maps
/// the value to `x` (adopting `x` if it is a promise). If `f` fails synchronously (returns
/// `Err` or panics) before calling `done`, the result rejects, as the book notes. Unlike the
/// book's version, `done.reject(e)` can also reject asynchronously.
///
/// ```
/// use std::time::Duration;
/// use settle::promise::{Promise, patterns::map};
/// use settle::runtime::{EventLoop, Handle};
///
/// let el = EventLoop::builder().virtual_clock().build();
/// let _g = el.enter();
/// // Each value is doubled after a delay that makes them finish in reverse order.
/// let p: Promise<Vec<u64>> = map([1, 2, 3], |v: u64, done| {
///     Handle::current().set_timeout(Duration::from_millis(10 - v), move || done.resolve(v * 2));
///     Ok(())
/// });
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(p.result().unwrap().unwrap(), [2, 4, 6]);
/// ```
pub fn map<V, U, E, D, F>(values: impl IntoIterator<Item = V>, mut f: F) -> Promise<Vec<U>, E, D>
where
    U: Value,
    E: Reason,
    D: Thenables<U, E> + Thenables<Vec<U>, E>,
    F: FnMut(V, Resolvers<U, E, D>) -> Result<(), E>,
{
    // `vals.map(val => new Promise(resolve => cb(val, resolve)))`: every call happens now.
    let mapped: Vec<Promise<U, E, D>> =
        values.into_iter().map(|value| Promise::new(|done| f(value, done))).collect();
    // `Promise.all(..)` waits for them and keeps the input order.
    Promise::<U, E, D>::all::<Vec<U>, _>(mapped)
}

/// The book's `Promise.wrap(fn)` (chapter 3, "Single Value" .. "promisory", section 3.8):
/// turns a function that takes an error-first callback into a "promisory", a function that
/// returns a promise instead.
///
/// Rust's error-first callback is `FnOnce(Result<T, E>)`: `Err` is the book's `err`, `Ok` its
/// `v`. Being `FnOnce`, the callback cannot be called twice; a panic in `f` rejects the
/// promise, as a `throw` inside the book's executor does. Several arguments travel as one
/// tuple `A` (the book's `betterFoo(11, 31)` is `better_foo((11, 31))`).
///
/// ```
/// use std::time::Duration;
/// use settle::promise::{Error, Promise, patterns::promisify};
/// use settle::runtime::{EventLoop, Handle};
///
/// /// A callback-style "Ajax" call that answers after 10 ms.
/// fn ajax(url: &'static str, cb: Box<dyn FnOnce(Result<String, Error>)>) {
///     Handle::current().set_timeout(Duration::from_millis(10), move || {
///         if url.starts_with("http") {
///             cb(Ok(format!("response from {url}")))
///         } else {
///             cb(Err(Error::msg("bad url")))
///         }
///     });
/// }
///
/// let el = EventLoop::builder().virtual_clock().build();
/// let _g = el.enter();
/// let request = promisify(ajax);
/// let ok = request("http://some.url.1/");
/// let bad = request("ftp://nope").defer();
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(ok.result().unwrap().unwrap(), "response from http://some.url.1/");
/// assert_eq!(bad.result().unwrap().unwrap_err(), Error::msg("bad url"));
/// ```
pub fn promisify<A, T, E, F>(f: F) -> impl Fn(A) -> Promise<T, E>
where
    T: Value,
    E: Reason,
    F: Fn(A, Box<dyn FnOnce(Result<T, E>)>),
{
    move |args| {
        Promise::new(|resolvers| {
            // The book's `function(err, v){ if (err) reject(err); else resolve(v); }`.
            let callback = move |outcome: Result<T, E>| match outcome {
                Ok(value) => resolvers.resolve(value),
                Err(reason) => resolvers.reject(reason),
            };
            f(args, Box::new(callback));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use settle_runtime::{EventLoop, Handle};

    use super::*;
    use settle_promise::{Error, ErrorKind, PromiseState};

    fn virtual_loop() -> EventLoop {
        EventLoop::builder().virtual_clock().build()
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A promise that `after` resolves (Ok) or rejects (Err) on the virtual clock.
    fn later<T: Value>(after: u64, outcome: Result<T, Error>) -> Promise<T> {
        let (p, r) = Promise::<T>::with_resolvers();
        Handle::current().set_timeout(ms(after), move || match outcome {
            Ok(v) => r.resolve(v),
            Err(e) => r.reject(e),
        });
        p
    }

    fn reasons(e: &Error) -> Vec<Error> {
        match e.kind() {
            ErrorKind::Aggregate(agg) => agg.errors.clone(),
            other => panic!("not an AggregateError: {other:?}"),
        }
    }

    #[test]
    fn timeout_passes_a_rejection_through_and_clears_the_timer() {
        let el = virtual_loop();
        let _g = el.enter();
        let p = timeout(later::<i32>(5, Err(Error::msg("Oops"))), ms(100)).defer();
        drop(_g);
        el.run().unwrap();
        assert_eq!(p.result().unwrap().unwrap_err(), Error::msg("Oops"));
        assert_eq!(el.now(), ms(5), "the 100 ms timer was cleared");
    }

    #[test]
    fn timeout_of_a_promise_settling_after_the_timer_keeps_the_timeout() {
        let el = virtual_loop();
        let _g = el.enter();
        let p = timeout(later(200, Ok(1)), ms(100)).defer();
        drop(_g);
        el.run().unwrap();
        assert_eq!(p.result().unwrap().unwrap_err(), Error::from(TimeoutError));
        assert_eq!(el.now(), ms(200));
    }

    #[test]
    fn timeout_result_is_reported_when_unhandled() {
        let reported = Rc::new(RefCell::new(Vec::new()));
        let r = reported.clone();
        let el = EventLoop::builder()
            .virtual_clock()
            .on_uncaught(move |u| r.borrow_mut().push(u.message().to_string()))
            .build();
        let _g = el.enter();
        let (never, _keep) = Promise::<i32>::with_resolvers();
        let _p = timeout(never, ms(10));
        drop(_g);
        el.run().unwrap();
        assert_eq!(*reported.borrow(), ["TimeoutError: Timeout!"]);
    }

    #[test]
    fn observe_runs_one_tick_after_the_reaction_and_swallows_a_rejected_cleanup() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let reported = Rc::new(RefCell::new(0));
        let n = reported.clone();
        let el = EventLoop::builder().on_uncaught(move |_| *n.borrow_mut() += 1).build();
        let l = log.clone();
        el.queue_task(move || {
            let p = Promise::<i32>::reject(Error::msg("Oops"));
            let (l1, l2, l3) = (l.clone(), l.clone(), l.clone());
            let same = observe(p.clone(), move |outcome| {
                l1.borrow_mut().push(format!("observer {outcome:?}"));
                // A cleanup that itself fails, later: ignored, not reported.
                Ok(Promise::<()>::reject(Error::msg("cleanup failed")))
            });
            assert!(same.ptr_eq(&p));
            same.catch(move |e| {
                l2.borrow_mut().push(format!("catch {e}"));
                Ok(0)
            });
            Promise::<()>::resolve(()).then(move |()| {
                l3.borrow_mut().push("tick 1".to_string());
                Ok(())
            });
        });
        el.run().unwrap();
        assert_eq!(*log.borrow(), ["catch Oops", "tick 1", r#"observer Err(Message("Oops"))"#]);
        assert_eq!(*reported.borrow(), 0);
    }

    #[test]
    fn observe_ignores_a_panicking_observer() {
        let el = EventLoop::builder().on_uncaught(|u| panic!("reported: {u}")).build();
        let out = Rc::new(RefCell::new(None));
        let o = out.clone();
        el.queue_task(move || {
            let p = observe(Promise::<i32>::resolve(42), |_| -> Result<(), Error> { panic!("observer") });
            p.then(move |v| {
                *o.borrow_mut() = Some(v);
                Ok(())
            });
        });
        el.run().unwrap();
        assert_eq!(*out.borrow(), Some(42));
    }

    #[test]
    fn none_of_nothing_fulfills_with_no_reasons() {
        let el = EventLoop::new();
        let _g = el.enter();
        let p = none::<&str, Error, _, _>(Vec::<Promise<&str>>::new());
        drop(_g);
        el.run().unwrap();
        assert_eq!(p.result().unwrap().unwrap(), Vec::<Error>::new());
    }

    #[test]
    fn first_and_last_of_all_rejected_reject_with_every_reason_in_input_order() {
        let el = virtual_loop();
        let _g = el.enter();
        let a = first([later::<i32>(20, Err(Error::msg("a"))), later(10, Err(Error::msg("b")))]).defer();
        let b = last([later::<i32>(20, Err(Error::msg("a"))), later(10, Err(Error::msg("b")))]).defer();
        drop(_g);
        el.run().unwrap();
        assert_eq!(reasons(&a.result().unwrap().unwrap_err()), [Error::msg("a"), Error::msg("b")]);
        assert_eq!(reasons(&b.result().unwrap().unwrap_err()), [Error::msg("a"), Error::msg("b")]);
    }

    #[test]
    fn first_and_last_of_nothing_reject_at_once() {
        let el = EventLoop::new();
        let _g = el.enter();
        let a = first(Vec::<Promise<i32>>::new()).defer();
        let b = last(Vec::<Promise<i32>>::new()).defer();
        assert_eq!(reasons(&a.result().unwrap().unwrap_err()), []);
        assert_eq!(reasons(&b.result().unwrap().unwrap_err()), []);
    }

    #[test]
    fn first_ignores_a_later_fulfillment_and_last_waits_for_it() {
        let el = virtual_loop();
        let _g = el.enter();
        let a = first([later(20, Ok("slow")), later(10, Ok("fast")), later(5, Err(Error::msg("x")))]);
        let b = last([later(20, Ok("slow")), later(10, Ok("fast")), later(30, Err(Error::msg("x")))]);
        let (b_state_at_20, s) = (Rc::new(RefCell::new(None)), b.clone());
        let at20 = b_state_at_20.clone();
        Handle::current().set_timeout(ms(21), move || *at20.borrow_mut() = Some(s.state()));
        drop(_g);
        el.run().unwrap();
        assert_eq!(a.result().unwrap().unwrap(), "fast");
        assert_eq!(b.result().unwrap().unwrap(), "slow");
        // `last` still waited for the rejection at 30 ms before settling.
        assert_eq!(*b_state_at_20.borrow(), Some(PromiseState::Pending));
    }

    #[test]
    fn map_rejects_when_the_callback_fails_synchronously() {
        let el = EventLoop::new();
        let _g = el.enter();
        let p: Promise<Vec<i32>> = map([1, 2], |v: i32, done| {
            if v == 2 {
                return Err(Error::msg("sync failure"));
            }
            done.resolve(v);
            Ok(())
        })
        .defer();
        drop(_g);
        el.run().unwrap();
        assert_eq!(p.result().unwrap().unwrap_err(), Error::msg("sync failure"));
    }

    #[test]
    fn map_done_adopts_a_promise() {
        let el = EventLoop::new();
        let _g = el.enter();
        let p: Promise<Vec<i32>> = map([20, 21], |v: i32, done| {
            done.resolve(Promise::<i32>::resolve(v * 2));
            Ok(())
        });
        drop(_g);
        el.run().unwrap();
        assert_eq!(p.result().unwrap().unwrap(), [40, 42]);
    }

    #[test]
    fn promisify_rejects_when_the_wrapped_function_panics() {
        let el = EventLoop::new();
        let _g = el.enter();
        let wrapped = promisify(|_: (), _cb: Box<dyn FnOnce(Result<i32, Error>)>| panic!("thrown"));
        let p = wrapped(()).defer();
        assert_eq!(p.result().unwrap().unwrap_err().to_string(), "panic: thrown");
    }

    #[test]
    fn promisify_ignores_a_callback_called_after_a_panic() {
        // The callback is consumed by the first call; a callback invoked before a panic wins.
        let el = EventLoop::new();
        let _g = el.enter();
        let wrapped = promisify(|v: i32, cb: Box<dyn FnOnce(Result<i32, Error>)>| {
            cb(Ok(v));
            panic!("after answering");
        });
        let p = wrapped(7);
        assert_eq!(p.result().unwrap().unwrap(), 7);
    }
}
