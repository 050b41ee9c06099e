//! Number <-> string conversions with JavaScript's rules (Number::toString, StringToNumber).

/// ECMA-262 Number::toString(x) with radix 10: one implementation, shared with console.log's
/// inspector (settle-inspect) and so with settle-boa.
pub(crate) use settle_inspect::number_to_string;

/// ECMA-262 StringToNumber: trims whitespace; "" is 0; decimal, `Infinity`, and 0x/0o/0b
/// integers; anything else is NaN.
pub(crate) fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(crate::jsstr::is_white_space_or_line_terminator);
    if t.is_empty() {
        return 0.0;
    }
    let radix = |prefix: &[&str], radix: u32| -> Option<f64> {
        for p in prefix {
            if let Some(rest) = t.strip_prefix(p) {
                if rest.is_empty() {
                    return Some(f64::NAN);
                }
                let mut v = 0.0f64;
                for c in rest.chars() {
                    match c.to_digit(radix) {
                        Some(d) => v = v * f64::from(radix) + f64::from(d),
                        None => return Some(f64::NAN),
                    }
                }
                return Some(v);
            }
        }
        None
    };
    if let Some(v) =
        radix(&["0x", "0X"], 16).or_else(|| radix(&["0o", "0O"], 8)).or_else(|| radix(&["0b", "0B"], 2))
    {
        return v;
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return sign * f64::INFINITY;
    }
    // Only the StrDecimalLiteral grammar: digits, one dot, an exponent.
    let valid = {
        let b = body.as_bytes();
        let mut i = 0;
        let mut digits = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
                digits += 1;
            }
        }
        let mut ok = digits > 0;
        if ok && i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                i += 1;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            ok = i > start;
        }
        ok && i == b.len()
    };
    if !valid {
        return f64::NAN;
    }
    body.parse::<f64>().map_or(f64::NAN, |v| sign * v)
}

/// ToInt32.
pub(crate) fn to_int32(x: f64) -> i32 {
    to_uint32(x) as i32
}

/// ToUint32.
pub(crate) fn to_uint32(x: f64) -> u32 {
    if !x.is_finite() {
        return 0;
    }
    let m = x.trunc().rem_euclid(4_294_967_296.0);
    m as u32
}

/// The exact decimal digits of a finite, non-zero `|x|` and its exponent: `x = 0.d1d2d3... ×
/// 10^(exponent + 1)`, i.e. d1 is the digit of 10^exponent. Every double has a finite decimal
/// expansion (at most 767 significant digits); Rust's formatting with enough precision gives it
/// exactly, so rounding can then be the spec's (ties away from zero in magnitude), not the
/// binary neighbour's.
fn exact_digits(x: f64) -> (Vec<u8>, i32) {
    let text = format!("{:.1100e}", x.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    (digits, exponent.parse().unwrap_or(0))
}

/// `digits` (exact, from [`exact_digits`], with `exponent`) rounded to `keep` digits, half up:
/// the spec's "if there are two such n, pick the larger n". Returns the digits (exactly
/// `keep` of them) and the exponent, which grows by one when 9.99... rounds to 10.0.
fn round_digits(digits: &[u8], exponent: i32, keep: usize) -> (Vec<u8>, i32) {
    let mut out: Vec<u8> = digits.iter().copied().take(keep).collect();
    out.resize(keep, 0);
    if digits.get(keep).is_some_and(|&d| d >= 5) {
        let mut i = keep;
        loop {
            if i == 0 {
                out.insert(0, 1);
                out.truncate(keep);
                return (out, exponent + 1);
            }
            i -= 1;
            if out[i] == 9 {
                out[i] = 0;
            } else {
                out[i] += 1;
                break;
            }
        }
    }
    (out, exponent)
}

fn digit_string(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// Number.prototype.toFixed's steps 8-12 (21.1.3.3) for a finite x and 0 ≤ f ≤ 100: "Let n be
/// an integer for which n / 10^f - x is as close to zero as possible. If there are two such n,
/// pick the larger n."
pub(crate) fn to_fixed(x: f64, f: usize) -> String {
    // 10. If x ≥ 10^21, let m be ! ToString(𝔽(x)).
    if !x.is_finite() || x.abs() >= 1e21 {
        return number_to_string(x);
    }
    // 9. If x < 0, then set s to "-" and x to -x (-0 prints as 0).
    let sign = if x < 0.0 { "-" } else { "" };
    let m = if x == 0.0 {
        "0".repeat(f + 1)
    } else {
        let (digits, exponent) = exact_digits(x);
        // The digits kept are those of 10^exponent down to 10^-f.
        let keep = exponent + 1 + f as i32;
        if keep <= 0 {
            // Below the last kept place: 0, or 1 there when x is at least half of it.
            let half_or_more = keep == 0 && digits[0] >= 5;
            let mut m = "0".repeat(f + 1);
            if half_or_more {
                m.pop();
                m.push('1');
            }
            m
        } else {
            let (rounded, e) = round_digits(&digits, exponent, keep as usize);
            let mut m = digit_string(&rounded);
            // A carry (9.9 -> 10) added a digit in front.
            if e > exponent {
                m.push('0');
            }
            // Leading zeros up to the units digit.
            let width = f + 1;
            if m.len() < width {
                m = format!("{}{m}", "0".repeat(width - m.len()));
            }
            m
        }
    };
    // 11. If f ≠ 0: the integer part, ".", the last f digits.
    if f == 0 {
        return format!("{sign}{m}");
    }
    let (int, frac) = m.split_at(m.len() - f);
    format!("{sign}{int}.{frac}")
}

/// Number.prototype.toExponential's steps 10-15 (21.1.3.2) for a finite x: `fraction_digits`
/// None is "as many digits as necessary to represent x uniquely" (the shortest round trip).
pub(crate) fn to_exponential(x: f64, fraction_digits: Option<usize>) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    let (m, e) = if x == 0.0 {
        ("0".repeat(fraction_digits.unwrap_or(0) + 1), 0)
    } else {
        match fraction_digits {
            Some(f) => {
                let (digits, exponent) = exact_digits(x);
                let (rounded, e) = round_digits(&digits, exponent, f + 1);
                (digit_string(&rounded), e)
            }
            None => {
                // Rust's `{:e}` is the shortest representation that round-trips.
                let text = format!("{:e}", x.abs());
                let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
                (mantissa.replace('.', ""), exponent.parse().unwrap_or(0))
            }
        }
    };
    let (first, rest) = m.split_at(1);
    let dot = if rest.is_empty() { String::new() } else { format!(".{rest}") };
    let e_sign = if e >= 0 { "+" } else { "-" };
    format!("{sign}{first}{dot}e{e_sign}{}", e.abs())
}

/// Number.prototype.toPrecision's steps 8-13 (21.1.3.5) for a finite x and 1 ≤ p ≤ 100.
pub(crate) fn to_precision(x: f64, p: usize) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    let (m, e) = if x == 0.0 {
        ("0".repeat(p), 0)
    } else {
        let (digits, exponent) = exact_digits(x);
        let (rounded, e) = round_digits(&digits, exponent, p);
        (digit_string(&rounded), e)
    };
    // 10.c. If e < -6 or e ≥ p: exponential notation.
    if e < -6 || e >= p as i32 {
        let (first, rest) = m.split_at(1);
        let dot = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let e_sign = if e >= 0 { "+" } else { "-" };
        return format!("{sign}{first}{dot}e{e_sign}{}", e.abs());
    }
    // 11. If e = p - 1, return s + m. 12. If e ≥ 0: m's first e + 1 digits, ".", the rest.
    if e == p as i32 - 1 {
        return format!("{sign}{m}");
    }
    if e >= 0 {
        let (int, frac) = m.split_at(e as usize + 1);
        return format!("{sign}{int}.{frac}");
    }
    // 13. Else: "0.", -(e + 1) zeros, m.
    format!("{sign}0.{}{m}", "0".repeat((-(e + 1)) as usize))
}

/// ToIntegerOrInfinity (7.1.5) of a Number: NaN and ±0 are +0, ±∞ stay, anything else is
/// truncated toward zero.
pub(crate) fn integer_or_infinity(n: f64) -> f64 {
    if n.is_nan() { 0.0 } else { n.trunc() + 0.0 }
}

/// Number::exponentiate ( base, exponent ) (6.1.6.1.3): `**` and Math.pow. It differs from
/// IEEE 754's `pow` where the exponent is NaN or the base is ±1 and the exponent ±∞ (NaN).
pub(crate) fn exponentiate(base: f64, exponent: f64) -> f64 {
    if exponent.is_nan() || (base.abs() == 1.0 && exponent.is_infinite()) {
        return f64::NAN;
    }
    base.powf(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_javascript() {
        assert_eq!(number_to_string(42.0), "42");
        assert_eq!(number_to_string(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(123e19), "1.23e+21");
        assert_eq!(number_to_string(1e-7), "1e-7");
        assert_eq!(number_to_string(0.000001), "0.000001");
        assert_eq!(number_to_string(-1.5), "-1.5");
        assert_eq!(number_to_string(-0.0), "0");
        assert_eq!(number_to_string(f64::NAN), "NaN");
        assert_eq!(number_to_string(100.0), "100");
    }

    #[test]
    fn parses_like_javascript() {
        assert_eq!(string_to_number(" 42 "), 42.0);
        assert_eq!(string_to_number(""), 0.0);
        assert_eq!(string_to_number("0x10"), 16.0);
        assert!(string_to_number("4x").is_nan());
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
        assert_eq!(string_to_number(".5"), 0.5);
        assert!(string_to_number(".").is_nan());
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(-0.0001, 2), "-0.00");
        assert_eq!(to_fixed(-0.0, 2), "0.00");
    }
}
