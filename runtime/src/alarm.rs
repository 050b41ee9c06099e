//! The alarm of a loop driven as a future: one thread, started the first time such a loop
//! waits for a timer, that wakes the loop's waker at the deadline.
//!
//! A future that returns `Pending` must arrange its own wake-up. A post or a keep-alive change
//! wakes the loop through the inbox; a timer deadline has nobody to do it, since the loop
//! cannot borrow the outer executor's timers without depending on that executor. The thread
//! sleeps on a condition variable until the earliest deadline (never polling) and ends with
//! the loop.

use std::sync::Arc;
use std::task::Waker;
use std::thread::JoinHandle;
use std::time::Instant;

use parking_lot::{Condvar, Mutex};

struct State {
    deadline: Option<Instant>,
    waker: Option<Waker>,
    stop: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

/// A loop's alarm thread.
pub(crate) struct Alarm {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Alarm {
    /// Starts the thread; `None` if the system refuses one.
    pub(crate) fn start() -> Option<Alarm> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State { deadline: None, waker: None, stop: false }),
            changed: Condvar::new(),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new().name("settle-alarm".into()).spawn(move || ring(&s)).ok()?;
        Some(Alarm { shared, thread: Some(thread) })
    }

    /// Wakes `waker` at `deadline` (replacing an earlier setting).
    pub(crate) fn set(&self, deadline: Instant, waker: &Waker) {
        let mut state = self.shared.state.lock();
        state.deadline = Some(deadline);
        let old = match &state.waker {
            Some(current) if current.will_wake(waker) => None,
            _ => state.waker.replace(waker.clone()),
        };
        drop(state);
        self.shared.changed.notify_one();
        drop(old);
    }
}

/// The thread's body: sleep until the deadline, wake, repeat; no deadline, no wake-ups.
fn ring(shared: &Shared) {
    let mut state = shared.state.lock();
    loop {
        if state.stop {
            return;
        }
        match state.deadline {
            None => shared.changed.wait(&mut state),
            Some(deadline) if Instant::now() >= deadline => {
                state.deadline = None;
                let waker = state.waker.take();
                drop(state);
                if let Some(waker) = waker {
                    waker.wake();
                }
                state = shared.state.lock();
            }
            Some(deadline) => {
                shared.changed.wait_until(&mut state, deadline);
            }
        }
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        self.shared.state.lock().stop = true;
        self.shared.changed.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
