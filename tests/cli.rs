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
        (
            &["--engine=v8", "x.js"][..],
            "settle: --engine takes `settle` or `boa`, not `v8` (see settle --help)\n",
        ),
        (&["--seed", "x"][..], "settle: --seed takes an integer, not `x` (see settle --help)\n"),
        (
            &["--trace=xml", "x.js"][..],
            "settle: --trace takes `text`, `json` or `html` (see settle --help)\n",
        ),
        (
            &["--version=2"][..],
            "settle: unexpected argument for option '--version': \"2\" (see settle --help)\n",
        ),
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
        "-e, --eval",
        "--engine",
        "--trace[=text]",
        "--trace=json",
        "--trace=html",
        "--host",
        "--seed",
        "--virtual-time",
        "--script",
        "--tour",
        "-v, --version",
        "-h, --help",
        "Exit codes",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}

#[test]
fn the_existing_options_still_work_in_both_forms() {
    let source =
        "setTimeout(() => console.log('late'), 100000); console.log(typeof process, this === globalThis)";
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

/// Runs `settle --virtual-time [extra] FILE` in examples/js: (exit code, stdout).
fn run_example(extra: &[&str], file: &std::path::Path) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_settle"))
        .arg("--virtual-time")
        .args(extra)
        .arg(file.file_name().expect("a file name"))
        .current_dir(file.parent().expect("a directory"))
        .output()
        .expect("settle runs");
    (o.status.code(), stdout(&o))
}

/// Checks one `--trace=json` stream: every line a JSON object with an `event`, the version line
/// first and the exit line last, tasks and checkpoints bracketed, each job inside a checkpoint,
/// each console event attributed to the task or job running then. Returns the console
/// output on stdout, replayed, and the exit code the trace reports.
fn replay(trace: &str) -> Result<(String, i64), String> {
    let mut lines = Vec::new();
    for (n, line) in trace.lines().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: not JSON ({e}): {line}", n + 1))?;
        if !v.get("event").is_some_and(serde_json::Value::is_string) {
            return Err(format!("line {}: no \"event\": {line}", n + 1));
        }
        lines.push(v);
    }
    let first = lines.first().ok_or("an empty trace")?;
    if first["event"] != "trace" || first["version"] != 1 {
        return Err(format!("the first line is not the version line: {first}"));
    }
    let last = lines.last().expect("not empty");
    let code = last["code"].as_i64().filter(|_| last["event"] == "exit").ok_or("no exit line at the end")?;
    let (mut task, mut job, mut in_checkpoint) = (None, None, false);
    let mut out = String::new();
    for v in &lines[1..lines.len() - 1] {
        let origin = v.get("origin").cloned();
        match v["event"].as_str().expect("checked") {
            "task-start" if task.is_none() && !in_checkpoint => task = origin,
            "task-end" if task.is_some() && task == origin => task = None,
            "checkpoint-start" if task.is_none() && !in_checkpoint => in_checkpoint = true,
            "checkpoint-end" if in_checkpoint && job.is_none() => in_checkpoint = false,
            "job-start" if in_checkpoint && job.is_none() => job = origin,
            "job-end" if job.is_some() && job == origin => job = None,
            "console" => {
                let running = job.clone().or_else(|| task.clone());
                if running.is_some() && origin != running {
                    return Err(format!("console from {origin:?} while {running:?} runs: {v}"));
                }
                if v["stream"] == "stdout" {
                    out.push_str(v["text"].as_str().ok_or("console without text")?);
                    out.push('\n');
                }
            }
            "queued" | "timer-set" | "timer-cleared" => {}
            "unhandled-rejection" | "rejection-handled" if in_checkpoint && job.is_none() => {}
            other => return Err(format!("{other} out of place: {v}")),
        }
    }
    if task.is_some() || job.is_some() || in_checkpoint {
        return Err("a task, job or checkpoint never ended".into());
    }
    Ok((out, code))
}

/// Every file in examples/js, run with `engine` flags (`[]` or `["--engine", "boa"]`) plain and
/// with `--trace=json`: the trace must parse, name `engine`, and replay the plain output and
/// exit code. Returns the failures.
fn trace_json_replays_examples(engine_flags: &[&str], engine: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/js");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/js exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "examples/js holds the book's snippets");
    let mut failures = Vec::new();
    for file in &files {
        let (code, plain) = run_example(engine_flags, file);
        let traced: Vec<&str> = engine_flags.iter().copied().chain(["--trace=json"]).collect();
        let (traced_code, trace) = run_example(&traced, file);
        let named = trace.lines().next().is_some_and(|l| l.contains(&format!("\"engine\":\"{engine}\"")));
        match replay(&trace) {
            Ok((out, reported))
                if named && out == plain && Some(reported as i32) == code && traced_code == code => {}
            Ok((out, reported)) => failures.push(format!(
                "{}: engine named {named} / exit {code:?} / traced {traced_code:?} / reported {reported}\n--- plain\n{plain}--- replayed\n{out}",
                file.display()
            )),
            Err(e) => failures.push(format!("{}: {e}", file.display())),
        }
    }
    failures
}

#[test]
fn trace_json_of_every_example_parses_and_replays_its_output() {
    let failures = trace_json_replays_examples(&[], "settle-js");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue 17: the JSON trace works for both engines. Under Boa the lines come from the same
/// loop events, so the same checks hold.
#[test]
fn trace_json_under_boa_parses_and_replays_every_example() {
    let failures = trace_json_replays_examples(&["--engine", "boa"], "settle-boa");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn trace_json_of_acdb_is_the_loop_step_by_step() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/js/ch1-event-loop-ACDB.js");
    let (_, trace) = run_example(&["--trace=json"], &file);
    let steps: Vec<String> = trace
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .map(|v| match v["event"].as_str().expect("an event") {
            "console" => format!("console {}", v["text"].as_str().expect("text")),
            "queued" => format!("queued {}", v["queue"].as_str().expect("a queue")),
            "task-start" | "job-start" => {
                format!("{} {}", v["event"].as_str().expect("event"), v["origin"]["kind"])
            }
            other => other.to_string(),
        })
        .collect();
    assert_eq!(
        steps,
        [
            "trace",
            "queued task",
            "task-start \"task\"",
            "console A",
            "timer-set",
            "queued microtask",
            "task-end",
            "checkpoint-start",
            "job-start \"microtask\"",
            "console C",
            "queued microtask",
            "job-end",
            "job-start \"microtask\"",
            "console D",
            "job-end",
            "checkpoint-end",
            "task-start \"timer\"",
            "console B",
            "task-end",
            "exit",
        ]
    );
    // The virtual clock: the timer fires at its 1 ms deadline (Node's minimum delay).
    let fired =
        trace.lines().find(|l| l.contains("\"task-start\"") && l.contains("\"timer\"")).expect("fired");
    assert!(fired.contains("\"at_ms\":1,"), "{fired}");
}

#[test]
fn trace_json_reports_rejections_at_the_end_of_their_checkpoint() {
    let source = "process.on('unhandledRejection', r => console.log('unhandled', r));\n\
                  process.on('rejectionHandled', () => console.log('handled'));\n\
                  const p = Promise.reject(1);\n\
                  setTimeout(() => p.catch(() => {}), 0);";
    let o = settle(&["--virtual-time", "--trace=json", "-e", source]);
    let events: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .filter(|v| v["event"] != "queued" && v["event"] != "job-start" && v["event"] != "job-end")
        .map(|v| match v["event"].as_str().expect("an event") {
            "console" => format!("console {}", v["text"].as_str().expect("text")),
            other => other.to_string(),
        })
        .collect();
    assert_eq!(
        events,
        [
            "trace",
            "task-start",
            "timer-set",
            "task-end",
            "checkpoint-start",
            "unhandled-rejection",
            "console unhandled 1",
            "checkpoint-end",
            "task-start",
            "task-end",
            "checkpoint-start",
            "rejection-handled",
            "console handled",
            "checkpoint-end",
            "exit",
        ]
    );
    assert_eq!(replay(&stdout(&o)), Ok(("unhandled 1\nhandled\n".to_string(), 0)));
}

/// The `line`, `column` and `stack` of the events whose code is the script's.
fn places(trace: &str) -> Vec<String> {
    trace
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .filter(|v| v.get("line").is_some())
        .map(|v| {
            let frames: Vec<String> = v["stack"]
                .as_array()
                .expect("a stack")
                .iter()
                .map(|f| format!("{}:{}:{}", f["function"].as_str().expect("a name"), f["line"], f["column"]))
                .collect();
            format!(
                "{} {}:{} [{}]",
                v["event"].as_str().expect("event"),
                v["line"],
                v["column"],
                frames.join(" ")
            )
        })
        .collect()
}

#[test]
fn trace_json_says_where_the_script_was_and_its_call_stack() {
    let source = "function inner(x) {\n  console.log('inner', x);\n}\nfunction outer() {\n  inner(1);\n}\n\
                  async function a() {\n  outer();\n  await null;\n  inner(2);\n}\na();\n\
                  const t = setTimeout(() => {}, 50);\n\
                  setTimeout(() => [1].map(function each() { clearTimeout(t); }), 0);\n";
    let o = settle(&["--virtual-time", "--trace=json", "-e", source]);
    assert_eq!(
        places(&stdout(&o)),
        [
            // Inside three calls from the top level: each frame is where it called the next.
            "console 2:3 [inner:2:3 outer:5:3 a:8:3 (top level):12:1]",
            // The `await` queues a's continuation, from a's frame.
            "queued 9:3 [a:9:3 (top level):12:1]",
            "timer-set 13:11 [(top level):13:11]",
            "timer-set 14:1 [(top level):14:1]",
            // After the await, a is resumed by a job: it is the bottom frame, as in V8.
            "console 2:3 [inner:2:3 a:10:3]",
            // A callback called by a native function (map) is on top of the callback that called it.
            "timer-cleared 14:44 [each:14:44 (anonymous):14:18]",
        ]
    );
    // Constructors (a derived one calling its base through `super`) and a generator's body,
    // resumed by `next`, are frames too.
    let source = "class Base { constructor() { console.log('base'); } }\n\
                  class Derived extends Base { constructor() { super(); } }\n\
                  function* g() { console.log('gen'); yield 1; }\nnew Derived();\ng().next();\n";
    let o = settle(&["--virtual-time", "--trace=json", "-e", source]);
    assert_eq!(
        places(&stdout(&o)),
        ["console 1:30 [Base:1:30 Derived:2:46 (top level):4:1]", "console 3:17 [g:3:17 (top level):5:1]"]
    );
}

#[test]
fn trace_html_is_one_page_holding_the_json_trace_and_the_source() {
    trace_html_holds_the_json_trace(&[]);
}

/// Under Boa the page is the same, from Boa's events: settle cannot see Boa's frames, so they
/// have no line, column or stack.
#[test]
fn trace_html_under_boa_holds_boa_s_json_trace_without_places() {
    let events = trace_html_holds_the_json_trace(&["--engine", "boa"]);
    assert_eq!(events[0]["engine"], "settle-boa");
    assert!(events.iter().any(|e| e["event"] == "console"), "{events:?}");
    for e in &events {
        assert!(e.get("line").is_none() && e.get("stack").is_none(), "{e}");
    }
}

/// `--trace=html` of the ACDB example with `engine` flags: one page whose data is the source and
/// `--trace=json`'s events, which it returns.
fn trace_html_holds_the_json_trace(engine: &[&str]) -> Vec<serde_json::Value> {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/js/ch1-event-loop-ACDB.js");
    let (code, page) = run_example(&[engine, &["--trace=html"]].concat(), &file);
    let (_, json) = run_example(&[engine, &["--trace=json"]].concat(), &file);
    assert_eq!(code, Some(0));
    assert!(page.starts_with("<!DOCTYPE html>\n") && page.ends_with("</html>\n"), "{page}");
    let start = page.find(r#"<script type="application/json" id="trace-data">"#).expect("the data") + 48;
    let end = start + page[start..].find("</script>").expect("its end");
    let data: serde_json::Value = serde_json::from_str(&page[start..end]).expect("the data is JSON");
    let events: Vec<serde_json::Value> =
        json.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(data["events"].as_array().expect("events"), &events, "the page holds --trace=json's events");
    let source = std::fs::read_to_string(&file).expect("the example");
    assert_eq!(data["source"], source.as_str());
    assert_eq!(data["file"], "ch1-event-loop-ACDB.js");
    // Nothing from elsewhere: no src or href, and a policy that forbids fetching.
    assert!(!page.contains("src=") && !page.contains("href="), "{page}");
    assert!(page.contains("content=\"default-src 'none';"), "{page}");
    events
}
