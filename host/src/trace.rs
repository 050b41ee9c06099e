//! `--trace=json`: the loop's events and the console output, one JSON object per line
//! (the schema is docs/trace.md; [`TRACE_VERSION`] is its version). The lines come from the
//! loop's events (`settle_runtime::LoopEvent`), so they are the same for every engine.

use std::time::Duration;

use settle_runtime::{LoopEvent, LoopEventKind, Origin, RejectionEventKind};

use crate::{HostKind, Sink, quote_json_string as string};

/// The schema's version: the first line of every trace says it.
pub const TRACE_VERSION: u32 = 1;

/// Writes one line (an object whose members are already written, without braces).
pub(crate) fn write_line(sink: &Sink, members: &str) {
    let mut w = sink.borrow_mut();
    let _ = writeln!(w, "{{{members}}}");
    let _ = w.flush();
}

/// The first line: the schema's version, the engine, the host, the clock and the file.
pub(crate) fn header(engine: &str, host: HostKind, virtual_time: bool, file: &str) -> String {
    format!(
        "\"event\":\"trace\",\"version\":{TRACE_VERSION},\"engine\":{},\"host\":\"{}\",\"virtual_time\":{virtual_time},\"file\":{}",
        string(engine),
        host.name(),
        string(file)
    )
}

/// The last line: the exit code.
pub(crate) fn exit(code: i32) -> String {
    format!("\"event\":\"exit\",\"code\":{code}")
}

/// `"event":NAME,"at_ms":N`: the start of every event line.
fn head(event: &str, at: Duration) -> String {
    format!("\"event\":\"{event}\",\"at_ms\":{}", at.as_secs_f64() * 1000.0)
}

fn label(label: Option<&str>) -> String {
    label.map_or_else(|| "null".to_string(), string)
}

/// Where code came from, as an object: `kind` and the indices that place it.
fn origin(origin: Origin) -> String {
    match origin {
        Origin::Task { index, label: l } => {
            format!("{{\"kind\":\"task\",\"task\":{index},\"label\":{}}}", label(l))
        }
        Origin::Remote { index } => format!("{{\"kind\":\"remote\",\"task\":{index}}}"),
        Origin::Timer { index, id } => format!("{{\"kind\":\"timer\",\"task\":{index},\"timer\":{id}}}"),
        Origin::Microtask { checkpoint, index, label: l } => format!(
            "{{\"kind\":\"microtask\",\"checkpoint\":{checkpoint},\"index\":{index},\"label\":{}}}",
            label(l)
        ),
        Origin::NextTick { checkpoint, index, label: l } => format!(
            "{{\"kind\":\"nextTick\",\"checkpoint\":{checkpoint},\"index\":{index},\"label\":{}}}",
            label(l)
        ),
        // Outside any task, and any origin a later runtime adds.
        _ => "{\"kind\":\"outside\"}".to_string(),
    }
}

/// The line for one loop event.
pub(crate) fn loop_event(e: &LoopEvent) -> String {
    let at = e.at;
    match e.kind {
        LoopEventKind::Queued { queue, by } => {
            format!("{},\"queue\":\"{queue}\",\"by\":{}", head("queued", at), origin(by))
        }
        LoopEventKind::TimerSet { id, deadline, repeat, by } => format!(
            "{},\"timer\":{id},\"deadline_ms\":{},\"repeat\":{repeat},\"by\":{}",
            head("timer-set", at),
            deadline.as_secs_f64() * 1000.0,
            origin(by)
        ),
        LoopEventKind::TimerCleared { id, by } => {
            format!("{},\"timer\":{id},\"by\":{}", head("timer-cleared", at), origin(by))
        }
        LoopEventKind::TaskStarted(o) => format!("{},\"origin\":{}", head("task-start", at), origin(o)),
        LoopEventKind::TaskFinished(o) => format!("{},\"origin\":{}", head("task-end", at), origin(o)),
        LoopEventKind::JobStarted(o) => format!("{},\"origin\":{}", head("job-start", at), origin(o)),
        LoopEventKind::JobFinished(o) => format!("{},\"origin\":{}", head("job-end", at), origin(o)),
        LoopEventKind::CheckpointStarted { checkpoint, label: l } => {
            format!("{},\"checkpoint\":{checkpoint},\"label\":{}", head("checkpoint-start", at), label(l))
        }
        LoopEventKind::Rejection(RejectionEventKind::Unhandled) => head("unhandled-rejection", at),
        LoopEventKind::Rejection(RejectionEventKind::Handled) => head("rejection-handled", at),
        LoopEventKind::CheckpointFinished { checkpoint, label: l } => {
            format!("{},\"checkpoint\":{checkpoint},\"label\":{}", head("checkpoint-end", at), label(l))
        }
        // An event a later runtime adds: named, so that readers can skip it.
        _ => head("other", at),
    }
}

/// The line for console output (or an error report) written by the running code.
pub(crate) fn console(text: &str, stderr: bool) -> String {
    let (at, by) = settle_runtime::Handle::try_current()
        .map_or((Duration::ZERO, Origin::Outside), |h| (h.now(), h.origin()));
    let stream = if stderr { "stderr" } else { "stdout" };
    format!(
        "{},\"stream\":\"{stream}\",\"text\":{},\"origin\":{}",
        head("console", at),
        string(text),
        origin(by)
    )
}
