//! `console.log` prints what Node prints for values whose kind each engine must tell the
//! shared inspector (settle-inspect) itself, on both engines: classes (`[class A extends B]`;
//! settle-js tells a class by its source text, as Node does, settle-boa by its non-writable
//! `prototype`, since Boa 0.22 gives no source text) keyed collections (`Map(1) {..}`) and symbol keys (`[Symbol(a)]: 1`).

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

const COLLECTIONS: &str = r#"
const m = new Map([["a", 1], [{ k: [1] }, new Set(["x"])]]);
m.set("self", m);
console.log(m, new Set(), new Map(), new WeakMap(), new WeakSet());
class Sub extends Set {}
console.log(new Sub([1, 2]), [new Map([[1, 2]])], { s: new Set([new Map()]) });
const big = new Set();
for (let i = 0; i < 30; i++) big.add("item number " + i);
console.log(big);
const sy = { [Symbol("a")]: 1, b: 2, get [Symbol("g")]() { return 1 } };
Object.defineProperty(sy, Symbol("hidden"), { value: 3, enumerable: false });
console.log(sy, { [Symbol.iterator]: [1] });
"#;

#[test]
fn collections_print_as_node_prints_them_on_both_engines() {
    let settle = env!("CARGO_BIN_EXE_settle");
    let ours = support::settle_and_node(settle, &[], COLLECTIONS);
    let boa = support::settle_and_node(settle, &["--engine", "boa"], COLLECTIONS);
    assert!(ours.stdout.starts_with("<ref *1> Map(3) {\n  'a' => 1,\n"), "{}", ours.stdout);
    assert!(ours.stdout.contains("Sub(2) [Set] { 1, 2 } [ Map(1) { 1 => 2 } ]"), "{}", ours.stdout);
    assert!(
        ours.stdout.ends_with(
            "{ b: 2, [Symbol(a)]: 1, [Symbol(g)]: [Getter] } { [Symbol(Symbol.iterator)]: [ 1 ] }\n"
        ),
        "{}",
        ours.stdout
    );
    assert_eq!(boa.stdout, ours.stdout);
}
