//! proptest strategies for [`Program`]s.
//!
//! Nesting is bounded by a depth budget that every nested body or value spends one unit of.
//! Which statements may appear depends on the context: `await` only directly in an async
//! body, `resN(..)`/`rejN(..)` only inside an executor. Strategies are built once per context
//! and shared (a small memo table), so building the whole family is cheap.

use std::collections::HashMap;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

use crate::ast::{Combinator, Delay, End, Handler, Link, Listeners, PExpr, Program, Stmt, Then, Value};

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
    let top =
        b.stmt(Ctx { depth: MAX_DEPTH, in_async: false, resolvers: false, catches: false, function: false });
    let on_unhandled = prop_oneof![
        3 => Just(Vec::new()),
        1 => b.block(Ctx { depth: 1, in_async: false, resolvers: false, catches: false, function: true }),
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
}

impl Ctx {
    /// A nested function body: a callback (timer, microtask, `nextTick`) or a function whose
    /// throw rejects a promise (handler, executor, async body).
    fn body(self, in_async: bool, catches: bool) -> Ctx {
        Ctx {
            depth: self.depth.saturating_sub(1),
            in_async,
            resolvers: self.resolvers,
            catches,
            function: true,
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
        }
    }
}

#[derive(Default)]
struct Builder {
    stmts: HashMap<Ctx, BoxedStrategy<Stmt>>,
    values: HashMap<Ctx, BoxedStrategy<Value>>,
    pexprs: HashMap<Ctx, BoxedStrategy<PExpr>>,
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
            let protected = self.block(Ctx { function: ctx.function, ..ctx.body(ctx.in_async, true) });
            let here = self.block(Ctx { function: ctx.function, ..ctx.body(ctx.in_async, ctx.catches) });
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
            }
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
        let ctx = Ctx { in_async: false, catches: false, function: false, ..ctx };
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
            choices.extend([
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
}
