//! The async-generator rows of the tick table (issue 15), measured in JavaScript on settle-js
//! with the ruler of `spec_ticks.rs`: `Promise.resolve().then(t1).then(t2)...` started right
//! after the scenario; X runs in tick n when exactly n - 1 ruler steps ran before it (0: X ran
//! synchronously, before the ruler started). A scenario's setup (a generator suspended at a
//! `yield`, say) runs in an earlier macrotask, so only the scenario is measured.
//!
//! Every number was checked against Node 20.20.2 (V8 11.3): it stands beside its row, and when
//! `node` is on PATH each scenario runs on Node too and must give the same tick.

use std::process::Command;

/// The script measuring `scenario` after `setup`: it prints `X <tick>` for each `X()` call.
fn script(setup: &str, scenario: &str) -> String {
    format!(
        "{setup}\n\
         setTimeout(() => {{\n\
           let n = 0, started = false;\n\
           const X = () => console.log('X ' + (started ? n + 1 : 0));\n\
           {scenario}\n\
           let p = Promise.resolve();\n\
           for (let i = 0; i < 16; i++) p = p.then(() => {{ n++; }});\n\
           started = true;\n\
         }}, 0);\n"
    )
}

/// Runs `program args... FILE` on the script: its stdout.
fn run(program: &str, args: &[&str], source: &str) -> String {
    let dir = std::env::temp_dir().join(format!("settle-ticks-async-iteration-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("row{n}.js"));
    std::fs::write(&path, source).expect("the script is written");
    let output = Command::new(program).args(args).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let output = output.unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(output.status.success(), "{program} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn node_available() -> bool {
    Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// The ticks of the `X()` calls, in the order they ran, on settle (and on Node, which must
/// agree).
fn ticks(setup: &str, scenario: &str) -> Vec<u32> {
    let source = script(setup, scenario);
    let parse = |out: &str| -> Vec<u32> {
        out.lines().filter_map(|l| l.strip_prefix("X ")).map(|t| t.parse().expect("a tick number")).collect()
    };
    let settle = parse(&run(env!("CARGO_BIN_EXE_settle"), &["--virtual-time"], &source));
    if node_available() {
        let node = parse(&run("node", &[], &source));
        assert_eq!(settle, node, "settle and Node disagree on\n{source}");
    }
    settle
}

// | `async function* g() { yield 1 }; g().next().then(X)` | 2 |
#[test]
fn a_yield_fulfils_next_in_tick_1_and_its_then_runs_in_tick_2() {
    // Node: 2 (Yield's Await(1) resumes the body in tick 1, where AsyncGeneratorCompleteStep
    // fulfils the request with an iterator result object: X's reaction runs in tick 2).
    assert_eq!(ticks("async function* g() { yield 1; }", "g().next().then(X);"), vec![2]);
}

// | `async function* g() { yield Promise.resolve(1) }; g().next().then(X)` | 2 |
#[test]
fn a_yielded_promise_is_awaited_like_a_value() {
    // Node: 2 (a native promise is awaited in one tick, as a plain value is).
    assert_eq!(ticks("async function* g() { yield Promise.resolve(1); }", "g().next().then(X);"), vec![2]);
}

// | `async function* g() { yield thenable }; g().next().then(X)` | 3 |
#[test]
fn a_yielded_thenable_costs_one_more_tick() {
    // Node: 3 (PromiseResolve of a thenable: NewPromiseResolveThenableJob first).
    assert_eq!(ticks("async function* g() { yield { then(f) { f(1); } }; }", "g().next().then(X);"), vec![3]);
}

// | `async function* g() { return Promise.resolve(1) }; g().next().then(X)` | 2 |
#[test]
fn a_returned_promise_is_awaited() {
    // Node: 2 (return awaits its operand in an async generator, 14.10.1 step 3: tick 1; the
    // body completes and the request is fulfilled with { value: 1, done: true }).
    assert_eq!(ticks("async function* g() { return Promise.resolve(1); }", "g().next().then(X);"), vec![2]);
}

// | `async function* g() {}; g().next().then(X)` | 1 |
#[test]
fn an_empty_body_completes_at_once() {
    // Node: 1 (the body runs and completes inside `next`, which fulfils the request at once).
    assert_eq!(ticks("async function* g() {}", "g().next().then(X);"), vec![1]);
}

// | `const it = g(); it.next().then(X); it.next().then(X)` (two yields) | 2, 3 |
#[test]
fn two_queued_next_calls_are_served_in_order() {
    // Node: 2, 3 (the second request waits in the queue; AsyncGeneratorYield finds it there
    // and continues without suspending, into the second yield's Await)
    assert_eq!(
        ticks(
            "async function* g() { yield 1; yield 2; }",
            "const it = g(); it.next().then(X); it.next().then(X);"
        ),
        vec![2, 3]
    );
}

// | `it` suspended at a `yield`: `it.next().then(X)` | 2 |
#[test]
fn next_while_suspended_at_a_yield() {
    // Node: 2
    assert_eq!(
        ticks("async function* g() { yield 1; yield 2; } const it = g(); it.next();", "it.next().then(X);"),
        vec![2]
    );
}

// | `it` suspended at a `yield`: `it.return(5).then(X)` | 2 |
#[test]
fn return_while_suspended_at_a_yield() {
    // Node: 2 (AsyncGeneratorUnwrapYieldResumption awaits 5: tick 1, where the body returns
    // and the request is fulfilled).
    assert_eq!(
        ticks(
            "async function* g() { yield 1; yield 2; } const it = g(); it.next();",
            "it.return(5).then(X);"
        ),
        vec![2]
    );
}

// | `it` suspended at its start: `it.return(5).then(X)` | 2 |
#[test]
fn return_before_the_start() {
    // Node: 2 (AsyncGeneratorAwaitReturn: a then on PromiseResolve(5), whose reaction in tick
    // 1 fulfils the request).
    assert_eq!(ticks("async function* g() { yield 1; } const it = g();", "it.return(5).then(X);"), vec![2]);
}

// | `it.return(5)` called while the body executes | 3 |
#[test]
fn return_while_executing() {
    // Node: 3 (queued behind the running `next`, whose yield resumes in tick 1 and finds the
    // return request: AsyncGeneratorUnwrapYieldResumption awaits 5, tick 2, where the body
    // returns and fulfils it).
    assert_eq!(
        ticks(
            "let it, x; async function* g() { it.return(5).then(() => x()); yield 1; } it = g();",
            "x = X; it.next();"
        ),
        vec![3]
    );
}

// | `it.throw(e)` while suspended at a `yield`, caught and yielding again: `.then(X)` | 2 |
#[test]
fn throw_while_suspended_at_a_yield() {
    // Node: 2
    assert_eq!(
        ticks(
            "async function* g() { try { yield 1; } catch { yield 2; } } const it = g(); it.next();",
            "it.throw(new Error('e')).then(X);"
        ),
        vec![2]
    );
}

// | `await` in the body between yields: `it.next().then(X)` after `await null` | 3 |
#[test]
fn an_await_in_the_body_costs_its_tick() {
    // Node: 3
    assert_eq!(
        ticks(
            "async function* g() { yield 1; await null; yield 2; } const it = g(); it.next();",
            "it.next().then(X);"
        ),
        vec![3]
    );
}

// | `for await (const v of [1]) X()` (a sync iterable: CreateAsyncFromSyncIterator) | 2 |
#[test]
fn for_await_over_a_sync_iterable_costs_two_ticks_a_step() {
    // Node: 2 (the wrapper's PerformPromiseThen on PromiseResolve(1): tick 1 makes the
    // iterator result; the loop's Await of that promise: tick 2).
    assert_eq!(ticks("", "(async () => { for await (const v of [1]) X(); })();"), vec![2]);
}

// | `for await (const v of [p1, p2]) X()`, promises of a sync iterable | 2, 4 |
#[test]
fn for_await_over_a_sync_iterable_of_promises() {
    // Node: 2, 4
    assert_eq!(
        ticks(
            "",
            "(async () => { for await (const v of [Promise.resolve(1), Promise.resolve(2)]) X(); })();"
        ),
        vec![2, 4]
    );
}

// | `for await (const v of g()) X()`, `async function* g() { yield 1; yield 2 }` | 2, 4 |
#[test]
fn for_await_over_an_async_generator() {
    // Node: 2, 4 (each step: the yield's Await resumes the body and fulfils the request's
    // promise, then the loop's Await of that promise).
    assert_eq!(
        ticks(
            "async function* g() { yield 1; yield 2; }",
            "(async () => { for await (const v of g()) X(); })();"
        ),
        vec![2, 4]
    );
}

// | `for await (const v of asyncIterable) X()`, `next` returning `Promise.resolve({ value, done })` | 1, 2 |
#[test]
fn for_await_over_a_hand_written_async_iterator() {
    // Node: 1, 2 (the loop's Await of each native promise: one tick a step).
    assert_eq!(
        ticks(
            "const it = { [Symbol.asyncIterator]() { let i = 0; return { next: () => Promise.resolve({ value: i, done: i++ >= 2 }) }; } };",
            "(async () => { for await (const v of it) X(); })();"
        ),
        vec![1, 2]
    );
}

// | `for await (const v of g()) { break }; X()` (AsyncIteratorClose awaits `return`) | 4 |
#[test]
fn break_out_of_for_await_awaits_the_return() {
    // Node: 4 (the first step: 2 ticks; `return()` while suspended at the yield: the
    // resumption's Await, then AsyncIteratorClose's Await of the request: 2 more)
    assert_eq!(
        ticks(
            "async function* g() { yield 1; yield 2; }",
            "(async () => { for await (const v of g()) break; X(); })();"
        ),
        vec![4]
    );
}

/// ES2025's AsyncFromSyncIteratorContinuation step 12 (ecma262 PR #2600) closes the sync
/// iterator when a value it gave rejects. Node 20 (V8 11.3) predates the change and does
/// not close it, so this row runs on settle only.
#[test]
fn a_rejected_value_of_a_sync_iterable_closes_it_as_es2025_says() {
    let source = "\
        const it = { [Symbol.iterator]() { return { next() { return { value: Promise.reject(1), done: false }; }, \
        return() { console.log('closed'); return {}; } }; } };\n\
        (async () => { try { for await (const v of it) console.log('body'); } catch (e) { console.log('caught', e); } })();\n";
    let out = run(env!("CARGO_BIN_EXE_settle"), &["--virtual-time"], source);
    assert_eq!(out, "closed\ncaught 1\n");
}

// | `async function* d() { yield* g() }`, `g` yielding 1: `d().next().then(X)` | 3 |
#[test]
fn yield_star_delegation_to_an_async_generator() {
    // Node: 3 (g's yield resumes from its Await in tick 1 and fulfils the inner request;
    // yield*'s Await of it resumes d in tick 2, where AsyncGeneratorYield, with no second
    // Await, fulfils the outer request: X in 3).
    assert_eq!(
        ticks("async function* g() { yield 1; } async function* d() { yield* g(); }", "d().next().then(X);"),
        vec![3]
    );
}

// | `async function* d() { yield* [1] }`: `d().next().then(X)` | 3 |
#[test]
fn yield_star_delegation_to_a_sync_iterable() {
    // Node: 3 (the Async-from-Sync wrapper's then on PromiseResolve(1): tick 1; yield*'s Await
    // of its promise: tick 2, which fulfils the outer request: X in 3).
    assert_eq!(ticks("async function* d() { yield* [1]; }", "d().next().then(X);"), vec![3]);
}
