//! Helpers shared by the integration tests: a log to record what ran, and the "ruler" that
//! measures in which microtask tick something happens (the method of spec-ticks.md).
//!
//! Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use settle::promise::Promise;
use settle::runtime::{EventLoop, Handle, UncaughtKind};

/// A shared, append-only record (of strings, unless said otherwise).
pub struct Log<T = String>(Rc<RefCell<Vec<T>>>);

impl<T> Clone for Log<T> {
    fn clone(&self) -> Self {
        Log(self.0.clone())
    }
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log(Rc::default())
    }
}

impl<T> Log<T> {
    pub fn push(&self, item: impl Into<T>) {
        self.0.borrow_mut().push(item.into());
    }

    /// The entries so far, leaving the log empty.
    pub fn take(&self) -> Vec<T> {
        std::mem::take(&mut *self.0.borrow_mut())
    }

    /// The entries so far.
    pub fn lines(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.0.borrow().clone()
    }
}

impl Log {
    /// An empty log of strings (`Log::default()` needs the entry type named).
    pub fn new() -> Log {
        Log::default()
    }
}

/// Runs `script` as the first task of a fresh loop on a virtual clock until nothing is left.
/// A panicking task or timer (a failed assertion in a script) fails the test; unhandled
/// rejections are ignored.
pub fn run(script: impl FnOnce() + 'static) {
    let panics: Log = Log::default();
    let p = panics.clone();
    let el = EventLoop::builder()
        .virtual_clock()
        .on_uncaught(move |u| {
            if u.kind() == UncaughtKind::Panic {
                p.push(u.to_string());
            }
        })
        .build();
    el.queue_task(script);
    el.run().unwrap();
    let panics = panics.take();
    assert!(panics.is_empty(), "a task panicked: {panics:?}");
}

/// `setTimeout(f, ms)` on the current loop.
pub fn after(ms: u64, f: impl FnOnce() + 'static) {
    Handle::current().set_timeout(Duration::from_millis(ms), f);
}

/// Marks the moment the measured reaction X runs.
#[derive(Clone)]
pub struct Mark(Rc<RefCell<Vec<&'static str>>>);

impl Mark {
    pub fn hit(&self) {
        self.0.borrow_mut().push("X");
    }
}

/// How many steps the ruler has: more than any scenario needs.
pub const RULER: usize = 8;

/// Runs `scenario` in a task, starts the ruler `Promise.resolve().then(t1).then(t2)...` right
/// after it, runs the loop, and returns the whole log (X and the steps `t1`..`t8`). X must run
/// exactly once.
pub fn measure_log(scenario: impl FnOnce(Mark) + 'static) -> Vec<&'static str> {
    const STEPS: [&str; RULER] = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"];
    let el = EventLoop::new();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    el.queue_task(move || {
        scenario(Mark(l.clone()));
        let mut ruler = Promise::<()>::resolve(());
        for step in STEPS {
            let l = l.clone();
            ruler = ruler.then(move |()| {
                l.borrow_mut().push(step);
                Ok(())
            });
        }
    });
    el.run().unwrap();
    let log = log.borrow().clone();
    assert_eq!(log.iter().filter(|s| **s == "X").count(), 1, "X must run exactly once: {log:?}");
    log
}

/// The tick (1-based ruler round) in which X ran.
pub fn tick_of(scenario: impl FnOnce(Mark) + 'static) -> usize {
    let log = measure_log(scenario);
    1 + log.iter().position(|s| *s == "X").unwrap()
}

/// The `.js` files of a directory of the workspace (`examples/js`, `tests/js-lang`), sorted.
pub fn js_files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} exists: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .collect();
    files.sort();
    files
}

/// Whether `node` is on PATH (the Node comparisons are skipped without it).
pub fn node_available() -> bool {
    std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// What a command printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

static SCRIPT_COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `program args... FILE`, where FILE is a temporary script holding `source` (each call
/// its own file, so tests may run in parallel).
pub fn run_source(program: &str, args: &[&str], source: impl AsRef<[u8]>) -> Run {
    let dir = std::env::temp_dir().join(format!("settle-script-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let n = SCRIPT_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("case{n}.js"));
    std::fs::write(&path, source).expect("the script is written");
    // settle-js's local time zone is UTC; Node's is the machine's unless TZ says otherwise.
    let output = std::process::Command::new(program)
        .args(args)
        .arg(&path)
        .env("TZ", "UTC")
        .output()
        .expect("the command runs");
    let _ = std::fs::remove_file(&path);
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `source` on `settle ARGS` and, when Node is there, on Node: the exit codes and stdout
/// must be the same; settle's run is returned for the test's own checks.
pub fn settle_and_node(settle: &str, args: &[&str], source: &str) -> Run {
    let ours = run_source(settle, args, source);
    if node_available() {
        let theirs = run_source("node", &[], source);
        assert_eq!(
            ours.code, theirs.code,
            "exit codes differ from Node for:\n{source}\nsettle stderr: {}",
            ours.stderr
        );
        assert_eq!(ours.stdout, theirs.stdout, "stdout differs from Node for:\n{source}");
    }
    ours
}

/// Runs `program args... file` in the file's directory: (exit code, stdout).
pub fn run_file(program: &str, args: &[&str], file: &std::path::Path) -> (i32, String) {
    let output = std::process::Command::new(program)
        .args(args)
        .env("TZ", "UTC")
        .arg(file.file_name().expect("a file name"))
        .current_dir(file.parent().expect("a directory"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned())
}
