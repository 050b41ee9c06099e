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
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::interp::CallFuture;
use crate::realm::realm;
use crate::value::{Class, JsValue, Obj};

/// What a suspended `yield` resumes with.
pub(crate) enum Resume {
    Next(JsValue),
    Throw(JsValue),
    Return(JsValue),
}

/// Shared between a generator object and its running body.
#[derive(Default)]
pub(crate) struct GenSlot {
    yielded: RefCell<Option<JsValue>>,
    resume: RefCell<Option<Resume>>,
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
    }

    pub(crate) fn new(future: CallFuture, slot: Rc<GenSlot>) -> Generator {
        Generator {
            future: RefCell::new(Some(future)),
            slot,
            started: Cell::new(false),
            running: Cell::new(false),
        }
    }
}

/// The future a `yield` awaits: suspends once, then hands back the resumption.
pub(crate) struct YieldPoint {
    slot: Rc<GenSlot>,
    suspended: bool,
}

impl YieldPoint {
    pub(crate) fn new(slot: Rc<GenSlot>, value: JsValue) -> YieldPoint {
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

fn iter_result(value: JsValue, done: bool) -> JsValue {
    let o = realm().new_object();
    o.define("value", value, true);
    o.define("done", JsValue::Bool(done), true);
    JsValue::Object(o)
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

/// `gen.next(v)` / `gen.throw(e)` / `gen.return(v)`: the raw step, `(value, done)`.
pub(crate) fn step(generator: &Generator, resume: Resume) -> Result<(JsValue, bool), JsValue> {
    if generator.running.get() {
        return Err(realm().error("TypeError", "Generator is already running"));
    }
    let Some(mut future) = generator.future.borrow_mut().take() else {
        return match resume {
            Resume::Next(_) => Ok((JsValue::Undefined, true)),
            Resume::Return(v) => Ok((v, true)),
            Resume::Throw(e) => Err(e),
        };
    };
    if generator.started.replace(true) {
        *generator.slot.resume.borrow_mut() = Some(resume);
    } else {
        match resume {
            Resume::Next(_) => {}
            // Not started: the body never runs.
            Resume::Return(v) => return Ok((v, true)),
            Resume::Throw(e) => return Err(e),
        }
    }
    // Resuming polls the body's whole chain of futures on top of the current stack.
    crate::stack::check()?;
    generator.running.set(true);
    let polled = future.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    generator.running.set(false);
    match polled {
        Poll::Ready(Ok(v)) => Ok((v, true)),
        Poll::Ready(Err(e)) => Err(e),
        Poll::Pending => {
            *generator.future.borrow_mut() = Some(future);
            let value = generator.slot.yielded.borrow_mut().take().unwrap_or_default();
            Ok((value, false))
        }
    }
}

/// %GeneratorPrototype%: `next`, `return`, `throw`.
pub(crate) fn install(proto: &Obj) {
    let r = realm();
    for name in ["next", "return", "throw"] {
        r.method(proto, name, 1, move |this, args, _| {
            let Some(generator) = as_generator(this) else {
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
            let (value, done) = step(&generator, resume)?;
            Ok(iter_result(value, done))
        });
    }
}
