//! The NativeError constructors and Error.prototype (ECMA-262 20.5): Error, TypeError,
//! RangeError, ReferenceError, SyntaxError, EvalError, URIError, AggregateError.

use std::rc::Rc;

use super::{arg, type_error};
use crate::inspect::error_head;
use crate::interp::iterate;
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};

pub(super) fn install(r: &Rc<Realm>) {
    let base_proto = r.new_object();
    r.error_protos.borrow_mut().push(("Error", base_proto.clone()));
    for kind in [
        "Error",
        "TypeError",
        "RangeError",
        "ReferenceError",
        "SyntaxError",
        "EvalError",
        "URIError",
        "AggregateError",
    ] {
        let proto = if kind == "Error" {
            base_proto.clone()
        } else {
            Obj::new(Class::Object, Some(base_proto.clone()))
        };
        proto.define("name", JsValue::from(kind), false);
        proto.define("message", JsValue::from(""), false);
        let ctor_proto = proto.clone();
        let aggregate = kind == "AggregateError";
        let ctor = r.native_ctor(kind, if aggregate { 2 } else { 1 }, move |_, args, _| {
            let r = realm();
            let (message, options) =
                if aggregate { (arg(args, 1), arg(args, 2)) } else { (arg(args, 0), arg(args, 1)) };
            let message = match message {
                JsValue::Undefined => None,
                m => Some(JsValue::String(m.to_js_string()?.into())),
            };
            let obj = r.make_error(ctor_proto.clone(), message);
            if let JsValue::Object(o) = &options
                && o.has_own("cause")
            {
                obj.define("cause", o.get("cause")?, false);
            }
            if aggregate {
                let errors = iterate(&arg(args, 0))?;
                obj.define("errors", r.new_array(errors), false);
            }
            Ok(JsValue::Object(obj))
        });
        ctor.define("prototype", JsValue::Object(proto.clone()), false);
        proto.define("constructor", JsValue::Object(ctor.clone()), false);
        if kind != "Error" {
            r.error_protos.borrow_mut().push((kind, proto.clone()));
        }
        r.global.define(kind, JsValue::Object(ctor), false);
    }
    r.method(&base_proto, "toString", 0, |this, _, _| match this {
        JsValue::Object(o) => Ok(JsValue::from(error_head(o))),
        _ => Err(type_error("Error.prototype.toString requires that 'this' be an Object")),
    });
    // `stack` (V8's, not ECMA-262's): an error's head and where it was made, formatted when it
    // is read, so a subclass's `this.name = ...` after `super()` shows (V8 formats lazily too).
    // V8 keeps it on each instance; here one accessor on Error.prototype serves them all, and
    // assigning `stack` gives the instance its own data property.
    let getter = r.native("get stack", 0, |this, _, _| {
        Ok(match this {
            JsValue::Object(o) if matches!(o.class(), Class::Error(_)) => JsValue::from(error_stack(o)),
            _ => JsValue::Undefined,
        })
    });
    let setter = r.native("set stack", 1, |this, args, _| {
        if let JsValue::Object(o) = this {
            o.define_with("stack", arg(args, 0), true, false, true);
        }
        Ok(JsValue::Undefined)
    });
    base_proto.define_accessor("stack", Some(JsValue::Object(getter)), Some(JsValue::Object(setter)), false);
    // V8's Error.captureStackTrace ( targetObject [ , constructorOpt ] ): gives the object an
    // own `stack` of its head and the current position (libraries' custom errors call it).
    if let Ok(JsValue::Object(error)) = r.global.get("Error") {
        r.method(&error, "captureStackTrace", 2, |_, args, _| {
            let JsValue::Object(target) = arg(args, 0) else {
                return Err(type_error("Invalid argument"));
            };
            let at = {
                let r = realm();
                r.location(r.pos())
            };
            let stack = format!("{}\n    at {at}", error_head(&target));
            target.define_with("stack", JsValue::from(stack), true, false, true);
            Ok(JsValue::Undefined)
        });
    }
}

/// An error's `stack` text: its head (`TypeError: boom`) and where it was made.
pub(crate) fn error_stack(o: &Obj) -> String {
    let at = match o.class() {
        Class::Error(Some(pos)) => realm().location(*pos),
        _ => "<anonymous>".into(),
    };
    format!("{}\n    at {at}", error_head(o))
}
