//! The global object: console, timers, `process`, Promise, the Error types, and the few
//! Object/Array/String/Number/Math/JSON functions of the subset.

use std::rc::Rc;

mod bigint;
mod dom_exception;
mod eval;
pub(crate) mod events;
mod iterator;
mod object;
mod promise;
mod reflect;
pub(crate) mod regexp;
mod require;
mod string;
mod structured_clone;
mod symbol;
pub(crate) mod worker;
pub(crate) mod worker_threads;

pub(crate) use eval::{is_intrinsic_eval, perform_direct_eval};
pub(crate) use object::to_object;

use settle_runtime::{Handle, TaskId, TimerId, Uncaught, UncaughtKind};

use crate::inspect::{error_head, format_log, inspect};
use crate::interp::{call_sync, iterate};
use crate::number::{number_to_string, string_to_number, to_fixed};
use crate::realm::{HostKind, JsHost, Realm, RealmGuard, realm};
use crate::value::{Class, Func, JsValue, Obj, Slot};

type R = Result<JsValue, JsValue>;

fn arg(args: &[JsValue], i: usize) -> JsValue {
    args.get(i).cloned().unwrap_or_default()
}

pub(crate) fn type_error(message: &str) -> JsValue {
    realm().error("TypeError", message)
}

fn callback(args: &[JsValue], i: usize) -> R {
    let f = arg(args, i);
    if f.is_callable() { Ok(f) } else { Err(type_error(&format!("{} is not a function", inspect(&f)))) }
}

/// The elements of an array-like (`this` of the generic Array methods), each read with
/// [[Get]] (a hole reads as `undefined`).
fn to_list(v: &JsValue) -> Result<Vec<JsValue>, JsValue> {
    Ok(to_elements(v)?.into_iter().map(Option::unwrap_or_default).collect())
}

/// The elements of an array-like with its holes: `None` where HasProperty(O, index) is false
/// (what the methods that skip holes see: `forEach`, `map`, `indexOf`, `reduce`...).
fn to_elements(v: &JsValue) -> Result<Vec<crate::object::Element>, JsValue> {
    match v {
        JsValue::Object(o) => {
            if let Some(items) = o.array_items() {
                let items = items.borrow().clone();
                // A hole the prototype chain fills (`Array.prototype[1] = x`) is not a hole.
                return items
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| match e {
                        Some(v) => Ok(Some(v)),
                        None => {
                            let key = i.to_string();
                            if o.has_property(&*key) { o.get(&*key).map(Some) } else { Ok(None) }
                        }
                    })
                    .collect();
            }
            let len = o.get("length")?.to_number()?;
            let len = if len.is_nan() || len < 0.0 { 0 } else { len as usize };
            (0..len)
                .map(|i| {
                    let key = i.to_string();
                    if o.has_property(&*key) { o.get(&*key).map(Some) } else { Ok(None) }
                })
                .collect()
        }
        JsValue::String(s) => Ok(s.chars().map(|c| Some(JsValue::from(c.to_string()))).collect()),
        JsValue::Undefined | JsValue::Null => {
            Err(type_error("Array.prototype method called on null or undefined"))
        }
        _ => Ok(Vec::new()),
    }
}

/// A new array with these elements (`None` stays a hole).
fn array_of_elements(items: Vec<crate::object::Element>) -> JsValue {
    let r = realm();
    JsValue::Object(Obj::new(Class::Array(std::cell::RefCell::new(items)), Some(r.array_proto.clone())))
}

fn array_this(this: &JsValue) -> Result<Obj, JsValue> {
    match this {
        JsValue::Object(o) if o.array_items().is_some() => Ok(o.clone()),
        _ => Err(type_error("this Array method is only supported on arrays in settle-js")),
    }
}

/// What a mutating Array method does to the elements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Writes existing indices (`reverse`, `fill`, `sort`).
    Write,
    /// Adds indices (`push`, `unshift`).
    Grow,
    /// Removes indices (`pop`, `shift`) or both (`splice`).
    Shrink,
}

/// The TypeError that the method's `Set(O, P, V, true)` or `DeletePropertyOrThrow` would
/// throw on a frozen, sealed or non-extensible array (the element vector is changed directly,
/// so the attributes are checked here first).
fn check_elements(a: &Obj, change: Change, changes_something: bool) -> Result<(), JsValue> {
    use crate::object::IntegrityLevel as L;
    let level = a.0.elements.get();
    // push, pop, shift, unshift and splice always end with Set(O, "length", len, true), which
    // a frozen array's read-only length refuses even when nothing else changes.
    if level == L::Frozen && change != Change::Write {
        return Err(type_error("Cannot assign to read only property 'length' of a frozen array"));
    }
    if !changes_something {
        return Ok(());
    }
    let refused = match change {
        Change::Write => level == L::Frozen,
        Change::Grow => level == L::Frozen || !a.is_extensible(),
        Change::Shrink => level != L::None,
    };
    if refused {
        let what = match change {
            Change::Grow => "Cannot add property, object is not extensible",
            Change::Shrink => "Cannot delete property of a sealed or frozen array",
            Change::Write => "Cannot assign to read only property of a frozen array",
        };
        return Err(type_error(what));
    }
    Ok(())
}

/// A relative index (`slice`'s negative indices).
fn relative(v: &JsValue, len: usize, default: usize) -> Result<usize, JsValue> {
    if matches!(v, JsValue::Undefined) {
        return Ok(default);
    }
    let n = v.to_number()?;
    let n = if n.is_nan() { 0.0 } else { n.trunc() };
    Ok(if n < 0.0 { (len as f64 + n).max(0.0) as usize } else { n.min(len as f64) as usize })
}

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
            _ => r.pos.get(),
        },
        _ => r.pos.get(),
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
    drop(r);
    if let (Some(JsValue::Object(ts)), Some(JsValue::Object(own))) = (data(o, "toString"), object_to_string)
        && ts.ptr_eq(&own)
        && let Some(JsValue::Object(ctor)) = data(o, "constructor")
        && let Class::Function(f) = ctor.class()
    {
        let name = crate::value::function_name(f);
        if !name.is_empty() {
            return format!("#<{name}>");
        }
    }
    let tag = match o.class() {
        Class::Array(_) => "Array",
        Class::Arguments(_) => "Arguments",
        Class::Error(_) => "Error",
        _ => "Object",
    };
    format!("[object {tag}]")
}

/// Runs a callback the host calls (timer, immediate, microtask, tick) in the realm the loop
/// lends it (`JsHost`): an exception is uncaught.
pub(crate) fn run_callback(host: &mut JsHost, f: &JsValue, args: &[JsValue]) {
    let _running = RealmGuard::enter(host.realm.clone());
    if let Err(e) = call_sync(f, &JsValue::Undefined, args) {
        report_uncaught(e);
    }
}

fn timer_id(v: &JsValue) -> Option<TimerId> {
    match v {
        JsValue::Number(n) if *n >= 1.0 && n.fract() == 0.0 => Some(TimerId::from_u64(*n as u64)),
        _ => None,
    }
}

/// Installs the globals.
pub(crate) fn install(r: &Rc<Realm>) {
    let g = &r.global;
    g.define("globalThis", JsValue::Object(g.clone()), false);
    g.define("undefined", JsValue::Undefined, false);
    g.define("NaN", JsValue::Number(f64::NAN), false);
    g.define("Infinity", JsValue::Number(f64::INFINITY), false);
    install_console(r);
    install_timers(r);
    object::install(r);
    symbol::install(r);
    reflect::install(r);
    eval::install(r);
    bigint::install(r);
    install_function(r);
    install_errors(r);
    promise::install(r);
    install_array(r);
    install_string_number(r);
    string::install(r);
    regexp::install(r);
    install_math_json(r);
    crate::generator::install(&r.generator_proto);
    crate::generator::async_generator::install(&r.async_generator_proto);
    iterator::install(r);
    dom_exception::install(r);
    structured_clone::install(r);
    match r.host {
        HostKind::Node => {
            install_process(r);
            if !r.script {
                require::install(r);
            }
        }
        HostKind::Html => {
            install_html(r);
            worker::install(r);
        }
    }
}

fn install_console(r: &Rc<Realm>) {
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

fn install_timers(r: &Rc<Realm>) {
    let g = &r.global;
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

/// `process.argv`, as the embedder gave it (`Options::argv`).
pub(crate) fn set_argv(r: &Rc<Realm>, argv: &[String]) {
    if let Ok(JsValue::Object(process)) = r.global.get("process") {
        let items = argv.iter().map(|a| JsValue::from(a.as_str())).collect();
        process.define("argv", r.new_array(items), true);
    }
}

fn install_process(r: &Rc<Realm>) {
    let process = r.new_object();
    r.method(&process, "nextTick", 1, |_, args, _| {
        let f = callback(args, 0)?;
        let extra: Vec<JsValue> = args.iter().skip(1).cloned().collect();
        Handle::current().queue_next_tick_with(move |host: &mut JsHost| run_callback(host, &f, &extra));
        Ok(JsValue::Undefined)
    });
    let on = |this: &JsValue, args: &[JsValue], _: bool| -> R {
        let event = arg(args, 0).to_js_string()?;
        let f = callback(args, 1)?;
        realm().listeners.borrow_mut().push((event.to_string(), f));
        Ok(this.clone())
    };
    r.method(&process, "on", 2, on);
    r.method(&process, "addListener", 2, on);
    r.method(&process, "off", 2, |this, args, _| {
        remove_listener(&arg(args, 0).to_js_string()?, &arg(args, 1));
        Ok(this.clone())
    });
    process.define("platform", JsValue::from("settle"), true);
    r.global.define("process", JsValue::Object(process), false);
}

/// `process.off` / `removeEventListener`: removes the first registration of `f` for `event`
/// (Node's EventEmitter and the DOM both remove one).
pub(crate) fn remove_listener(event: &str, f: &JsValue) {
    let r = realm();
    let mut listeners = r.listeners.borrow_mut();
    if let Some(i) = listeners.iter().position(|(e, l)| e.as_str() == event && l.strict_equals(f)) {
        listeners.remove(i);
    }
}

fn install_html(r: &Rc<Realm>) {
    let g = &r.global;
    r.method(g, "addEventListener", 2, |_, args, _| {
        let event = arg(args, 0).to_js_string()?;
        let f = callback(args, 1)?;
        realm().listeners.borrow_mut().push((event.to_string(), f));
        Ok(JsValue::Undefined)
    });
    r.method(g, "removeEventListener", 2, |_, args, _| {
        remove_listener(&arg(args, 0).to_js_string()?, &arg(args, 1));
        Ok(JsValue::Undefined)
    });
    g.define("window", JsValue::Object(g.clone()), false);
    g.define("self", JsValue::Object(g.clone()), false);
}

fn install_function(r: &Rc<Realm>) {
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
        let bound = Func::Bound { target: this.clone(), this: arg(args, 0), args: bound_args };
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

fn install_errors(r: &Rc<Realm>) {
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
}

fn install_array(r: &Rc<Realm>) {
    let proto = &r.array_proto;
    let array = r.native_ctor("Array", 1, |_, args, _| {
        let r = realm();
        if let [JsValue::Number(n)] = args {
            if *n < 0.0 || n.fract() != 0.0 || *n > 4_294_967_295.0 {
                return Err(r.error("RangeError", "Invalid array length"));
            }
            // 23.1.1.1 step 5: ArrayCreate(0) with Set(array, "length", len): all holes.
            drop(r);
            return Ok(array_of_elements(vec![None; *n as usize]));
        }
        Ok(r.new_array(args.to_vec()))
    });
    array.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(array.clone()), false);
    // 23.1.3.41 Array.prototype [ @@unscopables ]: 1. Let unscopableList be
    // OrdinaryObjectCreate(null); 2-17. CreateDataPropertyOrThrow(unscopableList, name, true)
    // for each method added after ES5 (the names `with` must not shadow); the property is
    // { [[Writable]]: false, [[Enumerable]]: false, [[Configurable]]: true }.
    let unscopables = Obj::new(Class::Object, None);
    for name in [
        "at",
        "copyWithin",
        "entries",
        "fill",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flat",
        "flatMap",
        "includes",
        "keys",
        "toReversed",
        "toSorted",
        "toSpliced",
        "values",
    ] {
        unscopables.define(name, JsValue::Bool(true), true);
    }
    let key = crate::property::PropertyKey::Symbol(r.symbols.unscopables.clone());
    proto.define_with(&key, JsValue::Object(unscopables), false, false, true);
    r.method(&array, "isArray", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Object(o) if matches!(o.class(), Class::Array(_)))))
    });
    r.method(&array, "of", 0, |_, args, _| Ok(realm().new_array(args.to_vec())));
    // 23.1.2.1 Array.from ( items [ , mapfn [ , thisArg ] ] ): through the iterator
    // protocol when items has @@iterator (step 5), else as an array-like (steps 6-14).
    r.method(&array, "from", 1, |_, args, _| {
        let source = arg(args, 0);
        let iterator_key = crate::property::PropertyKey::Symbol(realm().symbols.iterator.clone());
        let using_iterator =
            if source.is_nullish() { JsValue::Undefined } else { source.get(&iterator_key)? };
        let items = if using_iterator.is_nullish() { to_list(&source)? } else { iterate(&source)? };
        let f = arg(args, 1);
        if f.is_callable() {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                out.push(call_sync(&f, &JsValue::Undefined, &[v, JsValue::Number(i as f64)])?);
            }
            return Ok(realm().new_array(out));
        }
        Ok(realm().new_array(items))
    });

    r.method(proto, "push", 1, |this, args, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Grow, !args.is_empty())?;
        let items = a.array_items().expect("an array");
        items.borrow_mut().extend(args.iter().cloned().map(Some));
        Ok(JsValue::Number(items.borrow().len() as f64))
    });
    r.method(proto, "pop", 0, |this, _, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Shrink, a.array_items().is_some_and(|i| !i.borrow().is_empty()))?;
        Ok(a.array_items().expect("an array").borrow_mut().pop().flatten().unwrap_or_default())
    });
    r.method(proto, "shift", 0, |this, _, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Shrink, a.array_items().is_some_and(|i| !i.borrow().is_empty()))?;
        let items = a.array_items().expect("an array");
        let mut items = items.borrow_mut();
        Ok(if items.is_empty() { JsValue::Undefined } else { items.remove(0).unwrap_or_default() })
    });
    r.method(proto, "unshift", 1, |this, args, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Grow, !args.is_empty())?;
        let items = a.array_items().expect("an array");
        let mut items = items.borrow_mut();
        for (i, v) in args.iter().enumerate() {
            items.insert(i, Some(v.clone()));
        }
        Ok(JsValue::Number(items.len() as f64))
    });
    r.method(proto, "splice", 2, |this, args, _| {
        let a = array_this(this)?;
        let items = a.array_items().expect("an array");
        let len = items.borrow().len();
        let start = relative(&arg(args, 0), len, 0)?;
        let count = match args.len() {
            0 => 0,
            1 => len - start,
            _ => {
                let n = arg(args, 1).to_number()?;
                let n = if n.is_nan() { 0.0 } else { n.trunc() };
                (n.max(0.0) as usize).min(len - start)
            }
        };
        let inserted: Vec<_> = args.iter().skip(2).cloned().map(Some).collect();
        if inserted.len() > count {
            check_elements(&a, Change::Grow, true)?;
        }
        check_elements(&a, Change::Shrink, count > inserted.len())?;
        check_elements(&a, Change::Write, count > 0 || !inserted.is_empty())?;
        let removed: Vec<_> = items.borrow_mut().splice(start..start + count, inserted).collect();
        Ok(array_of_elements(removed))
    });
    r.method(proto, "slice", 2, |this, args, _| {
        // 23.1.3.28 step 15.c: only the indices the source has are created (holes stay).
        let items = to_elements(this)?;
        let len = items.len();
        let start = relative(&arg(args, 0), len, 0)?;
        let end = relative(&arg(args, 1), len, len)?;
        Ok(array_of_elements(if start < end { items[start..end].to_vec() } else { Vec::new() }))
    });
    r.method(proto, "concat", 1, |this, args, _| {
        // 23.1.3.2 step 5.b.iv: a spreadable element's holes stay holes.
        let mut items = to_elements(this)?;
        for a in args {
            match a {
                JsValue::Object(o) if matches!(o.class(), Class::Array(_)) => items.extend(to_elements(a)?),
                other => items.push(Some(other.clone())),
            }
        }
        Ok(array_of_elements(items))
    });
    r.method(proto, "join", 1, |this, args, _| {
        let items = to_list(this)?;
        let sep = match arg(args, 0) {
            JsValue::Undefined => Rc::from(","),
            s => s.to_js_string()?,
        };
        let mut out = String::new();
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(&sep);
            }
            if !v.is_nullish() {
                out.push_str(&v.to_js_string()?);
            }
        }
        Ok(JsValue::from(out))
    });
    r.method(proto, "toString", 0, |this, _, _| {
        let join = this.get("join")?;
        call_sync(&join, this, &[])
    });
    r.method(proto, "indexOf", 1, |this, args, _| {
        // 23.1.3.17 step 10.a: only the indices HasProperty finds (holes are skipped).
        let items = to_elements(this)?;
        let x = arg(args, 0);
        let from = relative(&arg(args, 1), items.len(), 0)?;
        Ok(JsValue::Number(
            items
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, v)| v.as_ref().is_some_and(|v| v.strict_equals(&x)))
                .map_or(-1.0, |(i, _)| i as f64),
        ))
    });
    r.method(proto, "lastIndexOf", 1, |this, args, _| {
        let items = to_elements(this)?;
        let x = arg(args, 0);
        Ok(JsValue::Number(
            items
                .iter()
                .rposition(|v| v.as_ref().is_some_and(|v| v.strict_equals(&x)))
                .map_or(-1.0, |i| i as f64),
        ))
    });
    r.method(proto, "includes", 1, |this, args, _| {
        let items = to_list(this)?;
        let x = arg(args, 0);
        Ok(JsValue::Bool(items.iter().any(|v| v.same_value_zero(&x))))
    });
    r.method(proto, "reverse", 0, |this, _, _| {
        let a = array_this(this)?;
        check_elements(&a, Change::Write, a.array_items().is_some_and(|i| i.borrow().len() > 1))?;
        a.array_items().expect("an array").borrow_mut().reverse();
        Ok(this.clone())
    });
    r.method(proto, "fill", 1, |this, args, _| {
        let a = array_this(this)?;
        let items = a.array_items().expect("an array");
        let len = items.borrow().len();
        let start = relative(&arg(args, 1), len, 0)?;
        let end = relative(&arg(args, 2), len, len)?;
        check_elements(&a, Change::Write, start < end)?;
        for v in items.borrow_mut().iter_mut().take(end).skip(start) {
            *v = Some(arg(args, 0));
        }
        Ok(this.clone())
    });
    r.method(proto, "sort", 1, |this, args, _| {
        let a = array_this(this)?;
        let f = arg(args, 0);
        // 23.1.3.30 SortIndexedProperties with holes skipped: the values sort, and the holes
        // end up after them.
        let elements = a.array_items().expect("an array").borrow().clone();
        let len = elements.len();
        let mut items: Vec<JsValue> = elements.into_iter().flatten().collect();
        // Insertion sort: stable, and a comparator that throws leaves a consistent state.
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 {
                let (x, y) = (&items[j - 1], &items[j]);
                let greater = if matches!(x, JsValue::Undefined) {
                    !matches!(y, JsValue::Undefined)
                } else if matches!(y, JsValue::Undefined) {
                    false
                } else if f.is_callable() {
                    call_sync(&f, &JsValue::Undefined, &[x.clone(), y.clone()])?.to_number()? > 0.0
                } else {
                    let (sx, sy) = (x.to_js_string()?, y.to_js_string()?);
                    sx.encode_utf16().cmp(sy.encode_utf16()) == std::cmp::Ordering::Greater
                };
                if !greater {
                    break;
                }
                items.swap(j - 1, j);
                j -= 1;
            }
        }
        check_elements(&a, Change::Write, len > 1)?;
        let mut sorted: Vec<_> = items.into_iter().map(Some).collect();
        sorted.resize(len, None);
        *a.array_items().expect("an array").borrow_mut() = sorted;
        Ok(this.clone())
    });
    // The callback methods: f(value, index, array), over the length at the start.
    // `skip_holes`: the methods whose loop tests HasProperty(O, Pk) first (forEach, map,
    // filter, some, every: 23.1.3.15 step 6.b and the like); find and findIndex visit every
    // index.
    fn each(
        this: &JsValue,
        args: &[JsValue],
        skip_holes: bool,
        mut step: impl FnMut(JsValue, usize, JsValue) -> Result<bool, JsValue>,
    ) -> Result<(), JsValue> {
        let f = callback(args, 0)?;
        let this_arg = arg(args, 1);
        let len = to_elements(this)?.len();
        for i in 0..len {
            let key = i.to_string();
            if skip_holes
                && let JsValue::Object(o) = this
                && !o.has_property(&*key)
            {
                continue;
            }
            let v = match this {
                JsValue::Object(o) => o.get(&*key)?,
                other => other.get(&*key)?,
            };
            let result = call_sync(&f, &this_arg, &[v.clone(), JsValue::Number(i as f64), this.clone()])?;
            if !step(v, i, result)? {
                break;
            }
        }
        Ok(())
    }
    r.method(proto, "forEach", 1, |this, args, _| {
        each(this, args, true, |_, _, _| Ok(true))?;
        Ok(JsValue::Undefined)
    });
    r.method(proto, "map", 1, |this, args, _| {
        // 23.1.3.21: A has O's length; only the indices O has are set (holes stay).
        let mut out = vec![None; to_elements(this)?.len()];
        each(this, args, true, |_, i, r| {
            out[i] = Some(r);
            Ok(true)
        })?;
        Ok(array_of_elements(out))
    });
    r.method(proto, "filter", 1, |this, args, _| {
        let mut out = Vec::new();
        each(this, args, true, |v, _, r| {
            if r.truthy() {
                out.push(v);
            }
            Ok(true)
        })?;
        Ok(realm().new_array(out))
    });
    r.method(proto, "some", 1, |this, args, _| {
        let mut found = false;
        each(this, args, true, |_, _, r| {
            found = r.truthy();
            Ok(!found)
        })?;
        Ok(JsValue::Bool(found))
    });
    r.method(proto, "every", 1, |this, args, _| {
        let mut all = true;
        each(this, args, true, |_, _, r| {
            all = r.truthy();
            Ok(all)
        })?;
        Ok(JsValue::Bool(all))
    });
    r.method(proto, "find", 1, |this, args, _| {
        let mut found = JsValue::Undefined;
        each(this, args, false, |v, _, r| {
            if r.truthy() {
                found = v;
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(found)
    });
    r.method(proto, "findIndex", 1, |this, args, _| {
        let mut found = -1.0;
        each(this, args, false, |_, i, r| {
            if r.truthy() {
                found = i as f64;
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(JsValue::Number(found))
    });
    r.method(proto, "reduce", 2, |this, args, _| {
        let f = callback(args, 0)?;
        // 23.1.3.24 steps 8.b and 9.b: only the indices HasProperty finds.
        let items = to_elements(this)?;
        let mut iter = items.into_iter().enumerate().filter_map(|(i, e)| e.map(|v| (i, v)));
        let mut acc = if args.len() > 1 {
            arg(args, 1)
        } else {
            match iter.next() {
                Some((_, v)) => v,
                None => return Err(type_error("Reduce of empty array with no initial value")),
            }
        };
        for (i, v) in iter {
            acc = call_sync(&f, &JsValue::Undefined, &[acc, v, JsValue::Number(i as f64), this.clone()])?;
        }
        Ok(acc)
    });
    r.global.define("Array", JsValue::Object(array), false);
}

fn this_string(this: &JsValue) -> Result<Rc<str>, JsValue> {
    match this {
        JsValue::Undefined | JsValue::Null => {
            Err(type_error("String.prototype method called on null or undefined"))
        }
        JsValue::Object(o) if let Some(JsValue::String(s)) = o.primitive_data() => Ok(s.to_rc()),
        other => other.to_js_string(),
    }
}

/// ThisStringValue (22.1.3.35.1): a String or a String wrapper's [[StringData]].
fn this_string_value(this: &JsValue, method: &str) -> Result<crate::jsstr::JsStr, JsValue> {
    match this {
        JsValue::String(s) => Ok(s.clone()),
        JsValue::Object(o) if let Some(JsValue::String(s)) = o.primitive_data() => Ok(s.clone()),
        _ => Err(type_error(&format!("{method} requires that 'this' be a String"))),
    }
}

fn install_string_number(r: &Rc<Realm>) {
    // String ( value ) (22.1.1.1).
    let string = r.native_ctor("String", 1, |_, args, new_target| {
        let s = match args.first() {
            // 1. If value is not present, let s be the empty String.
            None => JsValue::from(""),
            // 2.a. If NewTarget is undefined and value is a Symbol, return
            // SymbolDescriptiveString(value).
            Some(JsValue::Symbol(s)) if !new_target => JsValue::from(s.descriptive_string()),
            Some(JsValue::Object(o)) if matches!(o.class(), Class::Error(_)) => {
                let ts = o.get("toString")?;
                JsValue::String(call_sync(&ts, &args[0], &[])?.to_js_string()?.into())
            }
            Some(v) => JsValue::String(v.to_js_string()?.into()),
        };
        // 3. If NewTarget is undefined, return s. 4. Return StringCreate(s, ...).
        Ok(if new_target { JsValue::Object(to_object(&s)?) } else { s })
    });
    let sp = &r.string_proto;
    string.define("prototype", JsValue::Object(sp.clone()), false);
    sp.define("constructor", JsValue::Object(string.clone()), false);
    // 22.1.3.29 String.prototype.toString, 22.1.3.35 valueOf: Return ? ThisStringValue(this).
    r.method(sp, "toString", 0, |this, _, _| {
        Ok(JsValue::String(this_string_value(this, "String.prototype.toString")?))
    });
    r.method(sp, "valueOf", 0, |this, _, _| {
        Ok(JsValue::String(this_string_value(this, "String.prototype.valueOf")?))
    });
    r.method(sp, "toUpperCase", 0, |this, _, _| Ok(JsValue::from(this_string(this)?.to_uppercase())));
    r.method(sp, "toLowerCase", 0, |this, _, _| Ok(JsValue::from(this_string(this)?.to_lowercase())));
    r.method(sp, "trim", 0, |this, _, _| Ok(JsValue::from(this_string(this)?.trim())));
    r.method(sp, "charAt", 1, |this, args, _| {
        let s = this_string(this)?;
        let i = arg(args, 0).to_number()?;
        let i = if i.is_nan() { 0 } else { i as usize };
        Ok(JsValue::from(s.chars().nth(i).map(String::from).unwrap_or_default()))
    });
    // 22.1.3.8 includes, 22.1.3.24 startsWith, 22.1.3.7 endsWith, step 3-4: Let isRegExp be ?
    // IsRegExp(searchString); if it is true, throw a TypeError exception.
    let search_string = |args: &[JsValue], method: &str| -> Result<Rc<str>, JsValue> {
        let search = arg(args, 0);
        if regexp::is_regexp(&search)? {
            return Err(type_error(&format!(
                "First argument to String.prototype.{method} must not be a regular expression"
            )));
        }
        search.to_js_string()
    };
    r.method(sp, "includes", 1, move |this, args, _| {
        let s = this_string(this)?;
        Ok(JsValue::Bool(s.contains(&*search_string(args, "includes")?)))
    });
    r.method(sp, "startsWith", 1, move |this, args, _| {
        let s = this_string(this)?;
        Ok(JsValue::Bool(s.starts_with(&*search_string(args, "startsWith")?)))
    });
    r.method(sp, "endsWith", 1, move |this, args, _| {
        let s = this_string(this)?;
        Ok(JsValue::Bool(s.ends_with(&*search_string(args, "endsWith")?)))
    });
    r.method(sp, "indexOf", 1, |this, args, _| {
        let s = this_string(this)?;
        let needle = arg(args, 0).to_js_string()?;
        Ok(JsValue::Number(s.find(&*needle).map_or(-1.0, |b| s[..b].encode_utf16().count() as f64)))
    });
    r.method(sp, "slice", 2, |this, args, _| {
        let s: Vec<char> = this_string(this)?.chars().collect();
        let start = relative(&arg(args, 0), s.len(), 0)?;
        let end = relative(&arg(args, 1), s.len(), s.len())?;
        Ok(JsValue::from(if start < end { s[start..end].iter().collect::<String>() } else { String::new() }))
    });
    r.method(sp, "substring", 2, |this, args, _| {
        let s: Vec<char> = this_string(this)?.chars().collect();
        let clamp = |v: JsValue, d: usize| -> Result<usize, JsValue> {
            if matches!(v, JsValue::Undefined) {
                return Ok(d);
            }
            let n = v.to_number()?;
            Ok(if n.is_nan() || n < 0.0 { 0 } else { (n as usize).min(s.len()) })
        };
        let (a, b) = (clamp(arg(args, 0), 0)?, clamp(arg(args, 1), s.len())?);
        let (a, b) = (a.min(b), a.max(b));
        Ok(JsValue::from(s[a..b].iter().collect::<String>()))
    });
    r.method(sp, "repeat", 1, |this, args, _| {
        let n = arg(args, 0).to_number()?;
        if n < 0.0 || n.is_infinite() {
            return Err(realm().error("RangeError", &format!("Invalid count value: {}", number_to_string(n))));
        }
        Ok(JsValue::from(this_string(this)?.repeat(if n.is_nan() { 0 } else { n as usize })))
    });
    for (name, at_start) in [("padStart", true), ("padEnd", false)] {
        r.method(sp, name, 2, move |this, args, _| {
            let s = this_string(this)?;
            let target = arg(args, 0).to_number()?;
            let fill = match arg(args, 1) {
                JsValue::Undefined => Rc::from(" "),
                f => f.to_js_string()?,
            };
            let len = s.chars().count();
            if target.is_nan() || target as usize <= len || fill.is_empty() {
                return Ok(JsValue::String(s.into()));
            }
            let padding: String = fill.chars().cycle().take(target as usize - len).collect();
            Ok(JsValue::from(if at_start { format!("{padding}{s}") } else { format!("{s}{padding}") }))
        });
    }
    r.method(sp, "concat", 1, |this, args, _| {
        let mut s = this_string(this)?.to_string();
        for a in args {
            s.push_str(&a.to_js_string()?);
        }
        Ok(JsValue::from(s))
    });
    r.global.define("String", JsValue::Object(string), false);

    // Number ( value ) (21.1.1.1): 1.a. Let prim be ? ToNumeric(value); b. If prim is a
    // BigInt, let n be 𝔽(ℝ(prim)).
    let number = r.native_ctor("Number", 1, |_, args, new_target| {
        let n = JsValue::Number(match args.first() {
            None => 0.0,
            Some(v) => match crate::bigint::to_numeric(v)? {
                JsValue::BigInt(n) => n as f64,
                n => n.to_number()?,
            },
        });
        // 2. If NewTarget is undefined, return n. 3-5. Otherwise a Number object whose
        // [[NumberData]] is n.
        Ok(if new_target { JsValue::Object(to_object(&n)?) } else { n })
    });
    let np = &r.number_proto;
    number.define("prototype", JsValue::Object(np.clone()), false);
    np.define("constructor", JsValue::Object(number.clone()), false);
    // ThisNumberValue (21.1.3.7.1): a Number or a Number wrapper's [[NumberData]].
    let this_number = |this: &JsValue| match this {
        JsValue::Number(n) => Ok(*n),
        JsValue::Object(o) if let Some(JsValue::Number(n)) = o.primitive_data() => Ok(*n),
        _ => Err(type_error("Number.prototype method requires that 'this' be a Number")),
    };
    r.method(np, "toFixed", 1, move |this, args, _| {
        let n = this_number(this)?;
        let d = arg(args, 0).to_number()?;
        let d = if d.is_nan() { 0.0 } else { d.trunc() };
        if !(0.0..=100.0).contains(&d) {
            return Err(realm().error("RangeError", "toFixed() digits argument must be between 0 and 100"));
        }
        Ok(JsValue::from(to_fixed(n, d as usize)))
    });
    r.method(np, "toString", 1, move |this, args, _| {
        let n = this_number(this)?;
        match arg(args, 0) {
            JsValue::Undefined => Ok(JsValue::from(number_to_string(n))),
            radix => {
                let radix = radix.to_number()? as u32;
                if !(2..=36).contains(&radix) {
                    return Err(realm().error("RangeError", "toString() radix must be between 2 and 36"));
                }
                if radix == 10 || n.fract() != 0.0 || !n.is_finite() {
                    return Ok(JsValue::from(number_to_string(n)));
                }
                let mut v = n.abs() as u128;
                let mut digits = Vec::new();
                loop {
                    digits.push(std::char::from_digit((v % u128::from(radix)) as u32, radix).unwrap_or('0'));
                    v /= u128::from(radix);
                    if v == 0 {
                        break;
                    }
                }
                if n < 0.0 {
                    digits.push('-');
                }
                Ok(JsValue::from(digits.into_iter().rev().collect::<String>()))
            }
        }
    });
    r.method(np, "valueOf", 0, move |this, _, _| Ok(JsValue::Number(this_number(this)?)));
    r.method(&number, "isInteger", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Number(n) if n.is_finite() && n.fract() == 0.0)))
    });
    r.method(&number, "isNaN", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Number(n) if n.is_nan())))
    });
    r.method(&number, "isFinite", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Number(n) if n.is_finite())))
    });
    r.global.define("Number", JsValue::Object(number), false);

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

    let g = &r.global;
    r.method(g, "isNaN", 1, |_, args, _| Ok(JsValue::Bool(arg(args, 0).to_number()?.is_nan())));
    r.method(g, "isFinite", 1, |_, args, _| Ok(JsValue::Bool(arg(args, 0).to_number()?.is_finite())));
    r.method(g, "parseFloat", 1, |_, args, _| {
        let s = arg(args, 0).to_js_string()?;
        let t = s.trim_start();
        // The longest prefix that is a decimal literal.
        let mut best = f64::NAN;
        for end in (1..=t.len()).rev() {
            if t.is_char_boundary(end) {
                let v = string_to_number(&t[..end]);
                if !v.is_nan() && !t[..end].starts_with("0x") && !t[..end].ends_with(char::is_whitespace) {
                    best = v;
                    break;
                }
            }
        }
        Ok(JsValue::Number(best))
    });
    r.method(g, "parseInt", 2, |_, args, _| {
        let s = arg(args, 0).to_js_string()?;
        let mut t = s.trim_start();
        let mut sign = 1.0;
        if let Some(rest) = t.strip_prefix('-') {
            sign = -1.0;
            t = rest;
        } else if let Some(rest) = t.strip_prefix('+') {
            t = rest;
        }
        let mut radix = arg(args, 1).to_number()?;
        if radix.is_nan() || radix == 0.0 {
            radix = 10.0;
            if t.starts_with("0x") || t.starts_with("0X") {
                radix = 16.0;
                t = &t[2..];
            }
        } else if radix == 16.0 && (t.starts_with("0x") || t.starts_with("0X")) {
            t = &t[2..];
        }
        if !(2.0..=36.0).contains(&radix) {
            return Ok(JsValue::Number(f64::NAN));
        }
        let radix = radix as u32;
        let mut value = 0.0;
        let mut any = false;
        for c in t.chars() {
            match c.to_digit(radix) {
                Some(d) => {
                    value = value * f64::from(radix) + f64::from(d);
                    any = true;
                }
                None => break,
            }
        }
        Ok(JsValue::Number(if any { sign * value } else { f64::NAN }))
    });
}

fn install_math_json(r: &Rc<Realm>) {
    let math = r.new_object();
    math.define("PI", JsValue::Number(std::f64::consts::PI), false);
    math.define("E", JsValue::Number(std::f64::consts::E), false);
    r.method(&math, "random", 0, |_, _, _| Ok(JsValue::Number(realm().random())));
    type Unary = (&'static str, fn(f64) -> f64);
    let unary: [Unary; 12] = [
        ("floor", f64::floor),
        ("ceil", f64::ceil),
        ("round", |x| (x + 0.5).floor()),
        ("abs", f64::abs),
        ("sqrt", f64::sqrt),
        ("trunc", f64::trunc),
        ("sign", |x| if x.is_nan() || x == 0.0 { x } else { x.signum() }),
        ("log", f64::ln),
        ("exp", f64::exp),
        ("sin", f64::sin),
        ("cos", f64::cos),
        ("log2", f64::log2),
    ];
    for (name, f) in unary {
        r.method(&math, name, 1, move |_, args, _| Ok(JsValue::Number(f(arg(args, 0).to_number()?))));
    }
    r.method(&math, "pow", 2, |_, args, _| {
        Ok(JsValue::Number(arg(args, 0).to_number()?.powf(arg(args, 1).to_number()?)))
    });
    r.method(&math, "max", 2, |_, args, _| extremum(args, f64::NEG_INFINITY, f64::max));
    r.method(&math, "min", 2, |_, args, _| extremum(args, f64::INFINITY, f64::min));
    r.global.define("Math", JsValue::Object(math), false);

    let json = r.new_object();
    r.method(&json, "stringify", 3, |_, args, _| {
        let indent = match arg(args, 2) {
            JsValue::Number(n) => " ".repeat(n.clamp(0.0, 10.0) as usize),
            JsValue::String(s) => s.chars().take(10).collect(),
            _ => String::new(),
        };
        if !arg(args, 1).is_nullish() {
            return Err(type_error("JSON.stringify with a replacer is outside the subset of settle-js"));
        }
        Ok(json_stringify(&arg(args, 0), &indent)?.map_or(JsValue::Undefined, JsValue::from))
    });
    r.global.define("JSON", JsValue::Object(json), false);
}

/// `JSON.stringify(value, null, indent)`; `None` is `undefined`.
///
/// One output buffer and a set of the objects being serialized (SerializeJSONObject's stack,
/// 25.5.2.5 step 1, as a set): linear in the output, where copying each level's text into its
/// parent's and searching the stack were quadratic in the depth. The depth itself is bounded by
/// the stack guard (a RangeError, as in Node).
pub(crate) fn json_stringify(value: &JsValue, indent: &str) -> Result<Option<String>, JsValue> {
    struct State<'a> {
        indent: &'a str,
        out: String,
        stack: std::collections::HashSet<usize>,
        depth: usize,
    }
    fn newline(st: &mut State<'_>) {
        st.out.push('\n');
        for _ in 0..st.depth {
            st.out.push_str(st.indent);
        }
    }
    /// Writes `v`; `false` (nothing written) for undefined, functions and symbols.
    fn go(v: &JsValue, st: &mut State<'_>) -> Result<bool, JsValue> {
        crate::stack::check()?;
        let mut v = v.clone();
        if let JsValue::Object(o) = &v {
            let to_json = o.get("toJSON")?;
            if to_json.is_callable() {
                v = call_sync(&to_json, &v, &[])?;
            }
        }
        // SerializeJSONProperty (25.5.2.2) step 4: a wrapper object serializes as its
        // primitive (ToNumber / ToString for Number and String objects).
        if let JsValue::Object(o) = &v
            && let Some(data) = o.primitive_data()
        {
            v = match data {
                JsValue::Number(_) => JsValue::Number(v.to_number()?),
                JsValue::String(_) => JsValue::String(v.to_js_string()?.into()),
                other => other.clone(),
            };
        }
        match &v {
            JsValue::Null => st.out.push_str("null"),
            JsValue::Bool(b) => st.out.push_str(if *b { "true" } else { "false" }),
            JsValue::Number(n) => {
                if n.is_finite() {
                    st.out.push_str(&number_to_string(*n));
                } else {
                    st.out.push_str("null");
                }
            }
            JsValue::String(s) => st.out.push_str(&settle_host::quote_json_string(s)),
            JsValue::Symbol(_) | JsValue::Undefined => return Ok(false),
            // SerializeJSONProperty (25.5.2.2) step 10: If value is a BigInt, throw a TypeError.
            JsValue::BigInt(_) => return Err(type_error("Do not know how to serialize a BigInt")),
            JsValue::Object(o) => {
                if o.is_callable() {
                    return Ok(false);
                }
                if !st.stack.insert(o.addr()) {
                    return Err(type_error("Converting circular structure to JSON"));
                }
                st.depth += 1;
                let mut empty = true;
                if let Some(items) = o.array_values() {
                    st.out.push('[');
                    for item in &items {
                        if !empty {
                            st.out.push(',');
                        }
                        empty = false;
                        if !st.indent.is_empty() {
                            newline(st);
                        }
                        if !go(item, st)? {
                            st.out.push_str("null");
                        }
                    }
                    st.depth -= 1;
                    if !empty && !st.indent.is_empty() {
                        newline(st);
                    }
                    st.out.push(']');
                } else {
                    st.out.push('{');
                    for k in o.own_keys(true) {
                        let value = match o.own_prop(&k).map(|p| p.slot) {
                            Some(Slot::Data(v)) => v,
                            _ => o.get(&k)?,
                        };
                        let mark = st.out.len();
                        if !empty {
                            st.out.push(',');
                        }
                        if !st.indent.is_empty() {
                            newline(st);
                        }
                        st.out.push_str(&settle_host::quote_json_string(&k));
                        st.out.push_str(if st.indent.is_empty() { ":" } else { ": " });
                        if go(&value, st)? {
                            empty = false;
                        } else {
                            st.out.truncate(mark);
                        }
                    }
                    st.depth -= 1;
                    if !empty && !st.indent.is_empty() {
                        newline(st);
                    }
                    st.out.push('}');
                }
                st.stack.remove(&o.addr());
            }
        }
        Ok(true)
    }
    let mut st = State { indent, out: String::new(), stack: std::collections::HashSet::new(), depth: 0 };
    Ok(go(value, &mut st)?.then_some(st.out))
}

/// `Math.max` / `Math.min`: arguments converted with ToNumber in order, `start` for none. It
/// returns NaN at the first NaN without converting the rest, where the spec (21.3.2.24) converts
/// every argument first: observable only through a later argument's `valueOf` side effects.
fn extremum(args: &[JsValue], start: f64, pick: fn(f64, f64) -> f64) -> Result<JsValue, JsValue> {
    let mut m = start;
    for a in args {
        let n = a.to_number()?;
        if n.is_nan() {
            return Ok(JsValue::Number(f64::NAN));
        }
        m = pick(m, n);
    }
    Ok(JsValue::Number(m))
}
