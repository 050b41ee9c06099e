//! Runs one workload of `benches/workloads.rs` once, for peak-RSS measurements under
//! `/usr/bin/time -v` and for profiling under `valgrind --tool=callgrind` (docs/benchmarks.md).
//!
//! `cargo run --release --example bench_rss -- <settle|tokio> <w1|w2|w3|w4a|w4b|w5|w6|w7> [n] [runs]`
//!
//! `runs` (default 1) repeats the workload on the same loop or runtime, as the bench does, so a
//! profile can show the steady state (a warm allocator) rather than the first run.

#[path = "../benches/common/mod.rs"]
mod common;

use common::*;
use settle::runtime::EventLoop;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: bench_rss <settle|tokio> <w1|w2|w3|w4a|w4b|w5|w6|w7> [n] [runs]";
    let (Some(side), Some(workload)) = (args.get(1), args.get(2)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let n: u64 = args.get(3).map_or(1_000_000, |n| n.parse().expect(usage));
    let runs: u64 = args.get(4).map_or(1, |r| r.parse().expect(usage));
    match side.as_str() {
        "settle" => {
            let el = if workload == "w5" {
                EventLoop::builder().virtual_clock().build()
            } else {
                EventLoop::new()
            };
            let run = match workload.as_str() {
                "w1" => settle_w1,
                "w2" => settle_w2,
                "w3" => settle_w3,
                "w4a" => settle_w4_resolved,
                "w4b" => settle_w4_pending,
                "w5" => settle_w5,
                "w6" => settle_w6,
                "w7" => settle_w7,
                _ => panic!("{usage}"),
            };
            for _ in 0..runs {
                run(&el, n);
            }
        }
        "tokio" => {
            let rt = if workload == "w5" { tokio_rt_paused() } else { tokio_rt() };
            let run = match workload.as_str() {
                "w1" => tokio_w1_yield,
                "w2" => tokio_w2,
                "w3" => tokio_w3_shared,
                "w4a" => tokio_w4_resolved,
                "w4b" => tokio_w4_pending,
                "w5" => tokio_w5,
                "w6" => tokio_w6,
                "w7" => tokio_w7,
                _ => panic!("{usage}"),
            };
            for _ in 0..runs {
                run(&rt, n);
            }
        }
        _ => panic!("{usage}"),
    }
}
