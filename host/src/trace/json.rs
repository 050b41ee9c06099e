//! The JSON encoding of trace events: one object per event, as `--trace=json` prints them one
//! per line and `--trace=html` embeds them (the schema is docs/trace.md; [`TRACE_VERSION`] is
//! its version). The objects come from the loop's events (`settle_runtime::LoopEvent`), so they
//! are the same for every engine; only the place (`line`, `column`, `stack`) is the engine's.

use std::time::Duration;

use settle_runtime::{LoopEvent, LoopEventKind, Origin, RejectionEventKind};

use super::{Event, Place};
use crate::quote_json_string as string;

/// The schema's version: the first line of every trace says it.
pub const TRACE_VERSION: u32 = 1;

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

/// `,"line":L,"column":C,"stack":[..]`: where the running code is, when it is the script's.
fn place(place: Option<&Place>) -> String {
    let Some(p) = place else { return String::new() };
    let frames: Vec<String> = p
        .stack
        .iter()
        .map(|f| {
            format!("{{\"function\":{},\"line\":{},\"column\":{}}}", string(&f.function), f.line, f.column)
        })
        .collect();
    format!(",\"line\":{},\"column\":{},\"stack\":[{}]", p.line, p.column, frames.join(","))
}

/// The members of one loop event (without braces), with the place of the script code that
/// caused it, if any.
fn loop_event(e: &LoopEvent, at_place: Option<&Place>) -> String {
    let members = loop_event_members(e);
    members + &place(at_place)
}

fn loop_event_members(e: &LoopEvent) -> String {
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

/// The members of a console event: output (or an error report) written by the running code
/// (`origin`: `None` when no loop is running).
fn console(text: &str, stderr: bool, at: Duration, by: Option<Origin>, at_place: Option<&Place>) -> String {
    let stream = if stderr { "stderr" } else { "stdout" };
    format!(
        "{},\"stream\":\"{stream}\",\"text\":{},\"origin\":{}{}",
        head("console", at),
        string(text),
        origin(by.unwrap_or(Origin::Outside)),
        place(at_place)
    )
}

/// The members of any trace event (without braces).
pub(super) fn encode(event: &Event<'_>, at_place: Option<&Place>) -> String {
    match *event {
        Event::Start { engine, host, virtual_time, file, .. } => format!(
            "\"event\":\"trace\",\"version\":{TRACE_VERSION},\"engine\":{},\"host\":\"{}\",\"virtual_time\":{virtual_time},\"file\":{}",
            string(engine),
            host.name(),
            string(file)
        ),
        Event::Loop(e) => loop_event(e, at_place),
        Event::Console { text, stderr, at, origin } => console(text, stderr, at, origin, at_place),
        Event::Exit { code } => format!("\"event\":\"exit\",\"code\":{code}"),
    }
}
