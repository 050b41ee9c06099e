//! The embedder interface (issue 11), one module per concern: the host context lent to every
//! kind of callback, the rejection tracker on a foreign promise type, async driving, stop-now,
//! labels, cancellation, loop ownership, and the drop contract. Every assertion is an exact
//! count or order, never a time.

mod async_driving;
mod cancel;
mod drop_contract;
mod foreign_promise;
mod host_context;
mod labels;
mod ownership;
mod stop_now;
