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
