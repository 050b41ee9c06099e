//! A test262 runner for settle-js.
//!
//! Runs test262's tests (a directory laid out as test262's repository: `harness/` and `test/`)
//! in-process on settle-js, as test262's INTERPRETING.md prescribes: each test runs as a classic
//! script ([`settle_js::Options::script`]) with `assert.js`, `sta.js`, `doneprintHandle.js` (for
//! `async` tests) and the test's `includes` prepended, once in sloppy mode and once with a
//! `"use strict";` directive unless its flags say otherwise (`onlyStrict`, `noStrict`, `raw`). A
//! test passes when it throws nothing (or, negative, throws the error its frontmatter names) and,
//! for `async` tests, prints `Test262:AsyncTestComplete`. Timers run on the virtual clock, output
//! is captured, and each run has a step budget so that a test that loops forever fails instead
//! of hanging.
//!
//! [`expectations`] is the list of tests that do not pass, each with its reason, checked in CI.

pub mod expectations;
pub mod frontmatter;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use settle_js::{EXIT_STEP_LIMIT, HostKind, Options};

use frontmatter::{Frontmatter, Phase};

/// The evaluation-step budget of one run of a test (loop iterations and calls): far above what
/// any passing test needs (the largest Promise test takes a few thousand), low enough that a
/// test that loops forever fails in well under a second.
pub const MAX_STEPS: u64 = 100_000;

/// The test262 directory: `TEST262_DIR` if set, else `../shared/test262` beside the workspace
/// root (or beside its parent, for a git worktree kept one level down); `None` when there is no
/// such directory.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TEST262_DIR") {
        let dir = PathBuf::from(d);
        return dir.join("test").is_dir().then_some(dir);
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    ["../shared/test262", "../../shared/test262"]
        .iter()
        .map(|rel| workspace.join(rel))
        .find(|dir| dir.join("test").is_dir())
}

/// The tests under `root/test/` whose relative path (from `root/test/`, with `/`) starts with
/// `prefix`, sorted; `_FIXTURE` files (modules imported by tests) are not tests.
///
/// # Errors
///
/// A directory that cannot be read.
pub fn discover(root: &Path, prefix: &str) -> std::io::Result<Vec<String>> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, base, out)?;
            } else if path.extension().is_some_and(|e| e == "js")
                && !path.to_string_lossy().contains("_FIXTURE")
                && let Ok(rel) = path.strip_prefix(base)
            {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let base = root.join("test");
    let mut tests = Vec::new();
    walk(&base, &base, &mut tests)?;
    tests.retain(|t| t.starts_with(prefix));
    tests.sort();
    Ok(tests)
}

/// One test's outcome: `Ok` when it passed in every mode it runs in, else why not (the first
/// failing mode's reason).
pub type Outcome = Result<(), String>;

/// Runs test262 tests and caches the harness files they include.
#[derive(Debug)]
pub struct Runner {
    root: PathBuf,
    harness: RefCell<HashMap<String, Rc<str>>>,
}

/// Host definitions test262 expects of every host: `print` (used by `doneprintHandle.js`), and
/// no process crash for an unhandled rejection (settle-js's Node host would exit with code 1;
/// test262 leaves HostPromiseRejectionTracker to the host and never tests it).
const HOST_PRELUDE: &str =
    "function print(message) { console.log(message); }\nprocess.on('unhandledRejection', function () {});\n";

impl Runner {
    /// A runner for the test262 checkout at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Runner {
        Runner { root: root.into(), harness: RefCell::new(HashMap::new()) }
    }

    fn harness_file(&self, name: &str) -> Result<Rc<str>, String> {
        if let Some(text) = self.harness.borrow().get(name) {
            return Ok(text.clone());
        }
        let path = self.root.join("harness").join(name);
        let text: Rc<str> =
            std::fs::read_to_string(&path).map_err(|e| format!("harness file {name}: {e}"))?.into();
        self.harness.borrow_mut().insert(name.to_string(), text.clone());
        Ok(text)
    }

    /// Runs one test (`path` relative to `test/`) in each mode its flags ask for.
    pub fn run(&self, path: &str) -> Outcome {
        let source = std::fs::read_to_string(self.root.join("test").join(path))
            .map_err(|e| format!("cannot read the test: {e}"))?;
        let meta = frontmatter::parse(&source).map_err(|e| format!("bad frontmatter: {e}"))?;
        if meta.has_flag("module") {
            return Err("a module test (settle-js runs classic scripts only)".into());
        }
        let modes: &[bool] = if meta.has_flag("raw") || meta.has_flag("noStrict") {
            &[false]
        } else if meta.has_flag("onlyStrict") {
            &[true]
        } else {
            &[false, true]
        };
        for &strict in modes {
            self.run_mode(&source, &meta, strict).map_err(|e| {
                let mode = if modes.len() == 1 {
                    ""
                } else if strict {
                    "[strict] "
                } else {
                    "[sloppy] "
                };
                format!("{mode}{e}")
            })?;
        }
        Ok(())
    }

    fn run_mode(&self, test: &str, meta: &Frontmatter, strict: bool) -> Outcome {
        let mut source = String::new();
        if strict {
            source.push_str("\"use strict\";\n");
        }
        if !meta.has_flag("raw") {
            source.push_str(HOST_PRELUDE);
            let mut files = vec!["assert.js", "sta.js"];
            if meta.has_flag("async") {
                files.push("doneprintHandle.js");
            }
            files.extend(meta.includes.iter().map(String::as_str));
            for name in files {
                source.push_str(&self.harness_file(name)?);
                source.push('\n');
            }
        }
        source.push_str(test);
        judge(meta, &source)
    }
}

fn judge(meta: &Frontmatter, source: &str) -> Outcome {
    if let Err(e) = settle_js::check("test.js", source) {
        let message = e.split_once(": ").map_or(e.as_str(), |(_, m)| m).to_string();
        return match &meta.negative {
            Some(n) if n.phase == Phase::Parse && message.starts_with(&format!("{}:", n.error_type)) => {
                Ok(())
            }
            _ => Err(message),
        };
    }
    if let Some(n) = &meta.negative
        && n.phase == Phase::Parse
    {
        return Err(format!("parsed, but a {} was expected at parse time", n.error_type));
    }
    let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    let err = Rc::new(RefCell::new(Vec::<u8>::new()));
    let options = Options {
        host: HostKind::Node,
        virtual_clock: true,
        script: true,
        max_steps: Some(MAX_STEPS),
        ..Options::default()
    };
    let code = settle_js::run("test.js", source, &options, out.clone(), err.clone());
    let stdout = String::from_utf8_lossy(&out.borrow()).into_owned();
    let stderr = String::from_utf8_lossy(&err.borrow()).into_owned();
    if code == EXIT_STEP_LIMIT {
        return Err(format!("the step limit ({MAX_STEPS} steps) was reached: a test that does not end"));
    }
    if let Some(n) = &meta.negative {
        return if code == 1 && error_line(&stderr).starts_with(&n.error_type) {
            Ok(())
        } else if code == 1 {
            Err(format!("expected a {}, got {}", n.error_type, error_line(&stderr)))
        } else {
            Err(format!("expected a {}, but it ran to the end", n.error_type))
        };
    }
    if code != 0 {
        return Err(error_line(&stderr));
    }
    if meta.has_flag("async") {
        if let Some(failure) = stdout.lines().find_map(|l| l.strip_prefix("Test262:AsyncTestFailure:")) {
            return Err(failure.to_string());
        }
        if !stdout.lines().any(|l| l == "Test262:AsyncTestComplete") {
            return Err("an async test that never called $DONE".into());
        }
    }
    Ok(())
}

/// The error in settle-js's report of an uncaught exception (`file:line`, the source line, a
/// caret, a blank line, then the error): its first line, at most 200 characters.
fn error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let after_caret =
        lines.iter().position(|l| l.trim_start().starts_with('^') && l.trim() == "^").map_or(0, |i| i + 1);
    let rest: Vec<&str> = lines[after_caret..].iter().copied().filter(|l| !l.trim().is_empty()).collect();
    let first = rest.first().copied().unwrap_or("no output").trim();
    // A thrown non-Error object is shown inspected: `Test262Error { message: '...' }`, on one
    // line or several; keep its constructor name and message.
    let mut line = match first.strip_suffix('{').or_else(|| first.split_once(" { message: ").map(|(n, _)| n))
    {
        Some(name) => {
            let joined = rest.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
            let message = joined
                .split_once("message: '")
                .and_then(|(_, m)| m.rsplit_once('\''))
                .map_or(String::new(), |(m, _)| m.to_string());
            format!("{}: {message}", name.trim())
        }
        None => first.to_string(),
    };
    if line.len() > 200 {
        let cut = (0..=200).rev().find(|i| line.is_char_boundary(*i)).unwrap_or(0);
        line.truncate(cut);
        line.push_str("...");
    }
    line
}

/// Pass counts per directory (relative to `test/`), in path order: `(passed, total)`.
pub fn per_directory(results: &[(String, Outcome)]) -> BTreeMap<String, (usize, usize)> {
    let mut table = BTreeMap::new();
    for (path, outcome) in results {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let entry: &mut (usize, usize) = table.entry(dir).or_default();
        entry.1 += 1;
        if outcome.is_ok() {
            entry.0 += 1;
        }
    }
    table
}

/// The per-directory table as Markdown, with a total row.
pub fn table(results: &[(String, Outcome)]) -> String {
    let mut out = String::from("| directory | passed | tests |\n|---|---:|---:|\n");
    let (mut passed, mut total) = (0, 0);
    for (dir, (p, t)) in per_directory(results) {
        out.push_str(&format!("| {dir} | {p} | {t} |\n"));
        passed += p;
        total += t;
    }
    out.push_str(&format!("| **total** | **{passed}** | **{total}** |\n"));
    out
}

/// Runs every test under `test/` + `prefix` on a thread with a deep stack (the interpreter
/// evaluates nested calls recursively), catching a panic of the interpreter as a failure.
///
/// # Errors
///
/// The directory cannot be read.
///
/// # Panics
///
/// The runner thread cannot be started.
pub fn run_all(root: &Path, prefix: &str) -> std::io::Result<Vec<(String, Outcome)>> {
    let tests = discover(root, prefix)?;
    let root = root.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("test262".into())
        .stack_size(256 << 20)
        .spawn(move || {
            let runner = Runner::new(root);
            tests
                .into_iter()
                .map(|t| {
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.run(&t)))
                        .unwrap_or_else(|p| {
                            let text = p
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            Err(format!("settle-js panicked: {text}"))
                        });
                    (t, outcome)
                })
                .collect::<Vec<_>>()
        })
        .expect("a thread for the test262 runner");
    Ok(worker.join().unwrap_or_default())
}
