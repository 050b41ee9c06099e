//! Deliberate bugs, for mutation tests (compiled only under `--cfg settle_mutation`).
//!
//! A differential or property test is only worth something if it fails when the code is wrong.
//! This module lets such a test break one algorithm on purpose, on the current thread only, and
//! check that the test notices (settle-conformance's mutation check does this against Node).
//! Nothing changes unless [`set_mutation`] is called; without the flag the module and its
//! checks are not compiled at all, so no ordinary build (and no feature unification in a
//! workspace) can carry them. To run this example:
//! `RUSTFLAGS="--cfg settle_mutation" RUSTDOCFLAGS="--cfg settle_mutation"
//! CARGO_TARGET_DIR=target/mutation cargo test -p settle-promise --doc mutation`.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use settle_promise::Promise;
//! use settle_promise::mutation::{Mutation, set_mutation};
//! use settle_runtime::EventLoop;
//!
//! // In which tick does `new Promise(r => r(fulfilled)).then(X)` run X? A ruler chain tells.
//! fn tick_of_x() -> usize {
//!     let el = EventLoop::new();
//!     let log = Rc::new(RefCell::new(Vec::new()));
//!     {
//!         let _g = el.enter();
//!         let fulfilled = Promise::<u32>::resolve(0);
//!         let p = Promise::<u32>::new(|r| { r.resolve(fulfilled); Ok(()) });
//!         let l = log.clone();
//!         p.then(move |_| { l.borrow_mut().push(0); Ok(()) });
//!         let mut ruler = Promise::<u32>::resolve(0);
//!         for tick in 1..=4 {
//!             let l = log.clone();
//!             ruler = ruler.then(move |_| { l.borrow_mut().push(tick); Ok(0) });
//!         }
//!     }
//!     el.run().unwrap();
//!     let log = log.borrow();
//!     let x = log.iter().position(|&t| t == 0).unwrap();
//!     log[..x].iter().copied().max().unwrap_or(0) as usize + 1
//! }
//!
//! assert_eq!(tick_of_x(), 3); // ECMA-262: the thenable job, then the reaction, then X
//! let previous = set_mutation(Some(Mutation::AdoptPromiseWithoutJob));
//! assert_eq!(tick_of_x(), 2); // broken: no thenable job
//! set_mutation(previous);
//! assert_eq!(tick_of_x(), 3);
//! ```

use std::cell::Cell;

/// A deliberate bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mutation {
    /// The Promise Resolve Function (27.2.1.3.2) adopts a settle promise at once, inside the
    /// `resolve` call, instead of queueing NewPromiseResolveThenableJob (step 14): whatever
    /// waits on the resolved promise runs one tick too early. (Thenables other than settle
    /// promises still get their job.)
    AdoptPromiseWithoutJob,
}

thread_local! {
    static ACTIVE: Cell<Option<Mutation>> = const { Cell::new(None) };
}

/// Switches a mutation on (or all off, with `None`) for the current thread; returns the
/// previous setting.
pub fn set_mutation(mutation: Option<Mutation>) -> Option<Mutation> {
    ACTIVE.with(|a| a.replace(mutation))
}

/// Whether `mutation` is switched on for the current thread.
pub(crate) fn is_active(mutation: Mutation) -> bool {
    ACTIVE.with(|a| a.get() == Some(mutation))
}
