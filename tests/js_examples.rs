//! Every script in `examples/js/` runs on settle (the `settle` command) and prints exactly its
//! recorded output (`NAME.out`); when `node` is on PATH, Node must print the same.

mod support;

use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    support::js_files("examples/js")
}

fn run(program: &str, args: &[&str], file: &Path) -> (i32, String) {
    support::run_file(program, args, file)
}

#[test]
fn examples_print_their_recorded_output_on_settle() {
    let files = examples();
    assert!(files.len() >= 15, "examples/js holds the book's snippets");
    let settle = env!("CARGO_BIN_EXE_settle");
    let mut failures = Vec::new();
    for file in &files {
        let expected = std::fs::read_to_string(file.with_extension("out"))
            .unwrap_or_else(|_| panic!("{} has no recorded output (.out)", file.display()));
        // Virtual time: the same order as real time, without the waiting.
        let (code, stdout) = run(settle, &["--virtual-time"], file);
        if code != 0 || stdout != expected {
            failures.push(format!(
                "{}: exit {code}\n--- expected\n{expected}--- settle\n{stdout}",
                file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn examples_print_what_node_prints() {
    if !support::node_available() {
        eprintln!("node is not on PATH: skipping the comparison with Node");
        return;
    }
    // Node waits for real timers: run a few files side by side (not all at once: a loaded
    // machine delays timers enough to reorder close deadlines).
    let mut failures = Vec::new();
    for chunk in examples().chunks(4) {
        let handles: Vec<_> = chunk
            .iter()
            .cloned()
            .map(|file| {
                std::thread::spawn(move || {
                    let (code, stdout) = run("node", &[], &file);
                    let expected = std::fs::read_to_string(file.with_extension("out")).unwrap_or_default();
                    (file, code, stdout, expected)
                })
            })
            .collect();
        for h in handles {
            let (file, mut code, mut stdout, expected) = h.join().expect("a node run");
            // A loaded machine can delay Node's real timers enough to reorder close deadlines
            // (ch1-cooperative's chunks against its timer): as the differential harness does,
            // a difference counts only if it holds on two more runs of that file alone.
            for _ in 0..2 {
                if code == 0 && stdout == expected {
                    break;
                }
                (code, stdout) = run("node", &[], &file);
            }
            if code != 0 || stdout != expected {
                failures.push(format!(
                    "{}: exit {code}\n--- recorded\n{expected}--- node\n{stdout}",
                    file.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn html_examples_print_the_output_html_describes() {
    // examples/js/html: scripts for `--host html`, whose expected output is written by hand
    // from the HTML standard (each says why in its comments); Node cannot check them.
    let files = support::js_files("examples/js/html");
    assert!(files.len() >= 2, "examples/js/html holds the book's Web Worker snippets");
    let settle = env!("CARGO_BIN_EXE_settle");
    let mut failures = Vec::new();
    for file in &files {
        let expected = std::fs::read_to_string(file.with_extension("out"))
            .unwrap_or_else(|_| panic!("{} has no expected output (.out)", file.display()));
        for args in [&["--host", "html", "--virtual-time"][..], &["--host", "html"][..]] {
            let (code, stdout) = run(settle, args, file);
            if code != 0 || stdout != expected {
                failures.push(format!(
                    "{} {args:?}: exit {code}\n--- expected\n{expected}--- settle\n{stdout}",
                    file.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn examples_run_in_real_time_too() {
    // The default clock is the real one: spot-check one timer-heavy example without
    // --virtual-time (its longest timer is 300 ms).
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/js/ch3-chain-delay.js");
    let (code, stdout) = run(env!("CARGO_BIN_EXE_settle"), &[], &file);
    assert_eq!(code, 0);
    assert_eq!(stdout, std::fs::read_to_string(file.with_extension("out")).expect("recorded output"));
}
