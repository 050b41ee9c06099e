//! settle-host: what a JavaScript host on settle's loop does the same whatever the engine.
//!
//! settle-js and settle-boa differ in their values and how they call a function; the rest of a
//! `settle FILE` run is the same, and is here, once:
//!
//! - [`HostKind`]: Node's or a browser's rules, and the runtime's [`Host`] profile for them.
//! - [`Run::event_loop`]: the loop for a run: the host profile, `--virtual-time`, the trace's
//!   observer of the loop's events, and the report of an engine's internal error;
//!   [`Run::start`] begins the trace.
//! - [`Run::write`]: console output: a line, with `--trace` the queue the running code came
//!   from, or with `--trace=json` or `--trace=html` a `console` event; [`Run::finish`] ends the
//!   trace.
//! - The trace (`trace/`): one stream of events, rendered as text, JSON Lines or a replay page
//!   ([`TraceFormat`]); where the script was at each event is the engine's to say
//!   ([`Run::place`], a [`Place`]).
//! - [`exit_code`]: the exit code of a finished run.
//! - [`fire_rejection_event`]: Node's or a browser's events for the tracker's rejection
//!   reports, through an engine's [`RejectionHost`]; the host's words ([`rejection_event`],
//!   [`unhandled_rejection_message`]).
//!
//! - [`structured_clone`]: HTML's structured clone over an engine's values (the [`CloneHeap`]
//!   trait), for messages between workers and `structuredClone`.
//! - [`worker`]: workers' threads and their message transport (inboxes, keep-alives, `ref` /
//!   `unref`, `terminate`, exit codes, a worker's output to its parent), generic over the
//!   loop's host type; [`listeners`]: the worker objects' listener lists.
//!
//! Dependencies point one way: this crate uses settle-runtime, and the engines use it.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use settle_host::{HostKind, Run, TraceFormat};
//!
//! let out = Rc::new(RefCell::new(Vec::<u8>::new()));
//! let run = Run {
//!     engine: "demo",
//!     host: HostKind::Node,
//!     virtual_clock: true,
//!     trace: Some(TraceFormat::Json),
//!     file: "x.js".into(),
//!     source: "console.log('hi')".into(),
//!     stdout: out.clone(),
//!     stderr: out.clone(),
//!     place: None,
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
pub mod listeners;
mod rejection;
pub mod structured_clone;
mod trace;
pub mod worker;

pub use structured_clone::CloneHeap;

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use settle_runtime::{EventLoop, Host, Origin, RejectionEventKind, Uncaught};

pub use json::quote_json_string;
pub use rejection::{RejectionHost, fire_rejection_event};
use trace::{Event, Tracer};
pub use trace::{Frame, MAX_FRAMES, Place, PlaceHook, TRACE_VERSION, TraceFormat};

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
    /// The trace, if any: `--trace` (text: after each line of output, which queue the running
    /// code came from), `--trace=json` (stdout receives the loop's events, the output inside
    /// `console` events) or `--trace=html` (stdout receives one page replaying those events).
    pub trace: Option<TraceFormat>,
    /// The script's name, as reports and the trace show it.
    pub file: String,
    /// The script's source: the `--trace=html` page shows it.
    pub source: Rc<str>,
    /// The script's standard output.
    pub stdout: Sink,
    /// The script's standard error.
    pub stderr: Sink,
    /// Where the script is now, asked at each JSON or HTML trace event: the engine's hook
    /// (settle-js's call stack). `None`: the events say nothing of the script's position (as
    /// under settle-boa, whose frames settle cannot see).
    pub place: Option<PlaceHook>,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("engine", &self.engine)
            .field("host", &self.host)
            .field("virtual_clock", &self.virtual_clock)
            .field("trace", &self.trace)
            .field("file", &self.file)
            .field("place", &self.place.is_some())
            .finish_non_exhaustive()
    }
}

impl Run {
    /// The event loop for this run: the host's profile, the virtual clock if asked, an
    /// engine's internal error reported on stderr, and under `--trace=json` or `--trace=html`
    /// every loop event traced (call [`Run::start`] before queueing the script).
    ///
    /// See the crate documentation for an example.
    pub fn event_loop(&self) -> EventLoop {
        let mut builder = EventLoop::builder().host(self.host.profile());
        if self.virtual_clock {
            builder = builder.virtual_clock();
        }
        if self.trace.is_some_and(TraceFormat::reports_places) {
            let run = self.clone();
            builder = builder.on_event(move |e| {
                if let Some(tracer) = Tracer::of(&run) {
                    tracer.emit(&Event::Loop(e));
                }
            });
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
    /// line; under `--trace=html`, the page up to its first event. (A script that does not
    /// parse gets its one-line error on stderr and no trace.)
    pub fn start(&self) {
        if let Some(tracer) = Tracer::of(self) {
            tracer.emit(&Event::Start {
                engine: self.engine,
                host: self.host,
                virtual_time: self.virtual_clock,
                file: &self.file,
                source: &self.source,
            });
        }
    }

    /// Writes a line of the script's output (`to_stderr`: to stderr): under `--trace` followed
    /// by where the running code came from, under `--trace=json` or `--trace=html` as a
    /// `console` event (the trace is the whole of stdout: the text travels inside its event).
    pub fn write(&self, text: &str, to_stderr: bool) {
        if let Some(tracer) = Tracer::of(self) {
            return tracer.console(text, to_stderr);
        }
        let sink = if to_stderr { &self.stderr } else { &self.stdout };
        let mut w = sink.borrow_mut();
        let _ = writeln!(w, "{text}");
        let _ = w.flush();
    }

    /// The end of the run: under `--trace=json`, the trace's last line (the exit code); under
    /// `--trace=html`, that event and the rest of the page.
    pub fn finish(&self, code: i32) {
        if let Some(tracer) = Tracer::of(self) {
            tracer.emit(&Event::Exit { code });
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
