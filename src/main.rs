//! `settle`: runs a JavaScript file on settle's event loop, timers and Promise, with Node's
//! semantics (or a browser's with `--host html`). With no file, a tour of the book's examples.

use std::cell::RefCell;
use std::process::ExitCode;
use std::rc::Rc;

use settle_js::{HostKind, Options, Sink};

const USAGE: &str = "\
usage: settle [--engine settle|boa] [--trace] [--host node|html] [--seed N] [--virtual-time] [--script] [FILE.js]

Runs FILE.js on settle (a subset of JavaScript; see README.md, \"JavaScript\").
With no FILE, runs a tour of the book's examples, each shown with its output.

  --engine E       settle (the default: settle-js, whose Promise is settle's own)
                   or boa (the Boa engine, its jobs and timers on settle's loop)
  --trace          after each line of output, show which queue the code came from
  --host node|html host profile (default node): timers, process.nextTick and
                   unhandled-rejection events as in Node, or as in a browser
  --seed N         seed of Math.random (default: fixed)
  --virtual-time   timers fire in order without waiting (virtual clock)
  --script         run FILE as a classic script (as test262 does): top-level `this`
                   is globalThis and top-level var/function declarations are its
                   properties (default: like `node FILE`, a CommonJS module body)";

/// The tour: the book's examples, in reading order.
const TOUR: &[(&str, &str)] = &[
    ("ch1-event-loop-ACDB.js", include_str!("../examples/js/ch1-event-loop-ACDB.js")),
    ("ch3-then-order-ABC.js", include_str!("../examples/js/ch3-then-order-ABC.js")),
    ("ch3-p1-p3-quirk.js", include_str!("../examples/js/ch3-p1-p3-quirk.js")),
    ("ch3-thenable-trust.js", include_str!("../examples/js/ch3-thenable-trust.js")),
    ("ch3-chain-delay.js", include_str!("../examples/js/ch3-chain-delay.js")),
    ("ch3-error-handling.js", include_str!("../examples/js/ch3-error-handling.js")),
    ("ch3-all-race.js", include_str!("../examples/js/ch3-all-race.js")),
    ("ch4-generator-basics.js", include_str!("../examples/js/ch4-generator-basics.js")),
    ("ch4-generator-promises.js", include_str!("../examples/js/ch4-generator-promises.js")),
    ("ch4-async-await.js", include_str!("../examples/js/ch4-async-await.js")),
    ("es6-promise-api.js", include_str!("../examples/js/es6-promise-api.js")),
    ("puzzle-async1-async2.js", include_str!("../examples/js/puzzle-async1-async2.js")),
    ("puzzle-finally-vs-then.js", include_str!("../examples/js/puzzle-finally-vs-then.js")),
    ("puzzle-interleaved-await.js", include_str!("../examples/js/puzzle-interleaved-await.js")),
];

fn main() -> ExitCode {
    let mut options = Options::default();
    let mut file = None;
    let mut boa = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--engine" => match args.next().as_deref() {
                Some("settle") => boa = false,
                Some("boa") => boa = true,
                _ => return usage_error("--engine takes `settle` or `boa`"),
            },
            "--trace" => options.trace = true,
            "--virtual-time" => options.virtual_clock = true,
            "--script" => options.script = true,
            "--host" => match args.next().as_deref() {
                Some("node") => options.host = HostKind::Node,
                Some("html") => options.host = HostKind::Html,
                _ => return usage_error("--host takes `node` or `html`"),
            },
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(seed) => options.seed = seed,
                None => return usage_error("--seed takes an integer"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if other.starts_with('-') => return usage_error(&format!("unknown option {other}")),
            other if file.is_none() => file = Some(other.to_string()),
            _ => return usage_error("only one FILE"),
        }
    }
    // The interpreter evaluates nested calls recursively: give it a deep stack.
    let worker = std::thread::Builder::new().stack_size(512 << 20).spawn(move || match file {
        Some(path) if boa => run_file_on_boa(&path, &options),
        Some(path) => run_file(&path, &options),
        None => tour(&options),
    });
    let code = match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        _ => EXIT_INTERNAL,
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Node's exit code for an invalid option.
const EXIT_BAD_OPTION: u8 = 9;

/// The exit code when the interpreter itself failed (a bug of settle, not of the script):
/// sysexits' EX_SOFTWARE, a code Node never uses.
const EXIT_INTERNAL: i32 = 70;

fn usage_error(message: &str) -> ExitCode {
    eprintln!("settle: {message}\n\n{USAGE}");
    ExitCode::from(EXIT_BAD_OPTION)
}

/// Reads a script as Node does: bytes that are not UTF-8 become U+FFFD (Node decodes source
/// files with replacement), so a stray Latin-1 byte in a comment does not stop the script.
/// A file that cannot be read is an error with exit code 1, as `node missing.js` is.
fn read_source(path: &str) -> Result<String, i32> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }),
        Err(e) => {
            eprintln!("settle: cannot read {path}: {e}");
            Err(1)
        }
    }
}

fn sinks() -> (Sink, Sink) {
    (Rc::new(RefCell::new(std::io::stdout())), Rc::new(RefCell::new(std::io::stderr())))
}

fn run_file(path: &str, options: &Options) -> i32 {
    let source = match read_source(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (out, err) = sinks();
    settle_js::run(path, &source, options, out, err)
}

fn run_file_on_boa(path: &str, options: &Options) -> i32 {
    let source = match read_source(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let host = match options.host {
        HostKind::Node => settle_boa::HostKind::Node,
        HostKind::Html => settle_boa::HostKind::Html,
    };
    let options = settle_boa::Options { host, trace: options.trace, virtual_clock: options.virtual_clock };
    let (out, err) = sinks();
    settle_boa::run(path, &source, &options, out, err)
}

fn tour(options: &Options) -> i32 {
    let options = Options { virtual_clock: true, ..options.clone() };
    println!("settle: a tour of the book's examples, run on settle's event loop and Promise.");
    println!("Each runs exactly as `cargo run --release -- examples/js/NAME` would (timers on a virtual");
    println!(
        "clock here, so the tour does not wait). Run with --trace to see which queue each line came from.\n"
    );
    for (name, source) in TOUR {
        let rule = "\u{2500}".repeat(60usize.saturating_sub(name.len() + 4));
        println!("\u{2500}\u{2500} {name} {rule}");
        for line in source.lines() {
            println!("  {line}");
        }
        println!("\u{2500}\u{2500} output:");
        let (out, err) = sinks();
        let code = settle_js::run(name, source, &options, out, err);
        if code != 0 {
            println!("(exit code {code})");
        }
        println!();
    }
    0
}
