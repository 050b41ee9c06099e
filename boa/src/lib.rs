//! settle-boa: the [Boa](https://boajs.dev) JavaScript engine on settle's event loop.
//!
//! Boa lets its host supply the event loop (`boa_engine::job::JobExecutor`) and the reporting of
//! unhandled rejections (`HostHooks::promise_rejection_tracker`). This crate implements both on
//! settle, and Boa's clock on settle's:
//!
//! - [`SettleJobExecutor`]: promise jobs are microtasks, timeout and interval jobs settle timers
//!   (with the host's delay rules; Boa's cancellation token clears them), generic jobs
//!   macrotasks, and async jobs are polled on the loop, each poll a macrotask.
//! - [`SettleHooks`]: rejections go to the runtime's rejection tracker, which has HTML's timing
//!   and Node's batch rule.
//! - [`SettleClock`]: `Date.now()` and `performance.now()` read the loop clock, so a virtual
//!   clock applies to them too.
//!
//! The loop is run with Boa's `Context` lent to it ([`SettleJobExecutor::run`]): every job,
//! task and timer callback borrows the context as `&mut Context`. There is no `unsafe` code and
//! no thread-local here.
//!
//! [`run`] runs a script as the `settle --engine boa` command does, with Node's host (the
//! default: `process.nextTick`, `setImmediate`, `process.on`, Node's exit codes,
//! `require("worker_threads")`) or a browser's (`Worker`, and in a worker `self.postMessage`,
//! `onmessage`, `importScripts`). Each worker is a run of its own, on its own thread, with its own
//! `Context` and loop; the threads, the message transport and the structured clone are
//! settle-host's, shared with settle-js.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use settle_boa::{Options, run};
//!
//! let out = Rc::new(RefCell::new(Vec::<u8>::new()));
//! let err = Rc::new(RefCell::new(Vec::<u8>::new()));
//! let code = run(
//!     "demo.js",
//!     "setTimeout(() => console.log('B'), 0); Promise.resolve().then(() => console.log('C')); console.log('A');",
//!     &Options { virtual_clock: true, ..Options::default() },
//!     out.clone(),
//!     err.clone(),
//! );
//! assert_eq!(code, 0);
//! assert_eq!(String::from_utf8(out.borrow().clone()).unwrap(), "A\nC\nB\n");
//! ```
#![forbid(unsafe_code)]

mod clock;
mod clone;
mod drive;
mod events;
mod executor;
mod host;
mod inspect;
mod report;
mod tracker;
mod web_worker;
mod worker;
mod worker_threads;

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use boa_engine::context::ContextBuilder;
use boa_engine::{Context, JsResult, Script, Source};
use settle_runtime::Handle;

pub use clock::SettleClock;
pub use executor::SettleJobExecutor;
pub use tracker::{BoaPromise, SettleHooks};

pub use settle_host::{HostKind, Sink};

/// How to run a script.
///
/// ```
/// let options = settle_boa::Options { virtual_clock: true, ..Default::default() };
/// assert!(!options.trace);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Node (the default) or a browser.
    pub host: HostKind,
    /// After each line of output, print which queue the running code came from.
    pub trace: bool,
    /// Run timers on settle's virtual clock: long timeouts finish at once, in the same order.
    pub virtual_clock: bool,
    /// `--trace=json`: `stdout` receives the loop's events, one JSON object per line (schema:
    /// docs/trace.md, the same lines as settle-js's), and the script's console output travels
    /// inside `console` events instead of being printed. Takes precedence over
    /// [`Options::trace`].
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle_boa::{Options, run};
    ///
    /// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    /// let options = Options { trace_json: true, virtual_clock: true, ..Options::default() };
    /// assert_eq!(run("t.js", "console.log('hi')", &options, out.clone(), out.clone()), 0);
    /// let trace = String::from_utf8(out.borrow().clone()).unwrap();
    /// assert!(trace.starts_with("{\"event\":\"trace\",\"version\":1,\"engine\":\"settle-boa\","), "{trace}");
    /// assert!(trace.contains("\"event\":\"console\",\"at_ms\":0,\"stream\":\"stdout\",\"text\":\"hi\""), "{trace}");
    /// assert!(trace.ends_with("{\"event\":\"exit\",\"code\":0}\n"), "{trace}");
    /// ```
    pub trace_json: bool,
    /// `--trace=html`: `stdout` receives one self-contained page that replays the run step by
    /// step, built from the events [`Options::trace_json`] prints. Boa's frames are not
    /// visible to settle, so the events have no line, column or call stack: the page shows the
    /// queues, the timers, the console and why each step happens, without the running line.
    /// Takes precedence over [`Options::trace_json`] and [`Options::trace`].
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use settle_boa::{Options, run};
    ///
    /// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    /// let options = Options { trace_html: true, virtual_clock: true, ..Options::default() };
    /// assert_eq!(run("t.js", "console.log('hi')", &options, out.clone(), out.clone()), 0);
    /// let page = String::from_utf8(out.borrow().clone()).unwrap();
    /// assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    /// assert!(page.contains(r#""engine":"settle-boa""#), "{page}");
    /// assert!(page.contains(r#""text":"hi""#), "{page}");
    /// ```
    pub trace_html: bool,
    /// Node's `process.argv` (the interpreter's path, the script's, then the script's own
    /// arguments), as the `settle` command passes it; empty by default.
    pub argv: Vec<String>,
}

impl Options {
    /// The engine-independent side of a run of `file` (its `source`) with these options. Boa
    /// cannot tell settle where its code is, so the trace has no place hook.
    fn run(&self, file: &str, source: &str, stdout: Sink, stderr: Sink) -> settle_host::Run {
        settle_host::Run {
            engine: "settle-boa",
            host: self.host,
            virtual_clock: self.virtual_clock,
            trace: settle_host::TraceFormat::choose(self.trace, self.trace_json, self.trace_html),
            file: file.to_string(),
            source: source.into(),
            stdout,
            stderr,
            place: None,
        }
    }
}

/// A Boa `ContextBuilder` whose job executor, host hooks and clock are settle's, for the loop
/// of `handle`. Add your own settings, build, and run with [`SettleJobExecutor::run`].
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::Source;
/// use settle_boa::{SettleJobExecutor, context_builder};
///
/// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
/// let executor = Rc::new(SettleJobExecutor::new(el.handle()));
/// let mut context = context_builder(&el.handle(), executor.clone()).build().unwrap();
/// context.eval(Source::from_bytes("Promise.resolve(1)")).unwrap();
/// executor.run(&mut context).unwrap();
/// ```
pub fn context_builder(handle: &Handle, executor: Rc<SettleJobExecutor>) -> ContextBuilder {
    Context::builder()
        .job_executor(executor)
        .host_hooks(Rc::new(SettleHooks::new(handle.clone())))
        .clock(Rc::new(SettleClock::new(handle.clone())))
}

/// Installs the host's globals in `context`, for the loop of `handle`: `console`,
/// `performance.now`, timers, `queueMicrotask`, and Node's `process` and `setImmediate` or a
/// browser's `addEventListener` and `window`; and sets the loop's rejection policy to the host's
/// events. Console output goes to `stdout` and `stderr`; `file` names the script in crash
/// reports. [`run`] is this plus parsing and running a script.
///
/// # Errors
///
/// Defining a global failed (it cannot for a fresh context).
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use boa_engine::Source;
/// use settle_boa::{Options, SettleJobExecutor, context_builder, install};
///
/// let el = settle_runtime::EventLoop::builder().virtual_clock().build();
/// let executor = Rc::new(SettleJobExecutor::new(el.handle()));
/// let mut context = context_builder(&el.handle(), executor.clone()).build().unwrap();
/// let out = Rc::new(RefCell::new(Vec::<u8>::new()));
/// let err = Rc::new(RefCell::new(Vec::<u8>::new()));
/// install(&mut context, &el.handle(), &Options::default(), "x.js", out.clone(), err).unwrap();
/// context.eval(Source::from_bytes("setTimeout(() => console.log('later'), 10); console.log('now');")).unwrap();
/// executor.run(&mut context).unwrap();
/// assert_eq!(String::from_utf8(out.borrow().clone()).unwrap(), "now\nlater\n");
/// assert_eq!(settle_boa::exit_code(&mut context), 0);
/// ```
pub fn install(
    context: &mut Context,
    handle: &Handle,
    options: &Options,
    file: &str,
    stdout: Sink,
    stderr: Sink,
) -> JsResult<()> {
    install_run(context, handle, options, options.run(file, "", stdout, stderr), None)
}

/// [`install`] for the run `run` (its output and trace); `worker`: the run is a worker's.
fn install_run(
    context: &mut Context,
    handle: &Handle,
    options: &Options,
    run: settle_host::Run,
    worker: Option<Rc<worker::WorkerScope>>,
) -> JsResult<()> {
    let state = host::HostState {
        kind: options.host,
        run,
        listeners: RefCell::new(Vec::new()),
        exit_code: std::cell::Cell::new(0),
        handle: handle.clone(),
        workers: worker::Workers { scope: worker, ..worker::Workers::default() },
        argv: options.argv.clone(),
    };
    host::install(context, state)
}

/// The exit code of a finished run in a context set up by [`install`]: 1 after a crash (Node)
/// or an uncaught exception (browser), else Node's `process.exitCode` if the script set it,
/// else 0.
///
/// ```
/// let mut context = boa_engine::Context::default();
/// assert_eq!(settle_boa::exit_code(&mut context), 0);
/// ```
pub fn exit_code(context: &mut Context) -> i32 {
    match host::state(context) {
        Some(state) => host::exit_code(context, &state),
        None => 0,
    }
}

/// Runs a script on Boa and settle until the loop has nothing left, and returns its exit code:
/// 0, 1 after a syntax error, an uncaught exception or (under Node) an unhandled rejection, or
/// Node's `process.exitCode`. Console output goes to `stdout` and `stderr`.
///
/// See the crate documentation for an example.
pub fn run(file: &str, source: &str, options: &Options, stdout: Sink, stderr: Sink) -> i32 {
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
    let run = options.run(file, source, stdout, stderr.clone());
    let el = run.event_loop();
    let handle = el.handle();
    let executor = Rc::new(SettleJobExecutor::new(handle.clone()));
    let mut context = match context_builder(&handle, executor.clone()).build() {
        Ok(context) => context,
        Err(e) => {
            let _ = writeln!(stderr.borrow_mut(), "settle-boa: cannot create the engine: {e}");
            return 70;
        }
    };
    if let Some(scope) = &worker {
        scope.link.attach(&handle);
    }
    // One run for the host and the trace, so that both write the same trace.
    if let Err(e) = install_run(&mut context, &handle, options, run.clone(), worker.clone()) {
        let _ = writeln!(stderr.borrow_mut(), "settle-boa: cannot install the host: {e}");
        return 70;
    }
    let source = Source::from_bytes(source).with_path(Path::new(file));
    let script = match Script::parse(source, None, &mut context) {
        Ok(script) => script,
        Err(e) => {
            // A worker's script that cannot run is its parent's `error` event.
            let reported = worker.as_ref().is_some_and(|scope| {
                let message = e.to_string();
                let message = message.strip_prefix("SyntaxError: ").unwrap_or(&message);
                worker::report_script_error(scope, options.host, file, message)
            });
            if !reported {
                let _ = writeln!(stderr.borrow_mut(), "{file}\n\n{e}");
            }
            return 1;
        }
    };
    run.start();
    handle.queue_task_labelled_with("script", move |cx: &mut Context| {
        // A worker terminated before its script could start never runs it.
        if worker::scope(cx).is_some_and(|s| s.link.interrupted()) {
            return;
        }
        if let Err(e) = script.evaluate(cx) {
            report::uncaught(cx, e);
        }
    });
    on_loop(el.remote());
    let result = executor.run(&mut context);
    let code = settle_host::exit_code(&result, exit_code(&mut context));
    // Unref'd workers still running are stopped; the run does not wait for their threads.
    if let Some(state) = host::state(&context) {
        worker::end_run(&state);
    }
    drop(el);
    run.finish(code);
    code
}
