//! Traces of a run: the loop's events and the script's console output, as one stream of
//! [`Event`]s that each `--trace` format renders, the same for every engine.
//!
//! - `--trace` (text, [`text`]): the output as usual, each line followed by the queue its code
//!   came from (the origin of its `console` event); the loop's own events are not shown.
//! - `--trace=json` ([`json`]): every event, one JSON object per line (docs/trace.md).
//! - `--trace=html` ([`html`]): the same JSON objects, embedded in a page that replays them.
//!
//! JSON and HTML traces also say where the script was at each event, when the engine can tell
//! ([`Place`], through [`crate::Run::place`]).

mod html;
mod json;
mod place;
mod text;

use std::time::Duration;

use settle_runtime::{LoopEvent, Origin};

pub use json::TRACE_VERSION;
pub use place::{Frame, MAX_FRAMES, Place, PlaceHook};

use crate::{HostKind, Run, Sink};

/// Which rendering a trace has (a run without a trace has none: `Run::trace` is `None`).
///
/// ```
/// use settle_host::TraceFormat;
/// assert_eq!(TraceFormat::choose(true, true, false), Some(TraceFormat::Json));
/// assert_eq!(TraceFormat::choose(false, false, false), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// `--trace`: the output, each line followed by its queue.
    Text,
    /// `--trace=json`: the loop's events, one JSON object per line, the output inside them.
    Json,
    /// `--trace=html`: one self-contained page that replays the JSON trace's events.
    Html,
}

impl TraceFormat {
    /// The format an engine's three switches ask for (`--trace`, `--trace=json`,
    /// `--trace=html`): HTML over JSON over text.
    pub fn choose(text: bool, json: bool, html: bool) -> Option<TraceFormat> {
        if html {
            Some(TraceFormat::Html)
        } else if json {
            Some(TraceFormat::Json)
        } else {
            text.then_some(TraceFormat::Text)
        }
    }

    /// Whether events carry the script's position and call stack (JSON and HTML): an engine
    /// tracks its frames only then.
    ///
    /// ```
    /// assert!(!settle_host::TraceFormat::Text.reports_places());
    /// ```
    pub fn reports_places(self) -> bool {
        self != TraceFormat::Text
    }
}

/// One thing a trace reports.
pub(crate) enum Event<'a> {
    /// The trace begins (before the script runs).
    Start {
        /// The engine's name (`settle-js`, `settle-boa`).
        engine: &'a str,
        /// Node or a browser.
        host: HostKind,
        /// Whether the loop runs on the virtual clock.
        virtual_time: bool,
        /// The script's name.
        file: &'a str,
        /// The script's source (the page shows it).
        source: &'a str,
    },
    /// The event loop did something.
    Loop(&'a LoopEvent),
    /// The script (or the engine, reporting an error of it) wrote a line.
    Console {
        /// The text, without its final newline.
        text: &'a str,
        /// Whether it went to stderr.
        stderr: bool,
        /// The loop clock.
        at: Duration,
        /// The running task or job; `None` when no loop is running.
        origin: Option<Origin>,
    },
    /// The run ended with this exit code.
    Exit {
        /// The process's exit code.
        code: i32,
    },
}

/// Renders a run's trace events in its [`TraceFormat`]. It keeps no state of its own: the HTML
/// page is written as the events come (its head with the start, its end with the exit), so every
/// clone of a [`Run`] traces into the same output.
pub(crate) struct Tracer<'r> {
    format: TraceFormat,
    run: &'r Run,
}

impl<'r> Tracer<'r> {
    /// The tracer of `run`, if it is traced.
    pub(crate) fn of(run: &'r Run) -> Option<Tracer<'r>> {
        run.trace.map(|format| Tracer { format, run })
    }

    /// Renders one event.
    pub(crate) fn emit(&self, event: &Event<'_>) {
        let stdout = &self.run.stdout;
        match self.format {
            TraceFormat::Text => text::render(event, stdout, &self.run.stderr),
            TraceFormat::Json => {
                let members = json::encode(event, self.place().as_ref());
                write_flushed(stdout, &format!("{{{members}}}\n"));
            }
            TraceFormat::Html => {
                let object = format!("{{{}}}", json::encode(event, self.place().as_ref()));
                match *event {
                    Event::Start { file, source, .. } => {
                        let _ = stdout.borrow_mut().write_all(html::head(file, source, &object).as_bytes());
                    }
                    Event::Exit { .. } => write_flushed(stdout, &(html::event(&object) + &html::tail())),
                    _ => {
                        let _ = stdout.borrow_mut().write_all(html::event(&object).as_bytes());
                    }
                }
            }
        }
    }

    /// Where the script is now, if the engine says (JSON and HTML only).
    fn place(&self) -> Option<Place> {
        self.run.place.as_ref().and_then(|hook| hook())
    }

    /// A console line written now by the running code.
    pub(crate) fn console(&self, text: &str, stderr: bool) {
        let (at, origin) = settle_runtime::Handle::try_current()
            .map_or((Duration::ZERO, None), |h| (h.now(), Some(h.origin())));
        self.emit(&Event::Console { text, stderr, at, origin });
    }
}

/// Writes `text` to `sink` and flushes it.
fn write_flushed(sink: &Sink, text: &str) {
    let mut w = sink.borrow_mut();
    let _ = w.write_all(text.as_bytes());
    let _ = w.flush();
}
