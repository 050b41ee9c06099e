// A function's `length` and `name` (implied by its slots until used, issue 16): key order,
// descriptors, redefinition, deletion, assignment, freezing, class statics, bound and native
// functions, and the console's view after each change.
'use strict';
const out = [];
const log = (x) => out.push(typeof x === 'string' ? x : JSON.stringify(x));
function f(a, b) {}
log(Object.getOwnPropertyNames(f));
log(Reflect.ownKeys(() => 1));
log(Reflect.ownKeys(async function () {}));
log(Object.getOwnPropertyDescriptor(f, 'name'));
log(Object.getOwnPropertyDescriptor(f, 'length'));
const g = function (x) {};
g.extra = 1;
log(Object.getOwnPropertyNames(g));
const h = (x, y, z) => 0;
Object.defineProperty(h, 'name', { value: 'renamed' });
log([h.name, Object.getOwnPropertyNames(h)]);
const k = (x) => 0;
Object.defineProperty(k, 'length', { value: 9, writable: true });
k.length = 10;
log([k.length, Object.getOwnPropertyDescriptor(k, 'length')]);
const d = function named(x) {};
log(delete d.name);
log([d.name, d.hasOwnProperty('name'), Object.getOwnPropertyNames(d)]);
log(delete d.length);
log([d.length, Object.getOwnPropertyNames(d)]);
try { d.prototype.x = 1; (function (a) {}).name = 'x'; log('no throw'); } catch (e) { log(e.constructor.name); }
try { const q = (a) => 0; q.length = 3; log('no throw'); } catch (e) { log(e.constructor.name); }
class A { static name() { return 'static'; } static length = 5; }
log([typeof A.name, A.name(), A.length, Object.getOwnPropertyNames(A)]);
class B {}
log(Object.getOwnPropertyNames(B));
const bound = f.bind(null, 1);
log([bound.name, bound.length, Object.getOwnPropertyNames(bound)]);
const nb = Promise.resolve;
log([nb.name, nb.length, Object.getOwnPropertyNames(nb)]);
let resolveFn;
new Promise((r) => { resolveFn = r; });
log([resolveFn.name, resolveFn.length, Object.getOwnPropertyNames(resolveFn)]);
const keys = [];
for (const key in f) keys.push(key);
log(keys);
log(Object.keys(f));
const fr = function (a) {};
Object.freeze(fr);
log([Object.isFrozen(fr), Object.getOwnPropertyDescriptor(fr, 'name')]);
const o = { m() {}, ['c' + 1]: function () {}, get gg() { return 1; } };
log([o.m.name, o.c1.name, Object.getOwnPropertyNames(o.c1)]);
log('name' in function () {});
log((function () {}).hasOwnProperty('length'));
const s = Symbol('sym');
const os = { [s]: () => 0 };
log([os[s].name, Object.getOwnPropertyNames(os[s])]);
console.log(out.join('\n'));
{
  function f(a) {}
  console.log(Object.getOwnPropertyNames(f));
  console.log(f.name, f.length);
  f.x = 1;
  console.log(f);
  console.log([function () {}, () => 1, async () => 1, Math.max]);
  const g = () => 1;
  Object.defineProperty(g, 'name', { value: 'gg', enumerable: true });
  console.log(g, Object.keys(g));
  console.log(Object.getOwnPropertyDescriptors(function zz(a, b, c) {}));
  Object.defineProperty(Math.max, 'name', { value: 'mx' });
  console.log(Math.max.name, Object.getOwnPropertyNames(Math.max));
  delete Math.min.name;
  console.log(Math.min.name, Object.getOwnPropertyNames(Math.min));
  console.log(JSON.stringify(Object.entries(Object.getOwnPropertyDescriptors(Promise.all))));
}
