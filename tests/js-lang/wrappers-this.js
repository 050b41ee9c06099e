// Primitive wrapper objects (ECMA-262 Table 16, ToObject) and sloppy-mode this (OrdinaryCallBindThis
// step 6.b boxes a primitive; strict code sees it as it is).
console.log(Object('ab').toString(), Object(5) + 1, typeof Object(true).valueOf(), Object(1n) + 1n);
console.log(typeof (function () { return this; }).call(1), typeof (function () { 'use strict'; return this; }).call(1));
console.log((function () { return this instanceof Number; }).call(5), (function () { return this.toFixed(1); }).call(5), (function () { return this + '!'; }).call('s'));
console.log(new Number(3), new String('ab'), new Boolean(false), Object(2n), Object('x').length, Object('xy')[1], typeof new Number(1));
console.log([new Number(1), new String('q')], String(new String('z')), new Boolean(false) ? 'truthy' : 'falsy', JSON.stringify({ a: new Number(4) }));
console.log(Object.prototype.toString.call(Object(1)), Object.prototype.toString.call(new String('')), Object.prototype.toString.call(true));
for (const f of [() => String.prototype.toString.call({}), () => Number.prototype.valueOf.call('1'), () => Boolean.prototype.toString.call(1)]) {
  try { f(); } catch (e) { console.log(e.constructor.name); }
}
class N extends Number {} const n = new N(7); console.log(n instanceof N, n + 1, n.toFixed(2));
