//! settle-host: what a JavaScript host on settle's loop does the same whatever the engine.
//!
//! settle-js and settle-boa differ in their values and how they call a function; the rest of a
//! `settle FILE` run is the same, and is here, once:
//!
//! - [`HostKind`]: Node's or a browser's rules, and the runtime's [`Host`] profile for them.
//! - [`Run::event_loop`]: the loop for a run: the host profile, `--virtual-time`, the
//!   `--trace=json` observer, and the report of an engine's internal error; [`Run::start`]
//!   writes the trace's first line.
//! - [`Run::write`]: console output: a line, with `--trace` the queue the running code came
//!   from, or with `--trace=json` a `console` event; [`Run::finish`] writes the trace's last
//!   line.
//! - [`exit_code`]: the exit code of a finished run.
//! - [`fire_rejection_event`]: Node's or a browser's events for the tracker's rejection
//!   reports, through an engine's [`RejectionHost`]; the host's words ([`rejection_event`],
//!   [`unhandled_rejection_message`]).
//!
//! Dependencies point one way: this crate uses settle-runtime, and the engines use it.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use settle_host::{HostKind, Run};
//!
//! let out = Rc::new(RefCell::new(Vec::<u8>::new()));
//! let run = Run {
//!     engine: "demo",
//!     host: HostKind::Node,
//!     virtual_clock: true,
//!     trace: false,
//!     trace_json: true,
//!     file: "x.js".into(),
//!     stdout: out.clone(),
//!     stderr: out.clone(),
//! };
//! let el = run.event_loop();
//! run.start();
//! let writer = run.clone();
//! el.queue_task(move || writer.write("hi", false));
//! el.run().unwrap();
//! run.finish(0);
//! let trace = String::from_utf8(out.borrow().clone()).unwrap();
//! assert!(trace.starts_with("{\"event\":\"trace\",\"version\":1,\"engine\":\"demo\",\"host\":\"node\""), "{trace}");
//! assert!(trace.contains("\"event\":\"console\",\"at_ms\":0,\"stream\":\"stdout\",\"text\":\"hi\""), "{trace}");
//! assert!(trace.ends_with("{\"event\":\"exit\",\"code\":0}\n"), "{trace}");
//! ```

mod json;
mod rejection;
mod trace;

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use settle_runtime::{EventLoop, Host, Origin, RejectionEventKind, Uncaught};

pub use json::quote_json_string;
pub use rejection::{RejectionHost, fire_rejection_event};
pub use trace::TRACE_VERSION;

/// Where console output goes. Shared so that tests can read what a script printed.
pub type Sink = Rc<RefCell<dyn Write>>;

/// Which host's globals and rules a script runs with.
///
/// ```
/// assert_eq!(settle_host::HostKind::default(), settle_host::HostKind::Node);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HostKind {
    /// Node: `process`, `setImmediate`, 1 ms timer minimum, `unhandledRejection` on `process`,
    /// a crash (exit code 1) for an unhandled rejection without a listener.
    #[default]
    Node,
    /// A browser (HTML): 4 ms clamp for nested timers, `unhandledrejection` events on
    /// `globalThis`, unhandled rejections logged and the script goes on.
    Html,
}

impl HostKind {
    /// The runtime's delay and queue profile for this host.
    ///
    /// ```
    /// assert_eq!(settle_host::HostKind::Html.profile(), settle_runtime::Host::Html);
    /// ```
    pub fn profile(self) -> Host {
        match self {
            HostKind::Node => Host::Node,
            HostKind::Html => Host::Html,
        }
    }

    /// The host's name in a trace: `node` or `html`.
    ///
    /// ```
    /// assert_eq!(settle_host::HostKind::Node.name(), "node");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            HostKind::Node => "node",
            HostKind::Html => "html",
        }
    }
}

/// One run of a script: what the engine-independent parts of it need to know.
#[derive(Clone)]
pub struct Run {
    /// The engine, as the trace and internal-error reports name it (`settle-js`, `settle-boa`).
    pub engine: &'static str,
    /// Node or a browser.
    pub host: HostKind,
    /// `--virtual-time`: timers run on settle's virtual clock.
    pub virtual_clock: bool,
    /// `--trace`: after each line of output, which queue the running code came from.
    pub trace: bool,
    /// `--trace=json`: stdout receives the loop's events, the output inside `console` events.
    /// Takes precedence over `trace`.
    pub trace_json: bool,
    /// The script's name, as reports and the trace show it.
    pub file: String,
    /// The script's standard output.
    pub stdout: Sink,
    /// The script's standard error.
    pub stderr: Sink,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("engine", &self.engine)
            .field("host", &self.host)
            .field("virtual_clock", &self.virtual_clock)
            .field("trace", &self.trace)
            .field("trace_json", &self.trace_json)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl Run {
    /// The event loop for this run: the host's profile, the virtual clock if asked, an
    /// engine's internal error reported on stderr, and under `--trace=json` every loop event
    /// written as a line (call [`Run::start`] before queueing the script).
    ///
    /// See the crate documentation for an example.
    pub fn event_loop(&self) -> EventLoop {
        let mut builder = EventLoop::builder().host(self.host.profile());
        if self.virtual_clock {
            builder = builder.virtual_clock();
        }
        if self.trace_json {
            let sink = self.stdout.clone();
            builder = builder.on_event(move |e| trace::write_line(&sink, &trace::loop_event(e)));
        }
        let internal = self.stderr.clone();
        let engine = self.engine;
        builder
            .on_uncaught(move |u: &Uncaught| {
                let _ = writeln!(internal.borrow_mut(), "{engine} internal error: {u}");
            })
            .build()
    }

    /// The start of the run, once the script parsed: under `--trace=json`, the trace's first
    /// line. (A script that does not parse gets its one-line error on stderr and no trace.)
    pub fn start(&self) {
        if self.trace_json {
            trace::write_line(
                &self.stdout,
                &trace::header(self.engine, self.host, self.virtual_clock, &self.file),
            );
        }
    }

    /// Writes a line of the script's output (`to_stderr`: to stderr): under `--trace` followed
    /// by where the running code came from, under `--trace=json` as a `console` event on
    /// stdout.
    pub fn write(&self, text: &str, to_stderr: bool) {
        if self.trace_json {
            // The trace is the whole of stdout: the text travels inside its event.
            return trace::write_line(&self.stdout, &trace::console(text, to_stderr));
        }
        let sink = if to_stderr { &self.stderr } else { &self.stdout };
        let mut w = sink.borrow_mut();
        let _ = writeln!(w, "{text}");
        if self.trace {
            let origin = settle_runtime::Handle::try_current().map_or(Origin::Outside, |h| h.origin());
            let _ = writeln!(w, "    \u{2190} {}", origin_text(origin));
        }
        let _ = w.flush();
    }

    /// The end of the run: under `--trace=json`, the trace's last line (the exit code).
    pub fn finish(&self, code: i32) {
        if self.trace_json {
            trace::write_line(&self.stdout, &trace::exit(code));
        }
    }
}

/// The label `--trace` prints for where the running code came from: the script's top level
/// is the task labelled "script", and its checkpoint is "after the script".
///
/// ```
/// use settle_runtime::Origin;
/// let o = Origin::Microtask { checkpoint: 1, index: 2, label: Some("script") };
/// assert_eq!(settle_host::origin_text(o), "microtask 2 (after the script)");
/// ```
pub fn origin_text(origin: Origin) -> String {
    match origin {
        Origin::Outside | Origin::Task { label: Some("script"), .. } => "script".into(),
        Origin::Microtask { index, label: Some("script"), .. } => {
            format!("microtask {index} (after the script)")
        }
        Origin::NextTick { index, label: Some("script"), .. } => {
            format!("nextTick {index} (after the script)")
        }
        other => other.to_string(),
    }
}

/// The exit code of a finished run: the host's `code` (1 after a crash, else Node's
/// `process.exitCode` or 0) if the loop finished, at least 1 if it stopped.
///
/// ```
/// assert_eq!(settle_host::exit_code(&Ok::<(), ()>(()), 3), 3);
/// assert_eq!(settle_host::exit_code(&Err(()), 0), 1);
/// ```
pub fn exit_code<E>(finished: &Result<(), E>, code: i32) -> i32 {
    match finished {
        Ok(()) => code,
        Err(_) => code.max(1),
    }
}

/// The name of the event a host fires for a rejection report: Node's `process` events
/// (`unhandledRejection`, `rejectionHandled`) or a browser's (`unhandledrejection`,
/// `rejectionhandled`).
///
/// ```
/// use settle_host::{HostKind, rejection_event};
/// use settle_runtime::RejectionEventKind;
/// assert_eq!(rejection_event(HostKind::Html, RejectionEventKind::Handled), "rejectionhandled");
/// ```
pub fn rejection_event(host: HostKind, kind: RejectionEventKind) -> &'static str {
    match (host, kind) {
        (HostKind::Node, RejectionEventKind::Unhandled) => "unhandledRejection",
        (HostKind::Node, _) => "rejectionHandled",
        (HostKind::Html, RejectionEventKind::Unhandled) => "unhandledrejection",
        (HostKind::Html, _) => "rejectionhandled",
    }
}

/// Node's report of an unhandled rejection whose reason is not an Error, with no listener:
/// `shown` is the reason as Node quotes it.
///
/// ```
/// let m = settle_host::unhandled_rejection_message("oops");
/// assert!(m.starts_with("[UnhandledPromiseRejection: This error originated"), "{m}");
/// assert!(m.contains("with the reason \"oops\".]"), "{m}");
/// ```
pub fn unhandled_rejection_message(shown: &str) -> String {
    format!(
        "[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without \
         a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the \
         reason \"{shown}\".] {{\n  code: 'ERR_UNHANDLED_REJECTION'\n}}\n"
    )
}
