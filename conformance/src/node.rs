//! Running programs on Node: a pool of driver processes (`driver.js`), each running programs
//! one after another in fresh `vm` contexts.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

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

/// Exit code reported for a program during which the Node process died (out of memory, for
/// one) or stopped answering: an outcome no program has, so it shows as a divergence.
pub const NODE_DIED: i32 = -3;

/// How long one program may take on Node before its driver is killed (the driver's own limit,
/// 20 s, cannot fire while a program loops in microtasks).
const ANSWER_LIMIT: Duration = Duration::from_secs(60);

/// One driver process. Its answers are read by a thread of its own, so that a driver that
/// stops answering can be killed; a driver that dies is replaced.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<Outcome>,
}

impl Driver {
    /// Starts a driver process.
    ///
    /// # Panics
    ///
    /// If Node cannot be started.
    pub fn start() -> Driver {
        // Node's heap is capped, and on Unix its address space too (a runaway microtask queue
        // grows outside the heap): a program that allocates without end kills its driver
        // within seconds, not the machine's memory.
        let mut command = if cfg!(unix) {
            let mut c = Command::new("sh");
            c.arg("-c").arg("ulimit -v 4000000 && exec \"$0\" \"$@\"").arg(node_program());
            c
        } else {
            Command::new(node_program())
        };
        let mut child = command
            .arg("--max-old-space-size=512")
            // V8's async stack trace capture follows the chain of promises an async function's
            // result feeds, and never ends on a cycle (`p = Promise.race([x.then(() => p),
            // x.then().finally(async () => new Error())])` runs out of memory). It only fills in
            // `Error.prototype.stack`, which no generated program prints.
            .arg("--no-async-stack-traces")
            .arg("-e")
            .arg(DRIVER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", node_program()));
        let stdin = child.stdin.take().expect("piped stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (send, answers) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(outcome) = read_answer(&mut stdout) {
                if send.send(outcome).is_err() {
                    break;
                }
            }
        });
        Driver { child, stdin, answers }
    }

    /// Runs one program to quiescence and returns what it printed and its exit code
    /// ([`NODE_DIED`] if the driver died or stopped answering; it is then replaced).
    pub fn run(&mut self, source: &str) -> Outcome {
        let sent = write!(self.stdin, "0 {}\n{source}", source.len()).and_then(|()| self.stdin.flush());
        if sent.is_ok()
            && let Ok(outcome) = self.answers.recv_timeout(ANSWER_LIMIT)
        {
            return outcome;
        }
        *self = Driver::start();
        Outcome { stdout: String::new(), code: NODE_DIED }
    }
}

/// One answer of a driver: `<id> <code> <length>\n` and the output; `None` at the end.
fn read_answer(stdout: &mut BufReader<ChildStdout>) -> Option<Outcome> {
    let mut header = String::new();
    stdout.read_line(&mut header).ok()?;
    let fields: Vec<i64> = header.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    let [_, code, length] = fields[..] else { return None };
    let mut out = vec![0; usize::try_from(length).ok()?];
    stdout.read_exact(&mut out).ok()?;
    Some(Outcome {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        code: i32::try_from(code).unwrap_or(-1),
    })
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
