//! The unit of work both queues hold.

/// A piece of work for the loop: a macrotask or a microtask Job.
///
/// Closures are wrapped for you by [`Handle::queue_microtask`](crate::Handle::queue_microtask)
/// and friends. The trait exists so that a crate built on the loop can queue a record it already
/// allocated (the promise crate queues its reaction records as they are, with no second box).
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use settle_runtime::{EventLoop, Job};
///
/// struct Count(Rc<Cell<u32>>);
/// impl Job for Count {
///     fn run(self: Box<Self>) {
///         self.0.set(self.0.get() + 1);
///     }
/// }
///
/// let el = EventLoop::new();
/// let n = Rc::new(Cell::new(0));
/// el.queue_job(Box::new(Count(n.clone())));
/// el.run().unwrap();
/// assert_eq!(n.get(), 1);
/// ```
pub trait Job: 'static {
    /// Performs the work. Called at most once, with no borrow of the loop held.
    fn run(self: Box<Self>);
}

/// A closure as a [`Job`].
pub(crate) struct FnJob<F>(pub(crate) F);

impl<F: FnOnce() + 'static> Job for FnJob<F> {
    fn run(self: Box<Self>) {
        (self.0)()
    }
}
