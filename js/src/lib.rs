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
mod callstack;
mod class;
mod generator;
mod heap;
mod inspect;
mod interp;
mod ir;
mod iteration;
mod jsstr;
mod lower;
mod map_data;
mod number;
mod object;
mod object_env;
mod own_props;
mod promise;
mod property;
mod realm;
mod rejection;
mod stack;
mod structured_clone;
mod value;
mod weak_data;
mod worker;

use std::rc::Rc;

use settle_runtime::TrackerPolicy;

pub use lower::ScriptError;
pub use promise::JsThenables;
pub use realm::{HostKind, Sink};
pub use value::{JsPromise, JsStr, JsValue};

use crate::realm::{JsHost, Realm, RealmConfig, RealmGuard};

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
    /// `--trace=html`: `stdout` receives one self-contained HTML page that replays the run step
    /// by step (the source with the running line, the call stack, the queues, the timers, the
    /// console, and why each step happens), built from the events [`Options::trace_json`]
    /// prints. Takes precedence over [`Options::trace_json`] and [`Options::trace`].
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle_js::{Options, run};
    ///
    /// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    /// let options = Options { trace_html: true, virtual_clock: true, ..Options::default() };
    /// assert_eq!(run("t.js", "console.log('</script>')", &options, out.clone(), out.clone()), 0);
    /// let page = String::from_utf8(out.borrow().clone()).unwrap();
    /// assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    /// // The output travels inside the page's data, escaped so that it cannot end the script.
    /// assert!(page.contains(r#""text":"\u003c/script>""#), "{page}");
    /// ```
    pub trace_html: bool,
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
            trace_html: false,
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
    run_realm(file, source, options, stdout, stderr, None, |_| {})
}

/// A whole run: the main script's, or a worker's (`worker` is its link to the parent;
/// `on_loop` gets the remote of its loop once the script's task is queued, so that messages
/// posted to it run after the script).
fn run_realm(
    file: &str,
    source: &str,
    options: &Options,
    stdout: Sink,
    stderr: Sink,
    worker: Option<Rc<worker::WorkerScope>>,
    on_loop: impl FnOnce(settle_runtime::Remote),
) -> i32 {
    let script = match lower::parse(source) {
        Ok(script) => script,
        Err(e) => {
            let message = format_script_error(file, source, &e);
            // A worker's script that cannot run is its parent's `error` event.
            let reported = worker.as_ref().is_some_and(|scope| {
                let (line, col) = lower::line_col(source, e.offset);
                worker::report_script_error(scope, options.host, &e, &message, line, col)
            });
            if !reported {
                let _ = writeln!(stderr.borrow_mut(), "{message}");
            }
            return if e.is_outside_subset() { EXIT_SCRIPT_ERROR } else { 1 };
        }
    };
    let source: Rc<str> = source.into();
    let trace = settle_host::TraceFormat::choose(options.trace, options.trace_json, options.trace_html);
    let run = settle_host::Run {
        engine: "settle-js",
        host: options.host,
        virtual_clock: options.virtual_clock,
        trace,
        file: file.to_string(),
        source,
        stdout,
        stderr,
        // The script's position and call stack, for JSON and HTML traces (`callstack.rs`).
        place: trace.is_some_and(settle_host::TraceFormat::reports_places).then(callstack::hook),
    };
    let el = run.event_loop();
    run.start();
    let realm = Realm::new(RealmConfig {
        run: run.clone(),
        seed: options.seed,
        script: options.script,
        max_steps: options.max_steps,
        worker: worker.clone(),
    });
    if let Some(scope) = &worker {
        worker::attach_own_loop(scope, &el.handle());
    }
    worker::begin_run();
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
    el.handle().set_rejection_policy(TrackerPolicy::callback_with(rejection::on_rejection));
    let script = Rc::new(script);
    // Labelled, so that `--trace` shows the top level and its checkpoint as the script's.
    el.queue_task_labelled_with(SCRIPT_LABEL, move |host: &mut JsHost| {
        let _running = RealmGuard::enter(host.realm.clone());
        // A worker terminated before its script could start never runs it.
        if worker::interrupted() {
            return;
        }
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
    on_loop(el.remote());
    let result = el.run_with(&mut JsHost { realm: realm.clone() });
    // Unref'd workers still running are stopped; every worker thread is joined.
    worker::end_run();
    let code = if result.is_err() && realm.steps_exhausted() {
        EXIT_STEP_LIMIT
    } else {
        let code = settle_host::exit_code(&result, realm.exit_code.get());
        // Node exits gracefully with `process.exitCode` when the script set one (an integer,
        // or a string of one); a crash's code wins.
        if code == 0 && realm.host == realm::HostKind::Node { process_exit_code(&realm) } else { code }
    };
    drop(el);
    drop(guard);
    run.finish(code);
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

/// Node's `process.exitCode`, read as a data property (no script runs after the loop ends): a
/// Number or numeric String, truncated; 0 when it is unset or anything else.
fn process_exit_code(realm: &realm::Realm) -> i32 {
    let data = |o: &value::Obj, key: &str| match o.own_prop(key).map(|p| p.slot) {
        Some(value::Slot::Data(v)) => Some(v),
        _ => None,
    };
    let Some(value::JsValue::Object(process)) = data(&realm.global, "process") else { return 0 };
    let n = match data(&process, "exitCode") {
        Some(value::JsValue::Number(n)) => n,
        Some(value::JsValue::String(s)) => number::string_to_number(&s),
        _ => return 0,
    };
    if n.is_finite() { n.trunc() as i32 } else { 0 }
}
