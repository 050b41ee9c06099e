//! `setTimeout` / `setInterval` / `clearTimeout` / `clearInterval`, `queueMicrotask`, and
//! Node's `setImmediate` / `clearImmediate`, on settle's loop (the host rules are in
//! notes/hosts.md: Node's 1 ms minimum and TIMEOUT_MAX, HTML's nesting clamp in the runtime).

use std::rc::Rc;

use settle_runtime::{Handle, TaskId, TimerId};

use super::{R, arg, callback, run_callback, type_error};
use crate::inspect::inspect;
use crate::number::number_to_string;
use crate::realm::{HostKind, JsHost, Realm, realm};
use crate::value::JsValue;

fn timer_id(v: &JsValue) -> Option<TimerId> {
    match v {
        JsValue::Number(n) if *n >= 1.0 && n.fract() == 0.0 => Some(TimerId::from_u64(*n as u64)),
        _ => None,
    }
}

/// Node's TIMEOUT_MAX (2^31 - 1 ms): a longer delay becomes 1 ms, with a warning.
const TIMEOUT_MAX: f64 = 2_147_483_647.0;

/// Node's `TimeoutOverflowWarning` (lib/internal/timers.js), printed as `process.emitWarning`
/// prints it: on stderr, from a `nextTick`, with the `--trace-warnings` hint the first time.
fn timeout_overflow_warning(handle: &Handle, ms: f64) {
    let text = format!(
        "({}:{}) TimeoutOverflowWarning: {} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.",
        "node",
        std::process::id(),
        number_to_string(ms)
    );
    handle.queue_next_tick(move || {
        let r = realm();
        if r.warned.replace(true) {
            r.write_out(&text, true);
        } else {
            r.write_out(
                &format!("{text}\n(Use `node --trace-warnings ...` to show where the warning was created)"),
                true,
            );
        }
    });
}

pub(super) fn install(r: &Rc<Realm>) {
    let g = &r.global;
    // `performance.now()` (HR-Time, in Node and browsers): milliseconds since the loop clock's
    // origin, so `--virtual-time` applies to it.
    let performance = r.new_object();
    r.method(&performance, "now", 0, |_, _, _| {
        Ok(JsValue::Number(Handle::current().now().as_secs_f64() * 1000.0))
    });
    g.define("performance", JsValue::Object(performance), false);
    let set = |repeat: bool| {
        move |_: &JsValue, args: &[JsValue], _: bool| -> R {
            let f = arg(args, 0);
            if !f.is_callable() {
                return Err(type_error(&format!(
                    "The \"callback\" argument must be of type function. Received {}",
                    inspect(&f)
                )));
            }
            let ms = arg(args, 1).to_number()?;
            let extra: Vec<JsValue> = args.iter().skip(2).cloned().collect();
            let handle = Handle::current();
            if ms > TIMEOUT_MAX && realm().host == HostKind::Node {
                timeout_overflow_warning(&handle, ms);
            }
            let id = if repeat {
                handle.set_interval_ms_with(ms, move |host: &mut JsHost| run_callback(host, &f, &extra))
            } else {
                handle.set_timeout_ms_with(ms, move |host: &mut JsHost| run_callback(host, &f, &extra))
            };
            Ok(JsValue::Number(id.as_u64() as f64))
        }
    };
    g.define("setTimeout", JsValue::Object(r.native("setTimeout", 2, set(false))), false);
    g.define("setInterval", JsValue::Object(r.native("setInterval", 2, set(true))), false);
    let clear = |_: &JsValue, args: &[JsValue], _: bool| -> R {
        if let Some(id) = timer_id(&arg(args, 0)) {
            Handle::current().clear_timer(id);
        }
        Ok(JsValue::Undefined)
    };
    g.define("clearTimeout", JsValue::Object(r.native("clearTimeout", 1, clear)), false);
    g.define("clearInterval", JsValue::Object(r.native("clearInterval", 1, clear)), false);
    g.define(
        "queueMicrotask",
        JsValue::Object(r.native("queueMicrotask", 1, |_, args, _| {
            let f = arg(args, 0);
            if !f.is_callable() {
                return Err(type_error(&format!(
                    "The \"callback\" argument must be of type function. Received {}",
                    inspect(&f)
                )));
            }
            Handle::current().queue_microtask_with(move |host: &mut JsHost| run_callback(host, &f, &[]));
            Ok(JsValue::Undefined)
        })),
        false,
    );
    if r.host == HostKind::Node {
        g.define(
            "setImmediate",
            JsValue::Object(r.native("setImmediate", 1, |_, args, _| {
                let f = callback(args, 0)?;
                let extra: Vec<JsValue> = args.iter().skip(1).cloned().collect();
                let id = Handle::current()
                    .queue_task_with(move |host: &mut JsHost| run_callback(host, &f, &extra));
                // Distinct from timer ids: immediates count down from the top.
                Ok(JsValue::Number(-(id.as_u64() as f64)))
            })),
            false,
        );
        g.define(
            "clearImmediate",
            JsValue::Object(r.native("clearImmediate", 1, |_, args, _| {
                if let JsValue::Number(n) = arg(args, 0)
                    && n < 0.0
                {
                    Handle::current().cancel_task(TaskId::from_u64((-n) as u64));
                }
                Ok(JsValue::Undefined)
            })),
            false,
        );
    }
}
