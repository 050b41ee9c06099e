//! The Promise constructor's static methods (27.2.4) in two forms.
//!
//! Rust infers nothing from a type parameter's default, so a generic `Promise::resolve(1)` or
//! `Promise::race(vec![a, b])` cannot tell which reason type and classifier it means, nor a
//! promise input from a promise-valued input (E0283). The forms a Rust program writes are
//! therefore inherent methods that fix what it leaves unsaid: the classifier is
//! [`NoThenables`], `resolve` (whose argument does not name a reason) rejects with [`Error`],
//! and the combinators take promises, so their value and reason types follow from the inputs.
//! An embedder with its own classifier or reason type uses the same names through
//! [`PromiseStatics`]: on `Promise<V, V, MyThenables>` the inherent forms do not apply, so the
//! trait's (in scope) are found. See docs/design.md, "First-compile ergonomics".

use crate::combinators::Settled;
use crate::error::{Error, Reason, Value};
use crate::promise::Promise;
use crate::resolution::{IntoResolution, Thenables};

/// `Promise.resolve`, `Promise.reject`, `Promise.all`, `Promise.allSettled`, `Promise.any` and
/// `Promise.race` for every reason type `E` and classifier `D`, with inputs of any
/// [`IntoResolution`] (values, promises, thenables) and results collected into any
/// `FromIterator` type (an engine's own array value).
///
/// Rust code with the default classifier calls the inherent forms (`Promise::resolve(1)`,
/// `Promise::all(vec![a, b])`), which need no annotations; this trait is for embedders, and for
/// inputs that are not promises. The algorithms and their spec steps are in `promise.rs` and
/// `combinators.rs`.
///
/// ```
/// use settle::prelude::*;
/// use settle::promise::PromiseStatics;
///
/// let v = block_on(async {
///     // Plain values as inputs, collected into a String: the trait form.
///     let letters = ['a', 'b', 'c'];
///     let joined = <Promise<char> as PromiseStatics<_, _, _>>::all::<String, _>(letters);
///     joined.await
/// });
/// assert_eq!(v.unwrap(), "abc");
/// ```
pub trait PromiseStatics<T: Value, E: Reason, D: Thenables<T, E>>: Sized {
    /// `Promise.resolve(x)` (27.2.4.7): PromiseResolve(%Promise%, x).
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::PromiseStatics;
    /// let el = EventLoop::new();
    /// let _g = el.enter();
    /// let p = Promise::<i32, String>::resolve(1); // not the Error-only inherent form: this one
    /// assert_eq!(p.result(), Some(Ok(1)));
    /// ```
    fn resolve(x: impl IntoResolution<T, E, D>) -> Self;

    /// `Promise.reject(r)` (27.2.4.6).
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current: the rejection tracker lives on the loop.
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::PromiseStatics;
    /// let el = EventLoop::new();
    /// let _g = el.enter();
    /// let p = <Promise<i32> as PromiseStatics<_, _, _>>::reject(Error::msg("no"));
    /// p.catch(|_| Ok(0));
    /// ```
    fn reject(r: E) -> Self;

    /// `Promise.all(iterable)` (27.2.4.1), collecting into `C`.
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::PromiseStatics;
    /// let sum = block_on(async {
    ///     let all = <Promise<i32> as PromiseStatics<_, _, _>>::all::<Vec<i32>, _>([1, 2, 3]);
    ///     all.await.map(|v| v.iter().sum::<i32>())
    /// });
    /// assert_eq!(sum.unwrap(), 6);
    /// ```
    fn all<C, I>(iterable: I) -> Promise<C, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
        C: Value + FromIterator<T>,
        D: Thenables<C, E>;

    /// `Promise.allSettled(iterable)` (27.2.4.2), collecting into `C`.
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::{PromiseStatics, Settled};
    /// let v = block_on(async {
    ///     let all = <Promise<i32> as PromiseStatics<_, _, _>>::all_settled::<Vec<_>, _>([1]);
    ///     all.await
    /// });
    /// assert_eq!(v.unwrap(), [Settled::Fulfilled(1)]);
    /// ```
    fn all_settled<C, I>(iterable: I) -> Promise<C, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
        C: Value + FromIterator<Settled<T, E>>,
        D: Thenables<C, E>;

    /// `Promise.any(iterable)` (27.2.4.3).
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::PromiseStatics;
    /// let v = block_on(async {
    ///     let any = <Promise<i32> as PromiseStatics<_, _, _>>::any([7, 8]);
    ///     any.await
    /// });
    /// assert_eq!(v.unwrap(), 7);
    /// ```
    fn any<I>(iterable: I) -> Promise<T, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>;

    /// `Promise.race(iterable)` (27.2.4.5).
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::PromiseStatics;
    /// let v = block_on(async {
    ///     let first = <Promise<i32> as PromiseStatics<_, _, _>>::race([3, 4]);
    ///     first.await
    /// });
    /// assert_eq!(v.unwrap(), 3);
    /// ```
    fn race<I>(iterable: I) -> Promise<T, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>;
}

/// The forms whose arguments do not name a reason type: settle's [`Error`].
impl<T: Value> Promise<T> {
    /// `Promise.resolve(x)` (27.2.4.7), that is PromiseResolve(%Promise%, x) (27.2.4.7.1): a
    /// settle promise comes back as the very same promise; anything else gives a new promise
    /// resolved with it (a thenable is adopted one job later). For another reason type, name it
    /// (`Promise::<i32, String>::resolve(1)` calls [`PromiseStatics::resolve`]).
    ///
    /// ```
    /// use settle::prelude::*;
    /// let el = EventLoop::new();
    /// let _g = el.enter();
    /// let p = Promise::resolve(7);
    /// assert_eq!(p.result().unwrap().unwrap(), 7);
    /// let q: Promise<i32> = Promise::resolve(p.clone());
    /// assert!(q.ptr_eq(&p));
    /// ```
    pub fn resolve(x: impl IntoResolution<T, Error>) -> Promise<T> {
        Promise::promise_resolve(x)
    }
}

/// The forms whose arguments name the reason type.
impl<T: Value, E: Reason> Promise<T, E> {
    /// `Promise.reject(r)` (27.2.4.6): a promise rejected with `r`. If no handler is attached
    /// by the end of the current checkpoint, it is reported as an unhandled rejection.
    ///
    /// # Panics
    ///
    /// Panics when no event loop is current: the rejection tracker lives on the loop.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let el = EventLoop::new();
    /// let _g = el.enter();
    /// let p: Promise<i32, String> = Promise::reject("Oops".to_string());
    /// assert_eq!(p.state(), settle::promise::PromiseState::Rejected);
    /// p.catch(|e| Ok(e.len() as i32)); // handled before the checkpoint: not reported
    /// ```
    #[track_caller]
    pub fn reject(r: E) -> Promise<T, E> {
        // Checked here so that the panic names the caller's line (the tracker, deeper down,
        // would panic too, but inside settle).
        if let Err(no_loop) = settle_runtime::Handle::try_current() {
            panic!("{no_loop}");
        }
        Promise::promise_reject(r)
    }

    /// `Promise.all(iterable)` (27.2.4.1): fulfills with every value, in input order, once all
    /// inputs fulfill; rejects with the first rejection. An empty input fulfills at once.
    ///
    /// ```
    /// use settle::prelude::*;
    /// let v = block_on(async {
    ///     Promise::all(vec![Promise::resolve(42), Promise::resolve(43)]).await
    /// });
    /// assert_eq!(v.unwrap(), [42, 43]);
    /// ```
    pub fn all<I>(iterable: I) -> Promise<Vec<T>, E>
    where
        I: IntoIterator<Item = Promise<T, E>>,
    {
        Promise::promise_all(iterable)
    }

    /// `Promise.allSettled(iterable)` (27.2.4.2): fulfills, once every input settled, with each
    /// outcome in input order. Never rejects.
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::Settled;
    /// let v = block_on(async {
    ///     Promise::all_settled(vec![Promise::resolve(1), Promise::reject(Error::msg("no"))]).await
    /// });
    /// assert_eq!(v.unwrap(), [Settled::Fulfilled(1), Settled::Rejected(Error::msg("no"))]);
    /// ```
    pub fn all_settled<I>(iterable: I) -> Promise<Vec<Settled<T, E>>, E>
    where
        I: IntoIterator<Item = Promise<T, E>>,
    {
        Promise::promise_all_settled(iterable)
    }

    /// `Promise.any(iterable)` (27.2.4.3): fulfills with the first fulfillment; rejects, once
    /// every input rejected, with an AggregateError (through [`Reason::from_aggregate`])
    /// holding every reason in input order. An empty input rejects at once.
    ///
    /// ```
    /// use settle::prelude::*;
    /// use settle::promise::ErrorKind;
    /// let v = block_on(async {
    ///     Promise::<i32>::any(vec![Promise::reject(Error::msg("a")), Promise::reject(Error::msg("b"))]).await
    /// });
    /// let e = v.unwrap_err();
    /// let ErrorKind::Aggregate(agg) = e.kind() else { panic!("{e}") };
    /// assert_eq!(agg.errors, [Error::msg("a"), Error::msg("b")]);
    /// ```
    pub fn any<I>(iterable: I) -> Promise<T, E>
    where
        I: IntoIterator<Item = Promise<T, E>>,
    {
        Promise::promise_any(iterable)
    }

    /// `Promise.race(iterable)` (27.2.4.5): settles like the first input to settle. An empty
    /// input stays pending forever, as the book warns (chapter 3, "Promise.race").
    ///
    /// ```
    /// use settle::prelude::*;
    /// let v = block_on(async {
    ///     let (slow, _keep) = Promise::<i32>::with_resolvers();
    ///     Promise::race(vec![slow, Promise::resolve(2)]).await
    /// });
    /// assert_eq!(v.unwrap(), 2);
    /// ```
    pub fn race<I>(iterable: I) -> Promise<T, E>
    where
        I: IntoIterator<Item = Promise<T, E>>,
    {
        Promise::promise_race(iterable)
    }
}

/// The algorithms are the inherent `promise_*` functions of `promise.rs` and `combinators.rs`,
/// where their spec steps are.
impl<T: Value, E: Reason, D: Thenables<T, E>> PromiseStatics<T, E, D> for Promise<T, E, D> {
    fn resolve(x: impl IntoResolution<T, E, D>) -> Promise<T, E, D> {
        Promise::promise_resolve(x)
    }

    #[track_caller]
    fn reject(r: E) -> Promise<T, E, D> {
        Promise::promise_reject(r)
    }

    fn all<C, I>(iterable: I) -> Promise<C, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
        C: Value + FromIterator<T>,
        D: Thenables<C, E>,
    {
        Promise::promise_all(iterable)
    }

    fn all_settled<C, I>(iterable: I) -> Promise<C, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
        C: Value + FromIterator<Settled<T, E>>,
        D: Thenables<C, E>,
    {
        Promise::promise_all_settled(iterable)
    }

    fn any<I>(iterable: I) -> Promise<T, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
    {
        Promise::promise_any(iterable)
    }

    fn race<I>(iterable: I) -> Promise<T, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
    {
        Promise::promise_race(iterable)
    }
}
