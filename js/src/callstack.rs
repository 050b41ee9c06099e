//! The call stack that `--trace=json` and `--trace=html` report: which script functions are
//! running, and where, when an event happens.
//!
//! The interpreter evaluates recursively and keeps no frame list of its own, so a traced run
//! wraps each call's future (and the script's top level) in [`Framed`] ([`framed`]), which pushes a frame
//! for as long as that body is being polled. Polls nest exactly as the running code does: a
//! call polls its callee inside the caller's poll, and an `async` function resumed by a
//! reaction job is polled from that job alone. So the frames are the real stack at every
//! moment, including after an `await` (where only the resumed function is on it, as in V8).
//! Untraced runs skip all of this (`Realm::frames` is `None`). The positions are reported in
//! settle-host's engine-neutral [`Place`], through the run's place hook ([`hook`]).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use settle_host::{Frame, MAX_FRAMES, Place, PlaceHook};

use crate::interp::CallFuture;
use crate::ir::Name;
use crate::realm::{realm, try_realm};

/// One running function: its name and where its caller was when it was entered.
pub(crate) struct CallFrame {
    /// The function's name (`(anonymous)` when it has none, `(top level)` for the script).
    pub(crate) function: Name,
    /// The caller's source offset when this frame was entered (the call's position).
    pub(crate) entered_at: u32,
}

/// The name a frame shows for a function.
pub(crate) fn frame_name(name: &Name) -> Name {
    if name.is_empty() { Name::from("(anonymous)") } else { name.clone() }
}

/// The run's [`settle_host::Run::place`] hook: [`place`].
pub(crate) fn hook() -> PlaceHook {
    std::rc::Rc::new(place)
}

/// Where the script is now, if it is running and its frames are tracked: the innermost
/// [`MAX_FRAMES`] frames.
pub(crate) fn place() -> Option<Place> {
    let r = try_realm()?;
    let frames = r.frames.as_ref()?.borrow();
    if frames.is_empty() {
        return None;
    }
    let at = |offset: u32| crate::lower::line_col(&r.run.source, offset);
    let (line, column) = at(r.pos());
    // A frame's position is where its callee was entered; the innermost frame's is `pos`.
    let mut stack = Vec::with_capacity(frames.len().min(MAX_FRAMES));
    let mut position = (line, column);
    for frame in frames.iter().rev().take(MAX_FRAMES) {
        stack.push(Frame { function: frame.function.clone(), line: position.0, column: position.1 });
        position = at(frame.entered_at);
    }
    Some(Place { line, column, stack })
}

/// Whether this run tracks frames.
pub(crate) fn tracking() -> bool {
    crate::realm::tracks_frames()
}

/// `body`, a call of the function named `function`, on the trace's stack while it runs, when
/// this run tracks frames; else `body` itself (one check per call, no wrapping).
pub(crate) fn framed(function: &Name, body: CallFuture) -> CallFuture {
    if tracking() { Box::pin(Framed::new(frame_name(function), body)) } else { body }
}

/// A function body that is on the stack while it is polled.
pub(crate) struct Framed {
    body: CallFuture,
    function: Name,
}

impl Framed {
    /// Wraps `body`, a call of `function` (named as [`frame_name`] gives).
    pub(crate) fn new(function: Name, body: CallFuture) -> Framed {
        Framed { body, function }
    }
}

impl Future for Framed {
    type Output = Result<crate::value::JsValue, crate::value::JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let entered_at = enter(&self.function);
        let out = self.body.as_mut().poll(cx);
        leave(entered_at);
        out
    }
}

/// `body`, a synchronous call of the function named `function` (the synchronous
/// evaluator's), on the trace's stack while it runs when this run tracks frames.
pub(crate) fn framed_sync<R>(function: &Name, body: impl FnOnce() -> R) -> R {
    if !tracking() {
        return body();
    }
    let entered_at = enter(&frame_name(function));
    let out = body();
    leave(entered_at);
    out
}

/// Pushes the frame of `function`; returns the caller's position.
fn enter(function: &Name) -> u32 {
    let r = realm();
    let entered_at = r.pos();
    if let Some(frames) = &r.frames {
        frames.borrow_mut().push(CallFrame { function: function.clone(), entered_at });
    }
    entered_at
}

/// Pops the innermost frame, back at the caller's position `entered_at`.
fn leave(entered_at: u32) {
    let r = realm();
    if let Some(frames) = &r.frames {
        frames.borrow_mut().pop();
    }
    // Back in the caller: its position is the call's again.
    r.set_pos(entered_at);
}
