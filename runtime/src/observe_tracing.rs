//! The loop's events as `tracing` events (the `tracing` feature): an application's own
//! subscriber sees settle's tasks, jobs and timers beside its other spans and events.

use crate::observe::LoopEventKind;

/// One `tracing` event at level TRACE, target `settle_runtime::event_loop`, per loop event;
/// the field `event` names it (the names of docs/trace.md), `origin` says which task or job.
pub(crate) fn emit(kind: &LoopEventKind) {
    const T: &str = "settle_runtime::event_loop";
    match *kind {
        LoopEventKind::Queued { queue, by } => {
            tracing::trace!(target: T, event = "queued", queue, by = %by);
        }
        LoopEventKind::TimerSet { id, deadline, repeat, by } => {
            let deadline_ms = deadline.as_secs_f64() * 1000.0;
            tracing::trace!(target: T, event = "timer-set", timer = id, deadline_ms, repeat, by = %by);
        }
        LoopEventKind::TimerCleared { id, by } => {
            tracing::trace!(target: T, event = "timer-cleared", timer = id, by = %by);
        }
        LoopEventKind::TaskStarted(origin) => {
            tracing::trace!(target: T, event = "task-start", origin = %origin)
        }
        LoopEventKind::TaskFinished(origin) => {
            tracing::trace!(target: T, event = "task-end", origin = %origin)
        }
        LoopEventKind::CheckpointStarted { checkpoint, label } => {
            tracing::trace!(target: T, event = "checkpoint-start", checkpoint, label = label.unwrap_or(""));
        }
        LoopEventKind::JobStarted(origin) => {
            tracing::trace!(target: T, event = "job-start", origin = %origin)
        }
        LoopEventKind::JobFinished(origin) => tracing::trace!(target: T, event = "job-end", origin = %origin),
        LoopEventKind::Rejection(kind) => {
            let event = match kind {
                crate::RejectionEventKind::Unhandled => "unhandled-rejection",
                crate::RejectionEventKind::Handled => "rejection-handled",
            };
            tracing::trace!(target: T, event);
        }
        LoopEventKind::CheckpointFinished { checkpoint, label } => {
            tracing::trace!(target: T, event = "checkpoint-end", checkpoint, label = label.unwrap_or(""));
        }
    }
}
