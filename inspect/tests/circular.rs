//! Node's reference markers for cycles: `[Circular *N]` where an object is met again inside
//! itself and `<ref *N>` before that object, numbered in the order the cycles are found. Each
//! expected string is what `util.inspect` of Node 20 prints for the same structure.

use std::cell::RefCell;
use std::rc::Rc;

use settle_inspect::{Class, Heap, Slot, View, inspect};

/// A test heap: objects with string-keyed properties, or arrays.
#[derive(Default)]
struct Obj {
    array: Option<Vec<V>>,
    props: Vec<(String, V)>,
}

#[derive(Clone)]
enum V {
    N(f64),
    O(Rc<RefCell<Obj>>),
}

struct TestHeap;

impl Heap for TestHeap {
    type Value = V;
    type Object = Rc<RefCell<Obj>>;
    fn view(&mut self, v: &V) -> View<Self::Object> {
        match v {
            V::N(n) => View::Number(*n),
            V::O(o) => View::Object(o.clone()),
        }
    }
    fn same(&mut self, a: &Self::Object, b: &Self::Object) -> bool {
        Rc::ptr_eq(a, b)
    }
    fn class(&mut self, o: &Self::Object) -> Class<V> {
        match &o.borrow().array {
            Some(items) => Class::Array(items.iter().cloned().map(Some).collect()),
            None => Class::Object,
        }
    }
    fn own_keys(&mut self, o: &Self::Object) -> Vec<String> {
        o.borrow().props.iter().map(|(k, _)| k.clone()).collect()
    }
    fn own_slot(&mut self, o: &Self::Object, key: &str) -> Option<Slot<V>> {
        o.borrow().props.iter().find(|(k, _)| k == key).map(|(_, v)| Slot::Data(v.clone()))
    }
    fn constructor_name(&mut self, o: &Self::Object) -> Option<String> {
        Some(if o.borrow().array.is_some() { "Array" } else { "Object" }.into())
    }
    fn has_prototype(&mut self, _: &Self::Object) -> bool {
        true
    }
    fn error_stack(&mut self, _: &Self::Object) -> String {
        String::new()
    }
    fn to_number(&mut self, v: &V) -> f64 {
        match v {
            V::N(n) => *n,
            V::O(_) => f64::NAN,
        }
    }
}

fn object() -> Rc<RefCell<Obj>> {
    Rc::new(RefCell::new(Obj::default()))
}

fn set(o: &Rc<RefCell<Obj>>, key: &str, v: V) {
    o.borrow_mut().props.push((key.into(), v));
}

/// Breaks the test's own cycles so the test does not leak.
fn clear(objects: &[&Rc<RefCell<Obj>>]) {
    for o in objects {
        let mut o = o.borrow_mut();
        o.props.clear();
        o.array = None;
    }
}

#[test]
fn a_self_reference_is_marked_on_both_ends() {
    // const a = { n: 1 }; a.self = a;
    let a = object();
    set(&a, "n", V::N(1.0));
    set(&a, "self", V::O(a.clone()));
    assert_eq!(inspect(&mut TestHeap, &V::O(a.clone())), "<ref *1> { n: 1, self: [Circular *1] }");
    clear(&[&a]);
}

#[test]
fn two_cycles_are_numbered_in_the_order_they_are_found() {
    // const d = { p: {}, q: {} }; d.p.d = d; d.q.q = d.q;
    let (d, p, q) = (object(), object(), object());
    set(&d, "p", V::O(p.clone()));
    set(&d, "q", V::O(q.clone()));
    set(&p, "d", V::O(d.clone()));
    set(&q, "q", V::O(q.clone()));
    assert_eq!(
        inspect(&mut TestHeap, &V::O(d.clone())),
        "<ref *1> { p: { d: [Circular *1] }, q: <ref *2> { q: [Circular *2] } }"
    );
    clear(&[&d, &p, &q]);
}

#[test]
fn an_inner_cycle_found_first_inside_an_outer_one() {
    // const e = { f: { g: {} } }; e.f.g.e = e; e.f.g.f = e.f;
    let (e, f, g) = (object(), object(), object());
    set(&e, "f", V::O(f.clone()));
    set(&f, "g", V::O(g.clone()));
    set(&g, "e", V::O(e.clone()));
    set(&g, "f", V::O(f.clone()));
    assert_eq!(
        inspect(&mut TestHeap, &V::O(e.clone())),
        "<ref *1> { f: <ref *2> { g: { e: [Circular *1], f: [Circular *2] } } }"
    );
    clear(&[&e, &f, &g]);
}

#[test]
fn an_array_containing_itself() {
    // const c = [1]; c.push(c);
    let c = object();
    let items = vec![V::N(1.0), V::O(c.clone())];
    c.borrow_mut().array = Some(items);
    assert_eq!(inspect(&mut TestHeap, &V::O(c.clone())), "<ref *1> [ 1, [Circular *1] ]");
    clear(&[&c]);
}

#[test]
fn a_shared_but_acyclic_object_has_no_marker() {
    // const s = { k: 1 }; ({ a: s, b: s })
    let (s, o) = (object(), object());
    set(&s, "k", V::N(1.0));
    set(&o, "a", V::O(s.clone()));
    set(&o, "b", V::O(s.clone()));
    assert_eq!(inspect(&mut TestHeap, &V::O(o)), "{ a: { k: 1 }, b: { k: 1 } }");
}
