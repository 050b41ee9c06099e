//! The engine switch's other side: running programs on Boa with settle's loop (settle-boa),
//! in-process on the virtual clock, as [`crate::settle::run_settle`] does for settle-js.

use std::cell::RefCell;
use std::rc::Rc;

use settle_boa::{HostKind, Options};

use crate::Outcome;

/// Runs a program on Boa + settle with Node's host rules on the virtual clock, on a thread with
/// a deep stack (Boa's unoptimized builds recurse deeply; a test thread's 2 MB is not enough).
pub fn run_boa(source: &str) -> Outcome {
    let source = source.to_string();
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run_boa_here(&source))
        .expect("a thread for Boa")
        .join()
        .unwrap_or(Outcome { stdout: String::new(), code: 70 })
}

fn run_boa_here(source: &str) -> Outcome {
    let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    let err = Rc::new(RefCell::new(Vec::<u8>::new()));
    let options = Options { host: HostKind::Node, virtual_clock: true, ..Options::default() };
    let code = settle_boa::run("program.js", source, &options, out.clone(), err);
    let stdout = String::from_utf8_lossy(&out.borrow()).into_owned();
    Outcome { stdout, code }
}

/// Messages ECMA-262 leaves to the implementation that Boa words differently from V8, as
/// (Boa's text, V8's text). Only whole, fixed texts are listed: a message that quotes the
/// program (V8's `x.f is not a function`) has no fixed form to map, and stays a difference
/// (tests/boa_examples.rs lists those per file).
pub const BOA_WORDING: &[(&str, &str)] = &[
    // 27.2.4.3.1 step 8.b: the AggregateError of a Promise.any whose promises all rejected.
    ("no promise in Promise.any was fulfilled.", "All promises were rejected"),
    // 27.2.1.3.2 step 7.a: a promise resolved with itself.
    ("SameValue(resolution, promise) is true", "Chaining cycle detected for promise #<Promise>"),
];

/// [`run_boa`], with the messages of [`BOA_WORDING`] in V8's words: the differential batch
/// compares ordering and values, and these texts are the engines' own, not the program's.
///
/// ```
/// let out = settle_conformance::boa::run_boa_in_v8_wording("Promise.any([]).catch((e) => console.log(e.message));");
/// assert_eq!(out.stdout, "All promises were rejected\n");
/// ```
pub fn run_boa_in_v8_wording(source: &str) -> Outcome {
    let mut outcome = run_boa(source);
    for (boa, v8) in BOA_WORDING {
        outcome.stdout = outcome.stdout.replace(boa, v8);
    }
    outcome
}
