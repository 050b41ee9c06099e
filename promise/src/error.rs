//! The errors the spec makes promises reject with, and settle's default reason type.
//!
//! ECMA-262 rejects promises with errors of its own in a few places: a TypeError when a promise
//! is resolved with itself, an AggregateError from `Promise.any`, and (as a JavaScript `throw`) a
//! failing handler. A promise's reason type `E` receives them through `From`: every `E` must
//! convert from [`TypeError`] and [`PanicError`] (the [`Reason`] bound), and `E` must convert
//! from [`AggregateError<E>`] to use [`Promise::any`](crate::Promise::any). settle's own
//! [`Error`] does all of this, so a Rust user can match on what happened:
//!
//! ```
//! use settle_promise::{Error, ErrorKind, TypeError};
//!
//! let e = Error::from(TypeError::ChainingCycle);
//! assert!(matches!(e.kind(), ErrorKind::Type(TypeError::ChainingCycle)));
//! assert_eq!(e.to_string(), "TypeError: Chaining cycle detected for promise #<Promise>");
//! ```
//!
//! An embedder whose values are dynamic (a JavaScript engine) implements the same `From`s for
//! its value type, building its own `TypeError` or `AggregateError` objects.

use std::fmt;
use std::sync::Arc;

/// ECMA-262's TypeError, for the cases the promise algorithms raise it.
///
/// ```
/// use settle_promise::TypeError;
/// assert_eq!(TypeError::ChainingCycle.to_string(), "Chaining cycle detected for promise #<Promise>");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TypeError {
    /// A promise was resolved with itself (Promise Resolve Functions, step 7). The message is
    /// V8's, so that output matches Node.
    #[error("Chaining cycle detected for promise #<Promise>")]
    ChainingCycle,
}

/// A handler, executor or task panicked; in JavaScript terms, it threw.
///
/// ```
/// use settle_promise::PanicError;
/// assert_eq!(PanicError::new("boom").message(), "boom");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{message}")]
pub struct PanicError {
    message: Arc<str>,
}

impl PanicError {
    /// A panic with this message.
    ///
    /// ```
    /// assert_eq!(settle_promise::PanicError::new("x").to_string(), "x");
    /// ```
    pub fn new(message: impl Into<Arc<str>>) -> PanicError {
        PanicError { message: message.into() }
    }

    /// The panic message.
    ///
    /// ```
    /// assert_eq!(settle_promise::PanicError::new("x").message(), "x");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn from_payload(payload: &(dyn std::any::Any + Send)) -> PanicError {
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "Box<dyn Any>".to_string()
        };
        PanicError::new(message)
    }
}

/// `Promise.any`'s rejection: every input rejected. `errors` holds the reasons in input order.
///
/// ```
/// use settle_promise::AggregateError;
/// let e = AggregateError::new(vec!["a", "b"]);
/// assert_eq!(e.errors, ["a", "b"]);
/// assert_eq!(e.to_string(), "All promises were rejected");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("All promises were rejected")]
pub struct AggregateError<E> {
    /// The reasons, in the order of the input.
    pub errors: Vec<E>,
}

impl<E> AggregateError<E> {
    /// An AggregateError holding `errors`.
    ///
    /// ```
    /// assert!(settle_promise::AggregateError::<u8>::new(vec![]).errors.is_empty());
    /// ```
    pub fn new(errors: Vec<E>) -> AggregateError<E> {
        AggregateError { errors }
    }
}

/// The book's `timeout` pattern (chapter 3, "Promise.race"): the time ran out first.
///
/// ```
/// assert_eq!(settle_promise::TimeoutError.to_string(), "Timeout!");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("Timeout!")]
pub struct TimeoutError;

/// An operation was aborted through its [`AbortSignal`](crate::AbortSignal).
///
/// ```
/// assert_eq!(settle_promise::AbortError.to_string(), "This operation was aborted");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("This operation was aborted")]
pub struct AbortError;

/// What went wrong, for matching on an [`Error`].
///
/// ```
/// use settle_promise::{Error, ErrorKind, PanicError};
/// let e = Error::from(PanicError::new("boom"));
/// assert!(matches!(e.kind(), ErrorKind::Panic(p) if p.message() == "boom"));
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A spec TypeError.
    #[error("TypeError: {0}")]
    Type(TypeError),
    /// `Promise.any` found every input rejected.
    #[error("AggregateError: {0}")]
    Aggregate(AggregateError<Error>),
    /// A handler, executor or task panicked.
    #[error("panic: {0}")]
    Panic(PanicError),
    /// A timeout pattern gave up waiting.
    #[error("TimeoutError: {0}")]
    Timeout(TimeoutError),
    /// An abortable operation was aborted.
    #[error("AbortError: {0}")]
    Abort(AbortError),
    /// An error raised by user code, as text (the book's `reject("Oops")`).
    #[error("{0}")]
    Message(Arc<str>),
}

/// settle's default rejection reason: cheap to clone (one pointer), `Send + Sync` (so workers
/// can reject with it), printable, and matchable through [`Error::kind`].
///
/// ```
/// use settle_promise::{Error, ErrorKind};
/// let e = Error::msg("Oops");
/// assert_eq!(e.to_string(), "Oops");
/// assert!(matches!(e.kind(), ErrorKind::Message(m) if &**m == "Oops"));
/// assert_eq!(e, Error::from("Oops"));
/// ```
#[derive(Clone, PartialEq)]
pub struct Error {
    kind: Arc<ErrorKind>,
}

impl Error {
    /// An error carrying a message, like JavaScript's `reject("Oops")`.
    ///
    /// ```
    /// assert_eq!(settle_promise::Error::msg("Oops").to_string(), "Oops");
    /// ```
    pub fn msg(message: impl Into<Arc<str>>) -> Error {
        Error::from(ErrorKind::Message(message.into()))
    }

    /// What went wrong.
    ///
    /// ```
    /// use settle_promise::{Error, ErrorKind, TimeoutError};
    /// assert!(matches!(Error::from(TimeoutError).kind(), ErrorKind::Timeout(_)));
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.kind, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.kind, f)
    }
}

impl std::error::Error for Error {}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error { kind: Arc::new(kind) }
    }
}

impl From<TypeError> for Error {
    fn from(e: TypeError) -> Error {
        Error::from(ErrorKind::Type(e))
    }
}

impl From<PanicError> for Error {
    fn from(e: PanicError) -> Error {
        Error::from(ErrorKind::Panic(e))
    }
}

impl From<AggregateError<Error>> for Error {
    fn from(e: AggregateError<Error>) -> Error {
        Error::from(ErrorKind::Aggregate(e))
    }
}

impl From<TimeoutError> for Error {
    fn from(e: TimeoutError) -> Error {
        Error::from(ErrorKind::Timeout(e))
    }
}

impl From<AbortError> for Error {
    fn from(e: AbortError) -> Error {
        Error::from(ErrorKind::Abort(e))
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Error {
        Error::msg(message)
    }
}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::msg(message)
    }
}

/// What a promise's rejection reason type must support: cloning (every handler gets the
/// reason), `Debug` (unhandled rejections are reported with it), and receiving the errors the
/// spec raises itself.
///
/// Implemented for every type that meets the bounds.
///
/// ```
/// fn assert_reason<E: settle_promise::Reason>() {}
/// assert_reason::<settle_promise::Error>();
/// ```
pub trait Reason: Clone + fmt::Debug + From<TypeError> + From<PanicError> + 'static {}

impl<E> Reason for E where E: Clone + fmt::Debug + From<TypeError> + From<PanicError> + 'static {}

/// What a promise's value type must support: cloning, because every reaction receives the
/// value (JavaScript values are references; give large Rust values an `Rc`).
///
/// Implemented for every type that meets the bounds.
///
/// ```
/// fn assert_value<T: settle_promise::Value>() {}
/// assert_value::<std::rc::Rc<Vec<u8>>>();
/// ```
pub trait Value: Clone + 'static {}

impl<T> Value for T where T: Clone + 'static {}
