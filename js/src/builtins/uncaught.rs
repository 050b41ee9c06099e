//! The report of an error that no script code caught: Node's crash output and exit code, a
//! browser's console line, a worker's error event; and the texts of those reports.

use settle_runtime::{Handle, Uncaught, UncaughtKind};

use crate::inspect::{error_head, inspect};
use crate::interp::call_sync;
use crate::realm::{HostKind, Realm, realm};
use crate::value::{Class, JsValue, Obj, Slot};

/// Reports an error that no script code caught: Node prints it and exits with code 1 (unless
/// an `uncaughtException` listener exists); a browser logs it and goes on.
pub(crate) fn report_uncaught(error: JsValue) {
    if crate::realm::is_halted() {
        return;
    }
    let r = realm();
    if r.host == HostKind::Node {
        let listeners = r.listeners("uncaughtException");
        if !listeners.is_empty() {
            drop(r);
            for l in listeners {
                if let Err(e) =
                    call_sync(&l, &JsValue::Undefined, &[error.clone(), "uncaughtException".into()])
                {
                    return report_uncaught(e);
                }
            }
            return;
        }
        drop(r);
        // A worker dies of it, and its parent gets an `error` event.
        if crate::worker::forward_uncaught(&error) {
            return;
        }
        let r = realm();
        let message = crash_message(&r, &error);
        r.write_out(&message, true);
        r.exit_code.set(1);
        // The process dies: nothing more of the checkpoint runs.
        let handle = Handle::current();
        handle.halt(Uncaught::new(UncaughtKind::Exception, error_head_or_inspect(&error), handle.origin()));
    } else {
        drop(r);
        // A worker reports it to its `Worker` object as an ErrorEvent, and goes on.
        if crate::worker::forward_uncaught(&error) {
            return;
        }
        let r = realm();
        r.write_out(&format!("Uncaught {}", describe_error(&error)), true);
        r.exit_code.set(1);
    }
}

/// An ErrorEvent's `message` after "Uncaught ": an error's head (`TypeError: boom`), a
/// string as it is, anything else inspected.
pub(crate) fn error_message_text(v: &JsValue) -> String {
    match v {
        JsValue::String(s) => s.to_string(),
        other => error_head_or_inspect(other),
    }
}

fn error_head_or_inspect(v: &JsValue) -> String {
    match v {
        JsValue::Object(o) if matches!(o.class(), Class::Error(_)) => error_head(o),
        other => inspect(other),
    }
}

/// An error as console.log shows it (its stack), anything else inspected.
fn describe_error(v: &JsValue) -> String {
    inspect(v)
}

/// Node's report of an uncaught exception: the source line, a caret, then the error.
fn crash_message(r: &Realm, error: &JsValue) -> String {
    let offset = match error {
        JsValue::Object(o) => match o.class() {
            Class::Error(Some(pos)) => *pos,
            _ => r.pos(),
        },
        _ => r.pos(),
    };
    let (line, col) = crate::lower::line_col(&r.run.source, offset);
    let text = crate::lower::line_text(&r.run.source, offset);
    let caret = format!("{}^", " ".repeat(col.saturating_sub(1)));
    match error {
        JsValue::Object(o) if matches!(o.class(), Class::Error(_)) => {
            format!("{}:{line}\n{text}\n{caret}\n\n{}\n", r.run.file, describe_error(error))
        }
        other => {
            let shown = match other {
                JsValue::String(s) => s.to_string(),
                v => inspect(v),
            };
            format!("{}:{line}\n{text}\n{caret}\n{shown}\n", r.run.file)
        }
    }
}

/// Node's report of an unhandled rejection with no listener.
pub(crate) fn unhandled_rejection_message(reason: &JsValue) -> String {
    let r = realm();
    match reason {
        JsValue::Object(o) if matches!(o.class(), Class::Error(_)) => crash_message(&r, reason),
        other => {
            drop(r);
            settle_host::unhandled_rejection_message(&no_side_effects_to_string(other))
        }
    }
}

/// V8's `Object::NoSideEffectsToString`, which Node's unhandled-rejection message quotes: a
/// primitive's ToString, a function's source, `#<Constructor>` for an object whose `toString`
/// is Object.prototype's own, else `[object Tag]`. Only data properties are read, so no script
/// runs.
pub(crate) fn no_side_effects_to_string(v: &JsValue) -> String {
    fn data(o: &Obj, key: &str) -> Option<JsValue> {
        let mut at = Some(o.clone());
        while let Some(obj) = at {
            if let Some(prop) = obj.own_prop(key) {
                return match prop.slot {
                    Slot::Data(v) => Some(v),
                    Slot::Accessor(..) => None,
                };
            }
            at = obj.proto();
        }
        None
    }
    let JsValue::Object(o) = v else {
        return match v {
            JsValue::Symbol(_) => inspect(v),
            other => other.to_js_string().map(|s| s.to_string()).unwrap_or_default(),
        };
    };
    let r = realm();
    if o.is_callable() {
        let source = data(&r.function_proto, "toString");
        drop(r);
        return source
            .and_then(|ts| call_sync(&ts, v, &[]).ok())
            .and_then(|s| s.to_js_string().ok())
            .map_or_else(String::new, |s| s.to_string());
    }
    let object_to_string = data(&r.object_proto, "toString");
    let error_to_string = data(&r.error_proto("Error"), "toString");
    drop(r);
    let to_string = data(o, "toString");
    let is = |intrinsic: &Option<JsValue>| match (&to_string, intrinsic) {
        (Some(JsValue::Object(ts)), Some(JsValue::Object(own))) => ts.ptr_eq(own),
        _ => false,
    };
    // An error (or an object whose `toString` is Error.prototype's): `name: message` from the
    // data properties, a missing name being "Error" and a missing message "".
    if matches!(o.class(), Class::Error(_)) || is(&error_to_string) {
        let text = |key: &str| match data(o, key) {
            Some(JsValue::String(s)) => Some(s.to_string()),
            _ => None,
        };
        let name = text("name").unwrap_or_else(|| "Error".into());
        let message = text("message").unwrap_or_default();
        return match (name.is_empty(), message.is_empty()) {
            (true, _) => message,
            (false, true) => name,
            (false, false) => format!("{name}: {message}"),
        };
    }
    if is(&object_to_string)
        && let Some(JsValue::Object(ctor)) = data(o, "constructor")
        && let Class::Function(f) = ctor.class()
    {
        let name = crate::value::function_name(f);
        if !name.is_empty() {
            return format!("#<{name}>");
        }
    }
    // V8's class name of the object: the builtin kind that has a tag of its own.
    let tag = match o.class() {
        Class::Array(_) => "Array",
        Class::Arguments(_) => "Arguments",
        Class::Error(_) => "Error",
        Class::RegExp(_) => "RegExp",
        Class::Date(_) => "Date",
        Class::Symbol(_) => "Symbol",
        Class::Primitive(JsValue::String(_)) => "String",
        Class::Primitive(JsValue::Number(_)) => "Number",
        Class::Primitive(JsValue::Bool(_)) => "Boolean",
        Class::Primitive(JsValue::BigInt(_)) => "BigInt",
        _ => "Object",
    };
    format!("[object {tag}]")
}
