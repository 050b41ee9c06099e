// Assignments to a name (`x = v`, `x += v`, `x++`, destructuring) resolve the name as a read
// does; settle caches where (docs/design.md, "settle-js name resolution"), and these are the
// cases where the cached answer must still be the walk's. Recorded from Node v20.

// Compound assignment under `with` resolves the name again for the write (V8's order): the
// right-hand side deletes the object's property, so the write goes to the outer `x`.
var x = 1;
var o = { x: 1 };
with (o) { x += (delete o.x, 10); }
console.log(o.x, x);

// The other way round: the right-hand side adds the property; the read was the outer one.
var y = 5;
var p = {};
with (p) { y += (p.y = 100, 1); }
console.log(p.y, y);

// `x++` and `x = v` under `with`, in a loop, while the property comes and goes.
var z = 0;
var q = {};
function inWith() {
  with (q) {
    for (var i = 0; i < 4; i++) {
      if (i === 2) q.z = 50;
      z++;
      z = z * 2;
    }
  }
}
inWith();
console.log(q.z, z);

// A sloppy direct eval that adds a `var` in a function's scope shadows the outer name for
// the assignments already run once (their cached slot was the outer one).
var w = 0;
function evalAdds(n) {
  const log = [];
  for (let i = 0; i < n; i++) {
    w += 1;
    w = w * 10;
    if (i === 1) eval('var w = 7');
    log.push(w);
  }
  return log;
}
console.log(evalAdds(4), w);

// Assignments inside a closure made per iteration write that iteration's binding.
const fs = [];
for (let k = 0; k < 3; k++) {
  let acc = k;
  fs.push(() => { acc += 10; acc = acc * 2; return acc; });
}
console.log(fs.map((f) => f()), fs.map((f) => f()));

// Destructuring assignment targets, defaults and compound forms on locals and globals.
let a = 1, b = 2;
for (let r = 0; r < 3; r++) {
  [a, b] = [b, a + b];
  ({ a, c: b = a * 3 } = { a: b });
}
console.log(a, b);
var g1;
for (let r = 0; r < 3; r++) { g1 = r; g1 ||= 9; g1 &&= g1 + 1; g1 ??= 0; }
console.log(g1, globalThis.g1);

// The dead zone and `const` are still errors through the cache (after it was filled).
function tdz(first) {
  if (!first) {
    try { t = 1; } catch (e) { console.log(e.constructor.name, e.message); }
  }
  let t = 0;
  t += 1;
  return t;
}
tdz(true); tdz(true); tdz(false);
function constant(n) {
  const c = 1;
  for (let i = 0; i < n; i++) {
    try { c += 1; } catch (e) { console.log(i, e.constructor.name, e.message); }
  }
  return c;
}
console.log(constant(2));

// A strict assignment to an undeclared name throws; a sloppy one creates a global.
(function () { 'use strict'; try { undeclared1 = 1; } catch (e) { console.log(e.message); } })();
(function () { for (let i = 0; i < 2; i++) undeclared2 = i; })();
console.log(globalThis.undeclared2);

// A mapped parameter stays mapped when assigned through the cache.
function mapped(m) { for (let i = 0; i < 2; i++) { m += 1; } return [m, arguments[0]]; }
console.log(mapped(1));
// String and BigInt updates go through the general path.
let s = '1', big = 1n;
for (let i = 0; i < 2; i++) { s++; big++; s += ''; }
console.log(s, big);
