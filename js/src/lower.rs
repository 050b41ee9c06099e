//! Parsing (with oxc) and lowering of oxc's AST into the interpreter's tree (`ir.rs`).
//!
//! Everything outside the subset the interpreter runs is rejected here, before any code runs,
//! with the position of the construct: the script either runs entirely under known semantics or
//! not at all.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use oxc_allocator::Allocator;
use oxc_ast::ast;
use oxc_parser::{ParseOptions, Parser};
use oxc_span::{GetSpan, SourceType, Span};

use crate::ir::*;
use crate::number::number_to_string;

/// Why a script could not be run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// Byte offset of the offending construct in the source.
    pub offset: u32,
    /// `SyntaxError: ...` or `outside the subset: ...`.
    pub message: String,
}

/// Built-ins of JavaScript that this interpreter does not provide: naming one (without declaring
/// it) is reported as outside the subset before the script runs, rather than failing later with
/// a ReferenceError that would look like a bug in the script.
const MISSING_GLOBALS: &[&str] = &[
    "WeakRef",
    "FinalizationRegistry",
    "Proxy",
    "Intl",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Atomics",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "module",
    "exports",
    "fetch",
    "Buffer",
    "TextEncoder",
    "TextDecoder",
    "URL",
    "URLSearchParams",
    "AbortController",
    "AbortSignal",
    "EventTarget",
    "Event",
    "MessageChannel",
    "Iterator",
    "setTimeoutPromise",
    "requestAnimationFrame",
    "document",
    "XMLHttpRequest",
];

/// Parses and lowers a script.
pub(crate) fn parse(source: &str) -> Result<Script, ScriptError> {
    lower_code(source, false, true)
}

/// Parses and lowers a script, or the code of an eval: `strict_caller` (PerformEval's
/// strictCaller, 19.2.1.1) makes it strict mode code without a directive of its own.
pub(crate) fn parse_code(source: &str, strict_caller: bool) -> Result<Script, ScriptError> {
    lower_code(source, strict_caller, false)
}

/// [`parse_code`]; `script` for a script's code (not an eval's), whose references to names it
/// binds nowhere are marked to be read from the global object (eval code runs in its caller's
/// scopes, whose bindings lowering does not see: none of its references is marked).
fn lower_code(source: &str, strict_caller: bool, script: bool) -> Result<Script, ScriptError> {
    // oxc recurses without a check of its own: refuse what could exhaust the stack in it.
    if let Some(at) = crate::stack::too_deep(source) {
        return Err(stack_exhausted(u32::try_from(at).unwrap_or(u32::MAX)));
    }
    let allocator = Allocator::default();
    let options = ParseOptions {
        preserve_parens: false,
        allow_return_outside_function: false,
        ..ParseOptions::default()
    };
    let ret = Parser::new(&allocator, source, SourceType::script()).with_options(options).parse();
    if let Some(error) = ret.diagnostics.errors().next() {
        let offset = error.labels.first().map_or(0, |l| l.offset());
        // oxc checks a regex literal's flags itself ("Flag g is mentioned twice in regular
        // expression literal"); V8 words every such error the same way.
        let message = if error.message.contains("in regular expression literal") {
            "Invalid regular expression flags".to_string()
        } else {
            error.message.to_string()
        };
        return Err(ScriptError { offset, message: format!("SyntaxError: {message}") });
    }
    let program = &ret.program;
    let mut lower = Lower {
        src: source,
        fns: Vec::new(),
        declared: HashSet::new(),
        names: Interner::default(),
        missing: Vec::new(),
        with_depth: 0,
        script,
        loops: 0,
        loop_refs: Vec::new(),
        evals: 0,
    };
    let strict = strict_caller || program.directives.iter().any(|d| d.directive.as_str() == "use strict");
    lower.fns.push(FnCtx { strict, ..FnCtx::default() });
    let block = lower.block(&program.body, true)?;
    let ctx = lower.fns.pop().unwrap_or_default();
    if script {
        lower.names.mark_unbound();
    }
    for (name, offset) in &lower.missing {
        if !lower.declared.contains(name.as_str()) {
            return Err(unsupported(*offset, &format!("the built-in `{name}`")));
        }
    }
    let body = FuncDef {
        name: "".into(),
        self_binding: false,
        params: Vec::new(),
        rest: None,
        body: Body::Block(block),
        is_arrow: false,
        is_async: false,
        is_generator: false,
        strict,
        var_names: ctx.var_names,
        uses_arguments: false,
        length: 0,
        source: "".into(),
        kind: FuncKind::Normal,
        suspends: ctx.suspensions > 0,
        name_value: Default::default(),
        prologue: Default::default(),
    };
    Ok(Script { body: Rc::new(body) })
}

impl ScriptError {
    /// Whether the script is valid JavaScript that uses a feature settle-js does not have
    /// (rather than a syntax error, or nesting too deep to parse).
    pub(crate) fn is_outside_subset(&self) -> bool {
        self.message.starts_with("outside the subset")
    }

    /// The error this becomes when code is parsed while a script runs (an `eval`, a worker's
    /// script, `importScripts`): the name of its constructor and its message. A syntax error is
    /// a SyntaxError and nesting too deep to parse V8's RangeError; code outside the subset is
    /// a plain Error, since it is valid JavaScript that no JavaScript error describes.
    pub(crate) fn js_error(&self) -> (&'static str, &str) {
        for name in ["SyntaxError", "RangeError"] {
            if let Some(message) = self.message.strip_prefix(name).and_then(|m| m.strip_prefix(": ")) {
                return (name, message);
            }
        }
        ("Error", &self.message)
    }
}

/// Nesting deeper than the stack allows, reported as V8 reports it.
fn stack_exhausted(offset: u32) -> ScriptError {
    ScriptError { offset, message: format!("RangeError: {}", crate::stack::STACK_MESSAGE) }
}

/// The lowering recurses with the source's nesting.
fn check_stack(span: Span) -> R<()> {
    if crate::stack::exhausted() { Err(stack_exhausted(span.start)) } else { Ok(()) }
}

fn unsupported(offset: u32, what: &str) -> ScriptError {
    ScriptError { offset, message: format!("outside the subset: {what} is not supported by settle-js") }
}

fn syntax(offset: u32, what: &str) -> ScriptError {
    ScriptError { offset, message: format!("SyntaxError: {what}") }
}

type R<T> = Result<T, ScriptError>;

#[derive(Default)]
struct FnCtx {
    var_names: Vec<Name>,
    /// The same names, for the duplicate check (a list search made a script of a million
    /// `var`s quadratic).
    var_set: HashSet<Name>,
    uses_arguments: bool,
    is_arrow: bool,
    is_async: bool,
    is_generator: bool,
    /// How many `await`s, `yield`s and `for await`s were lowered in this function's own code.
    suspensions: u32,
    /// Strict mode code (11.2.2): a `"use strict"` directive here or in an enclosing
    /// function, or inside a class.
    strict: bool,
}

struct Lower<'s> {
    src: &'s str,
    fns: Vec<FnCtx>,
    /// The names declared anywhere that the missing-built-in check looks
    /// for (only those: a set of every name would copy each of a million `var`s).
    declared: HashSet<&'static str>,
    /// The identifier names met so far, so that every mention of a name shares one string.
    names: Interner,
    missing: Vec<(String, u32)>,
    /// How many `with` bodies the code being lowered is inside (functions included): a
    /// reference there may find its name on the object, so it is never marked unbound.
    with_depth: u32,
    /// Lowering a script's code (not an eval's): see [`lower_code`].
    script: bool,
    /// The loops with per-iteration `let` bindings being lowered (see [`ForStmt::copies`]).
    loops: u32,
    /// While `loops` is not 0: each identifier reference met, with the depth of the function
    /// it is in (`fns.len()`), for the loops to find the names their nested functions use.
    loop_refs: Vec<(Box<str>, usize)>,
    /// The calls of a function named `eval` met so far (possible direct evals).
    evals: u32,
}

impl Lower<'_> {
    fn text(&self, span: Span) -> Rc<str> {
        self.src.get(span.start as usize..span.end as usize).unwrap_or("").into()
    }

    fn ctx(&mut self) -> &mut FnCtx {
        self.fns.last_mut().expect("inside a function")
    }

    /// Notes a declared name for the checks at the end of `parse`.
    fn declare_name(&mut self, name: &str) {
        if let Some(known) = MISSING_GLOBALS.iter().find(|g| **g == name) {
            self.declared.insert(known);
        }
    }

    /// The shared string of an identifier name that may be bound (a declaration's, or any use
    /// not known to be a reference or a property name: counted as binding it).
    fn name(&mut self, name: &str) -> Name {
        self.names.get(name)
    }

    /// The shared string of a property name or a `typeof` operand: neither binds the name.
    fn key(&mut self, name: &str) -> Name {
        self.names.key(name)
    }

    /// An identifier reference's shared record (see [`IdentRef`]).
    fn ident(&mut self, name: &str) -> Rc<IdentRef> {
        if self.with_depth > 0 || !self.script {
            let name = self.names.key(name);
            return IdentRef::dynamic(name);
        }
        self.names.reference(name)
    }

    fn declare_var(&mut self, name: &Name) {
        self.declare_name(name);
        let ctx = self.ctx();
        if ctx.var_set.insert(name.clone()) {
            ctx.var_names.push(name.clone());
        }
    }

    /// A list of statements: collects the lexical declarations and function declarations.
    fn block(&mut self, stmts: &[ast::Statement<'_>], _top: bool) -> R<Block> {
        let mut block = Block { stmts: Vec::with_capacity(stmts.len()), ..Block::default() };
        // The names in `block.lexical`, for the duplicate checks (a list search would make a
        // block of many `let`s quadratic).
        let mut lexical: HashSet<Name> = HashSet::new();
        for stmt in stmts {
            match stmt {
                ast::Statement::VariableDeclaration(decl) => {
                    let kind = decl_kind(decl.kind, decl.span)?;
                    if kind != DeclKind::Var {
                        for d in &decl.declarations {
                            let mut names = Vec::new();
                            binding_names(&d.id, &mut names, &mut self.names);
                            for (name, offset) in names {
                                if !lexical.insert(name.clone()) {
                                    return Err(syntax(
                                        offset,
                                        &format!("Identifier '{name}' has already been declared"),
                                    ));
                                }
                                self.declare_name(&name);
                                block.lexical.push((name, kind));
                            }
                        }
                    }
                }
                ast::Statement::ClassDeclaration(c) => {
                    if let Some(id) = &c.id {
                        let name: Name = self.name(id.name.as_str());
                        if !lexical.insert(name.clone()) {
                            return Err(syntax(
                                id.span.start,
                                &format!("Identifier '{name}' has already been declared"),
                            ));
                        }
                        self.declare_name(&name);
                        block.lexical.push((name, DeclKind::Let));
                    }
                }
                ast::Statement::FunctionDeclaration(f) => {
                    if let Some(id) = &f.id {
                        let name: Name = self.name(id.name.as_str());
                        self.declare_name(&name);
                        if lexical.insert(name.clone()) {
                            block.lexical.push((name, DeclKind::Var));
                        }
                    }
                }
                _ => {}
            }
        }
        for stmt in stmts {
            if let ast::Statement::FunctionDeclaration(f) = stmt {
                let def = self.function(f, None, FuncKind::Normal)?;
                block.functions.push(def);
            } else {
                let s = self.stmt(stmt)?;
                block.stmts.push(s);
            }
        }
        Ok(block)
    }

    /// A statement, marked [`Stmt::Sync`] when it is in an async function or a generator and
    /// its own code cannot suspend (no `await`, `yield` or `for await` was lowered in it).
    fn stmt(&mut self, stmt: &ast::Statement<'_>) -> R<Stmt> {
        let before = self.fns.last().map(|c| (c.suspensions, c.is_async || c.is_generator));
        let mut lowered = self.stmt_unmarked(stmt)?;
        let after = self.fns.last().map(|c| c.suspensions);
        if let (Some((count, true)), Some(now)) = (before, after)
            && count == now
            && !matches!(lowered, Stmt::Empty | Stmt::Break(_) | Stmt::Continue(_))
        {
            // The statements inside were marked as they were lowered: only the outermost
            // mark is kept (the synchronous evaluator runs the whole statement).
            unmark_children(&mut lowered);
            return Ok(Stmt::Sync(Box::new(lowered)));
        }
        Ok(lowered)
    }

    fn stmt_unmarked(&mut self, stmt: &ast::Statement<'_>) -> R<Stmt> {
        use ast::Statement as S;
        check_stack(stmt.span())?;
        Ok(match stmt {
            S::BlockStatement(b) => Stmt::Block(self.block(&b.body, false)?),
            S::BreakStatement(b) => Stmt::Break(b.label.as_ref().map(|l| self.name(l.name.as_str()))),
            S::ContinueStatement(c) => Stmt::Continue(c.label.as_ref().map(|l| self.name(l.name.as_str()))),
            S::DebuggerStatement(_) | S::EmptyStatement(_) => Stmt::Empty,
            S::DoWhileStatement(d) => Stmt::DoWhile(Box::new(self.stmt(&d.body)?), self.expr(&d.test)?),
            S::ExpressionStatement(e) => Stmt::Expr(self.expr(&e.expression)?),
            S::ForInStatement(f) => {
                let head = self.for_head(&f.left, "for-in")?;
                Stmt::ForIn(Box::new(ForInStmt {
                    head,
                    object: self.expr(&f.right)?,
                    body: self.stmt(&f.body)?,
                }))
            }
            S::ForOfStatement(f) => {
                if f.r#await && !self.fns.last().is_some_and(|c| c.is_async) {
                    return Err(syntax(f.span.start, "for await is only valid in async functions"));
                }
                let head = self.for_head(&f.left, if f.r#await { "for-await-of" } else { "for-of" })?;
                if f.r#await {
                    self.ctx().suspensions += 1;
                }
                Stmt::ForOf(Box::new(ForOfStmt {
                    head,
                    iterable: self.expr(&f.right)?,
                    body: self.stmt(&f.body)?,
                    pos: f.right.span().start,
                    is_await: f.r#await,
                }))
            }
            S::ForStatement(f) => {
                let mut per_iteration = Vec::new();
                // What the head and body contain, for `copies`.
                let (refs_before, evals_before, depth) = (self.loop_refs.len(), self.evals, self.fns.len());
                self.loops += 1;
                let init = match &f.init {
                    None => None,
                    Some(ast::ForStatementInit::VariableDeclaration(d)) => {
                        let decl = self.var_decl(d)?;
                        if decl.kind != DeclKind::Var {
                            for (p, _) in &decl.decls {
                                pattern_names(p, &mut per_iteration);
                            }
                        }
                        Some(ForInit::Var(decl))
                    }
                    Some(init) => match init.as_expression() {
                        Some(e) => Some(ForInit::Expr(self.expr(e)?)),
                        None => return Err(unsupported(f.span.start, "this `for` initializer")),
                    },
                };
                let test = f.test.as_ref().map(|e| self.expr(e)).transpose()?;
                let update = f.update.as_ref().map(|e| self.expr(e)).transpose()?;
                let body = self.stmt(&f.body)?;
                self.loops -= 1;
                // CreatePerIterationEnvironment (14.7.4.4) copies the bindings so that each
                // iteration's closures keep their own; without such a closure (or a direct
                // eval that could make one) nothing can hold an iteration's binding past it.
                let copies = !per_iteration.is_empty()
                    && (self.evals != evals_before
                        || self.loop_refs[refs_before..]
                            .iter()
                            .any(|(name, d)| *d > depth && per_iteration.iter().any(|n| **n == **name)));
                if self.loops == 0 {
                    self.loop_refs.clear();
                }
                Stmt::For(Box::new(ForStmt { init, test, update, body, per_iteration, copies }))
            }
            S::IfStatement(i) => Stmt::If(
                self.expr(&i.test)?,
                Box::new(self.stmt(&i.consequent)?),
                i.alternate.as_ref().map(|a| self.stmt(a).map(Box::new)).transpose()?,
            ),
            S::LabeledStatement(l) => {
                Stmt::Labeled(self.name(l.label.name.as_str()), Box::new(self.stmt(&l.body)?))
            }
            S::ReturnStatement(r) => {
                let argument = r.argument.as_ref().map(|e| self.expr(e)).transpose()?;
                // 14.10.1 ReturnStatement evaluation, step 3: If GetGeneratorKind() is async,
                // set exprValue to ? Await(exprValue): `return e` is `return await e` there.
                let async_generator = self.fns.last().is_some_and(|c| c.is_async && c.is_generator);
                if async_generator && argument.is_some() {
                    self.ctx().suspensions += 1;
                }
                Stmt::Return(match argument {
                    Some(e) if async_generator => Some(Expr::Await(Box::new(e), r.span.start)),
                    other => other,
                })
            }
            S::SwitchStatement(s) => {
                let discriminant = self.expr(&s.discriminant)?;
                // The cases share one block scope.
                let all: Vec<&ast::Statement<'_>> =
                    s.cases.iter().flat_map(|c| c.consequent.iter()).collect();
                let mut scope = Block::default();
                for stmt in &all {
                    if let ast::Statement::VariableDeclaration(decl) = stmt {
                        let kind = decl_kind(decl.kind, decl.span)?;
                        if kind != DeclKind::Var {
                            for d in &decl.declarations {
                                let mut names = Vec::new();
                                binding_names(&d.id, &mut names, &mut self.names);
                                for (name, _) in names {
                                    self.declare_name(&name);
                                    scope.lexical.push((name, kind));
                                }
                            }
                        }
                    }
                }
                let mut cases = Vec::new();
                for case in &s.cases {
                    let test = case.test.as_ref().map(|e| self.expr(e)).transpose()?;
                    let mut body = Vec::new();
                    for stmt in &case.consequent {
                        if let ast::Statement::FunctionDeclaration(f) = stmt {
                            return Err(unsupported(f.span.start, "a function declaration inside `switch`"));
                        }
                        body.push(self.stmt(stmt)?);
                    }
                    cases.push((test, body));
                }
                Stmt::Switch(Box::new(SwitchStmt { discriminant, cases, scope }))
            }
            S::ThrowStatement(t) => Stmt::Throw(self.expr(&t.argument)?, t.span.start),
            S::TryStatement(t) => {
                let block = self.block(&t.block.body, false)?;
                let catch = match &t.handler {
                    None => None,
                    Some(h) => {
                        let param = match &h.param {
                            None => None,
                            Some(p) => {
                                let mut names = Vec::new();
                                binding_names(&p.pattern, &mut names, &mut self.names);
                                for (n, _) in names {
                                    self.declare_name(&n);
                                }
                                Some(self.pattern(&p.pattern)?)
                            }
                        };
                        Some((param, self.block(&h.body.body, false)?))
                    }
                };
                let finally = t.finalizer.as_ref().map(|f| self.block(&f.body, false)).transpose()?;
                Stmt::Try(Box::new(TryStmt { block, catch, finally }))
            }
            S::WhileStatement(w) => Stmt::While(self.expr(&w.test)?, Box::new(self.stmt(&w.body)?)),
            S::VariableDeclaration(d) => Stmt::Var(self.var_decl(d)?),
            S::FunctionDeclaration(f) => {
                // Only reached for a function declaration as the body of `if` or a label.
                return Err(unsupported(f.span.start, "a function declaration outside a block"));
            }
            S::ClassDeclaration(c) => {
                let Some(id) = &c.id else {
                    return Err(syntax(c.span.start, "A class declaration needs a name"));
                };
                Stmt::Class(self.name(id.name.as_str()), self.class(c, None)?)
            }
            S::WithStatement(w) => {
                // 14.11.1 Static Semantics: Early Errors: It is a Syntax Error if the source
                // text matched by this production is contained in strict mode code.
                if self.fns.last().is_some_and(|c| c.strict) {
                    return Err(syntax(w.span.start, "Strict mode code may not include a with statement"));
                }
                let object = self.expr(&w.object)?;
                self.with_depth += 1;
                let body = self.stmt(&w.body);
                self.with_depth -= 1;
                Stmt::With(object, Box::new(body?))
            }
            other => return Err(unsupported(other.span().start, "modules and TypeScript syntax")),
        })
    }

    /// The head of a for-in/of loop; `loop_name` (`for-of`, `for-await-of`, `for-in`) words
    /// the errors as V8 does.
    fn for_head(&mut self, left: &ast::ForStatementLeft<'_>, loop_name: &str) -> R<ForOfHead> {
        match left {
            ast::ForStatementLeft::VariableDeclaration(d) => {
                // 14.7.5.1 Static Semantics: Early Errors (ForDeclaration, ForBinding): the
                // grammar has no Initializer in a for-in/of head, so `using x = obj of xs`
                // (14.7.5, explicit resource management) is a SyntaxError; checked before the
                // declaration kind, which may be one outside the subset (`using`).
                if let Some(init) = d.declarations.iter().find(|v| v.init.is_some()) {
                    return Err(syntax(
                        init.span.start,
                        &format!("{loop_name} loop variable declaration may not have an initializer."),
                    ));
                }
                let mut decl = self.var_decl_in(d, true)?;
                if decl.decls.len() != 1 || decl.decls[0].1.is_some() {
                    return Err(syntax(d.span.start, "Invalid left-hand side in for-of loop"));
                }
                let (pattern, _) = decl.decls.pop().expect("one declaration");
                Ok(ForOfHead::Decl(decl.kind, pattern))
            }
            other => match other.as_assignment_target() {
                Some(t) => Ok(ForOfHead::Target(self.assign_target(t)?)),
                None => Err(unsupported(other.span().start, "this loop head")),
            },
        }
    }

    fn var_decl(&mut self, d: &ast::VariableDeclaration<'_>) -> R<VarDecl> {
        self.var_decl_in(d, false)
    }

    fn var_decl_in(&mut self, d: &ast::VariableDeclaration<'_>, loop_head: bool) -> R<VarDecl> {
        let kind = decl_kind(d.kind, d.span)?;
        // Sized exactly: a pushed-to `Vec` starts with room for four, and a script of a million
        // one-name `var`s would keep the three spare ones of each.
        let mut decls = Vec::with_capacity(d.declarations.len());
        for decl in &d.declarations {
            if kind == DeclKind::Var {
                let mut names = Vec::new();
                binding_names(&decl.id, &mut names, &mut self.names);
                for (name, _) in names {
                    self.declare_var(&name);
                }
            }
            if kind == DeclKind::Const && decl.init.is_none() && !loop_head {
                return Err(syntax(decl.span.start, "Missing initializer in const declaration"));
            }
            let pattern = self.pattern(&decl.id)?;
            let name = match &decl.id {
                ast::BindingPattern::BindingIdentifier(id) => Some(id.name.as_str()),
                _ => None,
            };
            let init = decl.init.as_ref().map(|e| self.named_expr(e, name)).transpose()?;
            decls.push((pattern, init));
        }
        Ok(VarDecl { kind, decls })
    }

    fn pattern(&mut self, p: &ast::BindingPattern<'_>) -> R<Pattern> {
        check_stack(p.span())?;
        Ok(match p {
            ast::BindingPattern::BindingIdentifier(id) => Pattern::Ident(self.name(id.name.as_str())),
            ast::BindingPattern::AssignmentPattern(a) => {
                let name = match &a.left {
                    ast::BindingPattern::BindingIdentifier(id) => Some(id.name.as_str()),
                    _ => None,
                };
                Pattern::Default(Box::new(self.pattern(&a.left)?), Box::new(self.named_expr(&a.right, name)?))
            }
            ast::BindingPattern::ObjectPattern(o) => {
                let mut props = Vec::new();
                for prop in &o.properties {
                    let key = self.prop_key(&prop.key, prop.computed)?;
                    props.push((key, self.pattern(&prop.value)?));
                }
                let rest = o.rest.as_ref().map(|r| self.pattern(&r.argument).map(Box::new)).transpose()?;
                Pattern::Object { props, rest }
            }
            ast::BindingPattern::ArrayPattern(a) => {
                let mut elems = Vec::new();
                for e in &a.elements {
                    elems.push(e.as_ref().map(|p| self.pattern(p)).transpose()?);
                }
                let rest = a.rest.as_ref().map(|r| self.pattern(&r.argument).map(Box::new)).transpose()?;
                Pattern::Array { elems, rest }
            }
        })
    }

    fn assign_target(&mut self, t: &ast::AssignmentTarget<'_>) -> R<Pattern> {
        check_stack(t.span())?;
        use ast::AssignmentTarget as T;
        Ok(match t {
            T::AssignmentTargetIdentifier(id) => {
                self.reference(id.name.as_str(), id.span.start);
                // Counted as binding the name (`self.name`), then its reference record.
                self.name(id.name.as_str());
                Pattern::Target(self.ident(id.name.as_str()), SiteCache::default())
            }
            T::ArrayAssignmentTarget(a) => {
                let mut elems = Vec::new();
                for e in &a.elements {
                    elems.push(e.as_ref().map(|e| self.maybe_default(e)).transpose()?);
                }
                let rest =
                    a.rest.as_ref().map(|r| self.assign_target(&r.target).map(Box::new)).transpose()?;
                Pattern::Array { elems, rest }
            }
            T::ObjectAssignmentTarget(o) => {
                let mut props = Vec::new();
                for p in &o.properties {
                    match p {
                        ast::AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(id) => {
                            let name: Name = self.name(id.binding.name.as_str());
                            self.reference(&name, id.binding.span.start);
                            let mut target = Pattern::Target(self.ident(&name), SiteCache::default());
                            if let Some(init) = &id.init {
                                target = Pattern::Default(
                                    Box::new(target),
                                    Box::new(self.named_expr(init, Some(&name))?),
                                );
                            }
                            props.push((PropKey::Static(name), target));
                        }
                        ast::AssignmentTargetProperty::AssignmentTargetPropertyProperty(p) => {
                            let key = self.prop_key(&p.name, p.computed)?;
                            props.push((key, self.maybe_default(&p.binding)?));
                        }
                    }
                }
                let rest =
                    o.rest.as_ref().map(|r| self.assign_target(&r.target).map(Box::new)).transpose()?;
                Pattern::Object { props, rest }
            }
            other => match other.as_member_expression() {
                Some(m) => Pattern::Member(Box::new(self.member(m)?)),
                None => return Err(unsupported(other.span().start, "this assignment target")),
            },
        })
    }

    fn maybe_default(&mut self, t: &ast::AssignmentTargetMaybeDefault<'_>) -> R<Pattern> {
        match t {
            ast::AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(d) => {
                let target = self.assign_target(&d.binding)?;
                let name = match &target {
                    Pattern::Target(id, _) => Some(id.name.clone()),
                    _ => None,
                };
                Ok(Pattern::Default(Box::new(target), Box::new(self.named_expr(&d.init, name.as_deref())?)))
            }
            other => match other.as_assignment_target() {
                Some(t) => self.assign_target(t),
                None => Err(unsupported(other.span().start, "this assignment target")),
            },
        }
    }

    fn prop_key(&mut self, key: &ast::PropertyKey<'_>, computed: bool) -> R<PropKey> {
        if !computed {
            match key {
                ast::PropertyKey::StaticIdentifier(id) => {
                    return Ok(PropKey::Static(self.key(id.name.as_str())));
                }
                ast::PropertyKey::StringLiteral(s) => return Ok(PropKey::Static(s.value.as_str().into())),
                ast::PropertyKey::NumericLiteral(n) => {
                    return Ok(PropKey::Static(number_to_string(n.value).into()));
                }
                ast::PropertyKey::PrivateIdentifier(p) => {
                    return Err(unsupported(p.span.start, "private names"));
                }
                _ => {}
            }
        }
        match key.as_expression() {
            Some(e) => Ok(PropKey::Computed(self.expr(e)?)),
            None => Err(unsupported(key.span().start, "this property key")),
        }
    }

    fn reference(&mut self, name: &str, offset: u32) {
        if self.loops > 0 {
            self.loop_refs.push((name.into(), self.fns.len()));
        }
        if name == "arguments" {
            // `arguments` belongs to the nearest non-arrow function.
            if let Some(ctx) = self.fns.iter_mut().rev().find(|c| !c.is_arrow) {
                ctx.uses_arguments = true;
            }
        }
        if MISSING_GLOBALS.contains(&name) {
            self.missing.push((name.to_string(), offset));
        }
    }

    /// An expression that gets `name` if it is an anonymous function (NamedEvaluation).
    fn named_expr(&mut self, e: &ast::Expression<'_>, name: Option<&str>) -> R<Expr> {
        match (e, name) {
            (ast::Expression::FunctionExpression(f), Some(name)) if f.id.is_none() => {
                Ok(Expr::Function(self.function(f, Some(name), FuncKind::Normal)?))
            }
            (ast::Expression::ClassExpression(c), Some(name)) if c.id.is_none() => {
                Ok(Expr::Class(self.class(c, Some(name))?))
            }
            (ast::Expression::ArrowFunctionExpression(a), Some(name)) => {
                Ok(Expr::Function(self.arrow(a, name)?))
            }
            _ => self.expr(e),
        }
    }

    fn args(&mut self, args: &[ast::Argument<'_>]) -> R<Vec<Arg>> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            match a {
                ast::Argument::SpreadElement(s) => out.push(Arg::Spread(self.expr(&s.argument)?)),
                other => match other.as_expression() {
                    Some(e) => out.push(Arg::Expr(self.expr(e)?)),
                    None => return Err(unsupported(other.span().start, "this argument")),
                },
            }
        }
        Ok(out)
    }

    fn member(&mut self, m: &ast::MemberExpression<'_>) -> R<Expr> {
        if matches!(m.object(), ast::Expression::Super(_)) {
            let key = match m {
                ast::MemberExpression::StaticMemberExpression(s) => {
                    PropKey::Static(self.key(s.property.name.as_str()))
                }
                ast::MemberExpression::ComputedMemberExpression(c) => {
                    PropKey::Computed(self.expr(&c.expression)?)
                }
                ast::MemberExpression::PrivateFieldExpression(p) => {
                    return Err(unsupported(p.span.start, "private fields"));
                }
            };
            return Ok(Expr::SuperMember { key: Box::new(key), pos: m.span().start });
        }
        Ok(match m {
            ast::MemberExpression::StaticMemberExpression(s) => Expr::Member {
                object: Box::new(self.expr(&s.object)?),
                key: Box::new(PropKey::Static(self.key(s.property.name.as_str()))),
                optional: s.optional,
                pos: s.property.span.start,
                cache: SiteCache::default(),
            },
            ast::MemberExpression::ComputedMemberExpression(c) => Expr::Member {
                object: Box::new(self.expr(&c.object)?),
                key: Box::new(PropKey::Computed(self.expr(&c.expression)?)),
                optional: c.optional,
                pos: c.expression.span().start,
                cache: SiteCache::default(),
            },
            ast::MemberExpression::PrivateFieldExpression(p) => {
                return Err(unsupported(p.span.start, "private fields"));
            }
        })
    }

    fn call(&mut self, c: &ast::CallExpression<'_>) -> R<Expr> {
        if matches!(c.callee, ast::Expression::Super(_)) {
            return Ok(Expr::SuperCall { args: self.args(&c.arguments)?, pos: c.span.start });
        }
        // `eval(...)` may be a direct eval (decided when it runs: 13.3.6.1 step 6), whose
        // code can name the caller's `arguments`.
        if let ast::Expression::Identifier(id) = &c.callee
            && id.name == "eval"
        {
            self.evals += 1;
            self.reference("arguments", c.span.start);
        }
        Ok(Expr::Call {
            callee: Box::new(self.expr(&c.callee)?),
            args: self.args(&c.arguments)?,
            optional: c.optional,
            pos: c.span.start,
            text: self.text(c.callee.span()),
        })
    }

    fn expr(&mut self, e: &ast::Expression<'_>) -> R<Expr> {
        use ast::Expression as E;
        check_stack(e.span())?;
        Ok(match e {
            E::BooleanLiteral(b) => Expr::Bool(b.value),
            E::NullLiteral(_) => Expr::Null,
            E::NumericLiteral(n) => Expr::Num(n.value),
            E::StringLiteral(s) => Expr::Str(s.value.as_str().into()),
            E::TemplateLiteral(t) => {
                let mut quasis = Vec::new();
                for q in &t.quasis {
                    match &q.value.cooked {
                        Some(c) => quasis.push(c.as_str().into()),
                        None => return Err(syntax(q.span.start, "Invalid escape sequence in template")),
                    }
                }
                let mut exprs = Vec::new();
                for x in &t.expressions {
                    exprs.push(self.expr(x)?);
                }
                Expr::Template(quasis, exprs)
            }
            E::Identifier(id) => {
                self.reference(id.name.as_str(), id.span.start);
                Expr::Ident(self.ident(id.name.as_str()), id.span.start, SiteCache::default())
            }
            E::ThisExpression(_) => Expr::This,
            E::ArrayExpression(a) => {
                let mut elems = Vec::with_capacity(a.elements.len());
                for el in &a.elements {
                    elems.push(match el {
                        ast::ArrayExpressionElement::SpreadElement(s) => {
                            ArrayElem::Spread(self.expr(&s.argument)?)
                        }
                        ast::ArrayExpressionElement::Elision(_) => ArrayElem::Hole,
                        other => match other.as_expression() {
                            Some(x) => ArrayElem::Expr(self.expr(x)?),
                            None => return Err(unsupported(other.span().start, "this array element")),
                        },
                    });
                }
                Expr::Array(elems)
            }
            E::ObjectExpression(o) => {
                let mut props = Vec::with_capacity(o.properties.len());
                for p in &o.properties {
                    match p {
                        ast::ObjectPropertyKind::SpreadProperty(s) => {
                            props.push(ObjProp::Spread(self.expr(&s.argument)?))
                        }
                        ast::ObjectPropertyKind::ObjectProperty(p) => {
                            let key = self.prop_key(&p.key, p.computed)?;
                            let static_name = match &key {
                                PropKey::Static(n) => Some(n.clone()),
                                PropKey::Computed(_) => None,
                            };
                            match p.kind {
                                ast::PropertyKind::Init => {
                                    let value = match &p.value {
                                        // A method (15.4): not a constructor.
                                        ast::Expression::FunctionExpression(f) if p.method => {
                                            Expr::Function(self.function(
                                                f,
                                                Some(static_name.as_deref().unwrap_or("")),
                                                FuncKind::Method,
                                            )?)
                                        }
                                        other => self.named_expr(other, static_name.as_deref())?,
                                    };
                                    props.push(ObjProp::Value(key, value));
                                }
                                ast::PropertyKind::Get | ast::PropertyKind::Set => {
                                    let ast::Expression::FunctionExpression(f) = &p.value else {
                                        return Err(unsupported(p.span.start, "this accessor"));
                                    };
                                    let prefix =
                                        if p.kind == ast::PropertyKind::Get { "get " } else { "set " };
                                    let name = format!("{prefix}{}", static_name.as_deref().unwrap_or(""));
                                    let def = self.function(f, Some(&name), FuncKind::Method)?;
                                    props.push(if p.kind == ast::PropertyKind::Get {
                                        ObjProp::Getter(key, def)
                                    } else {
                                        ObjProp::Setter(key, def)
                                    });
                                }
                            }
                        }
                    }
                }
                Expr::Object(props)
            }
            E::FunctionExpression(f) => Expr::Function(self.function(f, None, FuncKind::Normal)?),
            E::ArrowFunctionExpression(a) => Expr::Function(self.arrow(a, "")?),
            E::AssignmentExpression(a) => {
                let target = self.assign_target(&a.left)?;
                let name = match &target {
                    Pattern::Target(id, _) => Some(id.name.clone()),
                    _ => None,
                };
                let value = self.named_expr(&a.right, name.as_deref())?;
                Expr::Assign {
                    op: a.operator,
                    target: Box::new(target),
                    value: Box::new(value),
                    pos: a.span.start,
                }
            }
            E::AwaitExpression(a) => {
                if !self.fns.last().is_some_and(|c| c.is_async) {
                    return Err(syntax(a.span.start, "await is only valid in async functions"));
                }
                self.ctx().suspensions += 1;
                Expr::Await(Box::new(self.expr(&a.argument)?), a.span.start)
            }
            E::BinaryExpression(b) => Expr::Binary(
                b.operator,
                Box::new(self.expr(&b.left)?),
                Box::new(self.expr(&b.right)?),
                b.span.start,
            ),
            E::CallExpression(c) => self.call(c)?,
            E::ChainExpression(c) => {
                let inner = match &c.expression {
                    ast::ChainElement::CallExpression(call) => self.call(call)?,
                    other => match other.as_member_expression() {
                        Some(m) => self.member(m)?,
                        None => return Err(unsupported(c.span.start, "this optional chain")),
                    },
                };
                Expr::Chain(Box::new(inner))
            }
            E::ConditionalExpression(c) => Expr::Cond(
                Box::new(self.expr(&c.test)?),
                Box::new(self.expr(&c.consequent)?),
                Box::new(self.expr(&c.alternate)?),
            ),
            E::LogicalExpression(l) => {
                Expr::Logical(l.operator, Box::new(self.expr(&l.left)?), Box::new(self.expr(&l.right)?))
            }
            E::NewExpression(n) => Expr::New {
                callee: Box::new(self.expr(&n.callee)?),
                args: self.args(&n.arguments)?,
                pos: n.span.start,
                text: self.text(n.callee.span()),
            },
            E::ParenthesizedExpression(p) => self.expr(&p.expression)?,
            E::SequenceExpression(s) => {
                let mut v = Vec::with_capacity(s.expressions.len());
                for x in &s.expressions {
                    v.push(self.expr(x)?);
                }
                Expr::Seq(v)
            }
            E::UnaryExpression(u) => {
                if u.operator == ast::UnaryOperator::Typeof
                    && let ast::Expression::Identifier(id) = &u.argument
                {
                    self.reference(id.name.as_str(), id.span.start);
                    return Ok(Expr::TypeofIdent(self.key(id.name.as_str())));
                }
                Expr::Unary(u.operator, Box::new(self.expr(&u.argument)?), u.span.start)
            }
            E::UpdateExpression(u) => {
                let target = match &u.argument {
                    ast::SimpleAssignmentTarget::AssignmentTargetIdentifier(id) => {
                        self.reference(id.name.as_str(), id.span.start);
                        Expr::Ident(self.ident(id.name.as_str()), id.span.start, SiteCache::default())
                    }
                    other => match other.as_member_expression() {
                        Some(m) => self.member(m)?,
                        None => return Err(unsupported(u.span.start, "this update target")),
                    },
                };
                let op = if u.operator == ast::UpdateOperator::Increment { Update::Inc } else { Update::Dec };
                Expr::Update { op, prefix: u.prefix, target: Box::new(target), pos: u.span.start }
            }
            E::StaticMemberExpression(_) | E::ComputedMemberExpression(_) | E::PrivateFieldExpression(_) => {
                match e.as_member_expression() {
                    Some(m) => self.member(m)?,
                    None => return Err(unsupported(e.span().start, "this expression")),
                }
            }
            E::YieldExpression(y) => {
                if !self.fns.last().is_some_and(|c| c.is_generator) {
                    return Err(syntax(y.span.start, "yield is only valid in generator functions"));
                }
                self.ctx().suspensions += 1;
                if y.delegate {
                    let Some(argument) = &y.argument else {
                        return Err(syntax(y.span.start, "yield* needs an expression"));
                    };
                    return Ok(Expr::YieldStar(Box::new(self.expr(argument)?)));
                }
                Expr::Yield(y.argument.as_ref().map(|a| self.expr(a).map(Box::new)).transpose()?)
            }
            E::ClassExpression(c) => Expr::Class(self.class(c, None)?),
            E::RegExpLiteral(r) => {
                // 13.2.7.2 Static Semantics: Early Errors: the pattern must parse with the
                // literal's flags (IsValidRegularExpressionLiteral); compiled once, here.
                let pattern = r.regex.pattern.text.as_str();
                let flags =
                    r.raw.as_ref().and_then(|raw| raw.as_str().rsplit_once('/')).map_or("", |(_, f)| f);
                let data = crate::builtins::regexp::parse_pattern(pattern, flags)
                    .map_err(|message| syntax(r.span.start, &message))?;
                Expr::RegExp(Rc::new(data))
            }
            E::BigIntLiteral(b) => match b.value.as_str().parse::<i64>() {
                Ok(n) => Expr::BigInt(n),
                Err(_) => return Err(unsupported(b.span.start, "a BigInt literal beyond 64 bits")),
            },
            E::TaggedTemplateExpression(t) => return Err(unsupported(t.span.start, "tagged templates")),
            E::Super(s) => return Err(unsupported(s.span.start, "`super`")),
            E::ImportExpression(i) => return Err(unsupported(i.span.start, "`import()`")),
            E::ImportMeta(i) => return Err(unsupported(i.span.start, "`import.meta`")),
            E::NewTarget(_) => Expr::NewTarget,
            other => return Err(unsupported(other.span().start, "this expression")),
        })
    }

    fn params(&mut self, params: &ast::FormalParameters<'_>) -> R<(Vec<Param>, Option<Pattern>, usize)> {
        let mut out = Vec::new();
        let mut length = 0;
        let mut seen_default = false;
        for p in &params.items {
            let mut names = Vec::new();
            binding_names(&p.pattern, &mut names, &mut self.names);
            for (n, _) in names {
                self.declare_name(&n);
            }
            let name = match &p.pattern {
                ast::BindingPattern::BindingIdentifier(id) => Some(id.name.as_str()),
                _ => None,
            };
            let default = p.initializer.as_ref().map(|e| self.named_expr(e, name)).transpose()?;
            let pattern = self.pattern(&p.pattern)?;
            let (pattern, default) = match (pattern, default) {
                (Pattern::Default(p, d), None) => (*p, Some(*d)),
                (p, d) => (p, d),
            };
            if default.is_some() {
                seen_default = true;
            }
            if !seen_default {
                length += 1;
            }
            out.push(Param { pattern, default });
        }
        let rest = match &params.rest {
            Some(r) => {
                let mut names = Vec::new();
                binding_names(&r.rest.argument, &mut names, &mut self.names);
                for (n, _) in names {
                    self.declare_name(&n);
                }
                Some(self.pattern(&r.rest.argument)?)
            }
            None => None,
        };
        Ok((out, rest, length))
    }

    fn function(&mut self, f: &ast::Function<'_>, inferred: Option<&str>, kind: FuncKind) -> R<Rc<FuncDef>> {
        let Some(body) = &f.body else {
            return Err(unsupported(f.span.start, "a function without a body"));
        };
        let (name, self_binding) = match (&f.id, inferred) {
            (Some(id), _) => (self.name(id.name.as_str()), f.r#type == ast::FunctionType::FunctionExpression),
            (None, Some(n)) => (n.into(), false),
            (None, None) => ("".into(), false),
        };
        let strict = self.fns.last().is_some_and(|c| c.strict)
            || body.directives.iter().any(|d| d.directive.as_str() == "use strict");
        self.fns.push(FnCtx { is_async: f.r#async, is_generator: f.generator, strict, ..FnCtx::default() });
        let result = (|| {
            let (params, rest, length) = self.params(&f.params)?;
            let block = self.block(&body.statements, true)?;
            Ok((params, rest, length, block))
        })();
        let ctx = self.fns.pop().unwrap_or_default();
        let (params, rest, length, block) = result?;
        Ok(Rc::new(FuncDef {
            name,
            self_binding,
            params,
            rest,
            body: Body::Block(block),
            is_arrow: false,
            is_async: f.r#async,
            is_generator: f.generator,
            strict,
            var_names: ctx.var_names,
            uses_arguments: ctx.uses_arguments,
            length,
            source: self.text(f.span),
            kind,
            suspends: ctx.suspensions > 0,
            name_value: Default::default(),
            prologue: Default::default(),
        }))
    }

    fn arrow(&mut self, a: &ast::ArrowFunctionExpression<'_>, name: &str) -> R<Rc<FuncDef>> {
        // 11.2.2 Strict Mode Code: function code is strict if it is contained in strict mode
        // code or if the code that produces its [[ECMAScriptCode]] (an arrow's ConciseBody
        // included) begins with a Directive Prologue containing a Use Strict Directive.
        let own_directive = matches!(&a.body, ast::ArrowFunctionBody::FunctionBody(b)
            if b.directives.iter().any(|d| d.directive.as_str() == "use strict"));
        let strict = self.fns.last().is_some_and(|c| c.strict) || own_directive;
        self.fns.push(FnCtx { is_async: a.r#async, is_arrow: true, strict, ..FnCtx::default() });
        let result = (|| {
            let (params, rest, length) = self.params(&a.params)?;
            let body = match &a.body {
                ast::ArrowFunctionBody::FunctionBody(b) => Body::Block(self.block(&b.statements, true)?),
                other => match other.as_expression() {
                    Some(e) => Body::Expr(self.expr(e)?),
                    None => return Err(unsupported(a.span.start, "this arrow body")),
                },
            };
            Ok((params, rest, length, body))
        })();
        let ctx = self.fns.pop().unwrap_or_default();
        let (params, rest, length, body) = result?;
        if ctx.uses_arguments
            && let Some(outer) = self.fns.iter_mut().rev().find(|c| !c.is_arrow)
        {
            outer.uses_arguments = true;
        }
        Ok(Rc::new(FuncDef {
            name: name.into(),
            self_binding: false,
            params,
            rest,
            body,
            is_arrow: true,
            is_async: a.r#async,
            is_generator: false,
            strict,
            var_names: ctx.var_names,
            uses_arguments: false,
            length,
            source: self.text(a.span),
            kind: FuncKind::Normal,
            suspends: ctx.suspensions > 0,
            name_value: Default::default(),
            prologue: Default::default(),
        }))
    }

    /// A function made from a piece of a class: a field initializer (an expression evaluated
    /// with `this` the instance) or a static block.
    fn synthetic_method(
        &mut self,
        name: &str,
        span: Span,
        body: impl FnOnce(&mut Self) -> R<Body>,
    ) -> R<Rc<FuncDef>> {
        self.fns.push(FnCtx { strict: true, ..FnCtx::default() });
        let result = body(self);
        let ctx = self.fns.pop().unwrap_or_default();
        Ok(Rc::new(FuncDef {
            name: name.into(),
            self_binding: false,
            params: Vec::new(),
            rest: None,
            body: result?,
            is_arrow: false,
            is_async: false,
            is_generator: false,
            strict: true,
            var_names: ctx.var_names,
            uses_arguments: ctx.uses_arguments,
            length: 0,
            source: self.text(span),
            kind: FuncKind::Method,
            suspends: ctx.suspensions > 0,
            name_value: Default::default(),
            prologue: Default::default(),
        }))
    }

    /// ClassDefinitionEvaluation's parts (15.7.14): all of a class is strict mode code.
    fn class(&mut self, c: &ast::Class<'_>, inferred: Option<&str>) -> R<Rc<ClassDef>> {
        let binding: Option<Name> = c.id.as_ref().map(|id| self.name(id.name.as_str()));
        let name: Name = binding.clone().or_else(|| inferred.map(Name::from)).unwrap_or_else(|| "".into());
        let heritage = c.heritage.as_ref().map(|h| self.expr(&h.expression)).transpose()?;
        let derived = heritage.is_some();
        let outer_strict = self.fns.last().map(|ctx| ctx.strict);
        if let Some(ctx) = self.fns.last_mut() {
            ctx.strict = true;
        }
        let result = self.class_body(c, &name, derived);
        if let (Some(ctx), Some(strict)) = (self.fns.last_mut(), outer_strict) {
            ctx.strict = strict;
        }
        let (constructor, elements) = result?;
        Ok(Rc::new(ClassDef { binding, heritage, constructor, elements }))
    }

    fn class_body(
        &mut self,
        c: &ast::Class<'_>,
        name: &Name,
        derived: bool,
    ) -> R<(Rc<FuncDef>, Vec<ClassElement>)> {
        let mut constructor = None;
        let mut elements = Vec::new();
        for element in &c.body.body {
            match element {
                ast::ClassElement::MethodDefinition(m) => {
                    if matches!(m.key, ast::PropertyKey::PrivateIdentifier(_)) {
                        return Err(unsupported(m.span.start, "private methods"));
                    }
                    let key = self.prop_key(&m.key, m.computed)?;
                    let static_name = match &key {
                        PropKey::Static(n) => n.to_string(),
                        PropKey::Computed(_) => String::new(),
                    };
                    let kind = match m.kind {
                        ast::MethodDefinitionKind::Constructor => {
                            let mut def = self.function(
                                &m.value,
                                Some(name),
                                FuncKind::ClassConstructor { derived, default: false },
                            )?;
                            if let Some(d) = Rc::get_mut(&mut def) {
                                d.source = self.text(c.span);
                            }
                            constructor = Some(def);
                            continue;
                        }
                        ast::MethodDefinitionKind::Method => MethodKind::Method,
                        ast::MethodDefinitionKind::Get => MethodKind::Get,
                        ast::MethodDefinitionKind::Set => MethodKind::Set,
                    };
                    let fname = match kind {
                        MethodKind::Get => format!("get {static_name}"),
                        MethodKind::Set => format!("set {static_name}"),
                        MethodKind::Method => static_name,
                    };
                    let def = self.function(&m.value, Some(&fname), FuncKind::Method)?;
                    elements.push(ClassElement::Method { key, def, is_static: m.r#static, kind });
                }
                ast::ClassElement::PropertyDefinition(p) => {
                    if matches!(p.key, ast::PropertyKey::PrivateIdentifier(_)) {
                        return Err(unsupported(p.span.start, "private fields"));
                    }
                    let key = self.prop_key(&p.key, p.computed)?;
                    let static_name = match &key {
                        PropKey::Static(n) => Some(n.to_string()),
                        PropKey::Computed(_) => None,
                    };
                    let init = match &p.value {
                        Some(v) => Some(self.synthetic_method("", p.span, |this| {
                            Ok(Body::Expr(this.named_expr(v, static_name.as_deref())?))
                        })?),
                        None => None,
                    };
                    elements.push(ClassElement::Field { key, init, is_static: p.r#static });
                }
                ast::ClassElement::StaticBlock(b) => {
                    let def = self
                        .synthetic_method("", b.span, |this| Ok(Body::Block(this.block(&b.body, true)?)))?;
                    elements.push(ClassElement::StaticBlock(def));
                }
                ast::ClassElement::AccessorProperty(a) => {
                    return Err(unsupported(a.span.start, "`accessor` fields"));
                }
                ast::ClassElement::TSIndexSignature(t) => {
                    return Err(unsupported(t.span.start, "TypeScript syntax"));
                }
            }
        }
        let constructor = match constructor {
            Some(c) => c,
            // 15.7.14 step 14: a default constructor (an empty body; a derived one passes its
            // arguments to the parent constructor without the array iterator).
            None => Rc::new(FuncDef {
                name: name.clone(),
                self_binding: false,
                params: Vec::new(),
                rest: None,
                body: Body::Block(Block::default()),
                is_arrow: false,
                is_async: false,
                is_generator: false,
                strict: true,
                var_names: Vec::new(),
                uses_arguments: false,
                length: 0,
                source: self.text(c.span),
                kind: FuncKind::ClassConstructor { derived, default: true },
                suspends: false,
                name_value: Default::default(),
                prologue: Default::default(),
            }),
        };
        Ok((constructor, elements))
    }
}

fn decl_kind(kind: ast::VariableDeclarationKind, span: Span) -> R<DeclKind> {
    match kind {
        ast::VariableDeclarationKind::Var => Ok(DeclKind::Var),
        ast::VariableDeclarationKind::Let => Ok(DeclKind::Let),
        ast::VariableDeclarationKind::Const => Ok(DeclKind::Const),
        _ => Err(unsupported(span.start, "`using` declarations")),
    }
}

fn binding_names(p: &ast::BindingPattern<'_>, out: &mut Vec<(Name, u32)>, names: &mut Interner) {
    match p {
        ast::BindingPattern::BindingIdentifier(id) => out.push((names.get(id.name.as_str()), id.span.start)),
        ast::BindingPattern::AssignmentPattern(a) => binding_names(&a.left, out, names),
        ast::BindingPattern::ObjectPattern(o) => {
            for prop in &o.properties {
                binding_names(&prop.value, out, names);
            }
            if let Some(r) = &o.rest {
                binding_names(&r.argument, out, names);
            }
        }
        ast::BindingPattern::ArrayPattern(a) => {
            for e in a.elements.iter().flatten() {
                binding_names(e, out, names);
            }
            if let Some(r) = &a.rest {
                binding_names(&r.argument, out, names);
            }
        }
    }
}

/// Removes the [`Stmt::Sync`] marks of a statement's direct child statements (those of its
/// blocks included), the statement itself being marked: below a mark there is none, since
/// each was removed the same way when it was made.
fn unmark_children(stmt: &mut Stmt) {
    fn unmark(s: &mut Stmt) {
        if let Stmt::Sync(inner) = s {
            *s = std::mem::replace(&mut **inner, Stmt::Empty);
        }
    }
    fn unmark_block(b: &mut Block) {
        b.stmts.iter_mut().for_each(unmark);
    }
    match stmt {
        Stmt::If(_, then, otherwise) => {
            unmark(then);
            if let Some(o) = otherwise {
                unmark(o);
            }
        }
        Stmt::Block(b) => unmark_block(b),
        Stmt::For(f) => unmark(&mut f.body),
        Stmt::ForOf(f) => unmark(&mut f.body),
        Stmt::ForIn(f) => unmark(&mut f.body),
        Stmt::While(_, body) | Stmt::DoWhile(body, _) | Stmt::Labeled(_, body) | Stmt::With(_, body) => {
            unmark(body)
        }
        Stmt::Try(t) => {
            unmark_block(&mut t.block);
            if let Some((_, b)) = &mut t.catch {
                unmark_block(b);
            }
            if let Some(b) = &mut t.finally {
                unmark_block(b);
            }
        }
        Stmt::Switch(sw) => {
            for (_, stmts) in &mut sw.cases {
                stmts.iter_mut().for_each(unmark);
            }
        }
        Stmt::Expr(_)
        | Stmt::Var(_)
        | Stmt::Return(_)
        | Stmt::Break(_)
        | Stmt::Continue(_)
        | Stmt::Throw(..)
        | Stmt::Class(..)
        | Stmt::Empty
        | Stmt::Sync(_) => {}
    }
}

/// The names a lowered binding pattern declares.
pub(crate) fn pattern_names(p: &Pattern, out: &mut Vec<Name>) {
    match p {
        Pattern::Ident(n) => out.push(n.clone()),
        Pattern::Target(id, _) => out.push(id.name.clone()),
        Pattern::Default(p, _) => pattern_names(p, out),
        Pattern::Object { props, rest, .. } => {
            for (_, p) in props {
                pattern_names(p, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
        Pattern::Array { elems, rest, .. } => {
            for p in elems.iter().flatten() {
                pattern_names(p, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
        Pattern::Member(_) => {}
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(source: &str, offset: u32) -> (usize, usize) {
    let offset = (offset as usize).min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The text of the line holding a byte offset.
pub(crate) fn line_text(source: &str, offset: u32) -> &str {
    let offset = (offset as usize).min(source.len());
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
    &source[start..end]
}

/// Identifier names, one shared string each (`value1` mentioned a thousand times is one
/// allocation, not a thousand), and the identifier references' records ([`IdentRef`]) with
/// whether their name is bound anywhere. Lives for one `parse`.
#[derive(Default)]
struct Interner {
    names: HashSet<Name>,
    /// Each referenced name's record, and whether a use that may bind it was met. A name in
    /// `names` but not here was only met in such uses (or as a key, see [`Interner::key`],
    /// which a later binding use marks here all the same).
    refs: HashMap<Name, (Rc<IdentRef>, bool)>,
    /// The names met only as keys so far (property names, `typeof` operands): not bound.
    keys: HashSet<Name>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> Name {
        if let Some(n) = self.names.get(name) {
            return n.clone();
        }
        let n: Name = name.into();
        self.names.insert(n.clone());
        n
    }

    /// A name in a use that may bind it.
    fn get(&mut self, name: &str) -> Name {
        if let Some((_, bound)) = self.refs.get_mut(name) {
            *bound = true;
        }
        self.keys.remove(name);
        self.intern(name)
    }

    /// A name in a use that does not bind it.
    fn key(&mut self, name: &str) -> Name {
        if !self.names.contains(name) {
            self.keys.insert(name.into());
        }
        self.intern(name)
    }

    /// A reference's record: one per name.
    fn reference(&mut self, name: &str) -> Rc<IdentRef> {
        if let Some((r, _)) = self.refs.get(name) {
            return r.clone();
        }
        // Met before in a use that may bind it (not only as a key), or the implicit binding
        // of every non-arrow function.
        let bound = (self.names.contains(name) && !self.keys.contains(name)) || name == "arguments";
        let n = self.intern(name);
        let r = IdentRef::cacheable(n.clone());
        self.refs.insert(n, (r.clone(), bound));
        r
    }

    /// At the end of a script's lowering: marks the records of the names bound nowhere.
    fn mark_unbound(&self) {
        for (r, bound) in self.refs.values() {
            r.unbound.set(!bound);
        }
    }
}
