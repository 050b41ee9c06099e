//! settle-js's language features, one script each in `tests/js-lang/` with the output Node
//! prints (`NAME.out`, recorded with `node NAME.js`): each runs on settle (the `settle` command)
//! and must print exactly that; when `node` is on PATH, Node must print it too. They are kept
//! apart from `examples/js/` (the book's programs, which Boa also runs) because they test
//! settle-js's own console formatting and error messages, which Boa words differently.

mod support;

use std::path::{Path, PathBuf};

fn scripts() -> Vec<PathBuf> {
    support::js_files("tests/js-lang")
}

fn run(program: &str, args: &[&str], file: &Path) -> (i32, String) {
    support::run_file(program, args, file)
}

fn check(program: &str, args: &[&str]) -> Vec<String> {
    let files = scripts();
    assert!(files.len() >= 8, "tests/js-lang holds the language scripts");
    let mut failures = Vec::new();
    for file in &files {
        let expected = std::fs::read_to_string(file.with_extension("out"))
            .unwrap_or_else(|_| panic!("{} has no recorded output (.out)", file.display()));
        let (code, stdout) = run(program, args, file);
        if code != 0 || stdout != expected {
            failures.push(format!(
                "{}: exit {code}\n--- expected\n{expected}--- {program}\n{stdout}",
                file.display()
            ));
        }
    }
    failures
}

#[test]
fn language_scripts_print_node_s_output_on_settle() {
    let failures = check(env!("CARGO_BIN_EXE_settle"), &["--virtual-time"]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn language_scripts_print_the_recorded_output_on_node() {
    if !support::node_available() {
        eprintln!("node is not on PATH: skipping the comparison with Node");
        return;
    }
    let failures = check("node", &[]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
