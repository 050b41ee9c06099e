//! The host's globals for Boa: console, timers and `queueMicrotask`, and either Node's
//! (`process`, `setImmediate`) or a browser's (`addEventListener`, `window`) extras, all on
//! settle's loop; and the host's handling of uncaught exceptions and rejections.
//!
//! The host's state lives in the `Context` (its host-defined data), which every callback the
//! loop runs borrows: no thread-local.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A host function as Boa calls it: `this`, the arguments, the context.
type NativeFn = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

use boa_engine::object::ObjectInitializer;
use boa_engine::object::builtins::JsArray;
use boa_engine::property::Attribute;
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction, js_string,
};
use settle_host::RejectionHost;
use settle_runtime::{Handle, Origin, TaskId, TimerId, TrackerEvent, TrackerPolicy, Uncaught, UncaughtKind};

use crate::HostKind;
use crate::inspect;
use crate::tracker::BoaPromise;

/// What the host keeps for a run, in the context's host-defined data.
pub(crate) struct HostState {
    pub(crate) kind: HostKind,
    /// The run's output, `--trace` and `--trace=json` settings and file name.
    pub(crate) run: settle_host::Run,
    /// `process.on` / `addEventListener` listeners, in registration order.
    pub(crate) listeners: RefCell<Vec<(String, JsObject)>>,
    /// 1 after a crash (Node) or an uncaught exception (browser).
    pub(crate) exit_code: Cell<i32>,
    pub(crate) handle: Handle,
    /// The run's workers and, in a worker, its link to the parent (`worker.rs`).
    pub(crate) workers: crate::worker::Workers,
    /// Node's `process.argv`.
    pub(crate) argv: Vec<String>,
}

impl HostState {
    pub(crate) fn write(&self, text: &str, to_stderr: bool) {
        self.run.write(text, to_stderr);
    }

    pub(crate) fn listeners(&self, event: &str) -> Vec<JsObject> {
        self.listeners.borrow().iter().filter(|(e, _)| e == event).map(|(_, f)| f.clone()).collect()
    }
}

/// The host state of a context set up by [`install`].
pub(crate) fn state(cx: &Context) -> Option<Rc<HostState>> {
    cx.get_data::<Rc<HostState>>().cloned()
}

pub(crate) fn host(cx: &Context) -> JsResult<Rc<HostState>> {
    state(cx).ok_or_else(|| JsNativeError::error().with_message("settle-boa's host is not installed").into())
}

/// Installs the host's globals and its rejection policy.
pub(crate) fn install(cx: &mut Context, state: HostState) -> JsResult<()> {
    let kind = state.kind;
    let handle = state.handle.clone();
    let file = state.run.file.clone();
    cx.insert_data(Rc::new(state));
    install_console(cx)?;
    install_timers(cx)?;
    crate::web_worker::install_common(cx)?;
    match kind {
        HostKind::Node => {
            install_process(cx)?;
            crate::worker_threads::install(cx, &file)?;
        }
        HostKind::Html => {
            install_html(cx)?;
            crate::web_worker::install(cx)?;
        }
    }
    handle.set_rejection_policy(TrackerPolicy::callback_with(on_rejection));
    Ok(())
}

fn function(
    cx: &mut Context,
    f: fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>,
) -> NativeFunction {
    let _ = cx;
    NativeFunction::from_fn_ptr(f)
}

fn arg(args: &[JsValue], i: usize) -> JsValue {
    args.get(i).cloned().unwrap_or_default()
}

/// A callback argument, with Node's error for anything else.
pub(crate) fn callback(args: &[JsValue], i: usize) -> JsResult<JsObject> {
    match args.get(i).and_then(JsValue::as_callable) {
        Some(f) => Ok(f),
        None => Err(JsNativeError::typ()
            .with_message(format!(
                "The \"callback\" argument must be of type function. Received {}",
                arg(args, i).display()
            ))
            .into()),
    }
}

fn install_console(cx: &mut Context) -> JsResult<()> {
    fn log(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let text = inspect::format_log(args, cx);
        host(cx)?.write(&text, false);
        Ok(JsValue::undefined())
    }
    fn error(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let text = inspect::format_log(args, cx);
        host(cx)?.write(&text, true);
        Ok(JsValue::undefined())
    }
    let (log, error) = (function(cx, log), function(cx, error));
    let console = ObjectInitializer::new(cx)
        .function(log.clone(), js_string!("log"), 0)
        .function(log.clone(), js_string!("info"), 0)
        .function(log, js_string!("debug"), 0)
        .function(error.clone(), js_string!("error"), 0)
        .function(error, js_string!("warn"), 0)
        .build();
    cx.register_global_property(
        js_string!("console"),
        console,
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    fn now(_: &JsValue, _: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let nanos = cx.clock().now().nanos_since_epoch();
        Ok(JsValue::from(nanos as f64 / 1e6))
    }
    let now = function(cx, now);
    let performance = ObjectInitializer::new(cx).function(now, js_string!("now"), 0).build();
    cx.register_global_property(
        js_string!("performance"),
        performance,
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    Ok(())
}

/// Runs a callback the host calls (timer, microtask, tick, immediate): an exception is uncaught.
fn run_callback(cx: &mut Context, f: &JsObject, args: &[JsValue]) {
    if let Err(e) = f.call(&JsValue::undefined(), args, cx) {
        crate::report::uncaught(cx, e);
    }
}

fn timer_id(v: &JsValue) -> Option<TimerId> {
    match v.as_number() {
        Some(n) if n >= 1.0 && n.fract() == 0.0 => Some(TimerId::from_u64(n as u64)),
        _ => None,
    }
}

fn install_timers(cx: &mut Context) -> JsResult<()> {
    fn set(args: &[JsValue], cx: &mut Context, repeat: bool) -> JsResult<JsValue> {
        let f = callback(args, 0)?;
        let ms = arg(args, 1).to_number(cx)?;
        let extra: Vec<JsValue> = args.iter().skip(2).cloned().collect();
        let handle = host(cx)?.handle.clone();
        let id = if repeat {
            handle.set_interval_ms_with(ms, move |cx: &mut Context| run_callback(cx, &f, &extra))
        } else {
            handle.set_timeout_ms_with(ms, move |cx: &mut Context| run_callback(cx, &f, &extra))
        };
        Ok(JsValue::from(id.as_u64() as f64))
    }
    fn set_timeout(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        set(args, cx, false)
    }
    fn set_interval(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        set(args, cx, true)
    }
    fn clear(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        if let Some(id) = timer_id(&arg(args, 0)) {
            host(cx)?.handle.clear_timer(id);
        }
        Ok(JsValue::undefined())
    }
    fn queue_microtask(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let f = callback(args, 0)?;
        host(cx)?.handle.queue_microtask_with(move |cx: &mut Context| run_callback(cx, &f, &[]));
        Ok(JsValue::undefined())
    }
    let fns: [(&str, usize, NativeFn); 5] = [
        ("setTimeout", 2, set_timeout),
        ("setInterval", 2, set_interval),
        ("clearTimeout", 1, clear),
        ("clearInterval", 1, clear),
        ("queueMicrotask", 1, queue_microtask),
    ];
    for (name, length, f) in fns {
        let f = function(cx, f);
        cx.register_global_builtin_callable(JsString::from(name), length, f)?;
    }
    if host(cx)?.kind == HostKind::Node {
        fn set_immediate(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
            let f = callback(args, 0)?;
            let extra: Vec<JsValue> = args.iter().skip(1).cloned().collect();
            let handle = host(cx)?.handle.clone();
            let id = handle
                .queue_task_labelled_with("immediate", move |cx: &mut Context| run_callback(cx, &f, &extra));
            // Negative, so that no timer id is ever an immediate's.
            Ok(JsValue::from(-(id.as_u64() as f64)))
        }
        fn clear_immediate(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
            if let Some(n) = arg(args, 0).as_number()
                && n <= -1.0
                && n.fract() == 0.0
            {
                host(cx)?.handle.cancel_task(TaskId::from_u64((-n) as u64));
            }
            Ok(JsValue::undefined())
        }
        let f = function(cx, set_immediate);
        cx.register_global_builtin_callable(js_string!("setImmediate"), 1, f)?;
        let f = function(cx, clear_immediate);
        cx.register_global_builtin_callable(js_string!("clearImmediate"), 1, f)?;
    }
    Ok(())
}

fn event_name(args: &[JsValue], cx: &mut Context) -> JsResult<String> {
    Ok(arg(args, 0).to_string(cx)?.to_std_string_escaped())
}

fn add_listener(args: &[JsValue], cx: &mut Context) -> JsResult<()> {
    let event = event_name(args, cx)?;
    let f = callback(args, 1)?;
    host(cx)?.listeners.borrow_mut().push((event, f));
    crate::worker::update_keep_alive(cx);
    Ok(())
}

fn remove_listener(args: &[JsValue], cx: &mut Context) -> JsResult<()> {
    let event = event_name(args, cx)?;
    let f = arg(args, 1);
    let state = host(cx)?;
    let mut listeners = state.listeners.borrow_mut();
    if let Some(i) = listeners
        .iter()
        .position(|(e, l)| *e == event && f.as_object().is_some_and(|f| JsObject::equals(&f, l)))
    {
        listeners.remove(i);
    }
    drop(listeners);
    crate::worker::update_keep_alive(cx);
    Ok(())
}

fn install_process(cx: &mut Context) -> JsResult<()> {
    fn next_tick(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        let f = callback(args, 0)?;
        let extra: Vec<JsValue> = args.iter().skip(1).cloned().collect();
        host(cx)?.handle.queue_next_tick_with(move |cx: &mut Context| run_callback(cx, &f, &extra));
        Ok(JsValue::undefined())
    }
    fn on(this: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        add_listener(args, cx)?;
        Ok(this.clone())
    }
    fn off(this: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        remove_listener(args, cx)?;
        Ok(this.clone())
    }
    let (next_tick, on, off) = (function(cx, next_tick), function(cx, on), function(cx, off));
    let argv: Vec<JsValue> =
        host(cx)?.argv.iter().map(|a| JsValue::from(JsString::from(a.as_str()))).collect();
    let argv = JsArray::from_iter(argv, cx);
    let process = ObjectInitializer::new(cx)
        .function(next_tick, js_string!("nextTick"), 1)
        .function(on.clone(), js_string!("on"), 2)
        .function(on, js_string!("addListener"), 2)
        .function(off, js_string!("off"), 2)
        .property(js_string!("platform"), js_string!("settle"), Attribute::all())
        .property(js_string!("argv"), argv, Attribute::all())
        .property(js_string!("exitCode"), JsValue::undefined(), Attribute::all())
        .build();
    cx.register_global_property(
        js_string!("process"),
        process,
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    Ok(())
}

fn install_html(cx: &mut Context) -> JsResult<()> {
    fn add(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        add_listener(args, cx)?;
        Ok(JsValue::undefined())
    }
    fn remove(_: &JsValue, args: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        remove_listener(args, cx)?;
        Ok(JsValue::undefined())
    }
    let f = function(cx, add);
    cx.register_global_builtin_callable(js_string!("addEventListener"), 2, f)?;
    let f = function(cx, remove);
    cx.register_global_builtin_callable(js_string!("removeEventListener"), 2, f)?;
    let global = cx.global_object();
    // A worker's global scope is a DedicatedWorkerGlobalScope: `self`, but no `window`.
    if host(cx)?.workers.scope.is_none() {
        cx.register_global_property(js_string!("window"), global.clone(), Attribute::all())?;
    }
    cx.register_global_property(js_string!("self"), global, Attribute::all())?;
    Ok(())
}

/// The exit code of a finished run: Node's `process.exitCode` when the script set one.
pub(crate) fn exit_code(cx: &mut Context, state: &HostState) -> i32 {
    let crashed = state.exit_code.get();
    if crashed != 0 || state.kind != HostKind::Node {
        return crashed;
    }
    let global = cx.global_object();
    let code = global
        .get(js_string!("process"), cx)
        .ok()
        .and_then(|p| p.as_object())
        .and_then(|p| p.get(js_string!("exitCode"), cx).ok());
    // A Number, or a String of one (Node accepts both), truncated.
    let code = code.and_then(|c| {
        c.as_number()
            .or_else(|| c.as_string().and_then(|s| s.to_std_string_escaped().trim().parse::<f64>().ok()))
    });
    code.filter(|c| c.is_finite()).map_or(0, |c| c.trunc() as i32)
}

/// An uncaught exception: Node calls `uncaughtException` listeners or dies (exit code 1, the
/// rest of the checkpoint unrun); a browser reports it and goes on.
pub(crate) fn report_uncaught(cx: &mut Context, state: &HostState, error: JsError) {
    let value = match error.into_opaque(cx) {
        Ok(value) => value,
        Err(uncatchable) => {
            // A runtime limit: nothing of the script can handle it.
            state.write(&format!("Uncaught {uncatchable}"), true);
            state.exit_code.set(1);
            state.handle.halt(Uncaught::new(
                UncaughtKind::Exception,
                uncatchable.to_string(),
                state.handle.origin(),
            ));
            return;
        }
    };
    if state.kind == HostKind::Node {
        let listeners = state.listeners("uncaughtException");
        if !listeners.is_empty() {
            for l in listeners {
                if let Err(e) = l.call(
                    &JsValue::undefined(),
                    &[value.clone(), js_string!("uncaughtException").into()],
                    cx,
                ) {
                    // Node: an exception thrown by the listener itself is fatal.
                    state.listeners.borrow_mut().retain(|(e, _)| e != "uncaughtException");
                    return report_uncaught(cx, state, e);
                }
            }
            return;
        }
        // A worker dies of it, and its parent gets an `error` event.
        if crate::worker::forward_uncaught(cx, state, &value) {
            return;
        }
        let shown = inspect::inspect(&value, cx);
        state.write(&format!("{}\n\n{shown}\n", state.run.file), true);
        state.exit_code.set(1);
        state.handle.halt(Uncaught::new(UncaughtKind::Exception, shown, state.handle.origin()));
    } else {
        // A worker reports it to its `Worker` object as an ErrorEvent, and goes on.
        if crate::worker::forward_uncaught(cx, state, &value) {
            return;
        }
        let shown = inspect::inspect(&value, cx);
        state.write(&format!("Uncaught {shown}"), true);
        state.exit_code.set(1);
    }
}

/// Node's report of an unhandled rejection with no listener.
fn unhandled_rejection_message(reason: &JsValue, cx: &mut Context) -> String {
    if inspect::is_error(reason) {
        return inspect::inspect(reason, cx);
    }
    let shown = match reason.as_string() {
        Some(s) => s.to_std_string_escaped(),
        None => inspect::inspect(reason, cx),
    };
    settle_host::unhandled_rejection_message(&shown)
}

/// Boa's side of a rejection event, for settle-host's rules.
struct BoaRejection<'a> {
    cx: &'a mut Context,
    state: Rc<HostState>,
    event: &'a TrackerEvent,
}

impl RejectionHost for BoaRejection<'_> {
    type Value = JsValue;
    type Error = JsError;

    fn host(&self) -> HostKind {
        self.state.kind
    }

    fn listeners(&mut self, event: &str) -> Vec<JsValue> {
        self.state.listeners(event).into_iter().map(JsValue::from).collect()
    }

    fn handler(&mut self, name: &str) -> Option<JsValue> {
        let global = self.cx.global_object();
        let handler = global.get(JsString::from(name), self.cx).ok()?;
        handler.as_callable().map(JsValue::from)
    }

    fn call(&mut self, f: &JsValue, args: &[JsValue]) -> Result<(), JsError> {
        let f = f.as_callable().ok_or_else(|| JsNativeError::typ().with_message("not a function"))?;
        f.call(&JsValue::undefined(), args, self.cx).map(|_| ())
    }

    fn report_uncaught(&mut self, error: JsError) {
        crate::report::uncaught(self.cx, error);
    }

    fn die(&mut self, reason: &JsValue) {
        // In a worker, the worker dies of it and its parent gets an `error` event.
        if crate::worker::forward_uncaught(self.cx, &self.state, reason) {
            return;
        }
        let message = unhandled_rejection_message(reason, self.cx);
        self.state.write(&message, true);
        self.state.exit_code.set(1);
        let uncaught =
            Uncaught::new(UncaughtKind::UnhandledRejection, self.event.promise.reason(), Origin::Outside);
        self.state.handle.halt(uncaught);
    }

    fn event(&mut self, name: &str, promise: JsValue, reason: JsValue) -> JsValue {
        html_event(self.cx, name, promise, reason)
    }

    fn default_prevented(&mut self, event: &JsValue) -> bool {
        event
            .as_object()
            .and_then(|o| o.get(js_string!("defaultPrevented"), self.cx).ok())
            .is_some_and(|v| v.to_boolean())
    }

    fn inspect(&mut self, value: &JsValue) -> String {
        inspect::inspect(value, self.cx)
    }

    fn write_error(&mut self, text: &str) {
        self.state.write(text, true);
    }
}

/// The runtime tracker's reports (HTML's timing, Node's batch rule), as the host's events.
fn on_rejection(cx: &mut Context, event: &TrackerEvent) {
    let Some(state) = state(cx) else { return };
    let Some(promise) = BoaPromise::of(event) else { return };
    let reason = promise.reason_value();
    let object: JsValue = promise.promise().into();
    settle_host::fire_rejection_event(&mut BoaRejection { cx, state, event }, event.kind, object, reason);
}

/// A `PromiseRejectionEvent`-like object: `type`, `promise`, `reason`, `preventDefault()`.
fn html_event(cx: &mut Context, name: &str, promise: JsValue, reason: JsValue) -> JsValue {
    fn prevent_default(this: &JsValue, _: &[JsValue], cx: &mut Context) -> JsResult<JsValue> {
        if let Some(o) = this.as_object() {
            o.set(js_string!("defaultPrevented"), true, false, cx)?;
        }
        Ok(JsValue::undefined())
    }
    let prevent = function(cx, prevent_default);
    ObjectInitializer::new(cx)
        .property(js_string!("type"), JsString::from(name), Attribute::all())
        .property(js_string!("promise"), promise, Attribute::all())
        .property(js_string!("reason"), reason, Attribute::all())
        .property(js_string!("defaultPrevented"), false, Attribute::all())
        .function(prevent, js_string!("preventDefault"), 0)
        .build()
        .into()
}
