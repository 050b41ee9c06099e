// A read-only array length (a definition with writable: false, a frozen array) and the
// mutating methods on frozen, sealed and non-extensible arrays: the spec's steps in order,
// with V8's messages.
function t(f){ try { console.log(f()); } catch (e) { console.log(e.constructor.name + ': ' + e.message); } }
{
const a = [1,2,3]; Object.defineProperty(a, 'length', { writable: false });
console.log(JSON.stringify(Object.getOwnPropertyDescriptor(a, 'length')), Object.isFrozen(a), Object.isSealed(a));
t(() => a.push(4)); t(() => a.pop()); t(() => a.shift()); t(() => a.unshift(0)); t(() => a.splice(0,1));
t(() => { a[3] = 4; return a.length + ' ' + (3 in a); });
t(() => { 'use strict'; a[3] = 4; }); t(() => { 'use strict'; a.length = 1; }); t(() => { a.length = 1; return a.length; });
t(() => { a[0] = 9; return a.join(); }); t(() => Reflect.defineProperty(a, 'length', { value: 3 })); t(() => Reflect.defineProperty(a, 'length', { value: 2 }));
t(() => Reflect.defineProperty(a, 'length', { writable: true })); t(() => Reflect.defineProperty(a, '5', { value: 1 }));
t(() => a.reverse().join()); t(() => a.fill(0).join());
const b = [1,2,3,4]; Object.defineProperty(b, 1, { value: 'x', configurable: false });
t(() => Reflect.defineProperty(b, 'length', { value: 0, writable: false }));
console.log(b.length, JSON.stringify(Object.getOwnPropertyDescriptor(b, 'length')), b);
const c = [1,2,3]; t(() => Reflect.defineProperty(c, 'length', { value: 1, writable: false })); console.log(c, JSON.stringify(Object.getOwnPropertyDescriptor(c, 'length')));
const f = Object.freeze([1,2]); console.log(Object.isFrozen(f), JSON.stringify(Object.getOwnPropertyDescriptor(f, 'length')));
t(() => f.push(3)); t(() => { 'use strict'; f.length = 0; });
const g = Object.freeze(new Array(4)); console.log(Object.isFrozen(g), Object.isFrozen(Object.freeze([])));
const s = Object.seal([1]); console.log(Object.isSealed(s), Object.isFrozen(s), JSON.stringify(Object.getOwnPropertyDescriptor(s, 'length')));
const h = []; Object.defineProperty(h, 'length', { value: 0, writable: false }); console.log(Object.isFrozen(Object.preventExtensions(h)));
}
{
const f = Object.freeze([1,2]);
t(() => f.push()); t(() => f.push(3)); t(() => f.pop()); t(() => f.shift()); t(() => f.unshift()); t(() => f.unshift(0)); t(() => f.splice(0,1)); t(() => f.splice(0,0)); t(() => f.reverse()); t(() => f.sort()); t(() => f.fill(0)); t(() => f.copyWithin(0, 1));
const e = Object.freeze([]); t(() => e.pop()); t(() => e.shift());
const s = Object.seal([1,2]); t(() => s.push(3)); t(() => s.pop()); t(() => s.shift()); t(() => s.unshift(0)); t(() => s.splice(0,1)); t(() => s.reverse());
const n = Object.preventExtensions([1,2]); t(() => n.push(3)); t(() => n.pop()); t(() => n.unshift(0));
}
{
const x = Object.freeze([1,2]); console.log(Object.isFrozen(x), JSON.stringify(Object.getOwnPropertyDescriptor(x,'length')));
const d = Object.freeze(new Array(4)); console.log(Object.isFrozen(d), JSON.stringify(Object.getOwnPropertyDescriptor(d,'length')));
const e = []; e.length = 3; Object.freeze(e); console.log(Object.isFrozen(e), JSON.stringify(Object.getOwnPropertyDescriptor(e,'length')));
const f = Object.freeze([]); console.log(Object.isFrozen(f));
}
// User code in a comparator or a valueOf freezes the array part-way through.
const p = [3, 1, 2];
t(() => p.sort((x, y) => { Object.freeze(p); return x - y; }));
console.log(p, Object.isFrozen(p));
const q = [1, 2, 3, 4];
t(() => q.splice({ valueOf() { Object.seal(q); return 1; } }, 2));
console.log(q);
const r = [1, 2, 3];
t(() => r.fill(0, { valueOf() { Object.freeze(r); return 0; } }));
console.log(r);
const u = [1, 2, 3];
t(() => u.copyWithin(0, { valueOf() { Object.defineProperty(u, 'length', { writable: false }); return 1; } }));
console.log(u, u.length);
