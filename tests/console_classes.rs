//! `console.log` of a class prints Node's `[class A extends B]` on both engines (settle-js
//! tells a class by its source text, as Node does; settle-boa by its non-writable
//! `prototype`, since Boa 0.22 gives no source text).

mod support;

const SOURCE: &str = r#"
class A {}
class B extends A { static x = 1 }
const C = class {};
console.log(A, B, C, [A], { A });
console.log(class extends A {}, class D extends null {});
function f() {}
function* g() {}
Object.defineProperty(f, "name", { value: "" });
console.log(f, g, async () => {}, Promise);
"#;

const NODE: &str = "[class A] [class B extends A] { x: 1 } [class C] [ [class A] ] { A: [class A] }
[class (anonymous) extends A] [class D]
[Function (anonymous)] [GeneratorFunction: g] [AsyncFunction (anonymous)] [Function: Promise]
";

#[test]
fn classes_print_as_node_prints_them_on_settle_js() {
    let run = support::settle_and_node(env!("CARGO_BIN_EXE_settle"), &[], SOURCE);
    assert_eq!(run.stdout, NODE);
}

#[test]
fn classes_print_as_node_prints_them_on_boa() {
    let run = support::settle_and_node(env!("CARGO_BIN_EXE_settle"), &["--engine", "boa"], SOURCE);
    assert_eq!(run.stdout, NODE);
}
