//! `console.log` for Boa's values: settle-inspect's Node rules, read through [`Heap`].

use boa_engine::builtins::error::Error;
use boa_engine::builtins::function::OrdinaryFunction;
use boa_engine::builtins::generator::Generator;
use boa_engine::builtins::map::ordered_map::OrderedMap;
use boa_engine::builtins::promise::{Promise, PromiseState};
use boa_engine::builtins::set::ordered_set::OrderedSet;
use boa_engine::object::builtins::{JsPromise, JsRegExp};
use boa_engine::property::PropertyKey;
use boa_engine::value::JsVariant;
use boa_engine::{Context, JsObject, JsString, JsValue, js_string};
use settle_inspect::{Class, Heap, Slot, View};

/// Boa's values as the inspector reads them: own data properties straight from the object's
/// property map, so that inspecting never calls a getter or a `toString`.
struct BoaHeap<'a>(&'a mut Context);

fn data(obj: &JsObject, key: &str) -> Option<JsValue> {
    let desc = obj.borrow().properties().get(&PropertyKey::from(JsString::from(key)))?;
    desc.value().cloned()
}

/// A property as the inspector shows it: its value, or which halves of an accessor it has.
fn slot(desc: &boa_engine::property::PropertyDescriptor) -> Slot<JsValue> {
    if desc.is_accessor_descriptor() {
        let present = |v: Option<&JsValue>| v.is_some_and(|v| !v.is_undefined());
        return Slot::Accessor { get: present(desc.get()), set: present(desc.set()) };
    }
    Slot::Data(desc.value().cloned().unwrap_or_default())
}

fn string(v: &JsValue) -> Option<String> {
    v.as_string().map(|s| s.to_std_string_escaped())
}

impl Heap for BoaHeap<'_> {
    type Value = JsValue;
    type Object = JsObject;

    fn view(&mut self, v: &JsValue) -> View<JsObject> {
        match v.variant() {
            JsVariant::Undefined => View::Undefined,
            JsVariant::Null => View::Null,
            JsVariant::Boolean(b) => View::Bool(b),
            JsVariant::Integer32(i) => View::Number(f64::from(i)),
            JsVariant::Float64(n) => View::Number(n),
            JsVariant::String(s) => View::String(s.to_std_string_escaped()),
            JsVariant::Symbol(s) => {
                View::Symbol(s.description().map(|d| d.to_std_string_escaped()).unwrap_or_default())
            }
            JsVariant::BigInt(b) => View::BigInt(b.to_string()),
            JsVariant::Object(o) => View::Object(o),
        }
    }

    fn same(&mut self, a: &JsObject, b: &JsObject) -> bool {
        JsObject::equals(a, b)
    }

    fn class(&mut self, o: &JsObject) -> Class<JsValue> {
        if o.is_array() {
            let len = data(o, "length").and_then(|l| l.as_number()).unwrap_or(0.0) as u32;
            let items = (0..len)
                .map(|i| {
                    o.borrow()
                        .properties()
                        .get(&PropertyKey::from(i))
                        .map(|d| d.value().cloned().unwrap_or_default())
                })
                .collect();
            return Class::Array(items);
        }
        if o.is_callable() {
            let name = data(o, "name").as_ref().and_then(string).unwrap_or_default();
            let constructors = self.0.intrinsics().constructors();
            let made_by = |c: &boa_engine::context::intrinsics::StandardConstructor| {
                o.prototype().is_some_and(|p| JsObject::equals(&p, &c.prototype()))
            };
            let (is_async, is_generator) = if made_by(constructors.async_generator_function()) {
                (true, true)
            } else {
                (made_by(constructors.async_function()), made_by(constructors.generator_function()))
            };
            // Node tells a class by its source text, which Boa 0.22's `toString` does not give,
            // and Boa does not expose a code block's class flag. A class is the one ordinary
            // function whose own `prototype` is not writable (ClassDefinitionEvaluation's
            // MakeConstructor(F, false, proto); functions and generators get a writable one),
            // unless a script redefined it.
            let is_class = o.is::<OrdinaryFunction>()
                && o.borrow()
                    .properties()
                    .get(&PropertyKey::from(js_string!("prototype")))
                    .is_some_and(|d| d.writable() == Some(false));
            let extends = is_class
                .then(|| o.prototype())
                .flatten()
                .and_then(|p| data(&p, "name"))
                .as_ref()
                .and_then(string)
                .filter(|n| !n.is_empty());
            return Class::Function { name, is_async, is_generator, is_class, extends };
        }
        // A Date: Boa's own toISOString (intrinsic code, no script runs), or Invalid Date.
        if o.is::<boa_engine::builtins::date::Date>()
            && let Ok(date) = boa_engine::object::builtins::JsDate::from_object(o.clone())
        {
            let text = date.to_iso_string(self.0).ok().as_ref().and_then(string);
            return Class::Date(text.unwrap_or_else(|| "Invalid Date".into()));
        }
        if let Some(map) = o.downcast_ref::<OrderedMap<JsValue>>() {
            return Class::Map(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        }
        if let Some(set) = o.downcast_ref::<OrderedSet>() {
            return Class::Set(set.iter().cloned().collect());
        }
        // Boa's weak collections' data type is private: tell them by their prototype chain.
        let constructors = self.0.intrinsics().constructors();
        for (kind, proto) in [
            ("WeakMap", constructors.weak_map().prototype()),
            ("WeakSet", constructors.weak_set().prototype()),
        ] {
            let mut at = o.prototype();
            while let Some(p) = at {
                if JsObject::equals(&p, &proto) {
                    return Class::Weak(kind.into());
                }
                at = p.prototype();
            }
        }
        if o.is::<Error>() {
            return Class::Error;
        }
        if o.is::<Promise>() {
            let state = match JsPromise::from_object(o.clone()).map(|p| p.state()) {
                Ok(PromiseState::Fulfilled(v)) => Some(Ok(v)),
                Ok(PromiseState::Rejected(e)) => Some(Err(e)),
                _ => None,
            };
            return Class::Promise(state);
        }
        if o.is::<Generator>() {
            return Class::Tagged("Generator".into());
        }
        // A primitive's wrapper: its [[NumberData]], [[BooleanData]], ... is the object's data.
        if let Some(n) = o.downcast_ref::<f64>() {
            return Class::Boxed(JsValue::from(*n));
        }
        if let Some(b) = o.downcast_ref::<bool>() {
            return Class::Boxed(JsValue::from(*b));
        }
        if let Some(s) = o.downcast_ref::<JsString>() {
            return Class::Boxed(JsValue::from(s.clone()));
        }
        if let Some(b) = o.downcast_ref::<boa_engine::JsBigInt>() {
            return Class::Boxed(JsValue::from(b.clone()));
        }
        if let Some(s) = o.downcast_ref::<boa_engine::JsSymbol>() {
            return Class::Boxed(JsValue::from(s.clone()));
        }
        if let Ok(re) = JsRegExp::from_object(o.clone()) {
            // RegExp.prototype.toString's text from the [[OriginalSource]] and flags.
            let source = re.source(self.0).unwrap_or_default();
            let flags = re.flags(self.0).unwrap_or_default();
            return Class::RegExp(format!("/{source}/{flags}"));
        }
        Class::Object
    }

    fn own_keys(&mut self, o: &JsObject) -> Vec<String> {
        enumerable_own_string_keys(o, self.0)
    }

    fn own_symbol_properties(&mut self, o: &JsObject) -> Vec<(String, Slot<JsValue>)> {
        let Ok(keys) = o.own_property_keys(self.0) else { return Vec::new() };
        keys.into_iter()
            .filter_map(|k| {
                let PropertyKey::Symbol(symbol) = &k else { return None };
                let desc = o.borrow().properties().get(&k).filter(|d| d.expect_enumerable())?;
                Some((symbol.descriptive_string().to_std_string_escaped(), slot(&desc)))
            })
            .collect()
    }

    fn own_slot(&mut self, o: &JsObject, key: &str) -> Option<Slot<JsValue>> {
        let key = match key.parse::<u32>() {
            Ok(i) if i.to_string() == key => PropertyKey::from(i),
            _ => PropertyKey::from(JsString::from(key)),
        };
        let desc = o.borrow().properties().get(&key)?;
        Some(slot(&desc))
    }

    fn constructor_name(&mut self, o: &JsObject) -> Option<String> {
        let mut current = o.prototype();
        while let Some(p) = current {
            if let Some(c) = data(&p, "constructor").and_then(|c| c.as_object())
                && c.is_callable()
            {
                return data(&c, "name").as_ref().and_then(string);
            }
            current = p.prototype();
        }
        None
    }

    fn has_prototype(&mut self, o: &JsObject) -> bool {
        o.prototype().is_some()
    }

    fn error_stack(&mut self, o: &JsObject) -> String {
        if let Some(stack) = data(o, "stack").as_ref().and_then(string) {
            return stack;
        }
        // Boa's `stack` is an accessor on Error.prototype: its getter is Boa's, not the script's.
        let head = error_head(self.0, o);
        match o.get(js_string!("stack"), self.0).ok().as_ref().and_then(string) {
            Some(stack) if stack.starts_with(&head) => stack,
            Some(stack) if !stack.is_empty() => format!("{head}\n{stack}"),
            _ => format!("{head}\n    at <anonymous>"),
        }
    }

    fn to_number(&mut self, v: &JsValue) -> f64 {
        if v.is_object() { f64::NAN } else { v.to_number(self.0).unwrap_or(f64::NAN) }
    }
}

/// `o`'s own enumerable string keys in property order (EnumerableOwnProperties(O, key)), read
/// from the property map: what the inspector lists and the structured clone copies.
pub(crate) fn enumerable_own_string_keys(o: &JsObject, cx: &mut Context) -> Vec<String> {
    let Ok(keys) = o.own_property_keys(cx) else { return Vec::new() };
    keys.into_iter()
        .filter(|k| !matches!(k, PropertyKey::Symbol(_)))
        .filter(|k| o.borrow().properties().get(k).is_some_and(|d| d.expect_enumerable()))
        .map(|k| k.to_string())
        .collect()
}

/// `Name: message` (or just the name when the message is empty), from data properties.
pub(crate) fn error_head(cx: &mut Context, o: &JsObject) -> String {
    let get = |cx: &mut Context, key: &str| -> String {
        match o.get(JsString::from(key), cx) {
            Ok(v) if v.is_string() => string(&v).unwrap_or_default(),
            _ => String::new(),
        }
    };
    let (name, message) = (get(cx, "name"), get(cx, "message"));
    let name = if name.is_empty() && message.is_empty() { "Error".to_string() } else { name };
    match (name.is_empty(), message.is_empty()) {
        (_, true) => name,
        (true, false) => message,
        (false, false) => format!("{name}: {message}"),
    }
}

/// Whether `v` is an Error instance.
pub(crate) fn is_error(v: &JsValue) -> bool {
    v.as_object().is_some_and(|o| o.is::<Error>())
}

/// `util.inspect(value)`.
pub(crate) fn inspect(value: &JsValue, cx: &mut Context) -> String {
    settle_inspect::inspect(&mut BoaHeap(cx), value)
}

/// `console.log(...args)`.
pub(crate) fn format_log(args: &[JsValue], cx: &mut Context) -> String {
    settle_inspect::format_log(&mut BoaHeap(cx), args, |heap, v| {
        let cx = &mut *heap.0;
        let json = cx.global_object().get(js_string!("JSON"), cx).ok()?.as_object()?;
        let stringify = json.get(js_string!("stringify"), cx).ok()?.as_callable()?;
        let out = stringify.call(&JsValue::undefined(), std::slice::from_ref(v), cx).ok()?;
        string(&out)
    })
}
