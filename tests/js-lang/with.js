// `with` (ECMA-262 14.11): an object Environment Record (9.1.1.2) in the scope chain.
var o = { a: 1, f() { return this === o; }, get g() { return 'getter'; } };
var a = 'outer';
with (o) {
  // Reads through the object (a getter too); a function found there gets it as `this`.
  console.log(a, f(), g);
  a = 2;
  // A `var` is the function's, but its initializer assigns through the object environment.
  var b = 3;
}
console.log(o.a, a, b, 'b' in o);

// Symbol.unscopables hides a name: it resolves further out, for reads and writes.
var u = { x: 'ux', [Symbol.unscopables]: { x: true } };
var x = 'outer x';
with (u) { console.log(x); x = 'set'; }
console.log(x, u.x);

// Closures created inside capture the object environment, and see later changes to it.
function mk() { var y = 'local'; with ({ y: 'obj' }) { return () => y; } }
var fy = mk(); console.log(fy());
var oo = { z: 1 };
var fz; with (oo) { fz = function () { return z; }; }
console.log(fz()); oo.z = 5; console.log(fz()); delete oo.z;
console.log(typeof fz, (function () { try { return fz(); } catch (e) { return e.constructor.name; } })());

// delete and typeof of names in the object.
with (o) { console.log(delete a, o.a); }
console.log(typeof nothere);
with ({}) { console.log(typeof nothere2); }

// ToObject of the expression: null throws, primitives are wrapped.
try { with (null) {} } catch (e) { console.log(e.constructor.name, e.message); }
with ('str') { console.log(length, charAt(1)); }
// Array.prototype[Symbol.unscopables] hides the methods added after ES5.
with ([1, 2]) { console.log(typeof values, typeof length, typeof push); }

// HasBinding reads @@unscopables each time the name is resolved.
var cnt = 0;
var p = { get [Symbol.unscopables]() { cnt++; return {}; }, q: 1 };
with (p) { q; q = 2; }
console.log(cnt, p.q);

// A strict function called from within gets the object as `this` too (WithBaseObject).
function s() { 'use strict'; return typeof this; }
with ({ s }) { console.log(s()); }

// The completion value of a `with` statement; `with` in strict code is a SyntaxError.
console.log((0, eval)('with ({k: 8}) { k; }'));
try { (0, eval)('"use strict"; with ({}) {}'); } catch (e) { console.log(e.constructor.name, e.message); }

// Inside an async generator, around an await.
async function* gen(obj) {
  with (obj) {
    yield v;
    await null;
    v = 'changed';
    yield v;
  }
}
var go = { v: 'first' };
(async () => {
  for await (const v of gen(go)) console.log('yielded', v);
  console.log(go.v);
})();
