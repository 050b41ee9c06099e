//! The engine switch's other side: running programs on Boa with settle's loop (settle-boa),
//! in-process on the virtual clock, as [`crate::settle::run_settle`] does for settle-js.

use std::cell::RefCell;
use std::rc::Rc;

use settle_boa::{HostKind, Options};

use crate::Outcome;
use crate::ast::{End, Link, PExpr, Program, Source, Stmt, Value};

/// Runs a program on Boa + settle with Node's host rules on the virtual clock, on a thread with
/// a deep stack (Boa's unoptimized builds recurse deeply; a test thread's 2 MB is not enough).
pub fn run_boa(source: &str) -> Outcome {
    let source = source.to_string();
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run_boa_here(&source))
        .expect("a thread for Boa")
        .join()
        .unwrap_or(Outcome { stdout: String::new(), code: 70 })
}

fn run_boa_here(source: &str) -> Outcome {
    let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    let err = Rc::new(RefCell::new(Vec::<u8>::new()));
    let options = Options { host: HostKind::Node, virtual_clock: true, ..Options::default() };
    let code = settle_boa::run("program.js", source, &options, out.clone(), err);
    let stdout = String::from_utf8_lossy(&out.borrow()).into_owned();
    Outcome { stdout, code }
}

/// Messages ECMA-262 leaves to the implementation that Boa words differently from V8: each is
/// (a pattern of V8's text, Boa's text, the one form both are compared in). Only texts with a
/// fixed form are listed: a message that quotes the program (V8's `x.f is not a function`)
/// stays a difference (tests/boa_examples.rs lists those per file).
const WORDING: &[(&str, &str, &str)] = &[
    // 27.2.4.3.1 step 8.b: the AggregateError of a Promise.any whose promises all rejected.
    ("All promises were rejected", "no promise in Promise.any was fulfilled.", "<all promises rejected>"),
    // 27.2.1.3.2 step 7.a: a promise resolved with itself. V8 names the promise's constructor
    // (`#<Promise>`, `#<Sub>`): everything up to the `>` is V8's text.
    ("Chaining cycle detected for promise #<", "SameValue(resolution, promise) is true", "<chaining cycle>"),
];

/// An outcome with the messages of [`WORDING`], in either engine's words, in one form: the
/// differential batch on Boa compares ordering and values, and these texts are the engines'
/// own, not the program's. Applied to both sides (`Config::canonical`).
///
/// ```
/// use settle_conformance::{Outcome, boa::canonical_wording};
/// let v8 = Outcome { stdout: "TypeError:Chaining cycle detected for promise #<Sub>\n".into(), code: 0 };
/// let boa = Outcome { stdout: "TypeError:SameValue(resolution, promise) is true\n".into(), code: 0 };
/// assert_eq!(canonical_wording(v8), canonical_wording(boa));
/// ```
pub fn canonical_wording(mut outcome: Outcome) -> Outcome {
    for (v8, boa, canonical) in WORDING {
        outcome.stdout = outcome.stdout.replace(boa, canonical);
        if let Some(open) = v8.strip_suffix('<') {
            // `... #<Name>`: the name is V8's and goes with it.
            let mut out = String::with_capacity(outcome.stdout.len());
            let mut rest = outcome.stdout.as_str();
            while let Some(at) = rest.find(v8) {
                out.push_str(&rest[..at]);
                let after = &rest[at + v8.len()..];
                match after.find('>') {
                    Some(close) if !after[..close].contains(char::is_whitespace) => {
                        out.push_str(canonical);
                        rest = &after[close + 1..];
                    }
                    _ => {
                        out.push_str(open);
                        out.push('<');
                        rest = after;
                    }
                }
            }
            out.push_str(rest);
            outcome.stdout = out;
        } else {
            outcome.stdout = outcome.stdout.replace(v8, canonical);
        }
    }
    outcome
}

/// Whether a program has a shape Boa 0.22's own engine gets wrong, which the batch on Boa does
/// not compare (`Config::skip`; docs/conformance.md, "Boa on settle's loop"). Plain Boa,
/// without settle, does the same in both.
///
/// - A `yield` or `yield*` in the body of a `for await` loop of a generator. When the
///   generator is resumed there with a return completion (its `return()`, called by hand or by
///   a consumer's `break`), ForIn/OfBodyEvaluation must close the loop's iterator
///   (AsyncIteratorClose, 14.7.5.7 step 6.k); Boa does not call the iterator's `return()` (nor
///   for `for-of` in a sync generator).
/// - A `yield*` in an async generator. When `return(v)` reaches it and the delegate's
///   result is done, yield* returns its value at once (14.4.14 step 7.c.viii, since ES2024,
///   ecma262 PR #2819); Boa still Awaits it first, one tick late.
/// - A `try` with both `catch` and `finally` whose `catch` block may throw (a `throw`, or an
///   `await`, `yield`, `yield*` or `for await` that can). Boa loses or keeps the wrong
///   completion: in an async function, a `finally` that returns does not override the
///   `catch`'s throw (14.15.3: the finally's abrupt completion wins), and a `finally` that calls
///   an async function loses the `catch`'s throw (the first bug of issue 14's long run).
///
/// ```
/// use settle_conformance::ast::{End, Listeners, PExpr, Program, Source, Stmt, Value};
/// let program = |body| Program {
///     listeners: Listeners::None,
///     on_unhandled: vec![],
///     body: vec![Stmt::Promise(PExpr::Drive { body, end: End::None, calls: vec![] })],
/// };
/// let yield_in_loop = program(vec![Stmt::ForAwait(Source::Array(vec![]), vec![Stmt::Yield(Value::Num(1))])]);
/// assert!(settle_conformance::boa::boa_gets_wrong(&yield_in_loop));
/// assert!(!settle_conformance::boa::boa_gets_wrong(&program(vec![Stmt::Yield(Value::Num(1))])));
/// let delegating = program(vec![Stmt::YieldStar(Source::SyncGen(vec![], End::None))]);
/// assert!(settle_conformance::boa::boa_gets_wrong(&delegating));
/// let rethrow = |catch| Stmt::Try { body: vec![], catch: Some(catch), finally: Some(vec![]) };
/// assert!(settle_conformance::boa::boa_gets_wrong(&program(vec![rethrow(vec![Stmt::Throw(Value::Num(0))])])));
/// assert!(!settle_conformance::boa::boa_gets_wrong(&program(vec![rethrow(vec![Stmt::Log])])));
/// ```
pub fn boa_gets_wrong(program: &Program) -> bool {
    block(&program.on_unhandled, Fun::Plain, false) || block(&program.body, Fun::Plain, false)
}

/// The kind of function a block is in, for [`boa_gets_wrong`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fun {
    /// Not a generator.
    Plain,
    /// `function*`.
    SyncGen,
    /// `async function*`.
    AsyncGen,
}

/// Whether a block has one of [`boa_gets_wrong`]'s shapes: `generator` is the kind of
/// function it is in, `in_loop` whether it is (in) a `for await` body of that function.
fn block(b: &[Stmt], generator: Fun, in_loop: bool) -> bool {
    b.iter().any(|s| stmt(s, generator, in_loop))
}

fn stmt(s: &Stmt, generator: Fun, in_loop: bool) -> bool {
    match s {
        Stmt::Log | Stmt::Clear(_) | Stmt::Break(_) => false,
        Stmt::Microtask(b) | Stmt::NextTick(b) | Stmt::Timeout(_, b) | Stmt::Interval(_, _, b) => {
            block(b, Fun::Plain, false)
        }
        Stmt::Promise(e) => pexpr(e),
        Stmt::Settle { value: v, .. } | Stmt::Await(v) | Stmt::Throw(v) | Stmt::Return(v) => value(v),
        Stmt::Try { body, catch: Some(c), finally: Some(_) } if may_throw(c) => true,
        Stmt::Try { body, catch, finally } => {
            block(body, generator, in_loop)
                || catch.as_deref().is_some_and(|c| block(c, generator, in_loop))
                || finally.as_deref().is_some_and(|f| block(f, generator, in_loop))
        }
        Stmt::Yield(v) => (generator != Fun::Plain && in_loop) || value(v),
        Stmt::YieldStar(src) => {
            (generator != Fun::Plain && in_loop) || generator == Fun::AsyncGen || source(src)
        }
        Stmt::ForAwait(src, body) => source(src) || block(body, generator, true),
    }
}

/// Whether a block of a function may complete with a throw of its own: a `throw`, or an
/// `await`, `yield`, `yield*` or `for await` (which rethrow a rejection), in it or in a `try`
/// of it.
fn may_throw(b: &[Stmt]) -> bool {
    b.iter().any(|s| match s {
        Stmt::Throw(_) | Stmt::Await(_) | Stmt::Yield(_) | Stmt::YieldStar(_) | Stmt::ForAwait(..) => true,
        Stmt::Try { body, catch, finally } => {
            may_throw(body)
                || catch.as_deref().is_some_and(may_throw)
                || finally.as_deref().is_some_and(may_throw)
        }
        _ => false,
    })
}

fn end(e: &End) -> bool {
    match e {
        End::None => false,
        End::Return(v) | End::Throw(v) => value(v),
    }
}

fn value(v: &Value) -> bool {
    match v {
        Value::Num(_) | Value::Error(_) | Value::Ref(_) => false,
        Value::Promise(e) | Value::ReplacedThen(e) => pexpr(e),
        Value::Thenable(_, v) => value(v),
    }
}

fn source(s: &Source) -> bool {
    match s {
        Source::AsyncGen(b, e) => block(b, Fun::AsyncGen, false) || end(e),
        Source::SyncGen(b, e) => block(b, Fun::SyncGen, false) || end(e),
        Source::Array(vs) => vs.iter().any(value),
    }
}

fn pexpr(e: &PExpr) -> bool {
    match e {
        PExpr::Ref(_) => false,
        PExpr::Resolve(v) | PExpr::Reject(v) | PExpr::SubResolve(v) => value(v),
        PExpr::New(b, e) | PExpr::Async(b, e) => block(b, Fun::Plain, false) || end(e),
        PExpr::Combinator(_, vs) | PExpr::SubCombinator(_, vs) => vs.iter().any(value),
        PExpr::Chain(base, link) => {
            let handler = |h: &crate::ast::Handler| block(&h.body, Fun::Plain, false) || end(&h.end);
            pexpr(base)
                || match link {
                    Link::Then(h) | Link::OnRejected(h) | Link::Catch(h) | Link::Finally(h) => handler(h),
                    Link::ThenBoth(a, b) => handler(a) || handler(b),
                    Link::Passthrough => false,
                }
        }
        PExpr::ForAwait(src, body) => source(src) || block(body, Fun::Plain, true),
        PExpr::Drive { body, end: e, calls } => {
            block(body, Fun::AsyncGen, false) || end(e) || calls.iter().any(|c| value(&c.arg))
        }
    }
}
