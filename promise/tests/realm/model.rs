//! A small JavaScript-like engine for the realm tests: dynamic values, objects with data and
//! accessor properties and prototypes, callable functions and constructors, native promises,
//! and a log of every Get, Call and Construct on a named object, in order.
#![allow(dead_code)]

use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

use settle_promise::realm::{self, PropertyKey, Realm, RealmPromise, TypeErrorCase};
use settle_promise::{Reason, Resolution, SpecError, Thenables};

/// An ECMAScript language value.
#[derive(Clone)]
pub enum Val {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    Obj(Obj),
}

impl Val {
    pub fn str(s: &str) -> Val {
        Val::Str(s.into())
    }

    pub fn obj(&self) -> &Obj {
        match self {
            Val::Obj(o) => o,
            other => panic!("not an object: {other:?}"),
        }
    }
}

impl fmt::Debug for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Undefined => f.write_str("undefined"),
            Val::Null => f.write_str("null"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Num(n) => write!(f, "{n}"),
            Val::Str(s) => f.write_str(s),
            Val::Obj(o) => match &o.0.kind {
                Kind::Array(items) => f.debug_list().entries(items.iter()).finish(),
                _ if !o.0.name.is_empty() => write!(f, "{}", o.0.name),
                _ => {
                    f.write_str("{")?;
                    for (i, (key, prop)) in o.0.props.borrow().iter().enumerate() {
                        let sep = if i == 0 { "" } else { "," };
                        match &prop.value {
                            PropValue::Data(v) => write!(f, "{sep}{}:{v:?}", key.name())?,
                            PropValue::Getter(_) => write!(f, "{sep}{}:<getter>", key.name())?,
                        }
                    }
                    f.write_str("}")
                }
            },
        }
    }
}

// The spec's own errors, as the core raises them, become strings.
impl Reason for Val {
    fn from_spec_error(error: SpecError<Val>) -> Val {
        Val::str(&error.to_string())
    }
}

#[derive(Clone, PartialEq, Debug)]
pub enum Key {
    Str(Rc<str>),
    Iterator,
    Species,
}

impl Key {
    pub fn s(s: &str) -> Key {
        Key::Str(s.into())
    }

    fn name(&self) -> String {
        match self {
            Key::Str(s) => s.to_string(),
            Key::Iterator => "@@iterator".into(),
            Key::Species => "@@species".into(),
        }
    }
}

#[derive(Clone)]
pub enum PropValue {
    Data(Val),
    Getter(Val),
}

#[derive(Clone)]
pub struct Prop {
    pub value: PropValue,
    pub enumerable: bool,
}

pub type NativeFn = Rc<dyn Fn(&Model, &Val, &[Val]) -> Result<Val, Val>>;

pub enum Kind {
    Ordinary,
    Array(Vec<Val>),
    Function { call: NativeFn, construct: Option<NativeFn> },
    Promise(ModelPromise),
}

pub type ModelPromise = RealmPromise<Model>;

pub struct ObjData {
    pub name: String,
    pub proto: RefCell<Option<Obj>>,
    pub props: RefCell<Vec<(Key, Prop)>>,
    pub kind: Kind,
    realm: Weak<Inner>,
}

#[derive(Clone)]
pub struct Obj(pub Rc<ObjData>);

impl Obj {
    fn own(&self, key: &Key) -> Option<Prop> {
        self.0.props.borrow().iter().find(|(k, _)| k == key).map(|(_, p)| p.clone())
    }

    pub fn set(&self, key: Key, value: Val) {
        self.put(key, Prop { value: PropValue::Data(value), enumerable: true });
    }

    pub fn set_hidden(&self, key: Key, value: Val) {
        self.put(key, Prop { value: PropValue::Data(value), enumerable: false });
    }

    pub fn define_getter(&self, key: Key, getter: Val) {
        self.put(key, Prop { value: PropValue::Getter(getter), enumerable: false });
    }

    fn put(&self, key: Key, prop: Prop) {
        let mut props = self.0.props.borrow_mut();
        match props.iter_mut().find(|(k, _)| *k == key) {
            Some((_, p)) => *p = prop,
            None => props.push((key, prop)),
        }
    }

    pub fn data(&self, key: &str) -> Val {
        match self.own(&Key::s(key)).map(|p| p.value) {
            Some(PropValue::Data(v)) => v,
            _ => Val::Undefined,
        }
    }

    pub fn items(&self) -> Vec<Val> {
        match &self.0.kind {
            Kind::Array(items) => items.clone(),
            _ => panic!("not an array"),
        }
    }

    pub fn promise(&self) -> Option<ModelPromise> {
        match &self.0.kind {
            Kind::Promise(p) => Some(p.clone()),
            _ => None,
        }
    }
}

pub struct Inner {
    log: RefCell<Vec<String>>,
    job_errors: RefCell<Vec<String>>,
    pub object_proto: RefCell<Option<Obj>>,
    pub promise_ctor: RefCell<Option<Obj>>,
    pub promise_proto: RefCell<Option<Obj>>,
    then_fn: RefCell<Option<Obj>>,
    species_getter: RefCell<Option<Obj>>,
}

/// The engine handle.
#[derive(Clone)]
pub struct Model(pub Rc<Inner>);

pub struct ModelThenables;

impl Thenables<Val, Val> for ModelThenables {
    fn classify(value: Val) -> Resolution<Val, Val, ModelThenables> {
        match &value {
            Val::Obj(o) => match o.0.realm.upgrade() {
                Some(inner) => realm::classify(&Model(inner), value),
                None => Resolution::Value(value),
            },
            _ => Resolution::Value(value),
        }
    }

    fn classify_in(
        _host: &mut dyn std::any::Any,
        value: Val,
        promise: &ModelPromise,
    ) -> Resolution<Val, Val, ModelThenables> {
        match &value {
            Val::Obj(o) => match o.0.realm.upgrade() {
                Some(inner) => realm::classify_for(&Model(inner), Some(promise), value),
                None => Resolution::Value(value),
            },
            _ => Resolution::Value(value),
        }
    }
}

fn arg(args: &[Val], i: usize) -> Val {
    args.get(i).cloned().unwrap_or(Val::Undefined)
}

impl Model {
    pub fn new() -> Model {
        let model = Model(Rc::new(Inner {
            log: RefCell::default(),
            job_errors: RefCell::default(),
            object_proto: RefCell::default(),
            promise_ctor: RefCell::default(),
            promise_proto: RefCell::default(),
            then_fn: RefCell::default(),
            species_getter: RefCell::default(),
        }));
        let object_proto = model.object_with("Object.prototype", None, Kind::Ordinary);
        *model.0.object_proto.borrow_mut() = Some(object_proto);
        model.install_promise();
        model
    }

    /// The operations logged so far, leaving the log empty.
    pub fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.log.borrow_mut())
    }

    pub fn job_errors(&self) -> Vec<String> {
        self.0.job_errors.borrow().clone()
    }

    pub fn note(&self, entry: impl Into<String>) {
        self.0.log.borrow_mut().push(entry.into());
    }

    pub fn object_with(&self, name: &str, proto: Option<Obj>, kind: Kind) -> Obj {
        Obj(Rc::new(ObjData {
            name: name.to_string(),
            proto: RefCell::new(proto),
            props: RefCell::default(),
            kind,
            realm: Rc::downgrade(&self.0),
        }))
    }

    /// An ordinary object (prototype %Object.prototype%); named objects are logged.
    pub fn object(&self, name: &str) -> Obj {
        self.object_with(name, self.0.object_proto.borrow().clone(), Kind::Ordinary)
    }

    /// A function; calls of a named function are logged.
    pub fn function(
        &self,
        name: &str,
        call: impl Fn(&Model, &Val, &[Val]) -> Result<Val, Val> + 'static,
    ) -> Val {
        Val::Obj(self.object_with(name, None, Kind::Function { call: Rc::new(call), construct: None }))
    }

    /// A constructor: `construct` receives the arguments (new.target is the constructor).
    pub fn constructor(
        &self,
        name: &str,
        construct: impl Fn(&Model, &Val, &[Val]) -> Result<Val, Val> + 'static,
    ) -> Val {
        let construct: NativeFn = Rc::new(construct);
        let call: NativeFn = Rc::new(|_, _, _| Err(Val::str("TypeError: class constructor")));
        Val::Obj(self.object_with(name, None, Kind::Function { call, construct: Some(construct) }))
    }

    pub fn promise_ctor(&self) -> Obj {
        self.0.promise_ctor.borrow().clone().unwrap()
    }

    pub fn promise_proto(&self) -> Obj {
        self.0.promise_proto.borrow().clone().unwrap()
    }

    /// `super(executor)` of a Promise subclass, or `new Promise(executor)` (27.2.3.1 steps
    /// 2-12), with the new object's prototype `proto`.
    pub fn construct_promise(&self, proto: Obj, executor: &Val) -> Result<Val, Val> {
        let target = Val::Obj(proto.clone());
        realm::construct_promise(self, Some(&target), executor, |_, promise| {
            Ok(Val::Obj(self.object_with("", Some(proto), Kind::Promise(promise))))
        })
    }

    fn method(
        &self,
        target: &Obj,
        name: &str,
        f: impl Fn(&Model, &Val, &[Val]) -> Result<Val, Val> + 'static,
    ) -> Obj {
        let full = format!("{}.{name}", target.0.name);
        let Val::Obj(function) = self.function(&full, f) else { unreachable!() };
        target.set_hidden(Key::s(name), Val::Obj(function.clone()));
        function
    }

    fn install_promise(&self) {
        let proto = self.object("Promise.prototype");
        let ctor = Val::Obj(self.object_with(
            "Promise",
            None,
            Kind::Function {
                call: Rc::new(|_, _, _| {
                    Err(Val::str("TypeError: Promise constructor cannot be invoked without 'new'"))
                }),
                construct: Some(Rc::new(|m: &Model, _, args: &[Val]| {
                    m.construct_promise(m.promise_proto(), &arg(args, 0))
                })),
            },
        ));
        let c = ctor.obj().clone();
        c.set_hidden(Key::s("prototype"), Val::Obj(proto.clone()));
        proto.set_hidden(Key::s("constructor"), ctor.clone());
        let then = self.method(&proto, "then", |m, this, args| {
            realm::promise_prototype_then(m, this, &arg(args, 0), &arg(args, 1))
        });
        self.method(&proto, "catch", |m, this, args| realm::promise_prototype_catch(m, this, &arg(args, 0)));
        self.method(&proto, "finally", |m, this, args| {
            realm::promise_prototype_finally(m, this, &arg(args, 0))
        });
        self.method(&c, "resolve", |m, this, args| realm::promise_resolve_method(m, this, arg(args, 0)));
        self.method(&c, "reject", |m, this, args| realm::promise_reject(m, this, arg(args, 0)));
        self.method(&c, "all", |m, this, args| realm::promise_all(m, this, &arg(args, 0)));
        self.method(&c, "allSettled", |m, this, args| realm::promise_all_settled(m, this, &arg(args, 0)));
        self.method(&c, "any", |m, this, args| realm::promise_any(m, this, &arg(args, 0)));
        self.method(&c, "race", |m, this, args| realm::promise_race(m, this, &arg(args, 0)));
        self.method(&c, "withResolvers", |m, this, _| realm::promise_with_resolvers(m, this));
        self.method(&c, "try", |m, this, args| {
            realm::promise_try(m, this, &arg(args, 0), args.get(1..).unwrap_or(&[]))
        });
        self.method(&c, "allKeyed", |m, this, args| realm::promise_all_keyed(m, this, &arg(args, 0)));
        self.method(&c, "allSettledKeyed", |m, this, args| {
            realm::promise_all_settled_keyed(m, this, &arg(args, 0))
        });
        let Val::Obj(species) = self.function("get Promise[@@species]", |_, this, _| Ok(this.clone())) else {
            unreachable!()
        };
        c.define_getter(Key::Species, Val::Obj(species.clone()));
        *self.0.promise_proto.borrow_mut() = Some(proto);
        *self.0.promise_ctor.borrow_mut() = Some(c);
        *self.0.then_fn.borrow_mut() = Some(then);
        *self.0.species_getter.borrow_mut() = Some(species);
    }

    /// A subclass of Promise: `class name extends Promise {}` (with `Symbol.species` inherited).
    pub fn subclass(&self, name: &str) -> Val {
        let proto =
            self.object_with(&format!("{name}.prototype"), Some(self.promise_proto()), Kind::Ordinary);
        let p = proto.clone();
        let ctor = self.constructor(name, move |m, _, args| m.construct_promise(p.clone(), &arg(args, 0)));
        ctor.obj().0.proto.replace(Some(self.promise_ctor()));
        ctor.obj().set_hidden(Key::s("prototype"), Val::Obj(proto.clone()));
        proto.set_hidden(Key::s("constructor"), ctor.clone());
        ctor
    }

    /// An iterable whose iterator yields `values`; the iterable is `name`, its iterator
    /// `name.iterator`, each result `name.result` (so every step is logged).
    pub fn iterable(&self, name: &str, values: Vec<Val>) -> Val {
        let iterable = self.object(name);
        let (iterator_name, result_name) = (format!("{name}.iterator"), format!("{name}.result"));
        let next_name = format!("{name}.next");
        let return_name = format!("{name}.return");
        let method = self.function(&format!("{name}[@@iterator]"), move |m, _, _| {
            let iterator = m.object(&iterator_name);
            let queue = RefCell::new(values.clone().into_iter());
            let result_name = result_name.clone();
            iterator.set(Key::s("return"), m.function(&return_name, |m, _, _| Ok(Val::Obj(m.object("")))));
            iterator.set(
                Key::s("next"),
                m.function(&next_name, move |m, _, _| {
                    let result = m.object(&result_name);
                    match queue.borrow_mut().next() {
                        Some(v) => {
                            result.set(Key::s("done"), Val::Bool(false));
                            result.set(Key::s("value"), v);
                        }
                        None => result.set(Key::s("done"), Val::Bool(true)),
                    }
                    Ok(Val::Obj(result))
                }),
            );
            Ok(Val::Obj(iterator))
        });
        iterable.set(Key::Iterator, method);
        Val::Obj(iterable)
    }

    /// A native promise, fulfilled.
    pub fn fulfilled(&self, v: Val) -> Val {
        let (promise, resolvers) = ModelPromise::with_resolvers();
        resolvers.resolve(Resolution::Value(v));
        self.promise_object(promise)
    }

    /// The settled outcome of a promise object, as text.
    pub fn outcome(&self, promise: &Val) -> String {
        let p = promise.obj().promise().expect("a promise");
        match p.result() {
            None => "pending".into(),
            Some(Ok(v)) => format!("fulfilled {v:?}"),
            Some(Err(e)) => format!("rejected {e:?}"),
        }
    }

    fn log_access(&self, verb: &str, value: &Val, key: Option<&str>) {
        if let Val::Obj(o) = value
            && !o.0.name.is_empty()
        {
            let entry = match key {
                Some(k) => format!("{verb} {}.{k}", o.0.name),
                None => format!("{verb} {}", o.0.name),
            };
            self.0.log.borrow_mut().push(entry);
        }
    }

    fn lookup(&self, start: &Obj, key: &Key, receiver: &Val) -> Result<Val, Val> {
        let mut current = Some(start.clone());
        while let Some(obj) = current {
            if let Some(prop) = obj.own(key) {
                return match prop.value {
                    PropValue::Data(v) => Ok(v),
                    PropValue::Getter(g) => self.call(&g, receiver, &[]),
                };
            }
            current = obj.0.proto.borrow().clone();
        }
        Ok(Val::Undefined)
    }

    fn is_data(&self, obj: &Obj, key: &Key, expected: &Obj) -> bool {
        matches!(obj.own(key), Some(Prop { value: PropValue::Data(Val::Obj(o)), .. }) if Rc::ptr_eq(&o.0, &expected.0))
    }
}

impl Realm for Model {
    type Value = Val;
    type Thenables = ModelThenables;
    type Key = Key;

    fn undefined(&self) -> Val {
        Val::Undefined
    }
    fn string(&self, s: &str) -> Val {
        Val::str(s)
    }
    fn is_undefined(&self, value: &Val) -> bool {
        matches!(value, Val::Undefined)
    }
    fn is_null(&self, value: &Val) -> bool {
        matches!(value, Val::Null)
    }
    fn is_object(&self, value: &Val) -> bool {
        matches!(value, Val::Obj(_))
    }
    fn to_boolean(&self, value: &Val) -> bool {
        match value {
            Val::Undefined | Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
            Val::Obj(_) => true,
        }
    }
    fn same_value(&self, a: &Val, b: &Val) -> bool {
        match (a, b) {
            (Val::Undefined, Val::Undefined) | (Val::Null, Val::Null) => true,
            (Val::Bool(x), Val::Bool(y)) => x == y,
            (Val::Num(x), Val::Num(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            (Val::Str(x), Val::Str(y)) => x == y,
            (Val::Obj(x), Val::Obj(y)) => Rc::ptr_eq(&x.0, &y.0),
            _ => false,
        }
    }
    fn is_callable(&self, value: &Val) -> bool {
        matches!(value, Val::Obj(o) if matches!(o.0.kind, Kind::Function { .. }))
    }
    fn is_constructor(&self, value: &Val) -> bool {
        matches!(value, Val::Obj(o) if matches!(o.0.kind, Kind::Function { construct: Some(_), .. }))
    }
    fn get(&self, value: &Val, key: PropertyKey<'_, Key>) -> Result<Val, Val> {
        let key = match key {
            PropertyKey::String(s) => Key::s(s),
            PropertyKey::Iterator => Key::Iterator,
            PropertyKey::Species => Key::Species,
            PropertyKey::Key(k) => k.clone(),
        };
        self.log_access("get", value, Some(&key.name()));
        match value {
            Val::Obj(o) => self.lookup(o, &key, value),
            Val::Undefined | Val::Null => Err(Val::str("TypeError: Cannot read properties of undefined")),
            _ => Ok(Val::Undefined),
        }
    }
    fn call(&self, function: &Val, this: &Val, args: &[Val]) -> Result<Val, Val> {
        self.log_access("call", function, None);
        let Val::Obj(o) = function else { unreachable!("the algorithms check IsCallable") };
        let Kind::Function { call, .. } = &o.0.kind else { unreachable!() };
        let call = call.clone();
        call(self, this, args)
    }
    fn construct(&self, constructor: &Val, args: &[Val]) -> Result<Val, Val> {
        self.log_access("construct", constructor, None);
        let Val::Obj(o) = constructor else { unreachable!() };
        let Kind::Function { construct: Some(construct), .. } = &o.0.kind else { unreachable!() };
        let construct = construct.clone();
        construct(self, constructor, args)
    }
    fn own_property_keys(&self, object: &Val) -> Result<Vec<Key>, Val> {
        self.log_access("ownKeys", object, None);
        Ok(object.obj().0.props.borrow().iter().map(|(k, _)| k.clone()).collect())
    }
    fn get_own_property_enumerable(&self, object: &Val, key: &Key) -> Result<Option<bool>, Val> {
        self.log_access("getOwnProperty", object, Some(&key.name()));
        Ok(object.obj().own(key).map(|p| p.enumerable))
    }
    fn create_builtin_function(
        &self,
        _length: u32,
        steps: impl Fn(&Self, &[Val]) -> Result<Val, Val> + 'static,
    ) -> Val {
        self.function("", move |m, _, args| steps(m, args))
    }
    fn create_array_from_list(&self, values: Vec<Val>) -> Val {
        Val::Obj(self.object_with("", None, Kind::Array(values)))
    }
    fn create_object(&self, properties: Vec<(&'static str, Val)>) -> Val {
        let obj = self.object("");
        for (k, v) in properties {
            obj.set(Key::s(k), v);
        }
        Val::Obj(obj)
    }
    fn create_null_prototype_object(&self, properties: Vec<(Key, Val)>) -> Val {
        let obj = self.object_with("", None, Kind::Ordinary);
        for (k, v) in properties {
            obj.set(k, v);
        }
        Val::Obj(obj)
    }
    fn type_error(&self, case: TypeErrorCase<'_, Val>) -> Val {
        let message = match case {
            TypeErrorCase::NotAConstructor(v) => format!("{v:?} is not a constructor"),
            TypeErrorCase::NotCallable(v) => format!("{v:?} is not a function"),
            TypeErrorCase::ExecutorAlreadyCalled => {
                "Promise executor has already been invoked with non-undefined arguments".into()
            }
            TypeErrorCase::ResolveNotCallable => "Promise resolve or reject function is not callable".into(),
            TypeErrorCase::NotAnObject(v) => format!("{v:?} is not an object"),
            TypeErrorCase::NotAPromise(v) => format!("{v:?} is not a promise"),
            TypeErrorCase::NotIterable(v) => format!("{v:?} is not iterable"),
            TypeErrorCase::IteratorResultNotAnObject(v) => format!("Iterator result {v:?} is not an object"),
            TypeErrorCase::IteratorNotAnObject(v) => {
                format!("Result of the Symbol.iterator method {v:?} is not an object")
            }
            TypeErrorCase::NoNewTarget => "Promise constructor cannot be invoked without 'new'".into(),
            TypeErrorCase::ExecutorNotCallable(v) => format!("Promise resolver {v:?} is not a function"),
            TypeErrorCase::ChainingCycle(v) => format!("Chaining cycle detected for promise {v:?}"),
            _ => "unknown".into(),
        };
        Val::str(&format!("TypeError: {message}"))
    }
    fn aggregate_error(&self, errors: Vec<Val>) -> Val {
        let error = self.object_with("", None, Kind::Ordinary);
        error.set(Key::s("name"), Val::str("AggregateError"));
        error.set_hidden(Key::s("errors"), self.create_array_from_list(errors));
        Val::Obj(error)
    }
    fn promise_constructor(&self) -> Val {
        Val::Obj(self.promise_ctor())
    }
    fn promise_object(&self, promise: ModelPromise) -> Val {
        Val::Obj(self.object_with("", Some(self.promise_proto()), Kind::Promise(promise)))
    }
    fn promise_of(&self, value: &Val) -> Option<ModelPromise> {
        match value {
            Val::Obj(o) => o.promise(),
            _ => None,
        }
    }
    fn promise_with_intrinsic_then(&self, value: &Val) -> Option<ModelPromise> {
        let Val::Obj(o) = value else { return None };
        let promise = o.promise()?;
        let proto = self.promise_proto();
        let intact = o.own(&Key::s("then")).is_none()
            && o.own(&Key::s("constructor")).is_none()
            && matches!(&*o.0.proto.borrow(), Some(p) if Rc::ptr_eq(&p.0, &proto.0))
            && self.is_data(&proto, &Key::s("then"), self.0.then_fn.borrow().as_ref()?)
            && self.is_data(&proto, &Key::s("constructor"), &self.promise_ctor())
            && matches!(self.promise_ctor().own(&Key::Species),
                Some(Prop { value: PropValue::Getter(Val::Obj(g)), .. })
                    if Rc::ptr_eq(&g.0, &self.0.species_getter.borrow().as_ref()?.0));
        intact.then_some(promise)
    }
    fn report_job_error(&self, error: Val) {
        self.0.job_errors.borrow_mut().push(format!("{error:?}"));
    }
}
