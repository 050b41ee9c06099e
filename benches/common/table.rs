//! The workloads W1-W7 of docs/benchmarks.md as data: each one's size, settle function, tokio
//! analogues and targets, shared by `benches/workloads.rs` (criterion, one process) and
//! `benches/compare.rs` (each workload in a process of its own, beside Node).

use super::*;
use settle::runtime::EventLoop;

/// A tokio analogue: its label and the function running one workload.
pub type TokioRun = (&'static str, fn(&tokio::runtime::Runtime, u64));

/// The workloads, each with its issue size, settle function, tokio analogues and target.
pub struct Workload {
    pub name: &'static str,
    pub what: &'static str,
    pub n: u64,
    pub settle: fn(&EventLoop, u64),
    pub virtual_clock: bool,
    pub tokio: &'static [TokioRun],
    pub paused: bool,
    /// Target ns/op (issue 16's, where it names one; issue 7's otherwise) and the required
    /// speed-ups over the best tokio analogue and over Node (issue 16: 5x and 2x; W6 3x tokio's
    /// mpsc of plain integers).
    pub target_ns: f64,
    pub speedup: f64,
    pub node_speedup: f64,
}

pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "W1",
        what: "microtask ping (per job)",
        n: 1_000_000,
        settle: settle_w1,
        virtual_clock: false,
        tokio: &[("tokio-yield", tokio_w1_yield), ("tokio-spawn-chain", tokio_w1_spawn_chain)],
        paused: false,
        target_ns: 12.0,
        speedup: 5.0,
        node_speedup: 2.0,
    },
    Workload {
        name: "W2",
        what: "then-chain (per link)",
        n: 1_000_000,
        settle: settle_w2,
        virtual_clock: false,
        tokio: &[("tokio-oneshot-chain", tokio_w2)],
        paused: false,
        target_ns: 60.0,
        speedup: 5.0,
        node_speedup: 2.0,
    },
    Workload {
        name: "W3",
        what: "fan-out (per handler)",
        n: 100_000,
        settle: settle_w3,
        virtual_clock: false,
        tokio: &[("tokio-shared-oneshot", tokio_w3_shared), ("tokio-notify", tokio_w3_notify)],
        paused: false,
        target_ns: 25.0,
        speedup: 5.0,
        node_speedup: 2.0,
    },
    Workload {
        name: "W4a",
        what: "all, resolved inputs (per element)",
        n: 100_000,
        settle: settle_w4_resolved,
        virtual_clock: false,
        tokio: &[("tokio-join_all", tokio_w4_resolved)],
        paused: false,
        target_ns: 30.0,
        speedup: 5.0,
        node_speedup: 2.0,
    },
    Workload {
        name: "W4b",
        what: "all, pending inputs (per element)",
        n: 100_000,
        settle: settle_w4_pending,
        virtual_clock: false,
        tokio: &[("tokio-join_all", tokio_w4_pending)],
        paused: false,
        target_ns: 45.0,
        speedup: 5.0,
        node_speedup: 2.0,
    },
    Workload {
        name: "W5",
        what: "timers, virtual clock (per timer)",
        n: 100_000,
        settle: settle_w5,
        virtual_clock: true,
        tokio: &[("tokio-paused-sleep", tokio_w5)],
        paused: true,
        target_ns: 100.0,
        speedup: 5.0,
        node_speedup: 2.0,
    },
    Workload {
        name: "W6",
        what: "cross-thread post (per message)",
        n: 1_000_000,
        settle: settle_w6,
        virtual_clock: false,
        tokio: &[("tokio-mpsc", tokio_w6)],
        paused: false,
        target_ns: 50.0,
        speedup: 3.0,
        node_speedup: 2.0,
    },
    Workload {
        name: "W7",
        what: "async tasks (per task)",
        n: 100_000,
        settle: settle_w7,
        virtual_clock: false,
        tokio: &[("tokio-localset", tokio_w7)],
        paused: false,
        target_ns: 70.0,
        speedup: 5.0,
        node_speedup: 2.0,
    },
];

/// A loop for `w`: on the virtual clock for the timer workload.
pub fn settle_loop(w: &Workload) -> EventLoop {
    if w.virtual_clock { EventLoop::builder().virtual_clock().build() } else { EventLoop::new() }
}
