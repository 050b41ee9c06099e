//! The function properties of the global object (ECMA-262 19.2): `isNaN`, `isFinite`,
//! `parseFloat`, `parseInt`, and the URI functions `encodeURI`, `encodeURIComponent`,
//! `decodeURI`, `decodeURIComponent` (19.2.6).

use std::rc::Rc;

use super::arg;
use crate::number::string_to_number;
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(super) fn install(r: &Rc<Realm>) {
    let g = &r.global;
    r.method(g, "isNaN", 1, |_, args, _| Ok(JsValue::Bool(arg(args, 0).to_number()?.is_nan())));
    r.method(g, "isFinite", 1, |_, args, _| Ok(JsValue::Bool(arg(args, 0).to_number()?.is_finite())));
    r.method(g, "parseFloat", 1, |_, args, _| {
        let s = arg(args, 0).to_js_string()?;
        let t = s.trim_start();
        // The longest prefix that is a decimal literal.
        let mut best = f64::NAN;
        for end in (1..=t.len()).rev() {
            if t.is_char_boundary(end) {
                let v = string_to_number(&t[..end]);
                if !v.is_nan() && !t[..end].starts_with("0x") && !t[..end].ends_with(char::is_whitespace) {
                    best = v;
                    break;
                }
            }
        }
        Ok(JsValue::Number(best))
    });
    r.method(g, "parseInt", 2, |_, args, _| {
        let s = arg(args, 0).to_js_string()?;
        let mut t = s.trim_start();
        let mut sign = 1.0;
        if let Some(rest) = t.strip_prefix('-') {
            sign = -1.0;
            t = rest;
        } else if let Some(rest) = t.strip_prefix('+') {
            t = rest;
        }
        let mut radix = arg(args, 1).to_number()?;
        if radix.is_nan() || radix == 0.0 {
            radix = 10.0;
            if t.starts_with("0x") || t.starts_with("0X") {
                radix = 16.0;
                t = &t[2..];
            }
        } else if radix == 16.0 && (t.starts_with("0x") || t.starts_with("0X")) {
            t = &t[2..];
        }
        if !(2.0..=36.0).contains(&radix) {
            return Ok(JsValue::Number(f64::NAN));
        }
        let radix = radix as u32;
        let mut value = 0.0;
        let mut any = false;
        for c in t.chars() {
            match c.to_digit(radix) {
                Some(d) => {
                    value = value * f64::from(radix) + f64::from(d);
                    any = true;
                }
                None => break,
            }
        }
        Ok(JsValue::Number(if any { sign * value } else { f64::NAN }))
    });
    // 19.2.6.5 encodeURI ( uriString ): Encode(uriString, extraUnescaped: ";/?:@&=+$,#").
    r.method(g, "encodeURI", 1, |_, args, _| {
        Ok(JsValue::from(encode(&arg(args, 0).to_js_string()?, ";/?:@&=+$,#")))
    });
    // 19.2.6.6 encodeURIComponent ( uriComponent ): Encode(componentString, the empty String).
    r.method(g, "encodeURIComponent", 1, |_, args, _| {
        Ok(JsValue::from(encode(&arg(args, 0).to_js_string()?, "")))
    });
    // 19.2.6.1 decodeURI ( encodedURI ): Decode(uriString, preserveEscapeSet: ";/?:@&=+$,#").
    r.method(g, "decodeURI", 1, |_, args, _| {
        Ok(JsValue::from(decode(&arg(args, 0).to_js_string()?, ";/?:@&=+$,#")?))
    });
    // 19.2.6.2 decodeURIComponent ( encodedURIComponent ): Decode(componentString, "").
    r.method(g, "decodeURIComponent", 1, |_, args, _| {
        Ok(JsValue::from(decode(&arg(args, 0).to_js_string()?, "")?))
    });
}

/// Encode ( string, extraUnescaped ) (19.2.6.7): every code point outside the unreserved set
/// (ASCII letters and digits, `-.!~*'()_`) and `extraUnescaped` as its UTF-8 bytes, each
/// `%XX` in upper-case hex. (A lone surrogate, its URIError, cannot occur: settle-js's strings
/// are well formed.)
fn encode(string: &str, extra_unescaped: &str) -> String {
    let mut r = String::with_capacity(string.len());
    for c in string.chars() {
        if c.is_ascii_alphanumeric() || "-.!~*'()_".contains(c) || extra_unescaped.contains(c) {
            r.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                r.push_str(&format!("%{b:02X}"));
            }
        }
    }
    r
}

/// Decode ( string, preserveEscapeSet ) (19.2.6.8): each `%XX` sequence (a whole UTF-8 code
/// point) decoded, except a single byte in `preserve_escape_set`, kept as written. A malformed
/// escape or UTF-8 sequence is a URIError.
fn decode(string: &str, preserve_escape_set: &str) -> Result<String, JsValue> {
    let malformed = || realm().error("URIError", "URI malformed");
    let bytes = string.as_bytes();
    let hex = |i: usize| -> Option<u8> {
        let h = bytes.get(i + 1..i + 3)?;
        u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    };
    let mut out = String::with_capacity(string.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            // Copy the whole (possibly multi-byte) character.
            let c = string[i..].chars().next().ok_or_else(malformed)?;
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let first = hex(i).ok_or_else(malformed)?;
        if first < 0x80 {
            let c = char::from(first);
            if preserve_escape_set.contains(c) {
                out.push_str(&string[i..i + 3]);
            } else {
                out.push(c);
            }
            i += 3;
            continue;
        }
        // The number of bytes the leading byte announces (2-4); 10xxxxxx or 11111xxx is malformed.
        let n = match first {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return Err(malformed()),
        };
        let mut octets = vec![first];
        for k in 1..n {
            let at = i + 3 * k;
            if bytes.get(at) != Some(&b'%') {
                return Err(malformed());
            }
            let b = hex(at).ok_or_else(malformed)?;
            if b & 0xC0 != 0x80 {
                return Err(malformed());
            }
            octets.push(b);
        }
        // Overlong forms and surrogates are not valid UTF-8: from_utf8 refuses them.
        let text = std::str::from_utf8(&octets).map_err(|_| malformed())?;
        out.push_str(text);
        i += 3 * n;
    }
    Ok(out)
}
