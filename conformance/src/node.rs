//! Running programs on Node: a pool of driver processes (`driver.js`), each running programs
//! one after another in fresh `vm` contexts.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::Outcome;

/// The driver script, passed to `node -e`.
pub const DRIVER: &str = include_str!("driver.js");

/// The Node executable: `$SETTLE_CONFORMANCE_NODE`, or `node` on PATH.
pub fn node_program() -> String {
    std::env::var("SETTLE_CONFORMANCE_NODE").unwrap_or_else(|_| "node".to_string())
}

/// Whether Node can be run.
pub fn node_available() -> bool {
    Command::new(node_program()).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// One driver process.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Driver {
    /// Starts a driver process.
    ///
    /// # Panics
    ///
    /// If Node cannot be started.
    pub fn start() -> Driver {
        let mut child = Command::new(node_program())
            .arg("-e")
            .arg(DRIVER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", node_program()));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Driver { child, stdin, stdout }
    }

    /// Runs one program to quiescence and returns what it printed and its exit code.
    ///
    /// # Panics
    ///
    /// If the driver process died or broke the protocol.
    pub fn run(&mut self, source: &str) -> Outcome {
        write!(self.stdin, "0 {}\n{source}", source.len()).expect("write to the Node driver");
        self.stdin.flush().expect("flush the Node driver's stdin");
        let mut header = String::new();
        self.stdout.read_line(&mut header).expect("read from the Node driver");
        let fields: Vec<i64> = header.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let [_, code, length] = fields[..] else { panic!("the Node driver broke the protocol: {header:?}") };
        let mut out = vec![0; usize::try_from(length).expect("a length")];
        self.stdout.read_exact(&mut out).expect("read a program's output from the Node driver");
        Outcome {
            stdout: String::from_utf8_lossy(&out).into_owned(),
            code: i32::try_from(code).unwrap_or(-1),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A pool of driver processes; programs are handed to whichever is free.
#[derive(Debug)]
pub struct NodePool {
    drivers: Vec<Mutex<Driver>>,
}

impl NodePool {
    /// Starts `processes` drivers.
    pub fn new(processes: usize) -> NodePool {
        NodePool { drivers: (0..processes.max(1)).map(|_| Mutex::new(Driver::start())).collect() }
    }

    /// Runs every program (each to quiescence), spreading them over the drivers; the results
    /// are in the programs' order.
    pub fn run_all(&self, programs: &[&str]) -> Vec<Outcome> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; programs.len()]);
        std::thread::scope(|s| {
            for driver in &self.drivers {
                let (next, results) = (&next, &results);
                s.spawn(move || {
                    let mut driver = driver.lock().expect("a driver");
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(program) = programs.get(i) else { break };
                        let outcome = driver.run(program);
                        results.lock().expect("results")[i] = Some(outcome);
                    }
                });
            }
        });
        results.into_inner().expect("results").into_iter().map(|o| o.expect("every program ran")).collect()
    }

    /// Runs one program on the first driver.
    pub fn run_one(&self, program: &str) -> Outcome {
        self.drivers[0].lock().expect("a driver").run(program)
    }
}
