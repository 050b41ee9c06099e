//! The `settle` command's error paths: what it prints and its exit codes. Scripts that Node
//! runs the same way are also checked against Node when it is on PATH.

mod support;

use std::process::Command;

use support::Run;

fn run_with(program: &str, args: &[&str], source: &str) -> Run {
    support::run_source(program, args, source)
}

fn settle(args: &[&str], source: &str) -> Run {
    run_with(env!("CARGO_BIN_EXE_settle"), args, source)
}

fn settle_and_node(source: &str) -> Run {
    support::settle_and_node(env!("CARGO_BIN_EXE_settle"), &["--virtual-time"], source)
}

#[test]
fn a_syntax_error_is_one_line_with_its_position_and_exit_code_1_as_in_node() {
    let r = settle(&[], "console.log('never');\nlet x = ;\n");
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    let line = r.stderr.trim_end();
    assert!(!line.contains('\n'), "one line: {line}");
    assert!(line.contains(".js:2:9: SyntaxError"), "{line}");
}

#[test]
fn an_invalid_regex_literal_is_an_early_syntax_error_in_node_s_words() {
    for (source, message) in [
        (
            "console.log(1);\nlet r = /(/;\n",
            ".js:2:9: SyntaxError: Invalid regular expression: /(/: Unterminated group",
        ),
        (
            "console.log(1);\nlet r = /a)/u;\n",
            ".js:2:9: SyntaxError: Invalid regular expression: /a)/u: Unmatched ')'",
        ),
        ("console.log(1);\nlet r = /a/gg;\n", "SyntaxError: Invalid regular expression flags"),
    ] {
        let r = settle(&[], source);
        assert_eq!(r.code, 1, "{source}");
        assert_eq!(r.stdout, "", "nothing ran: {source}");
        assert!(r.stderr.contains(message), "{source}: {}", r.stderr);
        assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    }
}

#[test]
fn an_initializer_in_a_for_of_head_is_a_syntax_error_even_for_using() {
    // `using` itself is outside the subset, but the early error (no Initializer in a
    // for-in/of head) comes first, worded as V8 words it (Node 20 has no `using` to compare).
    for (source, message) in [
        (
            "console.log(1);\nasync function f(o) { for await (using x = o of []) {} }\n",
            ".js:2:40: SyntaxError: for-await-of loop variable declaration may not have an initializer.",
        ),
        (
            "console.log(1);\nfunction f(o) { for (using x = o of []) {} }\n",
            ".js:2:28: SyntaxError: for-of loop variable declaration may not have an initializer.",
        ),
    ] {
        let r = settle(&[], source);
        assert_eq!(r.code, 1, "{source}");
        assert_eq!(r.stdout, "", "nothing ran: {source}");
        assert!(r.stderr.contains(message), "{source}: {}", r.stderr);
    }
}

#[test]
fn a_feature_outside_the_subset_is_reported_before_anything_runs() {
    for (source, position, what) in [
        ("console.log(1);\nclass A { #x = 1; }\n", ":2:11:", "private fields"),
        ("console.log(1);\n{ using x = null; }\n", ":2:3:", "`using` declarations"),
        ("console.log(1);\nconst p = new Proxy({}, {});\n", ":2:15:", "the built-in `Proxy`"),
        ("console.log(1);\nlet r = String.raw`a`;\n", ":2:9:", "tagged templates"),
    ] {
        let r = settle(&[], source);
        assert_eq!(r.code, 2, "{source}");
        assert_eq!(r.stdout, "", "nothing ran: {source}");
        assert!(
            r.stderr.contains(position) && r.stderr.contains("outside the subset") && r.stderr.contains(what),
            "{}",
            r.stderr
        );
        assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    }
}

#[test]
fn an_uncaught_type_error_stops_the_script_with_exit_code_1() {
    let r = settle_and_node(
        "console.log('before');\nsetTimeout(() => console.log('never'), 0);\nvar o;\no.x.y = 1;\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "before\n");
    assert!(
        r.stderr.contains("TypeError: Cannot read properties of undefined (reading 'x')"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(":4\no.x.y = 1;\n"), "the line is shown: {}", r.stderr);
}

#[test]
fn an_uncaught_reference_error_in_a_timer_stops_the_script() {
    let r = settle_and_node(
        "setTimeout(() => { console.log('timer'); missing(); console.log('no'); }, 0);\nsetTimeout(() => console.log('never'), 5);\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "timer\n");
    assert!(r.stderr.contains("ReferenceError: missing is not defined"), "{}", r.stderr);
}

#[test]
fn a_type_error_in_a_handler_or_async_function_rejects_its_promise() {
    let r = settle_and_node(
        "Promise.resolve(42).then(v => v.toLowerCase()).catch(e => console.log(e.name, e.message));\n\
         async function f() { await null; return undefined.x; }\n\
         f().catch(e => console.log('async:', e.message));\n\
         new Promise(() => { null(); }).catch(e => console.log('executor:', e.constructor === TypeError));\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "executor: true\nTypeError v.toLowerCase is not a function\nasync: Cannot read properties of undefined (reading 'x')\n"
    );
}

#[test]
fn an_unhandled_rejection_without_a_listener_crashes_like_node() {
    let r = settle_and_node(
        "console.log('start');\nPromise.reject(new Error('nobody handles this'));\nsetTimeout(() => console.log('never'), 0);\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "start\n");
    assert!(r.stderr.contains("Error: nobody handles this"), "{}", r.stderr);

    let r = settle_and_node("Promise.reject('Oops');\n");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("The promise rejected with the reason \"Oops\"."), "{}", r.stderr);
    assert!(r.stderr.contains("code: 'ERR_UNHANDLED_REJECTION'"), "{}", r.stderr);
}

#[test]
fn an_unhandled_rejection_with_a_listener_goes_to_the_listener() {
    let r = settle_and_node(
        "process.on('unhandledRejection', (reason, promise) => {\n\
           console.log('unhandled:', reason, promise === p);\n\
         });\n\
         process.on('rejectionHandled', promise => console.log('handled later:', promise === p));\n\
         const p = Promise.reject('late');\n\
         setTimeout(() => { p.catch(e => console.log('caught', e)); }, 10);\n\
         setTimeout(() => console.log('still running'), 20);\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "unhandled: late true\ncaught late\nhandled later: true\nstill running\n");
}

#[test]
fn an_uncaught_exception_listener_keeps_the_script_running() {
    let r = settle_and_node(
        "process.on('uncaughtException', e => console.log('listener got', e.message));\n\
         setTimeout(() => { throw new RangeError('in a timer'); }, 0);\n\
         setTimeout(() => console.log('after'), 5);\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "listener got in a timer\nafter\n");
}

#[test]
fn the_html_host_fires_unhandledrejection_on_global_listeners() {
    let source = "globalThis.addEventListener('unhandledrejection', e => {\n\
                    console.log('unhandledrejection', e.reason);\n\
                    e.preventDefault();\n\
                  });\n\
                  Promise.reject('x');\n\
                  setTimeout(() => console.log('goes on'), 0);\n\
                  console.log(typeof process);\n";
    let r = settle(&["--host", "html", "--virtual-time"], source);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "undefined\nunhandledrejection x\ngoes on\n");
    assert_eq!(r.stderr, "");

    // No listener: logged, and the page goes on.
    let r = settle(
        &["--host", "html", "--virtual-time"],
        "Promise.reject(new Error('lost'));\nsetTimeout(() => console.log('goes on'), 0);\n",
    );
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "goes on\n");
    assert!(r.stderr.starts_with("Uncaught (in promise) Error: lost"), "{}", r.stderr);
}

#[test]
fn the_html_host_clamps_nested_timers_to_4ms() {
    // Under HTML, a timer nested more than 5 levels deep waits at least 4 ms; under Node, 1 ms.
    let source = "let n = 0; function tick() { if (++n < 10) setTimeout(tick, 0); }\n\
                  tick();\n\
                  setTimeout(() => console.log('n at 12ms:', n), 12);\n";
    let html = settle(&["--host", "html", "--virtual-time"], source);
    let node = settle(&["--virtual-time"], source);
    assert_eq!(html.stdout, "n at 12ms: 9\n", "timers 7 and 8 waited 4 ms each");
    assert_eq!(node.stdout, "n at 12ms: 10\n");
}

#[test]
fn trace_names_the_queue_of_each_line() {
    let r = settle(
        &["--trace", "--virtual-time"],
        "setTimeout(() => console.log('B'), 0);\nPromise.resolve().then(() => console.log('C'));\nprocess.nextTick(() => console.log('T'));\nconsole.log('A');\n",
    );
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 8, "{}", r.stdout);
    assert_eq!(lines[0], "A");
    assert!(lines[1].contains("script"), "{}", lines[1]);
    assert_eq!(lines[2], "T");
    assert!(lines[3].contains("nextTick 1"), "{}", lines[3]);
    assert_eq!(lines[4], "C");
    assert!(lines[5].contains("microtask 1"), "{}", lines[5]);
    assert_eq!(lines[6], "B");
    assert!(lines[7].contains("timer"), "{}", lines[7]);
}

#[test]
fn math_random_is_seedable() {
    let source = "console.log(Math.random(), Math.random());\n";
    let a = settle(&["--seed", "7"], source);
    let b = settle(&["--seed", "7"], source);
    let c = settle(&["--seed", "8"], source);
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn the_tour_runs_every_example_with_its_source() {
    let output = Command::new(env!("CARGO_BIN_EXE_settle")).arg("--tour").output().expect("the tour runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("ch3-p1-p3-quirk.js"), "{text}");
    assert!(text.contains("resolve( p3 );"), "the source is shown");
    assert!(
        text.contains(
            "script start\nasync1 start\nasync2\npromise1\nscript end\nasync1 end\npromise2\nsetTimeout\n"
        ),
        "{text}"
    );
}

/// Node exits gracefully with `process.exitCode` (a Number or a numeric String), set at once
/// or later; an uncaught exception or unhandled rejection still exits 1. Both engines.
#[test]
fn process_exit_code_is_the_exit_code_of_a_graceful_end() {
    for (source, code) in [
        ("process.exitCode = 3; console.log('set');", 3),
        ("process.exitCode = '4';", 4),
        ("setTimeout(() => { process.exitCode = 5; }, 10);", 5),
        ("process.exitCode = 3; Promise.reject(new Error('late'));", 1),
        ("process.exitCode = 3; throw new Error('boom');", 1),
        ("console.log('nothing set');", 0),
    ] {
        for engine in ["settle", "boa"] {
            let r = support::settle_and_node(env!("CARGO_BIN_EXE_settle"), &["--engine", engine], source);
            assert_eq!(r.code, code, "{engine}: {source}\n{}", r.stderr);
        }
    }
}
