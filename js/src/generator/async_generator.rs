//! Async generators (`async function*`, ECMA-262 2025, 27.6): the request queue and states
//! of 27.6.3, over the same body future as sync generators.
//!
//! Each resumption (AsyncGeneratorResume) runs the body inside a fresh settle task
//! ([`Drive`], through `JsPromise::from_future`, which polls at once): the body runs
//! synchronously inside `next`/`throw`/`return` as the spec's resumed execution context does,
//! and an `await` in it is a direct await of that task, so it resumes in the reaction job
//! itself, exactly like an async function's. A `yield` that finds the queue empty marks the
//! generator suspended-yield and returns `Pending`; the task then hands the body back to the
//! generator object and ends, and the next resumption makes a new one.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use settle_promise::Resolvers;

use super::{GenSlot, Generator, Resume, YieldPoint, Yielded};
use crate::interp::{CallFuture, Ctrl, Res};
use crate::iteration::iter_result;
use crate::promise::{JsThenables, wrap_promise};
use crate::realm::realm;
use crate::value::{JsPromise, JsValue, Obj};

/// [[AsyncGeneratorState]] (27.6.2, Table 76).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    SuspendedStart,
    SuspendedYield,
    Executing,
    DrainingQueue,
    Completed,
}

/// An AsyncGeneratorRequest Record (27.6.3.1).
struct Request {
    /// [[Completion]].
    completion: Resume,
    /// [[Capability]]: the resolving functions of the promise `next`/`throw`/`return` gave.
    capability: Resolvers<JsValue, JsValue, JsThenables>,
}

/// An async generator's internal slots besides its body: [[AsyncGeneratorState]] and
/// [[AsyncGeneratorQueue]].
pub(crate) struct AsyncState {
    state: Cell<State>,
    queue: RefCell<VecDeque<Request>>,
}

impl AsyncState {
    pub(crate) fn new() -> AsyncState {
        AsyncState { state: Cell::new(State::SuspendedStart), queue: RefCell::new(VecDeque::new()) }
    }

    /// Drops the pending requests (when the run ends: see `heap.rs`).
    pub(crate) fn clear(&self) {
        let queue = std::mem::take(&mut *self.queue.borrow_mut());
        drop(queue);
    }
}

impl Clone for Resume {
    fn clone(&self) -> Resume {
        match self {
            Resume::Next(v) => Resume::Next(v.clone()),
            Resume::Throw(v) => Resume::Throw(v.clone()),
            Resume::Return(v) => Resume::Return(v.clone()),
        }
    }
}

fn state_of(generator: &Generator) -> &AsyncState {
    generator.slot.asynchronous.as_ref().expect("an async generator's slot has its state")
}

/// AsyncGeneratorEnqueue (27.6.3.3).
fn async_generator_enqueue(
    generator: &Generator,
    completion: Resume,
    capability: Resolvers<JsValue, JsValue, JsThenables>,
) {
    // 1. Let request be AsyncGeneratorRequest { [[Completion]]: completion, [[Capability]]:
    // promiseCapability }.
    // 2. Append request to generator.[[AsyncGeneratorQueue]].
    state_of(generator).queue.borrow_mut().push_back(Request { completion, capability });
}

/// AsyncGeneratorCompleteStep (27.6.3.4): settles the first request's promise. `completion`
/// is `Err` for a throw completion.
fn async_generator_complete_step(generator: &Generator, completion: Result<JsValue, JsValue>, done: bool) {
    // 1. Assert: generator.[[AsyncGeneratorQueue]] is not empty.
    // 2. Let next be the first element of generator.[[AsyncGeneratorQueue]].
    // 3. Remove the first element from generator.[[AsyncGeneratorQueue]].
    let Some(next) = state_of(generator).queue.borrow_mut().pop_front() else { return };
    // 4. Let promiseCapability be next.[[Capability]].
    match completion {
        // 6. If completion is a throw completion, then
        //   a. Perform ! Call(promiseCapability.[[Reject]], undefined, « value »).
        Err(e) => next.capability.reject(e),
        // 7. Else,
        //   b. Let iteratorResult be CreateIterResultObject(value, done).
        //   d. Perform ! Call(promiseCapability.[[Resolve]], undefined, « iteratorResult »).
        Ok(v) => next.capability.resolve(iter_result(v, done)),
    }
}

/// AsyncGeneratorResume (27.6.3.5): runs the body with `completion`, synchronously, in a new
/// task (see the module doc).
fn async_generator_resume(generator: &Rc<Generator>, completion: Resume) {
    // 1. Assert: generator.[[AsyncGeneratorState]] is either suspended-start or suspended-yield.
    // 6. Set generator.[[AsyncGeneratorState]] to executing.
    state_of(generator).state.set(State::Executing);
    if generator.started.replace(true) {
        *generator.slot.resume.borrow_mut() = Some(completion);
    }
    // 8. Resume the suspended evaluation of genContext using completion as the result of the
    // operation that suspended it.
    let drive = Drive { generator: generator.clone(), body: None };
    let task = JsPromise::from_future(drive);
    drop(task);
}

/// AsyncGeneratorUnwrapYieldResumption (27.6.3.7).
async fn async_generator_unwrap_yield_resumption(resumption: Resume) -> Res<JsValue> {
    match resumption {
        // 1. If resumptionValue is not a return completion, return ? resumptionValue.
        Resume::Next(v) => Ok(v),
        Resume::Throw(e) => Err(Ctrl::Throw(e)),
        Resume::Return(v) => {
            // 2. Let awaited be Completion(Await(resumptionValue.[[Value]])).
            // 3. If awaited is a throw completion, return ? awaited.
            let awaited = crate::interp::await_value(v).await?;
            // 5. Return ReturnCompletion(awaited.[[Value]]).
            Err(Ctrl::Return(awaited))
        }
    }
}

/// Yield (27.5.3.7) in an async generator: `? AsyncGeneratorYield(? Await(value))`, then
/// AsyncGeneratorYield (27.6.3.8).
pub(crate) async fn async_generator_yield(slot: Rc<GenSlot>, value: JsValue) -> Res<JsValue> {
    // Yield step 2: If generatorKind is async, return ? AsyncGeneratorYield(? Await(value)).
    let value = crate::interp::await_value(value).await?;
    async_generator_yield_awaited(slot, value).await
}

/// AsyncGeneratorYield (27.6.3.8) itself, for a value already awaited (`yield*` yields its
/// inner results' values without awaiting them again).
async fn async_generator_yield_awaited(slot: Rc<GenSlot>, value: JsValue) -> Res<JsValue> {
    let generator = slot.owner().ok_or_else(|| Ctrl::Throw(realm().error("Error", "generator gone")))?;
    // AsyncGeneratorYield 9. Perform AsyncGeneratorCompleteStep(generator, completion, false,
    // previousRealm).
    async_generator_complete_step(&generator, Ok(value), false);
    // 10. Let queue be generator.[[AsyncGeneratorQueue]].
    let first = state_of(&generator).queue.borrow().front().map(|r| r.completion.clone());
    let resumption = match first {
        // 11. If queue is not empty, then
        //   a. NOTE: Execution continues without suspending the generator.
        //   b. Let toYield be the first element of queue.
        //   c. Let resumptionValue be Completion(toYield.[[Completion]]).
        Some(completion) => completion,
        // 12. Else,
        None => {
            // a. Set generator.[[AsyncGeneratorState]] to suspended-yield.
            state_of(&generator).state.set(State::SuspendedYield);
            drop(generator);
            // b-c. Suspend, until resumed with resumptionValue.
            YieldPoint::new(slot, Yielded::Value(JsValue::Undefined)).await
        }
    };
    // 11.d / 12.d. Return ? AsyncGeneratorUnwrapYieldResumption(resumptionValue).
    async_generator_unwrap_yield_resumption(resumption).await
}

/// AsyncGeneratorAwaitReturn (27.6.3.9).
fn async_generator_await_return(generator: &Rc<Generator>) {
    let state = state_of(generator);
    // 1. Assert: generator.[[AsyncGeneratorState]] is draining-queue.
    // 4. Let next be the first element of queue. 5. Let completion be Completion(next.[[Completion]]).
    let value = match state.queue.borrow().front().map(|r| r.completion.clone()) {
        Some(Resume::Return(v)) => v,
        _ => return,
    };
    // 7. Let promiseCompletion be Completion(PromiseResolve(%Promise%, completion.[[Value]])).
    let promise = match crate::interp::promise_resolve_intrinsic(value) {
        Ok(p) => p,
        // 8. If promiseCompletion is an abrupt completion, then
        Err(e) => {
            // a. Perform AsyncGeneratorCompleteStep(generator, promiseCompletion, true).
            async_generator_complete_step(generator, Err(e), true);
            // b. Perform AsyncGeneratorDrainQueue(generator).
            async_generator_drain_queue(generator);
            return;
        }
    };
    // 11-15. PerformPromiseThen(promise, onFulfilled, onRejected): each completes the step
    // and drains the queue.
    let (on_fulfilled, on_rejected) = (generator.clone(), generator.clone());
    let derived: JsPromise = promise.then_both(
        move |v| {
            async_generator_complete_step(&on_fulfilled, Ok(v), true);
            async_generator_drain_queue(&on_fulfilled);
            Ok(JsValue::Undefined)
        },
        move |e| {
            async_generator_complete_step(&on_rejected, Err(e), true);
            async_generator_drain_queue(&on_rejected);
            Ok(JsValue::Undefined)
        },
    );
    drop(derived);
}

/// AsyncGeneratorDrainQueue (27.6.3.10).
fn async_generator_drain_queue(generator: &Rc<Generator>) {
    let state = state_of(generator);
    // 1. Assert: generator.[[AsyncGeneratorState]] is draining-queue.
    loop {
        // 3. If queue is empty, then a. Set generator.[[AsyncGeneratorState]] to completed.
        // 5.d.iii. If queue is empty, set generator.[[AsyncGeneratorState]] to completed.
        let first = state.queue.borrow().front().map(|r| r.completion.clone());
        let Some(completion) = first else {
            state.state.set(State::Completed);
            return;
        };
        match completion {
            // c. If completion is a return completion, then
            //   i. Perform AsyncGeneratorAwaitReturn(generator). ii. Set done to true.
            Resume::Return(_) => {
                async_generator_await_return(generator);
                return;
            }
            // d. i. If completion is a normal completion, set completion to
            // NormalCompletion(undefined). ii. Perform AsyncGeneratorCompleteStep(generator,
            // completion, true).
            Resume::Next(_) => async_generator_complete_step(generator, Ok(JsValue::Undefined), true),
            Resume::Throw(e) => async_generator_complete_step(generator, Err(e), true),
        }
    }
}

/// A resumption's task: polls the body until it suspends at a `yield` (the task ends and the
/// body goes back to the generator) or completes (AsyncGeneratorStart steps 4.e-4.m).
struct Drive {
    generator: Rc<Generator>,
    body: Option<CallFuture>,
}

impl Future for Drive {
    type Output = Result<JsValue, JsValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<JsValue, JsValue>> {
        let this = self.get_mut();
        if this.body.is_none() {
            this.body = this.generator.future.borrow_mut().take();
        }
        let Some(body) = this.body.as_mut() else { return Poll::Ready(Ok(JsValue::Undefined)) };
        let polled = match crate::stack::check() {
            Ok(()) => body.as_mut().poll(cx),
            Err(e) => Poll::Ready(Err(e)),
        };
        let generator = &this.generator;
        match polled {
            Poll::Ready(result) => {
                this.body = None;
                // AsyncGeneratorStart 4.h. Set acGenerator.[[AsyncGeneratorState]] to
                // draining-queue.
                state_of(generator).state.set(State::DrainingQueue);
                // i-j. A normal or return completion completes with its value (the body's
                // future gives the return value as `Ok`).
                // k. Perform AsyncGeneratorCompleteStep(acGenerator, result, true).
                async_generator_complete_step(generator, result, true);
                // l. Perform AsyncGeneratorDrainQueue(acGenerator).
                async_generator_drain_queue(generator);
                Poll::Ready(Ok(JsValue::Undefined))
            }
            Poll::Pending if state_of(generator).state.get() == State::SuspendedYield => {
                *generator.future.borrow_mut() = this.body.take();
                Poll::Ready(Ok(JsValue::Undefined))
            }
            // An `await`: its reaction job resumes this task.
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Which of `next`, `return`, `throw`.
#[derive(Clone, Copy)]
pub(crate) enum Method {
    Next,
    Return,
    Throw,
}

/// %AsyncGeneratorPrototype%.next / return / throw (27.6.1.2-4).
pub(crate) fn async_generator_method(this: &JsValue, value: JsValue, method: Method, name: &str) -> JsValue {
    // 2. Let promiseCapability be ! NewPromiseCapability(%Promise%).
    let (promise, capability) = JsPromise::with_resolvers();
    let result = wrap_promise(promise);
    // 3. Let result be Completion(AsyncGeneratorValidate(generator, empty)).
    // 4. IfAbruptRejectPromise(result, promiseCapability).
    let Some(generator) = super::as_generator(this).filter(|g| g.slot.asynchronous.is_some()) else {
        let text = crate::inspect::inspect(this);
        capability.reject(
            realm().error("TypeError", &format!("{name} method called on incompatible receiver {text}")),
        );
        return result;
    };
    let state = state_of(&generator);
    match method {
        Method::Next => {
            // 6. If state is completed, then resolve with CreateIterResultObject(undefined, true).
            if state.state.get() == State::Completed {
                capability.resolve(iter_result(JsValue::Undefined, true));
                return result;
            }
            // 7-8. Let completion be NormalCompletion(value); AsyncGeneratorEnqueue.
            async_generator_enqueue(&generator, Resume::Next(value.clone()), capability);
            // 9. If state is either suspended-start or suspended-yield, then
            //   a. Perform AsyncGeneratorResume(generator, completion).
            if matches!(state.state.get(), State::SuspendedStart | State::SuspendedYield) {
                async_generator_resume(&generator, Resume::Next(value));
            }
        }
        Method::Return => {
            // 5-6. Let completion be ReturnCompletion(value); AsyncGeneratorEnqueue.
            async_generator_enqueue(&generator, Resume::Return(value.clone()), capability);
            match state.state.get() {
                // 8. If state is either suspended-start or completed, then
                State::SuspendedStart | State::Completed => {
                    // a. Set generator.[[AsyncGeneratorState]] to draining-queue.
                    state.state.set(State::DrainingQueue);
                    // b. Perform AsyncGeneratorAwaitReturn(generator).
                    async_generator_await_return(&generator);
                }
                // 9. Else if state is suspended-yield, AsyncGeneratorResume(generator, completion).
                State::SuspendedYield => async_generator_resume(&generator, Resume::Return(value)),
                // 10. Else, assert: state is either executing or draining-queue.
                State::Executing | State::DrainingQueue => {}
            }
        }
        Method::Throw => {
            // 6. If state is suspended-start, then set state to completed.
            if state.state.get() == State::SuspendedStart {
                state.state.set(State::Completed);
                generator.clear();
            }
            // 7. If state is completed, reject the promise with exception.
            if state.state.get() == State::Completed {
                capability.reject(value);
                return result;
            }
            // 8-9. Let completion be ThrowCompletion(exception); AsyncGeneratorEnqueue.
            async_generator_enqueue(&generator, Resume::Throw(value.clone()), capability);
            // 10. If state is suspended-yield, AsyncGeneratorResume(generator, completion).
            if state.state.get() == State::SuspendedYield {
                async_generator_resume(&generator, Resume::Throw(value));
            }
        }
    }
    result
}

/// %AsyncGeneratorPrototype%: `next`, `return`, `throw`.
pub(crate) fn install(proto: &Obj) {
    let r = realm();
    for (name, method) in [("next", Method::Next), ("return", Method::Return), ("throw", Method::Throw)] {
        r.method(proto, name, 1, move |this, args, _| {
            Ok(async_generator_method(this, args.first().cloned().unwrap_or_default(), method, name))
        });
    }
}

/// YieldExpression : `yield *` AssignmentExpression (15.5.5) with generatorKind async:
/// `value` is the evaluated AssignmentExpression (steps 1-2).
pub(crate) async fn async_yield_star(slot: Rc<GenSlot>, value: JsValue) -> Res<JsValue> {
    use crate::interp::await_value;
    use crate::iteration::async_iteration::{async_iterator_close, get_async_iterator};
    // 3. Let iteratorRecord be ? GetIterator(value, generatorKind).
    let record = get_async_iterator(&value)?;
    // 5. Let received be NormalCompletion(undefined).
    let mut received = Resume::Next(JsValue::Undefined);
    // 7. Repeat,
    loop {
        realm().step()?;
        let inner_result = match received {
            // a. If received is a normal completion, then
            Resume::Next(v) => {
                // i. Let innerResult be ? Call(iteratorRecord.[[NextMethod]],
                // iteratorRecord.[[Iterator]], « received.[[Value]] »).
                // ii. If generatorKind is async, set innerResult to ? Await(innerResult).
                let inner = await_value(record.next(Some(v))?).await?;
                // iii. If innerResult is not an Object, throw a TypeError exception.
                if !matches!(inner, JsValue::Object(_)) {
                    return Err(super::not_an_object(&inner));
                }
                // iv-v. If ? IteratorComplete(innerResult) is true, return ? IteratorValue(innerResult).
                if inner.get("done")?.truthy() {
                    return Ok(inner.get("value")?);
                }
                inner
            }
            // b. Else if received is a throw completion, then
            Resume::Throw(e) => {
                // i. Let throw be ? GetMethod(iterator, "throw").
                // ii.1. Let innerResult be ? Call(throw, iterator, « received.[[Value]] »).
                match record.call_throw(e)? {
                    Some(inner) => {
                        // 2. If generatorKind is async, set innerResult to ? Await(innerResult).
                        let inner = await_value(inner).await?;
                        // 4. If innerResult is not an Object, throw a TypeError exception.
                        if !matches!(inner, JsValue::Object(_)) {
                            return Err(super::not_an_object(&inner));
                        }
                        // 5-6. If ? IteratorComplete(innerResult) is true, return ?
                        // IteratorValue(innerResult).
                        if inner.get("done")?.truthy() {
                            return Ok(inner.get("value")?);
                        }
                        inner
                    }
                    // iii. Else,
                    None => {
                        // 2-3. Let closeCompletion be NormalCompletion(empty). If
                        // generatorKind is async, perform ? AsyncIteratorClose(iteratorRecord,
                        // closeCompletion).
                        async_iterator_close(&record, Ok(())).await?;
                        // 5. Throw a TypeError exception.
                        return Err(Ctrl::Throw(
                            realm().error("TypeError", "The iterator does not provide a 'throw' method."),
                        ));
                    }
                }
            }
            // c. Else (a return completion),
            Resume::Return(v) => {
                // ii. Let return be ? GetMethod(iterator, "return").
                // iv. Let innerReturnResult be ? Call(return, iterator, « received.[[Value]] »).
                let Some(inner) = record.call_return(Some(v.clone()))? else {
                    // iii. If return is undefined, then
                    //   2. If generatorKind is async, set value to ? Await(value).
                    //   3. Return ReturnCompletion(value).
                    let v = await_value(v).await?;
                    return Err(Ctrl::Return(v));
                };
                // v. If generatorKind is async, set innerReturnResult to ? Await(innerReturnResult).
                let inner = await_value(inner).await?;
                // vi. If innerReturnResult is not an Object, throw a TypeError exception.
                if !matches!(inner, JsValue::Object(_)) {
                    return Err(super::not_an_object(&inner));
                }
                // vii-viii. If ? IteratorComplete(innerReturnResult) is true: Return
                // ReturnCompletion(? IteratorValue(innerReturnResult)).
                if inner.get("done")?.truthy() {
                    return Err(Ctrl::Return(inner.get("value")?));
                }
                inner
            }
        };
        // a.vi / b.ii.7 / c.ix: If generatorKind is async, set received to
        // Completion(AsyncGeneratorYield(? IteratorValue(innerResult))).
        let value = inner_result.get("value")?;
        received = match async_generator_yield_awaited(slot.clone(), value).await {
            Ok(v) => Resume::Next(v),
            Err(Ctrl::Throw(e)) => Resume::Throw(e),
            Err(Ctrl::Return(v)) => Resume::Return(v),
            Err(other) => return Err(other),
        };
    }
}
