//! Workers on Boa (`settle --engine boa`): Node's `worker_threads` and HTML's `Worker` on
//! settle-host's transport and structured clone, each worker its own Boa `Context` on its own
//! settle loop. The chapter-5 examples run in tests/boa_examples.rs; these scripts are
//! checked against Node (when it is on PATH) and against the output written here, which is
//! what Node prints.

mod support;

use support::Run;

fn worker_file(dir: &str, name: &str) -> String {
    format!("{}/examples/js/{dir}/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn boa_and_node(source: &str) -> Run {
    support::settle_and_node(env!("CARGO_BIN_EXE_settle"), &["--engine", "boa", "--virtual-time"], source)
}

/// A script that is its own worker (`new Worker(__filename)`): the worker echoes each
/// message, and the parent sends the next one only when the echo came, so every message
/// arrives alone (Node may run messages that are already waiting back to back).
const PING_PONG: &str = r#"const { Worker, isMainThread, parentPort, workerData, threadId } = require('worker_threads');
if (isMainThread) {
  const cyclic = { name: 'c', list: [1, , 3] };
  cyclic.self = cyclic;
  const shared = { s: 1 };
  const messages = ['text', cyclic, { a: shared, b: shared }, new RangeError('far'), [new Number(2), 3n, /re/gi], null];
  const w = new Worker(__filename, { workerData: { start: 10, tags: ['a', 'b'] } });
  w.on('online', () => console.log('online, threadId > 0:', w.threadId > 0));
  w.on('message', (m) => {
    console.log('main got', m);
    process.nextTick(() => console.log('  nextTick after it'));
    Promise.resolve().then(() => console.log('  promise job after it'));
    if (messages.length) w.postMessage(messages.shift());
    else w.postMessage('bye');
  });
  w.on('exit', (code) => console.log('exit', code, 'threadId now', w.threadId));
  Promise.resolve().then(() => console.log('main job'));
  console.log('main done', threadId, isMainThread);
} else {
  parentPort.postMessage({ hello: workerData, threadId: threadId > 0, isMainThread });
  let count = 0;
  parentPort.on('message', function onMessage(m) {
    if (m === 'bye') return parentPort.off('message', onMessage);
    count++;
    const self = m !== null && typeof m === 'object' && m.self === m;
    const same = m !== null && typeof m === 'object' && m.a !== undefined && m.a === m.b;
    const echo = m instanceof Error ? m.name + ': ' + m.message : m;
    parentPort.postMessage({ count, echo, self, same, error: m instanceof RangeError });
  });
}
"#;

#[test]
fn messages_are_cloned_both_ways_and_each_is_a_task_with_its_ticks_and_jobs_after_it() {
    // settle-js prints the same (its workers are settle-host's too).
    let js = support::run_source(env!("CARGO_BIN_EXE_settle"), &["--virtual-time"], PING_PONG);
    let r = boa_and_node(PING_PONG);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((js.code, &js.stdout), (0, &r.stdout), "settle-js: {}", js.stderr);
    assert_eq!(
        r.stdout,
        r#"main done 0 true
main job
online, threadId > 0: true
main got {
  hello: { start: 10, tags: [ 'a', 'b' ] },
  threadId: true,
  isMainThread: false
}
  nextTick after it
  promise job after it
main got { count: 1, echo: 'text', self: false, same: false, error: false }
  nextTick after it
  promise job after it
main got {
  count: 2,
  echo: <ref *1> {
    name: 'c',
    list: [ 1, <1 empty item>, 3 ],
    self: [Circular *1]
  },
  self: true,
  same: false,
  error: false
}
  nextTick after it
  promise job after it
main got {
  count: 3,
  echo: { a: { s: 1 }, b: { s: 1 } },
  self: false,
  same: true,
  error: false
}
  nextTick after it
  promise job after it
main got {
  count: 4,
  echo: 'RangeError: far',
  self: false,
  same: false,
  error: true
}
  nextTick after it
  promise job after it
main got {
  count: 5,
  echo: [ [Number: 2], 3n, /re/gi ],
  self: false,
  same: false,
  error: false
}
  nextTick after it
  promise job after it
main got { count: 6, echo: null, self: false, same: false, error: false }
  nextTick after it
  promise job after it
exit 0 threadId now -1
"#
    );
}

/// One worker after another (each starts at the last one's `exit`): an uncaught exception, an
/// unhandled rejection, a busy loop that only `terminate()` ends, and `process.exitCode`.
const LIFECYCLES: &str = r#"const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
if (isMainThread) {
  const steps = ['throw', 'reject', 'spin', 'exitCode'];
  function next() {
    const kind = steps.shift();
    if (!kind) return console.log('all done');
    const w = new Worker(__filename, { workerData: kind });
    w.on('message', (m) => {
      console.log(kind, 'message:', m);
      if (kind === 'spin') w.terminate().then((code) => { console.log(kind, 'terminate() gave', code); next(); });
    });
    w.on('error', (e) => console.log(kind, 'error:', e.name, e.message, e instanceof Error));
    w.on('exit', (code) => { console.log(kind, 'exit', code); if (kind !== 'spin') next(); });
  }
  next();
} else if (workerData === 'throw') {
  parentPort.postMessage('about to throw');
  setTimeout(() => { throw new TypeError('thrown in a timer'); }, 5);
} else if (workerData === 'reject') {
  Promise.reject(new SyntaxError('rejected'));
} else if (workerData === 'spin') {
  parentPort.postMessage('spinning');
  for (;;) {}
} else {
  process.exitCode = 3;
  parentPort.postMessage('set exitCode 3');
}
"#;

#[test]
fn a_worker_s_error_rejection_termination_and_exit_code_reach_its_parent() {
    let r = boa_and_node(LIFECYCLES);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "throw message: about to throw\n\
         throw error: TypeError thrown in a timer true\n\
         throw exit 1\n\
         reject error: SyntaxError rejected true\n\
         reject exit 1\n\
         spin message: spinning\n\
         spin exit 1\n\
         spin terminate() gave 1\n\
         exitCode message: set exitCode 3\n\
         exitCode exit 3\n\
         all done\n"
    );
}

#[test]
fn an_uncaught_error_in_a_worker_without_an_error_listener_kills_the_parent() {
    let source = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         const w = new Worker({:?});\n\
         w.on('message', (m) => console.log('message:', m));\n",
        worker_file("workers", "thrower.js")
    );
    let r = boa_and_node(&source);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "message: about to throw\n");
    assert!(r.stderr.contains("TypeError: boom in the worker"), "{}", r.stderr);
    assert!(r.stderr.contains("Emitted 'error' event on Worker instance"), "{}", r.stderr);
}

#[test]
fn structured_clone_and_data_clone_errors_are_node_s() {
    let r = boa_and_node(
        "const shared = [1]; const o = { a: shared, b: shared, n: new String('s'), e: new TypeError('t') }; o.o = o;\n\
         const c = structuredClone(o);\n\
         console.log(c !== o, c.o === c, c.a === c.b, c.a !== shared, c.n instanceof String, c.e instanceof TypeError, c.e.message);\n\
         console.log(structuredClone([1, , 3]), structuredClone(5n), structuredClone(undefined));\n\
         class P { constructor() { this.x = 1; } } console.log(structuredClone(new P()) instanceof P);\n\
         for (const bad of [Symbol('q'), function f() {}, Promise.resolve(), { deep: [() => 1] }]) {\n\
           try { structuredClone(bad); } catch (e) { console.log(e.name, e.code, e instanceof Error, e.message); }\n\
         }\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "true true true true true true t\n\
         [ 1, <1 empty item>, 3 ] 5n undefined\n\
         false\n\
         DataCloneError 25 true Symbol(q) could not be cloned.\n\
         DataCloneError 25 true function f() {} could not be cloned.\n\
         DataCloneError 25 true #<Promise> could not be cloned.\n\
         DataCloneError 25 true () => 1 could not be cloned.\n"
    );
}

#[test]
fn html_workers_on_boa_print_what_they_print_on_settle_js() {
    // HTML's rules (no Node to compare with): importScripts' NetworkError, then (a second
    // worker, started after the first one's message) an uncaught exception as an ErrorEvent
    // that the page cancels while the worker goes on.
    let source = format!(
        "var w = new Worker({:?});\n\
         w.onmessage = function (e) {{ console.log(e.data); w.terminate(); second(); }};\n\
         w.postMessage('no-such-script.js');\n\
         function second() {{\n\
           var l = new Worker({:?});\n\
           l.onerror = function (e) {{ console.log(e.type, e.message, e.lineno, e.error); e.preventDefault(); }};\n\
           l.onmessage = function (e) {{ console.log('after the error:', e.data.got.list); l.terminate(); }};\n\
           l.postMessage('throw');\n\
           l.postMessage({{ list: [] }});\n\
         }}\n",
        worker_file("html/workers", "importer.js"),
        worker_file("html/workers", "lifecycle.js")
    );
    let settle = env!("CARGO_BIN_EXE_settle");
    let boa = support::run_source(settle, &["--engine", "boa", "--host", "html", "--virtual-time"], &source);
    let js = support::run_source(settle, &["--host", "html", "--virtual-time"], &source);
    assert_eq!((boa.code, &boa.stdout), (js.code, &js.stdout), "boa stderr: {}", boa.stderr);
    assert_eq!(boa.code, 0, "{}", boa.stderr);
    assert!(
        boa.stdout.contains(
            "NetworkError 19 Failed to execute 'importScripts' on 'WorkerGlobalScope': The script at 'no-such-script.js' failed to load.\n"
        ),
        "{}",
        boa.stdout
    );
    assert!(boa.stdout.contains("error Uncaught TypeError: thrown in the worker 8 null\n"), "{}", boa.stdout);
    assert!(boa.stdout.contains("after the error: [ 'added by the worker' ]\n"), "{}", boa.stdout);
}

#[test]
fn a_worker_script_that_does_not_parse_is_an_error_event_then_exit_code_1() {
    let dir = std::env::temp_dir().join(format!("settle-boa-worker-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let bad = dir.join("bad.js");
    std::fs::write(&bad, "let x = ;\n").expect("the worker file is written");
    let node = format!(
        "const {{ Worker }} = require('worker_threads');\n\
         const w = new Worker({:?});\n\
         w.on('error', (e) => console.log('error', e.name, e instanceof SyntaxError));\n\
         w.on('exit', (c) => console.log('exit', c));\n",
        bad.to_string_lossy()
    );
    let r = boa_and_node(&node);
    // Under HTML: an ErrorEvent at the Worker object, with the parser's line and column.
    let html = support::run_source(
        env!("CARGO_BIN_EXE_settle"),
        &["--engine", "boa", "--host", "html"],
        format!(
            "var w = new Worker({:?});\nw.onerror = function (e) {{ console.log(e.message.split(':')[0], e.lineno, e.colno); e.preventDefault(); }};\n",
            bad.to_string_lossy()
        ),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!((r.code, r.stdout.as_str()), (0, "error SyntaxError true\nexit 1\n"), "{}", r.stderr);
    assert_eq!((html.code, html.stdout.as_str()), (0, "Uncaught SyntaxError 1 9\n"), "{}", html.stderr);
}

/// HTML's steps 20-21: a Map's entries and a Set's values are cloned (keys and values
/// through the same memory, so sharing and cycles survive), a weak collection is not; on
/// both engines, and across a worker's thread.
#[test]
fn maps_and_sets_cross_a_worker_with_their_entries_on_both_engines() {
    const SCRIPT: &str = r#"const { Worker, isMainThread, parentPort } = require("worker_threads");
if (isMainThread) {
  const shared = { s: 1 };
  const m = new Map([["a", shared], [shared, new Set([1, shared])]]);
  m.set("self", m);
  const c = structuredClone(m);
  console.log(c, c.get("self") === c, c.get("a") === [...c.keys()][1], [...c.values()][1].has(c.get("a")));
  for (const bad of [new WeakMap(), new WeakSet()]) {
    try { structuredClone(bad); } catch (e) { console.log(e.name, e.message); }
  }
  const w = new Worker(__filename);
  w.postMessage(m);
  w.on("message", (copy) => { console.log("back", copy.size, copy.get("self") === copy); w.terminate(); });
} else {
  parentPort.once("message", (m) => { console.log("worker got", m instanceof Map, m.size, m.get("self") === m); parentPort.postMessage(m); });
}
"#;
    let expected = "<ref *1> Map(3) {\n  'a' => { s: 1 },\n  { s: 1 } => Set(2) { 1, { s: 1 } },\n  'self' => [Circular *1]\n} true true true\n\
                    DataCloneError #<WeakMap> could not be cloned.\n\
                    DataCloneError #<WeakSet> could not be cloned.\n\
                    worker got true 3 true\nback 3 true\n";
    for engine in ["settle", "boa"] {
        let r = support::settle_and_node(env!("CARGO_BIN_EXE_settle"), &["--engine", engine], SCRIPT);
        assert_eq!(r.code, 0, "{engine}: {}", r.stderr);
        assert_eq!(r.stdout, expected, "{engine}");
    }
}
