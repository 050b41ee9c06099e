//! `console.log` and friends (WHATWG Console): each writes its arguments formatted as Node's
//! `util.format` does (settle-inspect) to the run's stdout or stderr.

use std::rc::Rc;

use crate::inspect::format_log;
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(super) fn install(r: &Rc<Realm>) {
    let console = r.new_object();
    for (name, stderr) in [("log", false), ("info", false), ("debug", false), ("error", true), ("warn", true)]
    {
        r.method(&console, name, 0, move |_, args, _| {
            let r = realm();
            r.write_out(&format_log(args), stderr);
            Ok(JsValue::Undefined)
        });
    }
    r.global.define("console", JsValue::Object(console), false);
}
