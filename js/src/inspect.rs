//! `console.log` and `util.inspect` for settle-js's values: settle-inspect's Node rules, read
//! through its [`Heap`] trait. This file only says what a value is; the rules are not here.

use settle_inspect::{Class as Kind, Heap, Slot as Shown, View};

use crate::value::{Class, Func, JsValue, Obj, Slot, function_name};

/// settle-js's values as the inspector reads them.
struct JsHeap;

impl Heap for JsHeap {
    type Value = JsValue;
    type Object = Obj;

    fn view(&mut self, v: &JsValue) -> View<Obj> {
        match v {
            JsValue::Undefined => View::Undefined,
            JsValue::Null => View::Null,
            JsValue::Bool(b) => View::Bool(*b),
            JsValue::Number(n) => View::Number(*n),
            JsValue::String(s) => View::String(s.to_string()),
            JsValue::Symbol(s) => View::Symbol(s.description().as_deref().unwrap_or("").to_string()),
            JsValue::BigInt(n) => View::BigInt(n.to_string()),
            JsValue::Object(o) => View::Object(o.clone()),
        }
    }

    fn same(&mut self, a: &Obj, b: &Obj) -> bool {
        a.ptr_eq(b)
    }

    fn class(&mut self, obj: &Obj) -> Kind<JsValue> {
        match obj.class() {
            Class::Array(items) if obj.is_plain_array() => Kind::Array(items.borrow().clone()),
            // Indices kept as properties or a far length: the length and each own enumerable
            // index, as Node's formatSpecialArray reads them (Object.keys).
            Class::Array(_) => Kind::SparseArray {
                length: obj.array_len().unwrap_or(0),
                elements: obj
                    .own_index_keys()
                    .into_iter()
                    .filter_map(|k| {
                        let desc =
                            obj.get_own_property(&*k.to_string()).filter(|d| d.enumerable == Some(true))?;
                        let slot = match desc.value {
                            Some(v) => Shown::Data(v),
                            None => Shown::Accessor {
                                get: desc.get.is_some_and(|g| !g.is_nullish()),
                                set: desc.set.is_some_and(|s| !s.is_nullish()),
                            },
                        };
                        Some((k as usize, slot))
                    })
                    .collect(),
            },
            Class::Arguments(_) => Kind::Arguments,
            Class::Function(func) => {
                let (is_async, is_generator, is_class) = match func {
                    Func::Closure { def, .. } => {
                        (def.is_async, def.is_generator, settle_inspect::is_class_source(&def.source))
                    }
                    _ => (false, false, false),
                };
                let name = match obj.own_prop("name").map(|p| p.slot) {
                    Some(Slot::Data(JsValue::String(s))) => s.to_string(),
                    _ => function_name(func),
                };
                // Node's getClassBase: ` extends ${ObjectGetPrototypeOf(value).name}` when truthy.
                let extends = is_class.then(|| obj.proto()).flatten().and_then(|p| {
                    match p.own_prop("name").map(|p| p.slot) {
                        Some(Slot::Data(JsValue::String(s))) if !s.is_empty() => Some(s.to_string()),
                        _ => None,
                    }
                });
                Kind::Function { name, is_async, is_generator, is_class, extends }
            }
            Class::Error(_) => Kind::Error,
            Class::Promise(p) => Kind::Promise(p.result()),
            Class::Symbol(s) => Kind::Boxed(JsValue::Symbol(s.clone())),
            Class::Primitive(v) => Kind::Boxed(v.clone()),
            Class::ListIterator(state) => {
                let string = matches!(state.borrow().target, Some(JsValue::String(_)));
                Kind::Tagged(if string { "String Iterator" } else { "Array Iterator" }.into())
            }
            Class::Generator(g) => {
                Kind::Tagged(if g.is_async() { "AsyncGenerator" } else { "Generator" }.into())
            }
            Class::RegExp(data) => Kind::RegExp(crate::builtins::regexp::regexp_text(data)),
            Class::RegExpStringIterator(_) => Kind::Tagged("RegExp String Iterator".into()),
            Class::Date(t) => Kind::Date(crate::builtins::date_text(t.get())),
            Class::Map(data) => Kind::Map(data.borrow().entries()),
            Class::Set(data) => Kind::Set(data.borrow().entries().into_iter().map(|(k, _)| k).collect()),
            Class::WeakMap(_) => Kind::Weak("WeakMap".into()),
            Class::WeakSet(_) => Kind::Weak("WeakSet".into()),
            Class::CollectionIterator(state) => {
                let set =
                    state.borrow().collection.as_ref().is_some_and(|c| matches!(c.class(), Class::Set(_)));
                Kind::Tagged(if set { "Set Iterator" } else { "Map Iterator" }.into())
            }
            Class::Object => Kind::Object,
        }
    }

    fn own_keys(&mut self, obj: &Obj) -> Vec<String> {
        obj.own_keys(true).iter().map(|k| k.to_string()).collect()
    }

    fn own_symbol_properties(&mut self, obj: &Obj) -> Vec<(String, Shown<JsValue>)> {
        obj.own_property_keys()
            .into_iter()
            .filter_map(|k| {
                let crate::property::PropertyKey::Symbol(symbol) = &k else { return None };
                let prop = obj.own_prop(&k).filter(|p| p.enumerable)?;
                Some((symbol.descriptive_string(), shown(prop.slot)))
            })
            .collect()
    }

    fn own_slot(&mut self, obj: &Obj, key: &str) -> Option<Shown<JsValue>> {
        Some(match obj.own_prop(key) {
            Some(prop) => shown(prop.slot),
            // A key the object lists without storing it (an exotic object's).
            None => Shown::Data(obj.get(key).unwrap_or_default()),
        })
    }

    fn constructor_name(&mut self, obj: &Obj) -> Option<String> {
        constructor_name(obj)
    }

    fn has_prototype(&mut self, obj: &Obj) -> bool {
        obj.proto().is_some()
    }

    fn error_stack(&mut self, obj: &Obj) -> String {
        if let Some(p) = obj.own_prop("stack")
            && let Slot::Data(JsValue::String(s)) = p.slot
        {
            return s.to_string();
        }
        crate::builtins::error_stack(obj)
    }

    fn to_number(&mut self, v: &JsValue) -> f64 {
        v.to_number().unwrap_or(f64::NAN)
    }
}

/// A stored property as the inspector shows it: its value, or which halves of an accessor
/// it has.
fn shown(slot: Slot) -> Shown<JsValue> {
    match slot {
        Slot::Accessor(get, set) => Shown::Accessor { get: get.is_some(), set: set.is_some() },
        Slot::Data(v) => Shown::Data(v),
    }
}

/// `util.inspect(value)`.
pub(crate) fn inspect(value: &JsValue) -> String {
    settle_inspect::inspect(&mut JsHeap, value)
}

/// `console.log(...args)`: format specifiers in a first string argument, then the rest
/// separated by spaces, strings as they are.
pub(crate) fn format_log(args: &[JsValue]) -> String {
    settle_inspect::format_log(&mut JsHeap, args, |_, v| crate::builtins::json_stringify(v).ok().flatten())
}

/// The constructor name shown before braces: `Foo {}` for `new Foo()`.
pub(crate) fn constructor_name(obj: &Obj) -> Option<String> {
    let mut current = obj.proto();
    while let Some(p) = current {
        if let Some(prop) = p.own_prop("constructor")
            && let Slot::Data(JsValue::Object(f)) = prop.slot
            && let Class::Function(func) = f.class()
        {
            return Some(function_name(func));
        }
        current = p.proto();
    }
    None
}

/// `Name: message` (or just the name when the message is empty).
pub(crate) fn error_head(obj: &Obj) -> String {
    let name =
        obj.get("name").ok().filter(|v| !matches!(v, JsValue::Undefined)).unwrap_or_else(|| "Error".into());
    let message = obj.get("message").ok().unwrap_or_default();
    let to_s = |v: &JsValue| match v {
        JsValue::Undefined => String::new(),
        other => other.to_js_string().map(|s| s.to_string()).unwrap_or_default(),
    };
    let (name, message) = (to_s(&name), to_s(&message));
    match (name.is_empty(), message.is_empty()) {
        (_, true) => name,
        (true, false) => message,
        (false, false) => format!("{name}: {message}"),
    }
}
