//! The `settle` command line as Node users expect it (issue 17): `--version`, `-e`, a script
//! on stdin, `process.argv`, `--opt=value`, `--`, one-line usage errors with Node's exit code.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn settle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_settle")).args(args).output().expect("settle runs")
}

fn settle_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("settle starts");
    child.stdin.take().expect("a pipe").write_all(stdin.as_bytes()).expect("stdin written");
    child.wait_with_output().expect("settle ends")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A script file of its own for each test (tests run in parallel).
fn script(name: &str, source: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("settle-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, source).expect("the script is written");
    path
}

#[test]
fn version_prints_the_package_version() {
    let o = settle(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), format!("settle {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(stdout(&settle(&["-v"])), stdout(&o));
}

#[test]
fn eval_runs_its_argument() {
    let o = settle(&["-e", "console.log(1+1)"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), "2\n"), "{}", stderr(&o));
    let o = settle(&["--eval=console.log(1+2)"]);
    assert_eq!(stdout(&o), "3\n");
    // Node's shape for -e: [execPath, ...args], no script path.
    let o = settle(&["-e", "console.log(process.argv.length, process.argv.slice(1))", "a", "b"]);
    assert_eq!(stdout(&o), "3 [ 'a', 'b' ]\n");
}

#[test]
fn a_dash_reads_the_script_from_stdin() {
    let o = settle_with_stdin(&["-"], "console.log(3)");
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), "3\n"), "{}", stderr(&o));
    // As `node - x`: argv[1] is "-".
    let o = settle_with_stdin(&["-", "x"], "console.log(process.argv.slice(1))");
    assert_eq!(stdout(&o), "[ '-', 'x' ]\n");
    // With no argument and stdin not a terminal, the script is stdin.
    let o = settle_with_stdin(&[], "console.log(typeof process.argv[0])");
    assert_eq!(stdout(&o), "string\n");
}

#[test]
fn arguments_after_the_file_are_the_scripts() {
    let f = script("argv.js", "console.log(process.argv.slice(2))");
    let file = f.to_str().expect("a UTF-8 path");
    let o = settle(&[file, "a", "b"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), "[ 'a', 'b' ]\n"), "{}", stderr(&o));
    // Options after the file are the script's too, `--` included, as in Node.
    let o = settle(&[file, "--virtual-time", "--", "-x"]);
    assert_eq!(stdout(&o), "[ '--virtual-time', '--', '-x' ]\n");
    // `--` before the file ends settle's options.
    let o = settle(&["--virtual-time", "--", file, "c"]);
    assert_eq!(stdout(&o), "[ 'c' ]\n");
}

#[test]
fn argv_has_node_shape_exec_path_then_absolute_script_path() {
    let f = script("shape.js", "console.log(process.argv[0]); console.log(process.argv[1])");
    let dir = f.parent().expect("a directory");
    let o = Command::new(env!("CARGO_BIN_EXE_settle"))
        .arg("shape.js")
        .current_dir(dir)
        .output()
        .expect("settle runs");
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_settle")).expect("the binary exists");
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(std::fs::canonicalize(&lines[0]).expect("argv[0] exists"), exe);
    assert_eq!(PathBuf::from(&lines[1]), std::path::absolute(&f).expect("absolute"));
}

#[test]
fn a_bad_option_is_one_line_on_stderr_and_exit_code_9() {
    for (args, message) in [
        (&["--bogus"][..], "settle: bad option: --bogus (see settle --help)\n"),
        (&["-e"][..], "settle: -e requires an argument (see settle --help)\n"),
        (&["--engine=v8", "x.js"][..], "settle: --engine takes `settle` or `boa`, not `v8` (see settle --help)\n"),
        (&["--seed", "x"][..], "settle: --seed takes an integer, not `x` (see settle --help)\n"),
        (&["--version=2"][..], "settle: unexpected argument for option '--version': \"2\" (see settle --help)\n"),
    ] {
        let o = settle(args);
        assert_eq!(o.status.code(), Some(9), "{args:?}");
        assert_eq!(stderr(&o), message, "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
}

#[test]
fn help_lists_every_option() {
    let o = settle(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = stdout(&o);
    for flag in [
        "-e, --eval", "--engine", "--trace[=text]", "--trace=json", "--host", "--seed", "--virtual-time",
        "--script", "--tour", "-v, --version", "-h, --help", "Exit codes",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}

#[test]
fn the_existing_options_still_work_in_both_forms() {
    let source = "setTimeout(() => console.log('late'), 100000); console.log(typeof process, this === globalThis)";
    let o = settle(&["--virtual-time", "--script", "-e", source]);
    assert_eq!(stdout(&o), "object true\nlate\n", "{}", stderr(&o));
    let o = settle(&["--host=html", "--virtual-time", "-e", source]);
    // A browser runs a classic script: top-level `this` is the global object.
    assert_eq!(stdout(&o), "undefined true\nlate\n", "{}", stderr(&o));
    let timer = "setTimeout(() => console.log('late'), 100000); console.log(typeof process)";
    let o = settle(&["--engine", "boa", "--virtual-time", "-e", timer]);
    assert_eq!(stdout(&o), "object\nlate\n", "{}", stderr(&o));
    let o = settle(&["--trace", "-e", "console.log(1)"]);
    assert_eq!(stdout(&o), "1\n    \u{2190} script\n");
}
