//! settle, tokio and Node on the workloads W1-W7 of docs/benchmarks.md, each workload of each
//! side in a process of its own, interleaved over rounds: the headline table of
//! docs/benchmarks.md comes from here (issue 16). `benches/workloads.rs` (criterion, one process
//! for everything) stays for detail and instruction-level work.
//!
//! ```text
//! cargo bench --bench compare                      # 3 rounds, every workload, Node if on PATH
//! cargo bench --bench compare -- --rounds 5 W2 W7  # only those, 5 rounds
//! cargo bench --bench compare -- --scaling         # also settle at N = 10^3 .. 10^6
//! cargo bench --bench compare -- --no-node
//! cargo bench --bench compare --features bench-mimalloc   # settle and tokio under mimalloc
//! ```
//!
//! Why separate processes: a workload run after another inherits the heap the other left
//! (freed blocks, a grown arena), which moves its figure by up to 2x in one criterion binary.
//! Here each child builds its loop or runtime, runs the workload twice to warm up and then
//! `--samples` times (default 5), and prints the median ns per operation; the parent runs the
//! children one at a time, in an order that rotates each round (so no side always runs right
//! after another's), and reports per workload the median over rounds of each side and of the
//! same-round ratios. Node's side is `benches/node/workloads.js` (its own warm-up and samples);
//! its W5 is measured on the CPU clock, as that script documents.

#![allow(missing_docs)]

mod common;

use std::process::Command;
use std::time::Instant;

use common::table::{WORKLOADS, Workload, settle_loop};
use common::*;

const SCALING: [u64; 4] = [1_000, 10_000, 100_000, 1_000_000];

struct Options {
    rounds: usize,
    samples: usize,
    node: bool,
    scaling: bool,
    only: Vec<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    let options = parse(&args);
    let workloads: Vec<&Workload> = WORKLOADS
        .iter()
        .filter(|w| options.only.is_empty() || options.only.iter().any(|o| o.eq_ignore_ascii_case(w.name)))
        .collect();
    let node = options.node && node_available();
    if options.node && !node {
        eprintln!("compare: `node` is not on PATH; Node's column is left out");
    }
    let mut results: Vec<Rounds> = workloads.iter().map(|_| Rounds::default()).collect();
    for round in 0..options.rounds {
        for (w, rounds) in workloads.iter().zip(&mut results) {
            let mut sides: Vec<Side> = vec![Side::Settle];
            sides.extend(w.tokio.iter().map(|(label, _)| Side::Tokio(label)));
            if node {
                sides.push(Side::Node);
            }
            let turn = round % sides.len();
            sides.rotate_left(turn);
            let mut row = Row::default();
            for side in sides {
                let ns = run_side(w, side, w.n, options.samples);
                match side {
                    Side::Settle => row.settle = ns,
                    Side::Tokio(label) => {
                        if ns < row.tokio.1 || row.tokio.0.is_empty() {
                            row.tokio = (label, ns);
                        }
                    }
                    Side::Node => row.node = Some(ns),
                }
            }
            eprintln!(
                "round {} {:<4} settle {:>8.1}  {} {:>8.1}  node {}",
                round + 1,
                w.name,
                row.settle,
                row.tokio.0,
                row.tokio.1,
                row.node.map_or_else(|| "-".into(), |n| format!("{n:.1}"))
            );
            rounds.0.push(row);
        }
    }
    print_table(&workloads, &results, &options, node);
    if options.scaling {
        print_scaling(&workloads, options.samples);
    }
}

fn parse(args: &[String]) -> Options {
    let mut options = Options { rounds: 3, samples: 5, node: true, scaling: false, only: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--rounds" => {
                options.rounds = number(args.get(i + 1), "--rounds");
                i += 1;
            }
            "--samples" => {
                options.samples = number(args.get(i + 1), "--samples");
                i += 1;
            }
            "--no-node" => options.node = false,
            "--scaling" => options.scaling = true,
            // What `cargo bench` passes to every bench binary.
            "--bench" => {}
            flag if flag.starts_with("--") => {
                eprintln!("compare: unknown flag {flag}");
                std::process::exit(2);
            }
            name => options.only.push(name.to_string()),
        }
        i += 1;
    }
    options
}

fn number(arg: Option<&String>, flag: &str) -> usize {
    match arg.and_then(|a| a.parse().ok()) {
        Some(n) if n > 0 => n,
        _ => {
            eprintln!("compare: {flag} takes a positive number");
            std::process::exit(2);
        }
    }
}

#[derive(Clone, Copy)]
enum Side {
    Settle,
    Tokio(&'static str),
    Node,
}

#[derive(Default)]
struct Row {
    settle: f64,
    tokio: (&'static str, f64),
    node: Option<f64>,
}

#[derive(Default)]
struct Rounds(Vec<Row>);

/// Runs one side of one workload in a child process; its median ns per operation.
fn run_side(w: &Workload, side: Side, n: u64, samples: usize) -> f64 {
    let output = match side {
        Side::Node => Command::new("node")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/node/workloads.js"))
            .arg(w.name)
            .output(),
        Side::Settle | Side::Tokio(_) => {
            let label = match side {
                Side::Tokio(label) => label,
                _ => "settle",
            };
            Command::new(std::env::current_exe().expect("the bench's own path"))
                .args(["--child", w.name, label, &n.to_string(), &samples.to_string()])
                .output()
        }
    };
    let output = output.unwrap_or_else(|e| panic!("compare: cannot start the child for {}: {e}", w.name));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "compare: the child for {} failed ({}):\n{}{}",
        w.name,
        output.status,
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    let ns = match side {
        Side::Node => json_number(&stdout, "ns"),
        _ => stdout.trim().parse().ok(),
    };
    ns.unwrap_or_else(|| panic!("compare: no figure in the child's output for {}: {stdout}", w.name))
}

/// The child: builds the loop or runtime, warms up, times `samples` whole workloads and prints
/// the median ns per operation.
fn child(args: &[String]) {
    let usage = "compare --child <workload> <settle|tokio label> <n> <samples>";
    let [name, label, n, samples] = args else { panic!("{usage}") };
    let w = WORKLOADS.iter().find(|w| w.name == name).expect(usage);
    let n: u64 = n.parse().expect(usage);
    let samples: usize = samples.parse().expect(usage);
    let mut run: Box<dyn FnMut()> = if label == "settle" {
        let el = settle_loop(w);
        Box::new(move || (w.settle)(&el, n))
    } else {
        let &(_, f) = w.tokio.iter().find(|(l, _)| l == label).expect(usage);
        let rt = if w.paused { tokio_rt_paused() } else { tokio_rt() };
        Box::new(move || f(&rt, n))
    };
    for _ in 0..2 {
        run();
    }
    let mut per_op: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .collect();
    println!("{:.2}", median(&mut per_op));
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len().is_multiple_of(2) { (v[mid - 1] + v[mid]) / 2.0 } else { v[mid] }
}

/// The number after `"key":` in a one-line JSON object (what workloads.js prints).
fn json_number(json: &str, key: &str) -> Option<f64> {
    let at = json.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = json[at..].trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+')))?;
    rest[..end].parse().ok()
}

fn node_available() -> bool {
    Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn print_table(workloads: &[&Workload], results: &[Rounds], options: &Options, node: bool) {
    println!(
        "\nmedian ns/op over {} rounds, each side of each workload in its own process ({} samples each); \
         ratios are medians of same-round ratios; settle and tokio allocate with {}",
        options.rounds, options.samples, ALLOCATOR
    );
    println!(
        "| workload (N) | settle | best tokio analogue | Node | tokio / settle | Node / settle | target | met |"
    );
    println!("|---|---:|---|---:|---:|---:|---|---|");
    for (w, rounds) in workloads.iter().zip(results) {
        let settle = median(&mut rounds.0.iter().map(|r| r.settle).collect::<Vec<_>>());
        let tokio = median(&mut rounds.0.iter().map(|r| r.tokio.1).collect::<Vec<_>>());
        let label = most_common(rounds.0.iter().map(|r| r.tokio.0));
        let tokio_ratio = median(&mut rounds.0.iter().map(|r| r.tokio.1 / r.settle).collect::<Vec<_>>());
        let (node_ns, node_ratio) = if node {
            let ns: Vec<f64> = rounds.0.iter().filter_map(|r| r.node).collect();
            let ratios: Vec<f64> = rounds.0.iter().filter_map(|r| Some(r.node? / r.settle)).collect();
            (Some(median(&mut ns.clone())), Some(median(&mut ratios.clone())))
        } else {
            (None, None)
        };
        let met = settle <= w.target_ns
            && tokio_ratio >= w.speedup
            && node_ratio.is_none_or(|r| r >= w.node_speedup);
        println!(
            "| {} {} ({}) | **{settle:.1}** | {tokio:.1} {label} | {} | {tokio_ratio:.1}x | {} | <= {} ns, >= {}x tokio, >= {}x Node | {} |",
            w.name,
            w.what,
            w.n,
            node_ns.map_or_else(|| "-".into(), |n| format!("{n:.1}")),
            node_ratio.map_or_else(|| "-".into(), |r| format!("{r:.1}x")),
            w.target_ns,
            w.speedup,
            w.node_speedup,
            if met { "yes" } else { "no" }
        );
    }
}

fn most_common(labels: impl Iterator<Item = &'static str>) -> &'static str {
    let labels: Vec<&str> = labels.collect();
    labels.iter().copied().max_by_key(|l| labels.iter().filter(|m| *m == l).count()).unwrap_or("-")
}

/// settle alone at N = 10^3 .. 10^6, one process per size: linear means ns/op stays flat.
fn print_scaling(workloads: &[&Workload], samples: usize) {
    println!("\nsettle scaling: ns/op at N = 10^3 .. 10^6, one process per size (max/min across sizes)");
    println!("| workload | 1e3 | 1e4 | 1e5 | 1e6 | max/min |");
    println!("|---|---:|---:|---:|---:|---:|");
    for w in workloads {
        let row: Vec<f64> = SCALING.iter().map(|&n| run_side(w, Side::Settle, n, samples)).collect();
        let spread =
            row.iter().copied().fold(f64::MIN, f64::max) / row.iter().copied().fold(f64::MAX, f64::min);
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | {spread:.2}x |",
            w.name, row[0], row[1], row[2], row[3]
        );
    }
}
