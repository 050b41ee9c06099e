//! The Promise algorithms of ECMA-262 2025 section 27.2 on an engine's own objects: any
//! receiver, foreign constructors and capabilities, species, `then` looked up and invoked, the
//! iterator protocol.
//!
//! The Rust-typed API (`Promise<T, E, D>`) serves Rust code, where the
//! receiver is always %Promise% and a value is never an object with properties. A JavaScript
//! engine needs the object-level algorithms: `Promise.all.call(C, iterable)` constructs `C`,
//! looks `C.resolve` up once, walks `iterable` through `Symbol.iterator`, `next`, `done` and
//! `value`, and calls `then` on whatever `C.resolve` returned. This module writes those
//! algorithms once, generically, over the [`Realm`] trait, which gives them the engine's
//! values and the few operations they need (Get, Call, Construct, built-in functions, the
//! intrinsic %Promise%). They are built on the core operations (PerformPromiseThen, the
//! resolving functions, the reaction and thenable jobs), so that an engine's promises are
//! settle promises with the same jobs and the same tick counts.
//!
//! Each function is named after its abstract operation or built-in method, cites its section,
//! and quotes the spec's steps beside the code. When the receiver is %Promise% and `then` is
//! the intrinsic one (the engine says so through [`Realm::promise_with_intrinsic_then`]),
//! the algorithms take native shortcuts that no script can tell apart from the spec's steps.
//!
//! ```
//! use settle_promise::realm::{Realm, promise_with_resolvers};
//! // Any engine: `Promise.withResolvers.call(C)` is one call.
//! fn with_resolvers<R: Realm>(realm: &R, receiver: &R::Value) -> Result<R::Value, R::Value> {
//!     promise_with_resolvers(realm, receiver)
//! }
//! ```

mod capability;
mod combinators;
mod constructor;
mod finally;
mod iterator;
mod keyed;
mod operations;
mod resolving;
mod statics;
mod then;

use crate::error::Reason;
use crate::promise::Promise;
use crate::resolution::Thenables;

pub use capability::{PromiseCapability, if_abrupt_reject_promise, new_promise_capability};
pub use combinators::{get_promise_resolve, promise_all, promise_all_settled, promise_any, promise_race};
pub use constructor::construct_promise;
pub use finally::promise_prototype_finally;
pub use iterator::{IteratorRecord, get_iterator, iterator_close, iterator_step_value};
pub use keyed::{promise_all_keyed, promise_all_settled_keyed};
pub use operations::{call, get_method, invoke, species_constructor};
pub use resolving::{call_resolving_function, classify, classify_for, create_resolving_functions};
pub use statics::{
    promise_reject, promise_resolve, promise_resolve_method, promise_try, promise_with_resolvers,
};
pub use then::{perform_promise_then, promise_prototype_catch, promise_prototype_then};

/// The settle promise inside an engine's promise object.
pub type RealmPromise<R> = Promise<<R as Realm>::Value, <R as Realm>::Value, <R as Realm>::Thenables>;

/// A property key the Promise algorithms ask for.
///
/// ```
/// use settle_promise::realm::PropertyKey;
/// let key: PropertyKey<'_, String> = PropertyKey::String("then");
/// assert!(matches!(key, PropertyKey::String("then")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyKey<'a, K> {
    /// A string key named by the spec: `"then"`, `"constructor"`, `"resolve"`, `"next"`,
    /// `"done"`, `"value"`, `"return"`.
    String(&'static str),
    /// %Symbol.iterator%.
    Iterator,
    /// %Symbol.species%.
    Species,
    /// One of the engine's own keys, from [`Realm::own_property_keys`].
    Key(&'a K),
}

/// The TypeErrors the Promise algorithms throw, for the engine to render as its own TypeError
/// objects (with the messages it prefers; V8's are suggested).
///
/// ```
/// use settle_promise::realm::TypeErrorCase;
/// let case: TypeErrorCase<'_, i32> = TypeErrorCase::ExecutorAlreadyCalled;
/// assert!(matches!(case, TypeErrorCase::ExecutorAlreadyCalled));
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum TypeErrorCase<'a, V> {
    /// NewPromiseCapability step 1, SpeciesConstructor step 7: "{0} is not a constructor".
    NotAConstructor(&'a V),
    /// Call (7.3.13) step 1, GetMethod step 3, GetPromiseResolve step 2: "{0} is not a
    /// function".
    NotCallable(&'a V),
    /// NewPromiseCapability step 4.a-b: "Promise executor has already been invoked with
    /// non-undefined arguments".
    ExecutorAlreadyCalled,
    /// NewPromiseCapability steps 7-8: "Promise resolve or reject function is not callable".
    ResolveNotCallable,
    /// Promise.resolve / Promise.try step 2, `finally` step 2, SpeciesConstructor step 3,
    /// Promise.allKeyed's argument: "{0} is not an object".
    NotAnObject(&'a V),
    /// `then` step 2: "Method Promise.prototype.then called on incompatible receiver {0}".
    NotAPromise(&'a V),
    /// `Promise ( executor )` step 1: "Promise constructor cannot be invoked without 'new'".
    NoNewTarget,
    /// `Promise ( executor )` step 2: "Promise resolver {0} is not a function".
    ExecutorNotCallable(&'a V),
    /// GetIterator step 3: "{0} is not iterable".
    NotIterable(&'a V),
    /// IteratorNext step 5, IteratorClose step 7: "Iterator result {0} is not an object".
    IteratorResultNotAnObject(&'a V),
    /// GetIteratorFromMethod step 2: "Result of the Symbol.iterator method is not an object".
    IteratorNotAnObject(&'a V),
    /// Promise Resolve Functions step 7.a, the promise resolved with itself: "Chaining cycle
    /// detected for promise {0}" (V8 names the object's class: `#<Promise>`, `#<Sub>`).
    ChainingCycle(&'a V),
}

/// An engine, as the Promise algorithms see it: its values and the operations of ECMA-262
/// they need on them. A cheap handle (an `Rc`, an index): the algorithms clone it into the
/// jobs and functions they create.
///
/// - `Value` is the engine's value type, used for both a promise's values and its reasons.
/// - `Thenables` is the engine's classifier for the core's resolve functions; implement it by
///   calling [`classify`] with the engine at hand.
/// - Built-in functions are made from Rust closures ([`Realm::create_builtin_function`]): the
///   resolving functions, the capability executor, the combinators' element functions and the
///   `finally` functions.
///
/// The algorithms never hold a borrow of anything while they call into the engine, and the
/// engine may call back into them (a `then` getter that calls `Promise.all` is fine).
///
/// A small engine implementing this trait is in the crate's tests (`promise/tests/realm/model.rs`).
pub trait Realm: Clone + 'static {
    /// An ECMAScript language value.
    type Value: Reason;
    /// How the core's resolve functions classify a `Value` (normally by calling [`classify`]).
    type Thenables: Thenables<Self::Value, Self::Value>;
    /// A property key of the engine (string or symbol), as [`Realm::own_property_keys`] lists them.
    type Key: Clone + 'static;

    /// `undefined`.
    fn undefined(&self) -> Self::Value;
    /// A String value.
    fn string(&self, s: &str) -> Self::Value;
    /// Whether `value` is `undefined`.
    fn is_undefined(&self, value: &Self::Value) -> bool;
    /// Whether `value` is `null`.
    fn is_null(&self, value: &Self::Value) -> bool;
    /// Whether `value` is an Object.
    fn is_object(&self, value: &Self::Value) -> bool;
    /// ToBoolean (7.1.2).
    fn to_boolean(&self, value: &Self::Value) -> bool;
    /// SameValue (7.2.9).
    fn same_value(&self, a: &Self::Value, b: &Self::Value) -> bool;
    /// IsCallable (7.2.3).
    fn is_callable(&self, value: &Self::Value) -> bool;
    /// IsConstructor (7.2.4).
    fn is_constructor(&self, value: &Self::Value) -> bool;

    /// GetV (7.3.3): Get (7.3.2) on an object, or on the prototype of a primitive's wrapper.
    /// Runs getters.
    ///
    /// # Errors
    ///
    /// What the lookup throws (a getter, a proxy trap, ToObject of `undefined`).
    fn get(&self, value: &Self::Value, key: PropertyKey<'_, Self::Key>) -> Result<Self::Value, Self::Value>;

    /// \[\[Call\]\] of a callable `function` (the algorithms check IsCallable first).
    ///
    /// # Errors
    ///
    /// What the function throws.
    fn call(
        &self,
        function: &Self::Value,
        this: &Self::Value,
        args: &[Self::Value],
    ) -> Result<Self::Value, Self::Value>;

    /// Construct (7.3.14) with `constructor` as the new target; `constructor` is a constructor
    /// (the algorithms check IsConstructor first).
    ///
    /// # Errors
    ///
    /// What the constructor throws.
    fn construct(&self, constructor: &Self::Value, args: &[Self::Value]) -> Result<Self::Value, Self::Value>;

    /// `object.[[OwnPropertyKeys]]()`, for Promise.allKeyed.
    ///
    /// # Errors
    ///
    /// What the object throws (a proxy's `ownKeys` trap).
    fn own_property_keys(&self, object: &Self::Value) -> Result<Vec<Self::Key>, Self::Value>;

    /// `object.[[GetOwnProperty]](key)`, reduced to what Promise.allKeyed reads: `None` when
    /// undefined, else `Some(desc.[[Enumerable]])`.
    ///
    /// # Errors
    ///
    /// What the object throws (a proxy's `getOwnPropertyDescriptor` trap).
    fn get_own_property_enumerable(
        &self,
        object: &Self::Value,
        key: &Self::Key,
    ) -> Result<Option<bool>, Self::Value>;

    /// CreateBuiltinFunction (10.3.4) with name `""`, the given `length`, %Function.prototype%
    /// as its prototype, extensible, not a constructor. `steps` receives the engine and the
    /// arguments (`this` is never needed by these functions).
    fn create_builtin_function(
        &self,
        length: u32,
        steps: impl Fn(&Self, &[Self::Value]) -> Result<Self::Value, Self::Value> + 'static,
    ) -> Self::Value;

    /// CreateResolvingFunctions' `resolve`, or with `reject` its `reject` (27.2.1.3 steps 3
    /// and 5): a built-in function like [`Realm::create_builtin_function`]'s, of length 1,
    /// whose [[Call]] is [`call_resolving_function`] over `resolvers`. The default makes it with
    /// `create_builtin_function`; an engine may keep `resolvers` in the function object
    /// itself, which saves a closure per function (every `new Promise` makes two).
    fn create_resolving_function(
        &self,
        resolvers: &crate::Resolvers<Self::Value, Self::Value, Self::Thenables>,
        reject: bool,
    ) -> Self::Value {
        let resolvers = resolvers.clone();
        self.create_builtin_function(1, move |realm, args| {
            call_resolving_function(realm, &resolvers, reject, args)
        })
    }

    /// CreateArrayFromList (7.3.17).
    fn create_array_from_list(&self, values: Vec<Self::Value>) -> Self::Value;

    /// OrdinaryObjectCreate(%Object.prototype%) and CreateDataPropertyOrThrow for each of
    /// `properties`, in order (the allSettled records, `withResolvers`' result).
    fn create_object(&self, properties: Vec<(&'static str, Self::Value)>) -> Self::Value;

    /// OrdinaryObjectCreate(null) and CreateDataPropertyOrThrow for each of `properties`, in
    /// order (CreateKeyedPromiseCombinatorResultObject).
    fn create_null_prototype_object(&self, properties: Vec<(Self::Key, Self::Value)>) -> Self::Value;

    /// A new TypeError object for `case`.
    fn type_error(&self, case: TypeErrorCase<'_, Self::Value>) -> Self::Value;

    /// A new AggregateError object whose `errors` property (non-enumerable) is
    /// CreateArrayFromList(`errors`) (PerformPromiseAny step 5.b.ii).
    fn aggregate_error(&self, errors: Vec<Self::Value>) -> Self::Value;

    /// %Promise%.
    fn promise_constructor(&self) -> Self::Value;

    /// Whether `value` is %Promise% itself (the default compares with SameValue).
    fn is_intrinsic_promise(&self, value: &Self::Value) -> bool {
        self.same_value(value, &self.promise_constructor())
    }

    /// A new promise object (prototype %Promise.prototype%) for a settle promise that has none.
    fn promise_object(&self, promise: RealmPromise<Self>) -> Self::Value;

    /// IsPromise (27.2.1.6): the settle promise in `value`'s \[\[PromiseState\]\] slot, if any.
    fn promise_of(&self, value: &Self::Value) -> Option<RealmPromise<Self>>;

    /// The native shortcut's condition: `value` is a promise (IsPromise) whose `then` is
    /// %Promise.prototype.then%, found without running any code (a data property, no proxy),
    /// whose `constructor` is %Promise% likewise, and %Promise%\[%Symbol.species%\] is the
    /// original getter. Then `Invoke(value, "then", ...)`, and adopting `value` in a resolve
    /// function, are done natively (PerformPromiseThen, no lookups), which no script can
    /// distinguish from the spec's steps. Return `None` whenever unsure: the algorithms then
    /// take the spec's path, which is always correct.
    fn promise_with_intrinsic_then(&self, value: &Self::Value) -> Option<RealmPromise<Self>>;

    /// IteratorStepValue (7.4.10) of an iterator whose `next_method` the engine knows to be
    /// one of its intrinsics (an array iterator's `next`), done at once: the Call, and the
    /// reads of the result object's own `done` and `value` data properties, which no code
    /// can observe, since the intrinsic makes that object fresh (CreateIterResultObject) and
    /// only IteratorStepValue sees it. `None` to take the spec's steps one by one (the
    /// default, always correct); else the step's outcome, `Ok(None)` when the iterator is
    /// done, `Err` what the intrinsic threw.
    fn iterator_step_direct(
        &self,
        _iterator: &Self::Value,
        _next_method: &Self::Value,
    ) -> Option<Result<Option<Self::Value>, Self::Value>> {
        None
    }

    /// A job (a reaction job or a thenable job) completed abruptly: its error has nowhere to
    /// go in the spec but the host (a foreign capability's `resolve` threw, say). Report it.
    fn report_job_error(&self, error: Self::Value);
}

/// `args[i]`, or `undefined` when absent (the spec's missing arguments).
pub(crate) fn argument<R: Realm>(realm: &R, args: &[R::Value], i: usize) -> R::Value {
    args.get(i).cloned().unwrap_or_else(|| realm.undefined())
}
