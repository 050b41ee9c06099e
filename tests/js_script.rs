//! `settle --script FILE`: a classic script (ECMA-262 16.1), as test262 runs tests: top-level
//! `this` is `globalThis`, top-level `var` and function declarations are global properties,
//! `let`/`const` are not. Without `--script`, a file keeps running as Node runs it (a CommonJS
//! module body).

use std::process::Command;

fn settle(args: &[&str], source: &str) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!("settle-js-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    // One file per call: the tests of this file run in parallel.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("case{n}.js"));
    std::fs::write(&path, source).expect("the script is written");
    let output =
        Command::new(env!("CARGO_BIN_EXE_settle")).args(args).arg(&path).output().expect("settle runs");
    let _ = std::fs::remove_file(&path);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const GLOBALS: &str = "\
var v = 1;
let l = 2;
const c = 3;
function f() { return 'f'; }
console.log(this === globalThis, globalThis.v, globalThis.l, globalThis.c, typeof globalThis.f);
// GlobalDeclarationInstantiation creates the functions first (V8 prints `v,f`).
console.log(Object.keys(globalThis).filter(k => k.length === 1).join());
globalThis.v = 10;
console.log(v);
function $DONE() { console.log('done'); }
Promise.resolve().then(() => globalThis.$DONE());
";

#[test]
fn script_mode_makes_top_level_declarations_global_properties() {
    let (code, stdout, stderr) = settle(&["--script"], GLOBALS);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "true 1 undefined undefined function\nf,v\n10\ndone\n");
}

#[test]
fn the_default_keeps_node_module_scope() {
    let (code, stdout, stderr) = settle(&[], GLOBALS);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(stdout, "false undefined undefined undefined undefined\n\n1\n");
    assert!(stderr.contains("TypeError: globalThis.$DONE is not a function"), "{stderr}");
}

#[test]
fn an_indirect_eval_sees_the_global_lexical_bindings_of_a_classic_script() {
    let source = "let lex = 'L'; var vv = 1; const ev = eval;\n\
                  console.log(ev('typeof lex'), ev('vv + 1'));\n\
                  try { ev('var lex = 2'); } catch (e) { console.log(e.name, e.message); }\n\
                  ev('var fromEval = 3; function fnFromEval() {}');\n\
                  console.log(Object.getOwnPropertyDescriptor(globalThis, 'fromEval').configurable, typeof fnFromEval);\n";
    let (code, stdout, stderr) = settle(&["--script"], source);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "string 2\nSyntaxError Identifier 'lex' has already been declared\ntrue function\n");
}

#[test]
fn a_direct_eval_at_a_classic_script_s_top_level_declares_global_properties() {
    // varEnv is the global Environment Record (19.2.1.3 steps 3.a, 17-18): a `var` becomes
    // a configurable global property, and one that a top-level `let` binds is a SyntaxError.
    let source = "let lex = 'L';\n\
                  eval('var fromDirect = 1; function fnDirect() { return lex; }');\n\
                  console.log(Object.getOwnPropertyDescriptor(globalThis, 'fromDirect').configurable, fnDirect());\n\
                  try { eval('var lex'); } catch (e) { console.log(e.name, e.message); }\n\
                  (function () { eval('var inFn = 1'); })();\n\
                  console.log(typeof inFn);\n";
    let (code, stdout, stderr) = settle(&["--script"], source);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "true L\nSyntaxError Identifier 'lex' has already been declared\nundefined\n");
}

#[test]
fn a_bigint_result_beyond_64_bits_is_a_range_error_not_a_wrong_value() {
    let source = "for (const f of [() => 9223372036854775807n + 1n, () => (-9223372036854775807n - 1n) * -1n, () => 2n ** 64n, () => 1n << 64n]) {\n\
                  try { console.log(f()); } catch (e) { console.log(e.name, e.message); } }\n\
                  console.log(Number(2n ** 62n), 2n ** 62n, -9223372036854775807n - 1n);\n";
    let (code, stdout, stderr) = settle(&[], source);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let limit = "RangeError settle-js's BigInts are 64-bit: the result does not fit\n";
    assert_eq!(
        stdout,
        format!("{}4611686018427388000 4611686018427387904n -9223372036854775808n\n", limit.repeat(4))
    );
}

/// A reference keeps the slot it found its binding in (docs/design.md, "settle-js name
/// resolution"); a binding created after code ran in its scope (a closure made by a parameter
/// initializer and called by a later one, before the body's `var` exists) must not leave a
/// stale slot behind. The body's `var x` is in the function's separate variable environment
/// (FunctionDeclarationInstantiation step 28: a function with parameter expressions), which
/// the closure made by the initializer does not see: `outer` twice, as Node answers, and the
/// cache answers as the walk does.
#[test]
fn a_binding_made_after_parameter_expressions_ran_is_found_by_later_references() {
    let source = "let x = 'outer';\n\
                  function f(a = () => x, b = a()) { var x = 'inner'; return [b, a()].join(); }\n\
                  console.log(f(), f());\n\
                  function g({ k = () => y, y }) { return k(); }\n\
                  console.log(g({ y: 1 }), g({ y: 2 }));\n";
    let (code, stdout, stderr) = settle(&[], source);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "outer,outer outer,outer\n1 2\n");
}

/// tests/js-lang/name-resolution.js as a classic script (top-level declarations are global
/// object properties there): the same output as Node's module-scope run.
#[test]
fn name_resolution_is_the_same_in_a_classic_script() {
    let source = std::fs::read_to_string("tests/js-lang/name-resolution.js").expect("the script");
    let expected = std::fs::read_to_string("tests/js-lang/name-resolution.out").expect("its output");
    let (code, stdout, stderr) = settle(&["--script", "--virtual-time"], &source);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, expected);
}
