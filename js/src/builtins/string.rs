//! The String constructor and String.prototype (ECMA-262 2025, 22.1), and Annex B's `substr`,
//! `trimLeft` and `trimRight`. Positions and lengths count UTF-16 code units, as the spec's
//! String values are sequences of them; settle-js stores UTF-8 text (it cannot hold a lone
//! surrogate, which becomes U+FFFD) and converts to code units where a method indexes. The
//! pattern methods (`match`, `matchAll`, `replace`, `replaceAll`, `search`, `split`) hand an
//! object pattern to its well-known symbol method (`@@match`, ... on RegExp.prototype, or a
//! script's own) and do the string-pattern case themselves.

use std::rc::Rc;

use super::object::to_object;
use super::regexp::{
    code_units, get_substitution, is_regexp, regexp_create, string_index_of, substring, to_jsstr, to_length,
};
use super::{R, arg, relative, to_integer_or_infinity, type_error};
use crate::interp::call_sync;
use crate::iteration::async_iteration::get_method;
use crate::jsstr::{JsStr, is_white_space_or_line_terminator};
use crate::number::number_to_string;
use crate::property::{PropertyKey, Symbol};
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue};

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
    install_core(r);
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

/// ThisStringValue (22.1.3.35.1): a String or a String wrapper's [[StringData]].
fn this_string_value(this: &JsValue, method: &str) -> Result<JsStr, JsValue> {
    match this {
        JsValue::String(s) => Ok(s.clone()),
        JsValue::Object(o) if let Some(JsValue::String(s)) = o.primitive_data() => Ok(s.clone()),
        _ => Err(type_error(&format!("{method} requires that 'this' be a String"))),
    }
}

/// The first steps of most String.prototype methods: "1. Let O be ?
/// RequireObjectCoercible(this value). 2. Let S be ? ToString(O)."
fn this_str(this: &JsValue, method: &str) -> Result<JsStr, JsValue> {
    to_jsstr(&require_object_coercible(this, method)?)
}

/// `pos` clamped to [0, len] (the `min(max(x, 0), len)` of `slice`, `substring`, `includes`...).
fn clamp(pos: f64, len: usize) -> usize {
    pos.clamp(0.0, len as f64) as usize
}

/// The text of a list of code units. A lone surrogate cannot live in settle-js's UTF-8 strings:
/// it becomes U+FFFD (where V8 keeps it).
fn from_code_units(units: &[u16]) -> JsStr {
    JsStr::from(String::from_utf16_lossy(units))
}

/// Where TrimString (22.1.3.32.1) trims.
#[derive(Clone, Copy)]
enum Trim {
    Start,
    End,
    Both,
}

/// TrimString ( string, where ) (22.1.3.32.1).
fn trim_string(this: &JsValue, where_: Trim, method: &str) -> R {
    // 1. Let str be ? RequireObjectCoercible(string). 2. Let S be ? ToString(str).
    let s = this_str(this, method)?;
    // 3-5. Remove the leading and/or trailing white space (WhiteSpace and LineTerminator).
    let t = match where_ {
        Trim::Start => s.trim_start_matches(is_white_space_or_line_terminator),
        Trim::End => s.trim_end_matches(is_white_space_or_line_terminator),
        Trim::Both => s.trim_matches(is_white_space_or_line_terminator),
    };
    Ok(JsValue::from(t))
}

/// Steps 3-4 of `includes`, `startsWith` and `endsWith`: "Let isRegExp be ?
/// IsRegExp(searchString). If isRegExp is true, throw a TypeError exception." then "Let
/// searchStr be ? ToString(searchString)."
fn search_string(args: &[JsValue], method: &str) -> Result<JsStr, JsValue> {
    let search = arg(args, 0);
    if is_regexp(&search)? {
        return Err(type_error(&format!(
            "First argument to String.prototype.{method} must not be a regular expression"
        )));
    }
    to_jsstr(&search)
}

/// StringPad ( S, maxLength, fillString, placement ) (22.1.3.17.2), after
/// StringPaddingBuiltinsImpl's conversions (22.1.3.17.1).
fn string_pad(this: &JsValue, args: &[JsValue], at_start: bool) -> R {
    let method = if at_start { "padStart" } else { "padEnd" };
    // StringPaddingBuiltinsImpl 1-2. Let S be ? ToString(? RequireObjectCoercible(O)).
    let s = this_str(this, method)?;
    // 3. Let intMaxLength be ℝ(? ToLength(maxLength)).
    let max_length = to_length(&arg(args, 0))?;
    // 4. Let stringLength be the length of S. 5. If intMaxLength ≤ stringLength, return S.
    let len = s.utf16_len();
    if max_length <= len {
        return Ok(JsValue::String(s));
    }
    // 6. If fillString is undefined, set fillString to " " (0x0020). 7. Else ? ToString.
    let fill = match arg(args, 1) {
        JsValue::Undefined => JsStr::from(" "),
        f => to_jsstr(&f)?,
    };
    // StringPad 3. If fillString is the empty String, return S.
    if fill.is_empty() {
        return Ok(JsValue::String(s));
    }
    // 4. Let fillLen be intMaxLength - stringLength. 5. Let truncatedStringFiller be the String
    // value consisting of repeated concatenations of fillString truncated to length fillLen.
    let fill_len = max_length - len;
    if fill_len > MAX_STRING_LENGTH {
        return Err(realm().error("RangeError", "Invalid string length"));
    }
    let units = code_units(&fill);
    let filler: Vec<u16> = units.iter().copied().cycle().take(fill_len).collect();
    let filler = from_code_units(&filler);
    // 6. If placement is start, return truncatedStringFiller + S; else S + truncatedStringFiller.
    Ok(JsValue::String(if at_start { JsStr::concat(&filler, &s) } else { JsStr::concat(&s, &filler) }))
}

/// V8's longest string (2^29 - 24 code units): past it a String builtin throws a RangeError.
pub(super) const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

pub(super) fn install_core(r: &Rc<Realm>) {
    // String ( value ) (22.1.1.1).
    let string = r.native_ctor("String", 1, |_, args, new_target| {
        let s = match args.first() {
            // 1. If value is not present, let s be the empty String.
            None => JsValue::from(""),
            // 2.a. If NewTarget is undefined and value is a Symbol, return
            // SymbolDescriptiveString(value).
            Some(JsValue::Symbol(s)) if !new_target => JsValue::from(s.descriptive_string()),
            Some(JsValue::Object(o)) if matches!(o.class(), Class::Error(_)) => {
                let ts = o.get("toString")?;
                JsValue::String(call_sync(&ts, &args[0], &[])?.to_js_string()?.into())
            }
            Some(v) => JsValue::String(v.to_js_string()?.into()),
        };
        // 3. If NewTarget is undefined, return s. 4. Return StringCreate(s, ...).
        Ok(if new_target { JsValue::Object(to_object(&s)?) } else { s })
    });
    let sp = &r.string_proto;
    string.define("prototype", JsValue::Object(sp.clone()), false);
    sp.define("constructor", JsValue::Object(string.clone()), false);

    // 22.1.2.1 String.fromCharCode ( ...codeUnits ): "1. Let result be the empty String. 2. For
    // each element next of codeUnits, do a. Let nextCU be the code unit whose numeric value is
    // ℝ(? ToUint16(next)). b. Set result to the string-concatenation of result and nextCU."
    r.method(&string, "fromCharCode", 1, |_, args, _| {
        let mut units = Vec::with_capacity(args.len());
        for a in args {
            units.push(to_uint16(a.to_number()?));
        }
        Ok(JsValue::String(from_code_units(&units)))
    });
    // 22.1.2.2 String.fromCodePoint ( ...codePoints ).
    r.method(&string, "fromCodePoint", 1, |_, args, _| {
        let mut units = Vec::with_capacity(args.len());
        for a in args {
            // a. Let nextCP be ? ToNumber(next).
            let cp = a.to_number()?;
            // b. If IsIntegralNumber(nextCP) is false, throw a RangeError exception. c. If
            // ℝ(nextCP) < 0 or ℝ(nextCP) > 0x10FFFF, throw a RangeError exception.
            if cp.fract() != 0.0 || !(0.0..=1_114_111.0).contains(&cp) {
                return Err(
                    realm().error("RangeError", &format!("Invalid code point {}", number_to_string(cp)))
                );
            }
            // d. Set result to the string-concatenation of result and UTF16EncodeCodePoint(ℝ(nextCP)).
            let cp = cp as u32;
            if cp < 0x10000 {
                units.push(cp as u16);
            } else {
                let c = cp - 0x10000;
                units.push(0xD800 + (c >> 10) as u16);
                units.push(0xDC00 + (c & 0x3FF) as u16);
            }
        }
        Ok(JsValue::String(from_code_units(&units)))
    });

    // 22.1.3.29 String.prototype.toString, 22.1.3.35 valueOf: Return ? ThisStringValue(this).
    r.method(sp, "toString", 0, |this, _, _| {
        Ok(JsValue::String(this_string_value(this, "String.prototype.toString")?))
    });
    r.method(sp, "valueOf", 0, |this, _, _| {
        Ok(JsValue::String(this_string_value(this, "String.prototype.valueOf")?))
    });

    // 22.1.3.1 String.prototype.at ( index ).
    r.method(sp, "at", 1, |this, args, _| {
        let s = this_str(this, "at")?;
        let units = code_units(&s);
        // 3. Let len be the length of S. 4. Let relativeIndex be ? ToIntegerOrInfinity(index).
        let len = units.len() as f64;
        let relative = to_integer_or_infinity(&arg(args, 0))?;
        // 5-6. If relativeIndex ≥ 0, let k be relativeIndex; else let k be len + relativeIndex.
        let k = if relative >= 0.0 { relative } else { len + relative };
        // 7. If k < 0 or k ≥ len, return undefined. 8. Return the substring of S from k to k + 1.
        if k < 0.0 || k >= len {
            return Ok(JsValue::Undefined);
        }
        Ok(JsValue::String(substring(&s, &units, k as usize, k as usize + 1)))
    });
    // 22.1.3.2 String.prototype.charAt ( pos ).
    r.method(sp, "charAt", 1, |this, args, _| {
        let s = this_str(this, "charAt")?;
        let units = code_units(&s);
        // 3. Let position be ? ToIntegerOrInfinity(pos). 4. Let size be the length of S.
        let position = to_integer_or_infinity(&arg(args, 0))?;
        // 5. If position < 0 or position ≥ size, return the empty String.
        if position < 0.0 || position >= units.len() as f64 {
            return Ok(JsValue::from(""));
        }
        // 6. Return the substring of S from position to position + 1.
        let p = position as usize;
        Ok(JsValue::String(substring(&s, &units, p, p + 1)))
    });
    // 22.1.3.3 String.prototype.charCodeAt ( pos ).
    r.method(sp, "charCodeAt", 1, |this, args, _| {
        let s = this_str(this, "charCodeAt")?;
        let units = code_units(&s);
        let position = to_integer_or_infinity(&arg(args, 0))?;
        // 5. If position < 0 or position ≥ size, return NaN.
        if position < 0.0 || position >= units.len() as f64 {
            return Ok(JsValue::Number(f64::NAN));
        }
        // 6. Return the Number value for the numeric value of the code unit at index position.
        Ok(JsValue::Number(f64::from(units[position as usize])))
    });
    // 22.1.3.4 String.prototype.codePointAt ( pos ).
    r.method(sp, "codePointAt", 1, |this, args, _| {
        let s = this_str(this, "codePointAt")?;
        let units = code_units(&s);
        let position = to_integer_or_infinity(&arg(args, 0))?;
        // 5. If position < 0 or position ≥ size, return undefined.
        if position < 0.0 || position >= units.len() as f64 {
            return Ok(JsValue::Undefined);
        }
        // 6. Let cp be CodePointAt(S, position). 7. Return 𝔽(cp.[[CodePoint]]).
        let p = position as usize;
        let first = u32::from(units[p]);
        let cp = match units.get(p + 1) {
            Some(&second) if (0xD800..0xDC00).contains(&first) && (0xDC00..0xE000).contains(&second) => {
                (first - 0xD800) * 0x400 + (u32::from(second) - 0xDC00) + 0x10000
            }
            _ => first,
        };
        Ok(JsValue::Number(f64::from(cp)))
    });
    // 22.1.3.5 String.prototype.concat ( ...args ): "3. Let R be S. 4. For each element next of
    // args, do a. Let nextString be ? ToString(next). b. Set R to the string-concatenation of R
    // and nextString."
    r.method(sp, "concat", 1, |this, args, _| {
        let mut s = this_str(this, "concat")?;
        for a in args {
            s = JsStr::concat(&s, &to_jsstr(a)?);
        }
        Ok(JsValue::String(s))
    });
    // 22.1.3.7 String.prototype.endsWith ( searchString [ , endPosition ] ).
    r.method(sp, "endsWith", 1, |this, args, _| {
        let s = this_str(this, "endsWith")?;
        let search = search_string(args, "endsWith")?;
        let units = code_units(&s);
        // 6. If endPosition is undefined, let pos be len; else ? ToIntegerOrInfinity(endPosition).
        let len = units.len();
        let end = match arg(args, 1) {
            JsValue::Undefined => len,
            p => clamp(to_integer_or_infinity(&p)?, len),
        };
        // 9-11. Let start be end - searchLength; if start < 0 return false. 12. Let substring be
        // the substring of S from start to end. 13. Return whether substring is searchStr.
        let search = code_units(&search);
        Ok(JsValue::Bool(end >= search.len() && units[end - search.len()..end] == search[..]))
    });
    // 22.1.3.8 String.prototype.includes ( searchString [ , position ] ).
    r.method(sp, "includes", 1, |this, args, _| {
        let s = this_str(this, "includes")?;
        let search = search_string(args, "includes")?;
        let units = code_units(&s);
        // 6. Let pos be ? ToIntegerOrInfinity(position). 8. Let start be the result of clamping
        // pos between 0 and len. 9. Let index be StringIndexOf(S, searchStr, start).
        let start = clamp(to_integer_or_infinity(&arg(args, 1))?, units.len());
        Ok(JsValue::Bool(string_index_of(&units, &code_units(&search), start).is_some()))
    });
    // 22.1.3.9 String.prototype.indexOf ( searchString [ , position ] ).
    r.method(sp, "indexOf", 1, |this, args, _| {
        let s = this_str(this, "indexOf")?;
        // 3. Let searchStr be ? ToString(searchString). 4. Let pos be ? ToIntegerOrInfinity(position).
        let search = to_jsstr(&arg(args, 0))?;
        let units = code_units(&s);
        let start = clamp(to_integer_or_infinity(&arg(args, 1))?, units.len());
        // 8. Let result be StringIndexOf(S, searchStr, start). 9. If result is not-found, return -1.
        let found = string_index_of(&units, &code_units(&search), start);
        Ok(JsValue::Number(found.map_or(-1.0, |i| i as f64)))
    });
    // 22.1.3.10 String.prototype.isWellFormed ( ): settle-js's strings hold no lone surrogates.
    r.method(sp, "isWellFormed", 0, |this, _, _| {
        this_str(this, "isWellFormed")?;
        Ok(JsValue::Bool(true))
    });
    // 22.1.3.11 String.prototype.lastIndexOf ( searchString [ , position ] ).
    r.method(sp, "lastIndexOf", 1, |this, args, _| {
        let s = this_str(this, "lastIndexOf")?;
        let search = code_units(&to_jsstr(&arg(args, 0))?);
        // 4. Let numPos be ? ToNumber(position). 5. If numPos is NaN, let pos be +∞; otherwise,
        // let pos be ! ToIntegerOrInfinity(numPos).
        let num_pos = arg(args, 1).to_number()?;
        let pos = if num_pos.is_nan() { f64::INFINITY } else { num_pos.trunc() };
        let units = code_units(&s);
        // 6-9. Let start be the result of clamping pos between 0 and len - searchLen. 10. Return
        // StringLastIndexOf(S, searchStr, start).
        if search.len() > units.len() {
            return Ok(JsValue::Number(-1.0));
        }
        let start = clamp(pos, units.len() - search.len());
        let found = (0..=start).rev().find(|&i| units[i..i + search.len()] == search[..]);
        Ok(JsValue::Number(found.map_or(-1.0, |i| i as f64)))
    });
    // 22.1.3.12 String.prototype.localeCompare ( that ): implementation-defined without
    // ECMA-402; see `locale_compare`.
    r.method(sp, "localeCompare", 1, |this, args, _| {
        let s = this_str(this, "localeCompare")?;
        let that = to_jsstr(&arg(args, 0))?;
        Ok(JsValue::Number(match locale_compare(&s, &that) {
            std::cmp::Ordering::Less => -1.0,
            std::cmp::Ordering::Equal => 0.0,
            std::cmp::Ordering::Greater => 1.0,
        }))
    });
    // 22.1.3.16 padEnd, 22.1.3.17 padStart: StringPaddingBuiltinsImpl(O, maxLength, fillString, end/start).
    r.method(sp, "padEnd", 1, |this, args, _| string_pad(this, args, false));
    r.method(sp, "padStart", 1, |this, args, _| string_pad(this, args, true));
    // 22.1.3.18 String.prototype.repeat ( count ).
    r.method(sp, "repeat", 1, |this, args, _| {
        let s = this_str(this, "repeat")?;
        // 3. Let n be ? ToIntegerOrInfinity(count). 4. If n < 0 or n = +∞, throw a RangeError.
        let n = to_integer_or_infinity(&arg(args, 0))?;
        if n < 0.0 || n.is_infinite() {
            return Err(realm().error("RangeError", &format!("Invalid count value: {}", number_to_string(n))));
        }
        // 5. If n = 0, return the empty String.
        if n == 0.0 || s.is_empty() {
            return Ok(JsValue::from(""));
        }
        if n * s.utf16_len() as f64 > MAX_STRING_LENGTH as f64 {
            return Err(realm().error("RangeError", "Invalid string length"));
        }
        // 6. Return the String value that is made from n copies of S appended together.
        Ok(JsValue::from(s.repeat(n as usize)))
    });
    // 22.1.3.22 String.prototype.slice ( start, end ).
    r.method(sp, "slice", 2, |this, args, _| {
        let s = this_str(this, "slice")?;
        let units = code_units(&s);
        let len = units.len();
        // 4-7. intStart relative to len; 8-11. intEnd relative to len (len if end is undefined).
        let start = relative(&arg(args, 0), len, 0)?;
        let end = relative(&arg(args, 1), len, len)?;
        // 12. If from ≥ to, return the empty String. 13. Return the substring from from to to.
        Ok(JsValue::String(substring(&s, &units, start, end)))
    });
    // 22.1.3.24 String.prototype.startsWith ( searchString [ , position ] ).
    r.method(sp, "startsWith", 1, |this, args, _| {
        let s = this_str(this, "startsWith")?;
        let search = code_units(&search_string(args, "startsWith")?);
        let units = code_units(&s);
        // 6-8. Let start be the result of clamping ? ToIntegerOrInfinity(position) between 0 and len.
        let start = clamp(to_integer_or_infinity(&arg(args, 1))?, units.len());
        // 9-13. If searchLength + start > len, return false; else whether the substring of S from
        // start to start + searchLength is searchStr.
        Ok(JsValue::Bool(
            start + search.len() <= units.len() && units[start..start + search.len()] == search[..],
        ))
    });
    // 22.1.3.25 String.prototype.substring ( start, end ).
    r.method(sp, "substring", 2, |this, args, _| {
        let s = this_str(this, "substring")?;
        let units = code_units(&s);
        let len = units.len();
        // 4. Let intStart be ? ToIntegerOrInfinity(start). 5. If end is undefined, let intEnd be
        // len; else ? ToIntegerOrInfinity(end). 6-7. Clamp both between 0 and len.
        let start = clamp(to_integer_or_infinity(&arg(args, 0))?, len);
        let end = match arg(args, 1) {
            JsValue::Undefined => len,
            e => clamp(to_integer_or_infinity(&e)?, len),
        };
        // 8. Let from be min(finalStart, finalEnd). 9. Let to be max(finalStart, finalEnd).
        Ok(JsValue::String(substring(&s, &units, start.min(end), start.max(end))))
    });
    // 22.1.3.26-28, 22.1.3.30: the case conversions (Unicode's default case mapping, with
    // SpecialCasing: "ß".toUpperCase() is "SS"); the locale variants are the same without
    // ECMA-402.
    for (name, upper) in [
        ("toLowerCase", false),
        ("toLocaleLowerCase", false),
        ("toUpperCase", true),
        ("toLocaleUpperCase", true),
    ] {
        r.method(sp, name, 0, move |this, _, _| {
            let s = this_str(this, name)?;
            Ok(JsValue::from(if upper { s.to_uppercase() } else { s.to_lowercase() }))
        });
    }
    // 22.1.3.31 String.prototype.toWellFormed ( ): settle-js's strings are always well formed.
    r.method(sp, "toWellFormed", 0, |this, _, _| Ok(JsValue::String(this_str(this, "toWellFormed")?)));
    // 22.1.3.32 trim, 22.1.3.33 trimEnd, 22.1.3.34 trimStart: Return ? TrimString(S, where).
    r.method(sp, "trim", 0, |this, _, _| trim_string(this, Trim::Both, "trim"));
    let trim_end = r.native("trimEnd", 0, |this, _, _| trim_string(this, Trim::End, "trimEnd"));
    let trim_start = r.native("trimStart", 0, |this, _, _| trim_string(this, Trim::Start, "trimStart"));
    // B.2.2.15 trimLeft and B.2.2.16 trimRight: "The initial value of the "trimLeft" property
    // is %String.prototype.trimStart%", the same function object.
    sp.define("trimEnd", JsValue::Object(trim_end.clone()), false);
    sp.define("trimStart", JsValue::Object(trim_start.clone()), false);
    sp.define("trimLeft", JsValue::Object(trim_start), false);
    sp.define("trimRight", JsValue::Object(trim_end), false);
    // B.2.2.1 String.prototype.substr ( start, length ).
    r.method(sp, "substr", 2, |this, args, _| {
        let s = this_str(this, "substr")?;
        let units = code_units(&s);
        let size = units.len() as f64;
        // 4. Let intStart be ? ToIntegerOrInfinity(start). 5-7. Negative counts from the end.
        let mut start = to_integer_or_infinity(&arg(args, 0))?;
        if start == f64::NEG_INFINITY {
            start = 0.0;
        } else if start < 0.0 {
            start = (size + start).max(0.0);
        } else {
            start = start.min(size);
        }
        // 8. If length is undefined, let intLength be size; otherwise ? ToIntegerOrInfinity.
        let length = match arg(args, 1) {
            JsValue::Undefined => size,
            l => to_integer_or_infinity(&l)?,
        };
        // 9. Set intLength to the result of clamping intLength between 0 and size. 10. Let
        // intEnd be min(intStart + intLength, size). 11. Return the substring from intStart to intEnd.
        let end = (start + length.clamp(0.0, size)).min(size);
        Ok(JsValue::String(substring(&s, &units, start as usize, end as usize)))
    });
    r.global.define("String", JsValue::Object(string), false);
}

/// ToUint16 (7.1.9): the number modulo 2^16 (NaN and ±∞ are 0).
fn to_uint16(n: f64) -> u16 {
    if !n.is_finite() {
        return 0;
    }
    n.trunc().rem_euclid(65536.0) as u16
}

/// `localeCompare` without ECMA-402 (22.1.3.12 leaves it implementation-defined): an
/// approximation of ICU's root collation, which Node uses, so that sorting words with it gives
/// Node's order in the common cases. Primary: spaces and punctuation before digits before
/// letters, letters compared case-blind; then, at equal primary keys, a lower-case letter before
/// its capital ("a" < "A" < "b"); last, code units. Accents are not folded.
fn locale_compare(a: &str, b: &str) -> std::cmp::Ordering {
    fn class(c: char) -> u8 {
        if c.is_alphabetic() {
            2
        } else if c.is_numeric() {
            1
        } else {
            0
        }
    }
    let primary = |s: &str| -> Vec<(u8, char)> {
        s.chars().map(|c| (class(c), c.to_lowercase().next().unwrap_or(c))).collect()
    };
    let tertiary = |s: &str| -> Vec<bool> { s.chars().map(char::is_uppercase).collect() };
    primary(a)
        .cmp(&primary(b))
        .then_with(|| tertiary(a).cmp(&tertiary(b)))
        .then_with(|| a.encode_utf16().cmp(b.encode_utf16()))
}
