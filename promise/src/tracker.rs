//! HostPromiseRejectionTracker (27.2.1.9) with HTML's timing, and the policies that decide what
//! an unhandled rejection does.
//!
//! - A promise rejected with no handler goes on the loop's about-to-be-notified list.
//! - At the end of each microtask checkpoint (the loop's after-checkpoint hook, HTML's "notify
//!   about rejected promises"), every listed promise that still has no handler is reported once
//!   as unhandled, and marked as an outstanding rejected promise. (Under `Host::Node` the list
//!   is taken as a batch: a promise unhandled when the reporting starts is reported even if a
//!   listener gives it a handler before its turn, as Node does.)
//! - A handler attached later to an outstanding rejected promise reports "rejection handled", at
//!   the end of that checkpoint: after the handler ran, as in Node (`unhandledRejection`, the
//!   handler, `rejectionHandled`) and in HTML (where `rejectionhandled` is a later task).
//!
//! The marks live in the promise itself (two bits), so the list is the only allocation, and a
//! promise is never reported twice.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use settle_runtime::{Handle, Origin, Uncaught, UncaughtKind};
use settle_timers::Host;

use crate::Promise;
use crate::error::Reason;
use crate::promise::{HANDLED, PENDING_NOTIFY, REPORTED, State};

/// HostPromiseRejectionTracker's `operation` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    Reject,
    Handle,
}

/// What the tracker needs of a promise, whatever its types.
pub(crate) trait Tracked: 'static {
    fn flags(&self) -> u8;
    fn set_flags(&self, flags: u8);
    fn describe(&self) -> String;
    /// The promise's identity: the address of its cell.
    fn address(&self) -> *const ();
    fn into_any(self: Rc<Self>) -> Rc<dyn Any>;
}

impl<T: 'static, E: Reason, D: 'static> Tracked for Promise<T, E, D> {
    fn flags(&self) -> u8 {
        self.cell.flags.get()
    }

    fn set_flags(&self, flags: u8) {
        self.cell.flags.set(flags);
    }

    fn describe(&self) -> String {
        match &*self.cell.state.borrow() {
            // Display where the reason type has it (Reason::fmt_reason).
            State::Rejected(reason) => reason.display_reason().to_string(),
            _ => String::from("<not rejected>"),
        }
    }

    fn address(&self) -> *const () {
        Rc::as_ptr(&self.cell) as *const ()
    }

    fn into_any(self: Rc<Self>) -> Rc<dyn Any> {
        self
    }
}

/// What happens to unhandled rejections on a loop. Set with [`set_rejection_policy`].
///
/// ```
/// use settle::promise::{Error, Promise, RejectionPolicy, set_rejection_policy};
/// use settle::runtime::{EventLoop, RunError};
///
/// let el = EventLoop::new();
/// set_rejection_policy(&el, RejectionPolicy::Strict);
/// el.queue_task(|| { Promise::<i32>::reject(Error::msg("Oops")); });
/// let err = el.run().unwrap_err();
/// assert!(matches!(err, RunError::Failed(u) if u.message() == "Oops"));
/// ```
#[derive(Clone, Default)]
pub enum RejectionPolicy {
    /// Report through the loop's uncaught-error hook (by default printed to stderr) and go on;
    /// a later "rejection handled" is printed to stderr. The default.
    #[default]
    Warn,
    /// Stop the loop: `run` returns [`RunError::Failed`](settle_runtime::RunError::Failed)
    /// naming the reason (Node's `--unhandled-rejections=strict`).
    Strict,
    /// Call a function with each event (an embedder's `unhandledrejection` /
    /// `rejectionhandled` events, Node's `process.on('unhandledRejection')`).
    Callback(Rc<dyn Fn(&RejectionEvent)>),
    /// Ignore unhandled rejections.
    None,
}

impl fmt::Debug for RejectionPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RejectionPolicy::Warn => "Warn",
            RejectionPolicy::Strict => "Strict",
            RejectionPolicy::Callback(_) => "Callback(..)",
            RejectionPolicy::None => "None",
        })
    }
}

/// Which of HTML's two rejection events this is.
///
/// ```
/// use settle::promise::RejectionEventKind;
/// assert_ne!(RejectionEventKind::Unhandled, RejectionEventKind::Handled);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RejectionEventKind {
    /// `unhandledrejection`: rejected, and no handler by the end of the checkpoint.
    Unhandled,
    /// `rejectionhandled`: a handler was attached to a promise already reported as unhandled.
    Handled,
}

/// A promise of any type, as the rejection tracker reports it.
///
/// ```
/// use settle::promise::{AnyPromise, Error, NoThenables, Promise};
/// let el = settle::runtime::EventLoop::new();
/// let _g = el.enter();
/// let p = Promise::<i32>::reject(Error::msg("x")).defer();
/// let any = AnyPromise::from(p.clone());
/// assert!(any.downcast::<i32, Error, NoThenables>().unwrap().ptr_eq(&p));
/// assert!(any.downcast::<u8, Error, NoThenables>().is_none());
/// ```
#[derive(Clone)]
pub struct AnyPromise(Rc<dyn Tracked>);

impl AnyPromise {
    /// The promise with its types, if they are these.
    ///
    /// ```
    /// use settle::promise::{AnyPromise, Error, NoThenables, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let any = AnyPromise::from(Promise::<i32>::resolve(1));
    /// assert!(any.downcast::<i32, Error, NoThenables>().is_some());
    /// ```
    pub fn downcast<T: 'static, E: 'static, D: 'static>(&self) -> Option<Promise<T, E, D>> {
        self.0.clone().into_any().downcast::<Promise<T, E, D>>().ok().map(|promise| (*promise).clone())
    }

    /// The rejection reason, formatted with [`Reason::fmt_reason`] (`Display` for settle's own
    /// reason types).
    ///
    /// ```
    /// use settle::promise::{AnyPromise, Error, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let any = AnyPromise::from(Promise::<i32>::reject(Error::msg("x")).defer());
    /// assert_eq!(any.reason(), "x");
    /// ```
    pub fn reason(&self) -> String {
        self.0.describe()
    }
}

/// Identity: the same promise, whatever handle it came through.
///
/// ```
/// use settle::promise::{AnyPromise, Promise};
/// let el = settle::runtime::EventLoop::new();
/// let _g = el.enter();
/// let p = Promise::<i32>::resolve(1);
/// assert_eq!(AnyPromise::from(p.clone()), AnyPromise::from(p));
/// ```
impl PartialEq for AnyPromise {
    fn eq(&self, other: &AnyPromise) -> bool {
        self.0.address() == other.0.address()
    }
}

impl Eq for AnyPromise {}

impl std::hash::Hash for AnyPromise {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.address().hash(state);
    }
}

impl<T: 'static, E: Reason, D: 'static> From<Promise<T, E, D>> for AnyPromise {
    fn from(p: Promise<T, E, D>) -> AnyPromise {
        AnyPromise(Rc::new(p))
    }
}

impl fmt::Debug for AnyPromise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AnyPromise").field(&self.0.describe()).finish()
    }
}

/// One report of the rejection tracker.
///
/// ```
/// use std::rc::Rc;
/// use settle::promise::{Error, Promise, RejectionEventKind, RejectionPolicy, set_rejection_policy};
/// let el = settle::runtime::EventLoop::new();
/// set_rejection_policy(&el, RejectionPolicy::Callback(Rc::new(|event| {
///     assert_eq!(event.kind, RejectionEventKind::Unhandled);
///     assert_eq!(event.promise.reason(), "Oops");
/// })));
/// el.queue_task(|| { Promise::<i32>::reject(Error::msg("Oops")); });
/// el.run().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct RejectionEvent {
    /// Unhandled, or handled later.
    pub kind: RejectionEventKind,
    /// The promise.
    pub promise: AnyPromise,
}

/// The per-loop tracker state.
#[derive(Default)]
struct Tracker {
    about_to_be_notified: RefCell<Vec<Rc<dyn Tracked>>>,
    /// Outstanding rejected promises that got a handler since the last notification.
    handled_since: RefCell<Vec<Rc<dyn Tracked>>>,
    policy: RefCell<RejectionPolicy>,
    hooked: std::cell::Cell<bool>,
}

fn tracker(handle: &Handle) -> Rc<Tracker> {
    let tracker = handle.extension(Tracker::default);
    if !tracker.hooked.replace(true) {
        let t = tracker.clone();
        let h = handle.clone();
        handle.add_checkpoint_hook(move || notify_about_rejected_promises(&h, &t));
    }
    tracker
}

/// Chooses what unhandled rejections do on the loop of `handle`.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use settle::promise::{Error, Promise, RejectionEventKind, RejectionPolicy, set_rejection_policy};
/// use settle::runtime::EventLoop;
///
/// let el = EventLoop::new();
/// let events = Rc::new(RefCell::new(Vec::new()));
/// let log = events.clone();
/// set_rejection_policy(&el, RejectionPolicy::Callback(Rc::new(move |e| log.borrow_mut().push(e.kind))));
/// el.queue_task(|| { Promise::<i32>::reject(Error::msg("Oops")); });
/// el.run().unwrap();
/// assert_eq!(*events.borrow(), [RejectionEventKind::Unhandled]);
/// ```
pub fn set_rejection_policy(handle: &Handle, policy: RejectionPolicy) {
    *tracker(handle).policy.borrow_mut() = policy;
}

/// 27.2.1.9 HostPromiseRejectionTracker ( promise, operation ), as HTML defines it (8.1.5.7).
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
pub(crate) fn host_promise_rejection_tracker<T, E, D>(promise: &Promise<T, E, D>, operation: Operation)
where
    T: 'static,
    E: Reason,
    D: 'static,
{
    let flags = promise.flags();
    // The lists hold type-erased handles, made only when a promise goes on one.
    let erased = || Rc::new(promise.clone()) as Rc<dyn Tracked>;
    match operation {
        // "reject": append to the about-to-be-notified list.
        Operation::Reject => {
            if flags & PENDING_NOTIFY == 0 {
                promise.set_flags(flags | PENDING_NOTIFY);
                let handle = Handle::current();
                tracker(&handle).about_to_be_notified.borrow_mut().push(erased());
                // Outside any task no checkpoint may be coming; make sure one does.
                handle.request_checkpoint();
            }
        }
        // "handle": a promise still on the list is simply found handled at notification time;
        // one already reported (outstanding) gets `rejectionhandled` at the end of this
        // checkpoint, after the handler's job ran (Node's processPromiseRejections).
        Operation::Handle => {
            if flags & REPORTED != 0 {
                promise.set_flags(flags & !REPORTED);
                tracker(&Handle::current()).handled_since.borrow_mut().push(erased());
            }
        }
    }
}

/// HTML's "notify about rejected promises", run at the end of every checkpoint.
fn notify_about_rejected_promises(handle: &Handle, tracker: &Tracker) {
    // Node emits the `rejectionHandled` events first, then the new `unhandledRejection`s.
    let handled = std::mem::take(&mut *tracker.handled_since.borrow_mut());
    for promise in handled {
        let event = RejectionEvent { kind: RejectionEventKind::Handled, promise: AnyPromise(promise) };
        emit(handle, tracker, &event);
    }
    if tracker.about_to_be_notified.borrow().is_empty() {
        return;
    }
    let list = std::mem::take(&mut *tracker.about_to_be_notified.borrow_mut());
    // Off the list now; a promise is rejected only once, so nothing puts it back.
    for promise in &list {
        promise.set_flags(promise.flags() & !PENDING_NOTIFY);
    }
    // Node (lib/internal/process/promises.js, processPromiseRejections) takes the batch first
    // and reports every promise in it that was unhandled then, even one that a listener earlier
    // in the batch gave a handler (that one never gets `rejectionHandled`). HTML checks
    // [[PromiseIsHandled]] as it reaches each promise.
    let node = handle.host() == Host::Node;
    let batch: Vec<_> =
        if node { list.into_iter().filter(|p| p.flags() & HANDLED == 0).collect() } else { list };
    for promise in batch {
        let flags = promise.flags();
        if flags & HANDLED == 0 {
            promise.set_flags(flags | REPORTED);
        } else if !node {
            continue; // HTML: handled before its turn came
        }
        let event = RejectionEvent { kind: RejectionEventKind::Unhandled, promise: AnyPromise(promise) };
        emit(handle, tracker, &event);
    }
}

fn emit(handle: &Handle, tracker: &Tracker, event: &RejectionEvent) {
    // Cloned out, so a callback may change the policy.
    let policy = tracker.policy.borrow().clone();
    let reason = || event.promise.reason();
    match (policy, event.kind) {
        (RejectionPolicy::Warn, RejectionEventKind::Unhandled) => {
            handle.report(&Uncaught::new(UncaughtKind::UnhandledRejection, reason(), Origin::Outside));
        }
        (RejectionPolicy::Warn, RejectionEventKind::Handled) => {
            eprintln!("settle: a rejection reported as unhandled was handled later: {}", reason());
        }
        (RejectionPolicy::Strict, RejectionEventKind::Unhandled) => {
            handle.fail(Uncaught::new(UncaughtKind::UnhandledRejection, reason(), Origin::Outside));
        }
        (RejectionPolicy::Callback(f), _) => f(event),
        (RejectionPolicy::Strict | RejectionPolicy::None, _) => {}
    }
}
