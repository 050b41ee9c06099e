//! The runtime tracker's rejection reports as the host's events: settle-host's rules
//! (`fire_rejection_event`), with settle-js's values.

use settle_host::{HostKind, RejectionHost};
use settle_runtime::{Handle, TrackerEvent, Uncaught, UncaughtKind};

use crate::builtins;
use crate::interp::call_sync;
use crate::promise::find_promise_object;
use crate::realm::{JsHost, RealmGuard, realm};
use crate::value::{JsPromise, JsValue};

/// settle-js's side of a rejection event. The realm is borrowed afresh in each method, so no
/// borrow is held while a listener runs.
struct JsRejection;

impl RejectionHost for JsRejection {
    type Value = JsValue;
    type Error = JsValue;

    fn host(&self) -> HostKind {
        realm().host
    }

    fn listeners(&mut self, event: &str) -> Vec<JsValue> {
        realm().listeners(event)
    }

    fn handler(&mut self, name: &str) -> Option<JsValue> {
        let global = realm().global.clone();
        global.get(name).ok().filter(JsValue::is_callable)
    }

    fn call(&mut self, f: &JsValue, args: &[JsValue]) -> Result<(), JsValue> {
        call_sync(f, &JsValue::Undefined, args).map(|_| ())
    }

    fn report_uncaught(&mut self, error: JsValue) {
        builtins::report_uncaught(error);
    }

    fn die(&mut self, reason: &JsValue) {
        // In a worker, the worker dies of it and its parent gets an `error` event.
        if crate::worker::forward_uncaught(reason) {
            return;
        }
        let r = realm();
        r.write_out(&builtins::unhandled_rejection_message(reason), true);
        r.exit_code.set(1);
        let handle = Handle::current();
        handle.halt(Uncaught::new(UncaughtKind::UnhandledRejection, format!("{reason:?}"), handle.origin()));
    }

    fn event(&mut self, name: &str, promise: JsValue, reason: JsValue) -> JsValue {
        let ev = builtins::events::cancelable_event(
            &realm(),
            name,
            vec![("promise", promise), ("reason", reason)],
        );
        JsValue::Object(ev)
    }

    fn default_prevented(&mut self, event: &JsValue) -> bool {
        match event {
            JsValue::Object(ev) => ev.get("defaultPrevented").is_ok_and(|v| v.truthy()),
            _ => false,
        }
    }

    fn inspect(&mut self, value: &JsValue) -> String {
        crate::inspect::inspect(value)
    }

    fn write_error(&mut self, text: &str) {
        realm().write_out(text, true);
    }
}

/// The rejection tracker's reports, turned into the host's events.
pub(crate) fn on_rejection(host: &mut JsHost, event: &TrackerEvent) {
    let tracked: &dyn std::any::Any = &*event.promise;
    let Some(promise) = tracked.downcast_ref::<JsPromise>().cloned() else { return };
    if crate::realm::is_halted() {
        return;
    }
    let _running = RealmGuard::enter(host.realm.clone());
    let reason = match promise.result() {
        Some(Err(e)) => e,
        _ => JsValue::Undefined,
    };
    let object = find_promise_object(&promise);
    settle_host::fire_rejection_event(&mut JsRejection, event.kind, object, reason);
}
