//! `console.log` formatting: Node's `util.inspect` rules (depth 2, line width 80, `compact: 3`,
//! arrays of more than six short items grouped in columns), for the values the subset has.

use crate::number::number_to_string;
use crate::realm::realm;
use crate::value::{Class, Func, JsValue, Obj, Slot, function_name};

const BREAK_LENGTH: usize = 80;
const DEPTH: usize = 2;
const MAX_ARRAY_LENGTH: usize = 100;

struct Ctx {
    seen: Vec<Obj>,
    /// Node's `ctx.circular`: the objects met again while being formatted, numbered in the
    /// order they were first met again (`[Circular *n]`, `<ref *n>`).
    circular: Vec<Obj>,
    indentation: usize,
    current_depth: usize,
}

/// `util.inspect(value)`.
pub(crate) fn inspect(value: &JsValue) -> String {
    let mut ctx = Ctx { seen: Vec::new(), circular: Vec::new(), indentation: 0, current_depth: 0 };
    format_value(&mut ctx, value, 0)
}

/// `console.log(...args)`: format specifiers in a first string argument, then the rest
/// separated by spaces, strings as they are.
pub(crate) fn format_log(args: &[JsValue]) -> String {
    let mut out = String::new();
    let mut rest = args;
    if let Some(JsValue::String(first)) = args.first()
        && args.len() > 1
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
                        's' => match arg {
                            JsValue::String(s) => out.push_str(s),
                            JsValue::Object(_) => out.push_str(&inspect(arg)),
                            other => out.push_str(&format_primitive(other)),
                        },
                        'd' | 'i' => {
                            let n = arg.to_number().unwrap_or(f64::NAN);
                            let n = if spec == 'i' { n.trunc() } else { n };
                            out.push_str(&format_number(n));
                        }
                        'f' => out.push_str(&format_number(arg.to_number().unwrap_or(f64::NAN))),
                        'j' => out.push_str(
                            &crate::builtins::json_stringify(arg, "")
                                .ok()
                                .flatten()
                                .unwrap_or_else(|| "undefined".into()),
                        ),
                        'o' | 'O' => out.push_str(&inspect(arg)),
                        _ => {}
                    }
                }
                _ => out.push('%'),
            }
        }
        rest = &args[used..];
        for arg in rest {
            out.push(' ');
            push_arg(&mut out, arg);
        }
        return out;
    }
    for (i, arg) in rest.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_arg(&mut out, arg);
    }
    out
}

fn push_arg(out: &mut String, arg: &JsValue) {
    match arg {
        JsValue::String(s) => out.push_str(s),
        other => out.push_str(&inspect(other)),
    }
}

fn format_number(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() { "-0".into() } else { number_to_string(n) }
}

fn format_primitive(v: &JsValue) -> String {
    match v {
        JsValue::Undefined => "undefined".into(),
        JsValue::Null => "null".into(),
        JsValue::Bool(b) => b.to_string(),
        JsValue::Number(n) => format_number(*n),
        JsValue::String(s) => quote(s),
        JsValue::Symbol(s) => s.descriptive_string(),
        JsValue::BigInt(n) => format!("{n}n"),
        JsValue::Object(_) => String::new(),
    }
}

/// Node's `strEscape`: single quotes unless the string has some, then double quotes or
/// backticks.
pub(crate) fn quote(s: &str) -> String {
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

fn format_value(ctx: &mut Ctx, value: &JsValue, recurse_times: usize) -> String {
    let JsValue::Object(obj) = value else { return format_primitive(value) };
    if ctx.seen.iter().any(|o| o.ptr_eq(obj)) {
        let index = match ctx.circular.iter().position(|o| o.ptr_eq(obj)) {
            Some(i) => i + 1,
            None => {
                ctx.circular.push(obj.clone());
                ctx.circular.len()
            }
        };
        return format!("[Circular *{index}]");
    }
    format_raw(ctx, obj, recurse_times)
}

#[derive(PartialEq, Eq)]
enum Extras {
    Object,
    Array,
}

fn format_raw(ctx: &mut Ctx, obj: &Obj, recurse_times: usize) -> String {
    let keys = obj.own_keys(true);
    let non_index_keys: Vec<_> =
        keys.iter().filter(|k| crate::value::array_index(k).is_none()).cloned().collect();
    let constructor = constructor_name(obj);
    let mut base = String::new();
    let braces_open: String;
    let mut extras = Extras::Object;
    let mut keys_to_show = keys.clone();
    match obj.class() {
        Class::Array(items) => {
            keys_to_show = non_index_keys;
            let prefix = match constructor.as_deref() {
                Some("Array") => String::new(),
                Some(other) => format!("{other}({}) ", items.borrow().len()),
                None => format!("[Array({}): null prototype] ", items.borrow().len()),
            };
            if items.borrow().is_empty() && keys_to_show.is_empty() {
                return format!("{prefix}[]");
            }
            braces_open = format!("{prefix}[");
            extras = Extras::Array;
        }
        Class::Arguments(_) => {
            braces_open = "[Arguments] {".into();
            if keys.is_empty() {
                return "[Arguments] {}".into();
            }
        }
        Class::Function(func) => {
            base = function_base(func, obj);
            if keys.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        Class::Error(_) => {
            base = error_stack(obj, ctx.indentation);
            if keys.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        Class::Promise(_) => {
            braces_open = "Promise {".into();
        }
        Class::Symbol(s) => {
            base = format!("[Symbol: {}]", s.descriptive_string());
            if keys.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        // A wrapper object: Node's `[Number: 5]`, `[String: 'ab']` (its index properties are
        // not listed), `[Boolean: true]`, `[BigInt: 1n]`.
        Class::Primitive(v) => {
            let kind = match v {
                JsValue::String(_) => "String",
                JsValue::Bool(_) => "Boolean",
                JsValue::BigInt(_) => "BigInt",
                _ => "Number",
            };
            base = format!("[{kind}: {}]", format_primitive(v));
            if matches!(v, JsValue::String(_)) {
                keys_to_show = non_index_keys;
            }
            if keys_to_show.is_empty() {
                return base;
            }
            braces_open = "{".into();
        }
        Class::ListIterator(state) => {
            let tag =
                if matches!(state.borrow().target, Some(JsValue::String(_))) { "String" } else { "Array" };
            if keys.is_empty() {
                return format!("Object [{tag} Iterator] {{}}");
            }
            braces_open = format!("Object [{tag} Iterator] {{");
        }
        // Node's formatRaw for a RegExp: RegExp.prototype.toString's text, after the
        // constructor's name when it is a subclass's; shown as itself even past the depth.
        Class::RegExp(data) => {
            base = crate::builtins::regexp::regexp_text(data);
            match constructor.as_deref() {
                Some("RegExp") => {}
                Some(name) => base = format!("{name} {base}"),
                None => base = format!("[RegExp: null prototype] {base}"),
            }
            if keys.is_empty() || recurse_times > DEPTH {
                return base;
            }
            braces_open = "{".into();
        }
        Class::RegExpStringIterator(_) => {
            if keys.is_empty() {
                return "Object [RegExp String Iterator] {}".into();
            }
            braces_open = "Object [RegExp String Iterator] {".into();
        }
        Class::Generator(g) => {
            let tag = if g.is_async() { "AsyncGenerator" } else { "Generator" };
            if keys.is_empty() {
                return format!("Object [{tag}] {{}}");
            }
            braces_open = format!("Object [{tag}] {{");
        }
        Class::Object => {
            let name = match (&constructor, obj.proto()) {
                (_, None) => "[Object: null prototype] ".to_string(),
                (Some(n), _) if n == "Object" => String::new(),
                (Some(n), _) => format!("{n} "),
                (None, _) => String::new(),
            };
            if keys.is_empty() {
                return format!("{name}{{}}");
            }
            braces_open = format!("{name}{{");
        }
    }
    let braces_close = if extras == Extras::Array { "]" } else { "}" };
    if recurse_times > DEPTH {
        let name = match obj.class() {
            Class::Array(_) => "Array".to_string(),
            Class::Promise(_) => "Promise".to_string(),
            _ => constructor.unwrap_or_else(|| "Object".into()),
        };
        return format!("[{name}]");
    }
    let recurse_times = recurse_times + 1;
    ctx.seen.push(obj.clone());
    ctx.current_depth = recurse_times;
    let mut output: Vec<String> = Vec::new();
    match obj.class() {
        Class::Array(items) => {
            let items = items.borrow().clone();
            // Node's formatArray / formatSpecialArray: a run of holes is one entry,
            // `<N empty items>`; at most MAX_ARRAY_LENGTH entries, then how many items remain.
            let mut i = 0;
            while i < items.len() && output.len() < MAX_ARRAY_LENGTH {
                match &items[i] {
                    Some(item) => {
                        ctx.indentation += 2;
                        let s = format_value(ctx, item, recurse_times);
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
        Class::Promise(p) => match p.result() {
            None => output.push("<pending>".into()),
            Some(result) => {
                ctx.indentation += 2;
                let (prefix, v) = match result {
                    Ok(v) => ("", v),
                    Err(e) => ("<rejected> ", e),
                };
                let s = format_value(ctx, &v, recurse_times);
                ctx.indentation -= 2;
                output.push(format!("{prefix}{s}"));
            }
        },
        _ => {}
    }
    for key in &keys_to_show {
        output.push(format_property(ctx, obj, key, recurse_times));
    }
    // formatRaw: an object that was met again inside itself is marked where it starts.
    if let Some(i) = ctx.circular.iter().position(|o| o.ptr_eq(obj)) {
        let reference = format!("<ref *{}>", i + 1);
        base = if base.is_empty() { reference } else { format!("{reference} {base}") };
    }
    ctx.seen.pop();
    reduce_to_single_string(ctx, output, &base, &braces_open, braces_close, &extras, obj)
}

fn format_property(ctx: &mut Ctx, obj: &Obj, key: &str, recurse_times: usize) -> String {
    let str = match obj.own_prop(key).map(|p| p.slot) {
        Some(Slot::Accessor(Some(_), Some(_))) => "[Getter/Setter]".to_string(),
        Some(Slot::Accessor(Some(_), None)) => "[Getter]".to_string(),
        Some(Slot::Accessor(None, Some(_))) => "[Setter]".to_string(),
        Some(Slot::Accessor(None, None)) => "undefined".to_string(),
        Some(Slot::Data(v)) => {
            ctx.indentation += 2;
            let s = format_value(ctx, &v, recurse_times);
            ctx.indentation -= 2;
            s
        }
        None => {
            let v = obj.get(key).unwrap_or_default();
            ctx.indentation += 2;
            let s = format_value(ctx, &v, recurse_times);
            ctx.indentation -= 2;
            s
        }
    };
    format!("{}: {str}", format_key(key))
}

fn function_base(func: &Func, obj: &Obj) -> String {
    let (is_async, is_generator) = match func {
        Func::Closure { def, .. } => (def.is_async, def.is_generator),
        _ => (false, false),
    };
    let kind = match (is_async, is_generator) {
        (true, true) => "AsyncGeneratorFunction",
        (false, true) => "GeneratorFunction",
        (true, false) => "AsyncFunction",
        (false, false) => "Function",
    };
    let name = match obj.own_prop("name").map(|p| p.slot) {
        Some(Slot::Data(JsValue::String(s))) => s.to_string(),
        _ => function_name(func),
    };
    if name.is_empty() { format!("[{kind} (anonymous)]") } else { format!("[{kind}: {name}]") }
}

/// An error's `stack`: `Name: message` and where it was created.
pub(crate) fn error_stack(obj: &Obj, indentation: usize) -> String {
    if let Some(p) = obj.own_prop("stack")
        && let Slot::Data(JsValue::String(s)) = p.slot
    {
        return s.to_string();
    }
    let head = error_head(obj);
    let r = realm();
    let at = match obj.class() {
        Class::Error(Some(pos)) => r.location(*pos),
        _ => "<anonymous>".into(),
    };
    let stack = format!("{head}\n    at {at}");
    if indentation > 0 { stack.replace('\n', &format!("\n{}", " ".repeat(indentation))) } else { stack }
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

fn is_below_break_length(ctx: &Ctx, output: &[String], start: usize, base: &str) -> bool {
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
    let _ = ctx;
    base.is_empty() || !base.contains('\n')
}

fn reduce_to_single_string(
    ctx: &mut Ctx,
    mut output: Vec<String>,
    base: &str,
    open: &str,
    close: &str,
    extras: &Extras,
    obj: &Obj,
) -> String {
    let entries = output.len();
    if *extras == Extras::Array && entries > 6 {
        output = group_array_elements(ctx, output, obj);
    }
    if entries == output.len() {
        let start = output.len() + ctx.indentation + open.chars().count() + base.chars().count() + 10;
        if is_below_break_length(ctx, &output, start, base) {
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

fn group_array_elements(ctx: &Ctx, output: Vec<String>, obj: &Obj) -> Vec<String> {
    let mut total_length = 0;
    let mut max_length = 0;
    let mut output_length = output.len();
    if let Some(items) = obj.array_items()
        && items.borrow().len() > MAX_ARRAY_LENGTH
    {
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
        let numbers = obj.array_items().is_some_and(|items| {
            items
                .borrow()
                .iter()
                .take(output_length)
                .all(|v| matches!(v, Some(JsValue::Number(_) | JsValue::BigInt(_))))
        });
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
