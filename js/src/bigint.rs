//! The BigInt type (ECMA-262 2025, 6.1.6.2), as settle-js has it: 64-bit signed integers.
//!
//! A BigInt is a mathematical integer of any size in JavaScript; settle-js keeps it in an
//! `i64` (so that a `JsValue` stays three words), and an operation whose exact result does not
//! fit throws a RangeError saying so, rather than wrapping or losing precision: every result
//! settle-js gives is the one JavaScript gives, or an error.

use std::cmp::Ordering;

use crate::ir::BinaryOperator;
use crate::realm::realm;
use crate::value::JsValue;

/// The RangeError of a result outside settle-js's 64-bit BigInts.
pub(crate) fn too_big() -> JsValue {
    realm().error("RangeError", "settle-js's BigInts are 64-bit: the result does not fit")
}

/// StringToBigInt (7.1.14): `None` where the spec returns undefined (not a StringIntegerLiteral)
/// and for a literal beyond 64 bits.
pub(crate) fn string_to_bigint(s: &str) -> Option<i64> {
    // 2. Let literal be ParseText(text, StringIntegerLiteral): whitespace around, then
    // nothing (0), a signed decimal literal, or a non-decimal one without a sign.
    let text = s.trim_matches(crate::jsstr::is_white_space_or_line_terminator);
    if text.is_empty() {
        return Some(0);
    }
    let radix_of = |prefix: &str| match prefix {
        "0x" | "0X" => Some(16),
        "0o" | "0O" => Some(8),
        "0b" | "0B" => Some(2),
        _ => None,
    };
    if let Some(radix) = text.get(..2).and_then(radix_of) {
        let digits = &text[2..];
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        return i64::from_str_radix(digits, radix).ok();
    }
    let (negative, digits) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude: i128 = digits.parse().ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// The order of a BigInt and a Number as mathematical values (IsLessThan 7.2.13 step 4 and
/// IsLooselyEqual 7.2.14 step 13): `None` for NaN.
pub(crate) fn cmp_number(n: i64, x: f64) -> Option<Ordering> {
    if x.is_nan() {
        return None;
    }
    // 2^63 is exactly representable: every f64 at or above it exceeds any i64.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x >= TWO_63 {
        return Some(Ordering::Less);
    }
    if x < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let whole = x.trunc();
    // In range, so the conversion is exact.
    let t = whole as i64;
    Some(n.cmp(&t).then_with(|| 0.0_f64.partial_cmp(&(x - whole)).unwrap_or(Ordering::Equal)))
}

/// NumberToBigInt (21.2.1.1.1).
///
/// # Errors
///
/// A RangeError for a Number that is not an integer (or beyond 64 bits).
pub(crate) fn number_to_bigint(x: f64) -> Result<i64, JsValue> {
    // 1. If IsIntegralNumber(number) is false, throw a RangeError exception.
    if !x.is_finite() || x.fract() != 0.0 {
        let shown = crate::number::number_to_string(x);
        return Err(realm().error(
            "RangeError",
            &format!("The number {shown} cannot be converted to a BigInt because it is not an integer"),
        ));
    }
    // 2. Return ℤ(ℝ(number)).
    if cmp_number(i64::MAX, x) == Some(Ordering::Less) || cmp_number(i64::MIN, x) == Some(Ordering::Greater) {
        return Err(too_big());
    }
    Ok(x as i64)
}

/// ToBigInt (7.1.13).
///
/// # Errors
///
/// A TypeError for undefined, null, a Number or a Symbol; a SyntaxError for a String that is
/// not an integer.
pub(crate) fn to_bigint(v: &JsValue) -> Result<i64, JsValue> {
    // 1. Let prim be ? ToPrimitive(argument, number).
    let prim = v.to_primitive(false)?;
    // 2. Return the value that prim corresponds to in Table 12.
    match &prim {
        JsValue::BigInt(n) => Ok(*n),
        JsValue::Bool(b) => Ok(i64::from(*b)),
        JsValue::String(s) => string_to_bigint(s)
            .ok_or_else(|| realm().error("SyntaxError", &format!("Cannot convert {s} to a BigInt"))),
        other => {
            let shown = crate::inspect::inspect(other);
            Err(realm().error("TypeError", &format!("Cannot convert {shown} to a BigInt")))
        }
    }
}

/// ToNumeric (7.1.3): a BigInt stays one; anything else becomes a Number.
///
/// # Errors
///
/// ToPrimitive's and ToNumber's.
pub(crate) fn to_numeric(v: &JsValue) -> Result<JsValue, JsValue> {
    // 1. Let primValue be ? ToPrimitive(value, number).
    let prim = v.to_primitive(false)?;
    // 2. If primValue is a BigInt, return primValue.
    if let JsValue::BigInt(_) = prim {
        return Ok(prim);
    }
    // 3. Return ? ToNumber(primValue).
    Ok(JsValue::Number(prim.to_number()?))
}

/// The TypeError of ApplyStringOrNumericBinaryOperator (13.15.3) step 8 for mixed operands.
pub(crate) fn mixed() -> JsValue {
    realm().error("TypeError", "Cannot mix BigInt and other types, use explicit conversions")
}

/// The BigInt operations of Table 9 (6.1.6.2.1-6.1.6.2.20) for two BigInts.
///
/// # Errors
///
/// A RangeError for division by zero, a negative exponent, or a result beyond 64 bits; a
/// TypeError for `>>>` (BigInt::unsignedRightShift).
pub(crate) fn binary(op: BinaryOperator, x: i64, y: i64) -> Result<JsValue, JsValue> {
    use BinaryOperator as B;
    let fits = |v: Option<i64>| v.map(JsValue::BigInt).ok_or_else(too_big);
    match op {
        B::Addition => fits(x.checked_add(y)),
        B::Subtraction => fits(x.checked_sub(y)),
        B::Multiplication => fits(x.checked_mul(y)),
        // 6.1.6.2.5 BigInt::divide: 1. If y is 0ℤ, throw a RangeError exception. 2-3. The
        // quotient rounded toward zero.
        B::Division | B::Remainder if y == 0 => Err(realm().error("RangeError", "Division by zero")),
        B::Division => fits(x.checked_div(y)),
        // 6.1.6.2.6 BigInt::remainder: the sign of the dividend.
        B::Remainder => fits(Some(x.checked_rem(y).unwrap_or(0))),
        // 6.1.6.2.3 BigInt::exponentiate: 1. If exponent < 0ℤ, throw a RangeError exception.
        B::Exponential => {
            if y < 0 {
                return Err(realm().error("RangeError", "Exponent must be non-negative"));
            }
            fits(u32::try_from(y).ok().and_then(|e| x.checked_pow(e)).or(match x {
                0 | 1 => Some(x),
                -1 => Some(if y % 2 == 0 { 1 } else { -1 }),
                _ => None,
            }))
        }
        // 6.1.6.2.9 BigInt::leftShift: x × 2^y (a negative y shifts right).
        B::ShiftLeft => shift_left(x, y),
        // 6.1.6.2.10 BigInt::signedRightShift: BigInt::leftShift(x, -y).
        B::ShiftRight => shift_left(x, y.checked_neg().ok_or_else(too_big)?),
        // 6.1.6.2.11 BigInt::unsignedRightShift: Throw a TypeError exception.
        B::ShiftRightZeroFill => {
            Err(realm().error("TypeError", "BigInts have no unsigned right shift, use >> instead"))
        }
        B::BitwiseAnd => Ok(JsValue::BigInt(x & y)),
        B::BitwiseOR => Ok(JsValue::BigInt(x | y)),
        B::BitwiseXOR => Ok(JsValue::BigInt(x ^ y)),
        _ => Err(realm().error("TypeError", "not a BigInt operator")),
    }
}

fn shift_left(x: i64, y: i64) -> Result<JsValue, JsValue> {
    if y >= 0 {
        let shifted = u32::try_from(y).ok().filter(|s| *s < 64).and_then(|s| {
            let r = x.checked_shl(s)?;
            (r >> s == x).then_some(r)
        });
        return match shifted {
            Some(r) => Ok(JsValue::BigInt(r)),
            None if x == 0 => Ok(JsValue::BigInt(0)),
            None => Err(too_big()),
        };
    }
    // floor(x / 2^-y): an arithmetic shift, saturating at 63 bits.
    let s = u32::try_from(y.unsigned_abs().min(63)).unwrap_or(63);
    Ok(JsValue::BigInt(x >> s))
}
