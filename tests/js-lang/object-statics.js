// Object statics by the spec: descriptors with Symbol keys, EnumerableOwnProperties (keys, values,
// entries read each value when they reach it), and Array methods on frozen, sealed and
// non-extensible arrays throwing as their Set and DeletePropertyOrThrow steps do.
const s = Symbol('foo');
const d = Object.getOwnPropertyDescriptors({ [s]: 1, x: 2 });
console.log(Object.getOwnPropertySymbols(d).length, d[s]);
console.log(Object.entries('ab'), Object.values([1, , 3]), Object.keys({ b: 1, 1: 2, a: 3, 0: 4 }));
const o = {}; Object.defineProperty(o, 'hidden', { value: 1 }); o.vis = 2; console.log(Object.keys(o), Object.values(o), Object.entries(o));
const getterSeen = []; const g = { get a() { getterSeen.push('a'); delete this.b; return 1; }, b: 2 };
console.log(Object.entries(g), getterSeen);
console.log(Object.preventExtensions(1), Object.isExtensible(1), Object.isFrozen(1));
const pe = Object.preventExtensions([1]); try { 'use strict'; pe.push(2); } catch (e) { console.log(e.constructor.name); } console.log(pe);
for (const [name, make] of [['frozen', () => Object.freeze([1, 2])], ['sealed', () => Object.seal([1, 2])], ['non-extensible', () => Object.preventExtensions([1, 2])]]) {
  const results = [];
  for (const op of [a => a.push(3), a => a.pop(), a => a.shift(), a => a.unshift(0), a => a.reverse(), a => a.fill(9), a => a.sort(), a => a.splice(0, 1), a => a.push()]) {
    const a = make();
    try { op(a); results.push(JSON.stringify(a)); } catch (e) { results.push(e.constructor.name); }
  }
  console.log(name, results.join(' '));
}
