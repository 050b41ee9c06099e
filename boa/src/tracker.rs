//! HostPromiseRejectionTracker (ECMA-262 2025, 27.2.1.9) for Boa's promises, on settle's
//! engine-agnostic rejection tracker: HTML's timing and Node's batch rule are the runtime's.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use boa_engine::builtins::promise::{OperationType, PromiseState};
use boa_engine::context::HostHooks;
use boa_engine::object::JsObject;
use boa_engine::object::builtins::JsPromise;
use boa_engine::{Context, JsValue};
use settle_runtime::{Handle, TrackedPromise, TrackerEvent};

use boa_engine::builtins::promise::Promise;

/// A Boa promise as settle's rejection tracker sees it.
///
/// Boa keeps \[\[PromiseIsHandled\]\] private; the tracker's "handle" operation is exactly the
/// moment it turns true for a rejected promise, so the flag is mirrored here.
///
/// ```
/// # use settle_boa::BoaPromise;
/// fn reason_of(event: &settle_runtime::TrackerEvent) -> Option<boa_engine::JsValue> {
///     BoaPromise::of(event).map(BoaPromise::reason_value)
/// }
/// # let _ = reason_of;
/// ```
pub struct BoaPromise {
    object: JsObject<Promise>,
    handled: Cell<bool>,
    reason_text: String,
}

impl BoaPromise {
    /// The Boa promise of a rejection event, when Boa made it.
    ///
    /// ```
    /// # use settle_boa::BoaPromise;
    /// # fn f(event: &settle_runtime::TrackerEvent) {
    /// if let Some(p) = BoaPromise::of(event) {
    ///     let _promise: boa_engine::object::builtins::JsPromise = p.promise();
    /// }
    /// # }
    /// ```
    pub fn of(event: &TrackerEvent) -> Option<&BoaPromise> {
        let any: &dyn Any = &*event.promise;
        any.downcast_ref::<BoaPromise>()
    }

    /// The promise, as a `JsPromise`.
    ///
    /// ```
    /// # fn f(p: &settle_boa::BoaPromise) { let _ = p.promise(); }
    /// ```
    pub fn promise(&self) -> JsPromise {
        JsPromise::from(self.object.clone())
    }

    /// The rejection reason (`undefined` if the promise is not rejected).
    ///
    /// ```
    /// # fn f(p: &settle_boa::BoaPromise) { let _ = p.reason_value(); }
    /// ```
    pub fn reason_value(&self) -> JsValue {
        match self.promise().state() {
            PromiseState::Rejected(reason) => reason,
            _ => JsValue::undefined(),
        }
    }
}

impl TrackedPromise for BoaPromise {
    fn is_handled(&self) -> bool {
        self.handled.get()
    }

    fn reason(&self) -> String {
        self.reason_text.clone()
    }

    fn identity(&self) -> *const () {
        std::ptr::from_ref(self.object.as_ref()).cast()
    }
}

impl fmt::Debug for BoaPromise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoaPromise")
            .field("handled", &self.handled.get())
            .field("reason", &self.reason_text)
            .finish()
    }
}

/// The text the loop's own report gives a reason: a primitive as `String(reason)` would, an
/// object through settle-inspect. Not Boa's `Display`, which recurses without end on a promise
/// rejected with itself (its display of a rejected promise displays the reason).
fn reason_text(reason: &JsValue, cx: &mut Context) -> String {
    if reason.is_object() { crate::inspect::inspect(reason, cx) } else { reason.display().to_string() }
}

/// Boa's [`HostHooks`] for a settle host: rejections go to the loop's rejection tracker.
///
/// ```
/// use std::rc::Rc;
/// use settle_boa::SettleHooks;
/// let el = settle_runtime::EventLoop::new();
/// let context = boa_engine::Context::builder().host_hooks(Rc::new(SettleHooks::new(el.handle()))).build();
/// assert!(context.is_ok());
/// ```
pub struct SettleHooks {
    handle: Handle,
    /// Rejected promises with no handler yet, by identity: the "handle" operation finds its
    /// tracker entry here.
    unhandled: RefCell<HashMap<JsObject<Promise>, Rc<BoaPromise>>>,
}

impl SettleHooks {
    /// Hooks reporting to the loop of `handle`.
    ///
    /// ```
    /// let el = settle_runtime::EventLoop::new();
    /// let _hooks = settle_boa::SettleHooks::new(el.handle());
    /// ```
    pub fn new(handle: Handle) -> SettleHooks {
        SettleHooks { handle, unhandled: RefCell::new(HashMap::new()) }
    }
}

impl HostHooks for SettleHooks {
    /// HostPromiseRejectionTracker ( promise, operation ), 27.2.1.9.
    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<Promise>,
        operation: OperationType,
        cx: &mut Context,
    ) {
        match operation {
            // "reject": the promise was rejected with no handler.
            OperationType::Reject => {
                let reason = match JsPromise::from(promise.clone()).state() {
                    PromiseState::Rejected(reason) => reason_text(&reason, cx),
                    _ => String::new(),
                };
                let tracked = Rc::new(BoaPromise {
                    object: promise.clone(),
                    handled: Cell::new(false),
                    reason_text: reason,
                });
                self.unhandled.borrow_mut().insert(promise.clone(), tracked.clone());
                self.handle.track_reject(tracked);
            }
            // "handle": a handler was attached to it for the first time.
            OperationType::Handle => {
                let tracked = self.unhandled.borrow_mut().remove(promise);
                if let Some(tracked) = tracked {
                    tracked.handled.set(true);
                    self.handle.track_handle(&*tracked);
                }
            }
        }
    }
}

impl fmt::Debug for SettleHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SettleHooks")
            .field("unhandled", &self.unhandled.borrow().len())
            .finish_non_exhaustive()
    }
}
