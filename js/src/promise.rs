//! How the interpreter's values plug into settle-promise (see `docs/embedding.md`).
//!
//! - [`JsRealm`] is settle-js as a [`settle_promise::realm::Realm`]: the Promise built-in
//!   (`builtins/promise.rs`) is settle-promise's engine-level algorithms of ECMA-262 27.2 over
//!   it, so receivers, species, replaced `then` methods and the iterator protocol follow the
//!   spec, with settle's native fast path while `then` is the intrinsic.
//! - [`JsThenables`] is the classifier of the core's resolve functions: the realm module's
//!   `classify`, that is the spec's Get(value, "then") (found through getters), with a native
//!   promise whose `then` is the intrinsic adopted natively.
//! - `Reason` (through `From<TypeError>`, `From<PanicError>` and `From<AggregateError<JsValue>>`) turns the errors
//!   the core raises into JavaScript error objects.
//! - `FromIterator<JsValue>` and `FromIterator<Settled<..>>` build a JavaScript array from the
//!   core's combinator results (for Rust code combining settle-js promises).

use std::rc::Rc;

use settle_promise::realm::{self, PropertyKey as SpecKey, TypeErrorCase};
use settle_promise::{
    AggregateError, PanicError, PromiseState, Reason, Resolution, Settled, SpecError, Thenables, TypeError,
};

use crate::inspect::inspect;
use crate::interp::{call_sync, construct_sync};
use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{Class, Func, JsPromise, JsValue, Obj, Slot};

/// The interpreter's thenable detection: plugs JavaScript's "object with a callable `then`"
/// into settle's resolve functions.
#[derive(Debug)]
pub struct JsThenables;

impl Thenables<JsValue, JsValue> for JsThenables {
    fn classify(value: JsValue) -> Resolution<JsValue, JsValue, JsThenables> {
        realm::classify(&JsRealm, value)
    }

    fn classify_in(
        _host: &mut dyn std::any::Any,
        value: JsValue,
        promise: &JsPromise,
    ) -> Resolution<JsValue, JsValue, JsThenables> {
        realm::classify_for(&JsRealm, Some(promise), value)
    }
}

/// The intrinsics the native fast path compares with: %Promise%,
/// %Promise.prototype.then% and the original `get Promise [ %Symbol.species% ]`.
pub(crate) struct PromiseIntrinsics {
    pub(crate) constructor: Obj,
    pub(crate) then: Obj,
    pub(crate) species_getter: Obj,
}

/// settle-js as the Promise algorithms see it: a zero-sized handle over the current realm.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsRealm;

/// Whether `object`'s own `key` is a data property holding `expected`, read without running
/// code.
fn own_data_is(object: &Obj, key: &str, expected: &Obj) -> bool {
    matches!(object.own_prop(key), Some(p) if matches!(&p.slot, Slot::Data(JsValue::Object(f)) if f.ptr_eq(expected)))
}

impl realm::Realm for JsRealm {
    type Value = JsValue;
    type Thenables = JsThenables;
    type Key = PropertyKey;

    fn undefined(&self) -> JsValue {
        JsValue::Undefined
    }

    fn string(&self, s: &str) -> JsValue {
        JsValue::from(s)
    }

    fn is_undefined(&self, value: &JsValue) -> bool {
        matches!(value, JsValue::Undefined)
    }

    fn is_null(&self, value: &JsValue) -> bool {
        matches!(value, JsValue::Null)
    }

    fn is_object(&self, value: &JsValue) -> bool {
        matches!(value, JsValue::Object(_))
    }

    fn to_boolean(&self, value: &JsValue) -> bool {
        value.truthy()
    }

    fn same_value(&self, a: &JsValue, b: &JsValue) -> bool {
        a.same_value(b)
    }

    fn is_callable(&self, value: &JsValue) -> bool {
        value.is_callable()
    }

    fn is_constructor(&self, value: &JsValue) -> bool {
        matches!(value, JsValue::Object(o) if o.is_constructor())
    }

    fn get(&self, value: &JsValue, key: SpecKey<'_, PropertyKey>) -> Result<JsValue, JsValue> {
        // GetV (7.3.3) step 1: Let O be ? ToObject(V).
        if value.is_nullish() {
            let name = match key {
                // GetIterator's GetMethod: V8 says "undefined is not iterable".
                SpecKey::Iterator => return Err(crate::iteration::not_iterable(value)),
                SpecKey::String(s) => s.to_string(),
                SpecKey::Species => "Symbol(Symbol.species)".to_string(),
                SpecKey::Key(k) => k.display(),
            };
            let message = format!("Cannot read properties of {} (reading '{name}')", inspect(value));
            return Err(realm().error("TypeError", &message));
        }
        match key {
            SpecKey::String(s) => value.get(s),
            SpecKey::Iterator => value.get(&PropertyKey::Symbol(realm().symbols.iterator.clone())),
            SpecKey::Species => value.get(&PropertyKey::Symbol(realm().symbols.species.clone())),
            SpecKey::Key(k) => value.get(k),
        }
    }

    fn call(&self, function: &JsValue, this: &JsValue, args: &[JsValue]) -> Result<JsValue, JsValue> {
        call_sync(function, this, args)
    }

    fn construct(&self, constructor: &JsValue, args: &[JsValue]) -> Result<JsValue, JsValue> {
        construct_sync(constructor, args.to_vec(), constructor)
    }

    fn own_property_keys(&self, object: &JsValue) -> Result<Vec<PropertyKey>, JsValue> {
        Ok(object.as_object().map(Obj::own_property_keys).unwrap_or_default())
    }

    fn get_own_property_enumerable(
        &self,
        object: &JsValue,
        key: &PropertyKey,
    ) -> Result<Option<bool>, JsValue> {
        Ok(object.as_object().and_then(|o| o.get_own_property(key)).map(|d| d.enumerable.unwrap_or(false)))
    }

    fn create_builtin_function(
        &self,
        length: u32,
        steps: impl Fn(&JsRealm, &[JsValue]) -> Result<JsValue, JsValue> + 'static,
    ) -> JsValue {
        JsValue::Object(realm().native("", length as usize, move |_, args, _| steps(&JsRealm, args)))
    }

    fn create_resolving_function(
        &self,
        resolvers: &settle_promise::Resolvers<JsValue, JsValue, JsThenables>,
        reject: bool,
    ) -> JsValue {
        // CreateBuiltinFunction(steps, 1, "", « »): length and name implied (`Obj::new_function`).
        let func = Func::Resolving { resolvers: resolvers.clone(), reject };
        JsValue::Object(Obj::new_function(func, realm().function_proto.clone()))
    }

    fn create_array_from_list(&self, values: Vec<JsValue>) -> JsValue {
        realm().new_array(values)
    }

    fn create_object(&self, properties: Vec<(&'static str, JsValue)>) -> JsValue {
        let object = realm().new_object();
        for (key, value) in properties {
            object.define(key, value, true);
        }
        JsValue::Object(object)
    }

    fn create_null_prototype_object(&self, properties: Vec<(PropertyKey, JsValue)>) -> JsValue {
        let object = Obj::new(Class::Object, None);
        for (key, value) in properties {
            object.define(&key, value, true);
        }
        JsValue::Object(object)
    }

    fn type_error(&self, case: TypeErrorCase<'_, JsValue>) -> JsValue {
        let message = match case {
            TypeErrorCase::NotAConstructor(v) => format!("{} is not a constructor", inspect(v)),
            TypeErrorCase::NotCallable(v) => format!("{} is not a function", inspect(v)),
            TypeErrorCase::ExecutorAlreadyCalled => {
                "Promise executor has already been invoked with non-undefined arguments".to_string()
            }
            TypeErrorCase::ResolveNotCallable => {
                "Promise resolve or reject function is not callable".to_string()
            }
            TypeErrorCase::NotAnObject(v) => format!("{} is not an object", inspect(v)),
            TypeErrorCase::NotAPromise(v) => {
                format!("Method Promise.prototype.then called on incompatible receiver {}", inspect(v))
            }
            TypeErrorCase::NoNewTarget => "Promise constructor cannot be invoked without 'new'".to_string(),
            TypeErrorCase::ExecutorNotCallable(v) => {
                format!("Promise resolver {} is not a function", resolver_text(v))
            }
            TypeErrorCase::NotIterable(v) => return crate::iteration::not_iterable(v),
            TypeErrorCase::IteratorResultNotAnObject(v) => {
                format!("Iterator result {} is not an object", inspect(v))
            }
            TypeErrorCase::ChainingCycle(v) => {
                let class = v.as_object().and_then(crate::inspect::constructor_name);
                format!("Chaining cycle detected for promise #<{}>", class.as_deref().unwrap_or("Object"))
            }
            TypeErrorCase::IteratorNotAnObject(_) => {
                "Result of the Symbol.iterator method is not an object".to_string()
            }
            _ => "TypeError in a Promise algorithm".to_string(),
        };
        realm().error("TypeError", &message)
    }

    fn aggregate_error(&self, errors: Vec<JsValue>) -> JsValue {
        JsValue::from(AggregateError::new(errors))
    }

    fn promise_constructor(&self) -> JsValue {
        let r = realm();
        let intrinsics = r.promise_intrinsics.get().expect("settle-js: Promise is installed first");
        JsValue::Object(intrinsics.constructor.clone())
    }

    fn is_intrinsic_promise(&self, value: &JsValue) -> bool {
        let r = realm();
        matches!((value, r.promise_intrinsics.get()), (JsValue::Object(o), Some(i)) if o.ptr_eq(&i.constructor))
    }

    fn promise_object(&self, promise: JsPromise) -> JsValue {
        wrap_promise(promise)
    }

    fn promise_of(&self, value: &JsValue) -> Option<JsPromise> {
        value.as_object().and_then(|o| o.promise().cloned())
    }

    fn iterator_step_direct(
        &self,
        iterator: &JsValue,
        next_method: &JsValue,
    ) -> Option<Result<Option<JsValue>, JsValue>> {
        crate::iteration::intrinsic_step(iterator, next_method)
    }

    fn promise_with_intrinsic_then(&self, value: &JsValue) -> Option<JsPromise> {
        let JsValue::Object(o) = value else { return None };
        let promise = o.promise()?;
        let r = realm();
        let intrinsics = r.promise_intrinsics.get()?;
        let proto = &r.promise_proto;
        let intact = (o.has_no_own_props()
            || o.own_prop("then").is_none() && o.own_prop("constructor").is_none())
            && o.proto().is_some_and(|p| p.ptr_eq(proto))
            && (r.promise_lookups_intact.get()
                || {
                    // What the lookups of `then` and `constructor` on the prototype and of
                    // `@@species` on the constructor would find; kept until either object's
                    // properties change (`Realm::promise_lookups_intact`).
                    let found = own_data_is(proto, "then", &intrinsics.then)
                        && own_data_is(proto, "constructor", &intrinsics.constructor)
                        && matches!(
                            intrinsics.constructor.own_prop(&PropertyKey::Symbol(r.symbols.species.clone())),
                            Some(p) if matches!(&p.slot, Slot::Accessor(Some(JsValue::Object(g)), _) if g.ptr_eq(&intrinsics.species_getter))
                        );
                    if found {
                        proto.watch();
                        intrinsics.constructor.watch();
                        r.promise_lookups_intact.set(true);
                    }
                    found
                });
        intact.then(|| promise.clone())
    }

    fn report_job_error(&self, error: JsValue) {
        crate::builtins::report_uncaught(error);
    }
}

/// Keeps a promise object of a subclass alive while the rejection tracker may report it (see
/// `Realm::pinned_promises`): [[Construct]] calls it when a promise gets its new target's
/// prototype (`new Sub`, `super()`, NewPromiseCapability(Sub), `Reflect.construct`). Objects only the pin list holds are let go once they cannot be
/// reported any more: fulfilled, or rejected and handled.
pub(crate) fn pin_subclass_promise(object: &Obj) {
    let r = realm();
    if object.proto().is_some_and(|p| p.ptr_eq(&r.promise_proto)) {
        return;
    }
    let mut pinned = r.pinned_promises.borrow_mut();
    if pinned.len() >= 64 && pinned.len().is_power_of_two() {
        pinned.retain(|o| {
            let quiet = o.promise().is_some_and(|p| match p.state() {
                PromiseState::Pending => false,
                PromiseState::Fulfilled => true,
                PromiseState::Rejected => p.is_handled(),
            });
            Rc::strong_count(&o.0) > 1 || !quiet
        });
    }
    pinned.push(object.clone());
}

/// How V8 shows a non-callable executor in its TypeError.
pub(crate) fn resolver_text(v: &JsValue) -> String {
    match v {
        JsValue::Object(o) if o.array_items().is_some() => String::new(),
        JsValue::Object(_) => "#<Object>".into(),
        JsValue::String(s) => s.to_string(),
        other => inspect(other),
    }
}

/// The JavaScript object for a settle promise (a new one each time: a promise created by
/// settle is wrapped exactly once, where it is created).
pub(crate) fn wrap_promise(promise: JsPromise) -> JsValue {
    let r = realm();
    let obj = Obj::new_promise(promise, r.promise_proto.clone());
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
