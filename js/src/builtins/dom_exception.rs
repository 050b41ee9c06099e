//! `DOMException` (WebIDL 3.14.1): the error type of `DataCloneError` and `NetworkError`. Its
//! prototype inherits from Error.prototype, so a DOMException is `instanceof Error`.

use std::rc::Rc;

use super::arg;
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};

/// The legacy codes of the names settle-js throws (WebIDL's table of DOMException names).
fn legacy_code(name: &str) -> u16 {
    match name {
        "NetworkError" => 19,
        "DataCloneError" => 25,
        _ => 0,
    }
}

/// Installs `DOMException` and registers its prototype as the error prototype "DOMException".
pub(crate) fn install(r: &Rc<Realm>) {
    let proto = Obj::new(Class::Object, Some(r.error_proto("Error")));
    proto.define("name", JsValue::from("Error"), false);
    proto.define("message", JsValue::from(""), false);
    proto.define(
        &crate::property::PropertyKey::from(r.symbols.to_string_tag.clone()),
        JsValue::from("DOMException"),
        false,
    );
    let p = proto.clone();
    let ctor = r.native_ctor("DOMException", 0, move |_, args, new_target| {
        if !new_target {
            return Err(super::type_error(
                "Failed to construct 'DOMException': Please use the 'new' operator, this DOM object constructor cannot be called as a function.",
            ));
        }
        let message = match arg(args, 0) {
            JsValue::Undefined => String::new(),
            m => m.to_js_string()?.to_string(),
        };
        let name = match arg(args, 1) {
            JsValue::Undefined => "Error".to_string(),
            n => n.to_js_string()?.to_string(),
        };
        let e = realm().make_error(p.clone(), Some(JsValue::from(message.as_str())));
        e.define("name", JsValue::from(name.as_str()), false);
        e.define("code", JsValue::Number(f64::from(legacy_code(&name))), false);
        Ok(JsValue::Object(e))
    });
    ctor.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(ctor.clone()), false);
    r.error_protos.borrow_mut().push(("DOMException", proto));
    r.global.define("DOMException", JsValue::Object(ctor), false);
}
