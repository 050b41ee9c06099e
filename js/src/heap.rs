//! Freeing a script's heap when its run ends.
//!
//! Objects and scopes are reference-counted, and a script's heap is full of cycles: a closure
//! and the scope it captures, a constructor and its prototype, an object that refers to itself.
//! `Rc` alone never frees those, so every [`run`](crate::run) would leak its realm and whatever
//! the script built (tens of kilobytes for an empty script). Instead, every object and scope
//! made while a realm is current that may be part of a cycle is registered, weakly, in that
//! realm's [`Heap`] (every object, but a promise or function object only once it has an own
//! property or a prototype of the script's: `Obj::registered`; a scope once something in the
//! heap holds it: [`register_scope`]), and emptied
//! when the run ends ([`Heap::sweep`]): properties, prototypes, array elements, generator bodies
//! and scope bindings are dropped, which breaks every cycle. Nothing runs JavaScript on the way
//! (there are no finalizers). The intrinsics `Realm::new` makes before the realm can be current
//! are swept by name (`Realm::intrinsic_objects`).
//!
//! The registry holds one `Weak` per live allocation, in a slot the object (or scope) keeps the
//! index of: its destructor empties the slot ([`unregister_object`]), which frees the
//! allocation at once (a `Weak` left behind would keep the dead object's memory, 128 bytes,
//! until the registry was next compacted), and the next registration reuses the slot. So a
//! script that makes many short-lived objects (the resolving functions of every
//! `new Promise`) keeps neither their memory nor registry entries. An object dropped while
//! another realm is current keeps its slot until the registry is full, when dead slots are
//! collected for reuse.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::interp::Scope;
use crate::object::{Obj, ObjData};
use crate::value::Class;

/// A realm's allocations, registered weakly (the realm's `heap`).
#[derive(Default)]
pub(crate) struct Heap {
    objects: RefCell<Registry<ObjData>>,
    scopes: RefCell<Registry<Scope>>,
}

/// Weak references in slots, with the indices of the empty ones.
struct Registry<T> {
    slots: Vec<Weak<T>>,
    free: Vec<u32>,
}

impl<T> Default for Registry<T> {
    fn default() -> Registry<T> {
        Registry { slots: Vec::new(), free: Vec::new() }
    }
}

/// The slot index of an allocation no registry holds (the intrinsics, made before their
/// realm is current).
pub(crate) const UNREGISTERED: u32 = u32::MAX;

/// The slot index of a scope not registered *yet*: one that nothing but the running call can
/// hold until a closure captures it (see [`register_scope`]); registered then. Also of an
/// object not registered yet (`Obj::registered`).
pub(crate) const NOT_YET: u32 = u32::MAX - 1;

/// Below this many slots the registry does not look for dead ones before growing.
const MIN_COLLECT: usize = 1024;

impl<T> Registry<T> {
    fn push(&mut self, item: Weak<T>) -> u32 {
        if self.free.is_empty()
            && self.slots.len() >= MIN_COLLECT
            && self.slots.len() == self.slots.capacity()
        {
            self.collect_dead();
            // Few found: grow anyway, or every push would scan the whole registry again.
            if self.free.len() < self.slots.len() / 4 {
                self.slots.reserve(self.slots.len());
            }
        }
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = item;
            return i;
        }
        match u32::try_from(self.slots.len()) {
            Ok(i) if i < NOT_YET => {
                self.slots.push(item);
                i
            }
            // 2^32 - 1 live registrations: the rest are not swept (they can only leak).
            _ => UNREGISTERED,
        }
    }

    /// Empties the slots of allocations that died without leaving (dropped while another
    /// realm was current), for reuse.
    fn collect_dead(&mut self) {
        let empty = Weak::new();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if slot.strong_count() == 0 && !slot.ptr_eq(&empty) {
                *slot = Weak::new();
                self.free.push(i as u32);
            }
        }
    }

    /// Empties slot `index` if it holds `ptr` (the allocation being dropped).
    fn leave(&mut self, index: u32, ptr: *const T) {
        if let Some(slot) = self.slots.get_mut(index as usize)
            && std::ptr::eq(slot.as_ptr(), ptr)
        {
            *slot = Weak::new();
            self.free.push(index);
        }
    }

    fn live(self) -> impl Iterator<Item = Weak<T>> {
        self.slots.into_iter().filter(|w| w.strong_count() > 0)
    }
}

/// Registers a new object with the current realm's heap (none is current only while
/// `Realm::new` makes the intrinsics); returns its slot index.
pub(crate) fn register_object(object: &Rc<ObjData>) -> u32 {
    let mut index = UNREGISTERED;
    crate::realm::with_current_realm(|r| {
        if let Ok(mut objects) = r.heap.objects.try_borrow_mut() {
            index = objects.push(Rc::downgrade(object));
        }
    });
    index
}

/// Registers a scope with the current realm's heap; returns its slot index.
///
/// A scope is registered when it may become part of a cycle, which needs something in the
/// heap that holds it: a closure (its `env`, and so every scope up the chain), a generator
/// object or an async function's task (their bodies' scopes), a mapped arguments object.
/// The scopes of a call of a plain function (one that runs on the synchronous evaluator),
/// and the blocks inside it, are held by nothing but the running call until a closure
/// captures them, so they start [`NOT_YET`] registered and `Scope::capture` registers the
/// chain when a closure (or a class constructor, or a mapped arguments object) is made over
/// it: a cycle through such a scope always goes through that capture. A scope that no
/// closure ever captures dies with its call and never touches the registry (a promise
/// handler's call, most of them).
pub(crate) fn register_scope(scope: &Rc<Scope>) -> u32 {
    let mut index = UNREGISTERED;
    crate::realm::with_current_realm(|r| {
        if let Ok(mut scopes) = r.heap.scopes.try_borrow_mut() {
            index = scopes.push(Rc::downgrade(scope));
        }
    });
    index
}

/// Called by an object's destructor: empties its slot, so its allocation is freed now.
pub(crate) fn unregister_object(index: u32, object: &ObjData) {
    if index >= NOT_YET {
        return;
    }
    crate::realm::with_current_realm(|r| {
        if let Ok(mut objects) = r.heap.objects.try_borrow_mut() {
            objects.leave(index, object);
        }
    });
}

/// Called by a scope's destructor: empties its slot.
pub(crate) fn unregister_scope(index: u32, scope: &Scope) {
    if index >= NOT_YET {
        return;
    }
    crate::realm::with_current_realm(|r| {
        if let Ok(mut scopes) = r.heap.scopes.try_borrow_mut() {
            scopes.leave(index, scope);
        }
    });
}

/// Empties one object: its properties, prototype, elements and generator body.
fn clear_object(object: &ObjData) {
    // Take each part out first and drop it after the borrow ends: dropping it may free other
    // objects, whose own cells are then emptied (or dropped) in turn.
    let props = std::mem::take(&mut *object.props.borrow_mut());
    let proto = object.proto.borrow_mut().take();
    let elements: Vec<crate::value::JsValue> = match &object.class {
        Class::Array(items) => std::mem::take(&mut *items.borrow_mut()).into_iter().flatten().collect(),
        Class::Arguments(a) => a.clear().into_iter().flatten().collect(),
        // A Map or Set may hold itself; a weak collection's values may hold their keys.
        Class::Map(data) | Class::Set(data) => {
            data.borrow_mut().clear().into_iter().flat_map(|(k, v)| [k, v]).collect()
        }
        Class::WeakMap(data) | Class::WeakSet(data) => data.borrow_mut().take_values(),
        Class::CollectionIterator(state) => {
            state.borrow_mut().collection.take().map(crate::value::JsValue::Object).into_iter().collect()
        }
        _ => Vec::new(),
    };
    if let Class::Generator(g) = &object.class {
        g.clear();
    }
    // A matchAll iterator holds its RegExp, which may hold the iterator.
    let regexp = match &object.class {
        Class::RegExpStringIterator(state) => state.borrow_mut().regexp.take(),
        _ => None,
    };
    drop((props, proto, elements, regexp));
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
        #[cfg(test)]
        SLOTS_AT_SWEEP.with(|c| c.set(self.slots()));
        let objects: Vec<Weak<ObjData>> = self.objects.into_inner().live().collect();
        let scopes: Vec<Weak<Scope>> = self.scopes.into_inner().live().collect();
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

    /// How many slots each registry has, and how many of them are empty (for tests).
    #[cfg(test)]
    pub(crate) fn slots(&self) -> ((usize, usize), (usize, usize)) {
        let (o, s) = (self.objects.borrow(), self.scopes.borrow());
        ((o.slots.len(), o.free.len()), (s.slots.len(), s.free.len()))
    }
}

#[cfg(test)]
thread_local! {
    /// Objects and scopes still alive after the last sweep on this thread (test
    /// instrumentation, written by `run`).
    pub(crate) static LIVE_AFTER_SWEEP: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
    /// The registries' slots (used, free) when the last sweep on this thread began.
    static SLOTS_AT_SWEEP: std::cell::Cell<((usize, usize), (usize, usize))> =
        const { std::cell::Cell::new(((0, 0), (0, 0))) };
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::{LIVE_AFTER_SWEEP, SLOTS_AT_SWEEP};
    use crate::object::LIVE_OBJECTS;
    use crate::{Options, run};

    /// Runs `source` and answers how many registered objects and scopes are still alive
    /// after the sweep; also checks that no object at all (registered or not) outlives it.
    fn run_and_count_survivors(source: &str) -> usize {
        let objects_before = LIVE_OBJECTS.with(std::cell::Cell::get);
        let out = Rc::new(RefCell::new(Vec::<u8>::new()));
        let code = run(
            "t.js",
            source,
            &Options { virtual_clock: true, ..Options::default() },
            out.clone(),
            out.clone(),
        );
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out.borrow()));
        let objects_after = LIVE_OBJECTS.with(std::cell::Cell::get);
        assert_eq!(objects_after, objects_before, "objects outlived the run");
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
            const m = new Map([[m => m, o]]); m.set('me', m); const mi = m.entries(); m.set(mi, mi);
            const s = new Set(); s.add(s); const si = s.values(); si.next(); s.add(si);
            const wk = {}; const wm = new WeakMap([[wk, wk]]); wk.map = wm; o.wm = wm;
            const ws = new WeakSet([o]); o.ws = ws;
        ";
        assert_eq!(run_and_count_survivors(cycles), 0);
    }

    #[test]
    fn scopes_registered_when_captured_are_swept() {
        // Each cycle runs through the scope of a plain function's call (or a block in it),
        // registered only when the closure, class or arguments object is made over it.
        let cycles = "
            function decl() { function g() { return g; } return g; }
            const a = decl();
            function block(x) { if (x) { let o = {}; o.f = () => o; return o.f; } }
            const b = block(1);
            function loop() { const fs = []; for (let i = 0; i < 3; i++) fs.push(() => [i, fs]); return fs; }
            const c = loop();
            function klass() { class K { m() { return K; } } return K; }
            const d = klass();
            function sloppy(p) { var keep = arguments; return () => keep; }
            const e = sloppy(1);
            function evals() { eval('var h = function () { return h; }'); return h; }
            const f = evals();
            function nested() { return (() => { let q = () => q; return q; })(); }
            const g = nested();
            function gen() { function* it() { yield it; } const i = it(); i.next(); return i; }
            const h = gen();
            function plain(n) { let s = 0; for (let i = 0; i < n; i++) { s += i; } return s; }
            plain(10);
            console.log(typeof a, typeof b, c.length, typeof d, typeof e, typeof f, typeof g, typeof h);
        ";
        assert_eq!(run_and_count_survivors(cycles), 0);
    }

    #[test]
    fn short_lived_objects_and_scopes_leave_the_registry() {
        // Each iteration makes a closure, its scope, a promise and two resolving functions
        // that die at once: their slots are reused, so the registries end the same size
        // whether the loop ran 10 times or 20 000.
        let script = |n: u32| format!("for (let i = 0; i < {n}; i++) {{ new Promise(() => {{}}); }}");
        assert_eq!(run_and_count_survivors(&script(10)), 0);
        let small = SLOTS_AT_SWEEP.with(std::cell::Cell::get);
        assert_eq!(run_and_count_survivors(&script(20_000)), 0);
        let large = SLOTS_AT_SWEEP.with(std::cell::Cell::get);
        assert_eq!(small.0.0, large.0.0, "object slots");
        assert_eq!(small.1.0, large.1.0, "scope slots");
        // Live objects with properties keep theirs: 20 000 such promises in an array held
        // 20 000 slots at once.
        let kept = "const a = []; for (let i = 0; i < 20000; i++) { const p = new Promise(() => {}); p.i = i; a.push(p); }";
        assert_eq!(run_and_count_survivors(kept), 0);
        let ((used, _), _) = SLOTS_AT_SWEEP.with(std::cell::Cell::get);
        assert!(used >= 20_000 && used < small.0.0 + 20_100, "{used} slots");
        // Without properties (nor a prototype of the script's) they hold none.
        let bare = "const a = []; for (let i = 0; i < 20000; i++) a.push(new Promise(() => {}), () => i);";
        assert_eq!(run_and_count_survivors(bare), 0);
        let ((used, _), _) = SLOTS_AT_SWEEP.with(std::cell::Cell::get);
        assert!(used < small.0.0 + 100, "{used} slots");
    }

    #[test]
    fn objects_registered_late_are_swept() {
        // Each cycle runs through a promise or function object, registered with the heap
        // only when it gets a property or a prototype of the script's, or through the
        // internal slots of one that never is (its state, a closure's scope).
        let cycles = "
            const p = Promise.resolve(); p.self = p;
            const f = () => {}; f.me = f;
            const g = () => {}; Object.defineProperty(g, 'me', { value: g });
            const x = {}; const q = Promise.resolve(); Object.setPrototypeOf(q, x); x.q = q;
            const y = {}; const h = function () {}; Object.setPrototypeOf(h, y); y.h = h;
            const r = new Promise(() => {}); r.then(() => r);
            let resolve; const s = new Promise((res) => { resolve = res; }); s.then(() => resolve);
            const t = new Promise((res) => res(() => t));
            const u = Promise.resolve(1).then(() => [u]);
            function outer() { const v = new Promise(() => {}); v.then(() => v); return v; }
            outer();
            const w = Promise.resolve(); w[Symbol.iterator] = () => w;
            const k = () => {}; k.name; Object.keys(k); const kk = { k }; k.kk = kk;
        ";
        assert_eq!(run_and_count_survivors(cycles), 0);
    }
}
