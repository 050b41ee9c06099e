// Array element reads and writes with Number keys (the integer key path, issue 16): holes,
// keys that are not array indices (2^32 - 1 and up, fractions, -0 and "-0", NaN), sparse
// writes, frozen, sealed and non-extensible arrays, and index properties on the prototypes.
'use strict';
const show = (label, v) => console.log(label, JSON.stringify(v), Array.isArray(v) ? v.length : '');
const a = [1, , 3];
show('holes', [a[0], a[1], a[2], a[3], 1 in a, a.length]);
a[1] = 'two';
a[5] = 'five';
show('filled', a);
console.log(Object.keys(a), 4 in a, a[4]);
const c = [];
c[4294967295] = 'not an index';
c[4294967296] = 'nor this';
c[1.5] = 'fraction';
c[-1] = 'negative';
c[NaN] = 'nan';
console.log(c.length, Object.keys(c), c[4294967295], c['4294967295'], c[1.5], c['1.5'], c[-1], c[NaN]);
const d = [];
d[-0] = 'minus zero';
console.log(d.length, Object.keys(d), d[0], d[-0], d['-0']);
d['-0'] = 'string minus zero';
console.log(d.length, Object.keys(d), d['-0'], d[0]);
const e = [10, 20, 30];
Object.freeze(e);
try { e[0] = 1; } catch (err) { console.log(err.constructor.name); }
try { e[3] = 1; } catch (err) { console.log(err.constructor.name); }
console.log(e);
const s = [10, 20];
Object.seal(s);
s[0] = 11;
try { s[2] = 1; } catch (err) { console.log(err.constructor.name); }
console.log(s);
const n = [1];
Object.preventExtensions(n);
n[0] = 2;
try { n[1] = 1; } catch (err) { console.log(err.constructor.name); }
console.log(n);
let seen = [];
Object.defineProperty(Array.prototype, 7, {
  configurable: true,
  get() { return 'from the prototype'; },
  set(v) { seen.push(v); },
});
const p = [];
p[7] = 'assigned';
console.log(p.length, p[7], Object.keys(p), seen);
delete Array.prototype[7];
Object.prototype[2] = 'object prototype';
const q = [0];
console.log(q[2], q[1]);
q[2] = 'own';
console.log(q, Object.prototype[2]);
delete Object.prototype[2];
Object.defineProperty(Object.prototype, 3, { value: 'read only', writable: false, configurable: true });
const r = [];
try { r[3] = 'x'; } catch (err) { console.log(err.constructor.name); }
console.log(r.length, r[3]);
delete Object.prototype[3];
const big = [];
big[100] = 1;
console.log(big.length, Object.keys(big), big[50]);
const o = {};
o[0] = 'zero';
o[1e21] = 'huge';
o[0.1] = 'tenth';
console.log(Object.keys(o), o['0'], o['1e+21'], o['0.1']);
const str = 'abc';
console.log(str[1], str[3], str[-0]);
const args = (function () { return arguments; })(1, 2);
args[0] = 'changed';
args[5] = 'new';
console.log(args[0], args[5], args.length);
const m = [1, 2, 3];
let total = 0;
for (let i = 0; i < m.length; i++) { m[i] *= 2; m[i]++; total += m[i]; }
console.log(m, total);
const inh = Object.create([5, 6]);
console.log(inh[0], inh[1], inh.length);
inh[0] = 'own on plain';
console.log(Object.keys(inh), inh[0]);
const w = [];
Object.setPrototypeOf(w, new String('xyz'));
try { w[1] = 'q'; } catch (err) { console.log(err.constructor.name); }
console.log(w[1], w[0], w.length, Object.keys(w));
const setterProto = [];
Object.setPrototypeOf(setterProto, { set 0(v) { console.log('setter got', v); } });
setterProto[0] = 'via setter';
console.log(Object.keys(setterProto), setterProto.length);
const sparse = [1, 2, 3];
delete sparse[1];
sparse[1] = 'refilled';
sparse[3] = 'appended';
console.log(sparse, sparse.length);
