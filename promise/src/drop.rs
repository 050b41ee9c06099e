//! Dropping long promise chains without deep recursion.
//!
//! A pending promise owns its reactions, a reaction owns the derived promise's resolving
//! functions, and those own the derived promise, which owns its reactions... Dropping the head
//! of a million-link chain would recurse a million frames deep. Instead, the first drop on a
//! thread becomes the "drainer": drops that happen while it runs only queue their reactions,
//! and the drainer drops the queue one record at a time, so the depth stays constant.
//!
//! A record's destructor runs user code (the destructors of what its handlers captured), and
//! that code may panic. The drainer catches the panic, goes on with the rest of the queue, and
//! only then, with the thread's state back to "no drainer", reports it:
//!
//! - with a loop current, through that loop's uncaught-error hook, as
//!   [`UncaughtKind::Panic`](settle_runtime::UncaughtKind::Panic) (one report per panic), and
//!   the drop that started the drainer returns normally;
//! - with no loop current, the first panic is resumed from that drop, as Rust would propagate a
//!   panicking destructor (the panic hook printed every message when it happened; later panics
//!   of the same drain are not resumed, since one unwind can carry one payload).
//!
//! Why not just reset the state on unwind: the records still queued belong to other chains,
//! and they would either leak or be dropped while unwinding, where a second panicking
//! destructor aborts the process. Catching costs nothing on the path without a panic.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use settle_runtime::{Handle, Uncaught};

use crate::pool::ErasedRc;

thread_local! {
    static DEFERRED: RefCell<Option<Vec<ErasedRc>>> = const { RefCell::new(None) };
}

/// Drops `records` (a promise's orphaned reactions, type-erased strong references to their
/// pooled blocks) without recursing into what they own.
pub(crate) fn drop_iteratively(records: Vec<ErasedRc>) {
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
    let mut panics = Vec::new();
    // A panic leaves the loop of `drain`; the next pass goes on with what is still queued.
    while let Err(payload) = catch_unwind(AssertUnwindSafe(drain)) {
        panics.push(payload);
    }
    DEFERRED.with(|d| *d.borrow_mut() = None);
    if !panics.is_empty() {
        report(panics);
    }
}

/// Drops queued records until none is left.
fn drain() {
    loop {
        // Pop with the borrow released before the record's destructor runs.
        let next = DEFERRED.with(|d| d.borrow_mut().as_mut().and_then(Vec::pop));
        match next {
            Some(record) => drop(record),
            None => return,
        }
    }
}

/// Reports the panics of one drain (see the module documentation). Runs with no drainer
/// active, so whatever the uncaught hook drops is drained afresh.
#[cold]
fn report(panics: Vec<Box<dyn Any + Send>>) {
    match Handle::try_current() {
        Ok(handle) => {
            for payload in &panics {
                handle.report(&Uncaught::from_panic(payload.as_ref(), handle.origin()));
            }
        }
        Err(_) => {
            if let Some(first) = panics.into_iter().next() {
                resume_unwind(first);
            }
        }
    }
}
