//! Promise.all (27.2.4.1), Promise.allSettled (27.2.4.2), Promise.any (27.2.4.3) and
//! Promise.race (27.2.4.5).
//!
//! Each input goes through PromiseResolve (so values and thenables become promises, and a settle
//! promise is used as it is) and then through `then`, so the combined promise settles one tick
//! after its last deciding input, as in every engine. The `then` calls on the inputs create no
//! derived promises: their handlers never throw, so those promises would be unobservable.
//!
//! The result collection is any `FromIterator` type, so an embedder can collect straight into
//! its own array value, with no extra `then` (which would cost a tick).
//!
//! These are the Rust-typed combinators, with C = %Promise% and a Rust iterator; an engine's
//! `Promise.all` with any receiver and the iterator protocol is `realm::promise_all` and its
//! siblings. Step numbers and quoted step text: ECMA-262 2025 (16th edition).

use std::marker::PhantomData;

use crate::element::{Combinator, Elements, Outcome};
use crate::error::{AggregateError, Reason, Value};
use crate::promise::Promise;
use crate::reaction::new_reaction;
use crate::resolution::{IntoResolution, Thenables};
use crate::resolving::Resolvers;
use crate::statics::PromiseStatics;

/// One input's outcome, as `Promise.allSettled` reports it (`{ status, value }` /
/// `{ status, reason }` in JavaScript).
///
/// ```
/// use settle::promise::Settled;
/// let s: Settled<i32, &str> = Settled::Fulfilled(1);
/// assert!(matches!(s, Settled::Fulfilled(1)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Settled<T, E> {
    /// `{ status: "fulfilled", value }`.
    Fulfilled(T),
    /// `{ status: "rejected", reason }`.
    Rejected(E),
}

/// Promise.all's element functions (27.2.4.1.3), for a combined promise collecting into `C`.
struct AllOf<C, D>(PhantomData<(C, D)>);

impl<T, E, C, D> Combinator<T, E> for AllOf<C, D>
where
    T: Value,
    E: Reason,
    C: Value + FromIterator<T>,
    D: Thenables<C, E>,
{
    type Capability = Resolvers<C, E, D>;

    #[inline]
    fn settled(elements: &Elements<T, E, Self>, outcome: Outcome<'_, T, E>) {
        if outcome.is_fulfilled() {
            // 27.2.4.1.3 Promise.all Resolve Element Functions:
            // 8. Set values[index] to x. (The value stays in the element's record, its slot of
            //    values.)
            // 9. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
            // 10. If remainingElementsCount.[[Value]] = 0, then
            if elements.finish_one() {
                all_done(elements);
            }
        } else if let Err(reason) = outcome.take() {
            // resultCapability.[[Reject]], the second argument of step n's `then`.
            elements.capability.reject(reason);
        }
    }
}

/// Promise.all once remainingElementsCount reached 0 (27.2.4.1.3 step 10, 27.2.4.1.2 step
/// 4.b.ii): a. Let valuesArray be CreateArrayFromList(values). b. Call(resultCapability.[[Resolve]],
/// undefined, « valuesArray »).
fn all_done<T, E, C, D>(elements: &Elements<T, E, AllOf<C, D>>)
where
    T: Value,
    E: Reason,
    C: Value + FromIterator<T>,
    D: Thenables<C, E>,
{
    let values: C = elements.collect(|value| match value {
        Ok(x) => x,
        Err(_) => unreachable!("Promise.all stores only values"),
    });
    elements.capability.resolve(values);
}

/// Promise.allSettled's Resolve Element and Reject Element Functions (27.2.4.2.2-3).
struct AllSettledOf<C, D>(PhantomData<(C, D)>);

impl<T, E, C, D> Combinator<T, E> for AllSettledOf<C, D>
where
    T: Value,
    E: Reason,
    C: Value + FromIterator<Settled<T, E>>,
    D: Thenables<C, E>,
{
    type Capability = Resolvers<C, E, D>;

    #[inline]
    fn settled(elements: &Elements<T, E, Self>, _outcome: Outcome<'_, T, E>) {
        // 9-11. Let obj be OrdinaryObjectCreate(...), with "status" and "value" or "reason";
        // 12. Set values[index] to obj. (Made from the outcome, which stays in the record,
        //     when collected.)
        // 13-14. remainingElementsCount - 1; at 0, resolve with CreateArrayFromList(values).
        if elements.finish_one() {
            all_settled_done(elements);
        }
    }
}

/// Promise.allSettled once remainingElementsCount reached 0.
fn all_settled_done<T, E, C, D>(elements: &Elements<T, E, AllSettledOf<C, D>>)
where
    T: Value,
    E: Reason,
    C: Value + FromIterator<Settled<T, E>>,
    D: Thenables<C, E>,
{
    let values: C = elements.collect(|outcome| match outcome {
        Ok(value) => Settled::Fulfilled(value),
        Err(reason) => Settled::Rejected(reason),
    });
    elements.capability.resolve(values);
}

/// Promise.any's Reject Element Functions (27.2.4.3.2), and its resolve (the first argument of
/// each input's `then`).
struct AnyOf<D>(PhantomData<D>);

impl<T, E, D> Combinator<T, E> for AnyOf<D>
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    type Capability = Resolvers<T, E, D>;

    #[inline]
    fn settled(elements: &Elements<T, E, Self>, outcome: Outcome<'_, T, E>) {
        if outcome.is_fulfilled() {
            // resultCapability.[[Resolve]], the first argument of each input's `then`.
            if let Ok(value) = outcome.take() {
                elements.capability.resolve(value);
            }
            return;
        }
        // 27.2.4.3.2 Promise.any Reject Element Functions:
        // 8. Set errors[index] to x. (The reason stays in the element's record.)
        // 9-10. remainingElementsCount - 1; at 0, reject with an AggregateError.
        if elements.finish_one() {
            any_done(elements);
        }
    }
}

/// Promise.any once remainingElementsCount reached 0 (27.2.4.3.2 step 10, 27.2.4.3.1 step
/// 4.b.ii): 1. Let error be a newly created AggregateError object. 2. Perform !
/// DefinePropertyOrThrow(error, "errors", ... CreateArrayFromList(errors)). 3. Reject with it.
fn any_done<T, E, D>(elements: &Elements<T, E, AnyOf<D>>)
where
    T: Value,
    E: Reason,
    D: Thenables<T, E>,
{
    let errors: Vec<E> = elements.collect(|reason| match reason {
        Err(reason) => reason,
        Ok(_) => unreachable!("Promise.any stores only reasons"),
    });
    elements.capability.reject(E::from_aggregate(AggregateError::new(errors)));
}

/// How many items an iterable says it yields (its lower bound), capped so that a lying
/// `size_hint` cannot reserve absurd amounts up front.
fn expected_len(iter: &impl Iterator) -> usize {
    iter.size_hint().0.min(1 << 20)
}

impl<T: Value, E: Reason, D: Thenables<T, E>> Promise<T, E, D> {
    /// `Promise.all(iterable)` (27.2.4.1): fulfills with every value, in input order, once all
    /// inputs fulfill; rejects with the first rejection. An empty input fulfills at once.
    pub(crate) fn promise_all<C, I>(iterable: I) -> Promise<C, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
        C: Value + FromIterator<T>,
        D: Thenables<C, E>,
    {
        // 27.2.4.1 Promise.all, with C = %Promise%:
        // 2. Let promiseCapability be ? NewPromiseCapability(C).
        // 3. Let promiseResolve be Completion(GetPromiseResolve(C)). (%Promise.resolve%,
        //    applied directly below.)
        let (result, capability) = Promise::<C, E, D>::with_resolvers();
        let iterable = iterable.into_iter();
        // 27.2.4.1.2 PerformPromiseAll ( iteratorRecord, constructor, resultCapability,
        // promiseResolve ):
        // 1. Let values be a new empty List.
        // 2. Let remainingElementsCount be the Record { [[Value]]: 1 }.
        // 3. Let index be 0.
        // The shared record: values (the elements' records, many to a block: `element.rs`),
        // remainingElementsCount and the capability, which every element's reaction reaches.
        let elements = Elements::<T, E, AllOf<C, D>>::new(capability, expected_len(&iterable));
        // 4. Repeat,
        //    a. Let next be ? IteratorStepValue(iteratorRecord).
        for next_value in iterable {
            //    c. Append undefined to values.
            //    m. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] + 1.
            //    (Reserved before the `then`, as the spec's order of steps h-n allows: nothing
            //    in between can observe the count.)
            let element = Elements::reserve(&elements);
            //    d. Let nextPromise be ? Call(promiseResolve, constructor, « next »).
            let next_promise = Promise::<T, E, D>::resolve(next_value);
            //    e-l. Let onFulfilled be CreateBuiltinFunction(steps, length, "",
            //       « [[AlreadyCalled]], [[Index]], [[Values]], [[Capability]],
            //       [[RemainingElements]] »), with [[Index]] index (27.2.4.1.3 Promise.all
            //       Resolve Element Functions, `AllOf` above: the element's record, whose
            //       reaction runs once, so [[AlreadyCalled]] needs no flag).
            //    n. Perform ? Invoke(nextPromise, "then", « onFulfilled,
            //       resultCapability.[[Reject]] »). (%Promise.prototype.then% on a settle
            //       promise: PerformPromiseThen, with no derived promise since neither handler
            //       can throw.)
            //    o. Set index to index + 1.
            //    An input already fulfilled (`Promise.all` over values, or over promises that
            //    settled earlier): PerformPromiseThen step 10 queues the reaction job now with
            //    the input's value. The value goes into its slot at once (the slots are
            //    unobservable until the last element's job resolves the result) and the job
            //    queued in its place only counts the element down (steps 9-10 of the Resolve
            //    Element Function): it captures one `Rc`, so it is stored in the queue with no
            //    reaction. Same job, same tick, same order.
            if let Some(x) = next_promise.fulfilled_value() {
                element.store(x);
                let elements = elements.clone();
                next_promise.perform_promise_then_fulfilled(move |_host| {
                    if elements.finish_one() {
                        all_done(&elements);
                    }
                });
                continue;
            }
            next_promise.perform_promise_then(element.reaction());
        }
        //    b. If next is done, then
        //       i. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
        //       ii. If remainingElementsCount.[[Value]] = 0, then
        //           1. Let valuesArray be CreateArrayFromList(values).
        //           2. Perform ? Call(resultCapability.[[Resolve]], undefined, « valuesArray »).
        //       iii. Return resultCapability.[[Promise]].
        if elements.finish_one() {
            all_done(&elements);
        }
        result
    }

    /// `Promise.allSettled(iterable)` (27.2.4.2): fulfills, once every input settled, with each
    /// outcome in input order. Never rejects.
    pub(crate) fn promise_all_settled<C, I>(iterable: I) -> Promise<C, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
        C: Value + FromIterator<Settled<T, E>>,
        D: Thenables<C, E>,
    {
        let (result, capability) = Promise::<C, E, D>::with_resolvers();
        let iterable = iterable.into_iter();
        let elements = Elements::<T, E, AllSettledOf<C, D>>::new(capability, expected_len(&iterable));
        // PerformPromiseAllSettled (27.2.4.2.1), step 4: Repeat, over the iterator.
        for next_value in iterable {
            let element = Elements::reserve(&elements);
            let next_promise = Promise::<T, E, D>::resolve(next_value);
            // An input already fulfilled: its slot filled now, the job only counts it down (as
            // in `promise_all`, above).
            if let Some(value) = next_promise.fulfilled_value() {
                element.store(value);
                let elements = elements.clone();
                next_promise.perform_promise_then_fulfilled(move |_host| {
                    if elements.finish_one() {
                        all_settled_done(&elements);
                    }
                });
                continue;
            }
            // The Promise.allSettled Resolve Element and Reject Element Functions (`AllSettledOf`).
            next_promise.perform_promise_then(element.reaction());
        }
        if elements.finish_one() {
            all_settled_done(&elements);
        }
        result
    }

    /// `Promise.any(iterable)` (27.2.4.3): fulfills with the first fulfillment; rejects, once
    /// every input rejected, with an [`AggregateError`] holding every reason in input order. An
    /// empty input rejects at once.
    pub(crate) fn promise_any<I>(iterable: I) -> Promise<T, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
    {
        let (result, capability) = Promise::<T, E, D>::with_resolvers();
        let iterable = iterable.into_iter();
        let errors = Elements::<T, E, AnyOf<D>>::new(capability, expected_len(&iterable));
        // PerformPromiseAny (27.2.4.3.1), step 4: Repeat, over the iterator.
        for next_value in iterable {
            let element = Elements::reserve(&errors);
            let next_promise = Promise::<T, E, D>::resolve(next_value);
            // Invoke(nextPromise, "then", « resultCapability.[[Resolve]], onRejected »), with the
            // Promise.any Reject Element Function (`AnyOf`).
            next_promise.perform_promise_then(element.reaction());
        }
        // 4.b. If next is done, then ... ii. If remainingElementsCount.[[Value]] = 0, then
        //    1. Let error be a newly created AggregateError object.
        //    2. Perform ! DefinePropertyOrThrow(error, "errors", ... CreateArrayFromList(errors)).
        //    3. Perform ? Call(resultCapability.[[Reject]], undefined, « error »).
        if errors.finish_one() {
            any_done(&errors);
        }
        result
    }

    /// `Promise.race(iterable)` (27.2.4.5): settles like the first input to settle. An empty
    /// input stays pending forever, as the book warns (chapter 3, "Promise.race").
    pub(crate) fn promise_race<I>(iterable: I) -> Promise<T, E, D>
    where
        I: IntoIterator,
        I::Item: IntoResolution<T, E, D>,
    {
        let (result, capability) = Promise::<T, E, D>::with_resolvers();
        // PerformPromiseRace (27.2.4.5.1), 1. Repeat, over the iterator:
        for next_value in iterable {
            let next_promise = Promise::<T, E, D>::resolve(next_value);
            let capability: Resolvers<T, E, D> = capability.clone();
            // Invoke(nextPromise, "then", « resultCapability.[[Resolve]], resultCapability.[[Reject]] »).
            next_promise.perform_promise_then(new_reaction(move |argument| match argument {
                Ok(value) => capability.resolve(value),
                Err(reason) => capability.reject(reason),
            }));
        }
        result
    }
}
