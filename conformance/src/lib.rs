//! settle-conformance: differential testing of settle (through settle-js) against Node.
//!
//! A proptest strategy generates small asynchronous programs (an AST, [`ast`], printed as
//! JavaScript by [`print`]); each program runs on settle, in-process on the virtual clock, and
//! on Node, in a pool of driver processes that run many programs each, one at a time and
//! isolated ([`node`]). Programs whose timer deadlines come too close for Node's real clock
//! are discarded ([`settle::timing_sensitive`]). Any difference in output or exit code is
//! shrunk to a minimal program and saved to the regression corpus
//! (`tests/conformance/regressions/`). See `docs/conformance.md`.
//!
//! The engine is a switch ([`Config::settle`]): [`settle::run_settle`] runs settle-js,
//! [`boa::run_boa`] runs Boa on settle's loop (settle-boa).

pub mod ast;
pub mod boa;
pub mod harness;
pub mod node;
mod print;
pub mod settle;
mod strategy;
pub mod test262;

use std::path::PathBuf;

pub use harness::{Config, Divergence, Report, run};
pub use print::print;
pub use strategy::{MAX_DEPTH, program_strategy};

/// What a program did: everything it printed on stdout, and its exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// stdout.
    pub stdout: String,
    /// The exit code: 0, or 1 after an uncaught exception or an unhandled rejection without a
    /// listener.
    pub code: i32,
}

/// The regression corpus: `tests/conformance/regressions/` at the workspace root.
pub fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/regressions")
}
