//! The errors the spec makes promises reject with, and settle's default reason type.
//!
//! ECMA-262 rejects promises with errors of its own in a few places: a TypeError when a promise
//! is resolved with itself, an AggregateError from `Promise.any`, and (as a JavaScript `throw`) a
//! failing handler; settle's patterns add timeouts and aborts. A promise's reason type `E`
//! receives them as a [`SpecError`] through the [`Reason`] trait, implemented by settle's own
//! [`Error`] (each becomes an [`ErrorKind`], so a Rust user can match on what happened), by the
//! text types (`String`, `Box<str>`, `Arc<str>`, `Rc<str>`: the JavaScript text), and by any
//! type with one method:
//!
//! ```
//! use settle::promise::{Error, ErrorKind, TypeError};
//!
//! let e = Error::from(TypeError::ChainingCycle);
//! assert!(matches!(e.kind(), ErrorKind::Type(TypeError::ChainingCycle)));
//! assert_eq!(e.to_string(), "TypeError: Chaining cycle detected for promise #<Promise>");
//! ```
//!
//! An embedder whose values are dynamic (a JavaScript engine) implements [`Reason`] for its
//! value type, building its own `TypeError` or `AggregateError` objects.

use std::fmt;
use std::sync::Arc;

/// ECMA-262's TypeError, for the cases the promise algorithms raise it.
///
/// ```
/// use settle::promise::TypeError;
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
/// use settle::promise::PanicError;
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
    /// assert_eq!(settle::promise::PanicError::new("x").to_string(), "x");
    /// ```
    pub fn new(message: impl Into<Arc<str>>) -> PanicError {
        PanicError { message: message.into() }
    }

    /// The panic message.
    ///
    /// ```
    /// assert_eq!(settle::promise::PanicError::new("x").message(), "x");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error for a caught panic, from its payload (what `catch_unwind` returns): the
    /// message of a `panic!` with a string, or `Box<dyn Any>` for any other payload.
    ///
    /// ```
    /// use settle::promise::PanicError;
    /// let payload = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
    /// assert_eq!(PanicError::from_payload(payload.as_ref()).message(), "boom");
    /// ```
    pub fn from_payload(payload: &(dyn std::any::Any + Send)) -> PanicError {
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
/// use settle::promise::AggregateError;
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
    /// assert!(settle::promise::AggregateError::<u8>::new(vec![]).errors.is_empty());
    /// ```
    pub fn new(errors: Vec<E>) -> AggregateError<E> {
        AggregateError { errors }
    }
}

/// The book's `timeout` pattern (chapter 3, "Promise.race"): the time ran out first.
///
/// ```
/// assert_eq!(settle::promise::TimeoutError.to_string(), "Timeout!");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("Timeout!")]
pub struct TimeoutError;

/// An operation was aborted: through its `AbortSignal` (settle-futures), or a task through
/// its [`TaskAbort`](crate::TaskAbort).
///
/// ```
/// assert_eq!(settle::promise::AbortError.to_string(), "This operation was aborted");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("This operation was aborted")]
pub struct AbortError;

/// What went wrong, for matching on an [`Error`].
///
/// ```
/// use settle::promise::{Error, ErrorKind, PanicError};
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
/// use settle::promise::{Error, ErrorKind};
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
    /// assert_eq!(settle::promise::Error::msg("Oops").to_string(), "Oops");
    /// ```
    pub fn msg(message: impl Into<Arc<str>>) -> Error {
        Error::from(ErrorKind::Message(message.into()))
    }

    /// What went wrong.
    ///
    /// ```
    /// use settle::promise::{Error, ErrorKind, TimeoutError};
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

/// An error the promise machinery raises by itself, on its way to a promise's reason type
/// through [`Reason::from_spec_error`]. Displays as JavaScript prints the error
/// (`TypeError: Chaining cycle detected for promise #<Promise>`).
///
/// ```
/// use settle::promise::{SpecError, TypeError};
/// let e: SpecError<String> = SpecError::Type(TypeError::ChainingCycle);
/// assert_eq!(e.to_string(), "TypeError: Chaining cycle detected for promise #<Promise>");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SpecError<E> {
    /// A promise resolved with itself (Promise Resolve Functions, step 7).
    Type(TypeError),
    /// A handler, executor or task panicked: the JavaScript `throw`.
    Panic(PanicError),
    /// `Promise.any` (or an `any` pattern) found every input rejected.
    Aggregate(AggregateError<E>),
    /// A timeout pattern gave up waiting.
    Timeout(TimeoutError),
    /// An abortable operation was aborted.
    Abort(AbortError),
}

impl<E> fmt::Display for SpecError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Type(e) => write!(f, "TypeError: {e}"),
            SpecError::Panic(e) => write!(f, "panic: {e}"),
            SpecError::Aggregate(e) => write!(f, "AggregateError: {e}"),
            SpecError::Timeout(e) => write!(f, "TimeoutError: {e}"),
            SpecError::Abort(e) => write!(f, "AbortError: {e}"),
        }
    }
}

/// What a promise's rejection reason type must support: cloning (every handler gets the
/// reason), `Debug`, and receiving the errors the spec raises itself ([`SpecError`]: a
/// self-resolution TypeError, a panic, an AggregateError, a timeout, an abort).
///
/// One method is required, [`from_spec_error`](Reason::from_spec_error); the per-error methods
/// and [`fmt_reason`](Reason::fmt_reason) have defaults. settle implements it for its own
/// [`Error`] (each spec error becomes its [`ErrorKind`], so it can be matched on) and for the
/// text types `String`, `Box<str>`, `Arc<str>` and `Rc<str>` (the error's JavaScript text, for
/// an AggregateError followed by the reasons). Any other `Clone + Debug + 'static` type becomes a
/// reason with one short impl:
///
/// ```
/// use settle::prelude::*;
/// use settle::promise::{Reason, SpecError};
///
/// #[derive(Clone, Debug, PartialEq)]
/// enum AppError {
///     NotFound,
///     Internal(String),
/// }
///
/// impl Reason for AppError {
///     fn from_spec_error(error: SpecError<AppError>) -> AppError {
///         AppError::Internal(error.to_string())
///     }
/// }
///
/// let out = block_on(async {
///     let p: Promise<i32, AppError> = Promise::reject(AppError::NotFound);
///     let caught = p.catch(|e| Ok(if e == AppError::NotFound { 404 } else { 500 }));
///     caught.await
/// });
/// assert_eq!(out, Ok(404));
/// ```
///
/// A JavaScript engine implements it for its value type, building its own error objects.
pub trait Reason: Clone + fmt::Debug + 'static {
    /// Turns an error the spec raises into a reason of this type.
    ///
    /// ```
    /// use settle::promise::{Reason, SpecError, TimeoutError};
    /// assert_eq!(String::from_spec_error(SpecError::Timeout(TimeoutError)), "TimeoutError: Timeout!");
    /// ```
    fn from_spec_error(error: SpecError<Self>) -> Self;

    /// The TypeError of a promise resolved with itself.
    ///
    /// ```
    /// use settle::promise::{Reason, TypeError};
    /// let e = String::from_type_error(TypeError::ChainingCycle);
    /// assert_eq!(e, "TypeError: Chaining cycle detected for promise #<Promise>");
    /// ```
    fn from_type_error(error: TypeError) -> Self {
        Self::from_spec_error(SpecError::Type(error))
    }

    /// A panic in a handler, executor or task.
    ///
    /// ```
    /// use settle::promise::{PanicError, Reason};
    /// assert_eq!(String::from_panic(PanicError::new("boom")), "panic: boom");
    /// ```
    fn from_panic(error: PanicError) -> Self {
        Self::from_spec_error(SpecError::Panic(error))
    }

    /// `Promise.any`'s rejection.
    ///
    /// ```
    /// use settle::promise::{AggregateError, Reason};
    /// let e = String::from_aggregate(AggregateError::new(vec!["a".to_string(), "b".to_string()]));
    /// assert_eq!(e, "AggregateError: All promises were rejected (a; b)");
    /// ```
    fn from_aggregate(error: AggregateError<Self>) -> Self {
        Self::from_spec_error(SpecError::Aggregate(error))
    }

    /// A timeout pattern's rejection.
    ///
    /// ```
    /// use settle::promise::{Error, ErrorKind, Reason, TimeoutError};
    /// assert!(matches!(Error::from_timeout(TimeoutError).kind(), ErrorKind::Timeout(_)));
    /// ```
    fn from_timeout(error: TimeoutError) -> Self {
        Self::from_spec_error(SpecError::Timeout(error))
    }

    /// An aborted operation's rejection.
    ///
    /// ```
    /// use settle::promise::{AbortError, Reason};
    /// assert_eq!(String::from_abort(AbortError), "AbortError: This operation was aborted");
    /// ```
    fn from_abort(error: AbortError) -> Self {
        Self::from_spec_error(SpecError::Abort(error))
    }

    /// How the reason reads in reports (an unhandled rejection): `Debug` by default; settle's
    /// own implementations use `Display`.
    ///
    /// ```
    /// use settle::promise::{Error, Reason};
    /// assert_eq!(Error::msg("Oops").display_reason().to_string(), "Oops");
    /// ```
    fn fmt_reason(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    /// The reason, formatted with [`fmt_reason`](Reason::fmt_reason).
    ///
    /// ```
    /// use settle::promise::Reason;
    /// assert_eq!("Oops".to_string().display_reason().to_string(), "Oops");
    /// ```
    fn display_reason(&self) -> DisplayReason<'_, Self> {
        DisplayReason(self)
    }
}

/// A reason formatted with [`Reason::fmt_reason`]: what [`Reason::display_reason`] returns.
///
/// ```
/// use settle::promise::{Error, Reason};
/// assert_eq!(format!("{}", Error::msg("x").display_reason()), "x");
/// ```
pub struct DisplayReason<'a, E: ?Sized>(&'a E);

impl<E: Reason> fmt::Display for DisplayReason<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_reason(f)
    }
}

impl<E: Reason> fmt::Debug for DisplayReason<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_reason(f)
    }
}

impl Reason for Error {
    fn from_spec_error(error: SpecError<Error>) -> Error {
        match error {
            SpecError::Type(e) => Error::from(e),
            SpecError::Panic(e) => Error::from(e),
            SpecError::Aggregate(e) => Error::from(e),
            SpecError::Timeout(e) => Error::from(e),
            SpecError::Abort(e) => Error::from(e),
        }
    }

    fn fmt_reason(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The JavaScript text of a spec error; an AggregateError lists its reasons after it, so that
/// a text reason loses nothing.
fn spec_error_text<E: Reason>(error: &SpecError<E>) -> String {
    let mut text = error.to_string();
    if let SpecError::Aggregate(aggregate) = error {
        let reasons: Vec<String> = aggregate.errors.iter().map(|e| e.display_reason().to_string()).collect();
        if !reasons.is_empty() {
            text.push_str(&format!(" ({})", reasons.join("; ")));
        }
    }
    text
}

macro_rules! text_reason {
    ($($ty:ty),*) => {$(
        /// The spec error's JavaScript text; reported with `Display`.
        impl Reason for $ty {
            fn from_spec_error(error: SpecError<$ty>) -> $ty {
                <$ty>::from(spec_error_text(&error))
            }

            fn fmt_reason(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    )*};
}

text_reason!(String, Box<str>, Arc<str>, std::rc::Rc<str>);

/// What a promise's value type must support: cloning, because every reaction receives the
/// value (JavaScript values are references; give large Rust values an `Rc`).
///
/// Implemented for every type that meets the bounds.
///
/// ```
/// fn assert_value<T: settle::promise::Value>() {}
/// assert_value::<std::rc::Rc<Vec<u8>>>();
/// ```
pub trait Value: Clone + 'static {}

impl<T> Value for T where T: Clone + 'static {}
