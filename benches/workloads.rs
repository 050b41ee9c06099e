//! settle against tokio on the workloads W1-W7 of docs/benchmarks.md (issue 7), in one binary so
//! that every ratio comes from one run on one machine state.
//!
//! `cargo bench --bench workloads` runs, for each workload, settle and the closest tokio
//! analogue at the size, then settle alone at N = 10^3..10^6 (the scaling table), and
//! ends with a table of median ns/op, the settle/tokio ratio and the targets. The same figures go
//! to `$CARGO_TARGET_DIR/settle-workloads.json` (default `target/`) for
//! `benches/node/compare.js`, which prints Node's numbers beside them.
//!
//! Each criterion sample runs whole workloads (build, run to completion, drop) on a loop or
//! runtime built once, outside the timed region; ns/op is the sample's time divided by the
//! operations it performed. The table reports the median of the measured samples and their
//! min-max spread (criterion's own report, with confidence intervals, is printed above it).

// criterion_group! and criterion_main! generate undocumented public items.
#![allow(missing_docs)]

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use common::table::{WORKLOADS, settle_loop};
use common::*;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

const SAMPLES: usize = 10;

thread_local! {
    /// ns/op of every sample criterion took, by "workload/implementation/n"; only the last
    /// `SAMPLES` (the measured ones, after warm-up) are kept.
    static RESULTS: RefCell<BTreeMap<String, Vec<f64>>> = const { RefCell::new(BTreeMap::new()) };
}

fn record(key: &str, ns_per_op: f64) {
    RESULTS.with(|r| {
        let mut r = r.borrow_mut();
        let v = r.entry(key.to_string()).or_default();
        v.push(ns_per_op);
        if v.len() > SAMPLES {
            v.remove(0);
        }
    });
}

/// Median, min and max of a key's samples.
fn stats(key: &str) -> Option<(f64, f64, f64)> {
    RESULTS.with(|r| {
        let r = r.borrow();
        let mut v = r.get(key)?.clone();
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        let median = if v.len() % 2 == 0 { (v[mid - 1] + v[mid]) / 2.0 } else { v[mid] };
        Some((median, v[0], v[v.len() - 1]))
    })
}

const SCALING: [u64; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// Times `iters` whole workloads and records the per-operation time.
fn timed(key: &str, n: u64, iters: u64, mut run: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        run();
    }
    let elapsed = start.elapsed();
    record(key, elapsed.as_nanos() as f64 / (iters * n) as f64);
    elapsed
}

fn compare(c: &mut Criterion) {
    for w in WORKLOADS {
        let mut group = c.benchmark_group(w.name);
        group.sampling_mode(SamplingMode::Flat).throughput(Throughput::Elements(w.n));
        let el = settle_loop(w);
        let key = format!("{}/settle/{}", w.name, w.n);
        group.bench_function(BenchmarkId::new("settle", w.n), |b| {
            b.iter_custom(|iters| timed(&key, w.n, iters, || (w.settle)(&el, w.n)))
        });
        drop(el);
        for &(label, run) in w.tokio {
            let rt = if w.paused { tokio_rt_paused() } else { tokio_rt() };
            let key = format!("{}/{label}/{}", w.name, w.n);
            group.bench_function(BenchmarkId::new(label, w.n), |b| {
                b.iter_custom(|iters| timed(&key, w.n, iters, || run(&rt, w.n)))
            });
        }
        group.finish();
    }
}

fn scaling(c: &mut Criterion) {
    for w in WORKLOADS {
        let mut group = c.benchmark_group(format!("scaling-{}", w.name));
        group.sampling_mode(SamplingMode::Flat);
        let el = settle_loop(w);
        for n in SCALING {
            if n == w.n {
                continue; // measured by `compare`
            }
            group.throughput(Throughput::Elements(n));
            let key = format!("{}/settle/{n}", w.name);
            group.bench_function(BenchmarkId::new("settle", n), |b| {
                b.iter_custom(|iters| timed(&key, n, iters, || (w.settle)(&el, n)))
            });
        }
        group.finish();
    }
}

/// Prints the comparison and scaling tables, and writes them as JSON for the Node script.
fn report(_: &mut Criterion) {
    let mut table = String::new();
    let mut json = String::from("{\n");
    let _ = writeln!(table, "\nsettle vs tokio: median ns/op of {SAMPLES} samples [min-max]");
    let _ = writeln!(
        table,
        "{:<4} {:<36} {:>9} {:>20} {:>24} {:>7} {:>16}",
        "", "workload (N)", "settle", "spread", "best tokio", "ratio", "target"
    );
    for w in WORKLOADS {
        let Some((s, s_min, s_max)) = stats(&format!("{}/settle/{}", w.name, w.n)) else { continue };
        let best = w
            .tokio
            .iter()
            .filter_map(|(label, _)| Some((*label, stats(&format!("{}/{label}/{}", w.name, w.n))?.0)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let (tokio_label, t) = best.unwrap_or(("-", f64::NAN));
        let ratio = t / s;
        let met = s <= w.target_ns && ratio >= w.speedup;
        let _ = writeln!(
            table,
            "{:<4} {:<36} {:>9.1} {:>20} {:>24} {:>6.1}x {:>16}",
            w.name,
            format!("{} ({})", w.what, w.n),
            s,
            format!("[{s_min:.1}-{s_max:.1}]"),
            format!("{t:.1} {tokio_label}"),
            ratio,
            format!("<={}ns >={}x {}", w.target_ns, w.speedup, if met { "ok" } else { "MISS" }),
        );
        for (label, _) in w.tokio {
            if let Some((m, lo, hi)) = stats(&format!("{}/{label}/{}", w.name, w.n)) {
                let _ = writeln!(
                    json,
                    "  \"{}/{label}\": {{\"n\": {}, \"ns\": {m:.2}, \"min\": {lo:.2}, \"max\": {hi:.2}}},",
                    w.name, w.n
                );
            }
        }
        let _ = writeln!(
            json,
            "  \"{}/settle\": {{\"n\": {}, \"ns\": {s:.2}, \"min\": {s_min:.2}, \"max\": {s_max:.2}}},",
            w.name, w.n
        );
    }
    let _ = writeln!(table, "\nsettle scaling: median ns/op at N = 10^3 .. 10^6 (max/min across sizes)");
    let _ = writeln!(table, "{:<4} {:>9} {:>9} {:>9} {:>9} {:>9}", "", "1e3", "1e4", "1e5", "1e6", "max/min");
    for w in WORKLOADS {
        let row: Vec<Option<f64>> =
            SCALING.iter().map(|n| stats(&format!("{}/settle/{n}", w.name)).map(|s| s.0)).collect();
        if row.iter().all(Option::is_none) {
            continue;
        }
        let known: Vec<f64> = row.iter().flatten().copied().collect();
        let spread =
            known.iter().copied().fold(f64::MIN, f64::max) / known.iter().copied().fold(f64::MAX, f64::min);
        let cells: Vec<String> =
            row.iter().map(|v| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"))).collect();
        let _ = writeln!(
            table,
            "{:<4} {:>9} {:>9} {:>9} {:>9} {:>8.2}x",
            w.name, cells[0], cells[1], cells[2], cells[3], spread
        );
        for (n, v) in SCALING.iter().zip(&row) {
            if let Some(v) = v {
                let _ = writeln!(json, "  \"scaling/{}/{n}\": {{\"n\": {n}, \"ns\": {v:.2}}},", w.name);
            }
        }
    }
    println!("{table}");
    json.push_str("  \"_\": null\n}\n");
    let dir = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target").into());
    let path = std::path::Path::new(&dir).join("settle-workloads.json");
    match std::fs::write(&path, json) {
        Ok(()) => println!("results written to {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = config();
    targets = compare, scaling, report
}
criterion_main!(benches);
