//! Prints a [`Program`] as JavaScript in the settle-js subset (and plain Node JavaScript).
//!
//! Every program starts with the same two helpers: `show(v)` turns a value into a line of text
//! without relying on `console.log`'s formatting of objects (errors print as `Name:message`,
//! promises by variable name, thenables by tag), and `pname(p)` names a promise variable.

use crate::ast::{
    Call, Combinator, End, Handler, Link, Listeners, Method, PExpr, Program, Source, Stmt, Then, Value, When,
};

/// The helpers every program starts with (after its `var` line).
const HELPERS: &str = r#"function show(v) {
  if (v instanceof Error) return v.name + ":" + v.message + (Array.isArray(v.errors) ? "[" + v.errors.map(show).join(",") + "]" : "");
  if (v instanceof Promise) return "promise:" + pname(v);
  if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
  if (v !== null && typeof v === "object") return v.status ? v.status + ":" + show(v.status === "fulfilled" ? v.value : v.reason) : "obj:" + v.tag;
  return typeof v + ":" + String(v);
}
class Sub extends Promise { constructor(executor) { super(executor); console.log("new Sub"); } }
function withThen(p, tag) { const then = p.then; p.then = function (f, r) { console.log(tag + ".then"); return then.call(this, f, r); }; return p; }
"#;

/// Prints a program.
///
/// ```
/// use settle_conformance::ast::{Listeners, PExpr, Program, Stmt, Value};
/// let program = Program {
///     listeners: Listeners::None,
///     on_unhandled: vec![],
///     body: vec![Stmt::Promise(PExpr::Resolve(Box::new(Value::Num(1)))), Stmt::Log],
/// };
/// let js = settle_conformance::print(&program);
/// assert!(js.contains("p0 = Promise.resolve(1);\nconsole.log(\"L1\");\n"), "{js}");
/// ```
pub fn print(program: &Program) -> String {
    let promises = program.body.iter().filter(|s| matches!(s, Stmt::Promise(_))).count();
    let timers = count_timers(&program.on_unhandled) + count_timers(&program.body);
    let mut p = Printer {
        out: String::new(),
        label: 0,
        name: 0,
        timers: 0,
        timers_total: timers,
        // The listeners only run after the script: every promise variable is set by then.
        promises_before: promises,
        promises_total: promises,
        indent: 0,
        resolvers: Vec::new(),
        kind: Kind::Plain,
        loops: Vec::new(),
    };
    let mut vars: Vec<String> = (0..promises).map(|i| format!("p{i}")).collect();
    vars.extend((0..timers).map(|i| format!("t{i}")));
    if !program.on_unhandled.is_empty() {
        vars.push("once = false".to_string());
    }
    if !vars.is_empty() {
        p.line(&format!("var {};", vars.join(", ")));
    }
    p.out.push_str(HELPERS);
    p.line(&format!(
        "function pname(p) {{ const i = [{}].indexOf(p); return i < 0 ? \"?\" : \"p\" + i; }}",
        vars[..promises].join(", ")
    ));
    if program.listeners != Listeners::None {
        let mut head = "process.on(\"unhandledRejection\", (r, p) => { console.log(\"unhandledRejection\", show(r), pname(p));".to_string();
        if program.listeners == Listeners::BothHandling {
            head.push_str(" p.catch((e) => console.log(\"caught in listener\", show(e)));");
        }
        if program.on_unhandled.is_empty() {
            p.line(&format!("{head} }});"));
        } else {
            // The body runs for the first report only: it may reject promises itself, and
            // running it for each of those reports would never end.
            p.line(&format!("{head} if (once) return; once = true;"));
            p.block(None, &program.on_unhandled, None, false);
            p.line("});");
        }
    }
    if matches!(program.listeners, Listeners::Both | Listeners::BothHandling) {
        p.line("process.on(\"rejectionHandled\", (p) => { console.log(\"rejectionHandled\", pname(p)); });");
    }
    p.promises_before = 0;
    for stmt in &program.body {
        p.top_level(stmt);
    }
    p.out
}

/// How many timer variables a program needs: one per `setTimeout`/`setInterval` statement.
fn count_timers(body: &[Stmt]) -> usize {
    fn value(v: &Value) -> usize {
        match v {
            Value::Num(_) | Value::Error(_) | Value::Ref(_) => 0,
            Value::Promise(e) => pexpr(e),
            Value::Thenable(_, v) => value(v),
            Value::ReplacedThen(e) => pexpr(e),
        }
    }
    fn end(e: &End) -> usize {
        match e {
            End::None => 0,
            End::Return(v) | End::Throw(v) => value(v),
        }
    }
    fn handler(h: &Handler) -> usize {
        block(&h.body) + end(&h.end)
    }
    fn source(s: &Source) -> usize {
        match s {
            Source::AsyncGen(b, e) | Source::SyncGen(b, e) => block(b) + end(e),
            Source::Array(vs) => vs.iter().map(value).sum(),
        }
    }
    fn call(c: &Call) -> usize {
        // The printer makes a Drive's first call at once whatever its `when`: counting its
        // timer anyway only declares a variable that stays unset (`clearTimeout` of it is a
        // no-op, as for a timer that already fired).
        value(&c.arg) + usize::from(matches!(c.when, When::Timer(_)))
    }
    fn pexpr(e: &PExpr) -> usize {
        match e {
            PExpr::Ref(_) => 0,
            PExpr::Resolve(v) | PExpr::Reject(v) | PExpr::SubResolve(v) => value(v),
            PExpr::New(b, e) | PExpr::Async(b, e) => block(b) + end(e),
            PExpr::Combinator(_, vs) | PExpr::SubCombinator(_, vs) => vs.iter().map(value).sum(),
            PExpr::Chain(base, link) => {
                pexpr(base)
                    + match link {
                        Link::Then(h) | Link::OnRejected(h) | Link::Catch(h) | Link::Finally(h) => handler(h),
                        Link::ThenBoth(a, b) => handler(a) + handler(b),
                        Link::Passthrough => 0,
                    }
            }
            PExpr::ForAwait(s, b) => source(s) + block(b),
            PExpr::Drive { body, end: e, calls } => {
                block(body) + end(e) + calls.iter().map(call).sum::<usize>()
            }
        }
    }
    fn block(b: &[Stmt]) -> usize {
        b.iter().map(stmt).sum()
    }
    fn stmt(s: &Stmt) -> usize {
        match s {
            Stmt::Log | Stmt::Clear(_) | Stmt::Break(_) => 0,
            Stmt::Yield(v) => value(v),
            Stmt::YieldStar(s) => source(s),
            Stmt::ForAwait(s, b) => source(s) + block(b),
            Stmt::Microtask(b) | Stmt::NextTick(b) => block(b),
            Stmt::Timeout(_, b) | Stmt::Interval(_, _, b) => 1 + block(b),
            Stmt::Promise(e) => pexpr(e),
            Stmt::Settle { value: v, .. } | Stmt::Await(v) | Stmt::Throw(v) | Stmt::Return(v) => value(v),
            Stmt::Try { body, catch, finally } => {
                block(body) + catch.as_deref().map_or(0, block) + finally.as_deref().map_or(0, block)
            }
        }
    }
    block(body)
}

struct Printer {
    out: String,
    /// Last log label used (`L1` is the first).
    label: usize,
    /// Last number used for parameters, resolvers and thenable tags.
    name: usize,
    /// Timer variables assigned so far, and in all.
    timers: usize,
    timers_total: usize,
    /// Promise variables assigned before the current top-level statement, and in all.
    promises_before: usize,
    promises_total: usize,
    indent: usize,
    /// The enclosing executors' numbers (innermost last).
    resolvers: Vec<usize>,
    /// The kind of function being printed (`yield` only in generators).
    kind: Kind,
    /// The counters of the `for await` loops enclosing the statement in its function
    /// (innermost last): `break` only inside one.
    loops: Vec<usize>,
}

/// The kind of function a statement is printed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The top level, an arrow or an async arrow.
    Plain,
    /// `function*`.
    SyncGen,
    /// `async function*`.
    AsyncGen,
}

impl Printer {
    fn next_label(&mut self) -> String {
        self.label += 1;
        format!("L{}", self.label)
    }

    fn next_name(&mut self) -> usize {
        self.name += 1;
        self.name
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn top_level(&mut self, stmt: &Stmt) {
        if let Stmt::Promise(e) = stmt {
            let i = self.promises_before;
            let e = self.pexpr(e);
            self.line(&format!("p{i} = {e};"));
            self.promises_before += 1;
        } else {
            self.stmt(stmt, false);
        }
    }

    /// A block's statements, one a line, after the callback's own log line (if any).
    fn block(&mut self, head: Option<String>, body: &[Stmt], end: Option<&End>, in_async: bool) {
        self.indent += 1;
        if let Some(head) = head {
            self.line(&head);
        }
        for s in body {
            self.stmt(s, in_async);
        }
        match end {
            Some(End::Return(v)) => {
                let v = self.value(v);
                self.line(&format!("return {v};"));
            }
            Some(End::Throw(v)) => {
                let v = self.value(v);
                self.line(&format!("throw {v};"));
            }
            Some(End::None) | None => {}
        }
        self.indent -= 1;
    }

    /// `(params) => {` + block + `}` as an expression, printed on its own lines.
    fn function(
        &mut self,
        prefix: &str,
        head: Option<String>,
        body: &[Stmt],
        end: Option<&End>,
        in_async: bool,
    ) -> String {
        self.function_of(Kind::Plain, prefix, head, body, end, in_async)
    }

    /// [`Printer::function`] for a function of the given kind.
    fn function_of(
        &mut self,
        kind: Kind,
        prefix: &str,
        head: Option<String>,
        body: &[Stmt],
        end: Option<&End>,
        in_async: bool,
    ) -> String {
        let saved = std::mem::take(&mut self.out);
        let saved_kind = std::mem::replace(&mut self.kind, kind);
        let saved_loops = std::mem::take(&mut self.loops);
        self.block(head, body, end, in_async);
        self.kind = saved_kind;
        self.loops = saved_loops;
        let inner = std::mem::replace(&mut self.out, saved);
        let mut closing = String::new();
        for _ in 0..self.indent {
            closing.push_str("  ");
        }
        format!("{prefix}{{\n{inner}{closing}}}")
    }

    fn callback_log(&mut self) -> String {
        let label = self.next_label();
        format!("console.log(\"{label}\");")
    }

    fn stmt(&mut self, stmt: &Stmt, in_async: bool) {
        match stmt {
            Stmt::Log => {
                let log = self.callback_log();
                self.line(&log);
            }
            Stmt::Microtask(body) | Stmt::NextTick(body) => {
                let call =
                    if matches!(stmt, Stmt::Microtask(_)) { "queueMicrotask" } else { "process.nextTick" };
                let head = self.callback_log();
                let f = self.function("() => ", Some(head), body, None, false);
                self.line(&format!("{call}({f});"));
            }
            Stmt::Timeout(delay, body) => {
                let t = self.timers;
                self.timers += 1;
                let head = self.callback_log();
                let f = self.function("() => ", Some(head), body, None, false);
                self.line(&format!("t{t} = setTimeout({f}, {});", delay.ms()));
            }
            Stmt::Interval(delay, runs, body) => {
                // The id lives in a block-scoped constant, so an interval statement that runs
                // more than once still clears each of its intervals.
                let t = self.timers;
                self.timers += 1;
                let n = self.next_name();
                let head = self.callback_log();
                let head = format!("{head} if (++k{n} >= {}) clearInterval(i{n});", runs.clamp(&1, &3));
                self.line(&format!("{{ let k{n} = 0;"));
                let f = self.function("() => ", Some(head), body, None, false);
                self.line(&format!("const i{n} = setInterval({f}, {});", delay.ms()));
                self.line(&format!("t{t} = i{n}; }}"));
            }
            Stmt::Clear(k) => {
                if self.timers_total > 0 {
                    let k = usize::from(*k) % self.timers_total;
                    self.line(&format!("clearTimeout(t{k});"));
                }
            }
            Stmt::Promise(e) => {
                let e = self.pexpr(e);
                self.line(&format!("{e};"));
            }
            Stmt::Settle { target, reject, value } => {
                if self.resolvers.is_empty() {
                    return;
                }
                let depth = self.resolvers.len();
                let n = self.resolvers[depth - 1 - usize::from(*target) % depth];
                let v = self.value(value);
                let f = if *reject { "rej" } else { "res" };
                self.line(&format!("{f}{n}({v});"));
            }
            Stmt::Await(v) => {
                let label = self.next_label();
                let v = self.value(v);
                if in_async {
                    self.line(&format!("console.log(\"{label}\", show(await {v}));"));
                } else {
                    self.line(&format!("console.log(\"{label}\", show({v}));"));
                }
            }
            Stmt::Try { body, catch, finally } => {
                self.line("try {");
                self.block(None, body, None, in_async);
                let catch =
                    if catch.is_none() && finally.is_none() { Some(&[][..]) } else { catch.as_deref() };
                if let Some(c) = catch {
                    let n = self.next_name();
                    let label = self.next_label();
                    self.line(&format!("}} catch (e{n}) {{"));
                    self.block(Some(format!("console.log(\"{label}\", show(e{n}));")), c, None, in_async);
                }
                if let Some(f) = finally {
                    let head = self.callback_log();
                    self.line("} finally {");
                    self.block(Some(head), f, None, in_async);
                }
                self.line("}");
            }
            Stmt::Throw(v) => {
                let v = self.value(v);
                self.line(&format!("throw {v};"));
            }
            Stmt::Return(v) => {
                let v = self.value(v);
                self.line(&format!("return {v};"));
            }
            Stmt::Yield(v) => {
                let label = self.next_label();
                let v = self.value(v);
                if self.kind == Kind::Plain {
                    self.line(&format!("console.log(\"{label}\", show({v}));"));
                } else {
                    self.line(&format!("console.log(\"{label}\", show(yield {v}));"));
                }
            }
            Stmt::YieldStar(source) => {
                let label = self.next_label();
                let s = self.source(source);
                if self.kind == Kind::Plain {
                    self.line(&format!("console.log(\"{label}\", show({s}));"));
                } else {
                    self.line(&format!("console.log(\"{label}\", show(yield* {s}));"));
                }
            }
            Stmt::ForAwait(source, body) => {
                if in_async {
                    self.for_await(source, body);
                } else {
                    // Only while shrinking could this be outside an async body: print the
                    // iterable, not the loop.
                    let s = self.source(source);
                    self.line(&format!("{s};"));
                }
            }
            Stmt::Break(n) => {
                if let Some(&c) = self.loops.last() {
                    self.line(&format!("if (++c{c} >= {}) break;", n.clamp(&1, &3)));
                }
            }
        }
    }

    /// `for await (const xN of source) { log xN; body }` and a log after the loop, with the
    /// loop's `break` counter `cN` in a block around it.
    fn for_await(&mut self, source: &Source, body: &[Stmt]) {
        let n = self.next_name();
        let s = self.source(source);
        let label = self.next_label();
        self.line(&format!("{{ let c{n} = 0;"));
        self.line(&format!("for await (const x{n} of {s}) {{"));
        self.loops.push(n);
        self.block(Some(format!("console.log(\"{label}\", show(x{n}));")), body, None, true);
        self.loops.pop();
        self.line("}");
        let after = self.callback_log();
        self.line(&format!("{after} }}"));
    }

    /// A generator object or an array, as an expression.
    fn source(&mut self, source: &Source) -> String {
        match source {
            Source::AsyncGen(body, end) => {
                let head = self.callback_log();
                let f = self.function_of(
                    Kind::AsyncGen,
                    "async function* () ",
                    Some(head),
                    body,
                    Some(end),
                    true,
                );
                format!("({f})()")
            }
            Source::SyncGen(body, end) => {
                let head = self.callback_log();
                let f = self.function_of(Kind::SyncGen, "function* () ", Some(head), body, Some(end), false);
                format!("({f})()")
            }
            Source::Array(values) => {
                let vs: Vec<String> = values.iter().map(|v| self.value(v)).collect();
                format!("[{}]", vs.join(", "))
            }
        }
    }

    /// One call of an async generator's method on `gN`, its promise then'd with handlers that
    /// log the result's `value` and `done`, or the reason. Returns the then'd promise's
    /// expression for a call made now, or the statement that makes it later.
    fn call(&mut self, g: usize, call: &Call, now: bool) -> String {
        let method = match call.method {
            Method::Next => "next",
            Method::Return => "return",
            Method::Throw => "throw",
        };
        let arg = self.value(&call.arg);
        let (ok, err) = (self.next_label(), self.next_label());
        let n = self.next_name();
        let expr = format!(
            "g{g}.{method}({arg}).then((r{n}) => console.log(\"{ok}\", show(r{n}.value), r{n}.done), (e{n}) => console.log(\"{err}\", show(e{n})))"
        );
        match (now, call.when) {
            (true, _) | (false, When::Now) => expr,
            (false, When::Microtask) => format!("queueMicrotask(() => {expr})"),
            (false, When::Timer(d)) => {
                let t = self.timers;
                self.timers += 1;
                format!("t{t} = setTimeout(() => {expr}, {})", d.ms())
            }
        }
    }

    fn value(&mut self, v: &Value) -> String {
        match v {
            Value::Num(n) => n.to_string(),
            Value::Error(n) => format!("new Error(\"E{n}\")"),
            Value::Ref(k) => {
                // Variables assigned so far and the one this statement assigns.
                let avail = (self.promises_before + 1).min(self.promises_total);
                if avail == 0 { "undefined".to_string() } else { format!("p{}", usize::from(*k) % avail) }
            }
            Value::Promise(e) => self.pexpr(e),
            Value::Thenable(kind, inner) => self.thenable(*kind, inner),
            Value::ReplacedThen(e) => {
                let n = self.next_name();
                let promise = self.pexpr(e);
                format!("withThen({promise}, \"T{n}\")")
            }
        }
    }

    fn thenable(&mut self, kind: Then, inner: &Value) -> String {
        let n = self.next_name();
        let tag = format!("T{n}");
        let log = format!("console.log(\"{tag}\");");
        let v = self.value(inner);
        let body = match kind {
            Then::Sync => format!("then(f, r) {{ {log} f({v}); }}"),
            Then::RejectSync => format!("then(f, r) {{ {log} r({v}); }}"),
            Then::Deferred => format!("then(f, r) {{ {log} queueMicrotask(() => f({v})); }}"),
            Then::Timer(d) => format!("then(f, r) {{ {log} setTimeout(() => f({v}), {}); }}", d.ms()),
            Then::Both => format!("then(f, r) {{ {log} f({v}); r(new Error(\"{tag}\")); }}"),
            Then::Twice => format!("then(f, r) {{ {log} f({v}); f(\"again\"); }}"),
            Then::ThrowAfter => format!("then(f, r) {{ {log} f({v}); throw new Error(\"{tag}\"); }}"),
            Then::Throws => format!("then(f, r) {{ {log} throw new Error(\"{tag}\"); }}"),
            Then::Getter => {
                format!("get then() {{ console.log(\"{tag}.get\"); return (f, r) => {{ {log} f({v}); }}; }}")
            }
            Then::ThrowingGetter => format!("get then() {{ {log} throw new Error(\"{tag}\"); }}"),
            Then::NotCallable => "then: 1".to_string(),
            Then::Never => format!("then(f, r) {{ {log} }}"),
        };
        format!("{{ tag: \"{tag}\", {body} }}")
    }

    fn pexpr(&mut self, e: &PExpr) -> String {
        match e {
            PExpr::Ref(k) => {
                if self.promises_before == 0 {
                    "Promise.resolve()".to_string()
                } else {
                    format!("p{}", usize::from(*k) % self.promises_before)
                }
            }
            PExpr::Resolve(v) => format!("Promise.resolve({})", self.value(v)),
            PExpr::Reject(v) => format!("Promise.reject({})", self.value(v)),
            PExpr::New(body, end) => {
                let n = self.next_name();
                let head = self.callback_log();
                self.resolvers.push(n);
                let end = if matches!(end, End::Return(_)) { &End::None } else { end };
                let f = self.function(&format!("(res{n}, rej{n}) => "), Some(head), body, Some(end), false);
                self.resolvers.pop();
                format!("new Promise({f})")
            }
            PExpr::Async(body, end) => {
                let head = self.callback_log();
                let f = self.function("async () => ", Some(head), body, Some(end), true);
                format!("({f})()")
            }
            PExpr::Combinator(c, values) => self.combinator("Promise", *c, values),
            PExpr::SubResolve(v) => format!("Sub.resolve({})", self.value(v)),
            PExpr::SubCombinator(c, values) => self.combinator("Sub", *c, values),
            PExpr::Chain(base, link) => {
                let base = self.pexpr(base);
                match link {
                    Link::Then(h) => format!("{base}.then({})", self.handler(h, true)),
                    Link::ThenBoth(a, b) => {
                        let a = self.handler(a, true);
                        let b = self.handler(b, true);
                        format!("{base}.then({a}, {b})")
                    }
                    Link::OnRejected(h) => format!("{base}.then(undefined, {})", self.handler(h, true)),
                    Link::Catch(h) => format!("{base}.catch({})", self.handler(h, true)),
                    Link::Finally(h) => format!("{base}.finally({})", self.handler(h, false)),
                    Link::Passthrough => format!("{base}.then()"),
                }
            }
            PExpr::ForAwait(source, body) => {
                let head = self.callback_log();
                let saved = std::mem::take(&mut self.out);
                let saved_kind = std::mem::replace(&mut self.kind, Kind::Plain);
                let saved_loops = std::mem::take(&mut self.loops);
                self.indent += 1;
                self.line(&head);
                self.for_await(source, body);
                self.indent -= 1;
                self.kind = saved_kind;
                self.loops = saved_loops;
                let inner = std::mem::replace(&mut self.out, saved);
                let closing = "  ".repeat(self.indent);
                format!("(async () => {{\n{inner}{closing}}})()")
            }
            PExpr::Drive { body, end, calls } => {
                let g = self.next_name();
                let generator = self.source(&Source::AsyncGen(body.clone(), end.clone()));
                let saved = std::mem::take(&mut self.out);
                self.indent += 1;
                let mut first = None;
                for (i, call) in calls.iter().enumerate() {
                    let text = self.call(g, call, i == 0);
                    if i == 0 {
                        self.line(&format!("const r{g} = {text};"));
                        first = Some(g);
                    } else {
                        self.line(&format!("{text};"));
                    }
                }
                match first {
                    Some(r) => self.line(&format!("return r{r};")),
                    None => self.line(&format!("return g{g};")),
                }
                self.indent -= 1;
                let inner = std::mem::replace(&mut self.out, saved);
                let closing = "  ".repeat(self.indent);
                format!("((g{g}) => {{\n{inner}{closing}}})({generator})")
            }
        }
    }

    fn combinator(&mut self, receiver: &str, c: Combinator, values: &[Value]) -> String {
        let name = match c {
            Combinator::All => "all",
            Combinator::AllSettled => "allSettled",
            Combinator::Any => "any",
            Combinator::Race => "race",
        };
        let vs: Vec<String> = values.iter().map(|v| self.value(v)).collect();
        format!("{receiver}.{name}([{}])", vs.join(", "))
    }

    fn handler(&mut self, h: &Handler, takes_argument: bool) -> String {
        let label = self.next_label();
        let prefix = if h.is_async { "async " } else { "" };
        if takes_argument {
            let n = self.next_name();
            let head = format!("console.log(\"{label}\", show(v{n}));");
            self.function(&format!("{prefix}(v{n}) => "), Some(head), &h.body, Some(&h.end), h.is_async)
        } else {
            let head = format!("console.log(\"{label}\");");
            self.function(&format!("{prefix}() => "), Some(head), &h.body, Some(&h.end), h.is_async)
        }
    }
}
