//! The String.prototype methods that take a pattern (ECMA-262 2025, 22.1.3): `match`,
//! `matchAll`, `replace`, `replaceAll`, `search` and `split`. Each hands an object pattern to
//! its well-known symbol method (`@@match`, ... on RegExp.prototype, or a script's own), and
//! does the string-pattern case itself; positions count UTF-16 code units.

use std::rc::Rc;

use super::regexp::{
    code_units, get_substitution, is_regexp, regexp_create, string_index_of, substring, to_jsstr,
};
use super::{R, arg, type_error};
use crate::interp::call_sync;
use crate::iteration::async_iteration::get_method;
use crate::property::{PropertyKey, Symbol};
use crate::realm::{Realm, realm};
use crate::value::JsValue;

/// RequireObjectCoercible(this) (7.2.1), with V8's message for the method.
fn require_object_coercible(this: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    if this.is_nullish() {
        return Err(type_error(&format!("String.prototype.{method} called on null or undefined")));
    }
    Ok(this.clone())
}

/// Steps 2.a-b of `match`, `matchAll`, `replace`, `replaceAll`, `search` and `split`: the
/// pattern's own method for `symbol`, if it has one (GetMethod: null and undefined have none).
fn pattern_method(pattern: &JsValue, symbol: &Symbol) -> Result<Option<JsValue>, JsValue> {
    if pattern.is_nullish() {
        return Ok(None);
    }
    get_method(pattern, &PropertyKey::Symbol(symbol.clone()))
}

/// Invoke(V, P, argumentsList) (7.3.21) with a symbol key.
fn invoke(v: &JsValue, symbol: &Symbol, args: &[JsValue]) -> R {
    let f = v.get(&PropertyKey::Symbol(symbol.clone()))?;
    if !f.is_callable() {
        return Err(type_error(&format!("{} is not a function", crate::inspect::inspect(&f))));
    }
    call_sync(&f, v, args)
}

/// Steps 2.b of `matchAll` and `replaceAll`: a RegExp pattern must be global.
fn require_global(pattern: &JsValue, method: &str) -> Result<(), JsValue> {
    if !pattern.is_nullish() && is_regexp(pattern)? {
        // i. Let flags be ? Get(regexp, "flags"). ii. Perform ? RequireObjectCoercible(flags).
        let flags = pattern.get("flags")?;
        if flags.is_nullish() {
            return Err(type_error(&format!(
                "The .flags property of the argument to String.prototype.{method} cannot be null or undefined"
            )));
        }
        // iii. If ? ToString(flags) does not contain "g", throw a TypeError exception.
        if !flags.to_js_string()?.contains('g') {
            return Err(type_error(&format!(
                "String.prototype.{method} called with a non-global RegExp argument"
            )));
        }
    }
    Ok(())
}

/// String.prototype.match (22.1.3.13) and String.prototype.search (22.1.3.21): the two are
/// the same steps with @@match or @@search.
fn match_or_search(this: &JsValue, regexp: &JsValue, method: &str, symbol: &Symbol) -> R {
    // 1. Let O be ? RequireObjectCoercible(this value).
    let o = require_object_coercible(this, method)?;
    // 2. If regexp is neither undefined nor null: matcher = ? GetMethod(regexp, @@match);
    // if it is not undefined, return ? Call(matcher, regexp, « O »).
    if let Some(matcher) = pattern_method(regexp, symbol)? {
        return call_sync(&matcher, regexp, &[o]);
    }
    // 3. Let S be ? ToString(O). 4. Let rx be ? RegExpCreate(regexp, undefined).
    let s = to_jsstr(&o)?;
    let rx = regexp_create(regexp, &JsValue::Undefined)?;
    // 5. Return ? Invoke(rx, @@match, « S »).
    invoke(&JsValue::Object(rx), symbol, &[JsValue::String(s)])
}

/// String.prototype.matchAll ( regexp ) (22.1.3.14).
fn match_all(this: &JsValue, regexp: &JsValue) -> R {
    // 1. Let O be ? RequireObjectCoercible(this value).
    let o = require_object_coercible(this, "matchAll")?;
    // 2.a-b. A RegExp must have "g" among its flags.
    require_global(regexp, "matchAll")?;
    // 2.c-d. Let matcher be ? GetMethod(regexp, @@matchAll); if not undefined, call it.
    let symbol = realm().symbols.match_all.clone();
    if let Some(matcher) = pattern_method(regexp, &symbol)? {
        return call_sync(&matcher, regexp, &[o]);
    }
    // 3. Let S be ? ToString(O). 4. Let rx be ? RegExpCreate(regexp, "g").
    let s = to_jsstr(&o)?;
    let rx = regexp_create(regexp, &JsValue::from("g"))?;
    // 5. Return ? Invoke(rx, @@matchAll, « S »).
    invoke(&JsValue::Object(rx), &symbol, &[JsValue::String(s)])
}

/// String.prototype.replace (22.1.3.19) and String.prototype.replaceAll (22.1.3.20) with a
/// string pattern: the first occurrence, or every one.
fn replace_string(this: &JsValue, search_value: &JsValue, replace_value: &JsValue, all: bool) -> R {
    let method = if all { "replaceAll" } else { "replace" };
    // 1. Let O be ? RequireObjectCoercible(this value).
    let o = require_object_coercible(this, method)?;
    // replaceAll 2.a-b: a RegExp must be global.
    if all {
        require_global(search_value, method)?;
    }
    // 2. If searchValue is neither undefined nor null: replacer = ? GetMethod(searchValue,
    // @@replace); if it is not undefined, return ? Call(replacer, searchValue, « O, replaceValue »).
    let symbol = realm().symbols.replace.clone();
    if let Some(replacer) = pattern_method(search_value, &symbol)? {
        return call_sync(&replacer, search_value, &[o, replace_value.clone()]);
    }
    // 3. Let string be ? ToString(O). 4. Let searchString be ? ToString(searchValue).
    let string = to_jsstr(&o)?;
    let search_string = to_jsstr(search_value)?;
    // 5. Let functionalReplace be IsCallable(replaceValue).
    let functional = replace_value.is_callable();
    // 6. If functionalReplace is false, set replaceValue to ? ToString(replaceValue).
    let template = if functional { None } else { Some(replace_value.to_js_string()?) };
    let units = code_units(&string);
    let search_units: Vec<u16> = search_string.encode_utf16().collect();
    // 7. Let searchLength be the length of searchString.
    let search_length = search_units.len();
    // replaceAll 8-11: every position, advancing by max(1, searchLength); replace 8: the first.
    let advance_by = search_length.max(1);
    let mut positions = Vec::new();
    let mut position = string_index_of(&units, &search_units, 0);
    while let Some(p) = position {
        positions.push(p);
        if !all {
            break;
        }
        position = string_index_of(&units, &search_units, p + advance_by);
    }
    // replace 9: If position is not-found, return string.
    if positions.is_empty() {
        return Ok(JsValue::String(string));
    }
    // replaceAll 12-15: the text before each match, then its replacement.
    let mut end_of_last_match = 0;
    let mut result = String::with_capacity(string.len());
    for p in positions {
        result.push_str(&substring(&string, &units, end_of_last_match, p));
        let replacement = match &template {
            // a call with « searchString, 𝔽(p), string », ToString'd.
            None => call_sync(
                replace_value,
                &JsValue::Undefined,
                &[
                    JsValue::String(search_string.clone()),
                    JsValue::Number(p as f64),
                    JsValue::String(string.clone()),
                ],
            )?
            .to_js_string()?
            .to_string(),
            // GetSubstitution(searchString, string, p, « », undefined, replaceValue).
            Some(t) => get_substitution(&search_string, &string, p, &[], &JsValue::Undefined, t)?,
        };
        result.push_str(&replacement);
        end_of_last_match = p + search_length;
    }
    // 16. If endOfLastMatch < the length of string, append the rest.
    result.push_str(&substring(&string, &units, end_of_last_match, units.len()));
    Ok(JsValue::from(result))
}

/// String.prototype.split ( separator, limit ) (22.1.3.23).
fn split(this: &JsValue, separator: &JsValue, limit: &JsValue) -> R {
    // 1. Let O be ? RequireObjectCoercible(this value).
    let o = require_object_coercible(this, "split")?;
    // 2. If separator is neither undefined nor null: splitter = ? GetMethod(separator,
    // @@split); if not undefined, return ? Call(splitter, separator, « O, limit »).
    let symbol = realm().symbols.split.clone();
    if let Some(splitter) = pattern_method(separator, &symbol)? {
        return call_sync(&splitter, separator, &[o, limit.clone()]);
    }
    // 3. Let S be ? ToString(O).
    let s = to_jsstr(&o)?;
    // 4. If limit is undefined, lim = 2^32 - 1; else lim = ℝ(? ToUint32(limit)).
    let lim = match limit {
        JsValue::Undefined => u32::MAX as usize,
        l => crate::number::to_uint32(l.to_number()?) as usize,
    };
    // 5. Let R be ? ToString(separator).
    let r_str = to_jsstr(separator)?;
    let realm = realm();
    // 6. If lim = 0, return CreateArrayFromList(« »).
    if lim == 0 {
        return Ok(realm.new_array(Vec::new()));
    }
    // 7. If separator is undefined, return CreateArrayFromList(« S »).
    if matches!(separator, JsValue::Undefined) {
        return Ok(realm.new_array(vec![JsValue::String(s)]));
    }
    let units = code_units(&s);
    let sep: Vec<u16> = r_str.encode_utf16().collect();
    // 8-9. An empty separator: the first lim code units, one per element.
    if sep.is_empty() {
        let parts = (0..units.len().min(lim)).map(|i| JsValue::String(substring(&s, &units, i, i + 1)));
        return Ok(realm.new_array(parts.collect()));
    }
    // 10. If S is the empty String, return CreateArrayFromList(« S »).
    if units.is_empty() {
        return Ok(realm.new_array(vec![JsValue::String(s)]));
    }
    // 11-15. The substrings between occurrences of R, at most lim of them.
    let mut parts = Vec::new();
    let mut i = 0;
    let mut j = string_index_of(&units, &sep, 0);
    while let Some(at) = j {
        parts.push(JsValue::String(substring(&s, &units, i, at)));
        if parts.len() == lim {
            return Ok(realm.new_array(parts));
        }
        i = at + sep.len();
        j = string_index_of(&units, &sep, i);
    }
    parts.push(JsValue::String(substring(&s, &units, i, units.len())));
    Ok(realm.new_array(parts))
}

/// Installs the pattern methods on String.prototype.
pub(crate) fn install(r: &Rc<Realm>) {
    let sp = &r.string_proto;
    let match_symbol = r.symbols.r#match.clone();
    r.method(sp, "match", 1, move |this, args, _| {
        match_or_search(this, &arg(args, 0), "match", &match_symbol)
    });
    r.method(sp, "matchAll", 1, |this, args, _| match_all(this, &arg(args, 0)));
    r.method(sp, "replace", 2, |this, args, _| replace_string(this, &arg(args, 0), &arg(args, 1), false));
    r.method(sp, "replaceAll", 2, |this, args, _| replace_string(this, &arg(args, 0), &arg(args, 1), true));
    let search_symbol = r.symbols.search.clone();
    r.method(sp, "search", 1, move |this, args, _| {
        match_or_search(this, &arg(args, 0), "search", &search_symbol)
    });
    r.method(sp, "split", 2, |this, args, _| split(this, &arg(args, 0), &arg(args, 1)));
}
