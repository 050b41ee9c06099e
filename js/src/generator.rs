//! Generators (`function*`, `yield`), on the same async evaluator.
//!
//! A generator's body is the future of its call, polled by `next`/`throw`/`return` with a
//! no-op waker: `yield` leaves the value in the generator's slot and suspends the future
//! (`Pending`); the next resumption polls it again with what to resume with. Like `await`, the
//! body suspends through the whole chain of nested evaluation futures, so `yield` works
//! anywhere inside expressions, loops and `try`/`finally`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

pub(crate) mod async_generator;

use crate::interp::{CallFuture, Ctrl, Res, call_sync};
use crate::iteration::{get_iterator_from_method, iter_result};
use crate::realm::realm;
use crate::value::{Class, JsValue, Obj};

/// What a suspended `yield` resumes with.
pub(crate) enum Resume {
    Next(JsValue),
    Throw(JsValue),
    Return(JsValue),
}

/// What a suspended body hands to the `next`/`throw`/`return` call that resumed it.
pub(crate) enum Yielded {
    /// `yield v`: the call returns CreateIterResultObject(v, false).
    Value(JsValue),
    /// `yield*`'s GeneratorYield(innerResult) (15.5.5 step 7.a.vii): the inner iterator's
    /// result object itself, unwrapped and unread.
    Result(JsValue),
}

/// Shared between a generator object and its running body.
#[derive(Default)]
pub(crate) struct GenSlot {
    yielded: RefCell<Option<Yielded>>,
    resume: RefCell<Option<Resume>>,
    /// An async generator's state and request queue; `None` for a sync generator.
    pub(crate) asynchronous: Option<async_generator::AsyncState>,
    /// The generator object the body belongs to (async generators complete its requests).
    owner: RefCell<Weak<Generator>>,
}

impl GenSlot {
    /// A sync generator's slot, or an async generator's (`asynchronous`).
    pub(crate) fn new(asynchronous: bool) -> GenSlot {
        GenSlot { asynchronous: asynchronous.then(async_generator::AsyncState::new), ..GenSlot::default() }
    }

    fn owner(&self) -> Option<Rc<Generator>> {
        self.owner.borrow().upgrade()
    }

    /// Whether the body is an async generator's.
    pub(crate) fn is_async(&self) -> bool {
        self.asynchronous.is_some()
    }
}

pub(crate) struct Generator {
    future: RefCell<Option<CallFuture>>,
    slot: Rc<GenSlot>,
    started: Cell<bool>,
    running: Cell<bool>,
}

impl Generator {
    /// Drops the suspended body (when the run ends: see `heap.rs`).
    pub(crate) fn clear(&self) {
        let future = self.future.borrow_mut().take();
        drop(future);
        if let Some(state) = &self.slot.asynchronous {
            state.clear();
        }
    }

    /// Whether this is an async generator.
    pub(crate) fn is_async(&self) -> bool {
        self.slot.is_async()
    }

    pub(crate) fn new(future: CallFuture, slot: Rc<GenSlot>) -> Rc<Generator> {
        let generator = Rc::new(Generator {
            future: RefCell::new(Some(future)),
            slot,
            started: Cell::new(false),
            running: Cell::new(false),
        });
        *generator.slot.owner.borrow_mut() = Rc::downgrade(&generator);
        generator
    }
}

/// Where a generator's body waits for its first resumption, after its parameters are bound:
/// suspends once.
#[derive(Default)]
pub(crate) struct StartPoint {
    suspended: bool,
}

impl Future for StartPoint {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if std::mem::replace(&mut this.suspended, true) { Poll::Ready(()) } else { Poll::Pending }
    }
}

/// The future a `yield` awaits: suspends once, then hands back the resumption.
pub(crate) struct YieldPoint {
    slot: Rc<GenSlot>,
    suspended: bool,
}

impl YieldPoint {
    pub(crate) fn new(slot: Rc<GenSlot>, value: Yielded) -> YieldPoint {
        *slot.yielded.borrow_mut() = Some(value);
        YieldPoint { slot, suspended: false }
    }
}

impl Future for YieldPoint {
    type Output = Resume;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Resume> {
        let this = self.get_mut();
        if !this.suspended {
            this.suspended = true;
            return Poll::Pending;
        }
        Poll::Ready(this.slot.resume.borrow_mut().take().unwrap_or(Resume::Next(JsValue::Undefined)))
    }
}

pub(crate) fn as_generator(v: &JsValue) -> Option<Rc<Generator>> {
    match v {
        JsValue::Object(o) => match o.class() {
            Class::Generator(g) => Some(g.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `gen.next(v)` / `gen.throw(e)` / `gen.return(v)`: GeneratorResume / GeneratorResumeAbrupt
/// (27.5.3.3-4), returning the iterator result object.
pub(crate) fn step(generator: &Generator, resume: Resume) -> Result<JsValue, JsValue> {
    if generator.running.get() {
        return Err(realm().error("TypeError", "Generator is already running"));
    }
    let Some(mut future) = generator.future.borrow_mut().take() else {
        return match resume {
            Resume::Next(_) => Ok(iter_result(JsValue::Undefined, true)),
            Resume::Return(v) => Ok(iter_result(v, true)),
            Resume::Throw(e) => Err(e),
        };
    };
    if generator.started.replace(true) {
        *generator.slot.resume.borrow_mut() = Some(resume);
    } else {
        match resume {
            Resume::Next(_) => {}
            // Not started: the body never runs.
            Resume::Return(v) => return Ok(iter_result(v, true)),
            Resume::Throw(e) => return Err(e),
        }
    }
    // Resuming polls the body's whole chain of futures on top of the current stack.
    crate::stack::check()?;
    generator.running.set(true);
    let polled = future.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    generator.running.set(false);
    match polled {
        Poll::Ready(Ok(v)) => Ok(iter_result(v, true)),
        Poll::Ready(Err(e)) => Err(e),
        Poll::Pending => {
            *generator.future.borrow_mut() = Some(future);
            let yielded = generator.slot.yielded.borrow_mut().take();
            Ok(match yielded {
                Some(Yielded::Result(result)) => result,
                Some(Yielded::Value(v)) => iter_result(v, false),
                None => iter_result(JsValue::Undefined, false),
            })
        }
    }
}

/// %GeneratorPrototype%: `next`, `return`, `throw`.
pub(crate) fn install(proto: &Obj) {
    let r = realm();
    for name in ["next", "return", "throw"] {
        r.method(proto, name, 1, move |this, args, _| {
            let Some(generator) = as_generator(this).filter(|g| !g.slot.is_async()) else {
                return Err(realm().error(
                    "TypeError",
                    &format!(
                        "{name} method called on incompatible receiver {}",
                        crate::inspect::inspect(this)
                    ),
                ));
            };
            let v = args.first().cloned().unwrap_or_default();
            let resume = match name {
                "next" => Resume::Next(v),
                "return" => Resume::Return(v),
                _ => Resume::Throw(v),
            };
            step(&generator, resume)
        });
    }
}

/// The message V8 gives for a result that is not an object (IteratorNext step 5 and its
/// kin in `yield*`).
pub(crate) fn not_an_object(result: &JsValue) -> Ctrl {
    let text = crate::inspect::inspect(result);
    Ctrl::Throw(realm().error("TypeError", &format!("Iterator result {text} is not an object")))
}

/// YieldExpression : `yield *` AssignmentExpression (ECMA-262 2025, 15.5.5); for a sync
/// generator here, for an async one in `async_generator::async_yield_star`: `value` is the evaluated AssignmentExpression (steps 1-2). A return completion
/// comes back as `Err(Ctrl::Return)`, which unwinds the generator's body like `return`.
pub(crate) async fn yield_star(slot: Rc<GenSlot>, value: JsValue) -> Res<JsValue> {
    if slot.is_async() {
        return async_generator::async_yield_star(slot, value).await;
    }
    // 4. Let iteratorRecord be ? GetIterator(value, generatorKind): GetMethod(obj,
    // @@iterator) (7.4.3 step 2.a), then GetIteratorFromMethod (7.4.2).
    let method = match &value {
        JsValue::Undefined | JsValue::Null => JsValue::Undefined,
        v => v.get(&crate::property::PropertyKey::Symbol(realm().symbols.iterator.clone()))?,
    };
    if !method.is_callable() {
        return Err(Ctrl::Throw(not_iterable(&value)));
    }
    let record = get_iterator_from_method(&value, &method)?;
    // 5. Let iterator be iteratorRecord.[[Iterator]].
    let iterator = record.iterator.clone();
    // 6. Let received be NormalCompletion(undefined).
    let mut received = Resume::Next(JsValue::Undefined);
    // 7. Repeat,
    loop {
        realm().step()?;
        let inner_result = match received {
            // a. If received is a normal completion, then
            Resume::Next(v) => {
                // i. Let innerResult be ? Call(iteratorRecord.[[NextMethod]],
                // iteratorRecord.[[Iterator]], « received.[[Value]] »).
                let inner = call_sync(&record.next, &iterator, &[v])?;
                // iii. If innerResult is not an Object, throw a TypeError exception.
                if !matches!(inner, JsValue::Object(_)) {
                    return Err(not_an_object(&inner));
                }
                // iv. Let done be ? IteratorComplete(innerResult).
                // v. If done is true, return ? IteratorValue(innerResult).
                if inner.get("done")?.truthy() {
                    return Ok(inner.get("value")?);
                }
                inner
            }
            // b. Else if received is a throw completion, then
            Resume::Throw(e) => {
                // i. Let throw be ? GetMethod(iterator, "throw").
                let throw = crate::iteration::async_iteration::get_method(&iterator, "throw")?;
                // ii. If throw is not undefined, then
                if let Some(throw) = throw {
                    // 1. Let innerResult be ? Call(throw, iterator, « received.[[Value]] »).
                    let inner = call_sync(&throw, &iterator, &[e])?;
                    // 4. If innerResult is not an Object, throw a TypeError exception.
                    if !matches!(inner, JsValue::Object(_)) {
                        return Err(not_an_object(&inner));
                    }
                    // 5. Let done be ? IteratorComplete(innerResult).
                    // 6. If done is true, return ? IteratorValue(innerResult).
                    if inner.get("done")?.truthy() {
                        return Ok(inner.get("value")?);
                    }
                    inner
                } else {
                    // iii. 1. NOTE: If iterator does not have a throw method, this throw is
                    // going to terminate the yield* loop. But first we need to give iterator
                    // a chance to clean up.
                    // 2. Let closeCompletion be NormalCompletion(empty).
                    // 3. ... Perform ? IteratorClose(iteratorRecord, closeCompletion).
                    crate::iteration::iterator_close(&record, Ok(()))?;
                    // 5. Throw a TypeError exception.
                    return Err(Ctrl::Throw(
                        realm().error("TypeError", "The iterator does not provide a 'throw' method."),
                    ));
                }
            }
            // c. Else (received is a return completion),
            Resume::Return(v) => {
                // ii. Let return be ? GetMethod(iterator, "return").
                let Some(ret) = crate::iteration::async_iteration::get_method(&iterator, "return")? else {
                    // iii. If return is undefined, then
                    // 3. Return ReturnCompletion(value).
                    return Err(Ctrl::Return(v));
                };
                // iv. Let innerReturnResult be ? Call(return, iterator, « received.[[Value]] »).
                let inner = call_sync(&ret, &iterator, &[v])?;
                // vi. If innerReturnResult is not an Object, throw a TypeError exception.
                if !matches!(inner, JsValue::Object(_)) {
                    return Err(not_an_object(&inner));
                }
                // vii. Let done be ? IteratorComplete(innerReturnResult).
                if inner.get("done")?.truthy() {
                    // viii. 1. Let value be ? IteratorValue(innerReturnResult).
                    // 2. Return ReturnCompletion(value).
                    return Err(Ctrl::Return(inner.get("value")?));
                }
                inner
            }
        };
        // a.vii / b.ii.8 / c.x: Set received to Completion(GeneratorYield(innerResult)).
        received = YieldPoint::new(slot.clone(), Yielded::Result(inner_result)).await;
    }
}

/// The message V8 gives when `yield*`'s operand has no callable @@iterator: its type, and its
/// value for the primitives V8 prints.
fn not_iterable(value: &JsValue) -> JsValue {
    let what = match value {
        JsValue::Undefined => "undefined".to_string(),
        JsValue::Null => "object null".to_string(),
        JsValue::Number(_) | JsValue::Bool(_) => {
            format!("{} {}", value.type_of(), crate::inspect::inspect(value))
        }
        v => v.type_of().to_string(),
    };
    realm()
        .error("TypeError", &format!("{what} is not iterable (cannot read property Symbol(Symbol.iterator))"))
}
