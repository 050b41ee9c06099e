//! settle-js: a small JavaScript interpreter whose event loop, timers and Promise are settle's.
//!
//! It runs a subset of JavaScript (scripts with functions, closures, destructuring,
//! `async`/`await`, objects and arrays; see the README's "JavaScript" section) with Node's
//! asynchronous semantics, or a browser's with [`HostKind::Html`]. It is both a way to run the
//! book's examples on settle and a worked example of embedding settle in a language runtime:
//! it uses only settle's public API (see `docs/embedding.md`).
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use settle_js::{Options, run};
//!
//! let out = Rc::new(RefCell::new(Vec::<u8>::new()));
//! let err = Rc::new(RefCell::new(Vec::<u8>::new()));
//! let code = run(
//!     "demo.js",
//!     "setTimeout(() => console.log('B'), 0); Promise.resolve().then(() => console.log('C')); console.log('A');",
//!     &Options::default(),
//!     out.clone(),
//!     err.clone(),
//! );
//! assert_eq!(code, 0);
//! assert_eq!(String::from_utf8(out.borrow().clone()).unwrap(), "A\nC\nB\n");
//! ```

mod arguments;
mod bigint;
mod bindings;
mod builtins;
mod class;
mod generator;
mod heap;
mod inspect;
mod interp;
mod ir;
mod iteration;
mod jsstr;
mod lower;
mod number;
mod object;
mod own_props;
mod promise;
mod property;
mod realm;
mod stack;
mod trace;
mod value;

use std::rc::Rc;

use settle_runtime::{
    EventLoop, Handle, Host, RejectionEventKind, TrackerEvent, TrackerPolicy, Uncaught, UncaughtKind,
};

pub use lower::ScriptError;
pub use promise::JsThenables;
pub use realm::{HostKind, Sink};
pub use value::{JsPromise, JsStr, JsValue};

use crate::interp::call_sync;
use crate::promise::find_promise_object;
use crate::realm::{JsHost, Realm, RealmConfig, RealmGuard, realm};

/// How to run a script.
#[derive(Clone, Debug)]
pub struct Options {
    /// Node (the default) or a browser.
    pub host: HostKind,
    /// After each line of output, print which queue the running code came from.
    pub trace: bool,
    /// Seed of `Math.random`.
    pub seed: u64,
    /// Run timers on settle's virtual clock: a script with long timeouts finishes at once,
    /// in the same order.
    pub virtual_clock: bool,
    /// Run the file as a classic script (ECMA-262 16.1, ScriptEvaluation), as test262 and a
    /// browser's `<script>` do: top-level `this` is `globalThis`, and top-level `var` and
    /// function declarations become properties of the global object. The default (`false`)
    /// imitates `node FILE`, which runs a file as a CommonJS module body: top-level `this` is
    /// `module.exports` and top-level declarations stay local.
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle_js::{Options, run};
    ///
    /// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    /// let source = "var x = 1; function f() {} console.log(this === globalThis, globalThis.x, typeof globalThis.f);";
    /// let script = Options { script: true, ..Options::default() };
    /// assert_eq!(run("s.js", source, &script, out.clone(), out.clone()), 0);
    /// assert_eq!(String::from_utf8(out.borrow().clone()).unwrap(), "true 1 function\n");
    /// ```
    pub script: bool,
    /// A budget of evaluation steps (loop iterations and function calls): once spent, the
    /// script stops as if killed, with exit code [`EXIT_STEP_LIMIT`] and a message on stderr.
    /// `None` (the default) is no limit. For running untrusted or test code that may loop
    /// forever (the test262 runner gives each test a budget).
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle_js::{EXIT_STEP_LIMIT, Options, run};
    ///
    /// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    /// let limited = Options { max_steps: Some(10_000), ..Options::default() };
    /// let code = run("loop.js", "while (true) { try { for (;;) {} } catch (e) {} }", &limited, out.clone(), out.clone());
    /// assert_eq!(code, EXIT_STEP_LIMIT);
    /// ```
    pub max_steps: Option<u64>,
    /// `process.argv` under the Node host: Node's shape is `[execPath, scriptPath, ...args]`
    /// (with `-e`, `[execPath, ...args]`). Empty (the default) means `["settle", file]`.
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle_js::{Options, run};
    ///
    /// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    /// let argv = ["/bin/settle", "/tmp/f.js", "a", "b"].map(String::from).to_vec();
    /// let options = Options { argv, ..Options::default() };
    /// assert_eq!(run("f.js", "console.log(process.argv.slice(2))", &options, out.clone(), out.clone()), 0);
    /// assert_eq!(String::from_utf8(out.borrow().clone()).unwrap(), "[ 'a', 'b' ]\n");
    /// ```
    pub argv: Vec<String>,
    /// `--trace=json`: `stdout` receives the loop's events, one JSON object per line (schema:
    /// docs/trace.md), and the script's console output travels inside `console` events instead
    /// of being printed. Takes precedence over [`Options::trace`].
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle_js::{Options, run};
    ///
    /// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    /// let options = Options { trace_json: true, virtual_clock: true, ..Options::default() };
    /// assert_eq!(run("t.js", "console.log('hi')", &options, out.clone(), out.clone()), 0);
    /// let trace = String::from_utf8(out.borrow().clone()).unwrap();
    /// assert!(trace.starts_with("{\"event\":\"trace\",\"version\":1,"), "{trace}");
    /// assert!(trace.contains("\"event\":\"console\",\"at_ms\":0,\"stream\":\"stdout\",\"text\":\"hi\""), "{trace}");
    /// assert!(trace.ends_with("{\"event\":\"exit\",\"code\":0}\n"), "{trace}");
    /// ```
    pub trace_json: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            host: HostKind::Node,
            trace: false,
            seed: 0x5eed_5e77_1e00_0001,
            virtual_clock: false,
            script: false,
            max_steps: None,
            argv: Vec::new(),
            trace_json: false,
        }
    }
}

/// The label of the task that runs a script's top level (see `Origin`).
pub(crate) const SCRIPT_LABEL: &str = "script";

/// Exit code of a script that could not run because it uses a feature outside the subset
/// (Node would run it). A syntax error, or nesting too deep to parse, exits with 1 as in Node.
pub const EXIT_SCRIPT_ERROR: i32 = 2;

/// Exit code of a script stopped because it spent its [`Options::max_steps`] budget (the
/// shell's code for a process killed by SIGKILL's neighbour, SIGXCPU: 128 + 24).
pub const EXIT_STEP_LIMIT: i32 = 152;

/// Parses a script without running it; the error is the one-line `file:line:column: ...`
/// report.
///
/// # Errors
///
/// A syntax error, or a construct outside the subset.
///
/// ```
/// let e = settle_js::check("x.js", "let a = ;").unwrap_err();
/// assert!(e.starts_with("x.js:1:9: SyntaxError"), "{e}");
/// let e = settle_js::check("x.js", "class A { #secret = 1; }").unwrap_err();
/// assert!(e.contains("outside the subset"), "{e}");
/// ```
pub fn check(file: &str, source: &str) -> Result<(), String> {
    stack::on_js_stack(|| lower::parse(source)).map(|_| ()).map_err(|e| format_script_error(file, source, &e))
}

fn format_script_error(file: &str, source: &str, e: &ScriptError) -> String {
    let (line, col) = lower::line_col(source, e.offset);
    format!("{file}:{line}:{col}: {}", e.message)
}

/// Runs a script to completion (until the event loop has nothing left) and returns its exit
/// code: 0, 1 after an uncaught exception, (under Node) an unhandled rejection, a syntax error
/// or nesting too deep to parse (as Node), [`EXIT_SCRIPT_ERROR`] for a feature outside the
/// subset. Console output goes to `stdout` and `stderr`.
pub fn run(file: &str, source: &str, options: &Options, stdout: Sink, stderr: Sink) -> i32 {
    // The whole run, parsing included, on a stack of known size (see `stack.rs`).
    stack::on_js_stack(|| run_on_js_stack(file, source, options, stdout, stderr))
}

fn run_on_js_stack(file: &str, source: &str, options: &Options, stdout: Sink, stderr: Sink) -> i32 {
    let script = match lower::parse(source) {
        Ok(script) => script,
        Err(e) => {
            let message = format_script_error(file, source, &e);
            let _ = writeln!(stderr.borrow_mut(), "{message}");
            return if e.is_outside_subset() { EXIT_SCRIPT_ERROR } else { 1 };
        }
    };
    let host = match options.host {
        HostKind::Node => Host::Node,
        HostKind::Html => Host::Html,
    };
    let mut builder = EventLoop::builder().host(host);
    if options.virtual_clock {
        builder = builder.virtual_clock();
    }
    if options.trace_json {
        let host = match options.host {
            HostKind::Node => "node",
            HostKind::Html => "html",
        };
        trace::write_line(
            &stdout,
            &format!(
                "\"event\":\"trace\",\"version\":{},\"engine\":\"settle-js\",\"host\":\"{host}\",\"virtual_time\":{},\"file\":{}",
                trace::TRACE_VERSION,
                options.virtual_clock,
                trace::string(file)
            ),
        );
        let sink = stdout.clone();
        builder = builder.on_event(move |e| trace::write_line(&sink, &trace::loop_event(e)));
    }
    let trace_out = options.trace_json.then(|| stdout.clone());
    let internal = stderr.clone();
    let el = builder
        .on_uncaught(move |u: &Uncaught| {
            let _ = writeln!(internal.borrow_mut(), "settle-js internal error: {u}");
        })
        .build();
    let realm = Realm::new(RealmConfig {
        host: options.host,
        stdout,
        stderr,
        trace: options.trace,
        trace_json: options.trace_json,
        file: file.to_string(),
        source: source.into(),
        seed: options.seed,
        script: options.script,
        max_steps: options.max_steps,
    });
    let guard = RealmGuard::enter(realm.clone());
    builtins::install(&realm);
    if options.host == HostKind::Node {
        let argv = if options.argv.is_empty() {
            vec!["settle".to_string(), file.to_string()]
        } else {
            options.argv.clone()
        };
        builtins::set_argv(&realm, &argv);
    }
    el.handle().set_rejection_policy(TrackerPolicy::callback_with(on_rejection));
    let script = Rc::new(script);
    // Labelled, so that `--trace` shows the top level and its checkpoint as the script's.
    el.queue_task_labelled_with(SCRIPT_LABEL, move |host: &mut JsHost| {
        let _running = RealmGuard::enter(host.realm.clone());
        let r = crate::realm::realm();
        // Node runs a file as a CommonJS module: top-level `this` is `module.exports`. A
        // classic script's is the global object (GlobalDeclarationInstantiation, 16.1.7).
        let this = match r.host {
            HostKind::Node if !r.script => JsValue::Object(r.new_object()),
            _ => JsValue::Object(r.global.clone()),
        };
        drop(r);
        if let Err(e) = interp::run_script(&script, this) {
            builtins::report_uncaught(e);
        }
    });
    let result = el.run_with(&mut JsHost { realm: realm.clone() });
    let code = match result {
        Ok(()) => realm.exit_code.get(),
        Err(_) if realm.steps_exhausted() => EXIT_STEP_LIMIT,
        Err(_) => realm.exit_code.get().max(1),
    };
    drop(el);
    drop(guard);
    if let Some(sink) = trace_out {
        trace::write_line(&sink, &format!("\"event\":\"exit\",\"code\":{code}"));
    }
    // Break the reference cycles of the realm and of everything the script made, so they
    // are freed.
    let heap = realm.heap.take();
    let intrinsics = realm.intrinsic_objects();
    drop(realm);
    let survivors = heap.sweep(intrinsics);
    #[cfg(test)]
    heap::LIVE_AFTER_SWEEP.with(|l| l.set(survivors));
    #[cfg(not(test))]
    let _ = survivors;
    code
}

/// The rejection tracker's reports, turned into the host's events.
fn on_rejection(host: &mut JsHost, event: &TrackerEvent) {
    let tracked: &dyn std::any::Any = &*event.promise;
    let Some(promise) = tracked.downcast_ref::<JsPromise>().cloned() else { return };
    if crate::realm::is_halted() {
        return;
    }
    let _running = RealmGuard::enter(host.realm.clone());
    let r = realm();
    let reason = match promise.result() {
        Some(Err(e)) => e,
        _ => JsValue::Undefined,
    };
    let object = find_promise_object(&promise);
    match r.host {
        HostKind::Node => {
            let name = match event.kind {
                RejectionEventKind::Unhandled => "unhandledRejection",
                _ => "rejectionHandled",
            };
            let listeners = r.listeners(name);
            if listeners.is_empty() && event.kind == RejectionEventKind::Unhandled {
                // Node's default (`--unhandled-rejections=throw`): crash with exit code 1.
                r.write_out(&builtins::unhandled_rejection_message(&reason), true);
                r.exit_code.set(1);
                let handle = Handle::current();
                handle.halt(Uncaught::new(
                    UncaughtKind::UnhandledRejection,
                    format!("{reason:?}"),
                    handle.origin(),
                ));
                return;
            }
            drop(r);
            let args =
                if event.kind == RejectionEventKind::Unhandled { vec![reason, object] } else { vec![object] };
            for l in listeners {
                if let Err(e) = call_sync(&l, &JsValue::Undefined, &args) {
                    builtins::report_uncaught(e);
                    return;
                }
            }
        }
        HostKind::Html => {
            let name = match event.kind {
                RejectionEventKind::Unhandled => "unhandledrejection",
                _ => "rejectionhandled",
            };
            let ev = r.new_object();
            ev.define("type", JsValue::from(name), true);
            ev.define("promise", object, true);
            ev.define("reason", reason.clone(), true);
            ev.define("defaultPrevented", JsValue::Bool(false), true);
            let target = ev.clone();
            let prevent = r.native("preventDefault", 0, move |_, _, _| {
                target.define("defaultPrevented", JsValue::Bool(true), true);
                Ok(JsValue::Undefined)
            });
            ev.define("preventDefault", JsValue::Object(prevent), false);
            let mut listeners = r.listeners(name);
            if let Ok(handler) = r.global.get(&format!("on{name}"))
                && handler.is_callable()
            {
                listeners.push(handler);
            }
            drop(r);
            let event_value = JsValue::Object(ev.clone());
            for l in listeners {
                if let Err(e) = call_sync(&l, &JsValue::Undefined, std::slice::from_ref(&event_value)) {
                    builtins::report_uncaught(e);
                }
            }
            if event.kind == RejectionEventKind::Unhandled
                && !ev.get("defaultPrevented").is_ok_and(|v| v.truthy())
            {
                let r = realm();
                r.write_out(&format!("Uncaught (in promise) {}", inspect::inspect(&reason)), true);
            }
        }
    }
}
