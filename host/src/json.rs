//! JSON string literals, for `JSON.stringify` (settle-js) and the `--trace=json` lines.

/// QuoteJSONString ( value ) (ECMA-262 25.5.2.3): `value` as a JSON string literal.
///
/// ```
/// assert_eq!(settle_host::quote_json_string("a\"b\n\u{1}"), "\"a\\\"b\\n\\u0001\"");
/// ```
pub fn quote_json_string(value: &str) -> String {
    // 1. Let product be the String value consisting solely of the code unit 0x0022 (QUOTATION MARK).
    let mut product = String::from("\"");
    // 2. For each code point C of StringToCodePoints(value), do
    for c in value.chars() {
        match c {
            // a. If C is listed in the "Code Point" column of the table of JSON single
            //    character escapes, append the escape sequence of that row.
            '"' => product.push_str("\\\""),
            '\\' => product.push_str("\\\\"),
            '\n' => product.push_str("\\n"),
            '\r' => product.push_str("\\r"),
            '\t' => product.push_str("\\t"),
            '\u{8}' => product.push_str("\\b"),
            '\u{c}' => product.push_str("\\f"),
            // b. Else if C has a numeric value less than 0x0020 (SPACE) or C has the same
            //    numeric value as a leading or trailing surrogate, then append UnicodeEscape(C).
            //    (A Rust `char` is never a lone surrogate.)
            c if (c as u32) < 0x20 => product.push_str(&format!("\\u{:04x}", c as u32)),
            // c. Else, append UTF16EncodeCodePoint(C).
            c => product.push(c),
        }
    }
    // 3. Set product to the string-concatenation of product and the code unit 0x0022.
    product.push('"');
    // 4. Return product.
    product
}
