//! The interpreter's own syntax tree: the subset of JavaScript it runs, lowered from oxc's AST
//! by `lower.rs`. Scopes are resolved there (which names each function and block declares), so
//! the evaluator only creates bindings and runs code.

use std::rc::Rc;

pub(crate) use oxc_ast::ast::{AssignmentOperator, BinaryOperator, LogicalOperator, UnaryOperator};

/// A byte offset into the script, turned into `line:column` only when something is reported.
pub(crate) type Pos = u32;

/// An identifier or property name.
pub(crate) type Name = Rc<str>;

/// The name of an identifier reference (13.1), one shared by every reference to it in a
/// script, with what lowering learnt of it: whether the name is bound nowhere in the script
/// (docs/design.md, "settle-js name resolution"), so that a reference to it, outside `with`,
/// finds its binding in the global object without asking the scopes on the way.
#[derive(Debug)]
pub(crate) struct IdentRef {
    pub name: Name,
    /// Whether a reference may keep the slot its name was found in ([`SiteCache`]): not inside
    /// a `with` (an object's properties come and go) nor in eval code.
    pub cacheable: bool,
    /// Set when lowering finishes: no declaration, parameter, `catch` parameter, function or
    /// class name of the script binds this name (it is not `arguments` either), and no
    /// reference of this record is inside a `with` or in eval code.
    pub unbound: std::cell::Cell<bool>,
}

impl IdentRef {
    /// A reference that is resolved through the scopes (never marked unbound).
    pub(crate) fn dynamic(name: Name) -> Rc<IdentRef> {
        Rc::new(IdentRef { name, cacheable: false, unbound: std::cell::Cell::new(false) })
    }

    /// A reference outside `with` and eval code (its record is shared by the name's references).
    pub(crate) fn cacheable(name: Name) -> Rc<IdentRef> {
        Rc::new(IdentRef { name, cacheable: true, unbound: std::cell::Cell::new(false) })
    }
}

/// Where one identifier reference last found its declarative binding: the number of scopes
/// out from the reference's and the binding's position in that scope, with the binding epoch
/// it was found in (`interp::get_ident`; docs/design.md, "settle-js name resolution"). Zero
/// when empty.
#[derive(Debug, Default)]
pub(crate) struct SiteCache(pub std::cell::Cell<u64>);

#[derive(Debug)]
pub(crate) struct Script {
    pub body: Rc<FuncDef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeclKind {
    Var,
    Let,
    Const,
}

#[derive(Debug)]
pub(crate) struct FuncDef {
    /// The function's name (`""` when anonymous); also what `name` reports.
    pub name: Name,
    /// Whether `name` is a binding visible inside the function (a named function expression).
    pub self_binding: bool,
    pub params: Vec<Param>,
    pub rest: Option<Pattern>,
    pub body: Body,
    pub is_arrow: bool,
    pub is_async: bool,
    /// `function*`: calling it makes a generator object.
    pub is_generator: bool,
    pub strict: bool,
    /// Names declared with `var` anywhere in the body (not in nested functions), hoisted.
    pub var_names: Vec<Name>,
    /// Whether the body mentions `arguments`.
    pub uses_arguments: bool,
    /// The number of parameters before the first default or rest (`fn.length`).
    pub length: usize,
    /// The function's source text (`String(fn)`).
    pub source: Rc<str>,
    /// A plain function, a method, or a class constructor.
    pub kind: FuncKind,
    /// Whether the body (its own code, not nested functions') can suspend: it has an
    /// `await`, a `yield` or a `for await`. A plain function or arrow that cannot runs on
    /// the synchronous evaluator (`interp/sync_eval.rs`).
    pub suspends: bool,
    /// `name` as a string value, made once for every function object of this definition
    /// (each closure's `name` property shares it instead of allocating its own).
    pub name_value: std::cell::OnceCell<crate::jsstr::JsStr>,
    /// What every call's FunctionDeclarationInstantiation does, worked out on the first call
    /// (`interp::prologue`).
    pub prologue: std::cell::OnceCell<crate::interp::Prologue>,
}

/// What a function is, for [[Call]] and [[Construct]] (10.2's [[ConstructorKind]] and
/// [[IsClassConstructor]]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FuncKind {
    /// A function declaration or expression (a constructor unless arrow, async or generator).
    Normal,
    /// A method, accessor, field initializer or static block: never a constructor.
    Method,
    /// A class's constructor; `derived` for a class with `extends`, `default` when the class
    /// has no `constructor` (a derived default constructor passes its arguments to `super`).
    ClassConstructor { derived: bool, default: bool },
}

/// A class (15.7): the constructor, then the elements in source order.
#[derive(Debug)]
pub(crate) struct ClassDef {
    /// The class's binding name inside its body (`None` for an anonymous class).
    pub binding: Option<Name>,
    pub heritage: Option<Expr>,
    pub constructor: Rc<FuncDef>,
    pub elements: Vec<ClassElement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MethodKind {
    Method,
    Get,
    Set,
}

#[derive(Debug)]
pub(crate) enum ClassElement {
    Method {
        key: PropKey,
        def: Rc<FuncDef>,
        is_static: bool,
        kind: MethodKind,
    },
    /// A field; its initializer is a method evaluated with `this` the instance (or the class).
    Field {
        key: PropKey,
        init: Option<Rc<FuncDef>>,
        is_static: bool,
    },
    StaticBlock(Rc<FuncDef>),
}

impl FuncDef {
    /// [`FuncDef::name`] as a string value (made on first use, then shared).
    pub(crate) fn name_value(&self) -> crate::jsstr::JsStr {
        self.name_value.get_or_init(|| crate::jsstr::JsStr::from(self.name.clone())).clone()
    }

    /// Whether a call runs the body on the synchronous evaluator: not async, not a
    /// generator, and no suspension point in its own code.
    pub(crate) fn runs_sync(&self) -> bool {
        !self.is_async && !self.is_generator && !self.suspends
    }

    /// Whether the function has [[Construct]]: an ordinary `function` (not an arrow, a method,
    /// an async function or a generator).
    pub(crate) fn is_constructor(&self) -> bool {
        match self.kind {
            FuncKind::Normal => !self.is_arrow && !self.is_async && !self.is_generator,
            FuncKind::Method => false,
            FuncKind::ClassConstructor { .. } => true,
        }
    }
}

#[derive(Debug)]
pub(crate) enum Body {
    Block(Block),
    Expr(Expr),
}

#[derive(Debug)]
pub(crate) struct Param {
    pub pattern: Pattern,
    pub default: Option<Expr>,
}

/// A list of statements with the names it declares lexically (`let`, `const`, and function
/// declarations, which are initialized when the block is entered).
#[derive(Debug, Default)]
pub(crate) struct Block {
    pub stmts: Vec<Stmt>,
    pub lexical: Vec<(Name, DeclKind)>,
    pub functions: Vec<Rc<FuncDef>>,
}

impl Block {
    pub(crate) fn needs_scope(&self) -> bool {
        !self.lexical.is_empty() || !self.functions.is_empty()
    }
}

#[derive(Debug)]
pub(crate) enum Pattern {
    /// A binding identifier (a declaration's, a parameter's).
    Ident(Name),
    /// An identifier as an assignment target (`x = v`, `x += v`, `[x] = a`): its reference
    /// record and the slot cache its PutValue resolves through, as an [`Expr::Ident`]'s read
    /// does (docs/design.md, "settle-js name resolution").
    Target(Rc<IdentRef>, SiteCache),
    Object {
        props: Vec<(PropKey, Pattern)>,
        rest: Option<Box<Pattern>>,
    },
    Array {
        elems: Vec<Option<Pattern>>,
        rest: Option<Box<Pattern>>,
    },
    Default(Box<Pattern>, Box<Expr>),
    /// Only in assignment patterns: `[a.b, c[0]] = ...`.
    Member(Box<Expr>),
}

#[derive(Debug)]
pub(crate) enum PropKey {
    Static(Name),
    Computed(Expr),
}

#[derive(Debug)]
pub(crate) struct VarDecl {
    pub kind: DeclKind,
    pub decls: Vec<(Pattern, Option<Expr>)>,
}

#[derive(Debug)]
pub(crate) enum ForInit {
    Var(VarDecl),
    Expr(Expr),
}

#[derive(Debug)]
pub(crate) enum ForOfHead {
    Decl(DeclKind, Pattern),
    Target(Pattern),
}

#[derive(Debug)]
pub(crate) enum Stmt {
    Expr(Expr),
    Var(VarDecl),
    Return(Option<Expr>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    Block(Block),
    /// The large, rarer statements are boxed, so that a `Stmt` (one per statement of a
    /// script of millions) stays small.
    For(Box<ForStmt>),
    ForOf(Box<ForOfStmt>),
    ForIn(Box<ForInStmt>),
    While(Expr, Box<Stmt>),
    DoWhile(Box<Stmt>, Expr),
    Break(Option<Name>),
    Continue(Option<Name>),
    Throw(Expr, Pos),
    Try(Box<TryStmt>),
    Switch(Box<SwitchStmt>),
    Labeled(Name, Box<Stmt>),
    /// `with (object) body` (14.11), sloppy code only: the body runs in an object
    /// Environment Record of the object.
    With(Expr, Box<Stmt>),
    /// A class declaration: evaluates the class and initializes its (lexical) binding.
    Class(Name, Rc<ClassDef>),
    Empty,
    /// A statement of an async function or generator whose own code (nested functions
    /// aside) has no `await`, `yield` or `for await`, marked by lowering: the async evaluator
    /// runs it whole on the synchronous one (it would have finished within the same poll).
    /// Only the outermost such statement is marked, and none outside async functions and
    /// generators (their code runs on the synchronous evaluator already): a wrapper, not a
    /// flag in every variant, so that the statements of all other code stay as small.
    Sync(Box<Stmt>),
}

/// `for (init; test; update) body`.
#[derive(Debug)]
pub(crate) struct ForStmt {
    pub init: Option<ForInit>,
    pub test: Option<Expr>,
    pub update: Option<Expr>,
    pub body: Stmt,
    /// The `let` names copied into each iteration's scope (CreatePerIterationEnvironment).
    pub per_iteration: Vec<Name>,
    /// Whether an iteration's copy could be told from the loop's own bindings: only when a
    /// function made in the loop's head or body names one of `per_iteration` (it may keep the
    /// binding of its iteration), or a direct eval there could make such a function. Else
    /// every read and write of a copy sees what it would see in the loop's scope, and the
    /// loop runs in that one scope (decided by lowering: docs/design.md, "settle-js: loops").
    pub copies: bool,
}

/// `for (head of iterable) body`.
#[derive(Debug)]
pub(crate) struct ForOfStmt {
    pub head: ForOfHead,
    pub iterable: Expr,
    pub body: Stmt,
    pub pos: Pos,
    /// `for await`: iteratorKind async (14.7.5.6-7).
    pub is_await: bool,
}

/// `for (head in object) body`.
#[derive(Debug)]
pub(crate) struct ForInStmt {
    pub head: ForOfHead,
    pub object: Expr,
    pub body: Stmt,
}

/// `try block catch (param) handler finally finalizer`.
#[derive(Debug)]
pub(crate) struct TryStmt {
    pub block: Block,
    pub catch: Option<(Option<Pattern>, Block)>,
    pub finally: Option<Block>,
}

/// `switch (discriminant) { cases }`; the cases share one block scope.
#[derive(Debug)]
pub(crate) struct SwitchStmt {
    pub discriminant: Expr,
    pub cases: Vec<(Option<Expr>, Vec<Stmt>)>,
    pub scope: Block,
}

#[derive(Debug)]
pub(crate) enum ArrayElem {
    Expr(Expr),
    Spread(Expr),
    Hole,
}

#[derive(Debug)]
pub(crate) enum ObjProp {
    Value(PropKey, Expr),
    Getter(PropKey, Rc<FuncDef>),
    Setter(PropKey, Rc<FuncDef>),
    Spread(Expr),
}

#[derive(Debug)]
pub(crate) enum Arg {
    Expr(Expr),
    Spread(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Update {
    Inc,
    Dec,
}

#[derive(Debug)]
pub(crate) enum Expr {
    Null,
    Bool(bool),
    Num(f64),
    BigInt(i64),
    Str(crate::jsstr::JsStr),
    Template(Vec<Rc<str>>, Vec<Expr>),
    Ident(Rc<IdentRef>, Pos, SiteCache),
    This,
    Array(Vec<ArrayElem>),
    Object(Vec<ObjProp>),
    Function(Rc<FuncDef>),
    Unary(UnaryOperator, Box<Expr>, Pos),
    /// `typeof name`, which does not throw for an undeclared name.
    TypeofIdent(Name),
    Update {
        op: Update,
        prefix: bool,
        target: Box<Expr>,
        pos: Pos,
    },
    Binary(BinaryOperator, Box<Expr>, Box<Expr>, Pos),
    Logical(LogicalOperator, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Assign {
        op: AssignmentOperator,
        target: Box<Pattern>,
        value: Box<Expr>,
        pos: Pos,
    },
    Member {
        object: Box<Expr>,
        key: Box<PropKey>,
        optional: bool,
        pos: Pos,
        /// Where a static key's data property was found the last time (`interp::get_named`).
        cache: SiteCache,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
        optional: bool,
        pos: Pos,
        text: Rc<str>,
    },
    New {
        callee: Box<Expr>,
        args: Vec<Arg>,
        pos: Pos,
        text: Rc<str>,
    },
    /// `a?.b.c`: a short-circuit at any optional link makes the whole chain `undefined`.
    Chain(Box<Expr>),
    Seq(Vec<Expr>),
    /// `await e`, at its position (where the continuation's job is queued).
    Await(Box<Expr>, Pos),
    Yield(Option<Box<Expr>>),
    /// `yield* iterable` (15.5.5): delegation to another iterator.
    YieldStar(Box<Expr>),
    Class(Rc<ClassDef>),
    /// `super(...args)`.
    SuperCall {
        args: Vec<Arg>,
        pos: Pos,
    },
    /// `super.key` / `super[key]`.
    SuperMember {
        key: Box<PropKey>,
        pos: Pos,
    },
    /// `new.target`.
    NewTarget,
    /// A regular expression literal (13.2.7): its pattern compiled when the script is
    /// lowered; each evaluation makes a new RegExp object sharing it.
    RegExp(Rc<crate::builtins::regexp::RegExpData>),
}
