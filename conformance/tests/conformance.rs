//! Differential conformance tests of settle (through settle-js) against Node.
//!
//! - `ordering_facts`: the spec's ordering facts, one small program each, with the output
//!   worked out by hand from the spec; settle must print it, and so must Node.
//! - `hand_checked_generated_programs`: programs built with the generator's AST and printer,
//!   output worked out by hand.
//! - `regression_corpus`: every program in `tests/conformance/regressions/` prints its recorded
//!   (Node's) output on settle, and on Node.
//! - `generated_programs_agree_with_node`: the CI batch, 2 000 generated programs from a fixed
//!   seed (`SETTLE_CONFORMANCE_COUNT`, `SETTLE_CONFORMANCE_SEED` for long runs).
//! - `generated_programs_agree_with_node_on_boa`, `regression_corpus_on_boa`: the same on Boa
//!   with settle's loop, skipping the shapes Boa's own engine gets wrong
//!   (`boa_still_gets_the_skipped_shapes_wrong` checks that it still does).
//! - `mutation_check_a_broken_settle_is_caught`: the same batch against a deliberately broken
//!   settle must fail. Compiled only under `--cfg settle_mutation` (which compiles the bug into
//!   settle-promise); .ci/run runs it so.
//!
//! Tests that need Node skip (saying so) when `node` is not on PATH. See docs/conformance.md.

use std::path::PathBuf;
use std::sync::Mutex;

use settle_conformance::ast::{
    Call, Delay, End, Handler, Link, Listeners, Method, PExpr, Program, Source, Stmt, Then, Value, When,
};
use settle_conformance::boa::{boa_gets_wrong, canonical_wording, run_boa};
use settle_conformance::harness::first_difference;
use settle_conformance::node::{NodePool, node_available};
use settle_conformance::settle::run_settle;
use settle_conformance::{Config, Outcome, print, regressions_dir};
#[cfg(settle_mutation)]
use settle_promise::mutation::{Mutation, set_mutation};

/// The Node-heavy tests run one at a time: side by side they would load the machine enough to
/// delay Node's timers.
static NODE: Mutex<()> = Mutex::new(());

fn node_or_skip(test: &str) -> bool {
    if node_available() {
        return true;
    }
    eprintln!("{test}: node is not on PATH, skipping the comparison with Node (CI installs it)");
    false
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.parse().unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}")),
        Err(_) => default,
    }
}

/// Checks programs against their expected outcomes on settle, then on Node if it is there.
fn check_all(test: &str, cases: &[(String, String, Outcome)]) {
    let mut failures = Vec::new();
    for (name, source, expected) in cases {
        let got = run_settle(source);
        if &got != expected {
            failures.push(format!(
                "{name} on settle: {}\n{source}\n--- expected (exit {})\n{}--- settle (exit {})\n{}",
                first_difference(expected, &got),
                expected.code,
                expected.stdout,
                got.code,
                got.stdout
            ));
        }
    }
    if node_or_skip(test) {
        let _node = NODE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let pool = NodePool::new(4);
        let sources: Vec<&str> = cases.iter().map(|(_, s, _)| s.as_str()).collect();
        for ((name, source, expected), got) in cases.iter().zip(pool.run_all(&sources)) {
            if &got != expected {
                failures.push(format!(
                    "{name} on Node: {}\n{source}\n--- expected (exit {})\n{}--- Node (exit {})\n{}",
                    first_difference(expected, &got),
                    expected.code,
                    expected.stdout,
                    got.code,
                    got.stdout
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn ok(lines: &[&str]) -> Outcome {
    Outcome { stdout: lines.iter().map(|l| format!("{l}\n")).collect(), code: 0 }
}

/// A tick ruler: `tick k` is printed by the k-th round of the job queue after the script.
const RULER: &str = "function ruler(n) { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => console.log(\"tick \" + i)); }\n";

/// The ordering facts of ECMA-262 and of Node's host rules that settle must reproduce, each
/// as (name, spec section, program, expected outcome). docs/conformance.md lists them.
fn facts() -> Vec<(&'static str, &'static str, &'static str, Outcome)> {
    vec![
        (
            "jobs run before the next macrotask, jobs queued by jobs in the same checkpoint (A C D B)",
            "ECMA-262 9.5 (jobs), HTML 8.1.7.3 perform a microtask checkpoint",
            r#"console.log("A"); setTimeout(() => console.log("B"), 0); queueMicrotask(() => { console.log("C"); queueMicrotask(() => console.log("D")); });"#,
            ok(&["A", "C", "D", "B"]),
        ),
        (
            "Node drains process.nextTick before the promise jobs, after every macrotask",
            "Node: processTicksAndRejections",
            r#"Promise.resolve().then(() => console.log("job")); process.nextTick(() => console.log("tick"));
setTimeout(() => { Promise.resolve().then(() => console.log("job2")); process.nextTick(() => console.log("tick2")); }, 0);"#,
            ok(&["tick", "job", "tick2", "job2"]),
        ),
        (
            "reactions run in registration order; one added while they run goes last (A B C)",
            "27.2.1.8 TriggerPromiseReactions, 27.2.5.4.1 PerformPromiseThen",
            r#"const p = Promise.resolve(); p.then(() => { p.then(() => console.log("C")); console.log("A"); }); p.then(() => console.log("B"));"#,
            ok(&["A", "B", "C"]),
        ),
        (
            "resolve(native promise) goes through NewPromiseResolveThenableJob: X in tick 3 (p1/p3)",
            "27.2.1.3.2 Promise Resolve Functions step 14, 27.2.2.2 NewPromiseResolveThenableJob",
            "new Promise((r) => r(Promise.resolve())).then(() => console.log(\"X\")); ruler(4);",
            ok(&["tick 1", "tick 2", "X", "tick 3", "tick 4"]),
        ),
        (
            "resolve(synchronous thenable): X in tick 2",
            "27.2.2.2 NewPromiseResolveThenableJob",
            "new Promise((r) => r({ then(f) { f(1); } })).then(() => console.log(\"X\")); ruler(3);",
            ok(&["tick 1", "X", "tick 2", "tick 3"]),
        ),
        (
            "a handler returning a native promise: the next handler in tick 4",
            "27.2.2.1 NewPromiseReactionJob (resolves the derived promise), 27.2.1.3.2",
            "Promise.resolve().then(() => Promise.resolve()).then(() => console.log(\"X\")); ruler(5);",
            ok(&["tick 1", "tick 2", "tick 3", "X", "tick 4", "tick 5"]),
        ),
        (
            "await of a native promise takes 1 tick, await of a thenable 2",
            "27.7.5.3 Await (PromiseResolve returns a native promise itself), 27.2.4.7.1 PromiseResolve",
            r#"(async () => { await Promise.resolve(); console.log("X"); })();
(async () => { await { then(f) { f(); } }; console.log("Y"); })(); ruler(3);"#,
            ok(&["X", "tick 1", "Y", "tick 2", "tick 3"]),
        ),
        (
            "an async function returning a native promise: its caller's handler in tick 3",
            "27.7.5.2 AsyncBlockStart (the return value goes through the resolve function)",
            "(async () => Promise.resolve())().then(() => console.log(\"X\")); ruler(4);",
            ok(&["tick 1", "tick 2", "X", "tick 3", "tick 4"]),
        ),
        (
            "finally costs two ticks more than then: X in tick 4",
            "27.2.5.3 Promise.prototype.finally (thenFinally: PromiseResolve(result).then(valueThunk))",
            "Promise.resolve().finally(() => {}).then(() => console.log(\"X\")); Promise.reject().finally(() => {}).catch(() => console.log(\"Y\")); ruler(5);",
            ok(&["tick 1", "tick 2", "tick 3", "X", "Y", "tick 4", "tick 5"]),
        ),
        (
            "the combinators settle in tick 1 over settled inputs: handlers in tick 2",
            "27.2.4.1 all, .2 allSettled, .3 any, .5 race (each input through .then)",
            r#"for (const c of ["all", "allSettled", "any", "race"]) Promise[c]([Promise.resolve()]).then(() => console.log(c)); ruler(2);"#,
            ok(&["tick 1", "all", "allSettled", "any", "race", "tick 2"]),
        ),
        (
            "Promise.resolve(native promise) returns it",
            "27.2.4.7.1 PromiseResolve step 1",
            "const p = Promise.resolve(); console.log(Promise.resolve(p) === p, Promise.resolve(1) === Promise.resolve(1));",
            ok(&["true false"]),
        ),
        (
            "the first call of resolve/reject wins; a thenable's later calls and a throw after resolving are ignored",
            "27.2.1.3 [[AlreadyResolved]], 27.2.2.2 step 1.c",
            r#"new Promise((res, rej) => { res(1); rej(2); res(3); throw 4; }).then((v) => console.log("a", v));
Promise.resolve({ then(f, r) { f(1); r(2); f(3); throw 4; } }).then((v) => console.log("b", v), (e) => console.log("b!", e));"#,
            ok(&["a 1", "b 1"]),
        ),
        (
            "a throwing then getter rejects during the resolve call itself",
            "27.2.1.3.2 steps 9-10 (Get(resolution, \"then\") is synchronous)",
            r#"const p = Promise.resolve({ get then() { console.log("get"); throw new Error("boom"); } }); console.log("after");
p.catch((e) => console.log("caught", e.message));"#,
            ok(&["get", "after", "caught boom"]),
        ),
        (
            "resolving a promise with itself rejects it with a TypeError",
            "27.2.1.3.2 step 7",
            r#"const p = new Promise((r) => setTimeout(() => r(p), 0)); p.catch((e) => console.log(e.name + ": " + e.message));"#,
            ok(&["TypeError: Chaining cycle detected for promise #<Promise>"]),
        ),
        (
            "empty combinators: all fulfills with [], any rejects with an AggregateError, race stays pending",
            "27.2.4.1.1 PerformPromiseAll, 27.2.4.3.1 PerformPromiseAny, 27.2.4.5.1 PerformPromiseRace",
            r#"Promise.all([]).then((v) => console.log("all", v.length)); Promise.any([]).catch((e) => console.log("any", e.name, e.errors.length));
Promise.race([]).then(() => console.log("race never")); setTimeout(() => console.log("end"), 0);"#,
            ok(&["all 0", "any AggregateError 0", "end"]),
        ),
        (
            "a rejection is reported unhandled after the checkpoint; a later handler gives rejectionHandled after it ran",
            "27.2.1.9 HostPromiseRejectionTracker; Node's processPromiseRejections",
            r#"process.on("unhandledRejection", (r) => console.log("unhandled", r)); process.on("rejectionHandled", () => console.log("handled later"));
const p = Promise.reject(1); Promise.reject(2).catch(() => console.log("caught 2"));
setTimeout(() => p.catch(() => console.log("caught 1")), 0);"#,
            ok(&["caught 2", "unhandled 1", "caught 1", "handled later"]),
        ),
        (
            "a handler attached later in the same checkpoint prevents the report",
            "27.2.1.9 HostPromiseRejectionTracker (operation \"handle\"); HTML/Node: notify after the checkpoint",
            r#"process.on("unhandledRejection", () => console.log("unhandled"));
const p = Promise.reject(1); queueMicrotask(() => queueMicrotask(() => p.catch(() => console.log("caught"))));"#,
            ok(&["caught"]),
        ),
        (
            "Node dies on an unhandled rejection without a listener, after that checkpoint (exit code 1)",
            "Node --unhandled-rejections=throw (the default)",
            r#"Promise.reject(new Error("x")); queueMicrotask(() => console.log("same checkpoint")); setTimeout(() => console.log("never"), 0);"#,
            Outcome { stdout: "same checkpoint\n".into(), code: 1 },
        ),
        (
            "timers fire by deadline, equal deadlines in creation order, each with its own checkpoint",
            "HTML timer initialization steps; Node timer lists",
            r#"setTimeout(() => { console.log("t1"); queueMicrotask(() => console.log("m1")); }, 30); setTimeout(() => console.log("t2"), 30); setTimeout(() => console.log("t0"), 1);"#,
            ok(&["t0", "t1", "m1", "t2"]),
        ),
        (
            "Node reschedules an interval after its callback: a same-delay timeout set in it fires first",
            "Node lib/internal/timers.js listOnTimeout",
            r#"let n = 0; const i = setInterval(() => { console.log("interval " + n); if (++n === 2) clearInterval(i); if (n === 1) setTimeout(() => console.log("timeout"), 20); }, 20);"#,
            ok(&["interval 0", "timeout", "interval 1"]),
        ),
    ]
}

#[test]
fn ordering_facts() {
    let cases: Vec<(String, String, Outcome)> = facts()
        .into_iter()
        .map(|(name, section, source, expected)| {
            (format!("{name} [{section}]"), format!("{RULER}{source}\n"), expected)
        })
        .collect();
    check_all("ordering_facts", &cases);
}

fn log_handler(body: Vec<Stmt>, end: End) -> Handler {
    Handler { is_async: false, body, end }
}

#[test]
fn hand_checked_generated_programs() {
    // p0 = new Promise(res => res(Promise.resolve(1))): the thenable job, then the reaction;
    // a plain chain on a settled promise runs first.
    let p1p3 = Program {
        listeners: Listeners::None,
        on_unhandled: vec![],
        body: vec![
            Stmt::Promise(PExpr::New(
                vec![Stmt::Settle {
                    target: 0,
                    reject: false,
                    value: Value::Promise(Box::new(PExpr::Resolve(Box::new(Value::Num(1))))),
                }],
                End::None,
            )),
            Stmt::Promise(PExpr::Chain(Box::new(PExpr::Ref(0)), Link::Then(log_handler(vec![], End::None)))),
            Stmt::Promise(PExpr::Chain(
                Box::new(PExpr::Resolve(Box::new(Value::Num(2)))),
                Link::Then(log_handler(vec![], End::None)),
            )),
        ],
    };
    // A rejected async function handled late, in a timer: reported, then handled. The
    // listener's nextTick and microtask run right after it, before the timer.
    let late = Program {
        listeners: Listeners::Both,
        on_unhandled: vec![Stmt::NextTick(vec![]), Stmt::Microtask(vec![])],
        body: vec![
            Stmt::Promise(PExpr::Async(
                vec![Stmt::Await(Value::Thenable(Then::Sync, Box::new(Value::Num(7))))],
                End::Throw(Value::Error(1)),
            )),
            Stmt::Timeout(
                Delay::Short,
                vec![Stmt::Promise(PExpr::Chain(
                    Box::new(PExpr::Ref(0)),
                    Link::Catch(log_handler(vec![Stmt::Log], End::None)),
                ))],
            ),
        ],
    };
    // A thenable that resolves, rejects and throws: only the resolve counts; nextTick first.
    let evil = Program {
        listeners: Listeners::None,
        on_unhandled: vec![],
        body: vec![
            Stmt::NextTick(vec![]),
            Stmt::Promise(PExpr::Chain(
                Box::new(PExpr::Resolve(Box::new(Value::Thenable(Then::Both, Box::new(Value::Num(3)))))),
                Link::Finally(log_handler(vec![], End::Return(Value::Num(9)))),
            )),
            Stmt::Microtask(vec![Stmt::Log]),
        ],
    };
    // An async generator driven by hand: next(0), return(5), next(0) at once. The first
    // request runs the body to its yield (which awaits 1); the return request, queued
    // meanwhile, resumes that yield with a return completion (AsyncGeneratorUnwrapYieldResumption
    // awaits 5), and the generator completes; the last request, on a completed generator,
    // settles in the same drain (AsyncGeneratorDrainQueue), so its handler runs right after.
    let now = |method, arg| Call { method, arg, when: When::Now };
    let queued_return = Program {
        listeners: Listeners::None,
        on_unhandled: vec![],
        body: vec![Stmt::Promise(PExpr::Drive {
            body: vec![Stmt::Yield(Value::Num(1))],
            end: End::None,
            calls: vec![
                now(Method::Next, Value::Num(0)),
                now(Method::Return, Value::Num(5)),
                now(Method::Next, Value::Num(0)),
            ],
        })],
    };
    // `for await` over a sync generator, leaving after the first value: `break` calls the
    // Async-from-Sync iterator's return(), which runs the generator's finally block (L5)
    // before the loop's successor (L7).
    let break_out = Program {
        listeners: Listeners::None,
        on_unhandled: vec![],
        body: vec![Stmt::Promise(PExpr::ForAwait(
            Box::new(Source::SyncGen(
                vec![Stmt::Try {
                    body: vec![Stmt::Yield(Value::Num(1)), Stmt::Yield(Value::Num(2))],
                    catch: None,
                    finally: Some(vec![]),
                }],
                End::None,
            )),
            vec![Stmt::Break(1)],
        ))],
    };
    let cases = vec![
        (
            "p1/p3".to_string(),
            print(&p1p3),
            // L1: executor; L3 (p2's handler, tick 1) before L2 (p0's, tick 3).
            ok(&["L1", "L3 number:2", "L2 number:1"]),
        ),
        (
            "late handler".to_string(),
            print(&late),
            ok(&[
                "L3",
                "T1",
                "L4 number:7",
                "unhandledRejection Error:E1 p0",
                "L1",
                "L2",
                "L5",
                "L6 Error:E1",
                "L7",
                "rejectionHandled p0",
            ]),
        ),
        // The thenable job was queued (by Promise.resolve) before the microtask.
        ("evil thenable".to_string(), print(&evil), ok(&["L1", "T1", "L3", "L4", "L2"])),
        (
            "return() queued behind next()".to_string(),
            print(&queued_return),
            // L2 never runs: the yield resumes with the queued return completion.
            ok(&["L1", "L3 number:1 false", "L5 number:5 true", "L7 undefined:undefined true"]),
        ),
        (
            "break out of for await".to_string(),
            print(&break_out),
            ok(&["L1", "L2", "L6 number:1", "L5", "L7"]),
        ),
    ];
    check_all("hand_checked_generated_programs", &cases);
}

/// The corpus: `NAME.js` (first line `// exit code: N`) and `NAME.out`.
fn corpus() -> Vec<(String, String, Outcome)> {
    let dir = regressions_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|js| {
            let source = std::fs::read_to_string(&js).expect("a corpus program");
            let code = source
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("// exit code: "))
                .and_then(|c| c.trim().parse().ok())
                .unwrap_or_else(|| panic!("{} must start with `// exit code: N`", js.display()));
            let stdout = std::fs::read_to_string(js.with_extension("out"))
                .unwrap_or_else(|_| panic!("{} has no recorded output (.out)", js.display()));
            (js.display().to_string(), source, Outcome { stdout, code })
        })
        .collect()
}

#[test]
fn regression_corpus() {
    let cases = corpus();
    assert!(!cases.is_empty(), "the regression corpus {} is empty", regressions_dir().display());
    check_all("regression_corpus", &cases);
}

/// The CI batch's size and seed (raise the count for long runs).
fn batch_config() -> Config {
    let count = usize::try_from(env_number("SETTLE_CONFORMANCE_COUNT", 2000)).expect("a count");
    let mut config = Config::new(count, env_number("SETTLE_CONFORMANCE_SEED", 0x5e77_1e00_c0de));
    config.node_runs = usize::try_from(env_number("SETTLE_CONFORMANCE_NODE_RUNS", 1)).expect("a count");
    config.max_divergences =
        usize::try_from(env_number("SETTLE_CONFORMANCE_MAX_DIVERGENCES", 1)).expect("a count");
    config.progress_every = if count > 10_000 { 10_000 } else { 0 };
    config
}

#[test]
fn generated_programs_agree_with_node() {
    if !node_or_skip("generated_programs_agree_with_node") {
        return;
    }
    let _node = NODE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let config = batch_config();
    let report = settle_conformance::run(&config);
    eprintln!("seed {:#x}: {report}", config.seed);
    let divergences: Vec<String> = report.divergences.iter().map(ToString::to_string).collect();
    assert!(divergences.is_empty(), "seed {:#x}: {report}\n{}", config.seed, divergences.join("\n\n"));
    // The batch must really compare: few programs may be discarded.
    assert!(report.compared * 10 >= report.generated * 8, "too many programs discarded: {report}");
}

/// The CI batch on the other engine: Boa with settle's loop (settle-boa). Its divergences are
/// not saved to the corpus (a Boa divergence is recorded in docs/conformance.md instead).
#[test]
fn generated_programs_agree_with_node_on_boa() {
    if !node_or_skip("generated_programs_agree_with_node_on_boa") {
        return;
    }
    let _node = NODE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut config = batch_config();
    config.settle = run_boa;
    config.canonical = canonical_wording;
    config.skip = boa_gets_wrong;
    config.save_to = None;
    let report = settle_conformance::run(&config);
    eprintln!("boa, seed {:#x}: {report}", config.seed);
    let divergences: Vec<String> = report.divergences.iter().map(ToString::to_string).collect();
    assert!(divergences.is_empty(), "boa, seed {:#x}: {report}\n{}", config.seed, divergences.join("\n\n"));
    // Few may be discarded (the skipped ones are counted apart, and must stay a minority).
    assert!(
        report.compared * 10 >= (report.generated - report.skipped) * 8,
        "too many programs discarded: {report}"
    );
    assert!(report.skipped * 4 <= report.generated, "too many programs skipped: {report}");
}

#[test]
fn regression_corpus_on_boa() {
    let mut failures = Vec::new();
    for (name, source, expected) in corpus() {
        let got = canonical_wording(run_boa(&source));
        if got != canonical_wording(expected.clone()) {
            failures.push(format!("{name} on boa: {}\n{source}", first_difference(&expected, &got)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// settle with the Promise Resolve Function adopting native promises without the
/// NewPromiseResolveThenableJob (one tick early).
#[cfg(settle_mutation)]
fn broken_settle(source: &str) -> Outcome {
    let previous = set_mutation(Some(Mutation::AdoptPromiseWithoutJob));
    let outcome = run_settle(source);
    set_mutation(previous);
    outcome
}

#[test]
#[cfg(settle_mutation)]
fn mutation_check_a_broken_settle_is_caught() {
    // The mutation is real: the p1/p3 fact changes.
    let p1p3 =
        format!("{RULER}new Promise((r) => r(Promise.resolve())).then(() => console.log(\"X\")); ruler(3);");
    assert_eq!(run_settle(&p1p3).stdout, "tick 1\ntick 2\nX\ntick 3\n");
    assert_eq!(broken_settle(&p1p3).stdout, "tick 1\nX\ntick 2\ntick 3\n");
    if !node_or_skip("mutation_check_a_broken_settle_is_caught") {
        return;
    }
    let _node = NODE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // The CI batch, stopping at the first divergence, which is shrunk but not saved.
    let mut config = batch_config();
    config.settle = broken_settle;
    config.save_to = None;
    config.max_divergences = 1;
    let report = settle_conformance::run(&config);
    let Some(found) = report.divergences.first() else {
        panic!(
            "the harness did not notice a settle that skips the thenable job for native promises: {report}"
        )
    };
    eprintln!("the mutation was caught after {} programs:\n{found}", report.generated);
    // Shrunk: far smaller than what was generated, and still diverging on the broken settle.
    assert!(found.program.len() < found.original.len(), "{found}");
    assert_ne!(broken_settle(&found.program), found.node, "{found}");
    assert_eq!(run_settle(&found.program), found.node, "the real settle agrees with Node on it:\n{found}");
}

/// The Boa bugs whose shapes the batch on Boa skips (`boa::boa_gets_wrong`), as minimal
/// programs: settle-js (and Node) print the first output, Boa 0.22 the second. When a Boa
/// upgrade fixes one, this fails: drop the skip then (docs/conformance.md).
#[test]
fn boa_still_gets_the_skipped_shapes_wrong() {
    let ticks = "Promise.resolve().then(() => console.log(\"tick 1\")).then(() => console.log(\"tick 2\")).then(() => console.log(\"tick 3\")).then(() => console.log(\"tick 4\")).then(() => console.log(\"tick 5\"));";
    let cases = [
        (
            // return() at a yield in a for-await body must close the loop's iterator.
            "return() at a yield in for await".to_string(),
            r#"const inner = { [Symbol.asyncIterator]() { return this; }, next() { return Promise.resolve({ value: 0, done: false }); }, return() { console.log("inner.return"); return Promise.resolve({ done: true }); } };
const g = (async function* () { for await (const x of inner) yield x; })();
g.next().then(() => g.return(5)).then((r) => console.log("return", r.value, r.done));
"#
            .to_string(),
            ok(&["inner.return", "return 5 true"]),
            ok(&["return 5 true"]),
        ),
        (
            // return() through yield*: no Await of the delegate's done value (ES2024).
            "return() through yield*".to_string(),
            format!(
                "const g = (async function* () {{ yield* (function* () {{ yield 0; }})(); }})();\ng.next().then(() => {{ g.return(5).then(() => console.log(\"return\")); {ticks} }});\n"
            ),
            ok(&["tick 1", "tick 2", "tick 3", "return", "tick 4", "tick 5"]),
            ok(&["tick 1", "tick 2", "tick 3", "tick 4", "return", "tick 5"]),
        ),
        (
            // In an async function, a finally that returns overrides the catch's throw.
            "finally's return after a throwing catch".to_string(),
            "(async () => { try { throw 0; } catch (e) { throw 1; } finally { return 2; } })().then((v) => console.log(\"fulfilled\", v), (e) => console.log(\"rejected\", e));\n".to_string(),
            ok(&["fulfilled 2"]),
            ok(&["rejected 1"]),
        ),
        (
            // A finally that calls an async function keeps the catch's throw.
            "catch's throw before a finally calling an async arrow".to_string(),
            "try { try { throw 0; } catch (e1) { console.log(\"L1\"); throw 0; } finally { console.log(\"L2\"); (async () => { console.log(\"L3\"); })(); } } catch (e2) { console.log(\"L4\", e2); }\n".to_string(),
            ok(&["L1", "L2", "L3", "L4 0"]),
            // The throw ends up rejecting the async arrow's promise: an unhandled rejection.
            Outcome { stdout: "L1\nL2\nL3\n".into(), code: 1 },
        ),
    ];
    for (name, source, _, on_boa) in &cases {
        assert_eq!(
            &run_boa(source),
            on_boa,
            "{name} on boa: Boa prints what it should now? then drop its skip"
        );
    }
    let expected: Vec<(String, String, Outcome)> =
        cases.into_iter().map(|(name, source, right, _)| (name, source, right)).collect();
    check_all("boa_still_gets_the_skipped_shapes_wrong", &expected);
}
