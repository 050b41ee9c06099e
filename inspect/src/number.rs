//! ECMA-262 2025 Number::toString (6.1.6.1.20) with radix 10, for printing numbers.

/// Number::toString(x) with radix 10: the shortest digits that round-trip, laid out
/// as JavaScript does (`1e+21`, `0.000001`, `1e-7`, `-0` prints as `0`).
///
/// ```
/// use settle_inspect::number_to_string;
/// assert_eq!(number_to_string(1e21), "1e+21");
/// assert_eq!(number_to_string(0.000001), "0.000001");
/// assert_eq!(number_to_string(-0.0), "0");
/// ```
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if x < 0.0 {
        return format!("-{}", number_to_string(-x));
    }
    // An integer below 2^53: every integer around it is a Number too, so the shortest digits
    // that round-trip are all of its decimal digits (steps 5-6 with k <= n <= 21), which the
    // integer formatter writes without the float formatting below (array indices, counters).
    if x < 9_007_199_254_740_992.0 && x.fract() == 0.0 {
        return (x as u64).to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde±x".
    let formatted = format!("{x:e}");
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let n = exponent + 1;
    if k <= n && n <= 21 {
        let mut s = digits;
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
        s
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{}", "0".repeat((-n) as usize), digits)
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        if k == 1 {
            format!("{digits}e{sign}{}", e.abs())
        } else {
            format!("{}.{}e{sign}{}", &digits[..1], &digits[1..], e.abs())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::number_to_string;

    /// The integer path gives what the general one does (`{:e}`'s shortest digits).
    #[test]
    fn integers_below_2_pow_53_match_the_general_layout() {
        let general = |x: f64| {
            let formatted = format!("{x:e}");
            let (mantissa, exponent) = formatted.split_once('e').unwrap();
            let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
            let n = exponent.parse::<i32>().unwrap() + 1;
            let mut s = digits.clone();
            s.extend(std::iter::repeat_n('0', (n - digits.len() as i32) as usize));
            s
        };
        let mut samples = vec![1.0, 9.0, 10.0, 100.0, 4_294_967_295.0, 9_007_199_254_740_991.0];
        let mut x = 1.0f64;
        while x < 9e15 {
            samples.extend([x, x + 1.0, x * 7.0 + 3.0]);
            x *= 3.0;
        }
        for x in samples.into_iter().filter(|x| *x < 9_007_199_254_740_992.0) {
            assert_eq!(number_to_string(x), general(x), "{x}");
        }
        assert_eq!(number_to_string(9_007_199_254_740_992.0), "9007199254740992");
        assert_eq!(number_to_string(2f64.powi(60)), "1152921504606847000");
        assert_eq!(number_to_string(-42.0), "-42");
        assert_eq!(number_to_string(1.5), "1.5");
    }
}
