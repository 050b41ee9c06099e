//! The Number constructor and Number.prototype (ECMA-262 21.1).

use std::rc::Rc;

use super::object::to_object;
use super::{arg, type_error};
use crate::number::{integer_or_infinity, number_to_string, to_exponential, to_fixed, to_precision};
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(super) fn install(r: &Rc<Realm>) {
    // Number ( value ) (21.1.1.1): 1.a. Let prim be ? ToNumeric(value); b. If prim is a
    // BigInt, let n be 𝔽(ℝ(prim)).
    let number = r.native_ctor("Number", 1, |_, args, new_target| {
        let n = JsValue::Number(match args.first() {
            None => 0.0,
            Some(v) => match crate::bigint::to_numeric(v)? {
                JsValue::BigInt(n) => n as f64,
                n => n.to_number()?,
            },
        });
        // 2. If NewTarget is undefined, return n. 3-5. Otherwise a Number object whose
        // [[NumberData]] is n.
        Ok(if new_target { JsValue::Object(to_object(&n)?) } else { n })
    });
    let np = &r.number_proto;
    number.define("prototype", JsValue::Object(np.clone()), false);
    np.define("constructor", JsValue::Object(number.clone()), false);
    // ThisNumberValue (21.1.3.7.1): a Number or a Number wrapper's [[NumberData]].
    let this_number = |this: &JsValue| match this {
        JsValue::Number(n) => Ok(*n),
        JsValue::Object(o) if let Some(JsValue::Number(n)) = o.primitive_data() => Ok(*n),
        _ => Err(type_error("Number.prototype method requires that 'this' be a Number")),
    };
    r.method(np, "toFixed", 1, move |this, args, _| {
        let n = this_number(this)?;
        let d = arg(args, 0).to_number()?;
        let d = integer_or_infinity(d);
        if !(0.0..=100.0).contains(&d) {
            return Err(realm().error("RangeError", "toFixed() digits argument must be between 0 and 100"));
        }
        Ok(JsValue::from(to_fixed(n, d as usize)))
    });
    // 21.1.3.2 Number.prototype.toExponential ( fractionDigits ).
    r.method(np, "toExponential", 1, move |this, args, _| {
        // 1. Let x be ? ThisNumberValue(this value). 2. Let f be ? ToIntegerOrInfinity(fractionDigits).
        let x = this_number(this)?;
        let fd = arg(args, 0);
        let f = fd.to_number()?;
        let f = integer_or_infinity(f);
        // 4. If x is not finite, return Number::toString(x, 10).
        if !x.is_finite() {
            return Ok(JsValue::from(number_to_string(x)));
        }
        // 5. If f < 0 or f > 100, throw a RangeError exception.
        if !(0.0..=100.0).contains(&f) {
            return Err(realm().error("RangeError", "toExponential() argument must be between 0 and 100"));
        }
        let digits = if matches!(fd, JsValue::Undefined) { None } else { Some(f as usize) };
        Ok(JsValue::from(to_exponential(x, digits)))
    });
    // 21.1.3.5 Number.prototype.toPrecision ( precision ).
    r.method(np, "toPrecision", 1, move |this, args, _| {
        let x = this_number(this)?;
        // 2. If precision is undefined, return ! ToString(x).
        if matches!(arg(args, 0), JsValue::Undefined) {
            return Ok(JsValue::from(number_to_string(x)));
        }
        // 3. Let p be ? ToIntegerOrInfinity(precision). 4. If x is not finite, return
        // Number::toString(x, 10). 5. If p < 1 or p > 100, throw a RangeError exception.
        let p = arg(args, 0).to_number()?;
        let p = integer_or_infinity(p);
        if !x.is_finite() {
            return Ok(JsValue::from(number_to_string(x)));
        }
        if !(1.0..=100.0).contains(&p) {
            return Err(realm().error("RangeError", "toPrecision() argument must be between 1 and 100"));
        }
        Ok(JsValue::from(to_precision(x, p as usize)))
    });
    r.method(np, "toString", 1, move |this, args, _| {
        let n = this_number(this)?;
        match arg(args, 0) {
            JsValue::Undefined => Ok(JsValue::from(number_to_string(n))),
            radix => {
                let radix = radix.to_number()? as u32;
                if !(2..=36).contains(&radix) {
                    return Err(realm().error("RangeError", "toString() radix must be between 2 and 36"));
                }
                if radix == 10 || n.fract() != 0.0 || !n.is_finite() {
                    return Ok(JsValue::from(number_to_string(n)));
                }
                let mut v = n.abs() as u128;
                let mut digits = Vec::new();
                loop {
                    digits.push(std::char::from_digit((v % u128::from(radix)) as u32, radix).unwrap_or('0'));
                    v /= u128::from(radix);
                    if v == 0 {
                        break;
                    }
                }
                if n < 0.0 {
                    digits.push('-');
                }
                Ok(JsValue::from(digits.into_iter().rev().collect::<String>()))
            }
        }
    });
    r.method(np, "valueOf", 0, move |this, _, _| Ok(JsValue::Number(this_number(this)?)));
    r.method(&number, "isInteger", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Number(n) if n.is_finite() && n.fract() == 0.0)))
    });
    r.method(&number, "isNaN", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Number(n) if n.is_nan())))
    });
    r.method(&number, "isFinite", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0), JsValue::Number(n) if n.is_finite())))
    });
    // 21.1.2.5 Number.isSafeInteger ( number ): an integral Number with |n| ≤ 2^53 - 1.
    r.method(&number, "isSafeInteger", 1, |_, args, _| {
        Ok(JsValue::Bool(matches!(arg(args, 0),
            JsValue::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0)))
    });
    // 21.1.2.1-15: the value properties (non-writable, non-enumerable, non-configurable).
    for (name, value) in [
        ("EPSILON", f64::EPSILON),
        ("MAX_SAFE_INTEGER", 9_007_199_254_740_991.0),
        ("MAX_VALUE", f64::MAX),
        ("MIN_SAFE_INTEGER", -9_007_199_254_740_991.0),
        ("MIN_VALUE", 5e-324),
        ("NaN", f64::NAN),
        ("NEGATIVE_INFINITY", f64::NEG_INFINITY),
        ("POSITIVE_INFINITY", f64::INFINITY),
    ] {
        number.define_with(name, JsValue::Number(value), false, false, false);
    }
    r.global.define("Number", JsValue::Object(number), false);
}
