//! `--trace` as text: the script's output as a plain run prints it, each line followed by
//! `    ← ORIGIN`, the task or job whose code wrote it (the `origin` of its console event, named
//! by [`crate::origin_text`]).

use settle_runtime::Origin;

use super::Event;
use crate::Sink;

/// Renders one event: console lines only (the loop's own events are the JSON trace's).
pub(super) fn render(event: &Event<'_>, stdout: &Sink, stderr: &Sink) {
    let Event::Console { text, stderr: to_stderr, origin, .. } = *event else { return };
    let sink = if to_stderr { stderr } else { stdout };
    let mut w = sink.borrow_mut();
    let _ = writeln!(w, "{text}");
    // No loop runs only before the script's task starts: that is still the script.
    let _ = writeln!(w, "    \u{2190} {}", crate::origin_text(origin.unwrap_or(Origin::Outside)));
    let _ = w.flush();
}
