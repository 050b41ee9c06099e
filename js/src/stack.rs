//! Stack exhaustion as a JavaScript `RangeError`, measured on the real stack.
//!
//! The interpreter evaluates recursively (nested futures, native built-ins calling back into
//! the script, the parser and the lowering), so any of them can exhaust the machine stack.
//! Rather than counting calls of one kind, every recursion point asks how much stack is left
//! ([`stacker::remaining_stack`]) and throws `RangeError: Maximum call stack size exceeded`,
//! as V8 does, once less than a red zone remains. The whole run happens on a stack segment of
//! a known size ([`on_js_stack`]), so the limit is the same on every thread an embedder calls
//! [`run`](crate::run) from, and a runaway recursion touches at most that much memory. On
//! that segment the answer is a compare of the stack's address with the segment's red line,
//! worked out once when it is entered (`RED_LINE`); elsewhere (the command's own parse)
//! `stacker` is asked.
//!
//! The parser (oxc) has no such checks of its own: [`too_deep`] bounds how deep its
//! recursion can go before it is called.

use crate::realm::realm;
use crate::value::JsValue;

/// The stack a run gets. Debug builds' frames are several times larger, so they get more for
/// about the same JavaScript depth (release: about 12 000 nested plain calls, Node's is 11 000).
const JS_STACK: usize = if cfg!(debug_assertions) { 512 << 20 } else { 64 << 20 };

/// What must remain at a check: the most any code between two checks may use (one evaluation
/// step, one built-in's own frames, the error's creation).
const RED_ZONE: usize = if cfg!(debug_assertions) { 4 << 20 } else { 1 << 20 };

/// The deepest syntactic nesting [`too_deep`] lets through to the parser: oxc uses at
/// most about 1.6 KB of stack per level in a release build (an object literal in parentheses,
/// measured), so this fits [`JS_STACK`] with room for the lowering's own frames. Node itself
/// gives up below 10 000 nested parentheses.
pub(crate) const MAX_NESTING: usize = 10_000;

/// The message of V8's RangeError for stack exhaustion.
pub(crate) const STACK_MESSAGE: &str = "Maximum call stack size exceeded";

thread_local! {
    /// While this thread runs on a segment of [`on_js_stack`]: the address below which less
    /// than the red zone remains; 0 otherwise. [`exhausted`] compares a local's address with
    /// it instead of asking `stacker` (a thread-local lookup and a call to read the stack
    /// pointer, at every statement, expression and call: 2.5% of a promise handler's
    /// instructions). The stack grows down on every target settle-js runs on.
    static RED_LINE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The address of a local of the calling frame: where the stack is now, to within a frame.
#[inline(always)]
pub(crate) fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(std::ptr::addr_of!(marker)) as usize
}

/// Whether less than the red zone remains.
#[inline]
pub(crate) fn exhausted() -> bool {
    match RED_LINE.with(std::cell::Cell::get) {
        0 => exhausted_off_segment(),
        line => here() < line,
    }
}

/// [`exhausted`] off a segment of [`on_js_stack`]: asks `stacker`.
#[inline(never)]
fn exhausted_off_segment() -> bool {
    stacker::remaining_stack().is_some_and(|left| left < RED_ZONE)
}

/// Puts back the red line of the stack a segment was entered from.
struct RestoreRedLine(usize);

impl Drop for RestoreRedLine {
    fn drop(&mut self) {
        RED_LINE.with(|line| line.set(self.0));
    }
}

/// `Err(RangeError)` when the stack is nearly exhausted.
///
/// # Errors
///
/// The `RangeError` a script can catch.
// Inline: a compare at every statement, expression and call; the error is made out of line.
#[inline]
pub(crate) fn check() -> Result<(), JsValue> {
    if exhausted() { Err(overflow()) } else { Ok(()) }
}

/// The RangeError of an exhausted stack.
#[cold]
#[inline(never)]
fn overflow() -> JsValue {
    realm().error("RangeError", STACK_MESSAGE)
}

/// Runs `f` on a fresh stack segment of [`JS_STACK`] bytes (reserved, touched only as deep as
/// the script goes).
pub(crate) fn on_js_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::grow(JS_STACK, || {
        // The segment's red line, from what `stacker` says remains of it here; the previous
        // one is put back when `f` returns or unwinds (a nested segment, or none).
        let line = stacker::remaining_stack().map_or(0, |left| (here() + RED_ZONE).saturating_sub(left));
        let _restore = RestoreRedLine(RED_LINE.with(|l| l.replace(line)));
        f()
    })
}

/// An upper bound of how deep oxc's recursive descent goes on `source`, where it can be had
/// cheaply: brackets (`(`, `[`, `{`, `${`) nest, and so do the prefix and right-recursive
/// forms between them (`!`, `~`, unary `+`/`-`, `=`, `?`, `=>`, and keywords such as `if`,
/// `new`, `typeof`, `await`). Those are counted up to the end of their statement (`;`, `,`, a
/// closing bracket, or a line break between two operands); `else` up to the closing bracket.
/// Strings and comments are skipped. Returns the byte offset where the count first goes past
/// [`MAX_NESTING`], if it does.
pub(crate) fn too_deep(source: &str) -> Option<usize> {
    const KEYWORDS: &[&[u8]] = &[
        b"if",
        b"else",
        b"for",
        b"while",
        b"do",
        b"with",
        b"new",
        b"typeof",
        b"void",
        b"delete",
        b"await",
        b"yield",
        b"return",
        b"throw",
        b"async",
        b"function",
        b"class",
    ];
    let b = source.as_bytes();
    // Per open bracket: its kind and the counts outside it.
    let mut brackets: Vec<(u8, usize, usize)> = Vec::new();
    let mut prefix = 0usize;
    // `else`s since the enclosing bracket: an `else if` chain nests in the parser across
    // statement ends.
    let mut chain = 0usize;
    // The last significant byte, to tell a prefix `+` from a binary one.
    let mut last = b';';
    let mut i = 0;
    let operand_end = |c: u8| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b')' | b']' | b'}' | b'"' | b'\'' | b'`')
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'`' => {
                // Template text up to its end or a `${`, which nests like a bracket.
                i += 1;
                while i < b.len() && b[i] != b'`' && !(b[i] == b'$' && b.get(i + 1) == Some(&b'{')) {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if i < b.len() && b[i] == b'$' {
                    brackets.push((b'`', prefix, chain));
                    (prefix, chain) = (0, 0);
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                brackets.push((c, prefix, chain));
                (prefix, chain) = (0, 0);
            }
            b')' | b']' | b'}' => {
                let opened = brackets.pop();
                (prefix, chain) = opened.map_or((0, 0), |(_, p, e)| (p, e));
                if opened.is_some_and(|(kind, _, _)| kind == b'`') {
                    // Back in the template's text.
                    i += 1;
                    while i < b.len() && b[i] != b'`' && !(b[i] == b'$' && b.get(i + 1) == Some(&b'{')) {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    if i < b.len() && b[i] == b'$' {
                        brackets.push((b'`', prefix, chain));
                        (prefix, chain) = (0, 0);
                        i += 1;
                    }
                }
            }
            b';' | b',' => prefix = 0,
            b'\n' => {
                let next = b[i + 1..].iter().find(|c| !c.is_ascii_whitespace()).copied().unwrap_or(b';');
                if operand_end(last) && (operand_end(next) || matches!(next, b'(' | b'[' | b'{')) {
                    prefix = 0;
                }
            }
            b'!' | b'~' | b'?' => prefix += 1,
            b'=' if b.get(i + 1) == Some(&b'>') => {
                prefix += 1;
                i += 1;
            }
            b'=' if last != b'=' && !matches!(last, b'!' | b'<' | b'>') && b.get(i + 1) != Some(&b'=') => {
                prefix += 1
            }
            b'+' | b'-' if !operand_end(last) => prefix += 1,
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                    i += 1;
                }
                if &b[start..i] == b"else" {
                    chain += 1;
                } else if KEYWORDS.contains(&&b[start..i]) {
                    prefix += 1;
                }
                last = b[i - 1];
                if brackets.len() + prefix + chain > MAX_NESTING {
                    return Some(start);
                }
                continue;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
        if brackets.len() + prefix + chain > MAX_NESTING {
            return Some(i.min(source.len()));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::object::{Class, Obj};

    /// How many nested calls run before [`exhausted`] says so.
    fn depth_until_exhausted(n: usize) -> usize {
        if exhausted() { n } else { std::hint::black_box(depth_until_exhausted(n + 1)) }
    }

    #[test]
    fn the_red_line_is_the_segments_and_is_put_back_on_leaving_it() {
        assert_eq!(RED_LINE.with(std::cell::Cell::get), 0);
        let (outer, depth, inner_line, back) = on_js_stack(|| {
            let outer = RED_LINE.with(std::cell::Cell::get);
            // Without the red line, `stacker` answers: the same limit within a frame.
            let by_line = depth_until_exhausted(0);
            let _off = RestoreRedLine(RED_LINE.with(|l| l.replace(0)));
            let by_stacker = depth_until_exhausted(0);
            drop(_off);
            assert!(by_line.abs_diff(by_stacker) <= 8, "{by_line} vs {by_stacker}");
            let inner_line = on_js_stack(|| RED_LINE.with(std::cell::Cell::get));
            (outer, by_line, inner_line, RED_LINE.with(std::cell::Cell::get))
        });
        assert!(outer != 0 && inner_line != 0 && inner_line != outer && back == outer);
        assert!(depth > 1000, "{depth}");
        assert_eq!(RED_LINE.with(std::cell::Cell::get), 0);
        // A panic inside a segment puts the line back too.
        let unwound = std::panic::catch_unwind(|| on_js_stack(|| panic!("inside")));
        assert!(unwound.is_err());
        assert_eq!(RED_LINE.with(std::cell::Cell::get), 0);
    }

    #[test]
    fn a_deep_chain_of_objects_drops_without_recursion() {
        // On a 256 KB thread, which a recursive drop of 200 000 levels would overflow.
        std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| {
                let mut a = Obj::new(Class::Array(RefCell::new(Vec::new())), None);
                for _ in 0..200_000 {
                    a = Obj::new(Class::Array(RefCell::new(vec![Some(JsValue::Object(a))])), None);
                }
                let mut o = Obj::new(Class::Object, None);
                for _ in 0..200_000 {
                    let outer = Obj::new(Class::Object, None);
                    outer.define("o", JsValue::Object(o), true);
                    o = outer;
                }
                drop(a);
                drop(o);
            })
            .expect("a thread")
            .join()
            .expect("no overflow");
    }

    #[test]
    fn the_nesting_scan_counts_brackets_prefixes_and_else_chains() {
        let deep = |open: &str, close: &str, n: usize| format!("{}1{}", open.repeat(n), close.repeat(n));
        assert_eq!(too_deep(&deep("(", ")", MAX_NESTING)), None);
        assert_eq!(too_deep(&deep("(", ")", MAX_NESTING + 1)), Some(MAX_NESTING));
        assert_eq!(too_deep(&deep("!", "", MAX_NESTING + 1)), Some(MAX_NESTING));
        assert!(too_deep(&deep("a=", "", MAX_NESTING + 1)).is_some());
        assert!(too_deep(&deep("if(a){}else ", "", MAX_NESTING + 1)).is_some());
        assert!(too_deep(&deep("`${", "}`", MAX_NESTING + 1)).is_some());
        // Sequences are not nesting: statements, lines, strings and comments reset or skip.
        assert_eq!(too_deep(&"x = !y;\n".repeat(3 * MAX_NESTING)), None);
        assert_eq!(too_deep(&"x = 1\n".repeat(3 * MAX_NESTING)), None);
        assert_eq!(too_deep(&format!("'{}' // {}", "(".repeat(20_000), "[".repeat(20_000))), None);
        assert_eq!(too_deep(&"f(1, 2);\n".repeat(3 * MAX_NESTING)), None);
    }
}
