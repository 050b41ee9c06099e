//! The host's events for the runtime tracker's rejection reports: Node's `process` events and
//! its death on an unhandled rejection, or a browser's `PromiseRejectionEvent`s. The rules are
//! here once; an engine supplies its values through [`RejectionHost`].

use settle_runtime::RejectionEventKind;

use crate::HostKind;

/// What firing a rejection event needs from an engine. No method but [`RejectionHost::call`]
/// (and the getters an engine's `[[Get]]` may run) runs script code.
pub trait RejectionHost {
    /// A script value.
    type Value: Clone;
    /// An exception a listener threw.
    type Error;
    /// Node or a browser.
    fn host(&self) -> HostKind;
    /// The listeners registered for `event` (`process.on`, `addEventListener`), in order.
    fn listeners(&mut self, event: &str) -> Vec<Self::Value>;
    /// The global's event handler property `name` (`onunhandledrejection`), if callable.
    fn handler(&mut self, name: &str) -> Option<Self::Value>;
    /// Calls `f` with `args` and `this` undefined.
    ///
    /// # Errors
    ///
    /// What `f` threw.
    fn call(&mut self, f: &Self::Value, args: &[Self::Value]) -> Result<(), Self::Error>;
    /// The host's report of an exception a listener threw.
    fn report_uncaught(&mut self, error: Self::Error);
    /// Node without a listener (`--unhandled-rejections=throw`): the report, exit code 1, and
    /// the run stops.
    fn die(&mut self, reason: &Self::Value);
    /// A browser's `PromiseRejectionEvent`: `type`, `promise`, `reason`, `defaultPrevented`
    /// and `preventDefault()`.
    fn event(&mut self, name: &str, promise: Self::Value, reason: Self::Value) -> Self::Value;
    /// Whether a listener called the event's `preventDefault()`.
    fn default_prevented(&mut self, event: &Self::Value) -> bool;
    /// `util.inspect` of a value.
    fn inspect(&mut self, value: &Self::Value) -> String;
    /// Writes a line to the script's stderr.
    fn write_error(&mut self, text: &str);
}

/// Fires the host's event for one report of the tracker: `kind`, for `promise` rejected with
/// `reason`.
///
/// Node calls `unhandledRejection` listeners with `(reason, promise)` and `rejectionHandled`
/// ones with `(promise)`; an exception in one is uncaught and the rest are skipped. An unhandled
/// rejection without a listener kills the process. A browser dispatches an event to the
/// `addEventListener` listeners, then the `on...` handler; an exception in one is reported and
/// the next still runs; an unhandled rejection nobody prevented is logged as `Uncaught (in
/// promise) ...`.
pub fn fire_rejection_event<H: RejectionHost>(
    h: &mut H,
    kind: RejectionEventKind,
    promise: H::Value,
    reason: H::Value,
) {
    let name = crate::rejection_event(h.host(), kind);
    let unhandled = kind == RejectionEventKind::Unhandled;
    match h.host() {
        HostKind::Node => {
            let listeners = h.listeners(name);
            if listeners.is_empty() && unhandled {
                return h.die(&reason);
            }
            let args = if unhandled { vec![reason, promise] } else { vec![promise] };
            for l in listeners {
                if let Err(e) = h.call(&l, &args) {
                    return h.report_uncaught(e);
                }
            }
        }
        HostKind::Html => {
            let event = h.event(name, promise, reason.clone());
            let mut listeners = h.listeners(name);
            listeners.extend(h.handler(&format!("on{name}")));
            for l in listeners {
                if let Err(e) = h.call(&l, std::slice::from_ref(&event)) {
                    h.report_uncaught(e);
                }
            }
            if unhandled && !h.default_prevented(&event) {
                let shown = h.inspect(&reason);
                h.write_error(&format!("Uncaught (in promise) {shown}"));
            }
        }
    }
}
