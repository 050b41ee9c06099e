//! `cargo run -p settle-conformance --bin test262 [--failures] [PREFIX]`: runs the test262 tests
//! under `test/PREFIX` (default `built-ins/Promise/`) on settle-js and prints the pass counts per
//! directory (and, with `--failures`, each failing test with its reason).

use std::process::ExitCode;

use settle_conformance::test262::{default_dir, run_all, table};

fn main() -> ExitCode {
    let mut prefix = "built-ins/Promise/".to_string();
    let mut failures = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--failures" => failures = true,
            other => prefix = other.to_string(),
        }
    }
    let Some(dir) = default_dir() else {
        eprintln!("test262: no test262 directory (set TEST262_DIR or provide ../shared/test262)");
        return ExitCode::from(66);
    };
    let results = match run_all(&dir, &prefix) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("test262: cannot read {}: {e}", dir.display());
            return ExitCode::from(66);
        }
    };
    if failures {
        for (path, outcome) in &results {
            if let Err(reason) = outcome {
                println!("{path}: {reason}");
            }
        }
        println!();
    }
    print!("{}", table(&results));
    ExitCode::SUCCESS
}
