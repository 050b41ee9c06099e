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

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::element::ElementReactions;
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

/// The shared record of one combinator call: the element slots, the spec's
/// remainingElementsCount, which starts at 1 so that the combined promise cannot settle before
/// the iteration is over, and the combined promise's capability. Every element's reaction holds
/// this one `Rc` and its index, nothing else.
struct Elements<X, R> {
    values: RefCell<Vec<Option<X>>>,
    remaining: Cell<usize>,
    capability: R,
}

impl<X, R> Elements<X, R> {
    /// `expected`: how many inputs the iterable says it has, to size the slots once.
    fn new(capability: R, expected: usize) -> Rc<Elements<X, R>> {
        Rc::new(Elements {
            values: RefCell::new(Vec::with_capacity(expected)),
            remaining: Cell::new(1),
            capability,
        })
    }

    /// Reserves the next slot (`values.push(undefined)`, remainingElementsCount += 1).
    fn reserve(&self) -> usize {
        let mut values = self.values.borrow_mut();
        values.push(None);
        self.remaining.set(self.remaining.get() + 1);
        values.len() - 1
    }

    /// Stores an element; returns the slots when it was the last one outstanding.
    fn store(&self, index: usize, x: X) -> Option<Vec<Option<X>>> {
        self.values.borrow_mut()[index] = Some(x);
        self.finish_one()
    }

    /// remainingElementsCount -= 1; if it reached 0, the slots, all filled.
    fn finish_one(&self) -> Option<Vec<Option<X>>> {
        let remaining = self.remaining.get() - 1;
        self.remaining.set(remaining);
        if remaining != 0 {
            return None;
        }
        Some(std::mem::take(&mut *self.values.borrow_mut()))
    }
}

/// The filled slots as the caller's collection, in one pass (for a `Vec`, in place).
fn collect_filled<X, C: FromIterator<X>>(values: Vec<Option<X>>) -> C {
    values.into_iter().map(|v| v.expect("every element settled")).collect()
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
        let expected = expected_len(&iterable);
        let elements = Elements::<T, _>::new(capability, expected);
        // The Resolve Element Functions' records, many to a block (`element.rs`): each holds
        // its [[Index]]; [[Values]], [[Capability]] and [[RemainingElements]] are `elements`,
        // held once per block.
        let mut reactions = ElementReactions::new(
            &elements,
            expected,
            |elements: &Elements<T, Resolvers<C, E, D>>, index, argument: Result<T, E>| match argument {
                Ok(x) => {
                    // 27.2.4.1.3, 8. Set values[index] to x.
                    // 9. Set remainingElementsCount.[[Value]] to
                    //    remainingElementsCount.[[Value]] - 1.
                    // 10. If remainingElementsCount.[[Value]] = 0, then
                    //    a. Let valuesArray be CreateArrayFromList(values).
                    //    b. Return ? Call(promiseCapability.[[Resolve]], undefined,
                    //       « valuesArray »).
                    if let Some(values) = elements.store(index, x) {
                        elements.capability.resolve(collect_filled::<T, C>(values));
                    }
                }
                Err(reason) => elements.capability.reject(reason),
            },
        );
        // 4. Repeat,
        //    a. Let next be ? IteratorStepValue(iteratorRecord).
        for next_value in iterable {
            //    c. Append undefined to values.
            //    m. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] + 1.
            //    (Reserved before the `then`, as the spec's order of steps h-n allows: nothing
            //    in between can observe the count.)
            let index = elements.reserve();
            //    d. Let nextPromise be ? Call(promiseResolve, constructor, « next »).
            let next_promise = Promise::<T, E, D>::resolve(next_value);
            //    e-l. Let onFulfilled be CreateBuiltinFunction(steps, length, "",
            //       « [[AlreadyCalled]], [[Index]], [[Values]], [[Capability]],
            //       [[RemainingElements]] »), with [[Index]] index (27.2.4.1.3 Promise.all
            //       Resolve Element Functions: the reaction below runs once, so
            //       [[AlreadyCalled]] needs no flag).
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
            //    Element Function, below): it captures one `Rc`, so it is stored in the queue
            //    with no reaction record allocated. Same job, same tick, same order.
            if let Some(x) = next_promise.fulfilled_value() {
                elements.values.borrow_mut()[index] = Some(x);
                let elements = elements.clone();
                next_promise.perform_promise_then_fulfilled(move |_host| {
                    if let Some(values) = elements.finish_one() {
                        elements.capability.resolve(collect_filled::<T, C>(values));
                    }
                });
                continue;
            }
            next_promise.perform_promise_then(reactions.next(index));
        }
        drop(reactions);
        //    b. If next is done, then
        //       i. Set remainingElementsCount.[[Value]] to remainingElementsCount.[[Value]] - 1.
        //       ii. If remainingElementsCount.[[Value]] = 0, then
        //           1. Let valuesArray be CreateArrayFromList(values).
        //           2. Perform ? Call(resultCapability.[[Resolve]], undefined, « valuesArray »).
        //       iii. Return resultCapability.[[Promise]].
        if let Some(values) = elements.finish_one() {
            elements.capability.resolve(collect_filled::<T, C>(values));
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
        let expected = expected_len(&iterable);
        let elements = Elements::<Settled<T, E>, _>::new(capability, expected);
        // The Promise.allSettled Resolve Element and Reject Element Functions, many to a block
        // (as in `promise_all`).
        let mut reactions = ElementReactions::new(
            &elements,
            expected,
            |elements: &Elements<Settled<T, E>, Resolvers<C, E, D>>, index, argument: Result<T, E>| {
                let outcome = match argument {
                    Ok(value) => Settled::Fulfilled(value),
                    Err(reason) => Settled::Rejected(reason),
                };
                if let Some(values) = elements.store(index, outcome) {
                    elements.capability.resolve(collect_filled::<Settled<T, E>, C>(values));
                }
            },
        );
        // PerformPromiseAllSettled (27.2.4.2.1), step 4: Repeat, over the iterator.
        for next_value in iterable {
            let index = elements.reserve();
            let next_promise = Promise::<T, E, D>::resolve(next_value);
            // An input already fulfilled: its slot filled now, the job only counts it down (as
            // in `promise_all`, above).
            if let Some(value) = next_promise.fulfilled_value() {
                elements.values.borrow_mut()[index] = Some(Settled::Fulfilled(value));
                let elements = elements.clone();
                next_promise.perform_promise_then_fulfilled(move |_host| {
                    if let Some(values) = elements.finish_one() {
                        elements.capability.resolve(collect_filled::<Settled<T, E>, C>(values));
                    }
                });
                continue;
            }
            next_promise.perform_promise_then(reactions.next(index));
        }
        drop(reactions);
        if let Some(values) = elements.finish_one() {
            elements.capability.resolve(collect_filled::<Settled<T, E>, C>(values));
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
        let expected = expected_len(&iterable);
        let errors = Elements::<E, _>::new(capability, expected);
        // Invoke(nextPromise, "then", « resultCapability.[[Resolve]], onRejected »), with the
        // Promise.any Reject Element Function: one record per input, many to a block (as in
        // `promise_all`).
        let mut reactions = ElementReactions::new(
            &errors,
            expected,
            |errors: &Elements<E, Resolvers<T, E, D>>, index, argument: Result<T, E>| match argument {
                Ok(value) => errors.capability.resolve(value),
                Err(reason) => {
                    if let Some(all) = errors.store(index, reason) {
                        errors.capability.reject(E::from_aggregate(AggregateError::new(collect_filled(all))));
                    }
                }
            },
        );
        // PerformPromiseAny (27.2.4.3.1), step 4: Repeat, over the iterator.
        for next_value in iterable {
            let index = errors.reserve();
            let next_promise = Promise::<T, E, D>::resolve(next_value);
            next_promise.perform_promise_then(reactions.next(index));
        }
        drop(reactions);
        // 4.b. If next is done, then ... ii. If remainingElementsCount.[[Value]] = 0, then
        //    1. Let error be a newly created AggregateError object.
        //    2. Perform ! DefinePropertyOrThrow(error, "errors", ... CreateArrayFromList(errors)).
        //    3. Perform ? Call(resultCapability.[[Reject]], undefined, « error »).
        if let Some(all) = errors.finish_one() {
            errors.capability.reject(E::from_aggregate(AggregateError::new(collect_filled(all))));
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
