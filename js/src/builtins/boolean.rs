//! The Boolean constructor and Boolean.prototype (ECMA-262 20.3).

use std::rc::Rc;

use super::{arg, type_error};
use crate::realm::Realm;
use crate::value::JsValue;

pub(super) fn install(r: &Rc<Realm>) {
    // 20.3.1.1 Boolean ( value ): 1. Let b be ToBoolean(value). 2. If NewTarget is undefined,
    // return b. 3-5. Otherwise a Boolean object whose [[BooleanData]] is b.
    let boolean = r.native_ctor("Boolean", 1, |_, args, new_target| {
        let b = JsValue::Bool(arg(args, 0).truthy());
        Ok(if new_target { JsValue::Object(crate::builtins::object::to_object(&b)?) } else { b })
    });
    let bp = &r.boolean_proto;
    boolean.define("prototype", JsValue::Object(bp.clone()), false);
    bp.define("constructor", JsValue::Object(boolean.clone()), false);
    // ThisBooleanValue (20.3.3.3.1).
    fn this_boolean_value(this: &JsValue) -> Result<bool, JsValue> {
        match this {
            JsValue::Bool(b) => Ok(*b),
            JsValue::Object(o) if let Some(JsValue::Bool(b)) = o.primitive_data() => Ok(*b),
            _ => Err(type_error("Boolean.prototype method requires that 'this' be a Boolean")),
        }
    }
    // 20.3.3.2 Boolean.prototype.toString: "true" or "false" of ThisBooleanValue.
    r.method(bp, "toString", 0, |this, _, _| {
        Ok(JsValue::from(if this_boolean_value(this)? { "true" } else { "false" }))
    });
    // 20.3.3.3 Boolean.prototype.valueOf: Return ? ThisBooleanValue(this value).
    r.method(bp, "valueOf", 0, |this, _, _| Ok(JsValue::Bool(this_boolean_value(this)?)));
    r.global.define("Boolean", JsValue::Object(boolean), false);
}
