//! The function properties of the global object (ECMA-262 19.2): `isNaN`, `isFinite`,
//! `parseFloat`, `parseInt`.

use std::rc::Rc;

use super::arg;
use crate::number::string_to_number;
use crate::realm::Realm;
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
}
