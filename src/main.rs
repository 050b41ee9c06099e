//! `settle`: runs a JavaScript file on settle's event loop, timers and Promise, with Node's
//! semantics (or a browser's with `--host html`). With no file, a tour of the book's examples.

use std::cell::RefCell;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;
use std::rc::Rc;

use settle_js::{HostKind, Options, Sink};

const USAGE: &str = "\
usage: settle [OPTIONS] [FILE.js | -e CODE | -] [--] [ARGS...]

Runs FILE.js on settle (a subset of JavaScript; see README.md, \"JavaScript\"), with Node's
semantics by default. Arguments after FILE (or after `--`) are the script's: process.argv is
[settle's path, FILE's absolute path, ...ARGS], as in Node. `-` reads the script from stdin.
With no FILE: the tour of the book's examples when stdin is a terminal, else the script on stdin.

  -e, --eval CODE     run CODE instead of a file (process.argv: [settle's path, ...ARGS])
  --engine E          settle (the default: settle-js, whose Promise is settle's own)
                      or boa (the Boa engine, its jobs and timers on settle's loop)
  --trace[=text]      after each line of output, show which queue the code came from
  --trace=json        print the loop's events instead, one JSON object per line, the
                      output inside its `console` events (docs/trace.md)
  --trace=html        print one self-contained HTML page that replays the run step by
                      step: source, call stack, queues, timers, console, and why each
                      step happens (`settle --trace=html FILE.js > trace.html`)
  --host node|html    host profile (default node): timers, process.nextTick and
                      unhandled-rejection events as in Node, or as in a browser
  --seed N            seed of Math.random (default: fixed)
  --virtual-time      timers fire in order without waiting (virtual clock)
  --script            run FILE as a classic script (as test262 does): top-level `this`
                      is globalThis and top-level var/function declarations are its
                      properties (default: like `node FILE`, a CommonJS module body)
  --tour              run the tour of the book's examples
  -v, --version       print settle's version
  -h, --help          print this help

Options take their value as `--opt VALUE` or `--opt=VALUE`; `--` ends the options.

Exit codes: 0; 1 uncaught exception, unhandled rejection (Node host), syntax error, file not
readable; 2 construct outside the subset; 9 bad option (as Node); 70 internal error of settle.";

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
    ("ch4-generator-concurrency.js", include_str!("../examples/js/ch4-generator-concurrency.js")),
    ("ch4-thunks.js", include_str!("../examples/js/ch4-thunks.js")),
    ("ch4-async-await.js", include_str!("../examples/js/ch4-async-await.js")),
    ("appB-generator-steps-regex.js", include_str!("../examples/js/appB-generator-steps-regex.js")),
    ("es6-promise-api.js", include_str!("../examples/js/es6-promise-api.js")),
    ("puzzle-async1-async2.js", include_str!("../examples/js/puzzle-async1-async2.js")),
    ("puzzle-finally-vs-then.js", include_str!("../examples/js/puzzle-finally-vs-then.js")),
    ("puzzle-interleaved-await.js", include_str!("../examples/js/puzzle-interleaved-await.js")),
];

/// What to run.
enum Program {
    /// A file, `-` for stdin.
    File(String),
    /// `-e CODE`.
    Eval(String),
    /// The book's examples.
    Tour,
}

/// What the command line asked for.
struct Command {
    program: Program,
    /// The script's own arguments (after FILE or `--`).
    args: Vec<String>,
    boa: bool,
    options: Options,
}

/// Why the command stops before running anything.
enum Stop {
    /// `--help` or `--version`: print this and exit 0.
    Print(String),
    /// A usage error: one line, exit code 9.
    Usage(String),
}

fn parse(mut parser: lexopt::Parser) -> Result<Command, Stop> {
    use lexopt::prelude::*;
    let mut options = Options::default();
    let mut boa = false;
    let mut program = None;
    let mut args = Vec::new();
    let mut print = None;
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            // Printed once the whole line parsed, so that `--version=2` is still an error.
            Short('h') | Long("help") => print = Some(USAGE.to_string()),
            Short('v') | Long("version") => print = Some(format!("settle {}", env!("CARGO_PKG_VERSION"))),
            Short('e') | Long("eval") => program = Some(Program::Eval(string(parser.value(), "-e")?)),
            Long("engine") => match string(parser.value(), "--engine")?.as_str() {
                "settle" => boa = false,
                "boa" => boa = true,
                other => return Err(Stop::Usage(format!("--engine takes `settle` or `boa`, not `{other}`"))),
            },
            Long("trace") => match parser.optional_value() {
                None => options.trace = true,
                Some(v) => match v.to_str() {
                    Some("text") => options.trace = true,
                    Some("json") => options.trace_json = true,
                    Some("html") => options.trace_html = true,
                    _ => return Err(Stop::Usage("--trace takes `text`, `json` or `html`".to_string())),
                },
            },
            Long("virtual-time") => options.virtual_clock = true,
            Long("script") => options.script = true,
            Long("tour") => program = Some(Program::Tour),
            Long("host") => match string(parser.value(), "--host")?.as_str() {
                "node" => options.host = HostKind::Node,
                "html" => options.host = HostKind::Html,
                other => return Err(Stop::Usage(format!("--host takes `node` or `html`, not `{other}`"))),
            },
            Long("seed") => {
                let seed = string(parser.value(), "--seed")?;
                options.seed = seed
                    .parse()
                    .map_err(|_| Stop::Usage(format!("--seed takes an integer, not `{seed}`")))?;
            }
            Value(value) => {
                let value = value.into_string().map_err(|_| Stop::Usage("arguments must be UTF-8".into()))?;
                // Node's rule: everything after the script is the script's, options included.
                match program {
                    Some(Program::Eval(_)) => args.push(value),
                    _ => program = Some(Program::File(value)),
                }
                for rest in parser.raw_args().map_err(usage)? {
                    args.push(rest.into_string().map_err(|_| Stop::Usage("arguments must be UTF-8".into()))?);
                }
            }
            _ => return Err(usage(arg.unexpected())),
        }
    }
    if let Some(text) = print {
        return Err(Stop::Print(text));
    }
    let program = program.unwrap_or_else(|| {
        if std::io::stdin().is_terminal() { Program::Tour } else { Program::File("-".to_string()) }
    });
    Ok(Command { program, args, boa, options })
}

fn string(value: Result<std::ffi::OsString, lexopt::Error>, option: &str) -> Result<String, Stop> {
    value.map_err(usage)?.into_string().map_err(|_| Stop::Usage(format!("{option} takes UTF-8")))
}

/// lexopt's errors in Node's words (`node: bad option: --bogus`).
fn usage(e: lexopt::Error) -> Stop {
    Stop::Usage(match e {
        lexopt::Error::UnexpectedOption(option) => format!("bad option: {option}"),
        lexopt::Error::MissingValue { option: Some(option) } => format!("{option} requires an argument"),
        other => other.to_string(),
    })
}

fn main() -> ExitCode {
    let command = match parse(lexopt::Parser::from_env()) {
        Ok(command) => command,
        Err(Stop::Print(text)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(Stop::Usage(message)) => {
            eprintln!("settle: {message} (see settle --help)");
            return ExitCode::from(EXIT_BAD_OPTION);
        }
    };
    // The interpreter evaluates nested calls recursively: give it a deep stack.
    let worker = std::thread::Builder::new().stack_size(512 << 20).spawn(move || run(command));
    let code = match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        _ => EXIT_INTERNAL,
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn run(command: Command) -> i32 {
    let Command { program, args, boa, mut options } = command;
    // process.argv[0] is the interpreter's absolute path, as Node's `process.execPath`.
    let exec_path =
        std::env::current_exe().map_or_else(|_| "settle".to_string(), |p| p.to_string_lossy().into_owned());
    let (name, source) = match program {
        Program::Tour => return tour(&options),
        Program::Eval(code) => {
            options.argv = std::iter::once(exec_path).chain(args).collect();
            ("[eval]".to_string(), code)
        }
        Program::File(path) => {
            let source = match read_source(&path) {
                Ok(s) => s,
                Err(code) => return code,
            };
            // Node's process.argv[1]: the script's absolute path (`-` stays `-`).
            let script_path = if path == "-" {
                path.clone()
            } else {
                std::path::absolute(&path).map_or_else(|_| path.clone(), |p| p.to_string_lossy().into_owned())
            };
            options.argv = [exec_path, script_path].into_iter().chain(args).collect();
            let name = if path == "-" { "[stdin]".to_string() } else { path };
            (name, source)
        }
    };
    let (out, err) = sinks();
    if boa {
        let options = settle_boa::Options {
            host: options.host,
            trace: options.trace,
            virtual_clock: options.virtual_clock,
            trace_json: options.trace_json,
            trace_html: options.trace_html,
            argv: options.argv,
        };
        settle_boa::run(&name, &source, &options, out, err)
    } else {
        settle_js::run(&name, &source, &options, out, err)
    }
}

/// Node's exit code for an invalid option.
const EXIT_BAD_OPTION: u8 = 9;

/// The exit code when the interpreter itself failed (a bug of settle, not of the script):
/// sysexits' EX_SOFTWARE, a code Node never uses.
const EXIT_INTERNAL: i32 = 70;

/// Reads a script as Node does: bytes that are not UTF-8 become U+FFFD (Node decodes source
/// files with replacement), so a stray Latin-1 byte in a comment does not stop the script.
/// A file that cannot be read is an error with exit code 1, as `node missing.js` is. `-` is
/// stdin.
fn read_source(path: &str) -> Result<String, i32> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    match bytes {
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
