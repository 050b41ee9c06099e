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

/// The reactions of a pending promise, in registration order. Most promises get zero or one,
/// so those cases need no vector.
pub(crate) enum Reactions<T, E> {
    Empty,
    One(Box<dyn Reaction<T, E>>),
    Many(Vec<Box<dyn Reaction<T, E>>>),
}

impl<T, E> Reactions<T, E> {
    pub(crate) fn push(&mut self, reaction: Box<dyn Reaction<T, E>>) {
        match std::mem::replace(self, Reactions::Empty) {
            Reactions::Empty => *self = Reactions::One(reaction),
            Reactions::One(first) => *self = Reactions::Many(vec![first, reaction]),
            Reactions::Many(mut all) => {
                all.push(reaction);
                *self = Reactions::Many(all);
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Reactions::Empty)
    }

    /// Each record, type-erased, for dropping without recursion (see `drop.rs`).
    pub(crate) fn into_any(self) -> Vec<Box<dyn Any>> {
        match self {
            Reactions::Empty => Vec::new(),
            Reactions::One(r) => vec![r.into_any()],
            Reactions::Many(all) => all.into_iter().map(|r| r.into_any()).collect(),
        }
    }
}
