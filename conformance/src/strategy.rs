//! proptest strategies for [`Program`]s.
//!
//! Nesting is bounded by a depth budget that every nested body or value spends one unit of.
//! Which statements may appear depends on the context: `await` and `for await` only directly
//! in an async body, `yield` and `yield*` only directly in a generator body, `break` only in a
//! `for await` body, `resN(..)`/`rejN(..)` only inside an executor. Strategies are built once per context
//! and shared (a small memo table), so building the whole family is cheap.

use std::collections::HashMap;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

use crate::ast::{
    Call, Combinator, Delay, End, Handler, Link, Listeners, Method, PExpr, Program, Source, Stmt, Then,
    Value, When,
};

/// The nesting budget of a top-level statement.
pub const MAX_DEPTH: u8 = 3;

/// The strategy of whole programs: listeners, then 1 to 6 top-level statements.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let program = settle_conformance::program_strategy().new_tree(&mut runner).unwrap().current();
/// assert!(!program.body.is_empty());
/// ```
pub fn program_strategy() -> BoxedStrategy<Program> {
    let mut b = Builder::default();
    let top = b.stmt(Ctx { depth: MAX_DEPTH, ..Ctx::TOP });
    let on_unhandled = prop_oneof![
        3 => Just(Vec::new()),
        1 => b.block(Ctx { depth: 1, function: true, ..Ctx::TOP }),
    ];
    let listeners = prop_oneof![
        1 => Just(Listeners::None),
        2 => Just(Listeners::Unhandled),
        5 => Just(Listeners::Both),
        1 => Just(Listeners::BothHandling),
    ];
    (listeners, on_unhandled, vec(top, 1..=6))
        .prop_map(|(listeners, on_unhandled, body)| Program { listeners, on_unhandled, body })
        .boxed()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Ctx {
    /// Remaining nesting budget.
    depth: u8,
    /// Directly inside an async function body: `await` is allowed.
    in_async: bool,
    /// Inside an executor: its `resN`/`rejN` are in scope.
    resolvers: bool,
    /// A `throw` here becomes a rejection (a handler, executor or async body, or a `try`),
    /// not an uncaught exception that stops the program.
    catches: bool,
    /// Inside a function body (not the script's top level): `return` is allowed.
    function: bool,
    /// Directly inside a generator body: `yield` and `yield*` are allowed.
    generator: Option<Gen>,
    /// Directly inside a `for await` body: `break` is allowed.
    in_loop: bool,
}

/// The two kinds of generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Gen {
    /// `function*`: yields values as they are; delegates to sync iterables only.
    Sync,
    /// `async function*`: awaits what it yields; delegates to async or sync iterables.
    Async,
}

impl Ctx {
    /// The script's top level.
    const TOP: Ctx = Ctx {
        depth: 0,
        in_async: false,
        resolvers: false,
        catches: false,
        function: false,
        generator: None,
        in_loop: false,
    };

    /// A block of the same function (a `try` block or clause, a loop body): what may appear
    /// directly in the function may appear there, one level deeper.
    fn same_function(self, catches: bool) -> Ctx {
        Ctx { depth: self.depth.saturating_sub(1), catches, ..self }
    }

    /// A generator's body.
    fn generator_body(self, kind: Gen) -> Ctx {
        Ctx { generator: Some(kind), ..self.body(kind == Gen::Async, true) }
    }

    /// A nested function body: a callback (timer, microtask, `nextTick`) or a function whose
    /// throw rejects a promise (handler, executor, async body).
    fn body(self, in_async: bool, catches: bool) -> Ctx {
        Ctx {
            depth: self.depth.saturating_sub(1),
            in_async,
            resolvers: self.resolvers,
            catches,
            function: true,
            generator: None,
            in_loop: false,
        }
    }

    /// A nested value or promise expression.
    fn inner(self) -> Ctx {
        Ctx {
            depth: self.depth.saturating_sub(1),
            in_async: false,
            resolvers: self.resolvers,
            catches: false,
            function: false,
            generator: None,
            in_loop: false,
        }
    }
}

#[derive(Default)]
struct Builder {
    stmts: HashMap<Ctx, BoxedStrategy<Stmt>>,
    values: HashMap<Ctx, BoxedStrategy<Value>>,
    pexprs: HashMap<Ctx, BoxedStrategy<PExpr>>,
    sources: HashMap<(Ctx, Use), BoxedStrategy<Source>>,
}

/// What a [`Source`] is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Use {
    /// `for await`: any source.
    ForAwait,
    /// `yield*` in an async generator: generators.
    AsyncDelegate,
    /// `yield*` in a sync generator: sync generators and arrays of values that never reject.
    SyncDelegate,
}

/// A value that never rejects when a promise is resolved with it: a sync generator's yields
/// (see [`Builder::source`]). Numbers, errors (as values), and at depth, fulfilled promises,
/// thenables that call back with such a value first (or never), or a replaced `then` on one.
fn safe_value(depth: u8) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![3 => (0u8..10).prop_map(Value::Num), 2 => (0u8..10).prop_map(Value::Error)];
    if depth == 0 {
        return leaf.boxed();
    }
    let inner = safe_value(depth - 1);
    let kind = prop_oneof![
        4 => Just(Then::Sync),
        3 => Just(Then::Deferred),
        1 => delay().prop_map(Then::Timer),
        2 => Just(Then::Both),
        1 => Just(Then::Twice),
        2 => Just(Then::ThrowAfter),
        2 => Just(Then::Getter),
        1 => Just(Then::NotCallable),
        1 => Just(Then::Never),
    ];
    let resolved = |v: Value| PExpr::Resolve(Box::new(v));
    prop_oneof![
        3 => leaf,
        3 => inner.clone().prop_map(move |v| Value::Promise(Box::new(resolved(v)))),
        3 => (kind, inner.clone()).prop_map(|(k, v)| Value::Thenable(k, Box::new(v))),
        1 => inner.prop_map(move |v| Value::ReplacedThen(Box::new(resolved(v)))),
    ]
    .boxed()
}

fn delay() -> BoxedStrategy<Delay> {
    prop_oneof![2 => Just(Delay::Zero), 2 => Just(Delay::Short), 1 => Just(Delay::Long)].boxed()
}

fn then_kind() -> BoxedStrategy<Then> {
    prop_oneof![
        4 => Just(Then::Sync),
        2 => Just(Then::RejectSync),
        3 => Just(Then::Deferred),
        1 => delay().prop_map(Then::Timer),
        2 => Just(Then::Both),
        1 => Just(Then::Twice),
        2 => Just(Then::ThrowAfter),
        1 => Just(Then::Throws),
        2 => Just(Then::Getter),
        1 => Just(Then::ThrowingGetter),
        1 => Just(Then::NotCallable),
        1 => Just(Then::Never),
    ]
    .boxed()
}

impl Builder {
    fn block(&mut self, ctx: Ctx) -> BoxedStrategy<Vec<Stmt>> {
        vec(self.stmt(ctx), 0..=3).boxed()
    }

    fn end(&mut self, ctx: Ctx) -> BoxedStrategy<End> {
        let v = self.value(ctx.inner());
        prop_oneof![3 => Just(End::None), 3 => v.clone().prop_map(End::Return), 1 => v.prop_map(End::Throw)]
            .boxed()
    }

    fn stmt(&mut self, ctx: Ctx) -> BoxedStrategy<Stmt> {
        if let Some(s) = self.stmts.get(&ctx) {
            return s.clone();
        }
        let pexpr = self.pexpr(ctx);
        let mut choices: Vec<(u32, BoxedStrategy<Stmt>)> = vec![
            (3, Just(Stmt::Log).boxed()),
            (1, any::<u8>().prop_map(Stmt::Clear).boxed()),
            (5, pexpr.prop_map(Stmt::Promise).boxed()),
        ];
        if ctx.depth > 0 {
            let callback = self.block(ctx.body(false, false));
            let protected = self.block(ctx.same_function(true));
            let here = self.block(ctx.same_function(ctx.catches));
            let value = self.value(ctx.inner());
            choices.extend([
                (3, callback.clone().prop_map(Stmt::Microtask).boxed()),
                (2, callback.clone().prop_map(Stmt::NextTick).boxed()),
                (3, (delay(), callback.clone()).prop_map(|(d, b)| Stmt::Timeout(d, b)).boxed()),
                (1, (delay(), 1u8..=3, callback).prop_map(|(d, n, b)| Stmt::Interval(d, n, b)).boxed()),
                (
                    if ctx.in_async { 4 } else { 1 },
                    (protected, proptest::option::of(here.clone()), proptest::option::of(here))
                        .prop_map(|(body, catch, finally)| Stmt::Try { body, catch, finally })
                        .boxed(),
                ),
            ]);
            // An uncaught exception stops the program (as it kills Node): keep those rare, in
            // the innermost callbacks only.
            if ctx.catches || ctx.depth == 1 {
                choices.push((if ctx.catches { 2 } else { 1 }, value.clone().prop_map(Stmt::Throw).boxed()));
            }
            if ctx.resolvers {
                choices.push((
                    5,
                    (any::<u8>(), any::<bool>(), value.clone())
                        .prop_map(|(target, reject, value)| Stmt::Settle { target, reject, value })
                        .boxed(),
                ));
            }
            if ctx.function {
                choices.push((1, value.clone().prop_map(Stmt::Return).boxed()));
            }
            if ctx.in_async {
                choices.push((6, value.prop_map(Stmt::Await).boxed()));
                let source = self.source(ctx, Use::ForAwait);
                let body = self.block(Ctx { in_loop: true, ..ctx.same_function(ctx.catches) });
                choices.push((2, (source, body).prop_map(|(s, b)| Stmt::ForAwait(s, b)).boxed()));
            }
            if let Some(kind) = ctx.generator {
                let source =
                    self.source(ctx, if kind == Gen::Async { Use::AsyncDelegate } else { Use::SyncDelegate });
                choices.push((4, source.prop_map(Stmt::YieldStar).boxed()));
            }
            if ctx.in_loop {
                choices.push((8, (1u8..=3).prop_map(Stmt::Break).boxed()));
            }
        }
        // Yields are what a generator body is for: also at the innermost level.
        match ctx.generator {
            Some(Gen::Async) => choices.push((16, self.value(ctx.inner()).prop_map(Stmt::Yield).boxed())),
            Some(Gen::Sync) => {
                choices.push((16, safe_value(ctx.inner().depth).prop_map(Stmt::Yield).boxed()))
            }
            None => {}
        }
        let s = proptest::strategy::Union::new_weighted(choices).boxed();
        self.stmts.insert(ctx, s.clone());
        s
    }

    fn value(&mut self, ctx: Ctx) -> BoxedStrategy<Value> {
        if let Some(v) = self.values.get(&ctx) {
            return v.clone();
        }
        let mut choices: Vec<(u32, BoxedStrategy<Value>)> = vec![
            (3, (0u8..10).prop_map(Value::Num).boxed()),
            (2, (0u8..10).prop_map(Value::Error).boxed()),
            (3, any::<u8>().prop_map(Value::Ref).boxed()),
        ];
        if ctx.depth > 0 {
            let inner_value = self.value(ctx.inner());
            let inner_pexpr = self.pexpr(ctx.inner());
            choices.push((3, inner_pexpr.prop_map(|e| Value::Promise(Box::new(e))).boxed()));
            choices.push((
                3,
                (then_kind(), inner_value).prop_map(|(k, v)| Value::Thenable(k, Box::new(v))).boxed(),
            ));
            let replaced = self.pexpr(ctx.inner());
            choices.push((1, replaced.prop_map(|e| Value::ReplacedThen(Box::new(e))).boxed()));
        }
        let v = proptest::strategy::Union::new_weighted(choices).boxed();
        self.values.insert(ctx, v.clone());
        v
    }

    fn handler(&mut self, ctx: Ctx) -> BoxedStrategy<Handler> {
        let sync = (self.block(ctx.body(false, true)), self.end(ctx.body(false, true)))
            .prop_map(|(body, end)| Handler { is_async: false, body, end });
        let asynchronous = (self.block(ctx.body(true, true)), self.end(ctx.body(true, true)))
            .prop_map(|(body, end)| Handler { is_async: true, body, end });
        prop_oneof![3 => sync, 1 => asynchronous].boxed()
    }

    fn link(&mut self, ctx: Ctx) -> BoxedStrategy<Link> {
        let h = self.handler(ctx);
        prop_oneof![
            5 => h.clone().prop_map(Link::Then),
            2 => (h.clone(), h.clone()).prop_map(|(a, b)| Link::ThenBoth(a, b)),
            1 => h.clone().prop_map(Link::OnRejected),
            3 => h.clone().prop_map(Link::Catch),
            3 => h.prop_map(Link::Finally),
            1 => Just(Link::Passthrough),
        ]
        .boxed()
    }

    fn pexpr(&mut self, ctx: Ctx) -> BoxedStrategy<PExpr> {
        let ctx =
            Ctx { in_async: false, catches: false, function: false, generator: None, in_loop: false, ..ctx };
        if let Some(e) = self.pexprs.get(&ctx) {
            return e.clone();
        }
        let leaf_value = self.value(Ctx { depth: 0, ..ctx });
        let mut choices: Vec<(u32, BoxedStrategy<PExpr>)> = vec![
            (2, any::<u8>().prop_map(PExpr::Ref).boxed()),
            (2, leaf_value.clone().prop_map(|v| PExpr::Resolve(Box::new(v))).boxed()),
            (2, leaf_value.prop_map(|v| PExpr::Reject(Box::new(v))).boxed()),
        ];
        if ctx.depth > 0 {
            let value = self.value(ctx.inner());
            let executor = self.block(Ctx { resolvers: true, ..ctx.body(false, true) });
            let executor_end = self.end(ctx.body(false, true));
            let async_body = self.block(ctx.body(true, true));
            let async_end = self.end(ctx.body(true, true));
            let base = self.pexpr(ctx.inner());
            let link = self.link(ctx);
            let combinator = prop_oneof![
                Just(Combinator::All),
                Just(Combinator::AllSettled),
                Just(Combinator::Any),
                Just(Combinator::Race),
            ];
            let sub_combinator = (combinator.clone(), vec(value.clone(), 0..=3))
                .prop_map(|(c, vs)| PExpr::SubCombinator(c, vs))
                .boxed();
            let loop_ctx = Ctx { in_loop: true, ..ctx.body(true, true) };
            let for_await = (self.source(ctx, Use::ForAwait), self.block(loop_ctx))
                .prop_map(|(s, b)| PExpr::ForAwait(Box::new(s), b))
                .boxed();
            let gen_ctx = ctx.generator_body(Gen::Async);
            let drive = (self.generator_block(gen_ctx), self.end(gen_ctx), vec(self.call(ctx), 1..=4))
                .prop_map(|(body, end, calls)| PExpr::Drive { body, end, calls })
                .boxed();
            choices.extend([
                (3, for_await),
                (3, drive),
                (2, value.clone().prop_map(|v| PExpr::Resolve(Box::new(v))).boxed()),
                (1, value.clone().prop_map(|v| PExpr::Reject(Box::new(v))).boxed()),
                (1, value.clone().prop_map(|v| PExpr::SubResolve(Box::new(v))).boxed()),
                (1, sub_combinator),
                (4, (executor, executor_end).prop_map(|(b, e)| PExpr::New(b, e)).boxed()),
                (3, (async_body, async_end).prop_map(|(b, e)| PExpr::Async(b, e)).boxed()),
                (2, (combinator, vec(value, 0..=3)).prop_map(|(c, vs)| PExpr::Combinator(c, vs)).boxed()),
                (
                    6,
                    (base, vec(link, 1..=3))
                        .prop_map(|(base, links)| {
                            links.into_iter().fold(base, |chain, link| PExpr::Chain(Box::new(chain), link))
                        })
                        .boxed(),
                ),
            ]);
        }
        let e = proptest::strategy::Union::new_weighted(choices).boxed();
        self.pexprs.insert(ctx, e.clone());
        e
    }

    /// A generator's body: one to four statements (mostly yields).
    fn generator_block(&mut self, ctx: Ctx) -> BoxedStrategy<Vec<Stmt>> {
        vec(self.stmt(ctx), 1..=4).boxed()
    }

    /// What `for await` iterates or `yield*` delegates to, for the given use.
    ///
    /// Two shapes are left out, because ES2025 (ecma262 PR #2600, which settle-js and Boa 0.22
    /// follow) changed them and Node 20 (V8 11.3) has the older behaviour (docs/conformance.md,
    /// "Async iteration"): a sync generator's yields, and an array inside one, are values that
    /// never reject (the Async-from-Sync iterator now closes the sync iterator when one does,
    /// which runs its `finally` blocks), and an async generator does not `yield*` to an array
    /// (a `throw()` reaching an iterator without `throw` is now a TypeError after closing it;
    /// Node rethrows the value).
    fn source(&mut self, ctx: Ctx, use_: Use) -> BoxedStrategy<Source> {
        let ctx =
            Ctx { in_async: false, catches: false, function: false, generator: None, in_loop: false, ..ctx };
        if let Some(s) = self.sources.get(&(ctx, use_)) {
            return s.clone();
        }
        let sync_ctx = ctx.generator_body(Gen::Sync);
        let sync = (self.generator_block(sync_ctx), self.end(sync_ctx))
            .prop_map(|(b, e)| Source::SyncGen(b, e))
            .boxed();
        let async_ctx = ctx.generator_body(Gen::Async);
        let asynchronous = (self.generator_block(async_ctx), self.end(async_ctx))
            .prop_map(|(b, e)| Source::AsyncGen(b, e))
            .boxed();
        let s = match use_ {
            Use::ForAwait => {
                let array = vec(self.value(ctx.inner()), 0..=3).prop_map(Source::Array).boxed();
                prop_oneof![5 => asynchronous, 3 => sync, 1 => array].boxed()
            }
            Use::AsyncDelegate => prop_oneof![5 => asynchronous, 3 => sync].boxed(),
            Use::SyncDelegate => {
                let array = vec(safe_value(ctx.inner().depth), 0..=3).prop_map(Source::Array).boxed();
                prop_oneof![3 => sync, 1 => array].boxed()
            }
        };
        self.sources.insert((ctx, use_), s.clone());
        s
    }

    /// One call of an async generator's methods.
    fn call(&mut self, ctx: Ctx) -> BoxedStrategy<Call> {
        let method =
            prop_oneof![5 => Just(Method::Next), 2 => Just(Method::Return), 2 => Just(Method::Throw)];
        let when =
            prop_oneof![4 => Just(When::Now), 1 => Just(When::Microtask), 1 => delay().prop_map(When::Timer)];
        (method, self.value(ctx.inner()), when)
            .prop_map(|(method, arg, when)| Call { method, arg, when })
            .boxed()
    }
}
