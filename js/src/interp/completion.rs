//! Statements' completion values (ECMA-262 2025, 6.2.4 The Completion Record Specification
//! Type; 6.2.4.3 UpdateEmpty), which only `eval` observes: `eval("1; while (f()) 2;")` is
//! the value of the last statement that produced one, carried through blocks, loops,
//! `switch`, labels, `try` and the `break` and `continue` that leave them.
//!
//! Both evaluators run eval code (`builtins/eval.rs`) with tracking on ([`Tracking`]), and
//! each statement then leaves its completion's [[Value]] in a per-thread register as it
//! ends: `Some` for a value, `None` for empty, also for an abrupt completion (a `break`'s
//! value after the statement lists it left applied UpdateEmpty). A statement that contains
//! others reads the register right after each of them ends, before it runs anything else,
//! so a function called in between (whose statements overwrite it) cannot change what it
//! reads. Code outside eval pays one thread-local test per statement end.

use std::cell::{Cell, RefCell};

use crate::value::JsValue;

thread_local! {
    /// Whether eval code is running on this thread (and so statements keep their values).
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    /// The [[Value]] of the completion of the statement that ended last; `None` is empty.
    static VALUE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Whether statements keep their completion values now.
#[inline(always)]
pub(crate) fn tracking() -> bool {
    TRACKING.with(Cell::get)
}

/// Ends a statement with the completion value `value` (`None`: empty).
#[inline]
pub(crate) fn set(value: Option<JsValue>) {
    if tracking() {
        set_tracked(value);
    }
}

#[inline(never)]
fn set_tracked(value: Option<JsValue>) {
    let old = VALUE.with(|v| v.replace(value));
    drop(old);
}

/// The value of the completion of the statement that ended last (`None`: empty, and
/// always while tracking is off).
pub(crate) fn get() -> Option<JsValue> {
    if !tracking() {
        return None;
    }
    VALUE.with(|v| v.borrow().clone())
}

/// UpdateEmpty(completion, value) (6.2.4.3) of the statement that ended last: its value if
/// it has one, else `value`.
#[inline]
pub(crate) fn update_empty(value: Option<JsValue>) {
    if tracking() {
        update_empty_tracked(value);
    }
}

#[inline(never)]
fn update_empty_tracked(value: Option<JsValue>) {
    if VALUE.with(|v| v.borrow().is_none()) {
        set_tracked(value);
    }
}

/// [`update_empty`] with undefined, the value `if`, `with` and `try` complete with when
/// their statement's is empty; `result` is that statement's completion, passed through.
#[inline(always)]
pub(crate) fn or_undefined<T, E>(result: Result<T, E>) -> Result<T, E> {
    if tracking() {
        update_empty_tracked(Some(JsValue::Undefined));
    }
    result
}

/// A StatementList's running value (14.2.2: the value of its last statement that has one),
/// and a loop's or a `switch`'s `V` (14.7.1.2 LoopContinues' callers, 14.12.4
/// CaseBlockEvaluation), which start at undefined. Whether tracking is on is asked once, when
/// it is made, so a loop outside eval code tests a local flag per turn.
pub(crate) struct Running {
    tracked: bool,
    value: Option<JsValue>,
}

impl Running {
    /// A statement list's: empty until a statement has a value.
    #[inline]
    pub(crate) fn list() -> Running {
        Running { tracked: tracking(), value: None }
    }

    /// A loop's or a `switch`'s `V`: undefined.
    #[inline]
    pub(crate) fn undefined() -> Running {
        let tracked = tracking();
        Running { tracked, value: tracked.then_some(JsValue::Undefined) }
    }

    /// LoopContinues' answer for a loop body's completion, with the loop's `V` kept as the
    /// loops' steps keep it: a completion that continues the loop gives `V` its value if it
    /// has one; a `break` of this loop ends it with UpdateEmpty(completion, V), and any other
    /// abrupt completion leaves with that too.
    #[inline(always)]
    pub(crate) fn flow<F, E>(&mut self, flow: Result<F, E>) -> Result<F, E>
    where
        F: LoopFlow,
    {
        if self.tracked {
            self.record(flow.as_ref().map(|f| f.exits()).ok());
        }
        flow
    }

    #[inline(never)]
    fn record(&mut self, exits: Option<bool>) {
        match exits {
            Some(false) => self.after(),
            Some(true) => self.after_break(),
            None => self.abrupt(),
        }
    }

    /// After a contained statement ended normally (or with a `continue` its loop takes): if
    /// its value is not empty, it becomes the running value.
    #[inline]
    pub(crate) fn after(&mut self) {
        if self.tracked
            && let Some(v) = get()
        {
            self.value = Some(v);
        }
    }

    /// After a `break` that ends this loop or `switch`: its value is UpdateEmpty(completion,
    /// running value), which the statement completes with.
    #[inline]
    pub(crate) fn after_break(&mut self) {
        if self.tracked {
            let value = get().or_else(|| self.value.take());
            self.value = value;
        }
    }

    /// After a contained statement ended abruptly: the abrupt completion leaves with
    /// UpdateEmpty(completion, running value).
    #[inline]
    pub(crate) fn abrupt(&self) {
        if self.tracked {
            update_empty(self.value.clone());
        }
    }

    /// The statement's own normal completion: the running value.
    #[inline]
    pub(crate) fn finish(self) {
        if self.tracked {
            set_tracked(self.value);
        }
    }
}

/// Whether a loop's flow ends it (a `break` of this loop).
pub(crate) trait LoopFlow {
    fn exits(&self) -> bool;
}

/// Keeps statements' values while it lives (eval code), restoring the state it found.
pub(crate) struct Tracking {
    was: bool,
}

impl Tracking {
    /// Turns tracking on, with an empty register.
    pub(crate) fn start() -> Tracking {
        let was = TRACKING.with(|t| t.replace(true));
        set_tracked(None);
        Tracking { was }
    }
}

impl Drop for Tracking {
    fn drop(&mut self) {
        TRACKING.with(|t| t.set(self.was));
    }
}
