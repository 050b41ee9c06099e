//! What a promise can be resolved with, and how a value is classified: the resolve function's
//! steps 7-12, made pluggable for embedders.

use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;

use crate::promise::Promise;
use crate::resolving::Resolvers;

/// A value passed to a resolve function (or returned from a handler), classified as
/// ECMA-262's Promise Resolve Functions (27.2.1.3.2) classify it.
///
/// ```
/// use settle::promise::{Promise, Resolution};
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let _g = el.enter();
/// let p: Promise<i32> = Promise::resolve(Resolution::Value(42));
/// assert_eq!(p.result().unwrap().unwrap(), 42);
/// ```
pub enum Resolution<T, E, D = NoThenables> {
    /// Not a thenable: fulfills the promise (steps 8 and 12).
    Value(T),
    /// A settle promise: adopted through NewPromiseResolveThenableJob (steps 13-16), unless it
    /// is the promise being resolved (step 7: rejects with a TypeError).
    Promise(Promise<T, E, D>),
    /// A foreign thenable whose `then` was found callable: adopted through
    /// NewPromiseResolveThenableJob.
    Thenable(Rc<dyn Thenable<T, E, D>>),
    /// Looking up `then` failed (step 10): rejects the promise with this reason. Also what a
    /// handler that fails resolves its derived promise with.
    Throw(E),
}

impl<T, E, D> Resolution<T, E, D> {
    /// A foreign thenable as a resolution.
    ///
    /// ```
    /// use settle::promise::{Error, Resolution, Resolvers, Thenable};
    ///
    /// struct FortyTwo;
    /// impl Thenable<i32, Error> for FortyTwo {
    ///     fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
    ///         resolvers.resolve(42);
    ///         Ok(())
    ///     }
    /// }
    /// let r: Resolution<i32, Error> = Resolution::thenable(FortyTwo);
    /// assert!(matches!(r, Resolution::Thenable(_)));
    /// ```
    pub fn thenable(thenable: impl Thenable<T, E, D>) -> Resolution<T, E, D> {
        Resolution::Thenable(Rc::new(thenable))
    }
}

impl<T: fmt::Debug, E: fmt::Debug, D> fmt::Debug for Resolution<T, E, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resolution::Value(v) => f.debug_tuple("Value").field(v).finish(),
            Resolution::Promise(_) => f.write_str("Promise(..)"),
            Resolution::Thenable(_) => f.write_str("Thenable(..)"),
            Resolution::Throw(e) => f.debug_tuple("Throw").field(e).finish(),
        }
    }
}

/// A foreign thenable: an object with a `then` method that is not a settle promise.
///
/// The spec trusts nothing about it: its `then` may call both callbacks, call one twice, fail
/// after resolving, fail before resolving, or never call back. The [`Resolvers`] it receives
/// enforce \[\[AlreadyResolved\]\], so the promise adopting it settles at most once, with the first
/// call (the book's "trust" examples, chapter 3).
///
/// ```
/// use settle::promise::{Error, Promise, Resolution, Resolvers, Thenable};
/// use settle::runtime::EventLoop;
///
/// /// The book's "evil laugh" thenable: calls both callbacks.
/// struct Evil;
/// impl Thenable<i32, Error> for Evil {
///     fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
///         resolvers.resolve(42);
///         resolvers.reject(Error::msg("evil laugh"));
///         Ok(())
///     }
/// }
///
/// let el = EventLoop::new();
/// let _g = el.enter();
/// let p: Promise<i32> = Promise::resolve(Resolution::thenable(Evil));
/// drop(_g);
/// el.run().unwrap();
/// assert_eq!(p.result().unwrap().unwrap(), 42);
/// ```
pub trait Thenable<T, E, D = NoThenables>: 'static {
    /// JavaScript's `thenable.then(resolve, reject)`. Returning `Err` is a `throw` from `then`:
    /// it rejects the adopting promise unless `then` already resolved it.
    ///
    /// # Errors
    ///
    /// Whatever the thenable throws.
    fn then(&self, resolvers: Resolvers<T, E, D>) -> Result<(), E>;

    /// [`Thenable::then`] with the host the loop is run with (see `Handle::run_with`):
    /// what NewPromiseResolveThenableJob calls, so an engine's `then` runs with its context
    /// (downcast `host` to the engine's type). The default ignores the host and calls `then`.
    ///
    /// # Errors
    ///
    /// Whatever the thenable throws.
    ///
    /// ```
    /// use std::any::Any;
    /// use settle::prelude::*;
    /// use settle::promise::{Resolution, Resolvers, Thenable};
    ///
    /// struct AnswerFromTheHost;
    /// impl Thenable<i32, Error> for AnswerFromTheHost {
    ///     fn then(&self, _: Resolvers<i32, Error>) -> Result<(), Error> {
    ///         Err(Error::msg("no host"))
    ///     }
    ///     fn then_in(&self, host: &mut dyn Any, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
    ///         resolvers.resolve(*host.downcast_mut::<i32>().ok_or_else(|| Error::msg("no i32"))?);
    ///         Ok(())
    ///     }
    /// }
    /// let el = EventLoop::new();
    /// let p = {
    ///     let _g = el.enter();
    ///     Promise::<i32>::resolve(Resolution::thenable(AnswerFromTheHost))
    /// };
    /// el.run_with(&mut 42).unwrap();
    /// assert_eq!(p.result().unwrap().unwrap(), 42);
    /// ```
    fn then_in(&self, host: &mut dyn std::any::Any, resolvers: Resolvers<T, E, D>) -> Result<(), E> {
        let _ = host;
        self.then(resolvers)
    }
}

/// How values of one value type are classified when they resolve a promise: ECMA-262's
/// "is it an Object with a callable `then`?" (Promise Resolve Functions, steps 8-12).
///
/// A promise's third type parameter names the classifier. Rust users keep the default,
/// [`NoThenables`]: a Rust value is never a thenable, and adopting a promise or a thenable is
/// said explicitly with [`Resolution`]. An embedder whose values are dynamic (one value type for
/// both `T` and `E`, like a JavaScript engine) implements this trait for a marker type: its
/// `classify` looks up `then` (calling getters, so a throwing getter gives
/// [`Resolution::Throw`]), and returns [`Resolution::Promise`] for its wrapped settle promises
/// so that self-resolution is detected. The resolve functions call `classify` exactly where the
/// spec does Get(resolution, "then"): after the \[\[AlreadyResolved\]\] check, so a getter never runs
/// for an ignored call.
///
/// ```
/// use settle::promise::{Promise, PromiseStatics, Resolution, Thenables};
/// use settle::runtime::EventLoop;
///
/// /// A toy dynamic value: numbers, or a promise of a value.
/// #[derive(Clone, Debug)]
/// enum Dyn {
///     Num(f64),
///     Promise(Promise<Dyn, Dyn, DynThenables>),
/// }
/// impl settle::promise::Reason for Dyn {
///     fn from_spec_error(_: settle::promise::SpecError<Dyn>) -> Dyn { Dyn::Num(f64::NAN) }
/// }
/// struct DynThenables;
/// impl Thenables<Dyn, Dyn> for DynThenables {
///     fn classify(value: Dyn) -> Resolution<Dyn, Dyn, DynThenables> {
///         match value {
///             Dyn::Promise(p) => Resolution::Promise(p),
///             v => Resolution::Value(v),
///         }
///     }
/// }
///
/// let el = EventLoop::new();
/// let _g = el.enter();
/// let inner = Promise::<Dyn, Dyn, DynThenables>::resolve(Dyn::Num(1.0));
/// // A plain `Dyn` that holds a promise is adopted, as in JavaScript.
/// let outer = Promise::<Dyn, Dyn, DynThenables>::resolve(Dyn::Promise(inner));
/// drop(_g);
/// el.run().unwrap();
/// assert!(matches!(outer.result(), Some(Ok(Dyn::Num(n))) if n == 1.0));
/// ```
pub trait Thenables<T, E>: Sized + 'static {
    /// Classifies `value` (steps 8-12 of the resolve function).
    fn classify(value: T) -> Resolution<T, E, Self>;

    /// Classifies `value` for the resolve function of `promise` (steps 7-12), with the engine's
    /// state at hand: what the core's resolve calls use (a handler's result in its reaction
    /// job, an async body's return value, [`Resolvers::resolve_in`]). `host` is the `&mut H`
    /// the loop was run with (see `Handle::run_with`; `&mut ()` when none is at hand): an
    /// engine whose `then` lookup runs script downcasts it to its own type. The default
    /// ignores both and calls [`Thenables::classify`], which is right when `classify` gives
    /// [`Resolution::Promise`] for every settle promise (the core then does step 7 itself). A
    /// classifier that looks `then` up on some promises (one whose `then` was replaced) must
    /// do step 7 here first: a promise resolved with itself is rejected with a TypeError, and
    /// its `then` is never read.
    ///
    /// ```
    /// use std::any::Any;
    /// use settle::prelude::*;
    /// use settle::promise::{Resolution, Thenables};
    ///
    /// struct Engine { lookups: u32 }
    /// struct Counting;
    /// impl Thenables<i32, String> for Counting {
    ///     fn classify(value: i32) -> Resolution<i32, String, Counting> { Resolution::Value(value) }
    ///     fn classify_in(
    ///         host: &mut dyn Any,
    ///         value: i32,
    ///         _promise: &Promise<i32, String, Counting>,
    ///     ) -> Resolution<i32, String, Counting> {
    ///         if let Some(engine) = host.downcast_mut::<Engine>() {
    ///             engine.lookups += 1; // Get(value, "then") would run here, in the engine
    ///         }
    ///         Resolution::Value(value)
    ///     }
    /// }
    ///
    /// let el = EventLoop::new();
    /// el.queue_task_with(|engine: &mut Engine| {
    ///     let (p, r) = Promise::<i32, String, Counting>::with_resolvers();
    ///     r.resolve_in(engine, 7);
    ///     assert_eq!(p.result(), Some(Ok(7)));
    /// });
    /// let mut engine = Engine { lookups: 0 };
    /// el.run_with(&mut engine).unwrap();
    /// assert_eq!(engine.lookups, 1);
    /// ```
    fn classify_in(
        host: &mut dyn std::any::Any,
        value: T,
        promise: &Promise<T, E, Self>,
    ) -> Resolution<T, E, Self> {
        let _ = (host, promise);
        Self::classify(value)
    }
}

/// The default classifier: no plain value is a thenable.
///
/// ```
/// use settle::promise::{NoThenables, Resolution, Thenables};
/// let r = <NoThenables as Thenables<i32, ()>>::classify(5);
/// assert!(matches!(r, Resolution::Value(5)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoThenables;

impl<T, E> Thenables<T, E> for NoThenables {
    fn classify(value: T) -> Resolution<T, E, NoThenables> {
        Resolution::Value(value)
    }
}

/// Anything a promise of `T` can be resolved with: a value (classified by `D`), a settle
/// [`Promise`], a [`Resolution`], or an `Rc<dyn Thenable>`.
///
/// This is what lets `resolvers.resolve(42)`, `resolvers.resolve(other_promise)` and a handler
/// returning either work with one method. When a handler returns a promise and nothing else
/// names the value type, Rust cannot tell "a promise of `i32`" from "an `i32`-promise value":
/// name the type once (`let p: Promise<i32> = ...`, or a closure parameter type further on).
///
/// ```
/// use settle::promise::{IntoResolution, NoThenables, Resolution, Error};
/// let r: Resolution<i32, Error, NoThenables> = 7.into_resolution();
/// assert!(matches!(r, Resolution::Value(7)));
/// ```
pub trait IntoResolution<T, E, D = NoThenables> {
    /// Classifies `self`.
    fn into_resolution(self) -> Resolution<T, E, D>;

    /// Classifies `self` as it resolves `promise`, with the host at hand (a plain value through
    /// [`Thenables::classify_in`]): how the value a handler returned is classified in its
    /// reaction job, which runs with the host the loop is run with.
    ///
    /// ```
    /// use settle::promise::{Error, IntoResolution, Promise, Resolution};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let p = Promise::<i32>::resolve(1);
    /// let r: Resolution<i32, Error> = 7.into_resolution_in(&mut (), &p);
    /// assert!(matches!(r, Resolution::Value(7)));
    /// ```
    #[inline]
    fn into_resolution_in(
        self,
        host: &mut dyn std::any::Any,
        promise: &Promise<T, E, D>,
    ) -> Resolution<T, E, D>
    where
        Self: Sized,
    {
        let _ = (host, promise);
        self.into_resolution()
    }
}

impl<T, E, D: Thenables<T, E>> IntoResolution<T, E, D> for T {
    #[inline]
    fn into_resolution(self) -> Resolution<T, E, D> {
        D::classify(self)
    }

    #[inline]
    fn into_resolution_in(
        self,
        host: &mut dyn std::any::Any,
        promise: &Promise<T, E, D>,
    ) -> Resolution<T, E, D> {
        D::classify_in(host, self, promise)
    }
}

impl<T, E, D> IntoResolution<T, E, D> for Promise<T, E, D> {
    fn into_resolution(self) -> Resolution<T, E, D> {
        Resolution::Promise(self)
    }
}

impl<T, E, D> IntoResolution<T, E, D> for Resolution<T, E, D> {
    fn into_resolution(self) -> Resolution<T, E, D> {
        self
    }
}

impl<T, E, D> IntoResolution<T, E, D> for Rc<dyn Thenable<T, E, D>> {
    fn into_resolution(self) -> Resolution<T, E, D> {
        Resolution::Thenable(self)
    }
}

/// Keeps `D` in a type without owning one or affecting `Send`/`Sync` reasoning.
pub(crate) type Marker<D> = PhantomData<fn() -> D>;
