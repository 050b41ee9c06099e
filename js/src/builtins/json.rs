//! The JSON object (ECMA-262 25.5): `JSON.stringify` (without a replacer).

use std::rc::Rc;

use super::{arg, type_error};
use crate::interp::call_sync;
use crate::number::number_to_string;
use crate::realm::Realm;
use crate::value::{JsValue, Slot};

pub(super) fn install(r: &Rc<Realm>) {
    let json = r.new_object();
    r.method(&json, "stringify", 3, |_, args, _| {
        let indent = match arg(args, 2) {
            JsValue::Number(n) => " ".repeat(n.clamp(0.0, 10.0) as usize),
            JsValue::String(s) => s.chars().take(10).collect(),
            _ => String::new(),
        };
        if !arg(args, 1).is_nullish() {
            return Err(type_error("JSON.stringify with a replacer is outside the subset of settle-js"));
        }
        Ok(json_stringify(&arg(args, 0), &indent)?.map_or(JsValue::Undefined, JsValue::from))
    });
    r.global.define("JSON", JsValue::Object(json), false);
}

/// `JSON.stringify(value, null, indent)`; `None` is `undefined`.
///
/// One output buffer and a set of the objects being serialized (SerializeJSONObject's stack,
/// 25.5.2.5 step 1, as a set): linear in the output, where copying each level's text into its
/// parent's and searching the stack were quadratic in the depth. The depth itself is bounded by
/// the stack guard (a RangeError, as in Node).
pub(crate) fn json_stringify(value: &JsValue, indent: &str) -> Result<Option<String>, JsValue> {
    struct State<'a> {
        indent: &'a str,
        out: String,
        stack: std::collections::HashSet<usize>,
        depth: usize,
    }
    fn newline(st: &mut State<'_>) {
        st.out.push('\n');
        for _ in 0..st.depth {
            st.out.push_str(st.indent);
        }
    }
    /// Writes `v`; `false` (nothing written) for undefined, functions and symbols.
    fn go(v: &JsValue, st: &mut State<'_>) -> Result<bool, JsValue> {
        crate::stack::check()?;
        let mut v = v.clone();
        if let JsValue::Object(o) = &v {
            let to_json = o.get("toJSON")?;
            if to_json.is_callable() {
                v = call_sync(&to_json, &v, &[])?;
            }
        }
        // SerializeJSONProperty (25.5.2.2) step 4: a wrapper object serializes as its
        // primitive (ToNumber / ToString for Number and String objects).
        if let JsValue::Object(o) = &v
            && let Some(data) = o.primitive_data()
        {
            v = match data {
                JsValue::Number(_) => JsValue::Number(v.to_number()?),
                JsValue::String(_) => JsValue::String(v.to_js_string()?.into()),
                other => other.clone(),
            };
        }
        match &v {
            JsValue::Null => st.out.push_str("null"),
            JsValue::Bool(b) => st.out.push_str(if *b { "true" } else { "false" }),
            JsValue::Number(n) => {
                if n.is_finite() {
                    st.out.push_str(&number_to_string(*n));
                } else {
                    st.out.push_str("null");
                }
            }
            JsValue::String(s) => st.out.push_str(&settle_host::quote_json_string(s)),
            JsValue::Symbol(_) | JsValue::Undefined => return Ok(false),
            // SerializeJSONProperty (25.5.2.2) step 10: If value is a BigInt, throw a TypeError.
            JsValue::BigInt(_) => return Err(type_error("Do not know how to serialize a BigInt")),
            JsValue::Object(o) => {
                if o.is_callable() {
                    return Ok(false);
                }
                if !st.stack.insert(o.addr()) {
                    return Err(type_error("Converting circular structure to JSON"));
                }
                st.depth += 1;
                let mut empty = true;
                if let Some(items) = o.array_values() {
                    st.out.push('[');
                    for item in &items {
                        if !empty {
                            st.out.push(',');
                        }
                        empty = false;
                        if !st.indent.is_empty() {
                            newline(st);
                        }
                        if !go(item, st)? {
                            st.out.push_str("null");
                        }
                    }
                    st.depth -= 1;
                    if !empty && !st.indent.is_empty() {
                        newline(st);
                    }
                    st.out.push(']');
                } else {
                    st.out.push('{');
                    for k in o.own_keys(true) {
                        let value = match o.own_prop(&k).map(|p| p.slot) {
                            Some(Slot::Data(v)) => v,
                            _ => o.get(&k)?,
                        };
                        let mark = st.out.len();
                        if !empty {
                            st.out.push(',');
                        }
                        if !st.indent.is_empty() {
                            newline(st);
                        }
                        st.out.push_str(&settle_host::quote_json_string(&k));
                        st.out.push_str(if st.indent.is_empty() { ":" } else { ": " });
                        if go(&value, st)? {
                            empty = false;
                        } else {
                            st.out.truncate(mark);
                        }
                    }
                    st.depth -= 1;
                    if !empty && !st.indent.is_empty() {
                        newline(st);
                    }
                    st.out.push('}');
                }
                st.stack.remove(&o.addr());
            }
        }
        Ok(true)
    }
    let mut st = State { indent, out: String::new(), stack: std::collections::HashSet::new(), depth: 0 };
    Ok(go(value, &mut st)?.then_some(st.out))
}
