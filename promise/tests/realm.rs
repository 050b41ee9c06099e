//! The engine-level Promise algorithms (`settle_promise::realm`) on a small model engine
//! (`realm/model.rs`), checked by the exact order of the observable operations: every Get,
//! Call and Construct on a named object is logged, and each test asserts the whole log.

#[path = "realm/model.rs"]
mod model;

use model::{Key, Kind, Model, ModelPromise, Val};
use settle_promise::realm::{self, Realm};
use settle_promise::{RejectionPolicy, set_rejection_policy};
use settle_runtime::EventLoop;

/// Runs `f` inside a loop turn, then the loop to completion; returns how many rejections
/// were reported as unhandled (counted, not printed).
fn run(f: impl FnOnce()) -> usize {
    let el = EventLoop::new();
    let reported = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = reported.clone();
    set_rejection_policy(
        &el,
        RejectionPolicy::Callback(std::rc::Rc::new(move |_| counter.set(counter.get() + 1))),
    );
    {
        let _g = el.enter();
        f();
    }
    el.run().unwrap();
    reported.get()
}

fn undefined() -> Val {
    Val::Undefined
}

/// A named promise object with prototype `proto`, pending, and its resolving functions.
fn named_promise(
    m: &Model,
    name: &str,
    proto: model::Obj,
) -> (Val, settle_promise::Resolvers<Val, Val, model::ModelThenables>) {
    let (promise, resolvers) = ModelPromise::with_resolvers();
    (Val::Obj(m.object_with(name, Some(proto), Kind::Promise(promise))), resolvers)
}

/// A constructor `C` that logs, and whose executor gets two logging functions `C.resolve`
/// and `C.reject`; what they receive is logged too.
fn foreign_constructor(m: &Model) -> Val {
    m.constructor("C", |m, _, args| {
        let executor = args[0].clone();
        let resolve = m.function("C.resolveFn", |m, _, args| {
            m.note(format!("resolved with {:?}", args[0]));
            Ok(Val::Undefined)
        });
        let reject = m.function("C.rejectFn", |m, _, args| {
            m.note(format!("rejected with {:?}", args[0]));
            Ok(Val::Undefined)
        });
        m.call(&executor, &Val::Undefined, &[resolve, reject])?;
        Ok(Val::Obj(m.object("c")))
    })
}

#[test]
fn a_foreign_constructors_capability_receives_its_own_functions() {
    let m = Model::new();
    run(|| {
        let c = foreign_constructor(&m);
        let p = realm::promise_reject(&m, &c, Val::str("why")).unwrap();
        assert!(matches!(&p, Val::Obj(o) if o.0.name == "c"), "the promise is what C constructed");
        assert_eq!(m.take_log(), ["construct C", "call C.rejectFn", "rejected with why"]);
        let p = realm::promise_resolve_method(&m, &c, Val::Num(1.0)).unwrap();
        assert!(matches!(&p, Val::Obj(o) if o.0.name == "c"));
        assert_eq!(m.take_log(), ["construct C", "call C.resolveFn", "resolved with 1"]);
    });
}

#[test]
fn new_promise_capability_throws_the_specified_type_errors() {
    let m = Model::new();
    run(|| {
        // Step 1: not a constructor.
        let plain = m.function("f", |_, _, _| Ok(Val::Undefined));
        let e = realm::new_promise_capability(&m, &plain).unwrap_err();
        assert_eq!(format!("{e:?}"), "TypeError: f is not a constructor");
        assert!(m.take_log().is_empty(), "nothing is called");
        // Step 4.a-b: the executor called a second time, after it got a function.
        let twice = m.constructor("Twice", |m, _, args| {
            let f = m.function("fn", |_, _, _| Ok(Val::Undefined));
            m.call(&args[0], &Val::Undefined, &[f.clone(), f.clone()])?;
            let second = m.call(&args[0], &Val::Undefined, &[f.clone(), f]);
            m.note(format!("second call: {:?}", second.unwrap_err()));
            Ok(Val::Obj(m.object("")))
        });
        assert!(realm::new_promise_capability(&m, &twice).is_ok());
        assert_eq!(
            m.take_log(),
            [
                "construct Twice",
                "second call: TypeError: Promise executor has already been invoked with non-undefined arguments"
            ]
        );
        // Called with undefined first, then with functions: allowed.
        let late = m.constructor("Late", |m, _, args| {
            let f = m.function("fn", |_, _, _| Ok(Val::Undefined));
            m.call(&args[0], &Val::Undefined, &[])?;
            m.call(&args[0], &Val::Undefined, &[f.clone(), f])?;
            Ok(Val::Obj(m.object("")))
        });
        assert!(realm::new_promise_capability(&m, &late).is_ok());
        // Steps 7-8: the executor never called, or called with a non-function.
        let lazy = m.constructor("Lazy", |m, _, _| Ok(Val::Obj(m.object(""))));
        let e = realm::new_promise_capability(&m, &lazy).unwrap_err();
        assert_eq!(format!("{e:?}"), "TypeError: Promise resolve or reject function is not callable");
        let half = m.constructor("Half", |m, _, args| {
            let f = m.function("fn", |_, _, _| Ok(Val::Undefined));
            m.call(&args[0], &Val::Undefined, &[f, Val::Num(1.0)])?;
            Ok(Val::Obj(m.object("")))
        });
        let e = realm::new_promise_capability(&m, &half).unwrap_err();
        assert_eq!(format!("{e:?}"), "TypeError: Promise resolve or reject function is not callable");
        // The statics throw it (no promise to reject yet).
        assert!(realm::promise_all(&m, &plain, &Val::Undefined).is_err());
    });
}

/// Logs what it is called with and returns `ret`.
fn logging_fn(m: &Model, name: &str, ret: Val) -> Val {
    let label = name.to_string();
    m.function(name, move |m, _, args| {
        m.note(format!("{label} got {args:?}"));
        Ok(ret.clone())
    })
}

#[test]
fn then_constructs_the_species() {
    let m = Model::new();
    let sub = m.subclass("Sub");
    let proto = sub.obj().data("prototype").obj().clone();
    let (p, r) = named_promise(&m, "p", proto.clone());
    let (q, log) = (std::cell::RefCell::new(None), std::cell::RefCell::new(Vec::new()));
    run(|| {
        r.resolve(Val::Num(1.0));
        let f = logging_fn(&m, "f", Val::Num(2.0));
        let derived = realm::promise_prototype_then(&m, &p, &f, &undefined()).unwrap();
        log.borrow_mut().extend(m.take_log());
        *q.borrow_mut() = Some(derived);
    });
    assert_eq!(
        *log.borrow(),
        ["get p.constructor", "get Sub.@@species", "call get Promise[@@species]", "construct Sub"]
    );
    let q = q.into_inner().unwrap();
    assert!(matches!(&*q.obj().0.proto.borrow(), Some(o) if std::rc::Rc::ptr_eq(&o.0, &proto.0)), "a Sub");
    assert_eq!(m.take_log(), ["call f", "f got [1]"]);
    assert_eq!(m.outcome(&q), "fulfilled 2");

    // A species of undefined means %Promise%: the derived promise is a plain one.
    let m = Model::new();
    let sub = m.subclass("Sub");
    sub.obj().set_hidden(Key::Species, Val::Undefined);
    let (p, _r) = named_promise(&m, "p", sub.obj().data("prototype").obj().clone());
    run(|| {
        let q = realm::promise_prototype_then(&m, &p, &undefined(), &undefined()).unwrap();
        assert!(
            matches!(&*q.obj().0.proto.borrow(), Some(o) if std::rc::Rc::ptr_eq(&o.0, &m.promise_proto().0))
        );
    });
    assert_eq!(m.take_log(), ["get p.constructor", "get Sub.@@species"]);
}

#[test]
fn finally_uses_the_species_and_invokes_then() {
    let m = Model::new();
    let sub = m.subclass("Sub");
    let (p, r) = named_promise(&m, "p", sub.obj().data("prototype").obj().clone());
    let result = std::cell::RefCell::new(None);
    run(|| {
        r.resolve(Val::Num(1.0));
        let f = logging_fn(&m, "f", Val::Num(5.0));
        *result.borrow_mut() = Some(realm::promise_prototype_finally(&m, &p, &f).unwrap());
        m.note("sync done");
    });
    assert_eq!(
        m.take_log(),
        [
            // Step 3: SpeciesConstructor(promise, %Promise%).
            "get p.constructor",
            "get Sub.@@species",
            "call get Promise[@@species]",
            // Step 7: Invoke(promise, "then", « thenFinally, catchFinally »); `then` itself
            // reads the species again and constructs a Sub.
            "get p.then",
            "call Promise.prototype.then",
            "get p.constructor",
            "get Sub.@@species",
            "call get Promise[@@species]",
            "construct Sub",
            "sync done",
            // Tick 1, thenFinally: Call(onFinally), PromiseResolve(C, result) constructs a
            // Sub, and Invoke(p, "then", « valueThunk ») (on an unnamed Sub) another.
            "call f",
            "f got []",
            "construct Sub",
            "call Promise.prototype.then",
            "get Sub.@@species",
            "call get Promise[@@species]",
            "construct Sub",
            // Tick 2: the derived promise adopts what thenFinally returned (a Sub, so its
            // `then` is called in a thenable job, constructing one more).
            "call Promise.prototype.then",
            "get Sub.@@species",
            "call get Promise[@@species]",
            "construct Sub",
        ]
    );
    assert_eq!(m.outcome(&result.into_inner().unwrap()), "fulfilled 1");
}

#[test]
fn a_replaced_then_is_invoked_once_per_resolution() {
    let m = Model::new();
    let (p, _r) = named_promise(&m, "p", m.promise_proto());
    p.obj().set(
        Key::s("then"),
        m.function("p.then", |m, this, args| {
            m.note(format!(
                "this is p: {}",
                m.same_value(this, &m.fulfilled(Val::Undefined)) || this.obj().0.name == "p"
            ));
            m.call(&args[0], &Val::Undefined, &[Val::Num(42.0)])
        }),
    );
    let target = std::cell::RefCell::new(None);
    run(|| {
        // The resolve function: Get(p, "then") now, the call one job later.
        let (promise, resolvers) = ModelPromise::with_resolvers();
        let (resolve, _) = realm::create_resolving_functions(&m, &resolvers);
        m.call(&resolve, &undefined(), std::slice::from_ref(&p)).unwrap();
        m.call(&resolve, &undefined(), std::slice::from_ref(&p)).unwrap(); // already resolved: no lookup
        m.note("sync done");
        *target.borrow_mut() = Some(m.promise_object(promise));
    });
    assert_eq!(m.take_log(), ["get p.then", "sync done", "call p.then", "this is p: true"]);
    assert_eq!(m.outcome(&target.into_inner().unwrap()), "fulfilled 42");

    // Promise.all: PromiseResolve keeps p (same constructor), then Invoke(p, "then").
    let all = std::cell::RefCell::new(None);
    run(|| {
        let iterable = m.iterable("it", vec![p.clone()]);
        *all.borrow_mut() = Some(realm::promise_all(&m, &m.promise_constructor(), &iterable).unwrap());
    });
    assert_eq!(
        m.take_log(),
        [
            "get Promise.resolve",
            "get it.@@iterator",
            "call it[@@iterator]",
            "get it.iterator.next",
            "call it.next",
            "get it.result.done",
            "get it.result.value",
            "call Promise.resolve",
            "get p.constructor",
            "get p.then",
            "call p.then",
            "this is p: true",
            "call it.next",
            "get it.result.done",
        ]
    );
    assert_eq!(m.outcome(&all.into_inner().unwrap()), "fulfilled [42]");
}

#[test]
fn a_throwing_then_getter_and_a_throwing_then_reject() {
    let m = Model::new();
    let getter = m.object("t");
    getter.define_getter(Key::s("then"), m.function("get t.then", |_, _, _| Err(Val::str("getter boom"))));
    let thrower = m.object("u");
    thrower.set(Key::s("then"), m.function("u.then", |_, _, _| Err(Val::str("then boom"))));
    let late = m.object("w");
    late.set(
        Key::s("then"),
        m.function("w.then", |m, _, args| {
            m.call(&args[0], &Val::Undefined, &[Val::Num(7.0)])?;
            Err(Val::str("ignored"))
        }),
    );
    let results = std::cell::RefCell::new(Vec::new());
    run(|| {
        for value in [getter.clone(), thrower.clone(), late.clone()] {
            let (promise, resolvers) = ModelPromise::with_resolvers();
            let (resolve, _) = realm::create_resolving_functions(&m, &resolvers);
            m.call(&resolve, &undefined(), &[Val::Obj(value)]).unwrap();
            let object = m.promise_object(promise);
            m.note(format!("now {}", m.outcome(&object)));
            results.borrow_mut().push(object);
        }
    });
    assert_eq!(
        m.take_log(),
        [
            "get t.then",
            "call get t.then",
            "now rejected getter boom",
            "get u.then",
            "now pending",
            "get w.then",
            "now pending",
            "call u.then",
            "call w.then",
        ]
    );
    let outcomes: Vec<_> = results.borrow().iter().map(|p| m.outcome(p)).collect();
    assert_eq!(outcomes, ["rejected getter boom", "rejected then boom", "fulfilled 7"]);
}

/// A thenable named `name` whose `then` is logged and never calls back.
fn silent_thenable(m: &Model, name: &str) -> Val {
    let t = m.object(name);
    t.set(Key::s("then"), m.function(&format!("{name}.then"), |_, _, _| Ok(Val::Undefined)));
    Val::Obj(t)
}

#[test]
fn resolve_is_looked_up_once_per_combinator_call() {
    for (name, combinator) in [
        ("all", realm::promise_all::<Model> as fn(&Model, &Val, &Val) -> Result<Val, Val>),
        ("allSettled", realm::promise_all_settled::<Model>),
        ("any", realm::promise_any::<Model>),
        ("race", realm::promise_race::<Model>),
    ] {
        let m = Model::new();
        let sub = m.subclass("Sub");
        sub.obj().set(
            Key::s("resolve"),
            m.function("Sub.resolve", |m, this, args| {
                m.note(format!("this is Sub: {}", this.obj().0.name == "Sub"));
                Ok(args[0].clone())
            }),
        );
        run(|| {
            let values = vec![silent_thenable(&m, "t1"), silent_thenable(&m, "t2")];
            let iterable = m.iterable("it", values);
            let p = combinator(&m, &sub, &iterable).unwrap();
            assert_eq!(m.outcome(&p), "pending", "{name}");
        });
        let mut expected = vec![
            "construct Sub",
            "get Sub.resolve",
            "get it.@@iterator",
            "call it[@@iterator]",
            "get it.iterator.next",
        ];
        for t in ["t1", "t2"] {
            expected.extend([
                "call it.next",
                "get it.result.done",
                "get it.result.value",
                "call Sub.resolve",
                "this is Sub: true",
            ]);
            expected.extend([format!("get {t}.then").leak() as &str, format!("call {t}.then").leak()]);
        }
        expected.extend(["call it.next", "get it.result.done"]);
        assert_eq!(m.take_log(), expected, "{name}");
    }
}

#[test]
fn an_abrupt_completion_closes_the_iterator_but_not_when_the_iterator_threw() {
    // Call(promiseResolve, ...) throws: IteratorClose, then the promise rejects.
    let m = Model::new();
    let sub = m.subclass("Sub");
    sub.obj().set(Key::s("resolve"), m.function("Sub.resolve", |_, _, _| Err(Val::str("nope"))));
    let p = std::cell::RefCell::new(None);
    run(|| {
        let iterable = m.iterable("it", vec![Val::Num(1.0), Val::Num(2.0)]);
        *p.borrow_mut() = Some(realm::promise_all(&m, &sub, &iterable).unwrap());
    });
    assert_eq!(
        m.take_log(),
        [
            "construct Sub",
            "get Sub.resolve",
            "get it.@@iterator",
            "call it[@@iterator]",
            "get it.iterator.next",
            "call it.next",
            "get it.result.done",
            "get it.result.value",
            "call Sub.resolve",
            "get it.iterator.return",
            "call it.return",
        ]
    );
    assert_eq!(m.outcome(&p.into_inner().unwrap()), "rejected nope");

    // `then` throws (Invoke(nextPromise, "then"), with a C.resolve that returns its argument
    // as it is): closed too.
    let m = Model::new();
    let sub = m.subclass("Sub");
    sub.obj().set(Key::s("resolve"), m.function("Sub.resolve", |_, _, args| Ok(args[0].clone())));
    let bad = m.object("bad");
    bad.set(Key::s("then"), m.function("bad.then", |_, _, _| Err(Val::str("then threw"))));
    run(|| {
        let iterable = m.iterable("it", vec![Val::Obj(bad.clone())]);
        let p = realm::promise_race(&m, &sub, &iterable).unwrap();
        let log = m.take_log();
        assert_eq!(
            log[log.len() - 4..],
            ["get bad.then", "call bad.then", "get it.iterator.return", "call it.return"]
        );
        assert_eq!(m.outcome(&p), "rejected then threw");
    });

    // `next` throws, `done` throws, `value` throws, `next` returns a non-object: the
    // iterator is not closed ([[Done]] is true).
    for failing in ["next", "done", "value", "result"] {
        let m = Model::new();
        let iterable = m.object("it");
        let iterator = m.object("iter");
        iterator.set(Key::s("return"), m.function("iter.return", |m, _, _| Ok(Val::Obj(m.object("")))));
        let result = m.object("result");
        let thrower = m.function("throw", |_, _, _| Err(Val::str("boom")));
        match failing {
            "done" => result.define_getter(Key::s("done"), thrower.clone()),
            "value" => result.define_getter(Key::s("value"), thrower.clone()),
            _ => {}
        }
        let result = Val::Obj(result);
        let next: Val = match failing {
            "next" => thrower,
            "result" => m.function("next", |_, _, _| Ok(Val::Num(3.0))),
            _ => m.function("next", move |_, _, _| Ok(result.clone())),
        };
        iterator.set(Key::s("next"), next);
        let iterator = Val::Obj(iterator);
        iterable.set(Key::Iterator, m.function("it[@@iterator]", move |_, _, _| Ok(iterator.clone())));
        run(|| {
            let p = realm::promise_all(&m, &m.promise_constructor(), &Val::Obj(iterable.clone())).unwrap();
            let log = m.take_log();
            assert!(!log.iter().any(|entry| entry.contains("return")), "{failing}: {log:?}");
            let expected = if failing == "result" {
                "rejected TypeError: Iterator result 3 is not an object"
            } else {
                "rejected boom"
            };
            assert_eq!(m.outcome(&p), expected, "{failing}");
        });
    }
}

#[test]
fn a_non_iterable_is_rejected_not_thrown() {
    let m = Model::new();
    let reported = run(|| {
        for combinator in [
            realm::promise_all::<Model> as fn(&Model, &Val, &Val) -> Result<Val, Val>,
            realm::promise_all_settled::<Model>,
            realm::promise_any::<Model>,
            realm::promise_race::<Model>,
        ] {
            let p = combinator(&m, &m.promise_constructor(), &Val::Num(5.0)).unwrap();
            assert_eq!(m.outcome(&p), "rejected TypeError: 5 is not iterable");
            let p = combinator(&m, &m.promise_constructor(), &m.function("g", |_, _, _| Ok(Val::Undefined)))
                .unwrap();
            assert_eq!(m.outcome(&p), "rejected TypeError: g is not iterable");
        }
        // GetPromiseResolve comes first: a non-callable C.resolve rejects before iterating.
        let sub = m.subclass("Sub");
        sub.obj().set(Key::s("resolve"), Val::Num(1.0));
        let iterable = m.iterable("it", vec![]);
        let p = realm::promise_all(&m, &sub, &iterable).unwrap();
        assert_eq!(m.outcome(&p), "rejected TypeError: 1 is not a function");
    });
    assert_eq!(reported, 9, "each rejected promise, unhandled, is reported");
    let log = m.take_log();
    assert_eq!(log.iter().filter(|e| *e == "get Promise.resolve").count(), 8);
    assert_eq!(log[log.len() - 2..], ["construct Sub", "get Sub.resolve"], "the iterable is never touched");
}

#[test]
fn with_resolvers_and_try_construct_a_subclass_receiver() {
    let m = Model::new();
    let sub = m.subclass("Sub");
    let sub_proto = sub.obj().data("prototype").obj().clone();
    let is_sub =
        |v: &Val| matches!(&*v.obj().0.proto.borrow(), Some(o) if std::rc::Rc::ptr_eq(&o.0, &sub_proto.0));
    let outcomes = std::cell::RefCell::new(Vec::new());
    run(|| {
        let record = realm::promise_with_resolvers(&m, &sub).unwrap();
        let record = record.obj();
        assert!(is_sub(&record.data("promise")));
        m.call(&record.data("resolve"), &undefined(), &[Val::Num(3.0)]).unwrap();
        m.call(&record.data("reject"), &undefined(), &[Val::Num(4.0)]).unwrap(); // ignored
        outcomes.borrow_mut().push(record.data("promise"));

        let add = m.function("add", |m, this, args| {
            m.note(format!("add this={this:?}"));
            match (args.first(), args.get(1)) {
                (Some(Val::Num(a)), Some(Val::Num(b))) => Ok(Val::Num(a + b)),
                _ => Err(Val::str("not numbers")),
            }
        });
        let p = realm::promise_try(&m, &sub, &add, &[Val::Num(1.0), Val::Num(2.0)]).unwrap();
        assert!(is_sub(&p));
        outcomes.borrow_mut().push(p);
        let p = realm::promise_try(&m, &sub, &add, &[Val::str("x")]).unwrap();
        outcomes.borrow_mut().push(p);
        // A non-object receiver throws, as step 2 says.
        let e = realm::promise_try(&m, &Val::Num(1.0), &add, &[]).unwrap_err();
        assert_eq!(format!("{e:?}"), "TypeError: 1 is not an object");
    });
    assert_eq!(
        m.take_log(),
        [
            "construct Sub",
            "construct Sub",
            "call add",
            "add this=undefined",
            "construct Sub",
            "call add",
            "add this=undefined"
        ]
    );
    let outcomes: Vec<_> = outcomes.borrow().iter().map(|p| m.outcome(p)).collect();
    assert_eq!(outcomes, ["fulfilled 3", "fulfilled 3", "rejected not numbers"]);
}

/// A ruler (spec-ticks.md's method): "tick k" is logged by the k-th job of a chain started
/// after the scenario, so an entry logged just before "tick k" ran in tick k.
fn ruler(m: &Model, ticks: usize) {
    let mut p = settle_promise::Promise::<()>::resolve(());
    for k in 1..=ticks {
        let m = m.clone();
        p = p.then(move |()| {
            m.note(format!("tick {k}"));
            Ok(())
        });
    }
}

/// In which tick `scenario` logs "X" (it gets a function that logs it).
fn tick_of(scenario: impl FnOnce(&Model, Val)) -> usize {
    let m = Model::new();
    run(|| {
        let x = m.function("", |m, _, _| {
            m.note("X");
            Ok(Val::Undefined)
        });
        scenario(&m, x);
        ruler(&m, 6);
    });
    let log = m.take_log();
    let at = log.iter().position(|e| e == "X").unwrap_or_else(|| panic!("X never ran: {log:?}"));
    let tick = log[at + 1].strip_prefix("tick ").unwrap().parse().unwrap();
    assert_eq!(log.iter().filter(|e| *e == "X").count(), 1, "{log:?}");
    tick
}

#[test]
fn the_engine_level_algorithms_keep_the_spec_tick_counts() {
    let then = |m: &Model, p: &Val, f: &Val| realm::promise_prototype_then(m, p, f, f).unwrap();
    // `fulfilled.then(X)`: tick 1.
    assert_eq!(tick_of(|m, x| drop(then(m, &m.fulfilled(Val::Num(1.0)), &x))), 1);
    // `p.then(() => v).then(X)`: tick 2.
    assert_eq!(
        tick_of(|m, x| {
            let id = m.function("", |_, _, _| Ok(Val::Num(2.0)));
            let q = then(m, &m.fulfilled(Val::Num(1.0)), &id);
            then(m, &q, &x);
        }),
        2
    );
    // `p.then(() => nativePromise).then(X)`: tick 4.
    assert_eq!(
        tick_of(|m, x| {
            let native = m.function("", |m, _, _| Ok(m.fulfilled(Val::Num(2.0))));
            let q = then(m, &m.fulfilled(Val::Num(1.0)), &native);
            then(m, &q, &x);
        }),
        4
    );
    // `new Promise(r => r(nativeFulfilled)).then(X)`: tick 3.
    assert_eq!(
        tick_of(|m, x| {
            let (promise, resolvers) = ModelPromise::with_resolvers();
            let (resolve, _) = realm::create_resolving_functions(m, &resolvers);
            m.call(&resolve, &Val::Undefined, &[m.fulfilled(Val::Num(1.0))]).unwrap();
            then(m, &m.promise_object(promise), &x);
        }),
        3
    );
    // `new Promise(r => r({ then(f) { f(1) } })).then(X)`: tick 2.
    assert_eq!(
        tick_of(|m, x| {
            let t = m.object("");
            t.set(
                Key::s("then"),
                m.function("", |m, _, args| m.call(&args[0], &Val::Undefined, &[Val::Num(1.0)])),
            );
            let (promise, resolvers) = ModelPromise::with_resolvers();
            let (resolve, _) = realm::create_resolving_functions(m, &resolvers);
            m.call(&resolve, &Val::Undefined, &[Val::Obj(t)]).unwrap();
            then(m, &m.promise_object(promise), &x);
        }),
        2
    );
    // `p.finally(f).then(X)`, fulfilled or rejected: tick 4.
    for settled in [true, false] {
        assert_eq!(
            tick_of(|m, x| {
                let p = if settled {
                    m.fulfilled(Val::Num(1.0))
                } else {
                    realm::promise_reject(m, &m.promise_constructor(), Val::Num(1.0)).unwrap()
                };
                let f = m.function("", |_, _, _| Ok(Val::Undefined));
                let q = realm::promise_prototype_finally(m, &p, &f).unwrap();
                then(m, &q, &x);
            }),
            4
        );
    }
    // `Promise.all/allSettled/any/race([fulfilled]).then(X)`: tick 2.
    for combinator in [
        realm::promise_all::<Model> as fn(&Model, &Val, &Val) -> Result<Val, Val>,
        realm::promise_all_settled::<Model>,
        realm::promise_any::<Model>,
        realm::promise_race::<Model>,
        realm::promise_all_keyed::<Model>,
    ] {
        assert_eq!(
            tick_of(|m, x| {
                let input = m.iterable("", vec![m.fulfilled(Val::Num(1.0))]);
                input.obj().set(Key::s("k"), m.fulfilled(Val::Num(1.0))); // for allKeyed
                let p = combinator(m, &m.promise_constructor(), &input).unwrap();
                then(m, &p, &x);
            }),
            2
        );
    }
    // `Promise.resolve(nativePromise)` is that promise.
    let m = Model::new();
    run(|| {
        let p = m.fulfilled(Val::Num(1.0));
        let q = realm::promise_resolve_method(&m, &m.promise_constructor(), p.clone()).unwrap();
        assert!(m.same_value(&p, &q));
    });
}

#[test]
fn combinators_collect_their_results() {
    let m = Model::new();
    let results = std::cell::RefCell::new(Vec::new());
    run(|| {
        let c = m.promise_constructor();
        let rejected = |v: &str| realm::promise_reject(&m, &c, Val::str(v)).unwrap();
        let inputs = || m.iterable("", vec![m.fulfilled(Val::Num(1.0)), rejected("no"), Val::Num(3.0)]);
        for combinator in [
            realm::promise_all::<Model> as fn(&Model, &Val, &Val) -> Result<Val, Val>,
            realm::promise_all_settled::<Model>,
            realm::promise_any::<Model>,
            realm::promise_race::<Model>,
        ] {
            results.borrow_mut().push(combinator(&m, &c, &inputs()).unwrap());
        }
        let all_rejected = m.iterable("", vec![rejected("a"), rejected("b")]);
        results.borrow_mut().push(realm::promise_any(&m, &c, &all_rejected).unwrap());
        results.borrow_mut().push(realm::promise_any(&m, &c, &m.iterable("", vec![])).unwrap());
        results.borrow_mut().push(realm::promise_all(&m, &c, &m.iterable("", vec![])).unwrap());
    });
    let outcomes: Vec<_> = results.borrow().iter().map(|p| m.outcome(p)).collect();
    assert_eq!(
        outcomes,
        [
            "rejected no",
            "fulfilled [{status:fulfilled,value:1}, {status:rejected,reason:no}, {status:fulfilled,value:3}]",
            "fulfilled 1",
            "fulfilled 1",
            "rejected {name:AggregateError,errors:[a, b]}",
            "rejected {name:AggregateError,errors:[]}",
            "fulfilled []",
        ]
    );
}

#[test]
fn element_functions_count_once_and_resolve_after_the_iteration() {
    // A thenable calling back synchronously, twice: [[AlreadyCalled]] ignores the second call
    // and remainingElementsCount keeps the result until the iterator is done.
    let m = Model::new();
    let c = foreign_constructor(&m);
    c.obj().set(Key::s("resolve"), m.function("C.resolve", |_, _, args| Ok(args[0].clone())));
    let twice = |name: &str, v: f64| {
        let t = m.object(name);
        t.set(
            Key::s("then"),
            m.function("", move |m, _, args| {
                m.call(&args[0], &Val::Undefined, &[Val::Num(v)])?;
                m.call(&args[0], &Val::Undefined, &[Val::Num(v * 10.0)])?;
                Ok(Val::Undefined)
            }),
        );
        Val::Obj(t)
    };
    run(|| {
        let input = m.iterable("it", vec![twice("a", 1.0), twice("b", 2.0)]);
        realm::promise_all(&m, &c, &input).unwrap();
        m.note("returned");
    });
    let log: Vec<_> =
        m.take_log().into_iter().filter(|e| !e.starts_with("get ") && !e.contains(" it")).collect();
    assert_eq!(
        log,
        [
            "construct C",
            "call C.resolve",
            "call C.resolve",
            "call C.resolveFn",
            "resolved with [1, 2]",
            "returned"
        ]
    );
}

#[test]
fn all_keyed_walks_own_enumerable_properties_in_order() {
    let m = Model::new();
    let input = m.object("o");
    let result = std::cell::RefCell::new(None);
    run(|| {
        input.set(Key::s("a"), m.fulfilled(Val::Num(1.0)));
        input.set_hidden(Key::s("b"), m.fulfilled(Val::Num(2.0)));
        let t = m.object("tc");
        t.set(
            Key::s("then"),
            m.function("tc.then", |m, _, args| m.call(&args[0], &Val::Undefined, &[Val::Num(3.0)])),
        );
        input.set(Key::s("c"), Val::Obj(t));
        let c = m.promise_constructor();
        *result.borrow_mut() = Some(realm::promise_all_keyed(&m, &c, &Val::Obj(input.clone())).unwrap());
        m.note("returned");
    });
    assert_eq!(
        m.take_log(),
        [
            "get Promise.resolve",
            "ownKeys o",
            "getOwnProperty o.a",
            "get o.a",
            "call Promise.resolve",
            "getOwnProperty o.b",
            "getOwnProperty o.c",
            "get o.c",
            "call Promise.resolve",
            "get tc.then",
            "returned",
            "call tc.then",
        ]
    );
    let result = result.into_inner().unwrap();
    assert_eq!(m.outcome(&result), "fulfilled {a:1,c:3}");
    let value = result.obj().promise().unwrap().result().unwrap().unwrap();
    assert!(value.obj().0.proto.borrow().is_none(), "a null-prototype object");

    // allSettledKeyed, and a non-object argument (rejected, not thrown).
    let m = Model::new();
    let results = std::cell::RefCell::new(Vec::new());
    run(|| {
        let c = m.promise_constructor();
        let input = m.object("");
        input.set(Key::s("x"), m.fulfilled(Val::Num(1.0)));
        input.set(Key::s("y"), realm::promise_reject(&m, &c, Val::str("no")).unwrap());
        results.borrow_mut().push(realm::promise_all_settled_keyed(&m, &c, &Val::Obj(input)).unwrap());
        results.borrow_mut().push(realm::promise_all_keyed(&m, &c, &Val::Num(86.0)).unwrap());
        results.borrow_mut().push(realm::promise_all_settled_keyed(&m, &c, &Val::Undefined).unwrap());
    });
    let outcomes: Vec<_> = results.borrow().iter().map(|p| m.outcome(p)).collect();
    assert_eq!(
        outcomes,
        [
            "fulfilled {x:{status:fulfilled,value:1},y:{status:rejected,reason:no}}",
            "rejected TypeError: 86 is not an object",
            "rejected TypeError: undefined is not an object",
        ]
    );
}

#[test]
fn the_constructor_checks_new_target_and_the_executor_first() {
    let m = Model::new();
    run(|| {
        let target = m.object("Target");
        let allocated = std::cell::Cell::new(0);
        let allocate = |_: &Val, p: ModelPromise| {
            allocated.set(allocated.get() + 1);
            Ok(m.promise_object(p))
        };
        let e = realm::construct_promise(&m, None, &Val::Undefined, allocate).unwrap_err();
        assert_eq!(format!("{e:?}"), "TypeError: Promise constructor cannot be invoked without 'new'");
        let e = realm::construct_promise(&m, Some(&Val::Obj(target.clone())), &Val::Num(5.0), allocate)
            .unwrap_err();
        assert_eq!(format!("{e:?}"), "TypeError: Promise resolver 5 is not a function");
        assert_eq!(allocated.get(), 0, "step 2 comes before OrdinaryCreateFromConstructor");
        // The executor throws after resolving: the throw is ignored.
        let executor = m.function("executor", |m, _, args| {
            m.call(&args[0], &Val::Undefined, &[Val::Num(1.0)])?;
            Err(Val::str("ignored"))
        });
        let p = realm::construct_promise(&m, Some(&Val::Obj(target.clone())), &executor, allocate).unwrap();
        assert_eq!(m.outcome(&p), "fulfilled 1");
        let thrower = m.function("thrower", |_, _, _| Err(Val::str("thrown")));
        let p = realm::construct_promise(&m, Some(&Val::Obj(target)), &thrower, allocate).unwrap();
        assert_eq!(m.outcome(&p), "rejected thrown");
        let handled = m.function("", |_, _, _| Ok(Val::Undefined));
        realm::promise_prototype_catch(&m, &p, &handled).unwrap();
    });
    assert_eq!(m.take_log(), ["call executor", "call thrower"]);
}

#[test]
fn catch_invokes_then_with_undefined_and_the_handler() {
    let m = Model::new();
    let thenable = m.object("t");
    thenable.set(
        Key::s("then"),
        m.function("t.then", |m, _, args| {
            m.note(format!("then got {args:?}"));
            Ok(Val::str("result of then"))
        }),
    );
    run(|| {
        let handler = m.function("handler", |_, _, _| Ok(Val::Undefined));
        let result = realm::promise_prototype_catch(&m, &Val::Obj(thenable.clone()), &handler).unwrap();
        assert_eq!(format!("{result:?}"), "result of then");
    });
    assert_eq!(m.take_log(), ["get t.then", "call t.then", "then got [undefined, handler]"]);
}

#[test]
fn a_then_getter_that_resolves_again_is_ignored() {
    // [[AlreadyResolved]] is set before Get(resolution, "then") (steps 5-6, then 9).
    let m = Model::new();
    let target = std::cell::RefCell::new(None);
    run(|| {
        let (promise, resolvers) = ModelPromise::with_resolvers();
        let (resolve, _) = realm::create_resolving_functions(&m, &resolvers);
        let t = m.object("t");
        let again = resolve.clone();
        t.define_getter(
            Key::s("then"),
            m.function("get t.then", move |m, _, _| {
                m.call(&again, &Val::Undefined, &[Val::Num(99.0)])?;
                // A `then` that never calls back: the promise stays pending.
                Ok(m.function("t.then", |_, _, _| Ok(Val::Undefined)))
            }),
        );
        m.call(&resolve, &undefined(), &[Val::Obj(t)]).unwrap();
        *target.borrow_mut() = Some(m.promise_object(promise));
    });
    assert_eq!(m.take_log(), ["get t.then", "call get t.then", "call t.then"]);
    assert_eq!(
        m.outcome(&target.into_inner().unwrap()),
        "pending",
        "resolve(99) from the getter was ignored"
    );
}

#[test]
fn a_foreign_capability_that_throws_in_a_job_is_reported() {
    // NewPromiseReactionJob step 1.i: `Return ? Call(promiseCapability.[[Resolve]], ...)`: the
    // abrupt completion has nowhere to go but the host.
    let m = Model::new();
    let throwing = m.constructor("Throwing", |m, _, args| {
        let resolve = m.function("", |_, _, _| Err(Val::str("resolve threw")));
        let reject = m.function("", |_, _, _| Ok(Val::Undefined));
        m.call(&args[0], &Val::Undefined, &[resolve, reject])?;
        Ok(Val::Obj(m.object("")))
    });
    let species_holder = m.object("K");
    species_holder.set(Key::Species, throwing);
    run(|| {
        let p = m.fulfilled(Val::Num(1.0));
        p.obj().set(Key::s("constructor"), Val::Obj(species_holder.clone()));
        let f = m.function("f", |_, _, args| Ok(args[0].clone()));
        realm::promise_prototype_then(&m, &p, &f, &undefined()).unwrap();
    });
    assert_eq!(m.take_log(), ["get K.@@species", "construct Throwing", "call f"]);
    assert_eq!(m.job_errors(), ["resolve threw"]);
}

#[test]
fn the_thenable_job_reads_the_species_when_it_runs() {
    // resolve(p) with p's `then` intrinsic: unobservable so far. Before the job runs, p gets a
    // `constructor`: the intrinsic `then` called by the job must read it then, and construct.
    let m = Model::new();
    let sub = m.subclass("Sub");
    let (p, r) = named_promise(&m, "p", m.promise_proto());
    let target = std::cell::RefCell::new(None);
    run(|| {
        r.resolve(Val::Num(5.0));
        let (promise, resolvers) = ModelPromise::with_resolvers();
        let (resolve, _) = realm::create_resolving_functions(&m, &resolvers);
        m.call(&resolve, &undefined(), std::slice::from_ref(&p)).unwrap();
        m.note("resolved");
        p.obj().set(Key::s("constructor"), sub.clone());
        *target.borrow_mut() = Some(m.promise_object(promise));
    });
    assert_eq!(
        m.take_log(),
        [
            "resolved",
            "get p.constructor",
            "get Sub.@@species",
            "call get Promise[@@species]",
            "construct Sub"
        ]
    );
    assert_eq!(m.outcome(&target.into_inner().unwrap()), "fulfilled 5");
}

#[test]
fn a_promise_resolved_with_itself_is_rejected_with_the_engines_type_error() {
    // Step 7 of the resolve functions makes the TypeError with the engine (so that it can name
    // the object's class, as V8's "Chaining cycle detected for promise #<Sub>"), before any
    // lookup of `then`.
    let m = Model::new();
    let (promise, resolvers) = named_promise(&m, "p", m.promise_proto());
    let (resolve, _) = realm::create_resolving_functions(&m, &resolvers);
    run(|| {
        m.call(&resolve, &undefined(), std::slice::from_ref(&promise)).unwrap();
        m.note(format!("now {}", m.outcome(&promise)));
    });
    assert_eq!(m.take_log(), ["now rejected TypeError: Chaining cycle detected for promise p"]);
}

#[test]
fn the_cores_own_resolve_catches_self_resolution_before_a_replaced_then() {
    // A handler's result or an async body's return value is resolved by the core through the
    // classifier (`Thenables::classify_in`): a promise whose `then` was replaced,
    // resolving itself, is rejected with the TypeError at once, and its `then` is never read.
    let m = Model::new();
    let (promise, resolvers) = named_promise(&m, "p", m.promise_proto());
    promise.obj().set(Key::s("then"), logging_fn(&m, "p.then", undefined()));
    let (other, other_resolvers) = named_promise(&m, "q", m.promise_proto());
    other.obj().set(Key::s("then"), logging_fn(&m, "q.then", undefined()));
    run(|| {
        resolvers.resolve(promise.clone());
        m.note(format!("now {}", m.outcome(&promise)));
        // Another promise with a replaced `then` is looked up and called, as any thenable.
        let (_, target) = named_promise(&m, "r", m.promise_proto());
        target.resolve(other.clone());
        other_resolvers.resolve(Val::Num(1.0));
    });
    assert_eq!(
        m.take_log(),
        [
            "now rejected TypeError: Chaining cycle detected for promise p",
            "get q.then",
            "call q.then",
            "q.then got [{}, {}]",
        ]
    );
}
