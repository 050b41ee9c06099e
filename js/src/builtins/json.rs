//! The JSON object (ECMA-262 25.5): `JSON.parse` (with a reviver) and `JSON.stringify`
//! (without a replacer). The parser reports malformed text with V8's messages (`Unexpected
//! token '}', "{"a":}" is not valid JSON`), positions in UTF-16 code units.

use std::collections::HashSet;
use std::rc::Rc;

use super::array::length_of_array_like;
use super::{arg, type_error};
use crate::interp::call_sync;
use crate::number::number_to_string;
use crate::property::PropertyKey;
use crate::realm::{Realm, realm};
use crate::value::{JsValue, Obj};

pub(super) fn install(r: &Rc<Realm>) {
    let json = r.new_object();
    // 25.5.1 JSON.parse ( text [ , reviver ] ).
    r.method(&json, "parse", 2, |_, args, _| {
        // 1. Let jsonString be ? ToString(text).
        let text = arg(args, 0).to_js_string()?;
        // 2-4. Parse StringToCodePoints(jsonString) as a JSON text (ECMA-404); throw a
        // SyntaxError if it is not valid. 5-8. Evaluate it: `unfiltered`.
        let units: Vec<u16> = text.encode_utf16().collect();
        let unfiltered = Parser { text: &text, units: &units, pos: 0 }.parse_text()?;
        // 9. If IsCallable(reviver) is true, then
        let reviver = arg(args, 1);
        if !reviver.is_callable() {
            // 10. Else, return unfiltered.
            return Ok(unfiltered);
        }
        // a. Let root be OrdinaryObjectCreate(%Object.prototype%). b. Let rootName be the empty
        // String. c. Perform ! CreateDataPropertyOrThrow(root, rootName, unfiltered). d. Return
        // ? InternalizeJSONProperty(root, rootName, reviver).
        let root = realm().new_object();
        root.create_data_property(&PropertyKey::from(""), unfiltered)?;
        internalize_json_property(&root, PropertyKey::from(""), &reviver)
    });
    // 25.5.2 JSON.stringify ( value [ , replacer [ , space ] ] ).
    r.method(&json, "stringify", 3, |_, args, _| {
        Ok(stringify(&arg(args, 0), &arg(args, 1), &arg(args, 2))?.map_or(JsValue::Undefined, JsValue::from))
    });
    r.global.define("JSON", JsValue::Object(json), false);
}

/// `JSON.stringify(value)` with no replacer or space (the `%j` of `console.log`); `None` is
/// `undefined`.
pub(crate) fn json_stringify(value: &JsValue) -> Result<Option<String>, JsValue> {
    stringify(value, &JsValue::Undefined, &JsValue::Undefined)
}

/// JSON.stringify ( value [ , replacer [ , space ] ] ) (25.5.2); `None` is `undefined`.
///
/// The text goes into one buffer (a property whose value serializes to `undefined` is cut back
/// out), where the spec's string concatenation per level would copy each level's text into its
/// parent's: linear in the output rather than in depth times output. The depth is bounded by
/// the stack guard (a RangeError, as in V8).
fn stringify(value: &JsValue, replacer: &JsValue, space: &JsValue) -> Result<Option<String>, JsValue> {
    // 3. Let PropertyList be undefined. 4. Let ReplacerFunction be undefined.
    let mut property_list: Option<Vec<PropertyKey>> = None;
    let mut replacer_function = None;
    // 5. If replacer is an Object, then
    if let JsValue::Object(r) = replacer {
        if r.is_callable() {
            // a. If IsCallable(replacer) is true, set ReplacerFunction to replacer.
            replacer_function = Some(replacer.clone());
        } else if r.array_items().is_some() {
            // b. Else if IsArray(replacer): i. Set PropertyList to a new empty List.
            let mut list: Vec<PropertyKey> = Vec::new();
            // ii. Let len be ? LengthOfArrayLike(replacer). iii-iv. For each k < len:
            let len = length_of_array_like(r)?;
            for k in 0..len {
                // 1. Let vStr be ! ToString(𝔽(k)). 2. Let v be ? Get(replacer, vStr).
                let v = r.get(k.to_string().as_str())?;
                // 3-6. A String, a Number, or a String or Number object: ? ToString(v).
                let item = match &v {
                    JsValue::String(_) | JsValue::Number(_) => Some(v.to_js_string()?),
                    JsValue::Object(o)
                        if matches!(o.primitive_data(), Some(JsValue::String(_) | JsValue::Number(_))) =>
                    {
                        Some(v.to_js_string()?)
                    }
                    _ => None,
                };
                // 7. If item is not undefined and PropertyList does not contain item, append it.
                if let Some(item) = item {
                    let key = PropertyKey::from(&*item);
                    if !list.contains(&key) {
                        list.push(key);
                    }
                }
            }
            property_list = Some(list);
        }
    }
    // 6. If space is an Object: a Number object is ? ToNumber(space), a String object ?
    // ToString(space).
    let mut space = space.clone();
    if let JsValue::Object(o) = &space {
        match o.primitive_data() {
            Some(JsValue::Number(_)) => space = JsValue::Number(space.to_number()?),
            Some(JsValue::String(_)) => space = JsValue::String(space.to_js_string()?.into()),
            _ => {}
        }
    }
    let gap: String = match &space {
        // 7. If space is a Number: let spaceMV be min(10, ! ToIntegerOrInfinity(space)); the gap
        // is that many spaces (none if spaceMV < 1).
        JsValue::Number(n) => " ".repeat(crate::number::integer_or_infinity(*n).clamp(0.0, 10.0) as usize),
        // 8. Else if space is a String: the first 10 code units.
        JsValue::String(s) => {
            let units: Vec<u16> = s.encode_utf16().take(10).collect();
            String::from_utf16_lossy(&units)
        }
        // 9. Else, the empty String.
        _ => String::new(),
    };
    // 10. Let wrapper be OrdinaryObjectCreate(%Object.prototype%). 11. Perform !
    // CreateDataPropertyOrThrow(wrapper, the empty String, value).
    let wrapper = realm().new_object();
    wrapper.create_data_property(&PropertyKey::from(""), value.clone())?;
    // 12. Let state be the JSON Serialization Record { [[ReplacerFunction]], [[Stack]]: « »,
    // [[Indent]]: "", [[Gap]]: gap, [[PropertyList]] }.
    let mut state = State {
        replacer_function,
        property_list,
        gap,
        out: String::new(),
        stack: Vec::new(),
        on_stack: HashSet::new(),
        depth: 0,
    };
    // 13. Return ? SerializeJSONProperty(state, the empty String, wrapper).
    let wrote = serialize_json_property(&mut state, &PropertyKey::from(""), &wrapper)?;
    Ok(wrote.then_some(state.out))
}

/// The JSON Serialization Record (25.5.2, Table 76), with the output buffer. [[Indent]] is
/// `depth` copies of [[Gap]].
struct State {
    replacer_function: Option<JsValue>,
    property_list: Option<Vec<PropertyKey>>,
    gap: String,
    out: String,
    /// [[Stack]]: each object being serialized, with the key it was reached by (for V8's
    /// circular-structure message).
    stack: Vec<(PropertyKey, Obj)>,
    on_stack: HashSet<usize>,
    depth: usize,
}

impl State {
    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str(&self.gap);
        }
    }
}

/// SerializeJSONProperty ( state, key, holder ) (25.5.2.2): writes the value's text and
/// returns true, or writes nothing and returns false for `undefined`.
fn serialize_json_property(state: &mut State, key: &PropertyKey, holder: &Obj) -> Result<bool, JsValue> {
    crate::stack::check()?;
    let key_value = || match key {
        PropertyKey::String(s) => JsValue::String(s.as_ref().into()),
        PropertyKey::Symbol(s) => JsValue::Symbol(s.clone()),
    };
    // 1. Let value be ? Get(holder, key).
    let mut value = holder.get(key)?;
    // 2. If value is an Object or value is a BigInt, then a. Let toJSON be ? GetV(value,
    // "toJSON"). b. If IsCallable(toJSON) is true, set value to ? Call(toJSON, value, « key »).
    if matches!(value, JsValue::Object(_) | JsValue::BigInt(_)) {
        let to_json = value.get("toJSON")?;
        if to_json.is_callable() {
            value = call_sync(&to_json, &value, &[key_value()])?;
        }
    }
    // 3. If state.[[ReplacerFunction]] is not undefined, set value to ? Call(replacer, holder,
    // « key, value »).
    if let Some(replacer) = &state.replacer_function {
        value = call_sync(replacer, &JsValue::Object(holder.clone()), &[key_value(), value])?;
    }
    // 4. If value is an Object: a Number object is ? ToNumber(value), a String object ?
    // ToString(value), a Boolean or BigInt object its [[BooleanData]] / [[BigIntData]].
    if let JsValue::Object(o) = &value
        && let Some(data) = o.primitive_data()
    {
        value = match data {
            JsValue::Number(_) => JsValue::Number(value.to_number()?),
            JsValue::String(_) => JsValue::String(value.to_js_string()?.into()),
            other => other.clone(),
        };
    }
    match &value {
        // 5-7. null, true, false.
        JsValue::Null => state.out.push_str("null"),
        JsValue::Bool(b) => state.out.push_str(if *b { "true" } else { "false" }),
        // 8. If value is a String, return QuoteJSONString(value).
        JsValue::String(s) => state.out.push_str(&settle_host::quote_json_string(s)),
        // 9. If value is a Number: if finite, ! ToString(value); otherwise "null".
        JsValue::Number(n) => {
            state.out.push_str(&if n.is_finite() { number_to_string(*n) } else { "null".to_string() })
        }
        // 10. If value is a BigInt, throw a TypeError exception.
        JsValue::BigInt(_) => return Err(type_error("Do not know how to serialize a BigInt")),
        // 11. If value is an Object and IsCallable(value) is false: an array or an object.
        JsValue::Object(o) if !o.is_callable() => {
            // SerializeJSONObject / SerializeJSONArray step 1: "If state.[[Stack]] contains
            // value, throw a TypeError exception because the structure is cyclical."
            if state.on_stack.contains(&o.addr()) {
                return Err(type_error(&circular_message(state, o, key)));
            }
            // 2. Append value to state.[[Stack]]. 3-4. Let stepback be state.[[Indent]]; set
            // state.[[Indent]] to the string-concatenation of stepback and state.[[Gap]].
            state.stack.push((key.clone(), o.clone()));
            state.on_stack.insert(o.addr());
            state.depth += 1;
            let result = if o.array_items().is_some() {
                serialize_json_array(state, o)
            } else {
                serialize_json_object(state, o)
            };
            // Remove the last element of state.[[Stack]]; set state.[[Indent]] to stepback.
            state.depth -= 1;
            state.stack.pop();
            state.on_stack.remove(&o.addr());
            result?;
        }
        // 12. Return undefined.
        _ => return Ok(false),
    }
    Ok(true)
}

/// SerializeJSONObject ( state, value ) (25.5.2.5), from step 5 (the caller did 1-4 and does
/// the last two).
fn serialize_json_object(state: &mut State, value: &Obj) -> Result<(), JsValue> {
    // 5-6. If state.[[PropertyList]] is not undefined, let K be it; else let K be ?
    // EnumerableOwnProperties(value, key).
    let keys: Vec<PropertyKey> = match &state.property_list {
        Some(list) => list.clone(),
        None => value.own_keys(true).into_iter().map(PropertyKey::String).collect(),
    };
    state.out.push('{');
    let mut empty = true;
    // 7-8. For each element P of K: let strP be ? SerializeJSONProperty(state, P, value); if it
    // is not undefined, the member is QuoteJSONString(P) + ":" (+ " " with a gap) + strP.
    for p in &keys {
        let mark = state.out.len();
        if !empty {
            state.out.push(',');
        }
        if !state.gap.is_empty() {
            state.newline();
        }
        let PropertyKey::String(name) = p else { continue };
        state.out.push_str(&settle_host::quote_json_string(name));
        state.out.push(':');
        if !state.gap.is_empty() {
            state.out.push(' ');
        }
        if serialize_json_property(state, p, value)? {
            empty = false;
        } else {
            state.out.truncate(mark);
        }
    }
    // 9-10. "{}" if partial is empty; else joined with ",", or with a gap each member on its
    // own line at [[Indent]] and the brace at stepback.
    if !empty && !state.gap.is_empty() {
        state.depth -= 1;
        state.newline();
        state.depth += 1;
    }
    state.out.push('}');
    Ok(())
}

/// SerializeJSONArray ( state, value ) (25.5.2.6), from step 5.
fn serialize_json_array(state: &mut State, value: &Obj) -> Result<(), JsValue> {
    // 6. Let len be ? LengthOfArrayLike(value).
    let len = length_of_array_like(value)?;
    // Each index adds at least a character and a comma: a result past V8's longest string
    // is its RangeError, found before looping over a far length (`a[4294967294] = 1`).
    if state.out.len().saturating_add(len.saturating_mul(2)) > super::string::MAX_STRING_LENGTH {
        return Err(realm().error("RangeError", "Invalid string length"));
    }
    state.out.push('[');
    // 7-8. For each index < len: strP is ? SerializeJSONProperty(state, ! ToString(𝔽(index)),
    // value), or "null" if that is undefined.
    for index in 0..len {
        if index > 0 {
            state.out.push(',');
        }
        if !state.gap.is_empty() {
            state.newline();
        }
        if !serialize_json_property(state, &PropertyKey::from(index.to_string().as_str()), value)? {
            state.out.push_str("null");
        }
    }
    if len > 0 && !state.gap.is_empty() {
        state.depth -= 1;
        state.newline();
        state.depth += 1;
    }
    state.out.push(']');
    Ok(())
}

/// V8's message for a cyclic structure: where the circle starts, the path around it (the
/// first two and the last step, with `...` between when longer), and the key that closes it.
fn circular_message(state: &State, start: &Obj, closing_key: &PropertyKey) -> String {
    fn constructor(o: &Obj) -> String {
        let name = match o.get("constructor") {
            Ok(JsValue::Object(c)) => match c.get("name") {
                Ok(JsValue::String(s)) if !s.is_empty() => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        };
        format!("'{}'", name.unwrap_or_else(|| "Object".to_string()))
    }
    fn key_text(key: &PropertyKey) -> String {
        match key {
            PropertyKey::String(s) if s.parse::<u32>().is_ok_and(|i| i.to_string() == **s) => {
                format!("index {s}")
            }
            PropertyKey::String(s) => format!("property '{s}'"),
            PropertyKey::Symbol(_) => "property".to_string(),
        }
    }
    let index = state.stack.iter().position(|(_, o)| o.ptr_eq(start)).unwrap_or(0);
    let size = state.stack.len();
    let mut message = format!(
        "Converting circular structure to JSON\n    --> starting at object with constructor {}",
        constructor(start)
    );
    let line = |m: &mut String, i: usize| {
        let (key, o) = &state.stack[i];
        m.push_str(&format!("\n    |     {} -> object with constructor {}", key_text(key), constructor(o)));
    };
    // V8's kCircularErrorMessagePrefixCount (2) and kCircularErrorMessagePostfixCount (1).
    let prefix_end = size.min(index + 3);
    for i in index + 1..prefix_end {
        line(&mut message, i);
    }
    if size > index + 4 {
        message.push_str("\n    |     ...");
    }
    for i in prefix_end.max(size.saturating_sub(1))..size {
        line(&mut message, i);
    }
    message.push_str(&format!("\n    --- {} closes the circle", key_text(closing_key)));
    message
}

/// InternalizeJSONProperty ( holder, name, reviver ) (25.5.1.1).
fn internalize_json_property(holder: &Obj, name: PropertyKey, reviver: &JsValue) -> Result<JsValue, JsValue> {
    crate::stack::check()?;
    // 1. Let val be ? Get(holder, name).
    let val = holder.get(&name)?;
    // 2. If val is an Object, then
    if let JsValue::Object(o) = &val {
        // a. Let isArray be ? IsArray(val).
        let keys: Vec<PropertyKey> = if o.array_items().is_some() {
            // b. If isArray is true: i. Let len be ? LengthOfArrayLike(val). ii-iii. For each
            // I < len, let prop be ! ToString(𝔽(I)).
            let len = length_of_array_like(o)?;
            (0..len).map(|i| PropertyKey::from(i.to_string().as_str())).collect()
        } else {
            // c. Else: i. Let keys be ? EnumerableOwnProperties(val, key).
            o.own_keys(true).into_iter().map(PropertyKey::String).collect()
        };
        for prop in keys {
            // 1. Let newElement be ? InternalizeJSONProperty(val, prop, reviver).
            let new_element = internalize_json_property(o, prop.clone(), reviver)?;
            if matches!(new_element, JsValue::Undefined) {
                // 2. If newElement is undefined, then perform ? val.[[Delete]](prop).
                o.delete(&prop);
            } else {
                // 3. Else, perform ? CreateDataProperty(val, prop, newElement).
                o.create_data_property(&prop, new_element)?;
            }
        }
    }
    // 3. Return ? Call(reviver, holder, « name, val »).
    let name = match name {
        PropertyKey::String(s) => JsValue::String(s.as_ref().into()),
        PropertyKey::Symbol(s) => JsValue::Symbol(s),
    };
    call_sync(reviver, &JsValue::Object(holder.clone()), &[name, val])
}

/// A JSON text (ECMA-404) read into values, with V8's error for the first thing that is not.
struct Parser<'a> {
    /// The text, for V8's "is not valid JSON" context.
    text: &'a str,
    units: &'a [u16],
    pos: usize,
}

/// V8 quotes the whole text in an unexpected-token message up to this length, and a window of
/// 10 code units either side of the token past it.
const MAX_CONTEXT: usize = 10;

impl Parser<'_> {
    fn peek(&self) -> Option<u16> {
        self.units.get(self.pos).copied()
    }

    fn error(&self, message: String) -> JsValue {
        realm().error("SyntaxError", &message)
    }

    /// "... in JSON at position N".
    fn at(&self, what: &str, pos: usize) -> JsValue {
        self.error(format!("{what} in JSON at position {pos}"))
    }

    /// The error for the code unit at `pos` where a value (or the end) was expected.
    fn unexpected(&self, pos: usize) -> JsValue {
        if pos >= self.units.len() {
            return self.error("Unexpected end of JSON input".into());
        }
        if ["NaN", "Infinity", "undefined", "[object Object]"].contains(&self.text) {
            return self.error(format!("\"{}\" is not valid JSON", self.text));
        }
        // V8 names a number or string token by its kind.
        let unit = self.units[pos];
        if (0x30..=0x39).contains(&unit) || unit == u16::from(b'-') {
            return self.at("Unexpected number", pos);
        }
        if unit == u16::from(b'"') {
            return self.at("Unexpected string", pos);
        }
        let token = String::from_utf16_lossy(&self.units[pos..pos + 1]);
        let len = self.units.len();
        let context = if len <= 2 * MAX_CONTEXT {
            format!("\"{}\"", self.text)
        } else {
            let start = pos.saturating_sub(MAX_CONTEXT);
            let end = (pos + MAX_CONTEXT).min(len);
            format!(
                "{}\"{}\"{}",
                if start > 0 { "..." } else { "" },
                String::from_utf16_lossy(&self.units[start..end]),
                if end < len { "..." } else { "" }
            )
        };
        self.error(format!("Unexpected token '{token}', {context} is not valid JSON"))
    }

    /// JSON's whitespace: tab, line feed, carriage return, space.
    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(0x09 | 0x0A | 0x0D | 0x20)) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(u16::from(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// JSONText: a value with only whitespace around it.
    fn parse_text(&mut self) -> Result<JsValue, JsValue> {
        self.skip_whitespace();
        let value = self.value()?;
        self.skip_whitespace();
        if self.pos < self.units.len() {
            return Err(self
                .error(format!("Unexpected non-whitespace character after JSON at position {}", self.pos)));
        }
        Ok(value)
    }

    fn value(&mut self) -> Result<JsValue, JsValue> {
        crate::stack::check()?;
        match self.peek().and_then(|u| u8::try_from(u).ok()) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(JsValue::from(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", JsValue::Bool(true)),
            Some(b'f') => self.literal("false", JsValue::Bool(false)),
            Some(b'n') => self.literal("null", JsValue::Null),
            _ => Err(self.unexpected(self.pos)),
        }
    }

    fn literal(&mut self, word: &str, value: JsValue) -> Result<JsValue, JsValue> {
        for b in word.bytes() {
            if !self.eat(b) {
                return Err(self.unexpected(self.pos));
            }
        }
        Ok(value)
    }

    fn object(&mut self) -> Result<JsValue, JsValue> {
        self.pos += 1;
        let object = realm().new_object();
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(JsValue::Object(object));
        }
        if self.peek() != Some(u16::from(b'"')) {
            return Err(self.at("Expected property name or '}'", self.pos));
        }
        loop {
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(b':') {
                return Err(self.at("Expected ':' after property name", self.pos));
            }
            self.skip_whitespace();
            let value = self.value()?;
            // A repeated name: the last one wins (CreateDataProperty replaces it).
            object.create_data_property(&PropertyKey::from(key.as_str()), value)?;
            self.skip_whitespace();
            if self.eat(b'}') {
                return Ok(JsValue::Object(object));
            }
            if !self.eat(b',') {
                return Err(self.at("Expected ',' or '}' after property value", self.pos));
            }
            self.skip_whitespace();
            if self.peek() != Some(u16::from(b'"')) {
                return Err(self.at("Expected double-quoted property name", self.pos));
            }
        }
    }

    fn array(&mut self) -> Result<JsValue, JsValue> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat(b']') {
            return Ok(realm().new_array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value()?);
            self.skip_whitespace();
            if self.eat(b']') {
                return Ok(realm().new_array(items));
            }
            if !self.eat(b',') {
                return Err(self.at("Expected ',' or ']' after array element", self.pos));
            }
        }
    }

    /// A string token (the opening quote at `pos`), unescaped.
    fn string(&mut self) -> Result<String, JsValue> {
        self.pos += 1;
        let mut out: Vec<u16> = Vec::new();
        loop {
            let Some(unit) = self.peek() else {
                return Err(self.at("Unterminated string", self.pos));
            };
            match unit {
                0x22 => {
                    self.pos += 1;
                    return Ok(String::from_utf16_lossy(&out));
                }
                0x5C => {
                    self.pos += 1;
                    let Some(escape) = self.peek() else {
                        return Err(self.unexpected(self.pos));
                    };
                    let decoded = match u8::try_from(escape).unwrap_or(0) {
                        b'"' => 0x22,
                        b'\\' => 0x5C,
                        b'/' => 0x2F,
                        b'b' => 0x08,
                        b'f' => 0x0C,
                        b'n' => 0x0A,
                        b'r' => 0x0D,
                        b't' => 0x09,
                        b'u' => {
                            let mut code = 0u16;
                            for i in 1..=4 {
                                let digit = self
                                    .units
                                    .get(self.pos + i)
                                    .and_then(|&u| char::from_u32(u32::from(u)))
                                    .and_then(|c| c.to_digit(16));
                                match digit {
                                    Some(d) => code = code * 16 + d as u16,
                                    None => return Err(self.at("Bad Unicode escape", self.pos + i)),
                                }
                            }
                            self.pos += 4;
                            code
                        }
                        _ => return Err(self.at("Bad escaped character", self.pos)),
                    };
                    out.push(decoded);
                    self.pos += 1;
                }
                0x00..=0x1F => return Err(self.at("Bad control character in string literal", self.pos)),
                _ => {
                    out.push(unit);
                    self.pos += 1;
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|u| (0x30..=0x39).contains(&u)) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number token: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?.
    fn number(&mut self) -> Result<JsValue, JsValue> {
        let start = self.pos;
        if self.eat(b'-') && !self.peek().is_some_and(|u| (0x30..=0x39).contains(&u)) {
            return Err(self.at("No number after minus sign", self.pos));
        }
        if self.eat(b'0') {
            if self.peek().is_some_and(|u| (0x30..=0x39).contains(&u)) {
                return Err(self.at("Unexpected number", self.pos));
            }
        } else {
            self.digits();
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.at("Unterminated fractional number", self.pos));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(self.at("Exponent part is missing a number", self.pos));
            }
        }
        let token = String::from_utf16_lossy(&self.units[start..self.pos]);
        Ok(JsValue::Number(crate::number::string_to_number(&token)))
    }
}
