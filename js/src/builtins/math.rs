//! The Math object (ECMA-262 21.3): its value properties and functions.

use std::rc::Rc;

use super::arg;
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(super) fn install(r: &Rc<Realm>) {
    let math = r.new_object();
    // 21.3.1 Value Properties of the Math Object (non-writable, non-configurable).
    for (name, value) in [
        ("E", std::f64::consts::E),
        ("LN10", std::f64::consts::LN_10),
        ("LN2", std::f64::consts::LN_2),
        ("LOG10E", std::f64::consts::LOG10_E),
        ("LOG2E", std::f64::consts::LOG2_E),
        ("PI", std::f64::consts::PI),
        ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
        ("SQRT2", std::f64::consts::SQRT_2),
    ] {
        math.define_with(name, JsValue::Number(value), false, false, false);
    }
    // 21.3.1.9 Math [ @@toStringTag ]: "Math".
    let tag = crate::property::PropertyKey::Symbol(r.symbols.to_string_tag.clone());
    math.define_with(&tag, JsValue::from("Math"), false, false, true);
    r.method(&math, "random", 0, |_, _, _| Ok(JsValue::Number(realm().random())));
    // 21.3.2: the functions of one argument, each ToNumber(x) then the operation. The spec
    // leaves their precision to the implementation; V8's are fdlibm's (ieee754.cc). Each uses
    // whichever of the `libm` crate (musl's, mostly fdlibm-derived) and the system's libm
    // agreed with V8 on more of 3 000 inputs (docs/design.md, "libm"): libm for all but log10
    // and tanh.
    type Unary = (&'static str, fn(f64) -> f64);
    let unary: [Unary; 28] = [
        ("abs", f64::abs),
        ("acos", libm::acos),
        ("acosh", libm::acosh),
        ("asin", libm::asin),
        ("asinh", libm::asinh),
        ("atan", libm::atan),
        ("atanh", libm::atanh),
        ("cbrt", libm::cbrt),
        ("ceil", f64::ceil),
        ("clz32", |x| f64::from(to_uint32(x).leading_zeros())),
        ("cos", libm::cos),
        ("cosh", libm::cosh),
        ("exp", libm::exp),
        ("expm1", libm::expm1),
        ("floor", f64::floor),
        ("fround", |x| f64::from(x as f32)),
        ("log", libm::log),
        ("log1p", libm::log1p),
        ("log10", f64::log10),
        ("log2", libm::log2),
        ("round", round),
        ("sign", |x| if x.is_nan() || x == 0.0 { x } else { x.signum() }),
        ("sin", libm::sin),
        ("sinh", libm::sinh),
        ("sqrt", f64::sqrt),
        ("tan", libm::tan),
        ("tanh", f64::tanh),
        ("trunc", f64::trunc),
    ];
    for (name, f) in unary {
        r.method(&math, name, 1, move |_, args, _| Ok(JsValue::Number(f(arg(args, 0).to_number()?))));
    }
    // 21.3.2.8 Math.atan2 ( y, x ).
    r.method(&math, "atan2", 2, |_, args, _| {
        let y = arg(args, 0).to_number()?;
        Ok(JsValue::Number(libm::atan2(y, arg(args, 1).to_number()?)))
    });
    // 21.3.2.18 Math.hypot ( ...args ): every argument is converted first; then ∞ wins over NaN.
    r.method(&math, "hypot", 2, |_, args, _| {
        let mut numbers = Vec::with_capacity(args.len());
        for a in args {
            numbers.push(a.to_number()?);
        }
        if numbers.iter().any(|n| n.is_infinite()) {
            return Ok(JsValue::Number(f64::INFINITY));
        }
        if numbers.iter().any(|n| n.is_nan()) {
            return Ok(JsValue::Number(f64::NAN));
        }
        // Scaled by the largest magnitude, so that squares neither overflow nor underflow.
        let largest = numbers.iter().fold(0.0f64, |m, n| m.max(n.abs()));
        if largest == 0.0 {
            return Ok(JsValue::Number(0.0));
        }
        let sum: f64 = numbers.iter().map(|n| (n / largest) * (n / largest)).sum();
        Ok(JsValue::Number(largest * sum.sqrt()))
    });
    // 21.3.2.19 Math.imul ( x, y ): the low 32 bits of the product of ToUint32(x) and ToUint32(y).
    r.method(&math, "imul", 2, |_, args, _| {
        let a = to_uint32(arg(args, 0).to_number()?);
        let b = to_uint32(arg(args, 1).to_number()?);
        Ok(JsValue::Number(f64::from(a.wrapping_mul(b) as i32)))
    });
    // 21.3.2.26 Math.pow ( base, exponent ): Number::exponentiate.
    r.method(&math, "pow", 2, |_, args, _| {
        let base = arg(args, 0).to_number()?;
        Ok(JsValue::Number(crate::number::exponentiate(base, arg(args, 1).to_number()?)))
    });
    r.method(&math, "max", 2, |_, args, _| extremum(args, f64::NEG_INFINITY, true));
    r.method(&math, "min", 2, |_, args, _| extremum(args, f64::INFINITY, false));
    r.global.define("Math", JsValue::Object(math), false);
}

/// ToUint32 (7.1.7): the number modulo 2^32 (NaN and ±∞ are 0).
fn to_uint32(n: f64) -> u32 {
    if !n.is_finite() {
        return 0;
    }
    n.trunc().rem_euclid(4_294_967_296.0) as u32
}

/// Math.round ( x ) (21.3.2.28): "the Number value that is closest to x and is integral; if
/// two are equally close, the one closer to +∞", with -0 for x in [-0.5, -0].
fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if (-0.5..0.0).contains(&x) {
        return -0.0;
    }
    // floor(x + 0.5) would round 0.49999999999999994 up and lose precision past 2^52.
    let floor = x.floor();
    if x - floor >= 0.5 { floor + 1.0 } else { floor }
}

/// Math.max / Math.min (21.3.2.24-25): every argument is converted with ToNumber first (a
/// later argument's `valueOf` runs even after a NaN); NaN wins, and +0 is larger than -0.
fn extremum(args: &[JsValue], start: f64, max: bool) -> Result<JsValue, JsValue> {
    let mut numbers = Vec::with_capacity(args.len());
    for a in args {
        numbers.push(a.to_number()?);
    }
    let mut m = start;
    for n in numbers {
        if n.is_nan() {
            return Ok(JsValue::Number(f64::NAN));
        }
        let better = if max {
            n > m || (n == 0.0 && m == 0.0 && m.is_sign_negative() && n.is_sign_positive())
        } else {
            n < m || (n == 0.0 && m == 0.0 && n.is_sign_negative() && m.is_sign_positive())
        };
        if better {
            m = n;
        }
    }
    Ok(JsValue::Number(m))
}
