//! The Promise constructor and its prototype (ECMA-262 2025, 27.2.3-27.2.5), each function
//! one call of settle-promise's engine-level algorithms (`settle_promise::realm`) over
//! [`JsRealm`]: every receiver, species constructor, replaced `then`, `C.resolve` lookup and
//! iterator step happens as the spec says, and settle's native fast path applies only while
//! a promise's `then` is the intrinsic one (as in V8).

use std::rc::Rc;

use settle_promise::realm::{self as spec, Realm as _};

use super::arg;
use crate::promise::{JsRealm, PromiseIntrinsics, wrap_promise};
use crate::property::PropertyKey;
use crate::realm::Realm;
use crate::value::JsValue;

/// A static method of %Promise% with `this` as the receiver C.
fn static_method(
    r: &Realm,
    promise: &crate::value::Obj,
    name: &str,
    length: usize,
    f: fn(&JsValue, &[JsValue]) -> Result<JsValue, JsValue>,
) {
    r.method(promise, name, length, move |this, args, _| f(this, args));
}

pub(crate) fn install(r: &Rc<Realm>) {
    let proto = &r.promise_proto;
    // 27.2.3.1 Promise ( executor ): NewTarget is %Promise% for `new Promise` and `super()`
    // alike here; a subclass's prototype is set by [[Construct]] afterwards.
    let promise = r.native_ctor("Promise", 1, |_, args, is_new| {
        let constructor = JsRealm.promise_constructor();
        let new_target = is_new.then_some(&constructor);
        spec::construct_promise(&JsRealm, new_target, &arg(args, 0), |_, p| Ok(wrap_promise(p)))
    });
    // 27.2.4.4 Promise.prototype: { [[Writable]]: false, [[Enumerable]]: false,
    // [[Configurable]]: false }.
    promise.define_with("prototype", JsValue::Object(proto.clone()), false, false, false);
    // 27.2.5.2 Promise.prototype.constructor.
    proto.define("constructor", JsValue::Object(promise.clone()), false);
    // 27.2.4.9 get Promise [ %Symbol.species% ]: 1. Return the this value.
    let species_getter = r.native("get [Symbol.species]", 0, |this, _, _| Ok(this.clone()));
    let species_key = PropertyKey::Symbol(r.symbols.species.clone());
    promise.define_accessor(&species_key, Some(JsValue::Object(species_getter.clone())), None, false);
    // 27.2.5.5 Promise.prototype [ %Symbol.toStringTag% ]: "Promise", not writable, configurable.
    let tag_key = PropertyKey::Symbol(r.symbols.to_string_tag.clone());
    proto.define_with(&tag_key, JsValue::from("Promise"), false, false, true);

    // 27.2.5.4 Promise.prototype.then ( onFulfilled, onRejected ).
    let then = r.native("then", 2, |this, args, _| {
        spec::promise_prototype_then(&JsRealm, this, &arg(args, 0), &arg(args, 1))
    });
    proto.define("then", JsValue::Object(then.clone()), false);
    // 27.2.5.1 Promise.prototype.catch ( onRejected ).
    r.method(proto, "catch", 1, |this, args, _| spec::promise_prototype_catch(&JsRealm, this, &arg(args, 0)));
    // 27.2.5.3 Promise.prototype.finally ( onFinally ).
    r.method(proto, "finally", 1, |this, args, _| {
        spec::promise_prototype_finally(&JsRealm, this, &arg(args, 0))
    });

    // 27.2.4.1 Promise.all, 27.2.4.2 Promise.allSettled, 27.2.4.3 Promise.any, 27.2.4.5
    // Promise.race ( iterable ).
    static_method(r, &promise, "all", 1, |this, args| spec::promise_all(&JsRealm, this, &arg(args, 0)));
    static_method(r, &promise, "allSettled", 1, |this, args| {
        spec::promise_all_settled(&JsRealm, this, &arg(args, 0))
    });
    static_method(r, &promise, "any", 1, |this, args| spec::promise_any(&JsRealm, this, &arg(args, 0)));
    static_method(r, &promise, "race", 1, |this, args| spec::promise_race(&JsRealm, this, &arg(args, 0)));
    // Promise.allKeyed / Promise.allSettledKeyed ( promises ) (the await-dictionary proposal,
    // as test262 tests it).
    static_method(r, &promise, "allKeyed", 1, |this, args| {
        spec::promise_all_keyed(&JsRealm, this, &arg(args, 0))
    });
    static_method(r, &promise, "allSettledKeyed", 1, |this, args| {
        spec::promise_all_settled_keyed(&JsRealm, this, &arg(args, 0))
    });
    // 27.2.4.6 Promise.reject ( r ).
    static_method(r, &promise, "reject", 1, |this, args| spec::promise_reject(&JsRealm, this, arg(args, 0)));
    // 27.2.4.7 Promise.resolve ( x ).
    static_method(r, &promise, "resolve", 1, |this, args| {
        spec::promise_resolve_method(&JsRealm, this, arg(args, 0))
    });
    // 27.2.4.8 Promise.try ( callback, ...args ).
    static_method(r, &promise, "try", 1, |this, args| {
        spec::promise_try(&JsRealm, this, &arg(args, 0), args.get(1..).unwrap_or_default())
    });
    // 27.2.4.10 Promise.withResolvers ( ).
    static_method(r, &promise, "withResolvers", 0, |this, _| spec::promise_with_resolvers(&JsRealm, this));

    let intrinsics = PromiseIntrinsics { constructor: promise.clone(), then, species_getter };
    // Installed once per realm: a second set cannot happen, and would keep the first.
    let _ = r.promise_intrinsics.set(intrinsics);
    r.global.define("Promise", JsValue::Object(promise), false);
}
