//! Freeing a script's heap when its run ends.
//!
//! Objects and scopes are reference-counted, and a script's heap is full of cycles: a closure
//! and the scope it captures, a constructor and its prototype, an object that refers to itself.
//! `Rc` alone never frees those, so every [`run`](crate::run) would leak its realm and whatever
//! the script built (tens of kilobytes for an empty script). Instead, every object and scope
//! made while a realm is current is registered, weakly, in that realm's [`Heap`], and emptied
//! when the run ends ([`Heap::sweep`]): properties, prototypes, array elements, generator bodies
//! and scope bindings are dropped, which breaks every cycle. Nothing runs JavaScript on the way
//! (there are no finalizers). The intrinsics `Realm::new` makes before the realm can be current
//! are swept by name (`Realm::intrinsic_objects`).
//!
//! The registry holds one `Weak` per allocation; it is compacted whenever it doubles, so a
//! long script that makes many short-lived objects keeps it within twice its live ones.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::interp::Scope;
use crate::object::{Obj, ObjData};
use crate::value::Class;

/// A realm's allocations, registered weakly (the realm's `heap`).
#[derive(Default)]
pub(crate) struct Heap {
    objects: RefCell<Vec<Weak<ObjData>>>,
    scopes: RefCell<Vec<Weak<Scope>>>,
}

/// Below this many entries the registry is not compacted.
const MIN_COMPACT: usize = 1024;

fn push<T>(list: &mut Vec<Weak<T>>, item: Weak<T>) {
    if list.len() >= MIN_COMPACT && list.len() == list.capacity() {
        list.retain(|w| w.strong_count() > 0);
        list.reserve(list.len().max(MIN_COMPACT));
    }
    list.push(item);
}

/// Registers a new object with the current realm's heap (none is current only while
/// `Realm::new` makes the intrinsics).
pub(crate) fn register_object(object: &Rc<ObjData>) {
    crate::realm::with_current_realm(|r| push(&mut r.heap.objects.borrow_mut(), Rc::downgrade(object)));
}

/// Registers a new scope with the current realm's heap.
pub(crate) fn register_scope(scope: &Rc<Scope>) {
    crate::realm::with_current_realm(|r| push(&mut r.heap.scopes.borrow_mut(), Rc::downgrade(scope)));
}

/// Empties one object: its properties, prototype, elements and generator body.
fn clear_object(object: &ObjData) {
    // Take each part out first and drop it after the borrow ends: dropping it may free other
    // objects, whose own cells are then emptied (or dropped) in turn.
    let props = std::mem::take(&mut *object.props.borrow_mut());
    let proto = object.proto.borrow_mut().take();
    let elements = match &object.class {
        Class::Array(items) => std::mem::take(&mut *items.borrow_mut()).into_iter().flatten().collect(),
        Class::Arguments(a) => a.clear().into_iter().flatten().collect(),
        _ => Vec::new(),
    };
    if let Class::Generator(g) = &object.class {
        g.clear();
    }
    drop((props, proto, elements));
}

impl Heap {
    /// The registries, moved out (the realm's own heap is left empty).
    pub(crate) fn take(&self) -> Heap {
        Heap {
            objects: RefCell::new(std::mem::take(&mut *self.objects.borrow_mut())),
            scopes: RefCell::new(std::mem::take(&mut *self.scopes.borrow_mut())),
        }
    }

    /// Empties every registered object and scope that is still alive, and `intrinsics`, which
    /// breaks every cycle among them; returns how many of them are still alive afterwards (0
    /// when nothing outside holds one: a test checks it).
    pub(crate) fn sweep(self, intrinsics: Vec<Obj>) -> usize {
        let objects = self.objects.into_inner();
        let scopes = self.scopes.into_inner();
        for object in objects.iter().filter_map(Weak::upgrade) {
            clear_object(&object);
        }
        let intrinsics: Vec<Weak<ObjData>> = intrinsics
            .into_iter()
            .map(|object| {
                clear_object(&object.0);
                Rc::downgrade(&object.0)
            })
            .collect();
        for scope in scopes.iter().filter_map(Weak::upgrade) {
            scope.clear();
        }
        objects.iter().chain(&intrinsics).filter(|w| w.strong_count() > 0).count()
            + scopes.iter().filter(|w| w.strong_count() > 0).count()
    }
}

#[cfg(test)]
thread_local! {
    /// Objects and scopes still alive after the last sweep on this thread (test
    /// instrumentation, written by `run`).
    pub(crate) static LIVE_AFTER_SWEEP: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::LIVE_AFTER_SWEEP;
    use crate::{Options, run};

    fn run_and_count_survivors(source: &str) -> usize {
        let out = Rc::new(RefCell::new(Vec::<u8>::new()));
        let code = run(
            "t.js",
            source,
            &Options { virtual_clock: true, ..Options::default() },
            out.clone(),
            out.clone(),
        );
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out.borrow()));
        LIVE_AFTER_SWEEP.with(std::cell::Cell::get)
    }

    #[test]
    fn a_run_frees_its_realm_and_the_scripts_cycles() {
        assert_eq!(run_and_count_survivors("console.log(1)"), 0);
        let cycles = "
            const o = {}; o.self = o;
            let f = () => f;
            function Ctor() {} Ctor.prototype.me = Ctor;
            const a = [1]; a.push(a);
            function* g() { yield g; } const it = g(); it.next();
            const p = new Promise((res) => setTimeout(() => res(p), 10));
            p.catch((e) => console.log(e.message, p));
            new Promise(() => {}).then(() => o);
            (async () => { await new Promise(() => {}); return f; })();
            class Sub extends Promise {}
            Sub.resolve(o).then(() => Sub.all([p])).catch(() => {});
            Sub.reject(o).catch(() => Sub.resolve(1));
            Sub.race([new Promise(() => {})]);
        ";
        assert_eq!(run_and_count_survivors(cycles), 0);
    }
}
