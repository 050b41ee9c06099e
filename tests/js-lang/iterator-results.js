// Iterator result objects (CreateIteratorResultObject, made with their two properties at once,
// issue 16) and a new function's `prototype` (added while `length` and `name` are implied).
'use strict';
const it = [1, 2][Symbol.iterator]();
const first = it.next();
console.log(first, Object.getOwnPropertyNames(first), Object.getPrototypeOf(first) === Object.prototype);
console.log(Object.getOwnPropertyDescriptors(first));
first.extra = 'x';
delete first.value;
console.log(first, Object.keys(first));
console.log(it.next(), it.next(), it.next());
function* gen() { yield 'g'; }
const g = gen();
console.log(g.next(), g.next());
console.log([...new Set(['a', 'b'])], Array.from('hi'));
function F() {}
console.log(Object.getOwnPropertyNames(F), Object.getOwnPropertyNames(F.prototype), F.prototype.constructor === F);
console.log(Object.getOwnPropertyDescriptor(F, 'prototype'));
F.prototype = { replaced: true };
console.log(Object.getOwnPropertyNames(F), F.name, F.length);
function* G() {}
console.log(Object.getOwnPropertyNames(G), Object.getOwnPropertyNames(G.prototype));
const holes = [1, , 3];
console.log([...holes], Array.from(holes.entries()), Array.from(holes.keys()));
Array.prototype[1] = 'from the prototype';
console.log([...holes], [...[, ,]]);
delete Array.prototype[1];
const growing = [1, 2];
const seen = [];
for (const v of growing) {
  seen.push(v);
  if (growing.length < 4) growing.push(v * 10);
  if (v === 2) growing[3] = 'replaced';
}
console.log(seen);
const like = { length: 2, 0: 'a', 1: 'b', [Symbol.iterator]: Array.prototype[Symbol.iterator] };
console.log([...like]);
