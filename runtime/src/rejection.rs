//! HostPromiseRejectionTracker (ECMA-262 2025, 27.2.1.9) as HTML defines it (8.1.5.7), for any
//! promise type: the host's engine names its promises through [`TrackedPromise`].
//!
//! - "reject" ([`Handle::track_reject`](crate::Handle::track_reject)): the promise goes on the
//!   loop's about-to-be-notified list, and a checkpoint is requested.
//! - At the end of each microtask checkpoint (HTML's "notify about rejected promises"), every
//!   listed promise still unhandled is reported once as unhandled and becomes an outstanding
//!   rejected promise. Under [`Host::Node`] the list is taken as a batch: a promise unhandled when
//!   reporting starts is reported even if a listener gives it a handler before its turn, as Node
//!   does.
//! - "handle" ([`Handle::track_handle`](crate::Handle::track_handle)) on an outstanding promise
//!   reports "rejection handled" at the end of that checkpoint, after the handler's job ran.
//! - A rejection made while reporting (a listener rejecting another promise) asks for another
//!   pass of the checkpoint, so it is reported before the next macrotask.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use settle_timers::Host;

use crate::error::RunError;
use crate::event_loop::Inner;
use crate::job::with_host_as;
use crate::uncaught::{Origin, Uncaught, UncaughtKind};

/// A promise as the rejection tracker sees it, whatever engine made it.
///
/// An engine implements this for its promise handle (often a cheap `Rc` clone of its promise
/// object) and calls [`Handle::track_reject`](crate::Handle::track_reject) and
/// [`Handle::track_handle`](crate::Handle::track_handle) where ECMA-262 calls
/// HostPromiseRejectionTracker. settle's own `Promise` is one implementation.
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, TrackerEvent, TrackerPolicy, TrackedPromise};
///
/// struct MyPromise { handled: Cell<bool>, reason: &'static str }
/// impl TrackedPromise for MyPromise {
///     fn is_handled(&self) -> bool { self.handled.get() }
///     fn reason(&self) -> String { self.reason.to_string() }
///     fn identity(&self) -> *const () { self as *const MyPromise as *const () }
/// }
///
/// let seen = Rc::new(Cell::new(0));
/// let s = seen.clone();
/// let el = EventLoop::builder()
///     .rejection_policy(TrackerPolicy::callback(move |e: &TrackerEvent| {
///         assert_eq!(e.promise.reason(), "Oops");
///         s.set(s.get() + 1);
///     }))
///     .build();
/// let h = el.handle();
/// el.queue_task(move || h.track_reject(Rc::new(MyPromise { handled: Cell::new(false), reason: "Oops" })));
/// el.run().unwrap();
/// assert_eq!(seen.get(), 1);
/// ```
pub trait TrackedPromise: Any {
    /// \[\[PromiseIsHandled\]\]: whether a handler was ever attached.
    fn is_handled(&self) -> bool;

    /// The rejection reason as text, for reports.
    fn reason(&self) -> String;

    /// The promise's identity: equal for two handles of the same promise, distinct for live
    /// promises (an address does it). The tracker holds an outstanding promise's handle, so its
    /// identity is not reused while it matters.
    fn identity(&self) -> *const ();

    /// Whether code can still attach a handler (HTML keeps outstanding rejected promises in a
    /// weak set). The tracker forgets outstanding promises that answer `false`, now and then,
    /// so a long-running loop does not keep every reported promise alive. Default: `true`.
    fn is_reachable(&self) -> bool {
        true
    }
}

/// Which of HTML's two rejection events this is.
///
/// ```
/// use settle_runtime::RejectionEventKind;
/// assert_ne!(RejectionEventKind::Unhandled, RejectionEventKind::Handled);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RejectionEventKind {
    /// `unhandledrejection`: rejected, and no handler by the end of the checkpoint.
    Unhandled,
    /// `rejectionhandled`: a handler was attached to a promise already reported as unhandled.
    Handled,
}

/// One report of the rejection tracker, on the engine's own promise handle.
///
/// ```
/// use settle_runtime::{TrackerEvent, RejectionEventKind};
/// fn on_event(e: &TrackerEvent) {
///     if e.kind == RejectionEventKind::Unhandled {
///         eprintln!("unhandled: {}", e.promise.reason());
///     }
/// }
/// # let _ = on_event;
/// ```
#[derive(Clone)]
pub struct TrackerEvent {
    /// Unhandled, or handled later.
    pub kind: RejectionEventKind,
    /// The promise, as the engine handed it to the tracker (downcast it through `Any`).
    pub promise: Rc<dyn TrackedPromise>,
}

impl fmt::Debug for TrackerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackerEvent")
            .field("kind", &self.kind)
            .field("reason", &self.promise.reason())
            .finish()
    }
}

type CallbackFn = dyn Fn(&mut dyn Any, &TrackerEvent);

/// What happens to unhandled rejections on a loop, for promises of any engine: set with
/// [`Builder::rejection_policy`](crate::Builder::rejection_policy) or
/// [`Handle::set_rejection_policy`](crate::Handle::set_rejection_policy). Its callback receives
/// the tracker's [`TrackerEvent`], whose promise is the engine's own handle. settle-promise's
/// `RejectionPolicy` is the same policy with a callback typed for settle's `Promise` (its
/// events carry an `AnyPromise`); it converts into this one, which is what the loop keeps.
///
/// ```
/// use settle_runtime::{EventLoop, TrackerPolicy};
/// let el = EventLoop::builder().rejection_policy(TrackerPolicy::Strict).build();
/// el.set_rejection_policy(TrackerPolicy::None);
/// ```
#[derive(Clone, Default)]
pub enum TrackerPolicy {
    /// Report through the loop's uncaught-error hook (by default printed to stderr) and go on;
    /// a later "rejection handled" is printed to stderr. The default.
    #[default]
    Warn,
    /// Stop the loop after the checkpoint: `run` returns [`RunError::Failed`] naming the reason
    /// (Node's `--unhandled-rejections=strict`).
    Strict,
    /// Call a function with each event (an embedder's `unhandledrejection` /
    /// `rejectionhandled` events, Node's `process.on('unhandledRejection')`). Made by
    /// [`TrackerPolicy::callback`] or [`TrackerPolicy::callback_with`].
    Callback(TrackerCallback),
    /// Ignore unhandled rejections.
    None,
}

impl TrackerPolicy {
    /// A [`TrackerPolicy::Callback`] calling `f`.
    ///
    /// ```
    /// use settle_runtime::{EventLoop, TrackerPolicy};
    /// let el = EventLoop::builder()
    ///     .rejection_policy(TrackerPolicy::callback(|e| eprintln!("{:?}", e.kind)))
    ///     .build();
    /// ```
    pub fn callback(f: impl Fn(&TrackerEvent) + 'static) -> TrackerPolicy {
        TrackerPolicy::Callback(TrackerCallback(Rc::new(move |_, event| f(event))))
    }

    /// A [`TrackerPolicy::Callback`] calling `f` with the host the loop is run with (see
    /// [`Handle::run_with`](crate::Handle::run_with)): an engine's listeners need its context.
    /// Run with a host of another type, the event is reported as
    /// [`UncaughtKind::HostMismatch`] instead.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use settle_runtime::{EventLoop, TrackerPolicy};
    ///
    /// struct Engine { unhandled: u32 }
    /// let el = EventLoop::builder()
    ///     .rejection_policy(TrackerPolicy::callback_with(|engine: &mut Engine, _| engine.unhandled += 1))
    ///     .build();
    /// let mut engine = Engine { unhandled: 0 };
    /// el.run_with(&mut engine).unwrap();
    /// assert_eq!(engine.unhandled, 0);
    /// ```
    pub fn callback_with<H: 'static>(f: impl Fn(&mut H, &TrackerEvent) + 'static) -> TrackerPolicy {
        TrackerPolicy::Callback(TrackerCallback(Rc::new(move |host, event| {
            with_host_as::<H, ()>(host, |host| f(host, event));
        })))
    }
}

impl fmt::Debug for TrackerPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackerPolicy::Warn => "Warn",
            TrackerPolicy::Strict => "Strict",
            TrackerPolicy::Callback(_) => "Callback(..)",
            TrackerPolicy::None => "None",
        })
    }
}

/// The function of a [`TrackerPolicy::Callback`].
///
/// ```
/// use settle_runtime::TrackerPolicy;
/// let TrackerPolicy::Callback(callback) = TrackerPolicy::callback(|_| {}) else { unreachable!() };
/// let _same = callback.clone();
/// ```
#[derive(Clone)]
pub struct TrackerCallback(Rc<CallbackFn>);

impl fmt::Debug for TrackerCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackerCallback(..)")
    }
}

/// The per-loop tracker state. Borrowed only to push or take; never while a callback runs.
pub(crate) struct RejectionTracker {
    about_to_be_notified: RefCell<Vec<Rc<dyn TrackedPromise>>>,
    /// HTML's "outstanding rejected promises weak set", by identity.
    outstanding: RefCell<HashMap<*const (), Rc<dyn TrackedPromise>>>,
    /// Outstanding promises that got a handler since the last notification.
    handled_since: RefCell<Vec<Rc<dyn TrackedPromise>>>,
    policy: RefCell<TrackerPolicy>,
    /// `outstanding`'s size at which unreachable entries are pruned next.
    prune_at: Cell<usize>,
}

const FIRST_PRUNE: usize = 64;

impl RejectionTracker {
    pub(crate) fn new(policy: TrackerPolicy) -> RejectionTracker {
        RejectionTracker {
            about_to_be_notified: RefCell::new(Vec::new()),
            outstanding: RefCell::new(HashMap::new()),
            handled_since: RefCell::new(Vec::new()),
            policy: RefCell::new(policy),
            prune_at: Cell::new(FIRST_PRUNE),
        }
    }

    pub(crate) fn set_policy(&self, policy: TrackerPolicy) {
        let old = std::mem::replace(&mut *self.policy.borrow_mut(), policy);
        drop(old); // after the borrow: a callback's captures may use the loop when dropped
    }

    pub(crate) fn policy(&self) -> TrackerPolicy {
        self.policy.borrow().clone()
    }

    /// HostPromiseRejectionTracker(promise, "reject"), HTML step 1: append to the
    /// about-to-be-notified list.
    pub(crate) fn reject(&self, promise: Rc<dyn TrackedPromise>) {
        self.about_to_be_notified.borrow_mut().push(promise);
    }

    /// HostPromiseRejectionTracker(promise, "handle"), HTML steps 2-4. A promise still on the
    /// list is simply found handled at notification time (step 2's removal, done lazily).
    pub(crate) fn handle(&self, promise: &dyn TrackedPromise) {
        let mut outstanding = self.outstanding.borrow_mut();
        if outstanding.is_empty() {
            return; // step 3, the common case: nothing was ever reported
        }
        // Step 4: remove it from the outstanding set; its `rejectionhandled` is reported at
        // the end of this checkpoint (HTML queues a task; Node reports after the handler ran).
        if let Some(promise) = outstanding.remove(&promise.identity()) {
            drop(outstanding);
            self.handled_since.borrow_mut().push(promise);
        }
    }

    /// Whether the end of a checkpoint has anything to report.
    pub(crate) fn has_work(&self) -> bool {
        !self.about_to_be_notified.borrow().is_empty() || !self.handled_since.borrow().is_empty()
    }

    /// Drops everything (the loop is going away).
    pub(crate) fn clear(&self) -> impl Sized {
        (
            std::mem::take(&mut *self.about_to_be_notified.borrow_mut()),
            std::mem::take(&mut *self.outstanding.borrow_mut()),
            std::mem::take(&mut *self.handled_since.borrow_mut()),
            std::mem::take(&mut *self.policy.borrow_mut()),
        )
    }

    fn mark_outstanding(&self, promise: Rc<dyn TrackedPromise>) {
        let mut outstanding = self.outstanding.borrow_mut();
        outstanding.insert(promise.identity(), promise);
        if outstanding.len() >= self.prune_at.get() {
            // The weak set, approximated: forget promises nobody can handle any more.
            let unreachable: Vec<_> =
                outstanding.extract_if(|_, p| !p.is_reachable()).map(|(_, p)| p).collect();
            self.prune_at.set((outstanding.len() * 2).max(FIRST_PRUNE));
            drop(outstanding);
            drop(unreachable);
        }
    }
}

impl Inner {
    /// HTML's "notify about rejected promises", at the end of every checkpoint.
    pub(crate) fn notify_about_rejected_promises(&self, host: &mut dyn Any) {
        let tracker = &self.rejections;
        if !tracker.has_work() {
            return;
        }
        // Node emits the `rejectionHandled` events first, then the new `unhandledRejection`s.
        let handled = std::mem::take(&mut *tracker.handled_since.borrow_mut());
        for promise in handled {
            if self.is_halted() {
                return;
            }
            self.emit(host, TrackerEvent { kind: RejectionEventKind::Handled, promise });
        }
        // Steps 1-3: take the list.
        let list = std::mem::take(&mut *tracker.about_to_be_notified.borrow_mut());
        if list.is_empty() {
            return;
        }
        // Node (lib/internal/process/promises.js, processPromiseRejections) takes the batch first
        // and reports every promise in it that was unhandled then, even one that a listener
        // earlier in the batch gave a handler (that one never gets `rejectionHandled`). HTML
        // checks [[PromiseIsHandled]] as it reaches each promise (step 4.1).
        let node = self.host == Host::Node;
        let batch: Vec<_> = if node { list.into_iter().filter(|p| !p.is_handled()).collect() } else { list };
        for promise in batch {
            if self.is_halted() {
                return; // the process died: nothing more of this checkpoint runs
            }
            if !promise.is_handled() {
                // Step 4.4: append it to the outstanding rejected promises weak set.
                tracker.mark_outstanding(promise.clone());
            } else if !node {
                continue; // HTML step 4.1: handled before its turn came
            }
            // Steps 4.2-4.3: fire `unhandledrejection`.
            self.emit(host, TrackerEvent { kind: RejectionEventKind::Unhandled, promise });
        }
    }

    fn emit(&self, host: &mut dyn Any, event: TrackerEvent) {
        self.observe(crate::observe::LoopEventKind::Rejection(event.kind));
        // Cloned out, so a callback may change the policy.
        let policy = self.rejections.policy();
        let unhandled =
            || Uncaught::new(UncaughtKind::UnhandledRejection, event.promise.reason(), Origin::Outside);
        match (policy, event.kind) {
            (TrackerPolicy::Warn, RejectionEventKind::Unhandled) => self.report(&unhandled()),
            (TrackerPolicy::Warn, RejectionEventKind::Handled) => {
                eprintln!(
                    "settle: a rejection reported as unhandled was handled later: {}",
                    event.promise.reason()
                );
            }
            (TrackerPolicy::Strict, RejectionEventKind::Unhandled) => {
                self.fail(RunError::Failed(unhandled()))
            }
            (TrackerPolicy::Callback(callback), _) => self.run_guarded(|| (callback.0)(host, &event)),
            (TrackerPolicy::Strict | TrackerPolicy::None, _) => {}
        }
    }
}
