//! Where the script is when a trace event happens: the running line and column and the call
//! stack. The type is the engine's to fill (settle-js tracks its frames in `callstack.rs`);
//! an engine that cannot say ([`crate::Run::place`] is `None`, as under settle-boa) gives events
//! without `line`, `column` and `stack`.

use std::rc::Rc;

/// One function on the stack, placed in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The function's name (`(anonymous)` when it has none, `(top level)` for the script).
    pub function: Rc<str>,
    /// 1-based line of the position this frame is at (the innermost: the running code; the
    /// others: the call that entered the next frame).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Where the script is: the running line and column, and the stack, innermost frame first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// 1-based line of the running code.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The running functions, innermost first.
    pub stack: Vec<Frame>,
}

/// An engine's answer to "where is the script now?", asked at each JSON or HTML trace event;
/// `None` when no script code is running (the loop between tasks).
pub type PlaceHook = Rc<dyn Fn() -> Option<Place>>;

/// The most frames an event reports (the innermost): a deep recursion would otherwise repeat its
/// whole stack in every event.
pub const MAX_FRAMES: usize = 64;
