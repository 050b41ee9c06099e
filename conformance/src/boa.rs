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

/// Messages ECMA-262 leaves to the implementation that Boa words differently from V8: each is
/// (a pattern of V8's text, Boa's text, the one form both are compared in). Only texts with a
/// fixed form are listed: a message that quotes the program (V8's `x.f is not a function`)
/// stays a difference (tests/boa_examples.rs lists those per file).
const WORDING: &[(&str, &str, &str)] = &[
    // 27.2.4.3.1 step 8.b: the AggregateError of a Promise.any whose promises all rejected.
    ("All promises were rejected", "no promise in Promise.any was fulfilled.", "<all promises rejected>"),
    // 27.2.1.3.2 step 7.a: a promise resolved with itself. V8 names the promise's constructor
    // (`#<Promise>`, `#<Sub>`): everything up to the `>` is V8's text.
    ("Chaining cycle detected for promise #<", "SameValue(resolution, promise) is true", "<chaining cycle>"),
];

/// An outcome with the messages of [`WORDING`], in either engine's words, in one form: the
/// differential batch on Boa compares ordering and values, and these texts are the engines'
/// own, not the program's. Applied to both sides (`Config::canonical`).
///
/// ```
/// use settle_conformance::{Outcome, boa::canonical_wording};
/// let v8 = Outcome { stdout: "TypeError:Chaining cycle detected for promise #<Sub>\n".into(), code: 0 };
/// let boa = Outcome { stdout: "TypeError:SameValue(resolution, promise) is true\n".into(), code: 0 };
/// assert_eq!(canonical_wording(v8), canonical_wording(boa));
/// ```
pub fn canonical_wording(mut outcome: Outcome) -> Outcome {
    for (v8, boa, canonical) in WORDING {
        outcome.stdout = outcome.stdout.replace(boa, canonical);
        if let Some(open) = v8.strip_suffix('<') {
            // `... #<Name>`: the name is V8's and goes with it.
            let mut out = String::with_capacity(outcome.stdout.len());
            let mut rest = outcome.stdout.as_str();
            while let Some(at) = rest.find(v8) {
                out.push_str(&rest[..at]);
                let after = &rest[at + v8.len()..];
                match after.find('>') {
                    Some(close) if !after[..close].contains(char::is_whitespace) => {
                        out.push_str(canonical);
                        rest = &after[close + 1..];
                    }
                    _ => {
                        out.push_str(open);
                        out.push('<');
                        rest = after;
                    }
                }
            }
            out.push_str(rest);
            outcome.stdout = out;
        } else {
            outcome.stdout = outcome.stdout.replace(v8, canonical);
        }
    }
    outcome
}
