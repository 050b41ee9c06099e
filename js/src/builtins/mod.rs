//! The global object of settle-js: one module per built-in (its constructor, prototype and
//! functions), the helpers they share, and [`install`], which builds a realm's globals.

use std::rc::Rc;

mod array;
mod bigint;
mod boolean;
mod console;
mod date;
mod dom_exception;
mod error;
mod eval;
pub(crate) mod events;
mod function;
mod global_functions;
mod html;
mod iterator;
mod json;
mod map;
mod math;
mod number;
mod object;
mod process;
mod promise;
mod reflect;
pub(crate) mod regexp;
mod require;
mod set;
mod string;
mod structured_clone;
mod symbol;
mod timers;
mod uncaught;
mod weak_map;
mod weak_set;
pub(crate) mod worker;
pub(crate) mod worker_threads;

pub(crate) use date::date_text;
pub(crate) use error::error_stack;
pub(crate) use eval::{is_intrinsic_eval, perform_direct_eval};
pub(crate) use json::json_stringify;
pub(crate) use object::to_object;
pub(crate) use process::{remove_listener, set_argv};
pub(crate) use uncaught::{
    error_message_text, no_side_effects_to_string, report_uncaught, unhandled_rejection_message,
};

use crate::interp::call_sync;
use crate::realm::{HostKind, JsHost, Realm, RealmGuard, realm};
use crate::value::JsValue;

type R = Result<JsValue, JsValue>;

fn arg(args: &[JsValue], i: usize) -> JsValue {
    args.get(i).cloned().unwrap_or_default()
}

pub(crate) fn type_error(message: &str) -> JsValue {
    realm().error("TypeError", message)
}

/// IsCallable(callbackfn) of an Array method, with V8's message (the value as
/// NoSideEffectsToString shows it: `#<Object> is not a function`).
fn callback(args: &[JsValue], i: usize) -> R {
    let f = arg(args, i);
    if f.is_callable() {
        Ok(f)
    } else {
        Err(type_error(&format!("{} is not a function", no_side_effects_to_string(&f))))
    }
}

/// The same check with the message of V8's Torque built-ins (Map's and Set's `forEach`): the
/// type, then a primitive's value (`number 1 is not a function`, `object is not a function`).
fn callback_typed(args: &[JsValue], i: usize) -> R {
    let f = arg(args, i);
    if f.is_callable() {
        return Ok(f);
    }
    let shown = match &f {
        JsValue::Undefined => "undefined".to_string(),
        JsValue::Null => "object null".to_string(),
        JsValue::Bool(b) => format!("boolean {b}"),
        JsValue::Number(n) => format!("number {}", crate::number::number_to_string(*n)),
        JsValue::String(s) => format!("string \"{s}\""),
        JsValue::Symbol(_) => "symbol".to_string(),
        JsValue::BigInt(_) => "bigint".to_string(),
        JsValue::Object(_) => "object".to_string(),
    };
    Err(type_error(&format!("{shown} is not a function")))
}

/// ToIntegerOrInfinity ( argument ) (7.1.5): ToNumber, then the Number operation.
fn to_integer_or_infinity(v: &JsValue) -> Result<f64, JsValue> {
    Ok(crate::number::integer_or_infinity(v.to_number()?))
}

/// A relative index (`slice`'s negative indices).
fn relative(v: &JsValue, len: usize, default: usize) -> Result<usize, JsValue> {
    if matches!(v, JsValue::Undefined) {
        return Ok(default);
    }
    let n = to_integer_or_infinity(v)?;
    Ok(if n < 0.0 { (len as f64 + n).max(0.0) as usize } else { n.min(len as f64) as usize })
}

/// Runs a callback the host calls (timer, immediate, microtask, tick) in the realm the loop
/// lends it (`JsHost`): an exception is uncaught.
pub(crate) fn run_callback(host: &mut JsHost, f: &JsValue, args: &[JsValue]) {
    let _running = RealmGuard::enter(host.realm.clone());
    if let Err(e) = call_sync(f, &JsValue::Undefined, args) {
        report_uncaught(e);
    }
}

/// Installs the globals.
pub(crate) fn install(r: &Rc<Realm>) {
    let g = &r.global;
    g.define("globalThis", JsValue::Object(g.clone()), false);
    g.define("undefined", JsValue::Undefined, false);
    g.define("NaN", JsValue::Number(f64::NAN), false);
    g.define("Infinity", JsValue::Number(f64::INFINITY), false);
    console::install(r);
    timers::install(r);
    object::install(r);
    symbol::install(r);
    reflect::install(r);
    eval::install(r);
    bigint::install(r);
    function::install(r);
    error::install(r);
    promise::install(r);
    array::install(r);
    string::install(r);
    number::install(r);
    boolean::install(r);
    global_functions::install(r);
    // 21.1.2.12 Number.parseFloat, 21.1.2.13 Number.parseInt: "the initial value ... is
    // %parseFloat%" / "%parseInt%", the same function objects as the globals.
    if let (Ok(JsValue::Object(number)), Ok(parse_float), Ok(parse_int)) =
        (r.global.get("Number"), r.global.get("parseFloat"), r.global.get("parseInt"))
    {
        number.define("parseFloat", parse_float, false);
        number.define("parseInt", parse_int, false);
    }
    regexp::install(r);
    math::install(r);
    date::install(r);
    map::install(r);
    set::install(r);
    weak_map::install(r);
    weak_set::install(r);
    json::install(r);
    crate::generator::install(&r.generator_proto);
    crate::generator::async_generator::install(&r.async_generator_proto);
    iterator::install(r);
    dom_exception::install(r);
    structured_clone::install(r);
    match r.host {
        HostKind::Node => {
            process::install(r);
            if !r.script {
                require::install(r);
            }
        }
        HostKind::Html => {
            html::install(r);
            worker::install(r);
        }
    }
}
