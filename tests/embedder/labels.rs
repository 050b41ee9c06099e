//! Item 4: a task's label reaches `Origin` while it runs, during its checkpoint, and in the
//! reports of what panicked there.

use std::cell::RefCell;
use std::rc::Rc;

use settle::prelude::*;
use settle::runtime::{Origin, Uncaught};

#[test]
fn a_label_is_in_the_origin_of_the_task_its_jobs_and_its_reports() {
    let reports: Rc<RefCell<Vec<Uncaught>>> = Rc::default();
    let r = reports.clone();
    let el = EventLoop::builder().on_uncaught(move |u| r.borrow_mut().push(u.clone())).build();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    el.queue_task(|| {}); // macrotask 1, unlabelled
    el.queue_task_labelled("script", move || {
        let h = Handle::current();
        s.borrow_mut().push(h.origin());
        let s1 = s.clone();
        h.queue_next_tick(move || s1.borrow_mut().push(Handle::current().origin()));
        let s2 = s.clone();
        h.queue_microtask(move || s2.borrow_mut().push(Handle::current().origin()));
        h.queue_microtask(|| panic!("thrown by the script's second job"));
    });
    let s = seen.clone();
    el.queue_task_labelled_with("timer setup", move |_: &mut ()| {
        s.borrow_mut().push(Handle::current().origin());
    });
    el.run().unwrap();
    assert_eq!(
        *seen.borrow(),
        [
            Origin::Task { index: 2, label: Some("script") },
            Origin::NextTick { checkpoint: 2, index: 1, label: Some("script") },
            Origin::Microtask { checkpoint: 2, index: 1, label: Some("script") },
            Origin::Task { index: 3, label: Some("timer setup") },
        ]
    );
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].origin(), Origin::Microtask { checkpoint: 2, index: 2, label: Some("script") });
    assert_eq!(reports[0].origin().to_string(), "microtask 2 of checkpoint 2 (after script)");
}
