//! Dropping long promise chains without deep recursion.
//!
//! A pending promise owns its reactions, a reaction owns the derived promise's resolving
//! functions, and those own the derived promise, which owns its reactions... Dropping the head
//! of a million-link chain would recurse a million frames deep. Instead, the first drop on a
//! thread becomes the "drainer": drops that happen while it runs only queue their reactions,
//! and the drainer drops the queue one record at a time, so the depth stays constant.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static DEFERRED: RefCell<Option<Vec<Rc<dyn Any>>>> = const { RefCell::new(None) };
}

/// Drops `records` (a promise's orphaned reactions) without recursing into what they own.
pub(crate) fn drop_iteratively(records: Vec<Rc<dyn Any>>) {
    if records.is_empty() {
        return;
    }
    // Is a drainer already running on this thread? Then hand it the records.
    let mut records = Some(records);
    let queued = DEFERRED
        .try_with(|d| match d.borrow_mut().as_mut() {
            Some(queue) => {
                queue.extend(records.take().into_iter().flatten());
                true
            }
            None => false,
        })
        // Thread exit: the thread-local is gone; plain recursion is the only option left.
        .unwrap_or(false);
    let Some(records) = records.filter(|_| !queued) else { return };
    if DEFERRED.try_with(|d| *d.borrow_mut() = Some(records)).is_err() {
        return;
    }
    loop {
        // Pop with the borrow released before the record's destructor runs.
        let next = DEFERRED.with(|d| d.borrow_mut().as_mut().and_then(Vec::pop));
        match next {
            Some(record) => drop(record),
            None => break,
        }
    }
    DEFERRED.with(|d| *d.borrow_mut() = None);
}
