//! Every script in `examples/js/` run with `settle --engine boa` prints its recorded output
//! (`NAME.out`, which is what `node NAME.js` prints: tests/js_examples.rs checks that), except
//! for lines where Boa itself words an error message differently from V8. Those are listed
//! here, each with the line Boa prints; a divergence in ordering is never listed. The worker
//! examples (`ch5-*`, chapter 5) need `require("worker_threads")`, which settle-boa's Node host
//! does not provide: they are settle-js's only (tests/js_examples.rs).

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

/// Whether an example uses workers (settle-js only).
fn uses_workers(file: &std::path::Path) -> bool {
    file.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("ch5-"))
}

fn examples() -> Vec<PathBuf> {
    support::js_files("examples/js").into_iter().filter(|f| !uses_workers(f)).collect()
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
