//! Item 4: a cancelled macrotask never runs, and its closure is dropped when it is cancelled.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use settle::prelude::*;
use settle::runtime::TaskId;

/// Records its drop.
struct Dropped(Rc<RefCell<Vec<String>>>, &'static str);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.borrow_mut().push(format!("dropped {}", self.1));
    }
}

#[test]
fn a_cancelled_task_never_runs() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let el = EventLoop::new();
    let task = |name: &'static str| {
        let guard = Dropped(log.clone(), name);
        move || guard.0.borrow_mut().push(format!("ran {}", guard.1))
    };
    let later: Rc<Cell<Option<TaskId>>> = Rc::default();
    let _a = el.queue_task(task("a"));
    let (l, h, d) = (log.clone(), el.handle(), later.clone());
    let _canceller = el.queue_task(move || {
        // A running task cancels one queued after it.
        let cancelled = h.cancel_task(d.get().unwrap());
        l.borrow_mut().push(format!("cancel d: {cancelled}"));
    });
    let b = el.queue_task(task("b"));
    let c = el.queue_task(task("c"));
    later.set(Some(el.queue_task(task("d"))));
    assert!(el.cancel_task(b));
    assert!(!el.cancel_task(b), "cancelled already");
    assert_eq!(*log.borrow(), ["dropped b"], "the closure is dropped at the cancel");
    el.run().unwrap();
    assert!(!el.cancel_task(c), "a task that ran is left alone");
    assert_eq!(
        *log.borrow(),
        ["dropped b", "ran a", "dropped a", "dropped d", "cancel d: true", "ran c", "dropped c"]
    );
}
