//! Workers (issue 17): HTML's `Worker` and Node's `worker_threads` on the `settle` command.
//! The examples in `examples/js` (Node's recorded output) and `examples/js/html` (HTML's
//! rules) show the behaviour; these are the error paths, the exit codes and the lifetimes.
//! Scripts that Node runs the same way are also checked against Node when it is on PATH.

mod support;

use support::Run;

/// The absolute path of one of the examples' worker files.
fn worker_file(dir: &str, name: &str) -> String {
    format!("{}/examples/js/{dir}/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn settle(args: &[&str], source: &str) -> Run {
    support::run_source(env!("CARGO_BIN_EXE_settle"), args, source)
}

fn settle_and_node(source: &str) -> Run {
    support::settle_and_node(env!("CARGO_BIN_EXE_settle"), &["--virtual-time"], source)
}

#[test]
fn an_uncaught_error_in_a_worker_without_an_error_listener_kills_the_parent_with_exit_code_1() {
    // (No `exit` listener: Node sometimes emits `exit` before it rethrows the error.)
    let source = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         const w = new Worker({:?});\n\
         w.on('message', (m) => console.log('message:', m));\n",
        worker_file("workers", "thrower.js")
    );
    let r = settle_and_node(&source);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "message: about to throw\n");
    assert!(r.stderr.contains("TypeError: boom in the worker"), "{}", r.stderr);
    assert!(r.stderr.contains("Emitted 'error' event on Worker instance"), "{}", r.stderr);
}

#[test]
fn posting_a_function_throws_a_data_clone_error_at_once() {
    let source = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         const w = new Worker({:?});\n\
         w.unref();\n\
         console.log('before');\n\
         w.postMessage({{ nested: [1, () => {{}}] }});\n\
         console.log('never');\n",
        worker_file("workers", "echo.js")
    );
    let r = settle_and_node(&source);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "before\n");
    assert!(r.stderr.contains("DataCloneError"), "{}", r.stderr);
    assert!(r.stderr.contains("() => {} could not be cloned."), "{}", r.stderr);
}

#[test]
fn worker_data_is_cloned_too_and_a_bad_one_throws_in_the_constructor() {
    let source = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         try {{ new Worker({:?}, {{ workerData: {{ s: Symbol('x') }} }}); }}\n\
         catch (e) {{ console.log(e.name, e.message); }}\n",
        worker_file("workers", "echo.js")
    );
    let r = settle_and_node(&source);
    assert_eq!((r.code, r.stdout.as_str()), (0, "DataCloneError Symbol(x) could not be cloned.\n"));
}

#[test]
fn require_knows_only_worker_threads() {
    let r = settle_and_node(
        "const a = require('worker_threads'), b = require('node:worker_threads');\n\
         console.log(a === b, a.isMainThread, a.parentPort, a.workerData, a.threadId, typeof a.Worker);\n\
         try { require('no-such-module'); } catch (e) { console.log(e.code, e.message.split('\\n')[0]); }\n",
    );
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "true true null null 0 function\nMODULE_NOT_FOUND Cannot find module 'no-such-module'\n"
    );
}

#[test]
fn a_live_worker_keeps_the_parent_alive_until_it_exits_and_terminate_stops_a_busy_one() {
    // The worker spins forever; the parent has nothing left to do but wait for it, until its
    // message comes and terminate() ends it (on the real clock and on the virtual one).
    let source = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         const w = new Worker({:?});\n\
         w.on('message', async (m) => {{ console.log(m); console.log('exit code', await w.terminate()); }});\n",
        worker_file("workers", "spin.js")
    );
    for args in [&[][..], &["--virtual-time"][..]] {
        let r = settle(args, &source);
        assert_eq!((r.code, r.stdout.as_str()), (0, "spinning\nexit code 1\n"), "{}", r.stderr);
    }
}

#[test]
fn a_worker_can_start_a_worker_and_its_output_reaches_stdout_through_its_parents() {
    // Subworkers: the middle worker relays. A worker's console.log is printed by its parent,
    // in order with the worker's messages (settle's rule; Node does not promise an order).
    let source = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         const w = new Worker({:?});\n\
         w.on('message', (m) => {{ console.log('main got', m); }});\n\
         w.on('exit', (c) => console.log('exit', c));\n",
        worker_file("workers", "relay.js")
    );
    let r = settle(&["--virtual-time"], &source);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "relay: starting the inner worker\nmain got { from: 'inner', depth: 2, isMainThread: false }\nexit 0\n"
    );
}

#[test]
fn html_an_error_event_that_nobody_cancels_is_reported_by_the_page_and_the_worker_goes_on() {
    let source = format!(
        "var w = new Worker({:?});\n\
         w.addEventListener('error', function (e) {{ console.log('error event:', e.message, e.lineno); }});\n\
         w.onmessage = function (e) {{ console.log('page got', e.data.got.list); w.terminate(); }};\n\
         w.postMessage('throw');\n\
         w.postMessage({{ list: [] }});\n",
        worker_file("html/workers", "lifecycle.js")
    );
    let r = settle(&["--host", "html", "--virtual-time"], &source);
    assert_eq!(r.code, 1, "an uncaught error was reported");
    assert_eq!(
        r.stdout,
        "error event: Uncaught TypeError: thrown in the worker 8\npage got [ 'added by the worker' ]\n"
    );
    assert_eq!(r.stderr, "Uncaught TypeError: thrown in the worker\n");
}

#[test]
fn html_a_missing_worker_script_fires_error_and_terminate_stops_a_busy_worker() {
    let source = format!(
        "var missing = new Worker('no-such-worker.js');\n\
         missing.onerror = function (e) {{ console.log('error event of type', e.type); }};\n\
         var busy = new Worker({:?});\n\
         busy.onmessage = function (e) {{ console.log(e.data); busy.terminate(); console.log('terminated'); }};\n",
        worker_file("html/workers", "spin.js")
    );
    let r = settle(&["--host", "html"], &source);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "error event of type error\nspinning\nterminated\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn html_import_scripts_reports_a_missing_file_as_a_network_error() {
    let source = format!(
        "var w = new Worker({:?});\n\
         w.onmessage = function (e) {{ console.log(e.data); w.terminate(); }};\n\
         w.postMessage('no-such-script.js');\n",
        worker_file("html/workers", "importer.js")
    );
    let r = settle(&["--host", "html", "--virtual-time"], &source);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "NetworkError 19 Failed to execute 'importScripts' on 'WorkerGlobalScope': The script at 'no-such-script.js' failed to load.\n"
    );
}

#[test]
fn structured_clone_copies_what_a_message_would_carry() {
    // The same algorithm as postMessage, without a thread (Node 20 has the global too).
    let r = settle_and_node(
        "const shared = [1]; const o = { a: shared, b: shared, n: new String('s'), e: new TypeError('t') }; o.o = o;\n\
         const c = structuredClone(o);\n\
         console.log(c !== o, c.o === c, c.a === c.b, c.a !== shared, c.n instanceof String, c.e instanceof TypeError, c.e.message);\n\
         console.log(structuredClone([1, , 3]), structuredClone(5n), structuredClone(undefined));\n\
         class P { constructor() { this.x = 1; } } console.log(structuredClone(new P()) instanceof P);\n\
         const re = /a(?<x>b)/giy; re.lastIndex = 2; const rc = structuredClone(re);\n\
         console.log(rc, rc !== re, rc instanceof RegExp, rc.lastIndex, rc.exec('ab').groups.x);\n\
         for (const bad of [Symbol('q'), function f() {}, Promise.resolve()]) {\n\
           try { structuredClone(bad); } catch (e) { console.log(e.name, e.message); }\n\
         }\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "true true true true true true t\n[ 1, <1 empty item>, 3 ] 5n undefined\nfalse\n\
         /a(?<x>b)/giy true true 0 b\n\
         DataCloneError Symbol(q) could not be cloned.\nDataCloneError function f() {} could not be cloned.\n\
         DataCloneError #<Promise> could not be cloned.\n"
    );
}

#[test]
fn a_worker_script_with_a_syntax_error_is_an_error_event_then_exit_code_1() {
    let dir = std::env::temp_dir().join(format!("settle-worker-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let bad = dir.join("bad.js");
    std::fs::write(&bad, "let x = ;\n").expect("the worker file is written");
    let source = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         const w = new Worker({:?});\n\
         w.on('error', (e) => console.log('error', e.name, e instanceof SyntaxError));\n\
         w.on('exit', (c) => console.log('exit', c));\n",
        bad.to_string_lossy()
    );
    let r = settle_and_node(&source);
    let html = settle(
        &["--host", "html"],
        &format!(
            "var w = new Worker({:?});\nw.onerror = function (e) {{ console.log(e.message.split(':')[0], e.lineno, e.colno); e.preventDefault(); }};\n",
            bad.to_string_lossy()
        ),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!((r.code, r.stdout.as_str()), (0, "error SyntaxError true\nexit 1\n"), "{}", r.stderr);
    assert_eq!((html.code, html.stdout.as_str()), (0, "Uncaught SyntaxError 1 9\n"), "{}", html.stderr);
}

#[test]
fn an_eval_worker_runs_its_source_and_reports_its_stack_overflow_as_a_range_error() {
    // Node's `eval: true`: the first argument is the worker's source. A runaway recursion in
    // it is a RangeError the worker catches, and an error it does not catch is the parent's
    // `error` event, then `exit` with code 1; a filename that is not a string is refused.
    let source = "const { Worker } = require('worker_threads');\n\
         try { new Worker(5, { eval: true }); } catch (e) { console.log(e.name, e.code, e.message); }\n\
         const w = new Worker(`\n\
           const { parentPort, workerData } = require('worker_threads');\n\
           function f(n) { return f(n + 1); }\n\
           try { f(0); } catch (e) { parentPort.postMessage(e.constructor.name + ': ' + e.message + ' ' + workerData.x); }\n\
         `, { eval: true, workerData: { x: 42 } });\n\
         w.on('message', (m) => console.log('worker', m));\n\
         w.on('exit', (c) => {\n\
           console.log('exit', c);\n\
           const bad = new Worker('throw new TypeError(\"boom\")', { eval: true });\n\
           bad.on('error', (e) => console.log('error', e.constructor.name, e.message));\n\
           bad.on('exit', (c) => console.log('bad exit', c));\n\
         });\n";
    let r = settle_and_node(source);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "TypeError ERR_INVALID_ARG_VALUE The property 'options.eval' must be false when 'filename' is not a string. Received true\n\
         worker RangeError: Maximum call stack size exceeded 42\n\
         exit 0\n\
         error TypeError boom\n\
         bad exit 1\n"
    );
}

#[test]
fn a_worker_source_nested_too_deep_to_parse_is_a_range_error_event_as_in_node() {
    // V8's parser runs out of stack on 10^5 open brackets: the parent's `error` event gets a
    // RangeError with V8's bare message (not a SyntaxError naming the position), then `exit`.
    let r = settle_and_node(
        "const { Worker } = require('worker_threads');\n\
         const w = new Worker('['.repeat(1e5), { eval: true });\n\
         w.on('error', (e) => console.log('error', e.constructor.name, e.message));\n\
         w.on('exit', (c) => console.log('exit', c));\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "error RangeError Maximum call stack size exceeded\nexit 1\n");
}
