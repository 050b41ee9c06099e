//! The differential harness: generate, run on settle and on Node, compare, shrink, save.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};

use crate::ast::Program;
use crate::node::NodePool;
use crate::settle::{run_settle, timing_sensitive};
use crate::{Outcome, print, program_strategy};

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// How many programs to generate.
    pub count: usize,
    /// The generator's seed: the same seed gives the same programs.
    pub seed: u64,
    /// How many Node driver processes run side by side (they mostly wait for timers).
    pub node_processes: usize,
    /// How many times each program runs on Node (2 or more also checks that Node agrees with
    /// itself; a program on which it does not is discarded).
    pub node_runs: usize,
    /// Stop after this many divergences (each one is shrunk).
    pub max_divergences: usize,
    /// Where to save each shrunk divergence (the regression corpus), if anywhere.
    pub save_to: Option<PathBuf>,
    /// The settle side: `run_settle` normally; a mutation test passes a broken one.
    pub settle: fn(&str) -> Outcome,
    /// Applied to both sides' outcomes before they are compared: the identity normally; for
    /// an engine whose implementation-defined messages differ from V8's, a mapping of both
    /// wordings to one form (`boa::canonical_wording`).
    pub canonical: fn(Outcome) -> Outcome,
    /// Print progress to stderr every this many programs (0: never).
    pub progress_every: usize,
    /// Programs not to compare (nor to shrink to): shapes the engine under test is known to
    /// get wrong in its own code, which settle cannot fix (`boa::boa_gets_wrong`). Nothing is
    /// skipped normally.
    pub skip: fn(&Program) -> bool,
}

impl Config {
    /// The CI batch: `count` programs from a fixed seed, saving divergences to the corpus.
    pub fn new(count: usize, seed: u64) -> Config {
        Config {
            count,
            seed,
            node_processes: 12,
            node_runs: 1,
            max_divergences: 1,
            save_to: Some(crate::regressions_dir()),
            settle: run_settle,
            canonical: std::convert::identity,
            progress_every: 0,
            skip: |_| false,
        }
    }
}

/// A program on which settle and Node disagree, shrunk.
#[derive(Clone, Debug)]
pub struct Divergence {
    /// The minimal program.
    pub program: String,
    /// The program as generated, before shrinking.
    pub original: String,
    /// What settle did with the minimal program.
    pub settle: Outcome,
    /// What Node did with it.
    pub node: Outcome,
    /// Where it was saved, if it was.
    pub saved: Option<PathBuf>,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "settle and Node disagree on this program (shrunk):")?;
        writeln!(f, "----- program\n{}-----", self.program)?;
        writeln!(f, "first difference: {}", first_difference(&self.node, &self.settle))?;
        writeln!(f, "----- Node (exit code {})\n{}-----", self.node.code, self.node.stdout)?;
        writeln!(f, "----- settle (exit code {})\n{}-----", self.settle.code, self.settle.stdout)?;
        if let Some(path) = &self.saved {
            writeln!(f, "saved to {} (with Node's output), which the regression test runs", path.display())?;
        }
        write!(f, "----- as generated, before shrinking\n{}-----", self.original)
    }
}

/// The first line where two outcomes differ, or the exit codes.
pub fn first_difference(node: &Outcome, settle: &Outcome) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (node.stdout.lines().collect(), settle.stdout.lines().collect());
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            let show =
                |l: Option<&&str>| l.map_or_else(|| "(no more output)".to_string(), |l| format!("{l:?}"));
            return format!("line {}: Node {}, settle {}", i + 1, show(x), show(y));
        }
    }
    format!("exit code: Node {}, settle {}", node.code, settle.code)
}

/// Counts of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Programs generated.
    pub generated: usize,
    /// Programs compared (not discarded).
    pub compared: usize,
    /// Discarded by the timing probe: timer deadlines too close for Node's real clock.
    pub timing_sensitive: usize,
    /// Discarded because Node printed different things on different runs.
    pub node_unstable: usize,
    /// Not compared because `Config::skip` says the engine gets their shape wrong.
    pub skipped: usize,
    /// Output lines compared in all.
    pub lines: usize,
    /// Programs that crashed (exit code 1) on both.
    pub crashed: usize,
    /// The divergences found (shrunk).
    pub divergences: Vec<Divergence>,
    /// Time spent.
    pub elapsed: Duration,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} programs generated, {} compared ({} output lines, {} crashed like Node), {} discarded as timing-sensitive, {} as unstable on Node, {} skipped (a shape the engine gets wrong); {} divergence(s); {:.1?}",
            self.generated,
            self.compared,
            self.lines,
            self.crashed,
            self.timing_sensitive,
            self.node_unstable,
            self.skipped,
            self.divergences.len(),
            self.elapsed
        )
    }
}

/// Programs are generated and compared in chunks of this many.
const CHUNK: usize = 400;
/// Shrinking stops after this many candidates or this long.
const SHRINK_STEPS: usize = 600;
const SHRINK_TIME: Duration = Duration::from_secs(240);

/// Runs the harness: `config.count` programs from `config.seed`.
///
/// # Panics
///
/// If Node cannot be started.
pub fn run(config: &Config) -> Report {
    let start = Instant::now();
    let strategy = program_strategy();
    let mut runner = runner(config.seed);
    let pool = NodePool::new(config.node_processes);
    let mut report = Report::default();
    while report.generated < config.count && report.divergences.len() < config.max_divergences {
        let n = CHUNK.min(config.count - report.generated);
        let trees: Vec<_> =
            (0..n).map(|_| strategy.new_tree(&mut runner).expect("programs are always generated")).collect();
        report.generated += n;
        let skipped: Vec<bool> = trees.iter().map(|t| (config.skip)(&t.current())).collect();
        report.skipped += skipped.iter().filter(|&&s| s).count();
        let sources: Vec<String> = trees.iter().map(|t| print(&t.current())).collect();
        let indexed: Vec<(usize, &str)> =
            sources.iter().enumerate().filter(|&(i, _)| !skipped[i]).map(|(i, s)| (i, s.as_str())).collect();
        let mut settle_side: Vec<Option<Outcome>> = vec![None; n];
        let ran = parallel_map(&indexed.iter().map(|&(_, s)| s.to_string()).collect::<Vec<_>>(), |src| {
            if timing_sensitive(src) { None } else { Some((config.canonical)((config.settle)(src))) }
        });
        for (&(i, _), outcome) in indexed.iter().zip(ran) {
            settle_side[i] = outcome;
        }
        let kept: Vec<usize> = (0..n).filter(|&i| settle_side[i].is_some()).collect();
        report.timing_sensitive += indexed.len() - kept.len();
        let kept_sources: Vec<&str> = kept.iter().map(|&i| sources[i].as_str()).collect();
        let mut node_side: Vec<Outcome> =
            pool.run_all(&kept_sources).into_iter().map(config.canonical).collect();
        let mut unstable = vec![false; kept.len()];
        for _ in 1..config.node_runs {
            for (j, again) in pool.run_all(&kept_sources).into_iter().map(config.canonical).enumerate() {
                unstable[j] |= again != node_side[j];
            }
        }
        for (j, &i) in kept.iter().enumerate() {
            let settle = settle_side[i].as_ref().expect("kept");
            let node = &mut node_side[j];
            if unstable[j] {
                report.node_unstable += 1;
                continue;
            }
            if node != settle {
                // Confirm on Node twice more, alone: a loaded machine can delay a timer.
                let again = [pool.run_one(&sources[i]), pool.run_one(&sources[i])].map(config.canonical);
                if again.iter().any(|o| o != node) {
                    report.node_unstable += 1;
                    continue;
                }
            }
            report.compared += 1;
            report.lines += node.stdout.lines().count();
            report.crashed += usize::from(node.code == 1);
            if node != settle && report.divergences.len() < config.max_divergences {
                let mut tree = trees.into_iter().nth(i).expect("the tree");
                let original = sources[i].clone();
                let mut d = shrink(&mut *tree, &pool, config, original);
                if let Some(dir) = &config.save_to {
                    d.saved = save(dir, &d.program, &d.node).ok();
                }
                report.divergences.push(d);
                break;
            }
        }
        if config.progress_every > 0 && report.generated % config.progress_every < CHUNK {
            eprintln!("settle-conformance: {report}");
        }
        report.elapsed = start.elapsed();
    }
    report.elapsed = start.elapsed();
    report
}

/// The first `count` programs [`run`] generates from `seed`, printed.
pub fn programs(seed: u64, count: usize) -> Vec<String> {
    let strategy = program_strategy();
    let mut runner = runner(seed);
    (0..count)
        .map(|_| print(&strategy.new_tree(&mut runner).expect("programs are always generated").current()))
        .collect()
}

/// A test runner whose random programs depend only on `seed`.
fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&(seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).to_le_bytes());
    }
    TestRunner::new_with_rng(ProptestConfig::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// A program that runs this long on settle is taken for a hang: generated programs are
/// finite, and take milliseconds.
const SETTLE_TIME_LIMIT: Duration = Duration::from_secs(60);

/// Maps over the sources on two threads (settle-js keeps its interpreter per thread), each
/// with a deep stack for the recursive evaluator. A watchdog stops the process, printing the
/// program, if one runs longer than [`SETTLE_TIME_LIMIT`] (a thread cannot be cancelled, and a
/// hang must not stall CI silently).
fn parallel_map<T: Send>(sources: &[String], f: impl Fn(&str) -> T + Sync) -> Vec<T> {
    let chunks: Vec<&[String]> = sources.chunks(sources.len().div_ceil(2).max(1)).collect();
    let running: Vec<Mutex<Option<(Instant, &str)>>> = chunks.iter().map(|_| Mutex::new(None)).collect();
    let (done, finished) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = chunks
            .iter()
            .zip(&running)
            .map(|(chunk, running)| {
                let done = done.clone();
                std::thread::Builder::new()
                    .stack_size(64 << 20)
                    .spawn_scoped(s, move || {
                        let results: Vec<T> = chunk
                            .iter()
                            .map(|src| {
                                *running.lock().expect("watchdog") = Some((Instant::now(), src.as_str()));
                                f(src)
                            })
                            .collect();
                        *running.lock().expect("watchdog") = None;
                        let _ = done.send(());
                        results
                    })
                    .expect("a thread")
            })
            .collect();
        drop(done);
        let mut left = handles.len();
        while left > 0 {
            match finished.recv_timeout(Duration::from_secs(1)) {
                Ok(()) => left -= 1,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    for slot in &running {
                        if let Some((start, src)) = *slot.lock().expect("watchdog")
                            && start.elapsed() > SETTLE_TIME_LIMIT
                        {
                            eprintln!(
                                "settle-conformance: settle has run this program for {SETTLE_TIME_LIMIT:?}; stopping\n{src}"
                            );
                            std::process::exit(101);
                        }
                    }
                }
            }
        }
        handles.into_iter().flat_map(|h| h.join().expect("settle runs")).collect()
    })
}

/// Whether a candidate still diverges (on a deterministic program); the two outcomes if so.
fn diverges(program: &Program, pool: &NodePool, config: &Config) -> Option<(String, Outcome, Outcome)> {
    let (settle, canonical) = (config.settle, config.canonical);
    if (config.skip)(program) {
        return None;
    }
    let src = print(program);
    let (sensitive, settle_out) =
        parallel_map(std::slice::from_ref(&src), |s| (timing_sensitive(s), canonical(settle(s))))
            .pop()
            .expect("one");
    if sensitive {
        return None;
    }
    let node = canonical(pool.run_one(&src));
    if node == settle_out || canonical(pool.run_one(&src)) != node {
        return None;
    }
    Some((src, node, settle_out))
}

/// proptest's shrinking loop, driven by hand: simplify while the divergence persists,
/// complicate when it goes away.
fn shrink(
    tree: &mut dyn ValueTree<Value = Program>,
    pool: &NodePool,
    config: &Config,
    original: String,
) -> Divergence {
    let (settle, canonical) = (config.settle, config.canonical);
    let start = Instant::now();
    let first = tree.current();
    let (mut program, mut node, mut settle_out) = match diverges(&first, pool, config) {
        Some(found) => found,
        None => {
            let src = print(&first);
            let node = canonical(pool.run_one(&src));
            (src.clone(), node, canonical(settle(&src)))
        }
    };
    let mut steps = 0;
    if tree.simplify() {
        while steps < SHRINK_STEPS && start.elapsed() < SHRINK_TIME {
            steps += 1;
            let more = if let Some((p, n, s)) = diverges(&tree.current(), pool, config) {
                (program, node, settle_out) = (p, n, s);
                tree.simplify()
            } else {
                tree.complicate()
            };
            if !more {
                break;
            }
        }
    }
    Divergence { program, original, settle: settle_out, node, saved: None }
}

/// Saves a program and Node's outcome to the corpus: `NAME.js` (its first line records the
/// exit code) and `NAME.out` (Node's output).
///
/// # Errors
///
/// If the files cannot be written.
pub fn save(dir: &Path, program: &str, node: &Outcome) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = format!("found-{:016x}", fnv1a(program.as_bytes()));
    let js = dir.join(format!("{name}.js"));
    std::fs::write(&js, format!("// exit code: {}\n{program}", node.code))?;
    std::fs::write(dir.join(format!("{name}.out")), &node.stdout)?;
    Ok(js)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
