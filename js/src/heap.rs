//! Freeing a script's heap when its run ends.
//!
//! Objects and scopes are reference-counted, and a script's heap is full of cycles: a closure
//! and the scope it captures, a constructor and its prototype, an object that refers to itself.
//! `Rc` alone never frees those, so every [`run`](crate::run) would leak its realm and whatever
//! the script built (tens of kilobytes for an empty script). Instead, every object and scope
//! made during a run is registered here, weakly, and emptied when the run ends: properties,
//! prototypes, array elements, generator bodies and scope bindings are dropped, which breaks
//! every cycle. Nothing runs JavaScript on the way (there are no finalizers).
//!
//! The registry holds one `Weak` per allocation; it is compacted whenever it doubles, so a
//! long script that makes many short-lived objects keeps it within twice its live ones.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::interp::Scope;
use crate::object::ObjData;
use crate::value::Class;

#[derive(Default)]
struct Heap {
    objects: Vec<Weak<ObjData>>,
    scopes: Vec<Weak<Scope>>,
}

thread_local! {
    static HEAP: RefCell<Heap> = RefCell::new(Heap::default());
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

/// Registers a new object.
pub(crate) fn register_object(object: &Rc<ObjData>) {
    HEAP.with(|h| push(&mut h.borrow_mut().objects, Rc::downgrade(object)));
}

/// Registers a new scope.
pub(crate) fn register_scope(scope: &Rc<Scope>) {
    HEAP.with(|h| push(&mut h.borrow_mut().scopes, Rc::downgrade(scope)));
}

/// A run's heap: objects and scopes made while the guard lives are emptied when it drops (and
/// the registry of an enclosing run, if any, is restored).
pub(crate) struct HeapGuard(Option<Heap>);

impl HeapGuard {
    pub(crate) fn enter() -> HeapGuard {
        HeapGuard(Some(HEAP.with(|h| std::mem::take(&mut *h.borrow_mut()))))
    }
}

impl Drop for HeapGuard {
    fn drop(&mut self) {
        let outer = self.0.take().unwrap_or_default();
        let heap = HEAP.with(|h| std::mem::replace(&mut *h.borrow_mut(), outer));
        // Take each part out first and drop it after the borrow ends: dropping it may free
        // other objects, whose own cells are then emptied (or dropped) in turn.
        for object in heap.objects.iter().filter_map(Weak::upgrade) {
            let props = std::mem::take(&mut *object.props.borrow_mut());
            let proto = object.proto.borrow_mut().take();
            let elements = match &object.class {
                Class::Array(items) => {
                    std::mem::take(&mut *items.borrow_mut()).into_iter().flatten().collect()
                }
                Class::Arguments(a) => a.clear().into_iter().flatten().collect(),
                _ => Vec::new(),
            };
            if let Class::Generator(g) = &object.class {
                g.clear();
            }
            drop((props, proto, elements));
        }
        for scope in heap.scopes.iter().filter_map(Weak::upgrade) {
            scope.clear();
        }
        #[cfg(test)]
        LIVE_AFTER_SWEEP.with(|l| {
            l.set(
                heap.objects.iter().filter(|w| w.strong_count() > 0).count()
                    + heap.scopes.iter().filter(|w| w.strong_count() > 0).count(),
            );
        });
    }
}

#[cfg(test)]
thread_local! {
    /// Objects and scopes still alive after the last sweep on this thread.
    static LIVE_AFTER_SWEEP: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
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
        ";
        assert_eq!(run_and_count_survivors(cycles), 0);
    }
}
