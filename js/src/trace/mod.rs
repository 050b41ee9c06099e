//! Traces of a run: the loop's events and the script's console output, as one stream of
//! [`Event`]s that each `--trace` format renders.
//!
//! - `--trace` (text, [`text`]): the output as usual, each line followed by the queue its code
//!   came from (the origin of its `console` event); the loop's own events are not shown.
//! - `--trace=json` ([`json`]): every event, one JSON object per line (docs/trace.md).
//! - `--trace=html` ([`html`]): the same JSON objects, embedded in a page that replays them.
//!
//! JSON and HTML traces also say where the script was for each event ([`crate::callstack`]).

pub(crate) mod html;
pub(crate) mod json;
mod text;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use settle_runtime::{LoopEvent, Origin};

use crate::realm::Sink;

/// Which rendering a trace has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// `--trace`: the output, each line with its queue.
    Text,
    /// `--trace=json`: JSON Lines.
    Json,
    /// `--trace=html`: a replay page.
    Html,
}

/// One thing a trace reports.
pub(crate) enum Event<'a> {
    /// The trace begins (before the script runs).
    Start {
        /// `"node"` or `"html"`.
        host: &'static str,
        /// Whether the loop runs on the virtual clock.
        virtual_time: bool,
        /// The script's name.
        file: &'a str,
    },
    /// The event loop did something.
    Loop(&'a LoopEvent),
    /// The script (or settle, reporting an error of it) wrote a line.
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

/// Records a run's trace events and renders them in one [`Format`].
pub(crate) struct Tracer {
    format: Format,
    stdout: Sink,
    stderr: Sink,
    /// `--trace=html`: the events' JSON objects so far, written into the page at the end.
    events: RefCell<Vec<String>>,
    /// The script's name and source, for the page.
    file: String,
    source: Rc<str>,
}

impl Tracer {
    /// A tracer writing to `stdout` (and, for text, to `stderr`).
    pub(crate) fn new(format: Format, stdout: Sink, stderr: Sink, file: &str, source: Rc<str>) -> Rc<Tracer> {
        Rc::new(Tracer {
            format,
            stdout,
            stderr,
            events: RefCell::new(Vec::new()),
            file: file.to_string(),
            source,
        })
    }

    /// Whether events carry the script's position and call stack (JSON and HTML).
    pub(crate) fn reports_frames(&self) -> bool {
        self.format != Format::Text
    }

    /// Renders one event.
    pub(crate) fn emit(&self, event: &Event<'_>) {
        match self.format {
            Format::Text => text::render(event, &self.stdout, &self.stderr),
            Format::Json => {
                let members = json::encode(event, crate::callstack::place().as_ref());
                let mut w = self.stdout.borrow_mut();
                let _ = writeln!(w, "{{{members}}}");
                let _ = w.flush();
            }
            Format::Html => {
                let members = json::encode(event, crate::callstack::place().as_ref());
                self.events.borrow_mut().push(format!("{{{members}}}"));
            }
        }
    }

    /// A console line written now by the running code.
    pub(crate) fn console(&self, text: &str, stderr: bool) {
        let (at, origin) = settle_runtime::Handle::try_current()
            .map_or((Duration::ZERO, None), |h| (h.now(), Some(h.origin())));
        self.emit(&Event::Console { text, stderr, at, origin });
    }

    /// The run ended: the exit event, and for HTML the page, written to stdout.
    pub(crate) fn finish(&self, code: i32) {
        self.emit(&Event::Exit { code });
        if self.format == Format::Html {
            let events = std::mem::take(&mut *self.events.borrow_mut());
            let page = html::page(&self.file, &self.source, &events);
            let mut w = self.stdout.borrow_mut();
            let _ = w.write_all(page.as_bytes());
            let _ = w.flush();
        }
    }
}
