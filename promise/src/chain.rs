//! `and_then`: a handler that returns a promise, in a form Rust can infer.
//!
//! `then`'s handler may return a value or a promise (both adopt, as in JavaScript); when it
//! returns a promise and nothing later names the value type, Rust cannot choose between "a
//! promise of `i32`" and "a promise whose value is a `Promise<i32>`" (E0283). `and_then` takes
//! only the promise form, so the value type is the returned promise's. It is `then` with the
//! handler's promise as its result: the same jobs and ticks.

use crate::error::{Reason, Value};
use crate::promise::Promise;
use crate::resolution::{Resolution, Thenables};

impl<T: Value, E: Reason, D: Thenables<T, E>> Promise<T, E, D> {
    /// `promise.then(v => f(v))` where `f` returns a promise: the derived promise adopts it
    /// (27.2.1.3.2 steps 13-16, two more ticks). A rejection passes through unchanged; a panic
    /// in `f` rejects the derived promise with a PanicError (through [`Reason::from_panic`]).
    ///
    /// ```
    /// use settle::prelude::*;
    /// let v = block_on(async {
    ///     Promise::resolve(20).and_then(|v| Promise::resolve(v + 1)).then(|v| Ok(v * 2)).await
    /// });
    /// assert_eq!(v.unwrap(), 42);
    /// ```
    pub fn and_then<U>(&self, f: impl FnOnce(T) -> Promise<U, E, D> + 'static) -> Promise<U, E, D>
    where
        U: Value,
        D: Thenables<U, E>,
    {
        self.then::<U, Resolution<U, E, D>>(move |value| Ok(Resolution::Promise(f(value))))
    }
}
