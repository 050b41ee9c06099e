//! The JavaScript string value: a flat string, or a concatenation kept unflattened until it is
//! read (V8's "cons strings").
//!
//! `s += "ab"` run a million times would copy the whole string each time if every `+` produced
//! a flat string: quadratic. Instead a long concatenation makes a node that only points at its
//! two halves (O(1)); the text is built once, iteratively, the first time it is read, and kept.
//! Lengths (in UTF-16 code units, what `length` reports) are known without flattening.

use std::cell::{OnceCell, RefCell};
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// Below this many bytes a concatenation is copied at once: a node would cost more.
const FLAT_BELOW: usize = 64;

/// A JavaScript string: cheap to clone and to concatenate; reads as a `&str`.
///
/// ```
/// use settle_js::JsStr;
///
/// let mut s = JsStr::from("");
/// for _ in 0..1000 {
///     s = JsStr::concat(&s, &JsStr::from("ab"));
/// }
/// assert_eq!(s.utf16_len(), 2000);
/// assert!(s.starts_with("abab"));
/// ```
#[derive(Clone)]
pub struct JsStr(Rc<Node>);

struct Node {
    /// The text, once built.
    flat: OnceCell<Rc<str>>,
    /// The two halves of a concatenation not yet flattened; emptied when it is.
    halves: RefCell<Option<(JsStr, JsStr)>>,
    /// Length in bytes.
    bytes: usize,
    /// Length in UTF-16 code units.
    units: usize,
}

impl JsStr {
    /// `a + b`.
    pub fn concat(a: &JsStr, b: &JsStr) -> JsStr {
        let bytes = a.0.bytes + b.0.bytes;
        if a.0.bytes == 0 {
            return b.clone();
        }
        if b.0.bytes == 0 {
            return a.clone();
        }
        if bytes < FLAT_BELOW {
            let mut s = String::with_capacity(bytes);
            s.push_str(a);
            s.push_str(b);
            return JsStr::from(s);
        }
        JsStr(Rc::new(Node {
            flat: OnceCell::new(),
            halves: RefCell::new(Some((a.clone(), b.clone()))),
            bytes,
            units: a.0.units + b.0.units,
        }))
    }

    /// The length in UTF-16 code units (JavaScript's `length`), without flattening.
    pub fn utf16_len(&self) -> usize {
        self.0.units
    }

    /// The text as a shared `Rc<str>` (flattening it if needed).
    pub fn to_rc(&self) -> Rc<str> {
        self.flat().clone()
    }

    fn flat(&self) -> &Rc<str> {
        self.0.flat.get_or_init(|| {
            let mut out = String::with_capacity(self.0.bytes);
            // Depth-first over the halves with an explicit stack: a string built by a million
            // appends is a million nodes deep.
            let mut stack = vec![self.clone()];
            while let Some(s) = stack.pop() {
                if let Some(text) = s.0.flat.get() {
                    out.push_str(text);
                    continue;
                }
                let halves = s.0.halves.borrow();
                let (left, right) = halves.as_ref().expect("an unflattened string has halves");
                stack.push(right.clone());
                stack.push(left.clone());
            }
            Rc::from(out)
        });
        // The halves are no longer needed.
        let halves = self.0.halves.borrow_mut().take();
        drop(halves);
        self.0.flat.get().expect("just flattened")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // Iteratively: dropping a million-deep concatenation recursively would overflow.
        let Some((a, b)) = self.halves.get_mut().take() else { return };
        let mut stack = vec![a, b];
        while let Some(s) = stack.pop() {
            if let Ok(mut node) = Rc::try_unwrap(s.0)
                && let Some((a, b)) = node.halves.get_mut().take()
            {
                stack.push(a);
                stack.push(b);
            }
        }
    }
}

impl Deref for JsStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.flat()
    }
}

impl From<Rc<str>> for JsStr {
    fn from(s: Rc<str>) -> JsStr {
        let units = if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
        let bytes = s.len();
        JsStr(Rc::new(Node { flat: OnceCell::from(s), halves: RefCell::new(None), bytes, units }))
    }
}

impl From<&str> for JsStr {
    fn from(s: &str) -> JsStr {
        JsStr::from(Rc::<str>::from(s))
    }
}

impl From<String> for JsStr {
    fn from(s: String) -> JsStr {
        JsStr::from(Rc::<str>::from(s))
    }
}

impl From<&JsStr> for Rc<str> {
    fn from(s: &JsStr) -> Rc<str> {
        s.to_rc()
    }
}

impl PartialEq for JsStr {
    fn eq(&self, other: &JsStr) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || (self.0.bytes == other.0.bytes && **self == **other)
    }
}

impl Eq for JsStr {}

impl PartialEq<str> for JsStr {
    fn eq(&self, other: &str) -> bool {
        self.0.bytes == other.len() && &**self == other
    }
}

impl PartialEq<&str> for JsStr {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl fmt::Debug for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// WhiteSpace (12.2) or LineTerminator (12.3): what TrimString and StringToNumber strip.
/// Rust's `char::is_whitespace` is Unicode's White_Space, which adds U+0085 and lacks U+FEFF.
pub(crate) fn is_white_space_or_line_terminator(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_appends_read_back_and_drop_without_recursion() {
        let ab = JsStr::from("ab");
        let mut s = JsStr::from("");
        for _ in 0..1_000_000 {
            s = JsStr::concat(&s, &ab);
        }
        assert_eq!(s.utf16_len(), 2_000_000);
        let copy = s.clone();
        assert_eq!(s.len(), 2_000_000);
        assert!(s.bytes().all(|b| b == b'a' || b == b'b'));
        assert_eq!(&s[..4], "abab");
        drop(s);
        assert_eq!(copy.len(), 2_000_000);

        // Unread: dropped as a million nodes.
        let mut t = JsStr::from("x".repeat(100));
        for _ in 0..1_000_000 {
            t = JsStr::concat(&t, &ab);
        }
        drop(t);
    }

    #[test]
    fn lengths_count_utf16_units() {
        let s = JsStr::concat(&JsStr::from("é".repeat(40)), &JsStr::from("😀".repeat(40)));
        assert_eq!(s.utf16_len(), 40 + 80);
        assert_eq!(s, JsStr::from(format!("{}{}", "é".repeat(40), "😀".repeat(40))));
    }
}
