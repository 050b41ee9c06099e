//! settle-inspect: Node's `util.inspect` and `console.log` formatting, for any JavaScript engine.
//!
//! The rules (depth 2, line width 80, `compact: 3`, arrays of more than six short items grouped
//! in columns, `[Circular *1]`, Promise states, errors by their stack) are written once here;
//! an engine shows its values to them through the small [`Heap`] trait. Both engines use it:
//! settle-js (`js/src/inspect.rs`) and settle-boa (`boa/src/inspect.rs`) only say what their
//! values are.
//!
//! ```
//! use settle_inspect::{Class, Heap, Slot, View, inspect};
//!
//! // A toy engine whose values are numbers and arrays of them.
//! #[derive(Clone)]
//! enum V { N(f64), A(std::rc::Rc<Vec<V>>) }
//! struct Toy;
//! impl Heap for Toy {
//!     type Value = V;
//!     type Object = std::rc::Rc<Vec<V>>;
//!     fn view(&mut self, v: &V) -> View<Self::Object> {
//!         match v { V::N(n) => View::Number(*n), V::A(a) => View::Object(a.clone()) }
//!     }
//!     fn same(&mut self, a: &Self::Object, b: &Self::Object) -> bool { std::rc::Rc::ptr_eq(a, b) }
//!     fn class(&mut self, a: &Self::Object) -> Class<V> { Class::Array(a.iter().cloned().map(Some).collect()) }
//!     fn own_keys(&mut self, _: &Self::Object) -> Vec<String> { Vec::new() }
//!     fn own_slot(&mut self, _: &Self::Object, _: &str) -> Option<Slot<V>> { None }
//!     fn constructor_name(&mut self, _: &Self::Object) -> Option<String> { Some("Array".into()) }
//!     fn has_prototype(&mut self, _: &Self::Object) -> bool { true }
//!     fn error_stack(&mut self, _: &Self::Object) -> String { String::new() }
//!     fn to_number(&mut self, v: &V) -> f64 { match v { V::N(n) => *n, _ => f64::NAN } }
//! }
//! let v = V::A(std::rc::Rc::new(vec![V::N(1.0), V::N(2.5)]));
//! assert_eq!(inspect(&mut Toy, &v), "[ 1, 2.5 ]");
//! ```

mod number;

pub use number::number_to_string;

const BREAK_LENGTH: usize = 80;
const DEPTH: usize = 2;
const MAX_ARRAY_LENGTH: usize = 100;

/// What a value is, as the inspector needs to know it.
#[derive(Clone, Debug)]
pub enum View<O> {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// A symbol, by its description (`Symbol(desc)`).
    Symbol(String),
    /// A BigInt, by its decimal digits.
    BigInt(String),
    /// An object.
    Object(O),
}

/// What kind of object it is.
#[derive(Clone, Debug)]
pub enum Class<V> {
    /// An array and its elements (`None`: a hole, shown as `<N empty items>`).
    Array(Vec<Option<V>>),
    /// An array given by its `length` and its own enumerable index properties, ascending
    /// (an accessor among them shown as `[Getter]`): one whose length is far past its
    /// elements (`a[4294967294] = 1`), which Node shows as its formatSpecialArray does.
    SparseArray {
        /// The array's `length`.
        length: usize,
        /// Each own enumerable array index with its property.
        elements: Vec<(usize, Slot<V>)>,
    },
    /// An `arguments` object.
    Arguments,
    /// A function, with its `name`, and whether it is async, a generator or a class.
    Function {
        /// The function's name (empty for an anonymous one).
        name: String,
        /// An async function.
        is_async: bool,
        /// A generator function.
        is_generator: bool,
        /// A class constructor (Node's test: its source text starts with `class`).
        is_class: bool,
        /// For a class, the `name` of its [[Prototype]] when that is a non-empty string: Node
        /// prints `[class B extends A]`.
        extends: Option<String>,
    },
    /// An Error instance.
    Error,
    /// A promise: `None` pending, else fulfilled or rejected with a value.
    Promise(Option<Result<V, V>>),
    /// A primitive's wrapper object (`new Number(5)`, `Object(Symbol())`), with the primitive:
    /// `[Number: 5]`; a String wrapper's index properties are not listed.
    Boxed(V),
    /// An object Node shows by its `Symbol.toStringTag`, such as a generator or an array
    /// iterator: `Tagged("Generator")` is `Object [Generator] {}`.
    Tagged(String),
    /// A RegExp, with the text RegExp.prototype.toString gives it (`/a/g`).
    RegExp(String),
    /// A Date, with its ISO text (`Date.prototype.toISOString`) or `Invalid Date`.
    Date(String),
    /// A Map and its entries in order: `Map(1) { 'a' => 1 }`.
    Map(Vec<(V, V)>),
    /// A Set and its values in order: `Set(2) { 1, 2 }`.
    Set(Vec<V>),
    /// A WeakMap or WeakSet (by its kind's name), whose entries Node does not show:
    /// `WeakMap { <items unknown> }`.
    Weak(String),
    /// Any other object.
    Object,
}

/// An own property as the inspector shows it.
#[derive(Clone, Debug)]
pub enum Slot<V> {
    /// A data property's value.
    Data(V),
    /// An accessor, with whether it has a getter and a setter.
    Accessor {
        /// It has a getter.
        get: bool,
        /// It has a setter.
        set: bool,
    },
}

/// An engine's values, as [`inspect`] reads them. No method may run user code.
///
/// See the crate documentation for an implementation.
pub trait Heap {
    /// A value.
    type Value: Clone;
    /// An object (a cheap handle).
    type Object: Clone;
    /// What `v` is.
    fn view(&mut self, v: &Self::Value) -> View<Self::Object>;
    /// Whether `a` and `b` are the same object.
    fn same(&mut self, a: &Self::Object, b: &Self::Object) -> bool;
    /// What kind of object `o` is.
    fn class(&mut self, o: &Self::Object) -> Class<Self::Value>;
    /// `o`'s own enumerable string keys, in property order (array indices first).
    fn own_keys(&mut self, o: &Self::Object) -> Vec<String>;
    /// `o`'s own property `key`.
    fn own_slot(&mut self, o: &Self::Object, key: &str) -> Option<Slot<Self::Value>>;
    /// `o`'s own enumerable symbol-keyed properties, in property order: each symbol as
    /// `Symbol.prototype.toString` shows it (`Symbol(a)`) and its property. None by default.
    fn own_symbol_properties(&mut self, o: &Self::Object) -> Vec<(String, Slot<Self::Value>)> {
        let _ = o;
        Vec::new()
    }
    /// The name of the constructor on `o`'s prototype chain, if any.
    fn constructor_name(&mut self, o: &Self::Object) -> Option<String>;
    /// Whether `o` has a prototype (`false`: `[Object: null prototype]`).
    fn has_prototype(&mut self, o: &Self::Object) -> bool;
    /// An error's `stack` (`Name: message` and where it was made).
    fn error_stack(&mut self, o: &Self::Object) -> String;
    /// ToNumber, for `%d` and `%f` (NaN where it would run user code).
    fn to_number(&mut self, v: &Self::Value) -> f64;
}

struct Ctx<H: Heap> {
    seen: Vec<H::Object>,
    /// The objects met again while being formatted, with their reference numbers in the
    /// order they were first met again (Node's `ctx.circular`): `[Circular *N]` inside,
    /// `<ref *N>` before the object itself.
    circular: Vec<(H::Object, usize)>,
    indentation: usize,
}

impl<H: Heap> Ctx<H> {
    fn new() -> Ctx<H> {
        Ctx { seen: Vec::new(), circular: Vec::new(), indentation: 0 }
    }

    /// The reference number of `obj` if it was met again inside itself.
    fn circular_index(&self, heap: &mut H, obj: &H::Object) -> Option<usize> {
        self.circular.iter().find(|(o, _)| heap.same(o, obj)).map(|&(_, i)| i)
    }
}

/// Whether a function whose `Function.prototype.toString` is `source` is a class, by Node's
/// test (`isClass` in lib/internal/util/inspect.js): the text starts with the keyword `class`.
///
/// ```
/// assert!(settle_inspect::is_class_source("class A extends B {}"));
/// assert!(settle_inspect::is_class_source("class{}"));
/// assert!(!settle_inspect::is_class_source("classify() {}"));
/// assert!(!settle_inspect::is_class_source("function A() {}"));
/// ```
pub fn is_class_source(source: &str) -> bool {
    source.strip_prefix("class").is_some_and(|rest| rest.starts_with(|c: char| c.is_whitespace() || c == '{'))
}

/// `util.inspect(value)`.
///
/// See the crate documentation for an example.
pub fn inspect<H: Heap>(heap: &mut H, value: &H::Value) -> String {
    let mut ctx = Ctx::new();
    format_value(heap, &mut ctx, value, 0)
}

/// `console.log(...args)`: format specifiers in a first string argument, then the rest
/// separated by spaces, strings as they are.
///
/// `%j` is left to the caller (`json`: JSON.stringify of the value, `None` for `undefined`).
///
/// ```
/// # use settle_inspect::*;
/// # #[derive(Clone)] enum V { S(&'static str), N(f64) }
/// # struct T;
/// # impl Heap for T {
/// #     type Value = V; type Object = ();
/// #     fn view(&mut self, v: &V) -> View<()> { match v { V::S(s) => View::String(s.to_string()), V::N(n) => View::Number(*n) } }
/// #     fn same(&mut self, _: &(), _: &()) -> bool { true }
/// #     fn class(&mut self, _: &()) -> Class<V> { Class::Object }
/// #     fn own_keys(&mut self, _: &()) -> Vec<String> { vec![] }
/// #     fn own_slot(&mut self, _: &(), _: &str) -> Option<Slot<V>> { None }
/// #     fn constructor_name(&mut self, _: &()) -> Option<String> { None }
/// #     fn has_prototype(&mut self, _: &()) -> bool { true }
/// #     fn error_stack(&mut self, _: &()) -> String { String::new() }
/// #     fn to_number(&mut self, v: &V) -> f64 { match v { V::N(n) => *n, _ => f64::NAN } }
/// # }
/// let line = format_log(&mut T, &[V::S("%d items:"), V::N(3.0), V::S("ok")], |_, _| None);
/// assert_eq!(line, "3 items: ok");
/// ```
pub fn format_log<H: Heap>(
    heap: &mut H,
    args: &[H::Value],
    mut json: impl FnMut(&mut H, &H::Value) -> Option<String>,
) -> String {
    let mut out = String::new();
    if let Some(first) = args.first()
        && args.len() > 1
        && let View::String(first) = heap.view(first)
        && first.contains('%')
    {
        let mut used = 1;
        let mut chars = first.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.peek().copied() {
                Some('%') => {
                    chars.next();
                    out.push('%');
                }
                Some(spec @ ('s' | 'd' | 'i' | 'f' | 'j' | 'o' | 'O' | 'c')) if used < args.len() => {
                    chars.next();
                    let arg = &args[used];
                    used += 1;
                    match spec {
                        's' => match heap.view(arg) {
                            View::String(s) => out.push_str(&s),
                            View::Object(_) => out.push_str(&inspect(heap, arg)),
                            other => out.push_str(&format_primitive(&other)),
                        },
                        'd' | 'i' => {
                            let n = heap.to_number(arg);
                            let n = if spec == 'i' { n.trunc() } else { n };
                            out.push_str(&format_number(n));
                        }
                        'f' => out.push_str(&format_number(heap.to_number(arg))),
                        'j' => out.push_str(&json(heap, arg).unwrap_or_else(|| "undefined".into())),
                        'o' | 'O' => out.push_str(&inspect(heap, arg)),
                        _ => {}
                    }
                }
                _ => out.push('%'),
            }
        }
        for arg in &args[used..] {
            out.push(' ');
            push_arg(heap, &mut out, arg);
        }
        return out;
    }
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_arg(heap, &mut out, arg);
    }
    out
}

fn push_arg<H: Heap>(heap: &mut H, out: &mut String, arg: &H::Value) {
    match heap.view(arg) {
        View::String(s) => out.push_str(&s),
        _ => out.push_str(&inspect(heap, arg)),
    }
}

fn format_number(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() { "-0".into() } else { number_to_string(n) }
}

fn format_primitive<O>(v: &View<O>) -> String {
    match v {
        View::Undefined => "undefined".into(),
        View::Null => "null".into(),
        View::Bool(b) => b.to_string(),
        View::Number(n) => format_number(*n),
        View::String(s) => quote(s),
        View::Symbol(d) => format!("Symbol({d})"),
        View::BigInt(digits) => format!("{digits}n"),
        View::Object(_) => String::new(),
    }
}

/// Node's `strEscape`: single quotes unless the string has some, then double quotes or
/// backticks.
///
/// ```
/// assert_eq!(settle_inspect::quote("it's"), "\"it's\"");
/// assert_eq!(settle_inspect::quote("a\nb"), "'a\\nb'");
/// ```
pub fn quote(s: &str) -> String {
    let quote = if s.contains('\'') {
        if !s.contains('"') {
            '"'
        } else if !s.contains('`') && !s.contains("${") {
            '`'
        } else {
            '\''
        }
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\'' if quote == '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn format_key(key: &str) -> String {
    let mut chars = key.chars();
    let ident = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    };
    if ident { key.to_string() } else { quote(key) }
}

fn is_array_index(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && (key == "0" || !key.starts_with('0'))
}

fn format_value<H: Heap>(heap: &mut H, ctx: &mut Ctx<H>, value: &H::Value, recurse_times: usize) -> String {
    let view = heap.view(value);
    let View::Object(obj) = view else { return format_primitive(&view) };
    if ctx.seen.iter().any(|o| heap.same(o, &obj)) {
        let index = match ctx.circular_index(heap, &obj) {
            Some(index) => index,
            None => {
                let index = ctx.circular.len() + 1;
                ctx.circular.push((obj, index));
                index
            }
        };
        return format!("[Circular *{index}]");
    }
    format_raw(heap, ctx, &obj, recurse_times)
}

fn format_raw<H: Heap>(heap: &mut H, ctx: &mut Ctx<H>, obj: &H::Object, recurse_times: usize) -> String {
    let keys = heap.own_keys(obj);
    // Node lists enumerable symbol keys after the string keys (`[Symbol(a)]: 1`).
    let symbols = heap.own_symbol_properties(obj);
    let constructor = heap.constructor_name(obj);
    let class = heap.class(obj);
    let mut base = String::new();
    let braces_open: String;
    let mut array = None;
    let mut keys_to_show = keys.clone();
    match &class {
        Class::Array(items) => {
            keys_to_show = keys.iter().filter(|k| !is_array_index(k)).cloned().collect();
            let prefix = match constructor.as_deref() {
                Some("Array") => String::new(),
                Some(other) => format!("{other}({}) ", items.len()),
                None => format!("[Array({}): null prototype] ", items.len()),
            };
            if items.is_empty() && (keys_to_show.is_empty() && symbols.is_empty()) {
                return format!("{prefix}[]");
            }
            braces_open = format!("{prefix}[");
            array = Some(items.clone());
        }
        Class::SparseArray { length, elements } => {
            keys_to_show = keys.iter().filter(|k| !is_array_index(k)).cloned().collect();
            let prefix = match constructor.as_deref() {
                Some("Array") => String::new(),
                Some(other) => format!("{other}({length}) "),
                None => format!("[Array({length}): null prototype] "),
            };
            if *length == 0 && (keys_to_show.is_empty() && symbols.is_empty()) {
                return format!("{prefix}[]");
            }
            braces_open = format!("{prefix}[");
            // What the grouping reads of `value[i]` for the first entries (Node indexes the
            // array by entry), and whether there are more than MAX_ARRAY_LENGTH items.
            let head = (0..(*length).min(MAX_ARRAY_LENGTH + 1))
                .map(|i| match elements.iter().find(|(k, _)| *k == i) {
                    Some((_, Slot::Data(v))) => Some(v.clone()),
                    _ => None,
                })
                .collect();
            array = Some(head);
        }
        Class::Arguments => {
            braces_open = "[Arguments] {".into();
            if keys.is_empty() && symbols.is_empty() {
                return "[Arguments] {}".into();
            }
        }
        Class::Function { name, is_async, is_generator, is_class, extends } => {
            base = if *is_class {
                let name = if name.is_empty() { "(anonymous)" } else { name };
                match extends {
                    Some(parent) => format!("[class {name} extends {parent}]"),
                    None => format!("[class {name}]"),
                }
            } else {
                let kind = match (is_async, is_generator) {
                    (true, true) => "AsyncGeneratorFunction",
                    (false, true) => "GeneratorFunction",
                    (true, false) => "AsyncFunction",
                    (false, false) => "Function",
                };
                if name.is_empty() { format!("[{kind} (anonymous)]") } else { format!("[{kind}: {name}]") }
            };
            if keys.is_empty() && symbols.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        Class::Error => {
            let stack = heap.error_stack(obj);
            base = if ctx.indentation > 0 {
                stack.replace('\n', &format!("\n{}", " ".repeat(ctx.indentation)))
            } else {
                stack
            };
            if keys.is_empty() && symbols.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        Class::Promise(_) => {
            braces_open = "Promise {".into();
        }
        // A wrapper object: Node's `[Number: 5]`, `[String: 'ab']` (its index properties are
        // not listed), `[Boolean: true]`, `[BigInt: 1n]`, `[Symbol: Symbol(a)]`.
        Class::Boxed(v) => {
            let view = heap.view(v);
            let kind = match view {
                View::String(_) => "String",
                View::Bool(_) => "Boolean",
                View::BigInt(_) => "BigInt",
                View::Symbol(_) => "Symbol",
                _ => "Number",
            };
            if matches!(view, View::String(_)) {
                keys_to_show.retain(|k| !is_array_index(k));
            }
            base = format!("[{kind}: {}]", format_primitive(&view));
            if keys_to_show.is_empty() && symbols.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        Class::Tagged(tag) => {
            if keys.is_empty() && symbols.is_empty() {
                return format!("Object [{tag}] {{}}");
            }
            braces_open = format!("Object [{tag}] {{");
        }
        // Node's formatRaw: the regex's text, after its constructor's name for a subclass;
        // shown as itself even past the depth limit.
        Class::RegExp(text) => {
            base = match constructor.as_deref() {
                Some("RegExp") => text.clone(),
                Some(name) => format!("{name} {text}"),
                None => format!("[RegExp: null prototype] {text}"),
            };
            if (keys.is_empty() && symbols.is_empty()) || recurse_times > DEPTH {
                return base;
            }
            braces_open = "{".into();
        }
        // Node's formatRaw for a Date: its ISO text (a subclass's name before it), then any
        // own properties in braces.
        Class::Date(text) => {
            base = match constructor.as_deref() {
                Some("Date") => text.clone(),
                Some(name) => format!("{name} {text}"),
                None => format!("[Date: null prototype] {text}"),
            };
            if keys.is_empty() && symbols.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        // Node's getPrefix(constructor, tag, 'Map', `(${size})`): `Map(2) {`, a subclass's
        // `Sub(2) [Map] {`, `[Map(2): null prototype] {`.
        Class::Map(_) | Class::Set(_) => {
            let (kind, size) = match &class {
                Class::Map(entries) => ("Map", entries.len()),
                Class::Set(values) => ("Set", values.len()),
                _ => unreachable!("matched above"),
            };
            let prefix = match constructor.as_deref() {
                Some(c) if c == kind => format!("{kind}({size}) "),
                Some(c) => format!("{c}({size}) [{kind}] "),
                None => format!("[{kind}({size}): null prototype] "),
            };
            if size == 0 && (keys.is_empty() && symbols.is_empty()) {
                return format!("{prefix}{{}}");
            }
            braces_open = format!("{prefix}{{");
        }
        Class::Weak(kind) => {
            let prefix = match constructor.as_deref() {
                Some(c) if c == kind => format!("{kind} "),
                Some(c) => format!("{c} [{kind}] "),
                None => format!("[{kind}: null prototype] "),
            };
            braces_open = format!("{prefix}{{");
        }
        Class::Object => {
            let name = match (&constructor, heap.has_prototype(obj)) {
                (_, false) => "[Object: null prototype] ".to_string(),
                (Some(n), _) if n == "Object" => String::new(),
                (Some(n), _) => format!("{n} "),
                (None, _) => String::new(),
            };
            if keys.is_empty() && symbols.is_empty() {
                return format!("{name}{{}}");
            }
            braces_open = format!("{name}{{");
        }
    }
    let braces_close = if array.is_some() { "]" } else { "}" };
    if recurse_times > DEPTH {
        let name = match &class {
            Class::Array(_) | Class::SparseArray { .. } => "Array".to_string(),
            Class::Promise(_) => "Promise".to_string(),
            _ => constructor.unwrap_or_else(|| "Object".into()),
        };
        return format!("[{name}]");
    }
    let recurse_times = recurse_times + 1;
    ctx.seen.push(obj.clone());
    let mut output: Vec<String> = Vec::new();
    match &class {
        Class::Array(items) => {
            // Node's formatArray / formatSpecialArray: a run of holes is one entry,
            // `<N empty items>`; at most MAX_ARRAY_LENGTH entries, then how many items remain.
            let mut i = 0;
            while i < items.len() && output.len() < MAX_ARRAY_LENGTH {
                match &items[i] {
                    Some(item) => {
                        ctx.indentation += 2;
                        let s = format_value(heap, ctx, item, recurse_times);
                        ctx.indentation -= 2;
                        output.push(s);
                        i += 1;
                    }
                    None => {
                        let run = items[i..].iter().take_while(|e| e.is_none()).count();
                        output.push(format!("<{run} empty item{}>", if run > 1 { "s" } else { "" }));
                        i += run;
                    }
                }
            }
            if i < items.len() {
                let more = items.len() - i;
                output.push(format!("... {more} more item{}", if more > 1 { "s" } else { "" }));
            }
        }
        // Node's formatSpecialArray: each element in index order, a gap between two as
        // `<N empty items>`, at most MAX_ARRAY_LENGTH entries, then what remains.
        Class::SparseArray { length, elements } => {
            let max = MAX_ARRAY_LENGTH.min(*length);
            let mut index = 0;
            for (k, slot) in elements {
                if output.len() >= max {
                    break;
                }
                if *k != index {
                    let empty = k - index;
                    output.push(format!("<{empty} empty item{}>", if empty > 1 { "s" } else { "" }));
                    index = *k;
                    if output.len() == max {
                        break;
                    }
                }
                output.push(format_slot(heap, ctx, Some(slot.clone()), recurse_times));
                index += 1;
            }
            let remaining = length - index;
            if output.len() != max {
                if remaining > 0 {
                    output.push(format!("<{remaining} empty item{}>", if remaining > 1 { "s" } else { "" }));
                }
            } else if remaining > 0 {
                output.push(format!("... {remaining} more item{}", if remaining > 1 { "s" } else { "" }));
            }
        }
        // Node's formatMap / formatSet: each entry indented like a property.
        Class::Map(entries) => {
            ctx.indentation += 2;
            for (k, v) in entries {
                let k = format_value(heap, ctx, k, recurse_times);
                let v = format_value(heap, ctx, v, recurse_times);
                output.push(format!("{k} => {v}"));
            }
            ctx.indentation -= 2;
        }
        Class::Set(values) => {
            ctx.indentation += 2;
            for v in values {
                output.push(format_value(heap, ctx, v, recurse_times));
            }
            ctx.indentation -= 2;
        }
        Class::Weak(_) => output.push("<items unknown>".into()),
        Class::Promise(state) => match state {
            None => output.push("<pending>".into()),
            Some(result) => {
                ctx.indentation += 2;
                let (prefix, v) = match result {
                    Ok(v) => ("", v),
                    Err(e) => ("<rejected> ", e),
                };
                let s = format_value(heap, ctx, v, recurse_times);
                ctx.indentation -= 2;
                output.push(format!("{prefix}{s}"));
            }
        },
        _ => {}
    }
    for key in &keys_to_show {
        output.push(format_property(heap, ctx, obj, key, recurse_times));
    }
    for (symbol, slot) in symbols {
        let shown = format_slot(heap, ctx, Some(slot), recurse_times);
        output.push(format!("[{symbol}]: {shown}"));
    }
    ctx.seen.pop();
    if let Some(index) = ctx.circular_index(heap, obj) {
        base = if base.is_empty() { format!("<ref *{index}>") } else { format!("<ref *{index}> {base}") };
    }
    reduce_to_single_string(heap, ctx, output, &base, &braces_open, braces_close, array.as_deref())
}

fn format_property<H: Heap>(
    heap: &mut H,
    ctx: &mut Ctx<H>,
    obj: &H::Object,
    key: &str,
    recurse_times: usize,
) -> String {
    let slot = heap.own_slot(obj, key);
    let str = format_slot(heap, ctx, slot, recurse_times);
    format!("{}: {str}", format_key(key))
}

/// A property's value as Node shows it after its key: the value, or `[Getter]` and the like.
fn format_slot<H: Heap>(
    heap: &mut H,
    ctx: &mut Ctx<H>,
    slot: Option<Slot<H::Value>>,
    recurse_times: usize,
) -> String {
    match slot {
        Some(Slot::Accessor { get: true, set: true }) => "[Getter/Setter]".to_string(),
        Some(Slot::Accessor { get: true, set: false }) => "[Getter]".to_string(),
        Some(Slot::Accessor { get: false, set: true }) => "[Setter]".to_string(),
        Some(Slot::Accessor { get: false, set: false }) | None => "undefined".to_string(),
        Some(Slot::Data(v)) => {
            ctx.indentation += 2;
            let s = format_value(heap, ctx, &v, recurse_times);
            ctx.indentation -= 2;
            s
        }
    }
}

fn is_below_break_length(output: &[String], start: usize, base: &str) -> bool {
    let mut total = output.len() + start;
    if total + output.len() > BREAK_LENGTH {
        return false;
    }
    for entry in output {
        total += entry.chars().count();
        if total > BREAK_LENGTH {
            return false;
        }
    }
    base.is_empty() || !base.contains('\n')
}

fn reduce_to_single_string<H: Heap>(
    heap: &mut H,
    ctx: &mut Ctx<H>,
    mut output: Vec<String>,
    base: &str,
    open: &str,
    close: &str,
    array: Option<&[Option<H::Value>]>,
) -> String {
    let entries = output.len();
    if let Some(items) = array
        && entries > 6
    {
        output = group_array_elements(heap, ctx, output, items);
    }
    if entries == output.len() {
        let start = output.len() + ctx.indentation + open.chars().count() + base.chars().count() + 10;
        if is_below_break_length(&output, start, base) {
            let joined = output.join(", ");
            if !joined.contains('\n') {
                let base = if base.is_empty() { String::new() } else { format!("{base} ") };
                return format!("{base}{open} {joined} {close}");
            }
        }
    }
    let indentation = format!("\n{}", " ".repeat(ctx.indentation));
    let base = if base.is_empty() { String::new() } else { format!("{base} ") };
    format!("{base}{open}{indentation}  {}{indentation}{close}", output.join(&format!(",{indentation}  ")))
}

fn group_array_elements<H: Heap>(
    heap: &mut H,
    ctx: &Ctx<H>,
    output: Vec<String>,
    items: &[Option<H::Value>],
) -> Vec<String> {
    let mut total_length = 0;
    let mut max_length = 0;
    let mut output_length = output.len();
    if items.len() > MAX_ARRAY_LENGTH {
        output_length -= 1;
    }
    let separator_space = 2;
    let data_len: Vec<usize> = output.iter().take(output_length).map(|s| s.chars().count()).collect();
    for len in &data_len {
        total_length += len + separator_space;
        max_length = max_length.max(*len);
    }
    let actual_max = max_length + separator_space;
    if actual_max * 3 + ctx.indentation < BREAK_LENGTH
        && (total_length as f64 / actual_max as f64 > 5.0 || max_length <= 6)
    {
        let approx_char_heights = 2.5;
        let average_bias = (actual_max as f64 - total_length as f64 / output.len() as f64).sqrt();
        let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
        let columns = ((approx_char_heights * biased_max * output_length as f64).sqrt() / biased_max)
            .round()
            .min(((BREAK_LENGTH - ctx.indentation) / actual_max) as f64)
            .min(12.0)
            .min(15.0) as usize;
        if columns <= 1 {
            return output;
        }
        let mut max_line_length = Vec::new();
        for i in 0..columns {
            let mut line_length = 0;
            let mut j = i;
            while j < output_length {
                line_length = line_length.max(data_len[j]);
                j += columns;
            }
            max_line_length.push(line_length + separator_space);
        }
        // Node pads numbers and bigints at the start, so that their digits line up.
        let numbers = items
            .iter()
            .take(output_length)
            .all(|v| v.as_ref().is_some_and(|v| matches!(heap.view(v), View::Number(_) | View::BigInt(_))));
        let mut tmp = Vec::new();
        let mut i = 0;
        while i < output_length {
            let max = (i + columns).min(output_length);
            let mut line = String::new();
            let mut j = i;
            while j < max - 1 {
                let cell = format!("{}, ", output[j]);
                let width = max_line_length[j - i];
                line.push_str(&pad(&cell, width, numbers));
                j += 1;
            }
            if numbers {
                let width = max_line_length[j - i] - separator_space;
                line.push_str(&pad(&output[j], width, true));
            } else {
                line.push_str(&output[j]);
            }
            tmp.push(line);
            i += columns;
        }
        if output_length < output.len() {
            tmp.push(output[output_length].clone());
        }
        return tmp;
    }
    output
}

fn pad(s: &str, width: usize, start: bool) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let fill = " ".repeat(width - len);
    if start { format!("{fill}{s}") } else { format!("{s}{fill}") }
}
