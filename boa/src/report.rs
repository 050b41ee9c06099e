//! Where an error that escapes a job, task or timer callback goes.

use boa_engine::{Context, JsError, JsResult, JsValue};
use settle_runtime::{Handle, Origin, Uncaught, UncaughtKind};

use crate::host;

/// A job's completion: an abrupt one is an uncaught exception (ECMA-262 9.5: a job "must
/// return a normal completion, implementing its own handling of errors"; the host's handling is
/// its uncaught-exception report).
pub(crate) fn job_result(cx: &mut Context, result: JsResult<JsValue>) {
    if let Err(error) = result {
        uncaught(cx, error);
    }
}

/// An uncaught exception: the host's report (Node's `uncaughtException` or death, a browser's
/// console error) when settle-boa's host is installed, else the loop's uncaught-error hook.
pub(crate) fn uncaught(cx: &mut Context, error: JsError) {
    if let Some(state) = host::state(cx) {
        host::report_uncaught(cx, &state, error);
        return;
    }
    let origin = Handle::try_current().map_or(Origin::Outside, |h| h.origin());
    let uncaught = Uncaught::new(UncaughtKind::Exception, error.to_string(), origin);
    match Handle::try_current() {
        Ok(handle) => handle.report(&uncaught),
        Err(_) => eprintln!("settle-boa: {uncaught}"),
    }
}

/// A fault of the integration itself, never of the script.
pub(crate) fn internal(handle: &Handle, message: String) {
    handle.report(&Uncaught::new(UncaughtKind::Panic, message, handle.origin()));
}
