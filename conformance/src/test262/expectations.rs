//! The expectations file: every test262 test that does not pass on settle-js, one per line,
//! `path: reason`, sorted; `#` starts a comment line. CI fails when a test outside the list fails
//! and when a listed test passes, so the list only shrinks (the model is V8's status files and
//! Boa's tester).

use std::collections::BTreeMap;

use super::Outcome;

/// The tests the file lists, with their reasons.
///
/// ```
/// let list = settle_conformance::test262::expectations::parse("# comment\nbuilt-ins/a.js: needs Proxy\n");
/// assert_eq!(list["built-ins/a.js"], "needs Proxy");
/// ```
pub fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(": ") {
            Some((path, reason)) => (path.trim().to_string(), reason.trim().to_string()),
            None => (l.trim_end_matches(':').to_string(), String::new()),
        })
        .collect()
}

/// The file's text for `results`: a header and every failing test with its reason.
pub fn render(results: &[(String, Outcome)]) -> String {
    let mut out = String::from(
        "# test262 tests that do not pass on settle-js, with the first failure's reason.\n\
         # Checked by `cargo test -p settle-conformance --test test262`: a failure outside this\n\
         # list fails, and so does a listed test that passes (remove its line).\n\
         # Regenerate: TEST262_UPDATE=1 cargo test -p settle-conformance --test test262\n",
    );
    for (path, outcome) in results {
        if let Err(reason) = outcome {
            out.push_str(&format!("{path}: {}\n", reason.replace('\n', " ")));
        }
    }
    out
}

/// Differences between `results` and the listed expectations: tests that fail without being
/// listed, listed tests that pass, and listed tests that no longer exist (for paths under the
/// run's `prefix`).
pub fn differences(
    results: &[(String, Outcome)],
    expected: &BTreeMap<String, String>,
    prefix: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for (path, outcome) in results {
        match (outcome, expected.contains_key(path)) {
            (Err(reason), false) => out.push(format!("new failure: {path}: {reason}")),
            (Ok(()), true) => out.push(format!("now passes (remove it from the list): {path}")),
            _ => {}
        }
    }
    for path in expected.keys().filter(|p| p.starts_with(prefix)) {
        if !results.iter().any(|(p, _)| p == path) {
            out.push(format!("listed but not found: {path}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_new_failures_fixed_tests_and_stale_lines() {
        let results = vec![
            ("a.js".to_string(), Ok(())),
            ("b.js".to_string(), Err("TypeError: x".to_string())),
            ("c.js".to_string(), Err("no Symbol".to_string())),
        ];
        let expected = parse("a.js: old reason\nc.js: no Symbol\ngone.js: removed\n");
        assert_eq!(
            differences(&results, &expected, ""),
            [
                "now passes (remove it from the list): a.js",
                "new failure: b.js: TypeError: x",
                "listed but not found: gone.js"
            ]
        );
        assert_eq!(
            parse(&render(&results)).into_iter().collect::<Vec<_>>(),
            [("b.js".to_string(), "TypeError: x".to_string()), ("c.js".to_string(), "no Symbol".to_string())]
        );
    }
}
