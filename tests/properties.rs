//! Properties over random promise graphs.
//!
//! `random_programs_*` generates a small program (create pending / fulfilled / rejected
//! promises; resolve a pending one with a value, another promise, or a sync or async thenable;
//! reject; then / catch / then_both / finally whose handlers return values, errors or promises,
//! and may run one more operation when they run; timers that run more operations) and runs it
//! on a virtual-clock loop, logging every handler run with its `Origin`. A reference model,
//! computed afterwards from what the program did, says when each promise settles, in which
//! turn (macrotask index) each handler runs, and which rejections are reported. Checked:
//!
//! - each reaction runs at most once, and exactly once when its promise settles;
//! - no handler runs inside the call that registered it (or inside any other promise call);
//! - the reactions of one promise run in registration order;
//! - every job queued during a turn runs before the next macrotask (the book's A C D B,
//!   generalised): turns never go back, and each handler runs in the turn the model says;
//! - final states and values are the model's;
//! - every rejection without a handler by the end of its checkpoint is reported exactly once,
//!   in that checkpoint; "handled" events only for reported promises, once, when handled.
//!
//! `adopting_a_settled_promise_*` is the book's p1/p3 example generalised: resolving with an
//! already-settled settle promise delays the reactions by exactly two ticks (rounds of the
//! microtask queue, measured with a ruler chain) compared with resolving by value, and a
//! synchronous thenable by exactly one.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use proptest::prelude::*;
use settle::promise::{
    Error, NoThenables, Promise, RejectionEvent, RejectionEventKind, RejectionPolicy, Resolution, Resolvers,
    Thenable, TypeError, set_rejection_policy,
};
use settle::runtime::{EventLoop, Handle, Origin};

type P = Promise<i32>;
type Res = Resolution<i32, Error>;

// ---------------------------------------------------------------------------------------------
// Programs

/// How a promise settles: the value, or the reason number (reason `n` is `Error::msg("rn")`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Fulfil(i32),
    Reject(u8),
}

/// What a handler returns. `Promise(i)` names an existing promise (index modulo their count).
#[derive(Clone, Debug)]
enum Ret {
    Value(i32),
    Throw(u8),
    Promise(usize),
}

/// A foreign thenable's behaviour when its `then` is called.
#[derive(Clone, Debug)]
struct ThenableSpec {
    /// What it calls first (nothing: never calls back).
    first: Option<Outcome>,
    /// Then also calls the other function, and the first again (must be ignored).
    extra: bool,
    /// `then` returns this error after doing the above (ignored if it already resolved).
    throws: Option<u8>,
    /// Calls back from a timer with this delay (ms) instead of synchronously.
    delay: Option<u8>,
}

/// One operation. `target` picks among the promises made with resolvers, `source` among all
/// promises, both modulo their count when the operation runs (skipped when there are none).
#[derive(Clone, Debug)]
enum Op {
    Pending,
    Fulfilled(i32),
    Rejected(u8),
    Resolve { target: usize, value: i32 },
    Adopt { target: usize, source: usize },
    ResolveThenable { target: usize, thenable: ThenableSpec },
    Reject { target: usize, reason: u8 },
    Then { source: usize, ret: Ret, side: Option<Box<Op>> },
    Catch { source: usize, ret: Ret, side: Option<Box<Op>> },
    ThenBoth { source: usize, ok: Ret, err: Ret, side: Option<Box<Op>> },
    Finally { source: usize, ret: Ret, side: Option<Box<Op>> },
}

#[derive(Clone, Debug)]
struct Program {
    /// Run by the first task.
    main: Vec<Op>,
    /// Timers set before the loop starts: (delay in ms, operations).
    timers: Vec<(u8, Vec<Op>)>,
}

fn reason(n: u8) -> Error {
    Error::msg(format!("r{n}"))
}

// ---------------------------------------------------------------------------------------------
// The interpreter

/// Which handler of a reaction ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Fulfilled,
    Rejected,
    Finally,
}

/// The event log, in execution order.
#[derive(Clone, Debug)]
enum Entry {
    /// A program segment (the main task or a timer) started.
    Segment(Origin),
    /// A thenable's timer fired.
    ThenableTimer(Origin),
    /// A handler ran; `busy`: while one of our promise calls was in progress.
    Handler { reaction: usize, which: Which, origin: Origin, busy: bool },
    /// The rejection tracker reported; `None`: a promise the program does not know.
    Rejection { kind: RejectionEventKind, promise: Option<usize> },
}

/// How a traced promise came to be.
#[derive(Clone, Copy, Debug)]
enum Created {
    Pending,
    Fulfilled(i32),
    Rejected(u8),
}

/// A resolve-function call on a promise made with resolvers.
#[derive(Clone, Debug)]
enum With {
    Value(i32),
    Reject(u8),
    Promise(usize),
    Thenable(usize, ThenableSpec),
}

/// A handler's return with the promise resolved to its id.
#[derive(Clone, Copy, Debug)]
enum RetC {
    Value(i32),
    Throw(u8),
    Promise(usize),
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Then(RetC),
    Catch(RetC),
    Both(RetC, RetC),
    Finally(RetC),
}

/// What the program did, with concrete ids and the turn it did it in: the model's input.
#[derive(Clone, Debug)]
enum Traced {
    Create { id: usize, turn: u64, how: Created },
    Resolve { target: usize, turn: u64, with: With },
    React { reaction: usize, source: usize, derived: usize, turn: u64, kind: Kind },
    ThenableFired { thenable: usize, turn: u64 },
}

#[derive(Default)]
struct World {
    promises: RefCell<Vec<P>>,
    /// Promises made with resolvers: (promise id, resolvers).
    roots: RefCell<Vec<(usize, Resolvers<i32>)>>,
    trace: RefCell<Vec<Traced>>,
    log: RefCell<Vec<Entry>>,
    /// Source promise of each reaction.
    reaction_source: RefCell<Vec<usize>>,
    busy: Cell<bool>,
    thenables: Cell<usize>,
}

/// The turn (macrotask index) that code with this origin belongs to.
fn turn_of(origin: Origin) -> u64 {
    match origin {
        Origin::Task { index, .. } | Origin::Timer { index, .. } | Origin::Remote { index } => index,
        Origin::Microtask { checkpoint, .. } | Origin::NextTick { checkpoint, .. } => checkpoint,
        Origin::Outside => 0,
    }
}

fn current_turn() -> u64 {
    turn_of(Handle::current().origin())
}

/// A handler's return value, as the handler gives it to settle.
#[derive(Clone)]
enum Returned {
    Value(i32),
    Throw(u8),
    Promise(P),
}

impl Returned {
    fn into_result(self) -> Result<Res, Error> {
        match self {
            Returned::Value(v) => Ok(Resolution::Value(v)),
            Returned::Throw(n) => Err(reason(n)),
            Returned::Promise(p) => Ok(Resolution::Promise(p)),
        }
    }
}

struct TestThenable {
    world: Rc<World>,
    index: usize,
    spec: ThenableSpec,
}

fn call_back(world: &World, r: &Resolvers<i32>, first: Option<Outcome>, extra: bool) {
    let apply = |o: Outcome| match o {
        Outcome::Fulfil(v) => r.resolve(v),
        Outcome::Reject(n) => r.reject(reason(n)),
    };
    world.busy.set(true);
    if let Some(o) = first {
        apply(o);
        if extra {
            apply(match o {
                Outcome::Fulfil(_) => Outcome::Reject(0),
                Outcome::Reject(n) => Outcome::Fulfil(i32::from(n)),
            });
            apply(o);
        }
    }
    world.busy.set(false);
}

impl Thenable<i32, Error> for TestThenable {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        let ThenableSpec { first, extra, throws, delay } = self.spec.clone();
        match delay {
            None => call_back(&self.world, &resolvers, first, extra),
            Some(ms) => {
                let (world, index) = (self.world.clone(), self.index);
                Handle::current().set_timeout(Duration::from_millis(u64::from(ms)), move || {
                    let origin = Handle::current().origin();
                    world.log.borrow_mut().push(Entry::ThenableTimer(origin));
                    world
                        .trace
                        .borrow_mut()
                        .push(Traced::ThenableFired { thenable: index, turn: turn_of(origin) });
                    call_back(&world, &resolvers, first, extra);
                });
            }
        }
        match throws {
            Some(n) => Err(reason(n)),
            None => Ok(()),
        }
    }
}

impl World {
    fn push(&self, p: P) -> usize {
        let mut promises = self.promises.borrow_mut();
        promises.push(p);
        promises.len() - 1
    }

    fn trace(&self, t: Traced) {
        self.trace.borrow_mut().push(t);
    }

    /// Calls into settle with the busy flag set.
    fn api<R>(&self, f: impl FnOnce() -> R) -> R {
        self.busy.set(true);
        let r = f();
        self.busy.set(false);
        r
    }

    fn pick(&self, i: usize) -> Option<(usize, P)> {
        let promises = self.promises.borrow();
        if promises.is_empty() {
            return None;
        }
        let id = i % promises.len();
        Some((id, promises[id].clone()))
    }

    fn pick_root(&self, i: usize) -> Option<(usize, Resolvers<i32>)> {
        let roots = self.roots.borrow();
        if roots.is_empty() {
            return None;
        }
        let (id, r) = &roots[i % roots.len()];
        Some((*id, r.clone()))
    }

    fn concrete(&self, ret: &Ret) -> Option<(RetC, Returned)> {
        Some(match *ret {
            Ret::Value(v) => (RetC::Value(v), Returned::Value(v)),
            Ret::Throw(n) => (RetC::Throw(n), Returned::Throw(n)),
            Ret::Promise(i) => {
                let (id, p) = self.pick(i)?;
                (RetC::Promise(id), Returned::Promise(p))
            }
        })
    }

    /// Logs a handler run and performs its side operation.
    fn on_handler(self: &Rc<Self>, reaction: usize, which: Which, side: Option<&Op>) {
        let origin = Handle::current().origin();
        let busy = self.busy.get();
        self.log.borrow_mut().push(Entry::Handler { reaction, which, origin, busy });
        if let Some(op) = side {
            self.exec(op);
        }
    }

    fn exec(self: &Rc<Self>, op: &Op) {
        let turn = current_turn();
        match op {
            Op::Pending => {
                let (p, r) = self.api(P::with_resolvers);
                let id = self.push(p);
                self.roots.borrow_mut().push((id, r));
                self.trace(Traced::Create { id, turn, how: Created::Pending });
            }
            &Op::Fulfilled(v) => {
                let p = self.api(|| P::resolve(v));
                let id = self.push(p);
                self.trace(Traced::Create { id, turn, how: Created::Fulfilled(v) });
            }
            &Op::Rejected(n) => {
                let p = self.api(|| P::reject(reason(n)));
                let id = self.push(p);
                self.trace(Traced::Create { id, turn, how: Created::Rejected(n) });
            }
            &Op::Resolve { target, value } => {
                let Some((id, r)) = self.pick_root(target) else { return };
                self.trace(Traced::Resolve { target: id, turn, with: With::Value(value) });
                self.api(|| r.resolve(value));
            }
            &Op::Reject { target, reason: n } => {
                let Some((id, r)) = self.pick_root(target) else { return };
                self.trace(Traced::Resolve { target: id, turn, with: With::Reject(n) });
                self.api(|| r.reject(reason(n)));
            }
            &Op::Adopt { target, source } => {
                let Some((id, r)) = self.pick_root(target) else { return };
                let Some((sid, s)) = self.pick(source) else { return };
                self.trace(Traced::Resolve { target: id, turn, with: With::Promise(sid) });
                self.api(|| r.resolve(s));
            }
            Op::ResolveThenable { target, thenable } => {
                let Some((id, r)) = self.pick_root(*target) else { return };
                let index = self.thenables.get();
                self.thenables.set(index + 1);
                self.trace(Traced::Resolve {
                    target: id,
                    turn,
                    with: With::Thenable(index, thenable.clone()),
                });
                let t = TestThenable { world: self.clone(), index, spec: thenable.clone() };
                self.api(|| r.resolve(Res::thenable(t)));
            }
            Op::Then { source, ret, side } => self.react(*source, turn, side, Tag::Then, ret, None),
            Op::Catch { source, ret, side } => self.react(*source, turn, side, Tag::Catch, ret, None),
            Op::ThenBoth { source, ok, err, side } => {
                self.react(*source, turn, side, Tag::Both, ok, Some(err))
            }
            Op::Finally { source, ret, side } => self.react(*source, turn, side, Tag::Finally, ret, None),
        }
    }

    /// Registers a reaction: picks the source and the returned promises, registers the
    /// handler(s) with the busy flag set, traces it and keeps the derived promise.
    fn react(
        self: &Rc<Self>,
        source: usize,
        turn: u64,
        side: &Option<Box<Op>>,
        tag: Tag,
        ret: &Ret,
        err: Option<&Ret>,
    ) {
        let Some((sid, src)) = self.pick(source) else { return };
        let Some((ok_c, ok)) = self.concrete(ret) else { return };
        let (err_c, err) = match err.map(|e| self.concrete(e)) {
            Some(Some((c, r))) => (Some(c), Some(r)),
            Some(None) => return,
            None => (None, None),
        };
        let rid = {
            let mut sources = self.reaction_source.borrow_mut();
            sources.push(sid);
            sources.len() - 1
        };
        let side: Option<Op> = side.as_deref().cloned();
        let w = self.clone();
        let derived: P = self.api(|| match tag {
            Tag::Then => src.then(move |_: i32| {
                w.on_handler(rid, Which::Fulfilled, side.as_ref());
                ok.into_result()
            }),
            Tag::Catch => src.catch(move |_| {
                w.on_handler(rid, Which::Rejected, side.as_ref());
                ok.into_result()
            }),
            Tag::Finally => src.finally::<i32, Res>(move || {
                w.on_handler(rid, Which::Finally, side.as_ref());
                ok.into_result()
            }),
            Tag::Both => {
                let (w2, side2, err) = (w.clone(), side.clone(), err.expect("two returns"));
                src.then_both(
                    move |_: i32| {
                        w.on_handler(rid, Which::Fulfilled, side.as_ref());
                        ok.into_result()
                    },
                    move |_| {
                        w2.on_handler(rid, Which::Rejected, side2.as_ref());
                        err.into_result()
                    },
                )
            }
        });
        let derived = self.push(derived);
        let kind = match tag {
            Tag::Then => Kind::Then(ok_c),
            Tag::Catch => Kind::Catch(ok_c),
            Tag::Finally => Kind::Finally(ok_c),
            Tag::Both => Kind::Both(ok_c, err_c.expect("two returns")),
        };
        self.trace(Traced::React { reaction: rid, source: sid, derived, turn, kind });
    }

    /// Breaks the reference cycles (promises -> handlers -> world) once a case is done.
    fn teardown(&self) {
        let promises = std::mem::take(&mut *self.promises.borrow_mut());
        let roots = std::mem::take(&mut *self.roots.borrow_mut());
        drop((promises, roots));
    }
}

#[derive(Clone, Copy)]
enum Tag {
    Then,
    Catch,
    Both,
    Finally,
}

/// Runs `program` on a fresh virtual-clock loop; returns the world and the final states.
fn run(program: &Program) -> (Rc<World>, Vec<Option<Result<i32, Error>>>) {
    let el = EventLoop::builder().virtual_clock().on_uncaught(|u| panic!("uncaught: {u}")).build();
    let world = Rc::new(World::default());
    let w = Rc::downgrade(&world);
    set_rejection_policy(
        &el,
        RejectionPolicy::Callback(Rc::new(move |e: &RejectionEvent| {
            let Some(w) = w.upgrade() else { return };
            let id = match e.promise.downcast::<i32, Error, NoThenables>() {
                Some(p) => w.promises.borrow().iter().position(|q| q.ptr_eq(&p)),
                None => None,
            };
            w.log.borrow_mut().push(Entry::Rejection { kind: e.kind, promise: id });
        })),
    );
    let (w, main) = (world.clone(), program.main.clone());
    el.queue_task(move || {
        w.log.borrow_mut().push(Entry::Segment(Handle::current().origin()));
        for op in &main {
            w.exec(op);
        }
    });
    for (delay, ops) in &program.timers {
        let (w, ops) = (world.clone(), ops.clone());
        el.set_timeout(Duration::from_millis(u64::from(*delay)), move || {
            w.log.borrow_mut().push(Entry::Segment(Handle::current().origin()));
            for op in &ops {
                w.exec(op);
            }
        });
    }
    el.run().expect("the loop runs to completion");
    let states = world.promises.borrow().iter().map(P::result).collect();
    drop(el);
    (world, states)
}

// ---------------------------------------------------------------------------------------------
// The model

#[derive(Clone, Copy, Debug, PartialEq)]
enum MReason {
    Msg(u8),
    Cycle,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum MOut {
    F(i32),
    R(MReason),
}

impl MOut {
    fn to_result(self) -> Result<i32, Error> {
        match self {
            MOut::F(v) => Ok(v),
            MOut::R(MReason::Msg(n)) => Err(reason(n)),
            MOut::R(MReason::Cycle) => Err(Error::from(TypeError::ChainingCycle)),
        }
    }
}

#[derive(Clone, Debug)]
enum Def {
    Root(Option<(u64, With)>),
    Settled(MOut, u64),
    Derived(usize),
}

#[derive(Clone, Copy, Debug)]
struct MReaction {
    source: usize,
    turn: u64,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Memo {
    Todo,
    Visiting,
    Done(Option<(MOut, u64)>),
}

/// What the model expects.
struct Expected {
    /// Per promise: outcome and the turn it settles in.
    settled: Vec<Option<(MOut, u64)>>,
    /// Per reaction: which handler runs and in which turn.
    runs: Vec<Option<(Which, u64)>>,
    /// (kind, promise, turn) of each rejection event.
    events: Vec<(RejectionEventKind, usize, u64)>,
}

struct Model {
    defs: Vec<Def>,
    reactions: Vec<MReaction>,
    fired: HashMap<usize, u64>,
    memo: Vec<Memo>,
}

impl Model {
    /// Outcome and settle turn of promise `id` (`None`: stays pending).
    fn settle(&mut self, id: usize) -> Option<(MOut, u64)> {
        match self.memo[id] {
            Memo::Done(r) => return r,
            // A promise waiting, through adoptions and reactions, on itself never settles.
            Memo::Visiting => return None,
            Memo::Todo => {}
        }
        self.memo[id] = Memo::Visiting;
        let r = self.compute(id);
        self.memo[id] = Memo::Done(r);
        r
    }

    fn compute(&mut self, id: usize) -> Option<(MOut, u64)> {
        match self.defs[id].clone() {
            Def::Settled(o, t) => Some((o, t)),
            Def::Root(None) => None,
            Def::Root(Some((t, with))) => match with {
                With::Value(v) => Some((MOut::F(v), t)),
                With::Reject(n) => Some((MOut::R(MReason::Msg(n)), t)),
                With::Promise(src) if src == id => Some((MOut::R(MReason::Cycle), t)),
                With::Promise(src) => self.settle(src).map(|(o, s)| (o, t.max(s))),
                With::Thenable(index, spec) => {
                    let first = spec.first.map(|o| match o {
                        Outcome::Fulfil(v) => MOut::F(v),
                        Outcome::Reject(n) => MOut::R(MReason::Msg(n)),
                    });
                    let thrown = spec.throws.map(|n| MOut::R(MReason::Msg(n)));
                    match spec.delay {
                        // then() calls back at once; a throw after that is ignored.
                        None => first.or(thrown).map(|o| (o, t)),
                        // then() returns (throwing or not) before its timer calls back.
                        Some(_) => match thrown {
                            Some(o) => Some((o, t)),
                            None => first.and_then(|o| self.fired.get(&index).map(|&f| (o, f))),
                        },
                    }
                }
            },
            Def::Derived(rid) => {
                let MReaction { source, turn, kind } = self.reactions[rid];
                let (o, s) = self.settle(source)?;
                let h = turn.max(s);
                match (kind, o) {
                    (Kind::Then(ret) | Kind::Both(ret, _), MOut::F(_)) => self.apply(ret, h),
                    (Kind::Catch(ret) | Kind::Both(_, ret), MOut::R(_)) => self.apply(ret, h),
                    (Kind::Then(_), MOut::R(_)) | (Kind::Catch(_), MOut::F(_)) => Some((o, h)),
                    (Kind::Finally(ret), _) => match ret {
                        RetC::Value(_) => Some((o, h)),
                        RetC::Throw(n) => Some((MOut::R(MReason::Msg(n)), h)),
                        RetC::Promise(x) => {
                            let (ox, sx) = self.settle(x)?;
                            let out = if matches!(ox, MOut::F(_)) { o } else { ox };
                            Some((out, h.max(sx)))
                        }
                    },
                }
            }
        }
    }

    /// The derived promise's outcome when a handler returned `ret` in turn `h`.
    fn apply(&mut self, ret: RetC, h: u64) -> Option<(MOut, u64)> {
        match ret {
            RetC::Value(v) => Some((MOut::F(v), h)),
            RetC::Throw(n) => Some((MOut::R(MReason::Msg(n)), h)),
            RetC::Promise(x) => self.settle(x).map(|(o, s)| (o, h.max(s))),
        }
    }

    /// Which handler of reaction `rid` runs, and when.
    fn run_of(&mut self, rid: usize) -> Option<(Which, u64)> {
        let MReaction { source, turn, kind } = self.reactions[rid];
        let (o, s) = self.settle(source)?;
        let h = turn.max(s);
        let which = match (kind, o) {
            (Kind::Finally(_), _) => Which::Finally,
            (Kind::Then(_) | Kind::Both(..), MOut::F(_)) => Which::Fulfilled,
            (Kind::Catch(_) | Kind::Both(..), MOut::R(_)) => Which::Rejected,
            (Kind::Then(_), MOut::R(_)) | (Kind::Catch(_), MOut::F(_)) => return None,
        };
        Some((which, h))
    }
}

fn model(trace: &[Traced], promises: usize) -> Expected {
    let mut m = Model {
        defs: vec![Def::Root(None); promises],
        reactions: Vec::new(),
        fired: HashMap::new(),
        memo: vec![Memo::Todo; promises],
    };
    // Turns in which something attached a handler to a promise (then, or adoption).
    let mut handled: Vec<Vec<u64>> = vec![Vec::new(); promises];
    for t in trace {
        match t {
            &Traced::Create { id, turn, how } => {
                m.defs[id] = match how {
                    Created::Pending => Def::Root(None),
                    Created::Fulfilled(v) => Def::Settled(MOut::F(v), turn),
                    Created::Rejected(n) => Def::Settled(MOut::R(MReason::Msg(n)), turn),
                };
            }
            Traced::Resolve { target, turn, with } => {
                // The first call of the resolving functions wins.
                if let Def::Root(slot @ None) = &mut m.defs[*target] {
                    *slot = Some((*turn, with.clone()));
                    if let With::Promise(src) = *with
                        && src != *target
                    {
                        // NewPromiseResolveThenableJob runs in this turn's checkpoint.
                        handled[src].push(*turn);
                    }
                }
            }
            &Traced::React { reaction, source, derived, turn, kind } => {
                assert_eq!(reaction, m.reactions.len());
                m.reactions.push(MReaction { source, turn, kind });
                m.defs[derived] = Def::Derived(reaction);
                handled[source].push(turn);
            }
            &Traced::ThenableFired { thenable, turn } => {
                m.fired.insert(thenable, turn);
            }
        }
    }
    let settled: Vec<_> = (0..promises).map(|id| m.settle(id)).collect();
    let runs: Vec<_> = (0..m.reactions.len()).map(|rid| m.run_of(rid)).collect();
    // A handler that returns a promise makes settle call its `then` in that turn.
    for (rid, run) in runs.iter().enumerate() {
        let Some((which, h)) = *run else { continue };
        let ret = match (m.reactions[rid].kind, which) {
            (Kind::Then(r) | Kind::Catch(r) | Kind::Finally(r), _) => r,
            (Kind::Both(r, _), Which::Fulfilled) => r,
            (Kind::Both(_, r), _) => r,
        };
        if let RetC::Promise(x) = ret {
            handled[x].push(h);
        }
    }
    let mut events = Vec::new();
    for (id, s) in settled.iter().enumerate() {
        let Some((MOut::R(_), r)) = *s else { continue };
        let first = handled[id].iter().copied().min();
        if first.is_some_and(|f| f <= r) {
            continue;
        }
        events.push((RejectionEventKind::Unhandled, id, r));
        if let Some(f) = first {
            events.push((RejectionEventKind::Handled, id, f));
        }
    }
    Expected { settled, runs, events }
}

// ---------------------------------------------------------------------------------------------
// The checks

fn check(program: &Program) -> Result<(), String> {
    let (world, states) = run(program);
    let log = world.log.borrow().clone();
    let trace = world.trace.borrow().clone();
    let sources = world.reaction_source.borrow().clone();
    world.teardown();
    let expected = model(&trace, states.len());

    // Per reaction: the handler runs observed, in order.
    let mut runs: Vec<Vec<(Which, Origin)>> = vec![Vec::new(); sources.len()];
    // Per source promise: the reactions that ran, in order.
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); states.len()];
    let mut last: Option<Origin> = None;
    let mut events = Vec::new();
    for e in &log {
        let origin = match *e {
            Entry::Segment(o) | Entry::ThenableTimer(o) => {
                if !matches!(o, Origin::Task { .. } | Origin::Timer { .. }) {
                    return Err(format!("a macrotask ran as {o:?}"));
                }
                o
            }
            Entry::Handler { reaction, which, origin, busy } => {
                if busy {
                    return Err(format!("reaction {reaction} ran inside a promise call"));
                }
                if !matches!(origin, Origin::Microtask { .. }) {
                    return Err(format!("reaction {reaction} ran as {origin:?}, not as a job"));
                }
                runs[reaction].push((which, origin));
                order[sources[reaction]].push(reaction);
                origin
            }
            Entry::Rejection { kind, promise } => {
                let Some(id) = promise else { return Err(format!("{kind:?} for an unknown promise")) };
                let turn = last.map_or(0, turn_of);
                events.push((kind, id, turn));
                continue;
            }
        };
        // Turns never go back: no job of a checkpoint runs after a later macrotask started,
        // and jobs of one checkpoint run in queue order.
        if let Some(prev) = last {
            let (a, b) = (turn_of(prev), turn_of(origin));
            if b < a {
                return Err(format!("{origin:?} ran after {prev:?}"));
            }
            if let (Origin::Microtask { index: i, .. }, Origin::Microtask { index: j, .. }) = (prev, origin)
                && a == b
                && j <= i
            {
                return Err(format!("{origin:?} ran after {prev:?}"));
            }
            if matches!(origin, Origin::Task { .. } | Origin::Timer { .. }) && b == a {
                return Err(format!("two entries claim macrotask {a}"));
            }
        }
        last = Some(origin);
    }

    // At most once; exactly once (the right handler) when the promise settled, judged from
    // the real final state; then the turn the model predicts.
    let kinds: Vec<Kind> = trace
        .iter()
        .filter_map(|t| match t {
            Traced::React { kind, .. } => Some(*kind),
            _ => None,
        })
        .collect();
    for (rid, ran) in runs.iter().enumerate() {
        let which: Vec<Which> = ran.iter().map(|r| r.0).collect();
        let must = match (&states[sources[rid]], kinds[rid]) {
            (None, _) => None,
            (Some(_), Kind::Finally(_)) => Some(Which::Finally),
            (Some(Ok(_)), Kind::Then(_) | Kind::Both(..)) => Some(Which::Fulfilled),
            (Some(Err(_)), Kind::Catch(_) | Kind::Both(..)) => Some(Which::Rejected),
            (Some(_), _) => None,
        };
        if which != must.into_iter().collect::<Vec<_>>() {
            return Err(format!("reaction {rid} ran {which:?}, its promise is {:?}", states[sources[rid]]));
        }
        let got = ran.first().map(|&(w, o)| (w, turn_of(o)));
        if got != expected.runs[rid] {
            return Err(format!("reaction {rid}: ran {got:?}, model says {:?}", expected.runs[rid]));
        }
    }
    // Registration order per promise.
    for (id, o) in order.iter().enumerate() {
        if o.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!("reactions of promise {id} ran in order {o:?}"));
        }
    }
    // Final states.
    for (id, state) in states.iter().enumerate() {
        let want = expected.settled[id].map(|(o, _)| o.to_result());
        if *state != want {
            return Err(format!("promise {id}: {state:?}, model says {want:?}"));
        }
    }
    // Rejection events: exactly the model's, once each, in the right turn.
    let mut got = events.clone();
    let mut want = expected.events.clone();
    let key = |e: &(RejectionEventKind, usize, u64)| (e.1, e.0 == RejectionEventKind::Handled, e.2);
    got.sort_by_key(key);
    want.sort_by_key(key);
    if got != want {
        return Err(format!("rejection events {got:?}, model says {want:?}"));
    }
    // A Handled event follows that promise's Unhandled event.
    for (i, &(kind, id, _)) in events.iter().enumerate() {
        if kind == RejectionEventKind::Handled
            && !events[..i].iter().any(|&(k, j, _)| k == RejectionEventKind::Unhandled && j == id)
        {
            return Err(format!("Handled before Unhandled for promise {id}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Strategies

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![(-5i32..50).prop_map(Outcome::Fulfil), (0u8..6).prop_map(Outcome::Reject)]
}

fn ret() -> impl Strategy<Value = Ret> {
    prop_oneof![
        3 => (-5i32..50).prop_map(Ret::Value),
        1 => (0u8..6).prop_map(Ret::Throw),
        2 => any::<usize>().prop_map(Ret::Promise),
    ]
}

fn thenable() -> impl Strategy<Value = ThenableSpec> {
    (
        proptest::option::weighted(0.85, outcome()),
        any::<bool>(),
        proptest::option::weighted(0.25, 0u8..6),
        proptest::option::weighted(0.5, 0u8..4),
    )
        .prop_map(|(first, extra, throws, delay)| ThenableSpec { first, extra, throws, delay })
}

fn leaf() -> impl Strategy<Value = Op> {
    let i = any::<usize>;
    prop_oneof![
        4 => Just(Op::Pending),
        1 => (-5i32..50).prop_map(Op::Fulfilled),
        1 => (0u8..6).prop_map(Op::Rejected),
        2 => (i(), -5i32..50).prop_map(|(target, value)| Op::Resolve { target, value }),
        2 => (i(), i()).prop_map(|(target, source)| Op::Adopt { target, source }),
        2 => (i(), thenable()).prop_map(|(target, thenable)| Op::ResolveThenable { target, thenable }),
        2 => (i(), 0u8..6).prop_map(|(target, reason)| Op::Reject { target, reason }),
        4 => (i(), ret()).prop_map(|(source, ret)| Op::Then { source, ret, side: None }),
        2 => (i(), ret()).prop_map(|(source, ret)| Op::Catch { source, ret, side: None }),
        1 => (i(), ret(), ret()).prop_map(|(source, ok, err)| Op::ThenBoth { source, ok, err, side: None }),
        2 => (i(), ret()).prop_map(|(source, ret)| Op::Finally { source, ret, side: None }),
    ]
}

/// An operation; a reaction's handler may run one more (leaf) operation.
fn op() -> impl Strategy<Value = Op> {
    (leaf(), proptest::option::weighted(0.3, leaf())).prop_map(|(mut op, extra)| {
        if let Op::Then { side, .. }
        | Op::Catch { side, .. }
        | Op::ThenBoth { side, .. }
        | Op::Finally { side, .. } = &mut op
        {
            *side = extra.map(Box::new);
        }
        op
    })
}

fn program() -> impl Strategy<Value = Program> {
    (
        proptest::collection::vec(op(), 1..14),
        proptest::collection::vec((0u8..4, proptest::collection::vec(op(), 1..6)), 0..4),
    )
        .prop_map(|(main, timers)| Program { main, timers })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_follow_the_model(program in program()) {
        if let Err(e) = check(&program) {
            prop_assert!(false, "{}", e);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// p1/p3 generalised: adopting a settled promise costs exactly two extra ticks

/// How the promises of one group are resolved.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// `with_resolvers`, then `resolve` / `reject`.
    Resolvers,
    /// `new Promise(r => r(x))`.
    Executor,
    /// `base.then(() => x)`: the handler's return value resolves the derived promise.
    Handler,
}

/// One group: three promises resolved in the same job (at microtask round `depth`; 0: the
/// task) with the same outcome, by a value, by an already-settled promise, and by a thenable
/// whose `then` resolves synchronously.
#[derive(Clone, Copy, Debug)]
struct Group {
    depth: u8,
    reject: bool,
    via: Via,
    /// Register the reactions before resolving (only with `Via::Resolvers`).
    before: bool,
    /// No-op jobs queued first, to move the group's jobs within their rounds.
    noise: u8,
}

struct Sync(Result<i32, Error>);

impl Thenable<i32, Error> for Sync {
    fn then(&self, r: Resolvers<i32, Error>) -> Result<(), Error> {
        match self.0.clone() {
            Ok(v) => r.resolve(v),
            Err(e) => r.reject(e),
        }
        Ok(())
    }
}

/// Sets up `g` now, recording into `out` the round in which each reaction runs.
fn set_up(g: Group, round: Rc<Cell<u32>>, out: Rc<RefCell<[Option<u32>; 3]>>) {
    for _ in 0..g.noise {
        settle::runtime::queue_microtask(|| {});
    }
    let outcome: Result<i32, Error> = if g.reject { Err(reason(1)) } else { Ok(7) };
    let settled: P = match outcome.clone() {
        Ok(v) => P::resolve(v),
        Err(e) => P::reject(e),
    };
    let resolutions = || -> [Result<Res, Error>; 3] {
        [
            outcome.clone().map(Resolution::Value),
            Ok(Resolution::Promise(settled.clone())),
            Ok(Res::thenable(Sync(outcome.clone()))),
        ]
    };
    let register = |k: usize, p: &P| {
        let (r1, r2, o1, o2) = (round.clone(), round.clone(), out.clone(), out.clone());
        p.then_both(
            move |_| {
                o1.borrow_mut()[k] = Some(r1.get() + 1);
                Ok(0)
            },
            move |_| {
                o2.borrow_mut()[k] = Some(r2.get() + 1);
                Ok(0)
            },
        );
    };
    let promises: Vec<P> = match g.via {
        Via::Resolvers => {
            let pairs: Vec<_> = (0..3).map(|_| P::with_resolvers()).collect();
            if g.before {
                for (k, (p, _)) in pairs.iter().enumerate() {
                    register(k, p);
                }
            }
            for ((_, r), x) in pairs.iter().zip(resolutions()) {
                match x {
                    Ok(x) => r.resolve(x),
                    Err(e) => r.reject(e),
                }
            }
            if g.before {
                return;
            }
            pairs.into_iter().map(|(p, _)| p).collect()
        }
        Via::Executor => resolutions()
            .into_iter()
            .map(|x| {
                P::new(move |r| {
                    r.resolve(x?);
                    Ok(())
                })
            })
            .collect(),
        Via::Handler => {
            let base = P::resolve(0);
            resolutions().into_iter().map(|x| base.then(move |_| x)).collect()
        }
    };
    for (k, p) in promises.iter().enumerate() {
        register(k, p);
    }
}

/// The rounds of each group's three reactions.
fn measure_rounds(groups: &[Group]) -> Vec<[Option<u32>; 3]> {
    let el = EventLoop::builder().virtual_clock().build();
    set_rejection_policy(&el, RejectionPolicy::None);
    let round = Rc::new(Cell::new(0u32));
    let outs: Vec<Rc<RefCell<[Option<u32>; 3]>>> = groups.iter().map(|_| Rc::default()).collect();
    let (gs, os, r) = (groups.to_vec(), outs.clone(), round.clone());
    el.queue_task(move || {
        for (g, out) in gs.into_iter().zip(os) {
            let r = r.clone();
            if g.depth == 0 {
                set_up(g, r, out);
                continue;
            }
            // A chain whose last handler runs in round `depth`.
            let mut p = P::resolve(0);
            for _ in 1..g.depth {
                p = p.then(Ok);
            }
            p.then(move |_| {
                set_up(g, r, out);
                Ok(0)
            });
        }
        // The ruler, started last: its k-th handler runs in round k, after every other job of
        // that round, so a job that sees `round == k` runs in round k + 1.
        let mut ruler = P::resolve(0);
        for k in 1..=16 {
            let r = r.clone();
            ruler = ruler.then(move |_| {
                r.set(k);
                Ok(0)
            });
        }
    });
    el.run().unwrap();
    outs.iter().map(|o| *o.borrow()).collect()
}

fn group() -> impl Strategy<Value = Group> {
    (0u8..4, any::<bool>(), 0u8..3, any::<bool>(), 0u8..3).prop_map(|(depth, reject, via, before, noise)| {
        let via = [Via::Resolvers, Via::Executor, Via::Handler][via as usize];
        Group { depth, reject, via, before, noise }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn adopting_a_settled_promise_costs_two_ticks_and_a_sync_thenable_one(
        groups in proptest::collection::vec(group(), 1..6)
    ) {
        let rounds = measure_rounds(&groups);
        for (g, r) in groups.iter().zip(rounds) {
            // Resolved in round `depth` (by a handler's return: one round later, when it runs).
            let at = u32::from(g.depth) + u32::from(matches!(g.via, Via::Handler));
            let by_value = at + 1;
            prop_assert_eq!(r, [Some(by_value), Some(by_value + 2), Some(by_value + 1)], "{:?}", g);
        }
    }
}

#[test]
fn the_books_p1_p3_example_prints_a_b() {
    // p3 resolved with "B"; p1 resolved with p3; p2 resolved with "A"; p1.then(log);
    // p2.then(log): A B, because p1's reaction waits two more ticks.
    let g = |via| Group { depth: 0, reject: false, via, before: false, noise: 0 };
    assert_eq!(measure_rounds(&[g(Via::Executor)]), [[Some(1), Some(3), Some(2)]]);
    assert_eq!(measure_rounds(&[g(Via::Handler)]), [[Some(2), Some(4), Some(3)]]);
}
