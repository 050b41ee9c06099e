//! Function.prototype (ECMA-262 20.2.3: `call`, `apply`, `bind`, `toString`) and the
//! Function constructor, which settle-js refuses (no code from strings).

use std::rc::Rc;

use super::array::to_list;
use super::{arg, type_error};
use crate::interp::call_sync;
use crate::realm::Realm;
use crate::value::{Class, Func, JsValue, Obj};

pub(super) fn install(r: &Rc<Realm>) {
    let proto = &r.function_proto;
    // 20.2.3: %Function.prototype% is a built-in function whose `length` is 0 and `name` the
    // empty String (CreateBuiltinFunction's attributes).
    proto.define_with("length", JsValue::Number(0.0), false, false, true);
    proto.define_with("name", JsValue::from(""), false, false, true);
    r.method(proto, "call", 1, |this, args, _| call_sync(this, &arg(args, 0), args.get(1..).unwrap_or(&[])));
    r.method(proto, "apply", 2, |this, args, _| {
        let list = match arg(args, 1) {
            JsValue::Undefined | JsValue::Null => Vec::new(),
            other => to_list(&other)?,
        };
        call_sync(this, &arg(args, 0), &list)
    });
    r.method(proto, "bind", 1, |this, args, _| {
        if !this.is_callable() {
            return Err(type_error("Bind must be called on a function"));
        }
        // 20.2.3.2 Function.prototype.bind: BoundFunctionCreate, then `length` (the target's
        // minus the bound arguments, at least 0) and `name` ("bound " + the target's name).
        let bound_args = args.get(1..).unwrap_or(&[]).to_vec();
        let target =
            this.as_object().cloned().ok_or_else(|| type_error("Bind must be called on a function"))?;
        let length = if target.has_own("length") {
            match target.get("length")? {
                JsValue::Number(n) if n == f64::INFINITY => f64::INFINITY,
                JsValue::Number(n) if n.is_finite() => (n.trunc() - bound_args.len() as f64).max(0.0),
                JsValue::Number(_) => 0.0,
                _ => 0.0,
            }
        } else {
            0.0
        };
        let name = match target.get("name")? {
            JsValue::String(s) => s.to_string(),
            _ => String::new(),
        };
        let bound = Func::Bound(Box::new(crate::object::BoundFunc {
            target: this.clone(),
            this: arg(args, 0),
            args: bound_args,
        }));
        let f = Obj::new(Class::Function(bound), target.proto());
        f.define_with("length", JsValue::Number(length), false, false, true);
        f.define_with("name", JsValue::from(format!("bound {name}")), false, false, true);
        Ok(JsValue::Object(f))
    });
    r.method(proto, "toString", 0, |this, _, _| {
        Ok(JsValue::from(match this {
            JsValue::Object(o) => match o.class() {
                Class::Function(Func::Closure { def, .. }) => def.source.to_string(),
                Class::Function(f) => {
                    format!("function {}() {{ [native code] }}", crate::value::function_name(f))
                }
                _ => {
                    return Err(type_error("Function.prototype.toString requires that 'this' be a Function"));
                }
            },
            _ => return Err(type_error("Function.prototype.toString requires that 'this' be a Function")),
        }))
    });
    let function = r.native_ctor("Function", 1, |_, _, _| {
        Err(type_error("the Function constructor (code from strings) is outside the subset of settle-js"))
    });
    function.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(function.clone()), false);
    r.global.define("Function", JsValue::Object(function), false);
}
