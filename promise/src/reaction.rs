//! PromiseReaction records (27.2.1.2) and NewPromiseReactionJob (27.2.2.1).
//!
//! A `then` call's two reaction records (fulfill and reject) share one allocation here: a single
//! record holds the handler closure and, once the promise settles, the argument. That record is
//! then queued as the job itself, so a reaction costs one box from `then` to its handler.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use settle_runtime::Job;

use crate::error::{PanicError, Reason};

/// A reaction waiting on a pending promise.
pub(crate) trait Reaction<T, E> {
    /// NewPromiseReactionJob ( reaction, argument ): turns the record into its job by storing
    /// the argument in it (no second allocation).
    fn into_job(self: Box<Self>, argument: Result<T, E>) -> Box<dyn Job>;

    /// The record, type-erased, for dropping without recursion (see `drop.rs`).
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// A reaction record: the handler and, after settlement, its argument.
pub(crate) struct PromiseReaction<T, E, F> {
    argument: Option<Result<T, E>>,
    handler: F,
}

/// Creates a reaction record whose job calls `handler` with the settled outcome.
pub(crate) fn new_reaction<T, E, F>(handler: F) -> Box<dyn Reaction<T, E>>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    Box::new(PromiseReaction { argument: None, handler })
}

impl<T, E, F> Reaction<T, E> for PromiseReaction<T, E, F>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    fn into_job(mut self: Box<Self>, argument: Result<T, E>) -> Box<dyn Job> {
        self.argument = Some(argument);
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

impl<T, E, F> Job for PromiseReaction<T, E, F>
where
    T: 'static,
    E: 'static,
    F: FnOnce(Result<T, E>) + 'static,
{
    /// 27.2.2.1 NewPromiseReactionJob, step 1: the Job Abstract Closure.
    fn run(self: Box<Self>) {
        let PromiseReaction { argument, handler } = *self;
        if let Some(argument) = argument {
            handler(argument);
        }
    }
}

/// Calls a user handler: 27.2.2.1 step 1.e, `Call(handler, undefined, « argument »)`.
/// A panic is the handler "throwing": it becomes an abrupt completion with a [`PanicError`].
pub(crate) fn call_handler<A, R, E: Reason>(
    handler: impl FnOnce(A) -> Result<R, E>,
    argument: A,
) -> Result<R, E> {
    match catch_unwind(AssertUnwindSafe(move || handler(argument))) {
        Ok(completion) => completion,
        Err(payload) => Err(E::from(PanicError::from_payload(payload.as_ref()))),
    }
}

/// How many reactions one chunk of a long reaction list holds: its buffer (61 fat pointers,
/// 976 bytes) stays in glibc's small-bin range. A request of 1 KiB or more would be a large-bin
/// request, which makes glibc consolidate all its fast bins first (and every later small
/// allocation then takes the slow path); a vector growing by doubling makes such requests.
const CHUNK: usize = 61;

/// One chunk of a long reaction list, newest chunk first.
pub(crate) struct Chunk<T, E> {
    /// At most `CHUNK` records, in registration order; allocated once at full size.
    records: Vec<Box<dyn Reaction<T, E>>>,
    older: Option<Box<Chunk<T, E>>>,
}

/// The reactions of a pending promise, in registration order. Most promises get zero or one,
/// so those cases need no list; more are kept in fixed-size chunks, so that a promise with
/// 100 000 handlers never reallocates a vector its way up to megabytes.
pub(crate) enum Reactions<T, E> {
    Empty,
    One(Box<dyn Reaction<T, E>>),
    Many(Box<Chunk<T, E>>),
}

impl<T, E> Reactions<T, E> {
    pub(crate) const fn new() -> Reactions<T, E> {
        Reactions::Empty
    }

    pub(crate) fn push(&mut self, reaction: Box<dyn Reaction<T, E>>) {
        match self {
            Reactions::Empty => *self = Reactions::One(reaction),
            Reactions::Many(newest) if newest.records.len() < CHUNK => newest.records.push(reaction),
            _ => {
                let (older, first) = match std::mem::replace(self, Reactions::Empty) {
                    Reactions::One(first) => (None, Some(first)),
                    Reactions::Many(full) => (Some(full), None),
                    Reactions::Empty => unreachable!(),
                };
                let mut records = Vec::with_capacity(CHUNK);
                records.extend(first);
                records.push(reaction);
                *self = Reactions::Many(Box::new(Chunk { records, older }));
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Reactions::Empty)
    }

    /// Calls `f` on each record, in registration order, telling it whether the record is the
    /// last one.
    #[inline]
    pub(crate) fn drain_in_order(self, mut f: impl FnMut(Box<dyn Reaction<T, E>>, bool)) {
        match self {
            Reactions::Empty => {}
            Reactions::One(reaction) => f(reaction, true),
            Reactions::Many(newest) => {
                // Oldest chunk first: reverse the chunk list (one step per chunk).
                let mut oldest = None;
                let mut next = Some(newest);
                while let Some(mut chunk) = next {
                    next = chunk.older.take();
                    chunk.older = oldest;
                    oldest = Some(chunk);
                }
                let mut next = oldest;
                while let Some(mut chunk) = next {
                    next = chunk.older.take();
                    let n = chunk.records.len();
                    for (i, record) in chunk.records.drain(..).enumerate() {
                        f(record, next.is_none() && i + 1 == n);
                    }
                }
            }
        }
    }

    /// Each record, type-erased, for dropping without recursion (see `drop.rs`).
    pub(crate) fn into_any(self) -> Vec<Box<dyn Any>> {
        let mut all = Vec::new();
        self.drain_in_order(|record, _| all.push(record.into_any()));
        all
    }
}

impl<T, E> Drop for Chunk<T, E> {
    fn drop(&mut self) {
        // Unlink the older chunks first, so that dropping a long list never recurses along it.
        let mut next = self.older.take();
        while let Some(mut chunk) = next {
            next = chunk.older.take();
        }
    }
}
