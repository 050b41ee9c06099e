//! RegExp objects (ECMA-262 2025, 22.2): the constructor, regex literals' objects,
//! `RegExp.prototype` (`exec`, `test`, `toString`, the flag getters, and the `@@match`,
//! `@@matchAll`, `@@replace`, `@@search` and `@@split` methods the String methods dispatch to),
//! and %RegExpStringIteratorPrototype%.
//!
//! The pattern language itself (22.2.1-22.2.2: parsing, early errors, the matcher) is the
//! `regress` crate's, compiled once per literal or `new RegExp`. Strings are matched as UTF-16:
//! as code units without `u`/`v` (`find_from_ucs2`), as code points with them
//! (`find_from_utf16`), so `index`, `lastIndex` and every position here count code units, as
//! JavaScript's do. Everything around the matcher (lastIndex, flags, the result arrays,
//! GetSubstitution, species, the observable `Get`s of `exec` and `flags`) is written here from
//! the spec's steps, which stand beside the code.

use std::cell::RefCell;
use std::rc::Rc;

use super::{R, arg, type_error};
use crate::interp::{call_sync, construct_sync};
use crate::iteration::iter_result;
use crate::jsstr::JsStr;
use crate::property::PropertyKey;
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};

/// The internal slots of a RegExp instance (22.2.8): [[RegExpMatcher]], [[OriginalSource]],
/// [[OriginalFlags]]. A regex literal's data is made once, when the script is lowered, and
/// shared by every object its evaluation creates.
#[derive(Debug)]
pub(crate) struct RegExpData {
    /// [[RegExpMatcher]].
    matcher: regress::Regex,
    /// [[OriginalSource]]: the pattern as given (`source` escapes it).
    pub(crate) source: JsStr,
    /// [[OriginalFlags]].
    pub(crate) flags: JsStr,
    /// For a sticky regex: the last failed sticky attempt's search, (string, from, where the
    /// next match starts). No match starts between `from` and that start, so a sticky attempt
    /// there fails without searching again (@@split tries every position between matches).
    sticky_miss: RefCell<Option<(JsStr, usize, Option<usize>)>>,
}

impl RegExpData {
    fn has_flag(&self, flag: char) -> bool {
        self.flags.contains(flag)
    }

    /// Whether the pattern matches code points (`u` or `v`) rather than code units.
    fn full_unicode(&self) -> bool {
        self.has_flag('u') || self.has_flag('v')
    }

    /// The match that starts at code unit `start`, if any (a sticky attempt).
    fn find_at(&self, s: &JsStr, units: &[u16], start: usize) -> Option<regress::Match> {
        if let Some((string, from, next)) = &*self.sticky_miss.borrow()
            && *from <= start
            && next.is_none_or(|next| start < next)
            && string == s
        {
            return None;
        }
        let found = self.find(units, start);
        match &found {
            Some(m) if m.start() == start => return found,
            Some(m) => *self.sticky_miss.borrow_mut() = Some((s.clone(), start, Some(m.start()))),
            None => *self.sticky_miss.borrow_mut() = Some((s.clone(), start, None)),
        }
        None
    }

    /// The first match at or after code unit `start`.
    fn find(&self, units: &[u16], start: usize) -> Option<regress::Match> {
        if self.full_unicode() {
            self.matcher.find_from_utf16(units, start).next()
        } else {
            self.matcher.find_from_ucs2(units, start).next()
        }
    }
}

/// The state of a %RegExpStringIterator% (22.2.9.1 CreateRegExpStringIterator's closure):
/// `regexp` is emptied once the iterator is done (and by the heap sweep).
pub(crate) struct RegExpStringIterator {
    pub(crate) regexp: Option<Obj>,
    string: JsStr,
    global: bool,
    full_unicode: bool,
}

/// Whether `flags` is a valid flags string (22.2.3.3 RegExpInitialize step 5: only
/// "dgimsuvy", none twice, not both `u` and `v`).
fn valid_flags(flags: &str) -> bool {
    let mut seen = String::new();
    for c in flags.chars() {
        if !"dgimsuvy".contains(c) || seen.contains(c) {
            return false;
        }
        seen.push(c);
    }
    !(seen.contains('u') && seen.contains('v'))
}

/// Static Semantics: ParsePattern (22.2.3.4) and the flags check of RegExpInitialize: the
/// compiled pattern, or the message of the SyntaxError in V8's words ("Invalid regular
/// expression: /(/: Unterminated group"); regress's own wording where V8's has no
/// counterpart.
pub(crate) fn parse_pattern(pattern: &str, flags: &str) -> Result<RegExpData, String> {
    if !valid_flags(flags) {
        return Err(format!("Invalid flags supplied to RegExp constructor '{flags}'"));
    }
    let unicode_sets = flags.contains('v');
    let regress_flags = regress::Flags {
        icase: flags.contains('i'),
        multiline: flags.contains('m'),
        dot_all: flags.contains('s'),
        // `v` matches code points as `u` does, with the extended class syntax on top.
        unicode: flags.contains('u') || unicode_sets,
        unicode_sets,
        no_opt: false,
    };
    match regress::Regex::with_flags(pattern, regress_flags) {
        Ok(matcher) => Ok(RegExpData {
            matcher,
            source: pattern.into(),
            flags: flags.into(),
            sticky_miss: RefCell::new(None),
        }),
        Err(e) => {
            Err(format!("Invalid regular expression: /{pattern}/{flags}: {}", v8_message(pattern, &e.text)))
        }
    }
}

/// V8's message for a regress parse error, where the two name the same mistake.
fn v8_message(pattern: &str, regress: &str) -> String {
    let v8 = match regress {
        // regress says "Unbalanced parenthesis" for both; V8 tells a `)` too many from a
        // group left open.
        "Unbalanced parenthesis" => {
            if unmatched_close_paren(pattern) {
                "Unmatched ')'"
            } else {
                "Unterminated group"
            }
        }
        "Unbalanced bracket" => "Unterminated character class",
        "Quantifier not allowed here" => "Nothing to repeat",
        "Invalid atom character" => {
            if pattern.contains(['*', '+', '?']) {
                "Nothing to repeat"
            } else {
                "Lone quantifier brackets"
            }
        }
        "Invalid quantifier" => {
            if pattern.contains(',') {
                "numbers out of order in {} quantifier"
            } else {
                "Incomplete quantifier"
            }
        }
        "Incomplete escape" | "Unterminated escape" => "\\ at end of pattern",
        "Invalid character range" => "Range out of order in character class",
        "Invalid named backreference syntax" => "Invalid named capture referenced",
        "Invalid token at named capture group identifier" => "Invalid capture group name",
        "Invalid unicode escape" => "Invalid Unicode escape",
        "Invalid character escape" => "Invalid escape",
        other if other.starts_with("Range values reversed") => "Range out of order in character class",
        other if other.starts_with("Backreference to invalid named capture group") => {
            "Invalid named capture referenced"
        }
        other => other,
    };
    v8.to_string()
}

/// Whether a `)` closes no group (outside character classes and escapes).
fn unmatched_close_paren(pattern: &str) -> bool {
    let (mut depth, mut in_class, mut chars) = (0usize, false, pattern.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                if depth == 0 {
                    return true;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    false
}

thread_local! {
    /// The code units of the string matched last: a global `replace` or `matchAll` runs the
    /// matcher once per match on the same string, which would otherwise be re-encoded each time.
    static UNITS: RefCell<Option<(JsStr, Rc<[u16]>)>> = const { RefCell::new(None) };
}

/// The UTF-16 code units of `s`.
pub(crate) fn code_units(s: &JsStr) -> Rc<[u16]> {
    UNITS.with(|cache| {
        if let Some((last, units)) = &*cache.borrow()
            && last == s
        {
            return units.clone();
        }
        let units: Rc<[u16]> = s.encode_utf16().collect();
        *cache.borrow_mut() = Some((s.clone(), units.clone()));
        units
    })
}

/// The substring of `s` from code unit `from` to `to` (a lone surrogate at either end, which
/// settle-js strings cannot hold, becomes U+FFFD).
pub(crate) fn substring(s: &JsStr, units: &[u16], from: usize, to: usize) -> JsStr {
    let to = to.min(units.len());
    if from >= to {
        return JsStr::from("");
    }
    if s.len() == units.len() {
        // ASCII: a byte is a code unit.
        return JsStr::from(&s[from..to]);
    }
    JsStr::from(String::from_utf16_lossy(&units[from..to]))
}

/// ToLength (7.1.20): ToIntegerOrInfinity clamped to [0, 2^53 - 1].
pub(crate) fn to_length(v: &JsValue) -> Result<usize, JsValue> {
    let n = v.to_number()?;
    if n.is_nan() || n <= 0.0 {
        return Ok(0);
    }
    Ok(n.trunc().min(9_007_199_254_740_991.0) as usize)
}

/// ToString of a value, as a [`JsStr`].
pub(crate) fn to_jsstr(v: &JsValue) -> Result<JsStr, JsValue> {
    match v {
        JsValue::String(s) => Ok(s.clone()),
        other => Ok(JsStr::from(other.to_js_string()?)),
    }
}

/// Set(O, P, V, true) (7.3.4): a refused assignment throws.
fn set(o: &Obj, key: &str, value: JsValue) -> Result<(), JsValue> {
    let key = PropertyKey::String(key.into());
    if !o.set_with(&key, value, &JsValue::Object(o.clone()))? {
        let what = if matches!(o.class(), Class::RegExp(_)) { "[object RegExp]" } else { "#<Object>" };
        return Err(type_error(&format!(
            "Cannot assign to read only property '{}' of object '{what}'",
            key.display()
        )));
    }
    Ok(())
}

/// How V8 names a receiver in "called on incompatible receiver" messages.
fn receiver_text(v: &JsValue) -> String {
    match v {
        JsValue::Object(o) => {
            let name = o
                .get("constructor")
                .ok()
                .and_then(|c| c.get("name").ok())
                .and_then(|n| if let JsValue::String(s) = n { Some(s.to_string()) } else { None })
                .unwrap_or_else(|| "Object".into());
            format!("#<{name}>")
        }
        JsValue::String(s) => s.to_string(),
        other => crate::inspect::inspect(other),
    }
}

fn incompatible(method: &str, this: &JsValue) -> JsValue {
    type_error(&format!("Method {method} called on incompatible receiver {}", receiver_text(this)))
}

/// The `this` of a RegExp.prototype method that needs an Object (22.2.6.x step 2: "If rx is
/// not an Object, throw a TypeError exception").
fn this_object(this: &JsValue, method: &str) -> Result<Obj, JsValue> {
    match this {
        JsValue::Object(o) => Ok(o.clone()),
        _ => Err(incompatible(method, this)),
    }
}

/// A new RegExp object with `data`, from %RegExp.prototype% (RegExpAlloc 22.2.3.2 with the
/// intrinsic: "lastIndex" { [[Writable]]: true, [[Enumerable]]: false, [[Configurable]]:
/// false }, then RegExpInitialize's Set(obj, "lastIndex", 0)). [[Construct]] replaces the
/// prototype with a subclass's (OrdinaryCreateFromConstructor).
pub(crate) fn regexp_object(data: Rc<RegExpData>) -> Obj {
    let o = Obj::new(Class::RegExp(data), Some(realm().regexp_proto.clone()));
    o.define_with("lastIndex", JsValue::Number(0.0), true, false, false);
    o
}

/// RegExpInitialize (22.2.3.3) on a fresh object: the pattern and flags as strings, parsed.
fn regexp_initialize(pattern: &JsValue, flags: &JsValue) -> Result<Obj, JsValue> {
    // 1. If pattern is undefined, let P be the empty String. 2. Else, let P be ? ToString(pattern).
    let p = match pattern {
        JsValue::Undefined => Rc::from(""),
        v => v.to_js_string()?,
    };
    // 3. If flags is undefined, let F be the empty String. 4. Else, let F be ? ToString(flags).
    let f = match flags {
        JsValue::Undefined => Rc::from(""),
        v => v.to_js_string()?,
    };
    // 5-6. A flag outside "dgimsuvy", or one twice: throw a SyntaxError exception.
    // 10-13. Let parseResult be ParsePattern(patternText, u, v); a List of SyntaxError
    // objects: throw a SyntaxError exception.
    let data = parse_pattern(&p, &f).map_err(|message| realm().error("SyntaxError", &message))?;
    // 14-18. Set the slots; 19. Perform ? Set(obj, "lastIndex", +0𝔽, true).
    Ok(regexp_object(Rc::new(data)))
}

/// RegExpCreate (22.2.3.1): `new %RegExp%(P, F)` without a NewTarget of the script's.
pub(crate) fn regexp_create(pattern: &JsValue, flags: &JsValue) -> Result<Obj, JsValue> {
    // 1. Let obj be ! RegExpAlloc(%RegExp%). 2. Return ? RegExpInitialize(obj, P, F).
    regexp_initialize(pattern, flags)
}

/// IsRegExp (7.2.8).
pub(crate) fn is_regexp(argument: &JsValue) -> Result<bool, JsValue> {
    // 1. If argument is not an Object, return false.
    let JsValue::Object(o) = argument else { return Ok(false) };
    // 2. Let matcher be ? Get(argument, @@match).
    let matcher = o.get(&PropertyKey::Symbol(realm().symbols.r#match.clone()))?;
    // 3. If matcher is not undefined, return ToBoolean(matcher).
    if !matches!(matcher, JsValue::Undefined) {
        return Ok(matcher.truthy());
    }
    // 4. If argument has a [[RegExpMatcher]] internal slot, return true. 5. Return false.
    Ok(matches!(o.class(), Class::RegExp(_)))
}

/// SpeciesConstructor (7.3.22).
fn species_constructor(o: &Obj, default: &Obj) -> Result<JsValue, JsValue> {
    // 1. Let C be ? Get(O, "constructor").
    let c = o.get("constructor")?;
    // 2. If C is undefined, return defaultConstructor.
    if matches!(c, JsValue::Undefined) {
        return Ok(JsValue::Object(default.clone()));
    }
    // 3. If C is not an Object, throw a TypeError exception.
    if !matches!(c, JsValue::Object(_)) {
        return Err(type_error("The .constructor property is not an object"));
    }
    // 4. Let S be ? Get(C, @@species).
    let s = c.get(&PropertyKey::Symbol(realm().symbols.species.clone()))?;
    // 5. If S is either undefined or null, return defaultConstructor.
    if s.is_nullish() {
        return Ok(JsValue::Object(default.clone()));
    }
    // 6. If IsConstructor(S) is true, return S.
    if let JsValue::Object(so) = &s
        && so.is_constructor()
    {
        return Ok(s);
    }
    // 7. Throw a TypeError exception.
    Err(type_error("object.constructor[Symbol.species] is not a constructor"))
}

/// RegExpExec (22.2.7.1): a script's `exec` if the object has a callable one, else
/// RegExpBuiltinExec. Returns an Object or null.
pub(crate) fn regexp_exec(r: &Obj, s: &JsStr) -> R {
    match regexp_exec_raw(r, s)? {
        Exec::Null => Ok(JsValue::Null),
        Exec::Object(o) => Ok(JsValue::Object(o)),
        Exec::Raw(m) => {
            let Class::RegExp(data) = r.class() else { unreachable!("a raw match comes from a RegExp") };
            Ok(match_array(data, s, m))
        }
    }
}

/// What RegExpExec gave: null, a script's result object, or the builtin's match before its
/// result array is made.
pub(crate) enum Exec {
    Null,
    Object(Obj),
    Raw(RawMatch),
}

/// A successful match of RegExpBuiltinExec: its captures (0 the whole match) and named groups,
/// as code unit ranges.
pub(crate) struct RawMatch {
    captures: Vec<Option<std::ops::Range<usize>>>,
    named: Vec<(String, Option<std::ops::Range<usize>>)>,
}

impl RawMatch {
    fn start(&self) -> usize {
        self.captures[0].as_ref().map_or(0, |r| r.start)
    }

    fn end(&self) -> usize {
        self.captures[0].as_ref().map_or(0, |r| r.end)
    }
}

/// RegExpExec (22.2.7.1), keeping the builtin's match as a [`RawMatch`] when `exec` is
/// %RegExp.prototype.exec%: the callers here (@@match, @@replace, @@split) read the result
/// array only through Gets of its own data properties, so skipping the array is unobservable.
pub(crate) fn regexp_exec_raw(r: &Obj, s: &JsStr) -> Result<Exec, JsValue> {
    // 1. Let exec be ? Get(R, "exec").
    let exec = r.get("exec")?;
    // 2. If IsCallable(exec) is true, then
    if let JsValue::Object(f) = &exec
        && f.is_callable()
    {
        // %RegExp.prototype.exec% on a RegExp is RegExpBuiltinExec (22.2.6.2 steps 1-4).
        if let Class::RegExp(data) = r.class()
            && realm().regexp_exec.get().is_some_and(|intrinsic| intrinsic.ptr_eq(f))
        {
            return Ok(match regexp_builtin_match(r, data, s)? {
                Some(m) => Exec::Raw(m),
                None => Exec::Null,
            });
        }
        // a. Let result be ? Call(exec, R, « S »).
        let result = call_sync(&exec, &JsValue::Object(r.clone()), &[JsValue::String(s.clone())])?;
        // b. If result is not an Object and result is not null, throw a TypeError exception.
        // c. Return result.
        return match result {
            JsValue::Object(o) => Ok(Exec::Object(o)),
            JsValue::Null => Ok(Exec::Null),
            _ => Err(type_error("RegExp exec method returned something other than an Object or null")),
        };
    }
    // 3. Perform ? RequireInternalSlot(R, [[RegExpMatcher]]).
    let Class::RegExp(data) = r.class() else {
        return Err(incompatible("RegExp.prototype.exec", &JsValue::Object(r.clone())));
    };
    // 4. Return ? RegExpBuiltinExec(R, S).
    Ok(match regexp_builtin_match(r, data, s)? {
        Some(m) => Exec::Raw(m),
        None => Exec::Null,
    })
}

/// RegExpBuiltinExec (22.2.7.2).
pub(crate) fn regexp_builtin_exec(r: &Obj, data: &RegExpData, s: &JsStr) -> R {
    Ok(match regexp_builtin_match(r, data, s)? {
        Some(m) => match_array(data, s, m),
        None => JsValue::Null,
    })
}

/// RegExpBuiltinExec (22.2.7.2) steps 1-15: the match and `lastIndex`.
fn regexp_builtin_match(r: &Obj, data: &RegExpData, s: &JsStr) -> Result<Option<RawMatch>, JsValue> {
    let units = code_units(s);
    // 1. Let length be the length of S.
    let length = units.len();
    // 2. Let lastIndex be ℝ(? ToLength(? Get(R, "lastIndex"))).
    let mut last_index = to_length(&r.get("lastIndex")?)?;
    // 3-5. Let flags be R.[[OriginalFlags]]; global, sticky (hasIndices: `match_array`).
    let global = data.has_flag('g');
    let sticky = data.has_flag('y');
    // 6. If global is false and sticky is false, set lastIndex to 0.
    if !global && !sticky {
        last_index = 0;
    }
    // 12. Repeat, while matchSucceeded is false: a. If lastIndex > length, then (i) if global
    // or sticky, Set(R, "lastIndex", 0, true); (ii) return null. b-e. Run the matcher at
    // lastIndex; on failure, if sticky: Set lastIndex to 0 and return null; else lastIndex =
    // AdvanceStringIndex(S, lastIndex, fullUnicode). regress's search from lastIndex is that
    // loop: its first match is the leftmost one at or after lastIndex, and a sticky match is
    // one that starts at lastIndex.
    let found = if last_index > length {
        None
    } else if sticky {
        data.find_at(s, &units, last_index)
    } else {
        data.find(&units, last_index)
    };
    let m = match found {
        Some(m) => m,
        None => {
            if global || sticky {
                set(r, "lastIndex", JsValue::Number(0.0))?;
            }
            return Ok(None);
        }
    };
    // 12.f. Set lastIndex to the match's start (r's startIndex). 13-14. Let e be r's endIndex
    // value (in code units: regress's UTF-16 positions are).
    let e = m.end();
    // 15. If global is true or sticky is true, then Perform ? Set(R, "lastIndex", 𝔽(e), true).
    if global || sticky {
        set(r, "lastIndex", JsValue::Number(e as f64))?;
    }
    let captures = m.groups().collect();
    let named = m.named_groups().map(|(name, range)| (name.to_string(), range)).collect();
    Ok(Some(RawMatch { captures, named }))
}

/// RegExpBuiltinExec (22.2.7.2) steps 16-35: the result array of a match.
fn match_array(data: &RegExpData, s: &JsStr, m: RawMatch) -> JsValue {
    let units = code_units(s);
    let last_index = m.start();
    let has_indices = data.has_flag('d');
    let RawMatch { captures, named } = m;
    let realm = realm();
    // 16. Let n be the number of elements in r's captures List. 19. Let A be !
    // ArrayCreate(n + 1). 27. CreateDataProperty(A, "0", matchedSubstr). 31.a-e. Each
    // capture: undefined if it did not participate, else its substring.
    let values: Vec<JsValue> = captures
        .iter()
        .map(|c| match c {
            Some(range) => JsValue::String(substring(s, &units, range.start, range.end)),
            None => JsValue::Undefined,
        })
        .collect();
    let a = realm.new_array(values.clone());
    let JsValue::Object(a_obj) = &a else { unreachable!("new_array makes an object") };
    // 21. CreateDataProperty(A, "index", 𝔽(lastIndex)). 22. CreateDataProperty(A, "input", S).
    a_obj.define("index", JsValue::Number(last_index as f64), true);
    a_obj.define("input", JsValue::String(s.clone()), true);
    // 28. If R contains any GroupName, then let groups be OrdinaryObjectCreate(null) and
    // hasGroups be true; 29. else groups is undefined. 31.f-g. For each named capture
    // (duplicate names: the one that participated), CreateDataProperty(groups, s, value).
    let has_groups = !named.is_empty();
    let groups = if has_groups {
        let g = Obj::new(Class::Object, None);
        for (name, range) in &named {
            let v = match range {
                Some(range) => JsValue::String(substring(s, &units, range.start, range.end)),
                None => JsValue::Undefined,
            };
            g.define(name.as_str(), v, true);
        }
        JsValue::Object(g)
    } else {
        JsValue::Undefined
    };
    // 30. CreateDataProperty(A, "groups", groups).
    a_obj.define("groups", groups, true);
    // 34. If hasIndices is true, then: indicesArray = MakeMatchIndicesIndexPairArray(S,
    // indices, groupNames, hasGroups); CreateDataProperty(A, "indices", indicesArray).
    if has_indices {
        let indices = make_match_indices_index_pair_array(&realm, &captures, &named, has_groups);
        a_obj.define("indices", indices, true);
    }
    // 35. Return A.
    a
}

/// MakeMatchIndicesIndexPairArray (22.2.7.8): `[start, end]` per capture (undefined for one
/// that did not participate), with `groups` by name.
fn make_match_indices_index_pair_array(
    realm: &Realm,
    captures: &[Option<std::ops::Range<usize>>],
    named: &[(String, Option<std::ops::Range<usize>>)],
    has_groups: bool,
) -> JsValue {
    // GetMatchIndexPair (22.2.7.7): « 𝔽(match.[[StartIndex]]), 𝔽(match.[[EndIndex]]) ».
    let pair = |c: &Option<std::ops::Range<usize>>| match c {
        Some(range) => {
            realm.new_array(vec![JsValue::Number(range.start as f64), JsValue::Number(range.end as f64)])
        }
        None => JsValue::Undefined,
    };
    // 3-4. Let A be ! ArrayCreate(n); each element the pair of its capture.
    let a = realm.new_array(captures.iter().map(pair).collect());
    // 5-6. groups: an object with a null prototype if hasGroups, else undefined.
    let groups = if has_groups {
        let g = Obj::new(Class::Object, None);
        for (name, range) in named {
            g.define(name.as_str(), pair(range), true);
        }
        JsValue::Object(g)
    } else {
        JsValue::Undefined
    };
    // 7. Perform ! CreateDataPropertyOrThrow(A, "groups", groups).
    if let JsValue::Object(o) = &a {
        o.define("groups", groups, true);
    }
    a
}

/// AdvanceStringIndex (22.2.7.3).
pub(crate) fn advance_string_index(units: &[u16], index: usize, unicode: bool) -> usize {
    // 2. If unicode is false, return index + 1.
    if !unicode {
        return index + 1;
    }
    // 3. Let length be the length of S. 4. If index + 1 ≥ length, return index + 1.
    if index + 1 >= units.len() {
        return index + 1;
    }
    // 5. Let cp be CodePointAt(S, index). 6. Return index + cp.[[CodeUnitCount]].
    let lead = units[index];
    let trail = units[index + 1];
    if (0xD800..0xDC00).contains(&lead) && (0xDC00..0xE000).contains(&trail) { index + 2 } else { index + 1 }
}

/// StringIndexOf (6.1.4.1): the first position ≥ `from` where `search` occurs in `units`.
pub(crate) fn string_index_of(units: &[u16], search: &[u16], from: usize) -> Option<usize> {
    // 2. If searchValue is the empty String and fromIndex ≤ len, return fromIndex.
    if search.is_empty() {
        return (from <= units.len()).then_some(from);
    }
    if from >= units.len() {
        return None;
    }
    units[from..].windows(search.len()).position(|w| w == search).map(|i| i + from)
}

/// GetSubstitution (22.1.3.19.1): the replacement for one match, from `template`'s `$$`,
/// `$&`, `` $` ``, `$'`, `$n`, `$nn` and `$<name>`. Positions count code units of `string`.
pub(crate) fn get_substitution(
    matched: &JsStr,
    string: &JsStr,
    position: usize,
    captures: &[JsValue],
    named_captures: &JsValue,
    template: &str,
) -> Result<String, JsValue> {
    let units = code_units(string);
    // 1. Let stringLength be the length of str.
    let string_length = units.len();
    // 3. Let result be the empty String.
    let mut result = String::with_capacity(template.len());
    // 4. Let templateRemainder be replacementTemplate.
    let mut rest = template;
    // 5. Repeat, while templateRemainder is not the empty String,
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix('$') else {
            // h. Else: ref is the first code unit, refReplacement is ref (copied up to the
            // next `$` at once).
            let next = rest.find('$').unwrap_or(rest.len());
            result.push_str(&rest[..next]);
            rest = &rest[next..];
            continue;
        };
        let bytes = after.as_bytes();
        match bytes.first() {
            // b. "$$": refReplacement is "$".
            Some(b'$') => {
                result.push('$');
                rest = &after[1..];
            }
            // c. "$`": the substring of str from 0 to position.
            Some(b'`') => {
                result.push_str(&substring(string, &units, 0, position));
                rest = &after[1..];
            }
            // d. "$&": matched.
            Some(b'&') => {
                result.push_str(matched);
                rest = &after[1..];
            }
            // e. "$'": the substring of str from min(position + matchLength, stringLength).
            Some(b'\'') => {
                let tail = (position + matched.utf16_len()).min(string_length);
                result.push_str(&substring(string, &units, tail, string_length));
                rest = &after[1..];
            }
            // f. "$" followed by one or more decimal digits.
            Some(d) if d.is_ascii_digit() => {
                let capture_len = captures.len();
                // i. If followed by 2 or more digits, digitCount is 2; otherwise 1.
                let two = bytes.get(1).is_some_and(u8::is_ascii_digit);
                let mut digit_count = if two { 2 } else { 1 };
                // ii-iii. Let index be the MV of the digits.
                let mut index = after[..digit_count].parse::<usize>().unwrap_or(0);
                // vi. If index > captureLen and digitCount = 2, use one digit instead.
                if index > capture_len && digit_count == 2 {
                    digit_count = 1;
                    index = after[..1].parse::<usize>().unwrap_or(0);
                }
                // viii. If 1 ≤ index ≤ captureLen: the capture ("" if undefined);
                // ix. else refReplacement is ref.
                if (1..=capture_len).contains(&index) {
                    if let JsValue::String(c) = &captures[index - 1] {
                        result.push_str(c);
                    }
                } else {
                    result.push('$');
                    result.push_str(&after[..digit_count]);
                }
                rest = &after[digit_count..];
            }
            // g. "$<".
            Some(b'<') => {
                // i. Let gtPos be StringIndexOf(templateRemainder, ">", 0).
                // ii. If gtPos = -1 or namedCaptures is undefined: ref and refReplacement
                // are "$<".
                match after.find('>') {
                    Some(gt) if !matches!(named_captures, JsValue::Undefined) => {
                        // iii. groupName is between "$<" and ">"; capture = ? Get(namedCaptures,
                        // groupName); "" if undefined, else ? ToString(capture).
                        let group_name = &after[1..gt];
                        let capture = named_captures.get(group_name)?;
                        if !matches!(capture, JsValue::Undefined) {
                            result.push_str(&capture.to_js_string()?);
                        }
                        rest = &after[gt + 1..];
                    }
                    _ => {
                        result.push_str("$<");
                        rest = &after[1..];
                    }
                }
            }
            // h. A "$" that starts no reference is itself.
            _ => {
                result.push('$');
                rest = after;
            }
        }
    }
    // 6. Return result.
    Ok(result)
}

/// The flags string of `rx`: ToString(? Get(rx, "flags")).
fn flags_of(rx: &Obj) -> Result<Rc<str>, JsValue> {
    rx.get("flags")?.to_js_string()
}

/// RegExp.prototype [ @@match ] ( string ) (22.2.6.8).
fn symbol_match(this: &JsValue, string: &JsValue) -> R {
    // 1-2. Let rx be the this value; if it is not an Object, throw a TypeError exception.
    let rx = this_object(this, "RegExp.prototype.@@match")?;
    // 3. Let S be ? ToString(string).
    let s = to_jsstr(string)?;
    // 4. Let flags be ? ToString(? Get(rx, "flags")).
    let flags = flags_of(&rx)?;
    // 5. If flags does not contain "g", return ? RegExpExec(rx, S).
    if !flags.contains('g') {
        return regexp_exec(&rx, &s);
    }
    // 6.a. If flags contains "u" or "v", let fullUnicode be true.
    let full_unicode = flags.contains('u') || flags.contains('v');
    // 6.c. Perform ? Set(rx, "lastIndex", +0𝔽, true).
    set(&rx, "lastIndex", JsValue::Number(0.0))?;
    // 6.d-e. Let A be ! ArrayCreate(0); let n be 0.
    let mut a = Vec::new();
    // 6.f. Repeat,
    loop {
        // i. Let result be ? RegExpExec(rx, S).
        // iii.1. Let matchStr be ? ToString(? Get(result, "0")).
        let match_str = match regexp_exec_raw(&rx, &s)? {
            // ii. If result is null: if n = 0, return null; else return A.
            Exec::Null => return Ok(if a.is_empty() { JsValue::Null } else { realm().new_array(a) }),
            Exec::Object(result) => to_jsstr(&result.get("0")?)?,
            Exec::Raw(m) => substring(&s, &code_units(&s), m.start(), m.end()),
        };
        // iii.3. If matchStr is the empty String, then advance lastIndex past it.
        if match_str.is_empty() {
            let this_index = to_length(&rx.get("lastIndex")?)?;
            let next_index = advance_string_index(&code_units(&s), this_index, full_unicode);
            set(&rx, "lastIndex", JsValue::Number(next_index as f64))?;
        }
        // iii.2. Perform ! CreateDataPropertyOrThrow(A, ! ToString(𝔽(n)), matchStr).
        a.push(JsValue::String(match_str));
    }
}

/// RegExp.prototype [ @@matchAll ] ( string ) (22.2.6.9).
fn symbol_match_all(this: &JsValue, string: &JsValue) -> R {
    // 1-2. Let R be the this value; if it is not an Object, throw a TypeError exception.
    let rx = this_object(this, "RegExp.prototype.@@matchAll")?;
    // 3. Let S be ? ToString(string).
    let s = to_jsstr(string)?;
    // 4. Let C be ? SpeciesConstructor(R, %RegExp%).
    let r = realm();
    let default = r.regexp_ctor.get().expect("RegExp is installed").clone();
    drop(r);
    let c = species_constructor(&rx, &default)?;
    // 5. Let flags be ? ToString(? Get(R, "flags")).
    let flags = flags_of(&rx)?;
    // 6. Let matcher be ? Construct(C, « R, flags »).
    let matcher =
        construct_sync(&c, vec![JsValue::Object(rx.clone()), JsValue::String(flags.clone().into())], &c)?;
    let JsValue::Object(matcher) = matcher else {
        return Err(type_error("the species constructor made no object"));
    };
    // 7. Let lastIndex be ? ToLength(? Get(R, "lastIndex")).
    let last_index = to_length(&rx.get("lastIndex")?)?;
    // 8. Perform ? Set(matcher, "lastIndex", lastIndex, true).
    set(&matcher, "lastIndex", JsValue::Number(last_index as f64))?;
    // 9-12. global and fullUnicode from flags.
    let global = flags.contains('g');
    let full_unicode = flags.contains('u') || flags.contains('v');
    // 13. Return CreateRegExpStringIterator(matcher, S, global, fullUnicode).
    Ok(create_regexp_string_iterator(matcher, s, global, full_unicode))
}

/// CreateRegExpStringIterator (22.2.9.1).
fn create_regexp_string_iterator(regexp: Obj, string: JsStr, global: bool, full_unicode: bool) -> JsValue {
    let state = RegExpStringIterator { regexp: Some(regexp), string, global, full_unicode };
    let proto = realm().regexp_string_iterator_proto.clone();
    JsValue::Object(Obj::new(Class::RegExpStringIterator(RefCell::new(state)), Some(proto)))
}

/// %RegExpStringIteratorPrototype%.next ( ) (22.2.9.2.1): one step of
/// CreateRegExpStringIterator's closure (22.2.9.1 step 1).
fn regexp_string_iterator_next(this: &JsValue) -> R {
    let state = match this {
        JsValue::Object(o) => match o.class() {
            Class::RegExpStringIterator(s) => s,
            _ => return Err(incompatible("%RegExpStringIterator%.prototype.next", this)),
        },
        _ => return Err(incompatible("%RegExpStringIterator%.prototype.next", this)),
    };
    // The state is copied out: the calls below run script code, which may call next again.
    let (rx, s, global, full_unicode) = {
        let st = state.borrow();
        let Some(rx) = st.regexp.clone() else { return Ok(iter_result(JsValue::Undefined, true)) };
        (rx, st.string.clone(), st.global, st.full_unicode)
    };
    // 1.a.i. Let match be ? RegExpExec(R, S).
    let m = regexp_exec(&rx, &s)?;
    // ii. If match is null, return NormalCompletion(undefined) (done).
    if matches!(m, JsValue::Null) {
        state.borrow_mut().regexp = None;
        return Ok(iter_result(JsValue::Undefined, true));
    }
    // iii. If global is false: Yield(match), then return (done).
    if !global {
        state.borrow_mut().regexp = None;
        return Ok(iter_result(m, false));
    }
    // iv. Let matchStr be ? ToString(? Get(match, "0")); if it is empty, advance lastIndex.
    let match_str = m.get("0")?.to_js_string()?;
    if match_str.is_empty() {
        let this_index = to_length(&rx.get("lastIndex")?)?;
        let next_index = advance_string_index(&code_units(&s), this_index, full_unicode);
        set(&rx, "lastIndex", JsValue::Number(next_index as f64))?;
    }
    // v. Perform ? GeneratorYield(CreateIterResultObject(match, false)).
    Ok(iter_result(m, false))
}

/// RegExp.prototype [ @@replace ] ( string, replaceValue ) (22.2.6.11).
fn symbol_replace(this: &JsValue, string: &JsValue, replace_value: &JsValue) -> R {
    // 1-2. Let rx be the this value; if it is not an Object, throw a TypeError exception.
    let rx = this_object(this, "RegExp.prototype.@@replace")?;
    // 3. Let S be ? ToString(string). 4. Let lengthS be the length of S.
    let s = to_jsstr(string)?;
    let length_s = s.utf16_len();
    // 5. Let functionalReplace be IsCallable(replaceValue).
    let functional = replace_value.is_callable();
    // 6. If functionalReplace is false, set replaceValue to ? ToString(replaceValue).
    let template = if functional { None } else { Some(replace_value.to_js_string()?) };
    // 7. Let flags be ? ToString(? Get(rx, "flags")). 8. global.
    let flags = flags_of(&rx)?;
    let global = flags.contains('g');
    // 9. If global is true: fullUnicode; Perform ? Set(rx, "lastIndex", +0𝔽, true).
    let full_unicode = flags.contains('u') || flags.contains('v');
    if global {
        set(&rx, "lastIndex", JsValue::Number(0.0))?;
    }
    // 10-12. Collect the results: one unless global; an empty match advances lastIndex.
    let mut results = Vec::new();
    loop {
        // a. Let result be ? RegExpExec(rx, S).
        let result = regexp_exec_raw(&rx, &s)?;
        // c.iii. Let matchStr be ? ToString(? Get(result, "0")) (read once the loop ends, for
        // a script's result: its Gets come before the next RegExpExec either way).
        let empty = match &result {
            // b. If result is null, set done to true.
            Exec::Null => break,
            Exec::Object(o) => global && o.get("0")?.to_js_string()?.is_empty(),
            Exec::Raw(m) => m.start() == m.end(),
        };
        results.push(result);
        // c.ii. If global is false, set done to true.
        if !global {
            break;
        }
        // c.iii. If matchStr is the empty String, advance lastIndex.
        if empty {
            let this_index = to_length(&rx.get("lastIndex")?)?;
            let next_index = advance_string_index(&code_units(&s), this_index, full_unicode);
            set(&rx, "lastIndex", JsValue::Number(next_index as f64))?;
        }
    }
    // 13. Let accumulatedResult be the empty String. 14. Let nextSourcePosition be 0.
    let mut accumulated = String::with_capacity(s.len());
    let mut next_source_position = 0usize;
    // 15. For each element result of results, do
    for result in results {
        let (matched, position, captures, named_captures) = match result {
            Exec::Null => continue,
            Exec::Object(result) => replace_parts(&result, length_s)?,
            Exec::Raw(m) => raw_replace_parts(&s, m),
        };
        let match_length = matched.utf16_len();
        let replacement = if functional {
            // k. replacerArgs: « matched », captures, « 𝔽(position), S », then namedCaptures
            // if not undefined; replacement = ? ToString(? Call(replaceValue, undefined, ..)).
            let mut args = Vec::with_capacity(captures.len() + 4);
            args.push(JsValue::String(matched.clone()));
            args.extend(captures);
            args.push(JsValue::Number(position as f64));
            args.push(JsValue::String(s.clone()));
            if !matches!(named_captures, JsValue::Undefined) {
                args.push(named_captures);
            }
            call_sync(replace_value, &JsValue::Undefined, &args)?.to_js_string()?.to_string()
        } else {
            // l. If namedCaptures is not undefined, set it to ? ToObject(namedCaptures);
            // replacement = ? GetSubstitution(matched, S, position, captures, namedCaptures,
            // replaceValue).
            let named_captures = match named_captures {
                JsValue::Undefined => JsValue::Undefined,
                v => JsValue::Object(super::to_object(&v)?),
            };
            let template = template.as_deref().unwrap_or("");
            get_substitution(&matched, &s, position, &captures, &named_captures, template)?
        };
        // m. If position ≥ nextSourcePosition: append the text since the last match and the
        // replacement; nextSourcePosition = position + matchLength.
        if position >= next_source_position {
            let units = code_units(&s);
            accumulated.push_str(&substring(&s, &units, next_source_position, position));
            accumulated.push_str(&replacement);
            next_source_position = position + match_length;
        }
    }
    // 16. If nextSourcePosition ≥ lengthS, return accumulatedResult.
    if next_source_position >= length_s {
        return Ok(JsValue::from(accumulated));
    }
    // 17. Return accumulatedResult + the substring of S from nextSourcePosition.
    let units = code_units(&s);
    accumulated.push_str(&substring(&s, &units, next_source_position, length_s));
    Ok(JsValue::from(accumulated))
}

/// @@replace step 15.a-j for a result object: matched, position, captures, namedCaptures.
fn replace_parts(result: &Obj, length_s: usize) -> Result<(JsStr, usize, Vec<JsValue>, JsValue), JsValue> {
    // a. Let resultLength be ? LengthOfArrayLike(result). b. nCaptures = max(resultLength - 1, 0).
    let result_length = to_length(&result.get("length")?)?;
    let n_captures = result_length.saturating_sub(1);
    // c. Let matched be ? ToString(? Get(result, "0")).
    let matched = to_jsstr(&result.get("0")?)?;
    // e. Let position be ? ToIntegerOrInfinity(? Get(result, "index")).
    // f. Set position to the result of clamping position between 0 and lengthS.
    let position = super::to_integer_or_infinity(&result.get("index")?)?;
    let position = position.clamp(0.0, length_s as f64) as usize;
    // g-i. captures: each ? Get(result, ToString(n)), ToString'd unless undefined.
    let mut captures = Vec::with_capacity(n_captures);
    for n in 1..=n_captures {
        let cap = result.get(&*n.to_string())?;
        captures.push(match cap {
            JsValue::Undefined => JsValue::Undefined,
            c => JsValue::String(to_jsstr(&c)?),
        });
    }
    // j. Let namedCaptures be ? Get(result, "groups").
    let named_captures = result.get("groups")?;
    Ok((matched, position, captures, named_captures))
}

/// The same parts of the builtin's match, as its result array would give them.
fn raw_replace_parts(s: &JsStr, m: RawMatch) -> (JsStr, usize, Vec<JsValue>, JsValue) {
    let units = code_units(s);
    let text = |r: &Option<std::ops::Range<usize>>| match r {
        Some(r) => JsValue::String(substring(s, &units, r.start, r.end)),
        None => JsValue::Undefined,
    };
    let matched = substring(s, &units, m.start(), m.end());
    let captures = m.captures[1..].iter().map(text).collect();
    let named_captures = if m.named.is_empty() {
        JsValue::Undefined
    } else {
        let g = Obj::new(Class::Object, None);
        for (name, range) in &m.named {
            g.define(name.as_str(), text(range), true);
        }
        JsValue::Object(g)
    };
    (matched, m.start(), captures, named_captures)
}

/// RegExp.prototype [ @@search ] ( string ) (22.2.6.12).
fn symbol_search(this: &JsValue, string: &JsValue) -> R {
    // 1-2. Let rx be the this value; if it is not an Object, throw a TypeError exception.
    let rx = this_object(this, "RegExp.prototype.@@search")?;
    // 3. Let S be ? ToString(string).
    let s = to_jsstr(string)?;
    // 4. Let previousLastIndex be ? Get(rx, "lastIndex").
    let previous = rx.get("lastIndex")?;
    // 5. If SameValue(previousLastIndex, +0𝔽) is false, Perform ? Set(rx, "lastIndex", +0𝔽, true).
    if !previous.same_value(&JsValue::Number(0.0)) {
        set(&rx, "lastIndex", JsValue::Number(0.0))?;
    }
    // 6. Let result be ? RegExpExec(rx, S).
    let result = regexp_exec(&rx, &s)?;
    // 7. Let currentLastIndex be ? Get(rx, "lastIndex").
    let current = rx.get("lastIndex")?;
    // 8. If SameValue(currentLastIndex, previousLastIndex) is false, restore it.
    if !current.same_value(&previous) {
        set(&rx, "lastIndex", previous)?;
    }
    // 9. If result is null, return -1𝔽. 10. Return ? Get(result, "index").
    match result {
        JsValue::Null => Ok(JsValue::Number(-1.0)),
        r => r.get("index"),
    }
}

/// RegExp.prototype [ @@split ] ( string, limit ) (22.2.6.14).
fn symbol_split(this: &JsValue, string: &JsValue, limit: &JsValue) -> R {
    // 1-2. Let rx be the this value; if it is not an Object, throw a TypeError exception.
    let rx = this_object(this, "RegExp.prototype.@@split")?;
    // 3. Let S be ? ToString(string).
    let s = to_jsstr(string)?;
    // 4. Let C be ? SpeciesConstructor(rx, %RegExp%).
    let default = realm().regexp_ctor.get().expect("RegExp is installed").clone();
    let c = species_constructor(&rx, &default)?;
    // 5. Let flags be ? ToString(? Get(rx, "flags")).
    let flags = flags_of(&rx)?;
    // 6. unicodeMatching: flags contains "u" or "v".
    let unicode_matching = flags.contains('u') || flags.contains('v');
    // 7. If flags contains "y", let newFlags be flags; else flags + "y".
    let new_flags = if flags.contains('y') { flags.to_string() } else { format!("{flags}y") };
    // 8. Let splitter be ? Construct(C, « rx, newFlags »).
    let splitter = construct_sync(&c, vec![JsValue::Object(rx.clone()), JsValue::from(new_flags)], &c)?;
    let JsValue::Object(splitter) = splitter else {
        return Err(type_error("the species constructor made no object"));
    };
    // 9-10. Let A be ! ArrayCreate(0); lengthA = 0.
    let mut a: Vec<JsValue> = Vec::new();
    // 11. If limit is undefined, lim = 2^32 - 1; else lim = ℝ(? ToUint32(limit)).
    let lim = match limit {
        JsValue::Undefined => u32::MAX as usize,
        l => crate::number::to_uint32(l.to_number()?) as usize,
    };
    let r = realm();
    // 12. If lim = 0, return A.
    if lim == 0 {
        return Ok(r.new_array(a));
    }
    drop(r);
    let units = code_units(&s);
    // 13. Let size be the length of S.
    let size = units.len();
    // 14. If size = 0: z = ? RegExpExec(splitter, S); if z is not null, return A; else A = « S ».
    if size == 0 {
        let z = regexp_exec(&splitter, &s)?;
        if !matches!(z, JsValue::Null) {
            return Ok(realm().new_array(a));
        }
        return Ok(realm().new_array(vec![JsValue::String(s)]));
    }
    // 15-16. Let p be 0; let q be p.
    let mut p = 0usize;
    let mut q = p;
    // 17. Repeat, while q < size,
    while q < size {
        // a. Perform ? Set(splitter, "lastIndex", 𝔽(q), true).
        set(&splitter, "lastIndex", JsValue::Number(q as f64))?;
        // b. Let z be ? RegExpExec(splitter, S).
        let z = regexp_exec_raw(&splitter, &s)?;
        // c. If z is null, set q to AdvanceStringIndex(S, q, unicodeMatching).
        if matches!(z, Exec::Null) {
            q = advance_string_index(&units, q, unicode_matching);
            continue;
        }
        // d.i-ii. Let e be min(ℝ(? ToLength(? Get(splitter, "lastIndex"))), size).
        let e = to_length(&splitter.get("lastIndex")?)?.min(size);
        // iii. If e = p, set q to AdvanceStringIndex(S, q, unicodeMatching).
        if e == p {
            q = advance_string_index(&units, q, unicode_matching);
            continue;
        }
        // iv.1-4. T = S[p..q]; append it; if lengthA = lim, return A.
        a.push(JsValue::String(substring(&s, &units, p, q)));
        if a.len() == lim {
            return Ok(realm().new_array(a));
        }
        // 5. Set p to e.
        p = e;
        // 6-7. numberOfCaptures = max(? LengthOfArrayLike(z) - 1, 0).
        // 9-10. Append each capture (? Get(z, ToString(i))); if lengthA = lim, return A.
        let captures = match &z {
            Exec::Object(z) => {
                let number_of_captures = to_length(&z.get("length")?)?.saturating_sub(1);
                let mut captures = Vec::with_capacity(number_of_captures);
                for i in 1..=number_of_captures {
                    captures.push(z.get(&*i.to_string())?);
                }
                captures
            }
            Exec::Raw(m) => m.captures[1..]
                .iter()
                .map(|c| match c {
                    Some(r) => JsValue::String(substring(&s, &units, r.start, r.end)),
                    None => JsValue::Undefined,
                })
                .collect(),
            Exec::Null => Vec::new(),
        };
        for capture in captures {
            a.push(capture);
            if a.len() == lim {
                return Ok(realm().new_array(a));
            }
        }
        // 11. Set q to p.
        q = p;
    }
    // 18-20. T = S[p..size]; append it; return A.
    a.push(JsValue::String(substring(&s, &units, p, size)));
    Ok(realm().new_array(a))
}

/// EscapeRegExpPattern (22.2.6.13.1): `source` as it could be written in a literal: `/` and
/// line terminators escaped, "(?:)" for the empty pattern (V8's choices).
fn escape_regexp_pattern(source: &str) -> String {
    if source.is_empty() {
        return "(?:)".into();
    }
    let mut out = String::with_capacity(source.len());
    let (mut escaped, mut in_class) = (false, false);
    for c in source.chars() {
        if escaped {
            escaped = false;
            match c {
                '\n' => out.push('n'),
                '\r' => out.push('r'),
                '\u{2028}' => out.push_str("u2028"),
                '\u{2029}' => out.push_str("u2029"),
                c => out.push(c),
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                out.push('\\');
            }
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            '/' if !in_class => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `/source/flags` as RegExp.prototype.toString gives it for an unmodified RegExp (what
/// `console.log` shows).
pub(crate) fn regexp_text(data: &RegExpData) -> String {
    format!("/{}/{}", escape_regexp_pattern(&data.source), data.flags)
}

/// The flag getters of 22.2.6 and their flag characters, in `get flags`'s order (22.2.6.4
/// steps 4-19).
const FLAG_GETTERS: [(&str, char); 8] = [
    ("hasIndices", 'd'),
    ("global", 'g'),
    ("ignoreCase", 'i'),
    ("multiline", 'm'),
    ("dotAll", 's'),
    ("unicode", 'u'),
    ("unicodeSets", 'v'),
    ("sticky", 'y'),
];

pub(crate) fn install(r: &Rc<Realm>) {
    let proto = &r.regexp_proto;
    // 22.2.4.1 RegExp ( pattern, flags )
    let ctor = r.native_ctor("RegExp", 2, |_, args, new_target| {
        let (pattern, flags) = (arg(args, 0), arg(args, 1));
        // 1. Let patternIsRegExp be ? IsRegExp(pattern).
        let pattern_is_regexp = is_regexp(&pattern)?;
        // 2. If NewTarget is undefined, then
        if !new_target {
            // a. Let newTarget be the active function object.
            // b. If patternIsRegExp is true and flags is undefined, then
            if pattern_is_regexp && matches!(flags, JsValue::Undefined) {
                // i. Let patternConstructor be ? Get(pattern, "constructor").
                let pattern_constructor = pattern.get("constructor")?;
                // ii. If SameValue(newTarget, patternConstructor) is true, return pattern.
                let own = realm().regexp_ctor.get().cloned();
                if let (Some(own), JsValue::Object(pc)) = (own, &pattern_constructor)
                    && own.ptr_eq(pc)
                {
                    return Ok(pattern);
                }
            }
        }
        let (p, f) = match &pattern {
            // 3. If pattern has a [[RegExpMatcher]] internal slot: P = [[OriginalSource]];
            // F = [[OriginalFlags]] if flags is undefined, else flags.
            JsValue::Object(o) if let Class::RegExp(data) = o.class() => {
                let f = match flags {
                    JsValue::Undefined => JsValue::String(data.flags.clone()),
                    f => f,
                };
                // A regex with these very source and flags shares the compiled matcher.
                if let JsValue::String(fs) = &f
                    && *fs == data.flags
                {
                    return Ok(JsValue::Object(regexp_object(data.clone())));
                }
                (JsValue::String(data.source.clone()), f)
            }
            // 4. Else if patternIsRegExp: P = ? Get(pattern, "source"); F = ? Get(pattern,
            // "flags") if flags is undefined, else flags.
            _ if pattern_is_regexp => {
                let p = pattern.get("source")?;
                let f = match flags {
                    JsValue::Undefined => pattern.get("flags")?,
                    f => f,
                };
                (p, f)
            }
            // 5. Else: P = pattern, F = flags.
            _ => (pattern.clone(), flags),
        };
        // 6. Let O be ? RegExpAlloc(newTarget). 7. Return ? RegExpInitialize(O, P, F).
        Ok(JsValue::Object(regexp_initialize(&p, &f)?))
    });
    let _ = r.regexp_ctor.set(ctor.clone());
    // 22.2.5.1 RegExp.prototype: { [[Writable]]: false, [[Enumerable]]: false, [[Configurable]]: false }.
    ctor.define_with("prototype", JsValue::Object(proto.clone()), false, false, false);
    // 22.2.5.2 get RegExp [ @@species ]: Return the this value.
    let species = r.native("get [Symbol.species]", 0, |this, _, _| Ok(this.clone()));
    ctor.define_accessor(
        &PropertyKey::Symbol(r.symbols.species.clone()),
        Some(JsValue::Object(species)),
        None,
        false,
    );
    // 22.2.6.1 RegExp.prototype.constructor.
    proto.define("constructor", JsValue::Object(ctor.clone()), false);

    // 22.2.6.2 RegExp.prototype.exec ( string )
    let exec = r.native("exec", 1, |this, args, _| {
        // 1-2. Let R be the this value; Perform ? RequireInternalSlot(R, [[RegExpMatcher]]).
        let data = match this {
            JsValue::Object(o) if let Class::RegExp(d) = o.class() => (o.clone(), d.clone()),
            _ => return Err(incompatible("RegExp.prototype.exec", this)),
        };
        // 3. Let S be ? ToString(string). 4. Return ? RegExpBuiltinExec(R, S).
        let s = to_jsstr(&arg(args, 0))?;
        regexp_builtin_exec(&data.0, &data.1, &s)
    });
    proto.define("exec", JsValue::Object(exec.clone()), false);
    let _ = r.regexp_exec.set(exec);
    // The accessors, defined below in V8's order (Object.getOwnPropertyNames shows it).
    let mut getters: Vec<(&str, Obj)> = Vec::new();
    // 22.2.6.4 get RegExp.prototype.flags
    let flags = r.native("get flags", 0, |this, _, _| {
        // 1-2. Let R be the this value; if R is not an Object, throw a TypeError exception.
        let JsValue::Object(o) = this else {
            return Err(type_error(&format!(
                "RegExp.prototype.flags getter called on non-object {}",
                crate::inspect::inspect(this)
            )));
        };
        // 3-19. For each flag getter in order: if ToBoolean(? Get(R, name)), append its char.
        let mut result = String::new();
        for (name, c) in FLAG_GETTERS {
            if o.get(name)?.truthy() {
                result.push(c);
            }
        }
        // 20. Return result.
        Ok(JsValue::from(result))
    });
    getters.push(("flags", flags));
    // 22.2.6.3, .5, .6, .7, .10, .15, .18, .19: the flag getters, through RegExpHasFlag
    // (22.2.6.4.1).
    for (name, c) in FLAG_GETTERS {
        let getter = r.native(&format!("get {name}"), 0, move |this, _, _| {
            // 1. If R is not an Object, throw a TypeError exception.
            // 2. If R does not have an [[OriginalFlags]] internal slot: if SameValue(R,
            // %RegExp.prototype%), return undefined; otherwise throw a TypeError exception.
            // 3-5. Return true if [[OriginalFlags]] contains codeUnit, else false.
            match this {
                JsValue::Object(o) => match o.class() {
                    Class::RegExp(d) => Ok(JsValue::Bool(d.has_flag(c))),
                    _ if o.ptr_eq(&realm().regexp_proto) => Ok(JsValue::Undefined),
                    _ => Err(type_error(&format!(
                        "RegExp.prototype.{name} getter called on non-RegExp object"
                    ))),
                },
                _ => Err(type_error(&format!("RegExp.prototype.{name} getter called on non-RegExp object"))),
            }
        });
        getters.push((name, getter));
    }
    // 22.2.6.13 get RegExp.prototype.source
    let source = r.native("get source", 0, |this, _, _| match this {
        // 3. If R does not have an [[OriginalSource]] internal slot: "(?:)" for
        // %RegExp.prototype%, else a TypeError. 4-6. Return EscapeRegExpPattern(src, flags).
        JsValue::Object(o) => match o.class() {
            Class::RegExp(d) => Ok(JsValue::from(escape_regexp_pattern(&d.source))),
            _ if o.ptr_eq(&realm().regexp_proto) => Ok(JsValue::from("(?:)")),
            _ => Err(type_error("RegExp.prototype.source getter called on non-RegExp object")),
        },
        // 2. If R is not an Object, throw a TypeError exception.
        _ => Err(type_error("RegExp.prototype.source getter called on non-RegExp object")),
    });
    getters.push(("source", source));
    let define_getter = |name: &str| {
        if let Some((_, g)) = getters.iter().find(|(n, _)| *n == name) {
            proto.define_accessor(name, Some(JsValue::Object(g.clone())), None, false);
        }
    };
    for name in
        ["dotAll", "flags", "global", "hasIndices", "ignoreCase", "multiline", "source", "sticky", "unicode"]
    {
        define_getter(name);
    }
    // 22.2.6.17 RegExp.prototype.toString ( )
    r.method(proto, "toString", 0, |this, _, _| {
        // 1-2. Let R be the this value; if it is not an Object, throw a TypeError exception.
        let rx = this_object(this, "RegExp.prototype.toString")?;
        // 3. Let pattern be ? ToString(? Get(R, "source")). 4. Let flags be ? ToString(? Get(R, "flags")).
        let pattern = rx.get("source")?.to_js_string()?;
        let flags = rx.get("flags")?.to_js_string()?;
        // 5. Return "/" + pattern + "/" + flags.
        Ok(JsValue::from(format!("/{pattern}/{flags}")))
    });
    // 22.2.6.16 RegExp.prototype.test ( S )
    r.method(proto, "test", 1, |this, args, _| {
        // 1-2. Let R be the this value; if it is not an Object, throw a TypeError exception.
        let rx = this_object(this, "RegExp.prototype.test")?;
        // 3. Let string be ? ToString(S). 4. Let match be ? RegExpExec(R, string).
        let s = to_jsstr(&arg(args, 0))?;
        // 5. If match is not null, return true; else return false.
        Ok(JsValue::Bool(!matches!(regexp_exec(&rx, &s)?, JsValue::Null)))
    });
    define_getter("unicodeSets");
    // The well-known symbol methods (22.2.6.8, .9, .11, .12, .14).
    let symbol_method =
        |symbol: &crate::property::Symbol, name: &str, length: usize, f: fn(&JsValue, &[JsValue]) -> R| {
            let f = r.native(name, length, move |this, args, _| f(this, args));
            proto.define(&PropertyKey::Symbol(symbol.clone()), JsValue::Object(f), false);
        };
    symbol_method(&r.symbols.r#match, "[Symbol.match]", 1, |this, args| symbol_match(this, &arg(args, 0)));
    symbol_method(&r.symbols.match_all, "[Symbol.matchAll]", 1, |this, args| {
        symbol_match_all(this, &arg(args, 0))
    });
    symbol_method(&r.symbols.replace, "[Symbol.replace]", 2, |this, args| {
        symbol_replace(this, &arg(args, 0), &arg(args, 1))
    });
    symbol_method(&r.symbols.search, "[Symbol.search]", 1, |this, args| symbol_search(this, &arg(args, 0)));
    symbol_method(&r.symbols.split, "[Symbol.split]", 2, |this, args| {
        symbol_split(this, &arg(args, 0), &arg(args, 1))
    });
    r.global.define("RegExp", JsValue::Object(ctor), false);

    // 22.2.9.2 %RegExpStringIteratorPrototype%: inherits from %IteratorPrototype%.
    let iter_proto = &r.regexp_string_iterator_proto;
    iter_proto.set_prototype_of(Some(r.iterator_proto.clone()));
    r.method(iter_proto, "next", 0, |this, _, _| regexp_string_iterator_next(this));
    // 22.2.9.2.2 %RegExpStringIteratorPrototype% [ @@toStringTag ]: "RegExp String Iterator".
    let tag = PropertyKey::Symbol(r.symbols.to_string_tag.clone());
    iter_proto.define_with(&tag, JsValue::from("RegExp String Iterator"), false, false, true);
}
