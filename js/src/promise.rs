//! How the interpreter's values plug into settle-promise (see `docs/embedding.md`).
//!
//! - [`JsThenables`] is the classifier: the spec's Get(value, "then") for the resolve
//!   functions, so a wrapped settle promise is adopted as a promise (self-resolution is caught)
//!   and any object with a callable `then` (found through getters) as a thenable.
//! - `Reason` (through `From<TypeError>`, `From<PanicError>` and `From<AggregateError<JsValue>>`) turns the errors
//!   the Promise algorithms raise into JavaScript error objects.
//! - `FromIterator<JsValue>` and `FromIterator<Settled<..>>` let `Promise.all` and
//!   `Promise.allSettled` build their JavaScript array in the same tick.

use std::rc::Rc;

use settle_promise::{
    AggregateError, PanicError, Reason, Resolution, Resolvers, Settled, SpecError, Thenable, Thenables,
    TypeError,
};

use crate::interp::call_sync;
use crate::realm::realm;
use crate::value::{Class, JsPromise, JsValue, Obj};

/// The interpreter's thenable detection: plugs JavaScript's "object with a callable `then`"
/// into settle's resolve functions.
#[derive(Debug)]
pub struct JsThenables;

impl Thenables<JsValue, JsValue> for JsThenables {
    fn classify(value: JsValue) -> Resolution<JsValue, JsValue, JsThenables> {
        let JsValue::Object(obj) = &value else { return Resolution::Value(value) };
        if let Some(p) = obj.promise() {
            // A native promise: adopted through NewPromiseResolveThenableJob like any
            // thenable, and recognized when a promise is resolved with itself.
            return Resolution::Promise(p.clone());
        }
        match obj.get("then") {
            Err(thrown) => Resolution::Throw(thrown),
            Ok(then) if then.is_callable() => {
                Resolution::Thenable(Rc::new(JsThenable { object: value.clone(), then }))
            }
            Ok(_) => Resolution::Value(value),
        }
    }
}

/// An object with a callable `then`, found by [`JsThenables::classify`].
struct JsThenable {
    object: JsValue,
    then: JsValue,
}

impl Thenable<JsValue, JsValue, JsThenables> for JsThenable {
    fn then(&self, resolvers: Resolvers<JsValue, JsValue, JsThenables>) -> Result<(), JsValue> {
        let (resolve, reject) = resolving_functions(&resolvers);
        call_sync(&self.then, &self.object, &[resolve, reject]).map(|_| ())
    }
}

/// JavaScript `resolve` and `reject` functions for a promise's resolvers.
pub(crate) fn resolving_functions(
    resolvers: &Resolvers<JsValue, JsValue, JsThenables>,
) -> (JsValue, JsValue) {
    let r = realm();
    let res = resolvers.clone();
    let resolve = r.native("", 1, move |_, args, _| {
        res.resolve(args.first().cloned().unwrap_or_default());
        Ok(JsValue::Undefined)
    });
    let rej = resolvers.clone();
    let reject = r.native("", 1, move |_, args, _| {
        rej.reject(args.first().cloned().unwrap_or_default());
        Ok(JsValue::Undefined)
    });
    (JsValue::Object(resolve), JsValue::Object(reject))
}

/// The JavaScript object for a settle promise (a new one each time: a promise created by
/// settle is wrapped exactly once, where it is created).
pub(crate) fn wrap_promise(promise: JsPromise) -> JsValue {
    let r = realm();
    let obj = Obj::new(Class::Promise(promise), Some(r.promise_proto.clone()));
    let mut objects = r.promise_objects.borrow_mut();
    if objects.len() >= 64 && objects.len().is_power_of_two() {
        objects.retain(|w| w.strong_count() > 0);
    }
    objects.push(Rc::downgrade(&obj.0));
    JsValue::Object(obj)
}

/// The object the script knows for a promise reported by settle's rejection tracker.
pub(crate) fn find_promise_object(promise: &JsPromise) -> JsValue {
    let r = realm();
    let found = r.promise_objects.borrow().iter().rev().find_map(|w| {
        let data = w.upgrade()?;
        let obj = Obj(data);
        let same = obj.promise().is_some_and(|p| p.ptr_eq(promise));
        same.then_some(obj)
    });
    match found {
        Some(obj) => JsValue::Object(obj),
        None => {
            drop(r);
            wrap_promise(promise.clone())
        }
    }
}

impl From<TypeError> for JsValue {
    fn from(e: TypeError) -> JsValue {
        realm().error("TypeError", &e.to_string())
    }
}

impl From<PanicError> for JsValue {
    fn from(e: PanicError) -> JsValue {
        realm().error("Error", &format!("settle-js internal error: {}", e.message()))
    }
}

impl From<AggregateError<JsValue>> for JsValue {
    fn from(e: AggregateError<JsValue>) -> JsValue {
        let r = realm();
        let error = r.error("AggregateError", &e.to_string());
        if let JsValue::Object(o) = &error {
            o.define("errors", r.new_array(e.errors), false);
        }
        error
    }
}

/// The spec's own errors become JavaScript error objects of this realm.
impl Reason for JsValue {
    fn from_spec_error(error: SpecError<JsValue>) -> JsValue {
        match error {
            SpecError::Type(e) => JsValue::from(e),
            SpecError::Panic(e) => JsValue::from(e),
            SpecError::Aggregate(e) => JsValue::from(e),
            // settle-js raises no timeouts or aborts of settle's patterns; should one reach a
            // script, it is an Error with the same text.
            other => realm().error("Error", &other.to_string()),
        }
    }
}

impl FromIterator<JsValue> for JsValue {
    fn from_iter<I: IntoIterator<Item = JsValue>>(iter: I) -> JsValue {
        realm().new_array(iter.into_iter().collect())
    }
}

impl FromIterator<Settled<JsValue, JsValue>> for JsValue {
    fn from_iter<I: IntoIterator<Item = Settled<JsValue, JsValue>>>(iter: I) -> JsValue {
        let r = realm();
        let items = iter
            .into_iter()
            .map(|s| {
                let o = r.new_object();
                match s {
                    Settled::Fulfilled(v) => {
                        o.define("status", JsValue::from("fulfilled"), true);
                        o.define("value", v, true);
                    }
                    Settled::Rejected(e) => {
                        o.define("status", JsValue::from("rejected"), true);
                        o.define("reason", e, true);
                    }
                }
                JsValue::Object(o)
            })
            .collect();
        r.new_array(items)
    }
}
