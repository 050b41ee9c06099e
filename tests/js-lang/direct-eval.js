// Direct eval (19.2.1.1 PerformEval with direct true).
globalThis.x = 'global x';
function reads() { var x = 'local x'; return eval('x'); }
console.log(reads(), (0, eval)('x'));

// A sloppy eval's var goes to the function's scope; a let stays in the eval.
function vars() {
  eval('var v = 1; let l = 2; function g() { return v + l; }');
  console.log(typeof v, typeof l, g());
  { eval('var inBlock = 3'); }
  console.log(inBlock);
}
vars();
console.log(typeof v, typeof inBlock);

// A strict eval (or an eval in strict code) has a var scope of its own.
function strictEval() { eval('"use strict"; var sv = 1'); return typeof sv; }
function strictCaller() { 'use strict'; eval('var sc = 1'); return typeof sc; }
console.log(strictEval(), strictCaller());
function strictWith() { 'use strict'; try { eval('with ({}) {}'); } catch (e) { return e.constructor.name + ': ' + e.message; } }
console.log(strictWith());

// this, arguments and new.target of the caller.
var obj = { m(a, b) { return eval('[this === obj, arguments.length, a + b]'); } };
console.log(obj.m(1, 2));
var arrow = function () { return (() => eval('arguments[0]'))(); };
console.log(arrow('from arguments'));

// A var that a let of the caller binds is a SyntaxError; a catch parameter may be.
function conflict() { let c = 1; try { eval('var c = 2'); } catch (e) { return e.constructor.name + ': ' + e.message; } }
console.log(conflict());
function conflictBlock() { { const d = 1; try { eval('var d'); } catch (e) { return e.message; } } }
console.log(conflictBlock());
function catchParam() { try { throw 1; } catch (e) { eval('var e = 2'); return e; } }
console.log(catchParam());

// eval in parameters: the default sees earlier parameters.
function params(a, b = eval('a * 2')) { return [a, b]; }
console.log(params(21));

// Assigning to an existing local through eval; the completion value.
function assigns() { var n = 1; eval('n = n + 41'); return n; }
console.log(assigns(), eval('1; if (true) { "yes"; }'), eval(42), eval());

// Not direct: eval?.(), a renamed eval, eval as a property.
function indirect() { var x = 'local'; var e = eval; return [e('x'), eval?.('x'), globalThis.eval('x')]; }
console.log(indirect());

// Closures made by eval code capture the caller's scope.
function counter() { var count = 0; var inc = eval('(function () { return ++count; })'); inc(); inc(); return count; }
console.log(counter());

// Nested direct evals, and eval inside with.
function nested() { var z = 1; eval('eval("var z2 = z + 1")'); return z2; }
console.log(nested());
function inWith() { var o = { w: 'from object' }; with (o) { return eval('w'); } }
console.log(inWith());

// A SyntaxError in the eval'd code is thrown at the call.
try { eval('let = ;'); } catch (e) { console.log(e.constructor.name); }

// In a parameter initializer, a var may not bind a parameter's name (they are in an
// Environment Record of their own there); other vars are seen by later parameters.
function paramConflict(a = eval('var a = 42')) { return a; }
try { paramConflict(); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
function paramVar(a = eval('var pv = 5'), b = pv) { return b; }
console.log(paramVar());

// A named function expression's own name is an immutable binding that sloppy code (an eval
// in it too) assigns to without effect.
var named = function self() { eval('self = 1'); self = 2; return typeof self; };
console.log(named());
var namedStrict = function self() { 'use strict'; try { eval('self = 1'); } catch (e) { return e.constructor.name; } };
console.log(namedStrict());
