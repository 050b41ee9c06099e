// FunctionDeclarationInstantiation (10.2.11) for a function whose parameters contain
// expressions: parameter initializers see the parameters before them (a later one is in its
// temporal dead zone) and `arguments`, never the body's declarations (step 28: a separate
// variable environment, where a `var` of a parameter's name starts with its value).
function show(f) { try { console.log(JSON.stringify(f())); } catch (e) { console.log(e.constructor.name, e.message); } }
show(() => { function f(a, g = () => a) { var a = 2; return [a, g()]; } return f(1); });
show(() => { function f(a, g = () => a) { var a; return [a, g()]; } return f(1); });
show(() => { function f(a, g = () => a) { a = 3; return [a, g()]; } return f(1); });
show(() => { function f(g = () => x) { var x = 1; return g(); } return f(); });
show(() => { function f(g = () => typeof x) { var x = 1; return g(); } return f(); });
show(() => { function f(a = b, b = 1) { return [a, b]; } return f(); });
show(() => { function f(a = b, b = 1) { return [a, b]; } return f(5); });
show(() => { function f(a = arguments.length, b = arguments[0]) { return [a, b]; } return f(undefined, undefined, 3); });
show(() => { function f(a = 1, g = () => arguments) { var arguments; return [typeof arguments, arguments === g(), g().length]; } return f(9, undefined, 7); });
show(() => { function f(a = 1, g = () => arguments) { var arguments = 5; return [arguments, g().length]; } return f(9, undefined, 7); });
show(() => { function f(a = 1) { function a() {} return typeof a; } return f(); });
show(() => { function f(a = 1, g = () => a) { function a() {} return [typeof a, g()]; } return f(); });
show(() => { function f({ x = 1 }, g = () => x) { var x = 2; return [x, g()]; } return f({}); });
show(() => { function f([x] = [4], g = () => x) { var x; return [x, g()]; } return f(); });
show(() => { function f(...[x = 7]) { var x; return x; } return f(); });
show(() => { "use strict"; function f(a, g = () => a) { var a = 2; return [a, g()]; } return f(1); });
show(() => { function f(a, g = () => a) { eval("var a = 3"); return [a, g()]; } return f(1); });
show(() => { function f(a, g = (v) => a = v) { var a = 2; g(8); return a; } return f(1); });
show(() => { function f(a = 1, g = () => this.v) { var self = this; return g(); } return f.call({ v: 11 }); });
show(() => { const f = (a, g = () => a) => { var a = 2; return [a, g()]; }; return f(1); });
show(() => { function* f(a, g = () => a) { var a = 2; yield [a, g()]; } return f(1).next().value; });
show(() => { class C { m(a, g = () => a) { var a = 2; return [a, g(), super.constructor === Object]; } } return new C().m(1); });
show(() => { function f(x = 1) { var y = 2; { let z = 3; } return eval("x + y"); } return f(); });
show(() => { var x = 'outer'; function f(a = () => x, b = a()) { var x = 'inner'; return [b, a(), x]; } return [f(), f()]; });
show(() => { function g({ k = () => y, y }) { return k(); } return [g({ y: 1 }), g({ y: 2 })]; });
show(() => { async function f(a, g = () => a) { var a = 2; return [a, g()]; } f(1).then(v => console.log("async", JSON.stringify(v))); return 0; });
// A direct eval in an initializer, and in the body (the var environment is the body's).
show(() => { function f(a = eval("var z = 1"), b = () => z) { var z; return [z, b()]; } return f(); });
show(() => { function f(a = eval("var z = 1"), b = () => z) { return [z, b()]; } return f(); });
show(() => { function f(a = 1) { eval("var a = 5"); return a; } return f(); });
show(() => { function f(a = 1) { var g = () => a; eval("var a = 5"); return [a, g()]; } return f(); });
show(() => { function f(a = 1) { let q = 2; return eval("q + a"); } return f(); });
show(() => { function f(a = 1) { function inner() { return a; } var a = 3; return inner(); } return f(); });
show(() => { function f(a = 1, b = () => { a = 7; }) { var a; b(); return a; } return f(); });
