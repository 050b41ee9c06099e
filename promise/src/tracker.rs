//! HostPromiseRejectionTracker (ECMA-262 2025, 27.2.1.9) for settle's `Promise`: a thin user of
//! the loop's engine-agnostic tracker (`settle_runtime::TrackedPromise`), which keeps HTML's
//! timing, Node's batch rule and the policies.
//!
//! A `Promise` is its own tracked identity (the address of its cell); [`AnyPromise`] is the
//! type-erased handle the tracker reports, and [`RejectionPolicy`] the runtime's policy with a
//! callback that receives `AnyPromise`.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

use settle_runtime::{Handle, TrackedPromise};

pub use settle_runtime::RejectionEventKind;

use crate::Promise;
use crate::error::Reason;
use crate::promise::State;

/// HostPromiseRejectionTracker's `operation` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    Reject,
    Handle,
}

impl<T: 'static, E: Reason, D: 'static> TrackedPromise for Promise<T, E, D> {
    fn is_handled(&self) -> bool {
        self.cell.handled.get()
    }

    fn reason(&self) -> String {
        match &*self.cell.state.borrow() {
            State::Rejected(reason) => reason.display_reason().to_string(),
            _ => String::from("<not rejected>"),
        }
    }

    fn identity(&self) -> *const () {
        crate::pool::PoolRc::as_ptr(&self.cell) as *const ()
    }

    /// Only the tracker's own handle is left: nobody can attach a handler any more.
    fn is_reachable(&self) -> bool {
        crate::pool::PoolRc::strong_count(&self.cell) > 1
    }
}

/// 27.2.1.9 HostPromiseRejectionTracker ( promise, operation ): hands the operation to the
/// current loop's tracker.
///
/// # Panics
///
/// Panics when no event loop is current on this thread.
#[track_caller]
pub(crate) fn host_promise_rejection_tracker<T, E, D>(promise: &Promise<T, E, D>, operation: Operation)
where
    T: 'static,
    E: Reason,
    D: 'static,
{
    let handle = Handle::current();
    match operation {
        // The list holds a type-erased handle, made only when a promise goes on it.
        Operation::Reject => handle.track_reject(Rc::new(promise.clone())),
        Operation::Handle => handle.track_handle(promise),
    }
}

/// What happens to unhandled rejections on a loop, with a callback typed for settle's
/// `Promise` (its [`RejectionEvent`] carries an [`AnyPromise`]). The loop keeps the runtime's
/// [`settle_runtime::TrackerPolicy`], the same policy for any engine's promises, which this
/// converts into (`From`); only the callback's argument differs.
/// Set with [`set_rejection_policy`], or on the builder
/// (`EventLoop::builder().rejection_policy(..)` accepts it).
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

/// The runtime's policy for settle's: a callback gets each event with its promise as an
/// [`AnyPromise`].
///
/// ```
/// use settle::promise::RejectionPolicy;
/// let el = settle::runtime::EventLoop::builder().rejection_policy(RejectionPolicy::None).build();
/// assert!(matches!(el.rejection_policy(), settle::runtime::TrackerPolicy::None));
/// ```
impl From<RejectionPolicy> for settle_runtime::TrackerPolicy {
    fn from(policy: RejectionPolicy) -> settle_runtime::TrackerPolicy {
        match policy {
            RejectionPolicy::Warn => settle_runtime::TrackerPolicy::Warn,
            RejectionPolicy::Strict => settle_runtime::TrackerPolicy::Strict,
            RejectionPolicy::None => settle_runtime::TrackerPolicy::None,
            RejectionPolicy::Callback(f) => settle_runtime::TrackerPolicy::callback(move |event| {
                f(&RejectionEvent { kind: event.kind, promise: AnyPromise(event.promise.clone()) });
            }),
        }
    }
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
pub struct AnyPromise(Rc<dyn TrackedPromise>);

impl AnyPromise {
    /// The promise with its types, if they are these (and it is a settle promise at all: an
    /// engine with its own promises shares the loop's tracker).
    ///
    /// ```
    /// use settle::promise::{AnyPromise, Error, NoThenables, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let any = AnyPromise::from(Promise::<i32>::resolve(1));
    /// assert!(any.downcast::<i32, Error, NoThenables>().is_some());
    /// ```
    pub fn downcast<T: 'static, E: 'static, D: 'static>(&self) -> Option<Promise<T, E, D>> {
        let any: &dyn Any = &*self.0;
        any.downcast_ref::<Promise<T, E, D>>().cloned()
    }

    /// The rejection reason, formatted with [`Reason::display_reason`] (Display where the
    /// reason type has it).
    ///
    /// ```
    /// use settle::promise::{AnyPromise, Error, Promise};
    /// let el = settle::runtime::EventLoop::new();
    /// let _g = el.enter();
    /// let any = AnyPromise::from(Promise::<i32>::reject(Error::msg("x")).defer());
    /// assert_eq!(any.reason(), "x");
    /// ```
    pub fn reason(&self) -> String {
        self.0.reason()
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
        self.0.identity() == other.0.identity()
    }
}

impl Eq for AnyPromise {}

impl std::hash::Hash for AnyPromise {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.identity().hash(state);
    }
}

impl<T: 'static, E: Reason, D: 'static> From<Promise<T, E, D>> for AnyPromise {
    fn from(p: Promise<T, E, D>) -> AnyPromise {
        AnyPromise(Rc::new(p))
    }
}

impl fmt::Debug for AnyPromise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AnyPromise").field(&self.0.reason()).finish()
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

/// Chooses what unhandled rejections do on the loop of `handle` (the same as
/// `handle.set_rejection_policy(policy)`).
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
    handle.set_rejection_policy(policy);
}
