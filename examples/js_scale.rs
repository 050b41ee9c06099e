//! Times settle-js on the scale cases of issue 13 and prints each (docs/benchmarks.md):
//! string appends, `JSON.stringify` of deep nesting, deep recursion. Run it on a release build:
//!
//! `cargo run --release --example js_scale`
//!
//! Each case runs the whole script (parse, run, teardown) through `settle_js::run` and prints
//! the wall time with the script's own output. Node's figures for the same scripts come from
//! `node -e` with the same source.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

const CASES: &[(&str, &str)] = &[
    (
        "s += \"ab\" x 1 000 000",
        "let s = ''; for (let i = 0; i < 1000000; i++) s += 'ab'; console.log(s.length);",
    ),
    (
        "JSON.stringify of an object nested 100 000 deep",
        "let o = {}; for (let i = 0; i < 100000; i++) o = { o };\n\
         try { console.log(JSON.stringify(o).length) } catch (e) { console.log(e.name, e.message) }",
    ),
    (
        "JSON.stringify of an array nested 100 000 deep",
        "let o = 1; for (let i = 0; i < 100000; i++) o = [o];\n\
         try { console.log(JSON.stringify(o).length) } catch (e) { console.log(e.name, e.message) }",
    ),
    (
        "plain recursion to the RangeError",
        "let d = 0; function f() { d++; f() } try { f() } catch (e) { console.log(e.name, d) }",
    ),
];

fn main() {
    for (name, source) in CASES {
        let out = Rc::new(RefCell::new(Vec::<u8>::new()));
        let start = Instant::now();
        let code =
            settle_js::run("scale.js", source, &settle_js::Options::default(), out.clone(), out.clone());
        let elapsed = start.elapsed();
        let text = String::from_utf8_lossy(&out.borrow()).trim_end().to_string();
        println!("{name}: {:.3} s (exit {code}): {text}", elapsed.as_secs_f64());
    }
}
