//! test262 in CI: runs `test/built-ins/Promise` of the test262 checkout (`TEST262_DIR`, default
//! `../shared/test262` beside the workspace) on settle-js and compares the failures with
//! `conformance/test262-expectations.txt`. It fails when a test outside the list fails and when
//! a listed test passes; `TEST262_UPDATE=1` rewrites the list instead. Skips (saying so) when
//! the directory is absent.

use std::path::PathBuf;

use settle_conformance::test262::{default_dir, expectations, run_all, table};

const PREFIX: &str = "built-ins/Promise/";

fn expectations_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test262-expectations.txt")
}

#[test]
fn test262_promise_matches_the_expectations_file() {
    let Some(dir) = default_dir() else {
        eprintln!("test262: no test262 directory (set TEST262_DIR or provide ../shared/test262); skipping");
        return;
    };
    let results = run_all(&dir, PREFIX).expect("the test262 directory is readable");
    assert!(!results.is_empty(), "no tests under {}/test/{PREFIX}", dir.display());
    eprintln!("test262 ({}):\n{}", dir.display(), table(&results));
    let path = expectations_file();
    if std::env::var_os("TEST262_UPDATE").is_some() {
        std::fs::write(&path, expectations::render(&results)).expect("the expectations file is writable");
        eprintln!("test262: wrote {}", path.display());
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = expectations::parse(&text);
    let differences = expectations::differences(&results, &expected, PREFIX);
    assert!(
        differences.is_empty(),
        "test262 results differ from {} ({} differences; TEST262_UPDATE=1 rewrites it):\n{}",
        path.display(),
        differences.len(),
        differences.join("\n")
    );
}
