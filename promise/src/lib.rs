//! A spec-faithful ECMAScript Promise on the settle event loop: ECMA-262 27.2, plus Await
//! (`promise.await`, 27.7.5.3) and the task it resumes ([`Promise::from_future`]), which must
//! live here (docs/design.md, "Crates"). The Rust-futures interop built on them (`spawn_local`,
//! `block_on`, `sleep`, `AbortController`, the worker pool, the book's patterns) is
//! settle-futures; the facade's `settle::promise` holds both.
//!
//! Every algorithm is a function named after its ECMA-262 abstract operation, with the
//! section and step numbers beside the code (see `docs/spec-map.md`). A value travels from
//! `resolve` to the handler that receives it through three files:
//!
//! 1. `resolving.rs`: [`Resolvers::resolve`] is the Promise Resolve Function: it checks
//!    \[\[AlreadyResolved\]\], classifies the value (through the promise's [`Thenables`]), and
//!    either fulfills the promise or queues NewPromiseResolveThenableJob (same file).
//!    FulfillPromise / RejectPromise settle the promise and hand its reactions to
//!    TriggerPromiseReactions, which queues one job per reaction on the promise's loop.
//! 2. `reaction.rs`: NewPromiseReactionJob. The reaction record is the job; running it takes
//!    the argument and calls the record's handler, giving a `then` record the derived
//!    promise's capability.
//! 3. `promise.rs`: that handler, the closure `then` (27.2.5.4) built around the user's
//!    function: it calls the function with the value (`call_handler`, NewPromiseReactionJob
//!    step 1.e) and resolves the derived promise with the result: back to step 1 for that
//!    promise.
//!
//! Promises need a current event loop ([`settle_runtime::Handle::current`]) wherever they queue
//! a job: inside a running loop, or under [`EventLoop::enter`](settle_runtime::EventLoop::enter).
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use settle::promise::Promise;
//! use settle::runtime::EventLoop;
//!
//! // The book's A B C example (chapter 3, "Trust"): reactions on one promise run in
//! // registration order, and one added while they run goes to the back.
//! let el = EventLoop::new();
//! let out = Rc::new(RefCell::new(String::new()));
//! let o = out.clone();
//! el.queue_task(move || {
//!     let p = Promise::<()>::resolve(());
//!     let (p2, o1, o2) = (p.clone(), o.clone(), o.clone());
//!     p.then(move |()| {
//!         let o3 = o1.clone();
//!         p2.then(move |()| { o3.borrow_mut().push('C'); Ok(()) });
//!         o1.borrow_mut().push('A');
//!         Ok(())
//!     });
//!     p.then(move |()| { o2.borrow_mut().push('B'); Ok(()) });
//! });
//! el.run().unwrap();
//! assert_eq!(*out.borrow(), "ABC");
//! ```

mod chain;
mod combinators;
mod drop;
mod element;
mod error;
mod future;
#[cfg(settle_mutation)]
pub mod mutation;
mod owner;
mod pool;
mod promise;
mod reaction;
pub mod realm;
mod resolution;
mod resolving;
mod statics;
mod task;
mod tracker;

pub use combinators::Settled;
pub use error::{
    AbortError, AggregateError, DisplayReason, Error, ErrorKind, PanicError, Reason, SpecError, TimeoutError,
    TypeError, Value,
};
pub use future::PromiseFuture;
pub use promise::{Promise, PromiseState};
pub use resolution::{IntoResolution, NoThenables, Resolution, Thenable, Thenables};
pub use resolving::Resolvers;
pub use statics::PromiseStatics;
pub use task::TaskAbort;
pub use tracker::{AnyPromise, RejectionEvent, RejectionEventKind, RejectionPolicy, set_rejection_policy};
