//! A test262 test's metadata: the YAML block between `/*---` and `---*/`.
//!
//! Only the keys that decide how a test runs are read (test262's INTERPRETING.md): `includes`,
//! `flags`, `negative` (`phase`, `type`) and `features`. test262 writes them in a fixed,
//! small YAML subset (flow lists `[a, b]`, block lists of `- item`, one level of mapping under
//! `negative`), so a few lines of parsing replace a YAML dependency; anything else in the
//! block (`description`, `info`, `esid`...) is skipped.

/// When a negative test must fail (INTERPRETING.md, "negative").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before evaluation: the source must not parse (an early error).
    Parse,
    /// While loading a module's dependencies.
    Resolution,
    /// During evaluation: the script must throw.
    Runtime,
}

/// A negative test's expectation: the phase and the constructor name of the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negative {
    /// When it must fail.
    pub phase: Phase,
    /// The error's constructor name (`SyntaxError`, `TypeError`, `Test262Error`...).
    pub error_type: String,
}

/// What a test's frontmatter says about running it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontmatter {
    /// Harness files to prepend (after `assert.js` and `sta.js`).
    pub includes: Vec<String>,
    /// `flags`: `async`, `onlyStrict`, `noStrict`, `raw`, `module`, ...
    pub flags: Vec<String>,
    /// Set for a test that must fail.
    pub negative: Option<Negative>,
    /// Language features the test needs (informative).
    pub features: Vec<String>,
}

impl Frontmatter {
    /// Whether the test has `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// Parses the frontmatter of a test's source; a test without one has empty metadata.
///
/// # Errors
///
/// A `negative` block without a known `phase` or without `type`, or an unterminated block.
///
/// ```
/// use settle_conformance::test262::frontmatter::{Phase, parse};
///
/// let source = "/*---\nincludes: [a.js, b.js]\nflags: [async]\nnegative:\n  phase: parse\n  type: SyntaxError\n---*/\n";
/// let meta = parse(source).unwrap();
/// assert_eq!(meta.includes, ["a.js", "b.js"]);
/// assert!(meta.has_flag("async"));
/// assert_eq!(meta.negative.unwrap().phase, Phase::Parse);
/// ```
pub fn parse(source: &str) -> Result<Frontmatter, String> {
    let Some(start) = source.find("/*---") else { return Ok(Frontmatter::default()) };
    let body = &source[start + 5..];
    let end = body.find("---*/").ok_or("the frontmatter has no closing `---*/`")?;
    let mut meta = Frontmatter::default();
    let (mut phase, mut error_type) = (None, None);
    // The key whose block list or mapping the following indented lines belong to.
    let mut current: Option<&str> = None;
    for line in body[..end].lines() {
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if indented {
            match current {
                Some(key @ ("includes" | "flags" | "features")) => {
                    if let Some(item) = trimmed.strip_prefix("- ") {
                        list_mut(&mut meta, key).push(item.trim().to_string());
                    }
                }
                Some("negative") => {
                    if let Some((k, v)) = trimmed.split_once(':') {
                        match k.trim() {
                            "phase" => phase = Some(v.trim().to_string()),
                            "type" => error_type = Some(v.trim().to_string()),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            current = None;
            continue;
        };
        let key = key.trim();
        let value = value.trim();
        current = match key {
            "includes" | "flags" | "features" => {
                list_mut(&mut meta, key).extend(flow_list(value));
                Some(key)
            }
            "negative" => Some("negative"),
            _ => None,
        };
    }
    if let Some(phase) = phase {
        let phase = match phase.as_str() {
            "parse" => Phase::Parse,
            "resolution" => Phase::Resolution,
            "runtime" => Phase::Runtime,
            other => return Err(format!("unknown negative phase `{other}`")),
        };
        let error_type = error_type.ok_or("a negative test without `type`")?;
        meta.negative = Some(Negative { phase, error_type });
    } else if error_type.is_some() {
        return Err("a negative test without `phase`".into());
    }
    Ok(meta)
}

fn list_mut<'m>(meta: &'m mut Frontmatter, key: &str) -> &'m mut Vec<String> {
    match key {
        "includes" => &mut meta.includes,
        "flags" => &mut meta.flags,
        _ => &mut meta.features,
    }
}

/// `[a, b, c]` (or nothing, when the list follows as `- item` lines).
fn flow_list(value: &str) -> Vec<String> {
    let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) else {
        return Vec::new();
    };
    inner.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_lists_and_flow_lists_without_spaces() {
        let source = "// c\n/*---\ndescription: |\n  text: with a colon\nincludes:\n  - propertyHelper.js\n  - compareArray.js\nflags: [onlyStrict,async]\nfeatures: [Symbol.species]\n---*/\ncode();";
        let meta = parse(source).unwrap();
        assert_eq!(meta.includes, ["propertyHelper.js", "compareArray.js"]);
        assert_eq!(meta.flags, ["onlyStrict", "async"]);
        assert_eq!(meta.features, ["Symbol.species"]);
        assert_eq!(meta.negative, None);
    }

    #[test]
    fn negative_runtime_and_errors() {
        let meta = parse("/*---\nnegative:\n  type: TypeError\n  phase: runtime\n---*/").unwrap();
        assert_eq!(meta.negative, Some(Negative { phase: Phase::Runtime, error_type: "TypeError".into() }));
        assert_eq!(
            parse("/*---\nnegative:\n  phase: later\n  type: X\n---*/").unwrap_err(),
            "unknown negative phase `later`"
        );
        assert_eq!(
            parse("/*---\nnegative:\n  phase: parse\n---*/").unwrap_err(),
            "a negative test without `type`"
        );
        assert_eq!(parse("/*---\nflags: [raw]\n").unwrap_err(), "the frontmatter has no closing `---*/`");
        assert_eq!(parse("no metadata").unwrap(), Frontmatter::default());
    }
}
