// Map, Set, WeakMap and WeakSet (ECMA-262 24.1-24.4): SameValueZero keys, insertion order,
// iterators that see later additions and skip deletions, subclassing, Node's formatting and
// V8's error messages.
const m = new Map([["a", 1], ["b", { x: [1, 2] }], [NaN, "nan"], [-0, "zero"]]);
console.log(m, m.size, m.get(NaN), m.get(0), m.has(-0), m.get("zz"));
m.set("c", 3).set("a", 10);
console.log([...m.keys()], [...m.values()].length, [...m], Object.prototype.toString.call(m));
const it = m.entries();
console.log(it.next(), it[Symbol.iterator]() === it, Object.prototype.toString.call(it));
m.delete("b"); m.set("d", 4);
console.log([...it]);
console.log(it.next());
const s = new Set([1, 2, 2, "2", NaN, NaN]);
console.log(s, s.size, s.has(NaN), [...s.entries()][0], Set.prototype.keys === Set.prototype.values);
const order = [];
const s2 = new Set([1, 2, 3]);
s2.forEach((v) => { order.push(v); if (v === 1) { s2.delete(2); s2.add(4); } });
console.log(order);
const m2 = new Map();
for (let i = 0; i < 100; i++) m2.set(i, i);
const it2 = m2.keys();
for (let i = 0; i < 50; i++) it2.next();
for (let i = 0; i < 90; i++) if (i !== 60) m2.delete(i);
m2.set("end", 1);
console.log([...it2], m2.size);
const wm = new WeakMap(); const k = {}; wm.set(k, 1);
console.log(wm.get(k), wm.has({}), wm.delete(k), wm.has(k), wm);
const ws = new WeakSet([k]);
console.log(ws.has(k), ws);
class MyMap extends Map { constructor(x) { super(x); this.extra = 1 } }
const mm = new MyMap([[1, 2]]);
console.log(mm, mm instanceof Map, mm.get(1));
console.log(new Map(), new Set(), new Map([[{ a: 1 }, new Set([1])]]));
const big = new Map(); for (let i = 0; i < 30; i++) big.set("key" + i, i);
console.log(big);
const self = new Map(); self.set("me", self); console.log(self);
for (const f of [() => Map(), () => new Map([1]), () => Map.prototype.get.call({}, 1), () => new WeakMap().set(1, 1), () => new WeakSet().add("x"), () => new Set().forEach(1), () => new Map({})]) {
  try { f() } catch (e) { console.log(e.name + ": " + e.message) }
}
const sym = Symbol("s"); const wm2 = new WeakMap([[sym, 1]]); console.log(wm2.get(sym));
try { new WeakMap().set(Symbol.for("reg"), 1) } catch (e) { console.log(e.message) }
console.log(Map.name, Map.length, Set.length, Map.prototype[Symbol.iterator] === Map.prototype.entries, Map[Symbol.species] === Map);
for (const v of [1, "x", true, null, undefined, {}, [], [1,2], Symbol("s"), 10n, new Map(), /re/]) {
  let a, b, c;
  try { [1].forEach(v) } catch (e) { a = e.message }
  try { new Map([[1,1]]).forEach(v) } catch (e) { b = e.message }
  try { [1].map(v) } catch (e) { c = e.message }
  console.log(JSON.stringify([a, b, c]))
}
