//! `--trace` as text: the script's output as a plain run prints it, each line followed by
//! `    ← ORIGIN`, the task or job whose code wrote it (the `origin` of its console event).

use settle_runtime::Origin;

use super::Event;
use crate::realm::Sink;

/// Renders one event: console lines only (the loop's own events are the JSON trace's).
pub(crate) fn render(event: &Event<'_>, stdout: &Sink, stderr: &Sink) {
    let Event::Console { text, stderr: to_stderr, origin, .. } = *event else { return };
    let sink = if to_stderr { stderr } else { stdout };
    let mut w = sink.borrow_mut();
    let _ = writeln!(w, "{text}");
    // No loop runs only before the script's task starts: that is still the script.
    let origin = origin.map_or_else(|| "script".to_string(), origin_text);
    let _ = writeln!(w, "    \u{2190} {origin}");
    let _ = w.flush();
}

/// The label `--trace` prints for where the running code came from: the script's top level
/// is the task labelled "script", and its checkpoint is "after the script".
fn origin_text(origin: Origin) -> String {
    match origin {
        Origin::Task { label: Some(label), .. } => label.into(),
        Origin::Microtask { index, label: Some(label), .. } => {
            format!("microtask {index} (after the {label})")
        }
        Origin::NextTick { index, label: Some(label), .. } => format!("nextTick {index} (after the {label})"),
        other => other.to_string(),
    }
}
