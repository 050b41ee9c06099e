// `o.name` keeps where the data property was found (interp.rs, get_named): on the object or
// its prototype, at a position in its property list. Each read must still be [[Get]]'s
// answer when the objects, their prototypes and their properties change. Recorded from
// Node v20.
'use strict';
const read = (o) => o.x;
const call = (o) => o.m();
const a = { x: 'a' };
const b = { y: 0, x: 'b' };
console.log(read(a), read(b), read(a), read({}), read({ x: undefined }));
a.x = 'a2';
console.log(read(a));
delete a.x;
console.log(read(a));
Object.defineProperty(a, 'x', { get() { return 'getter'; }, configurable: true });
console.log(read(a));
// On the prototype; then shadowed by an own property; then the prototype changes.
const proto = { x: 'proto', m() { return 'proto m'; } };
const c = Object.create(proto);
console.log(read(c), call(c));
c.x = 'own';
console.log(read(c));
delete c.x;
console.log(read(c));
proto.x = 'proto2';
console.log(read(c));
Object.setPrototypeOf(c, { x: 'other proto', m() { return 'other m'; } });
console.log(read(c), call(c));
// Properties before it deleted, so its position moves.
const d = { p: 1, q: 2, x: 'd' };
console.log(read(d));
delete d.p;
console.log(read(d));
// Deeper prototypes, null prototypes, and a prototype accessor.
const deep = Object.create(Object.create({ x: 'deep' }));
console.log(read(deep), read(Object.create(null)));
const acc = Object.create({ get x() { return 'proto getter'; } });
console.log(read(acc));
// Arrays, strings, functions and arguments objects keep their own rules.
console.log([1, 2].length, 'abc'.length, (function f(a, b) {}).length, (function () { return arguments.length; })(1, 2, 3));
const arr = [1];
arr.x = 'array own';
console.log(read(arr), read([]), read(Object.assign(() => 0, { x: 'fn own' })));
// Class instances and methods: many receivers at one site.
class Point {
  constructor(v) { this.v = v; }
  get double() { return this.v * 2; }
  m() { return 'point ' + this.v; }
}
const out = [];
for (const o of [new Point(1), c, new Point(2), { m: () => 'plain' }, Object.create(new Point(3))]) out.push(call(o));
console.log(out.join(' | '), new Point(4).double);
Point.prototype.m = function () { return 'replaced ' + this.v; };
console.log(call(new Point(5)));
// Reading through primitives.
console.log((5).toFixed(1), 'x'.toUpperCase(), true.toString());
try { read(undefined); } catch (e) { console.log(e.constructor.name, e.message); }
try { call(null); } catch (e) { console.log(e.constructor.name, e.message); }
