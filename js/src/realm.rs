//! The realm: intrinsic objects, the global object, and the per-run host state (output, event
//! listeners, exit code). One realm is current per thread while a script runs, like settle's
//! current loop; native functions and the promise glue reach it with [`realm`].

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::{Rc, Weak};

use crate::object::ObjData;
use crate::property::Symbol;
use crate::value::{Class, Func, JsValue, NativeFn, Obj};

pub use settle_host::{HostKind, Sink};

pub(crate) struct Realm {
    pub(crate) object_proto: Obj,
    pub(crate) function_proto: Obj,
    pub(crate) array_proto: Obj,
    pub(crate) string_proto: Obj,
    pub(crate) number_proto: Obj,
    pub(crate) boolean_proto: Obj,
    pub(crate) promise_proto: Obj,
    pub(crate) generator_proto: Obj,
    /// %AsyncGeneratorPrototype% (27.6.1).
    pub(crate) async_generator_proto: Obj,
    /// %AsyncIteratorPrototype% (27.1.3).
    pub(crate) async_iterator_proto: Obj,
    pub(crate) symbol_proto: Obj,
    /// %BigInt.prototype% (21.2.3).
    pub(crate) bigint_proto: Obj,
    /// %IteratorPrototype% (27.1.2).
    pub(crate) iterator_proto: Obj,
    /// %ArrayIteratorPrototype% (23.1.5.2).
    pub(crate) array_iterator_proto: Obj,
    /// %StringIteratorPrototype% (22.1.5.2).
    pub(crate) string_iterator_proto: Obj,
    /// %RegExp.prototype% (22.2.6).
    pub(crate) regexp_proto: Obj,
    /// %RegExpStringIteratorPrototype% (22.2.9.2).
    pub(crate) regexp_string_iterator_proto: Obj,
    /// %Map.prototype% and %Set.prototype% (the structured clone makes Maps and Sets).
    pub(crate) map_proto: Obj,
    pub(crate) set_proto: Obj,
    /// %Date.prototype% (the structured clone makes Dates).
    pub(crate) date_proto: Obj,
    /// %RegExp% (set by its install): RegExp ( pattern, flags ) compares `pattern.constructor`
    /// with it, and RegExpCreate constructs with it.
    pub(crate) regexp_ctor: OnceCell<Obj>,
    /// %eval%, which a call `eval(x)` must find to be a direct eval (13.3.6.1 step 6.a).
    pub(crate) intrinsic_eval: OnceCell<Obj>,
    /// %RegExp.prototype.exec%: RegExpExec on a RegExp that still has it skips the result
    /// array where no script can see it (`builtins/regexp.rs`).
    pub(crate) regexp_exec: OnceCell<Obj>,
    /// %Array.prototype.values% and %ArrayIteratorPrototype%.next, to tell when iterating an
    /// array is unobservable (`iteration.rs`).
    pub(crate) array_values: RefCell<Option<Obj>>,
    pub(crate) array_iterator_next: RefCell<Option<Obj>>,
    /// The well-known symbols (6.1.5.1), shared by every realm in the spec; one realm here.
    pub(crate) symbols: WellKnownSymbols,
    /// The GlobalSymbolRegistry (20.4.2.2's `Symbol.for`), in registration order.
    pub(crate) symbol_registry: RefCell<Vec<(Rc<str>, Symbol)>>,
    pub(crate) error_protos: RefCell<Vec<(&'static str, Obj)>>,
    pub(crate) global: Obj,
    pub(crate) host: HostKind,
    /// The run's output, `--trace` format and file name.
    pub(crate) run: settle_host::Run,
    /// The running script functions, when the trace reports them (`callstack.rs`).
    pub(crate) frames: Option<RefCell<Vec<crate::callstack::CallFrame>>>,
    /// `process.on` / `addEventListener` registrations, in order.
    pub(crate) listeners: RefCell<Vec<(String, JsValue)>>,
    /// Whether a process warning was printed, with Node's one-time `--trace-warnings` hint.
    pub(crate) warned: Cell<bool>,
    pub(crate) exit_code: Cell<i32>,
    /// The wall-clock time (ms since the epoch) at the loop clock's origin, fixed the first
    /// time `Date.now()` is asked (builtins/date.rs).
    pub(crate) date_origin: Cell<Option<f64>>,
    pub(crate) rng: Cell<u64>,
    /// Every promise object, so a promise reported by settle's rejection tracker maps back to
    /// the object the script knows.
    pub(crate) promise_objects: RefCell<Vec<Weak<ObjData>>>,
    /// The keys `"length"` and `"name"`, made once: every function object defines both
    /// (SetFunctionLength, SetFunctionName), and sharing the keys saves two allocations each.
    pub(crate) length_key: crate::ir::Name,
    /// See [`Realm::length_key`].
    pub(crate) name_key: crate::ir::Name,
    /// The keys `"value"` and `"done"`, made once: every iterator result object
    /// (CreateIteratorResultObject) has both.
    pub(crate) value_key: crate::ir::Name,
    /// See [`Realm::value_key`].
    pub(crate) done_key: crate::ir::Name,
    /// The keys `"prototype"` and `"constructor"`, made once: every ordinary `function` gets
    /// both (MakeConstructor).
    pub(crate) prototype_key: crate::ir::Name,
    /// See [`Realm::prototype_key`].
    pub(crate) constructor_key: crate::ir::Name,
    /// The empty string value (the `name` of the many anonymous built-in functions, such as
    /// the resolving functions of every promise and `Promise.all`'s element functions).
    pub(crate) empty_string: crate::jsstr::JsStr,
    /// Promise objects of a subclass (`new Sub`, `Sub.resolve`, a species `then`) that the
    /// rejection tracker may still report: kept alive so that the listener
    /// gets the same object (its prototype, its properties), as in Node, even when the script
    /// dropped it. A plain promise object needs no pin: re-wrapping gives an equal one.
    pub(crate) pinned_promises: RefCell<Vec<Obj>>,
    /// Whether Promise.prototype's `then` and `constructor` and %Promise%'s `@@species` were
    /// found to be the intrinsic ones and neither object's properties changed since: the
    /// cached part of `promise_with_intrinsic_then` (`promise.rs`), which every `await` and
    /// `Promise.resolve` of a promise asks. Both objects are watched ([`Obj::watch`]) once
    /// it is set; a change of their properties clears it.
    pub(crate) promise_lookups_intact: Cell<bool>,
    /// %Promise% and the intrinsics its native fast path compares with (set by its install).
    pub(crate) promise_intrinsics: OnceCell<crate::promise::PromiseIntrinsics>,
    /// The source offset of the code running in this realm (for error locations) while the
    /// realm is not current; while it is, the offset lives in the thread-local `CURRENT_POS`
    /// (read and written through [`Realm::pos`], [`Realm::set_pos`] and [`set_pos`]).
    saved_pos: Cell<u32>,
    /// A classic script (`Options::script`): top-level declarations are global properties.
    pub(crate) script: bool,
    /// Every object and scope made while this realm was current (freed with it, `heap.rs`).
    pub(crate) heap: crate::heap::Heap,
    /// Evaluation steps left (`Options::max_steps`); `u64::MAX` is no limit.
    pub(crate) steps_left: Cell<u64>,
    /// The global Environment Record's declarative part (a classic script's top-level `let`,
    /// `const` and `class`), which an indirect `eval` sees (`eval.rs`); set by the script.
    pub(crate) global_env: RefCell<Option<crate::interp::Env>>,
    /// %ThrowTypeError% (10.2.4.1), made when first needed.
    throw_type_error: RefCell<Option<Obj>>,
    /// In a worker: its link to the parent (`worker.rs`); `None` on the main thread.
    pub(crate) worker: Option<Rc<crate::worker::WorkerScope>>,
    /// The built-in modules `require` has returned, by name (`builtins/require.rs`).
    pub(crate) modules: RefCell<Vec<(String, JsValue)>>,
}

thread_local! {
    static REALM: RefCell<Option<Rc<Realm>>> = const { RefCell::new(None) };
    /// The current realm's source offset (`Realm::saved_pos` of the realm in `REALM`).
    static CURRENT_POS: Cell<u32> = const { Cell::new(0) };
}

/// The current realm.
///
/// # Panics
///
/// Panics when no script is running on this thread (an interpreter bug).
pub(crate) fn realm() -> Rc<Realm> {
    REALM.with(|r| r.borrow().clone()).expect("settle-js: no realm is current on this thread")
}

/// Records `pos` as the source offset of the code running now in the current realm (read by
/// error locations and stacks). Called at every evaluated name, call and operator, so the
/// offset of the current realm is a thread-local `Cell<u32>` (no destructor, so no liveness
/// check, and no `RefCell` borrow or `Rc` clone of the realm); [`RealmGuard`] moves it into
/// the realm's `saved_pos` when the realm stops being current and back when it is entered.
#[inline]
pub(crate) fn set_pos(pos: u32) {
    CURRENT_POS.with(|p| p.set(pos));
}

impl Realm {
    /// Whether this realm is the thread's current one (its offset is `CURRENT_POS`).
    fn is_current(&self) -> bool {
        REALM.with(|r| r.try_borrow().is_ok_and(|r| r.as_ref().is_some_and(|r| std::ptr::eq(&**r, self))))
    }

    /// The source offset of the code running (or last run) in this realm.
    pub(crate) fn pos(&self) -> u32 {
        if self.is_current() { CURRENT_POS.with(Cell::get) } else { self.saved_pos.get() }
    }

    /// Sets the source offset of the code running in this realm.
    pub(crate) fn set_pos(&self, pos: u32) {
        if self.is_current() { CURRENT_POS.with(|p| p.set(pos)) } else { self.saved_pos.set(pos) }
    }
}

/// Whether the current realm's run tracks the call stack (a JSON or HTML trace): asked at
/// every call, so it reads the thread-local without cloning the realm.
pub(crate) fn tracks_frames() -> bool {
    REALM.with(|r| r.borrow().as_ref().is_some_and(|r| r.frames.is_some()))
}

/// The current realm, if a script is running on this thread.
pub(crate) fn try_realm() -> Option<Rc<Realm>> {
    REALM.with(|r| r.borrow().clone())
}

/// Whether the process "died" (an uncaught error under Node, the step limit): the loop was
/// halted ([`settle_runtime::Handle::halt`]), so nothing more runs, and what the callback that
/// died still does (a `catch` block, a report) prints nothing.
pub(crate) fn is_halted() -> bool {
    settle_runtime::Handle::try_current().is_ok_and(|h| h.is_halted())
}

/// The host context settle-js runs its loop with (`EventLoop::run_with`): every task, timer,
/// immediate, microtask, `nextTick` callback and rejection report it queues is lent this, and
/// runs in its realm.
pub(crate) struct JsHost {
    pub(crate) realm: Rc<Realm>,
}

/// Calls `f` with the current realm, if any, without cloning it (allocation registers here).
///
/// Nothing happens while the realm is being replaced or the thread is ending: an object
/// dropped then (`heap::unregister_object`) has no registry to leave.
pub(crate) fn with_current_realm(f: impl FnOnce(&Realm)) {
    let _ = REALM.try_with(|r| {
        if let Ok(current) = r.try_borrow()
            && let Some(realm) = current.as_ref()
        {
            f(realm);
        }
    });
}

/// Makes `realm` current until the guard drops.
pub(crate) struct RealmGuard(Option<Rc<Realm>>);

impl RealmGuard {
    pub(crate) fn enter(realm: Rc<Realm>) -> RealmGuard {
        RealmGuard(switch_to(Some(realm)))
    }
}

impl Drop for RealmGuard {
    fn drop(&mut self) {
        let current = switch_to(self.0.take());
        drop(current);
    }
}

/// Makes `realm` the current one and returns the one it replaces: the realm left keeps the
/// offset `CURRENT_POS` held, and then the realm entered brings its own (in this order, so
/// entering the realm that is already current keeps its offset).
fn switch_to(realm: Option<Rc<Realm>>) -> Option<Rc<Realm>> {
    let left_at = CURRENT_POS.with(Cell::get);
    // One access of `REALM` (each checks the thread-local's destructor state).
    let (left, pos) = REALM.with(|r| {
        let mut current = r.borrow_mut();
        let left = std::mem::replace(&mut *current, realm);
        if let Some(left) = &left {
            left.saved_pos.set(left_at);
        }
        (left, current.as_ref().map_or(0, |r| r.saved_pos.get()))
    });
    CURRENT_POS.with(|p| p.set(pos));
    left
}

/// The well-known symbols of ECMA-262's Table 1 that settle-js uses.
pub(crate) struct WellKnownSymbols {
    pub(crate) async_iterator: Symbol,
    pub(crate) has_instance: Symbol,
    pub(crate) is_concat_spreadable: Symbol,
    pub(crate) iterator: Symbol,
    pub(crate) r#match: Symbol,
    pub(crate) match_all: Symbol,
    pub(crate) replace: Symbol,
    pub(crate) search: Symbol,
    pub(crate) species: Symbol,
    pub(crate) split: Symbol,
    pub(crate) to_primitive: Symbol,
    pub(crate) to_string_tag: Symbol,
    pub(crate) unscopables: Symbol,
}

impl WellKnownSymbols {
    fn new() -> WellKnownSymbols {
        let s = |d: &str| Symbol::new(Some(d.into()));
        WellKnownSymbols {
            async_iterator: s("Symbol.asyncIterator"),
            has_instance: s("Symbol.hasInstance"),
            is_concat_spreadable: s("Symbol.isConcatSpreadable"),
            iterator: s("Symbol.iterator"),
            r#match: s("Symbol.match"),
            match_all: s("Symbol.matchAll"),
            replace: s("Symbol.replace"),
            search: s("Symbol.search"),
            species: s("Symbol.species"),
            split: s("Symbol.split"),
            to_primitive: s("Symbol.toPrimitive"),
            to_string_tag: s("Symbol.toStringTag"),
            unscopables: s("Symbol.unscopables"),
        }
    }

    /// The ones `Symbol` exposes, with their property names.
    pub(crate) fn all(&self) -> [(&'static str, &Symbol); 13] {
        [
            ("asyncIterator", &self.async_iterator),
            ("hasInstance", &self.has_instance),
            ("isConcatSpreadable", &self.is_concat_spreadable),
            ("iterator", &self.iterator),
            ("match", &self.r#match),
            ("matchAll", &self.match_all),
            ("replace", &self.replace),
            ("search", &self.search),
            ("species", &self.species),
            ("split", &self.split),
            ("toPrimitive", &self.to_primitive),
            ("toStringTag", &self.to_string_tag),
            ("unscopables", &self.unscopables),
        ]
    }
}

pub(crate) struct RealmConfig {
    pub(crate) run: settle_host::Run,
    pub(crate) seed: u64,
    pub(crate) script: bool,
    pub(crate) max_steps: Option<u64>,
    pub(crate) worker: Option<Rc<crate::worker::WorkerScope>>,
}

impl Realm {
    pub(crate) fn new(config: RealmConfig) -> Rc<Realm> {
        let object_proto = Obj::new(Class::Object, None);
        let proto = || Some(object_proto.clone());
        let noop: NativeFn = Rc::new(|_, _, _| Ok(JsValue::Undefined));
        let function_proto = Obj::new(
            Class::Function(Func::Native { name: "".into(), length: 0, f: noop, ctor: false }),
            proto(),
        );
        Rc::new(Realm {
            array_proto: Obj::new(Class::Array(RefCell::new(Vec::new())), proto()),
            string_proto: Obj::new(Class::Object, proto()),
            number_proto: Obj::new(Class::Object, proto()),
            boolean_proto: Obj::new(Class::Object, proto()),
            promise_proto: Obj::new(Class::Object, proto()),
            generator_proto: Obj::new(Class::Object, proto()),
            async_generator_proto: Obj::new(Class::Object, proto()),
            async_iterator_proto: Obj::new(Class::Object, proto()),
            symbol_proto: Obj::new(Class::Object, proto()),
            bigint_proto: Obj::new(Class::Object, proto()),
            iterator_proto: Obj::new(Class::Object, proto()),
            array_iterator_proto: Obj::new(Class::Object, proto()),
            string_iterator_proto: Obj::new(Class::Object, proto()),
            regexp_proto: Obj::new(Class::Object, proto()),
            regexp_string_iterator_proto: Obj::new(Class::Object, proto()),
            map_proto: Obj::new(Class::Object, proto()),
            set_proto: Obj::new(Class::Object, proto()),
            date_proto: Obj::new(Class::Object, proto()),
            regexp_ctor: OnceCell::new(),
            intrinsic_eval: OnceCell::new(),
            regexp_exec: OnceCell::new(),
            array_values: RefCell::new(None),
            array_iterator_next: RefCell::new(None),
            symbols: WellKnownSymbols::new(),
            symbol_registry: RefCell::new(Vec::new()),
            error_protos: RefCell::new(Vec::new()),
            global: Obj::new(Class::Object, proto()),
            function_proto,
            object_proto,
            host: config.run.host,
            frames: config.run.trace.is_some_and(|t| t.reports_places()).then(|| RefCell::new(Vec::new())),
            run: config.run,
            listeners: RefCell::new(Vec::new()),
            exit_code: Cell::new(0),
            date_origin: Cell::new(None),
            rng: Cell::new(config.seed | 1),
            promise_objects: RefCell::new(Vec::new()),
            length_key: "length".into(),
            value_key: "value".into(),
            done_key: "done".into(),
            prototype_key: "prototype".into(),
            constructor_key: "constructor".into(),
            name_key: "name".into(),
            empty_string: crate::jsstr::JsStr::from(""),
            promise_intrinsics: OnceCell::new(),
            pinned_promises: RefCell::new(Vec::new()),
            promise_lookups_intact: Cell::new(false),
            warned: Cell::new(false),
            saved_pos: Cell::new(0),
            script: config.script,
            // A worker counts its steps down to look at its interrupt flag now and then.
            steps_left: Cell::new(match (config.max_steps, &config.worker) {
                (Some(n), _) => n,
                (None, Some(_)) => crate::worker::INTERRUPT_STEPS,
                (None, None) => u64::MAX,
            }),
            heap: crate::heap::Heap::default(),
            global_env: RefCell::new(None),
            throw_type_error: RefCell::new(None),
            worker: config.worker,
            modules: RefCell::new(Vec::new()),
        })
    }

    /// The objects `Realm::new` makes before the realm can be current, so unregistered in its
    /// heap: swept by name when the run ends.
    pub(crate) fn intrinsic_objects(&self) -> Vec<Obj> {
        [
            &self.object_proto,
            &self.function_proto,
            &self.array_proto,
            &self.string_proto,
            &self.number_proto,
            &self.boolean_proto,
            &self.bigint_proto,
            &self.promise_proto,
            &self.generator_proto,
            &self.async_generator_proto,
            &self.async_iterator_proto,
            &self.symbol_proto,
            &self.iterator_proto,
            &self.array_iterator_proto,
            &self.string_iterator_proto,
            &self.regexp_proto,
            &self.regexp_string_iterator_proto,
            &self.map_proto,
            &self.set_proto,
            &self.date_proto,
            &self.global,
        ]
        .into_iter()
        .cloned()
        .collect()
    }

    /// %ThrowTypeError% (10.2.4.1): one function object per realm, which throws a TypeError;
    /// its `length` is 0 and neither it nor its properties can change (steps 5-7).
    pub(crate) fn throw_type_error(&self) -> Obj {
        if let Some(f) = self.throw_type_error.borrow().clone() {
            return f;
        }
        let f = self.native("", 0, |_, _, _| {
            Err(realm().error(
                "TypeError",
                "'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them",
            ))
        });
        f.define_with("length", JsValue::Number(0.0), false, false, false);
        f.define_with("name", JsValue::from(""), false, false, false);
        f.prevent_extensions();
        *self.throw_type_error.borrow_mut() = Some(f.clone());
        f
    }

    /// Spends one evaluation step (a loop iteration or a call). Once the budget is spent, the
    /// run is stopped like a killed process: nothing more is printed, the event loop fails,
    /// and every later step throws again, so `catch` blocks cannot resume the script.
    ///
    /// # Errors
    ///
    /// The budget is spent: an error the caller propagates.
    #[inline]
    pub(crate) fn step(&self) -> Result<(), JsValue> {
        let left = self.steps_left.get();
        if left == u64::MAX {
            return Ok(());
        }
        if left > 0 {
            self.steps_left.set(left - 1);
            return Ok(());
        }
        self.budget_spent()
    }

    /// [`Realm::step`] once the budget is spent: a worker's interrupt check, or the error.
    #[cold]
    #[inline(never)]
    fn budget_spent(&self) -> Result<(), JsValue> {
        if self.worker.is_some() {
            // A worker's budget is its interrupt check (`worker.rs`): terminated, it stops as
            // a killed process does; else it goes on.
            if !crate::worker::interrupted() {
                self.steps_left.set(crate::worker::INTERRUPT_STEPS);
                return Ok(());
            }
            return Err(self.error("RangeError", "the worker was terminated"));
        }
        if !is_halted() {
            let _ = writeln!(self.run.stderr.borrow_mut(), "settle-js: the step limit was reached");
            if let Ok(handle) = settle_runtime::Handle::try_current() {
                handle.halt(settle_runtime::Uncaught::new(
                    settle_runtime::UncaughtKind::Exception,
                    "the step limit was reached".to_string(),
                    handle.origin(),
                ));
            }
        }
        Err(self.error("RangeError", "the step limit was reached"))
    }

    /// Whether the run was stopped by its step budget.
    pub(crate) fn steps_exhausted(&self) -> bool {
        self.steps_left.get() == 0
    }

    /// A watched object's properties are about to change (`Obj::watch`): the checks cached
    /// on them are to be made again.
    pub(crate) fn watched_object_changed(&self) {
        self.promise_lookups_intact.set(false);
    }

    /// A native function object.
    pub(crate) fn native(
        &self,
        name: &str,
        length: usize,
        f: impl Fn(&JsValue, &[JsValue], bool) -> Result<JsValue, JsValue> + 'static,
    ) -> Obj {
        self.native_function(name, length, Rc::new(f), false)
    }

    /// A native constructor (callable with `new`).
    pub(crate) fn native_ctor(
        &self,
        name: &str,
        length: usize,
        f: impl Fn(&JsValue, &[JsValue], bool) -> Result<JsValue, JsValue> + 'static,
    ) -> Obj {
        self.native_function(name, length, Rc::new(f), true)
    }

    fn native_function(&self, name: &str, length: usize, f: NativeFn, ctor: bool) -> Obj {
        // CreateBuiltinFunction (10.3.4): `length`, then `name`, both { [[Writable]]: false,
        // [[Enumerable]]: false, [[Configurable]]: true }, implied by the slots until used
        // (`Obj::new_function`).
        let name = if name.is_empty() { self.empty_string.clone() } else { crate::jsstr::JsStr::from(name) };
        let length = u32::try_from(length).unwrap_or(u32::MAX);
        Obj::new_function(Func::Native { name, length, f, ctor }, self.function_proto.clone())
    }

    /// Defines a non-enumerable method on `obj`.
    pub(crate) fn method(
        &self,
        obj: &Obj,
        name: &str,
        length: usize,
        f: impl Fn(&JsValue, &[JsValue], bool) -> Result<JsValue, JsValue> + 'static,
    ) {
        obj.define(name, JsValue::Object(self.native(name, length, f)), false);
    }

    pub(crate) fn new_object(&self) -> Obj {
        Obj::new(Class::Object, Some(self.object_proto.clone()))
    }

    pub(crate) fn new_array(&self, items: Vec<JsValue>) -> JsValue {
        let items = items.into_iter().map(Some).collect();
        JsValue::Object(Obj::new(Class::Array(RefCell::new(items)), Some(self.array_proto.clone())))
    }

    pub(crate) fn error_proto(&self, kind: &str) -> Obj {
        let protos = self.error_protos.borrow();
        protos
            .iter()
            .find(|(k, _)| *k == kind)
            .or_else(|| protos.first())
            .map(|(_, p)| p.clone())
            .expect("Error.prototype")
    }

    /// A new error object of a built-in kind (`"TypeError"`, ...), created "here".
    pub(crate) fn error(&self, kind: &str, message: &str) -> JsValue {
        let obj = self.make_error(self.error_proto(kind), Some(message.into()));
        JsValue::Object(obj)
    }

    /// An error object with `proto`, recording the current position.
    pub(crate) fn make_error(&self, proto: Obj, message: Option<JsValue>) -> Obj {
        let obj = Obj::new(Class::Error(Some(self.pos())), Some(proto));
        if let Some(message) = message {
            obj.define("message", message, false);
        }
        obj
    }

    /// `file:line:column` of a source offset.
    pub(crate) fn location(&self, offset: u32) -> String {
        let (line, col) = crate::lower::line_col(&self.run.source, offset);
        format!("{}:{line}:{col}", self.run.file)
    }

    /// The next `Math.random()` value: xorshift64*, seeded per run.
    pub(crate) fn random(&self) -> f64 {
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        let r = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (r >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn write_out(&self, text: &str, stderr: bool) {
        if is_halted() {
            return;
        }
        self.run.write(text, stderr);
    }

    pub(crate) fn listeners(&self, event: &str) -> Vec<JsValue> {
        self.listeners.borrow().iter().filter(|(e, _)| e == event).map(|(_, f)| f.clone()).collect()
    }
}
