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

/// `Number.prototype.toFixed(digits)`: ties round away from zero, as the spec's "larger n".
pub(crate) fn to_fixed(x: f64, digits: usize) -> String {
    if !x.is_finite() || x.abs() >= 1e21 {
        return number_to_string(x);
    }
    // -0 prints as 0; a negative number keeps its sign even when it rounds to zero.
    let x = if x == 0.0 { 0.0 } else { x };
    let scaled = x.abs() * 10f64.powi(digits as i32);
    if scaled.fract() == 0.5 {
        // Rust rounds exact ties to even; JavaScript picks the larger n.
        let up = (scaled.trunc() + 1.0) / 10f64.powi(digits as i32);
        return format!("{:.*}", digits, if x < 0.0 { -up } else { up });
    }
    format!("{:.*}", digits, x)
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
