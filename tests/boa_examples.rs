//! Every script in `examples/js/` run with `settle --engine boa` prints its recorded output
//! (`NAME.out`, which is what `node NAME.js` prints: tests/js_examples.rs checks that), except
//! for lines where Boa itself words an error message differently from V8. Those are listed
//! here, each with the line Boa prints; a divergence in ordering is never listed. The worker
//! examples (`ch5-*`, chapter 5) run too: settle-boa's workers are settle-host's, as
//! settle-js's are. The scripts of `examples/js/html` print, under `--host html`, the output
//! HTML's rules give (written by hand; tests/js_examples.rs checks settle-js against it).

mod support;

use std::path::PathBuf;
use std::process::Command;

/// (file, Node's line, Boa's line): Boa's own error messages, left as Boa writes them.
const BOA_MESSAGES: &[(&str, &str, &str)] = &[
    ("ch3-error-handling.js", "msg.toLowerCase is not a function", "not a callable function"),
    (
        "regexp-methods.js",
        "SyntaxError: Invalid regular expression: /(/: Unterminated group",
        "SyntaxError: failed to create matcher: Unbalanced parenthesis",
    ),
    (
        "regexp-methods.js",
        "SyntaxError: Invalid flags supplied to RegExp constructor 'gg'",
        "SyntaxError: repeated regular expression flag g",
    ),
    (
        "lang-subset-tour.js",
        "true TypeError Cannot read properties of null (reading 'property')",
        "true TypeError cannot convert 'null' or 'undefined' to object",
    ),
];

fn examples() -> Vec<PathBuf> {
    support::js_files("examples/js")
}

#[test]
fn examples_print_node_s_output_on_boa() {
    let settle = env!("CARGO_BIN_EXE_settle");
    let mut failures = Vec::new();
    let mut exact = 0;
    for file in &examples() {
        let name = file.file_name().and_then(|n| n.to_str()).expect("a file name");
        let recorded = std::fs::read_to_string(file.with_extension("out")).expect("a recorded output");
        let output = Command::new(settle)
            .args(["--engine", "boa", "--virtual-time", name])
            .current_dir(file.parent().expect("a directory"))
            .output()
            .expect("settle runs");
        let code = output.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if code == 0 && stdout == recorded {
            exact += 1;
            continue;
        }
        // Allowed: exactly the listed lines differ, as listed.
        let known: Vec<_> = BOA_MESSAGES.iter().filter(|(f, ..)| *f == name).collect();
        let mut expected = recorded.clone();
        for (_, node, boa) in &known {
            expected = expected.replacen(node, boa, 1);
        }
        if known.is_empty() || code != 0 || stdout != expected {
            failures.push(format!("{name}: exit {code}\n--- node (recorded)\n{recorded}--- boa\n{stdout}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let mut with_messages: Vec<&str> = BOA_MESSAGES.iter().map(|(f, ..)| *f).collect();
    with_messages.dedup();
    assert_eq!(exact, examples().len() - with_messages.len(), "the rest print exactly Node's output");
}

#[test]
fn html_examples_print_the_output_html_describes_on_boa() {
    let files = support::js_files("examples/js/html");
    assert!(files.len() >= 2, "examples/js/html holds the book's Web Worker snippets");
    let settle = env!("CARGO_BIN_EXE_settle");
    let mut failures = Vec::new();
    for file in &files {
        let expected = std::fs::read_to_string(file.with_extension("out")).expect("an expected output");
        for args in [
            &["--engine", "boa", "--host", "html", "--virtual-time"][..],
            &["--engine", "boa", "--host", "html"][..],
        ] {
            let (code, stdout) = support::run_file(settle, args, file);
            if code != 0 || stdout != expected {
                failures.push(format!(
                    "{} {args:?}: exit {code}\n--- expected\n{expected}--- boa\n{stdout}",
                    file.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn worker_examples_run_in_real_time_too() {
    // Threads on the real clock: the order is still the one the examples print.
    let settle = env!("CARGO_BIN_EXE_settle");
    for file in examples()
        .iter()
        .filter(|f| f.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("ch5-")))
    {
        let (code, stdout) = support::run_file(settle, &["--engine", "boa"], file);
        let recorded = std::fs::read_to_string(file.with_extension("out")).expect("a recorded output");
        assert_eq!((code, stdout), (0, recorded), "{}", file.display());
    }
}
