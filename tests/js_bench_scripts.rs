//! The JavaScript workloads of `benches/js/` (W1-W7, timed by `benches/js/compare.js`) run
//! correctly at a small N on settle-js, on Boa on settle (W6 needs `worker_threads`, which
//! settle-boa lacks) and on Node: each checks its own result and prints one line, which must
//! be the same everywhere. Also `process.argv` on Boa, which is how the scripts get N.

mod support;

use std::process::Command;

const SCRIPTS: [&str; 8] = ["w1", "w2", "w3", "w4a", "w4b", "w5", "w6", "w7"];

fn run(program: &str, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program} runs: {e}"));
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn script(name: &str) -> String {
    format!("{}/benches/js/{name}.js", env!("CARGO_MANIFEST_DIR"))
}

fn expected(name: &str, n: u32, runs: u32) -> String {
    let upper = name.replacen('w', "W", 1);
    format!("{upper} n={n} runs={runs} ok\n")
}

#[test]
fn every_workload_checks_out_on_settle_js() {
    for name in SCRIPTS {
        for (n, runs) in [(0, 1), (50, 2)] {
            let (code, out, err) =
                run(env!("CARGO_BIN_EXE_settle"), &[&script(name), &n.to_string(), &runs.to_string()]);
            assert_eq!((code, out.as_str()), (0, expected(name, n, runs).as_str()), "{name}: {err}");
        }
    }
}

#[test]
fn every_workload_but_w6_checks_out_on_boa() {
    for name in SCRIPTS.iter().filter(|n| **n != "w6") {
        for (n, runs) in [(0, 1), (50, 2)] {
            let (code, out, err) = run(
                env!("CARGO_BIN_EXE_settle"),
                &["--engine", "boa", &script(name), &n.to_string(), &runs.to_string()],
            );
            assert_eq!((code, out.as_str()), (0, expected(name, n, runs).as_str()), "{name}: {err}");
        }
    }
}

#[test]
fn every_workload_prints_the_same_line_on_node() {
    if !support::node_available() {
        return;
    }
    for name in SCRIPTS {
        let (code, out, err) = run("node", &[&script(name), "50", "2"]);
        assert_eq!((code, out.as_str()), (0, expected(name, 50, 2).as_str()), "{name}: {err}");
    }
}

#[test]
fn boa_has_nodes_process_argv() {
    let (code, out, err) = run(
        env!("CARGO_BIN_EXE_settle"),
        &["--engine", "boa", "-e", "console.log(process.argv.length, process.argv.slice(1))", "a", "b"],
    );
    assert_eq!((code, out.as_str()), (0, "3 [ 'a', 'b' ]\n"), "{err}");
}
