//! The global `structuredClone(value)` (HTML 2.7.11): the copy a message would deliver,
//! without a second thread: StructuredSerialize, then StructuredDeserialize in this realm.

use std::rc::Rc;

use super::arg;
use crate::realm::Realm;
use crate::structured_clone::{structured_deserialize, structured_serialize};
use crate::value::JsValue;

/// Installs `structuredClone`.
pub(crate) fn install(r: &Rc<Realm>) {
    let f = r.native("structuredClone", 1, |_, args, _| {
        let serialized = structured_serialize(&arg(args, 0))?;
        Ok(structured_deserialize(&serialized))
    });
    r.global.define("structuredClone", JsValue::Object(f), false);
}
