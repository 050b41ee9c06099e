//! A small CommonJS `require` for Node's built-in modules (only `worker_threads`, also as
//! `node:worker_threads`), with `__filename` and `__dirname`. A file module (`./x.js`) is
//! outside the subset: `require` throws Node's MODULE_NOT_FOUND error for anything else.

use std::rc::Rc;

use super::arg;
use super::worker_threads::node_error;
use crate::realm::{Realm, realm};
use crate::value::JsValue;

/// The built-in modules `require` knows.
pub(crate) const BUILT_IN_MODULES: &[&str] = &["worker_threads"];

/// Installs `require`, `__filename` and `__dirname` (Node host, when not a classic script).
pub(crate) fn install(r: &Rc<Realm>) {
    let g = &r.global;
    let require = r.native("require", 1, |_, args, _| {
        let id = arg(args, 0);
        let JsValue::String(name) = &id else {
            return Err(node_error(
                "TypeError",
                "ERR_INVALID_ARG_TYPE",
                &format!(
                    "The \"id\" argument must be of type string. Received {}",
                    crate::inspect::inspect(&id)
                ),
            ));
        };
        let name = name.to_string();
        let bare = name.strip_prefix("node:").unwrap_or(&name);
        if !BUILT_IN_MODULES.contains(&bare) {
            return Err(node_error("Error", "MODULE_NOT_FOUND", &format!("Cannot find module '{name}'")));
        }
        let r = realm();
        if let Some((_, m)) = r.modules.borrow().iter().find(|(n, _)| n == bare) {
            return Ok(m.clone());
        }
        let m = JsValue::Object(super::worker_threads::module(&r));
        r.modules.borrow_mut().push((bare.to_string(), m.clone()));
        Ok(m)
    });
    g.define("require", JsValue::Object(require), false);
    let file = std::path::absolute(&r.run.file).unwrap_or_else(|_| std::path::PathBuf::from(&r.run.file));
    let dir = file.parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    g.define("__filename", JsValue::from(file.to_string_lossy().as_ref()), false);
    g.define("__dirname", JsValue::from(dir.as_str()), false);
}
