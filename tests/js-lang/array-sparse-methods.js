// The Array methods over a sparse array's length (a far index or length is a property and a
// recorded length, not holes in the vector; an index can also be an ordinary property with
// its own attributes): each follows its spec steps (Get of each index, HasProperty for
// holes), visiting only the indices present, as Node does. Recorded with node v20.
// Searches of a far index, first: Node answers them at once only while no prototype has an
// index property (the 'proto hole' case below sets one).
{
  const a = [];
  a[4294967294] = 1;
  console.log('big search', [a.lastIndexOf(1), a.includes(1), a.includes(undefined), a.lastIndexOf(1, -1)]);
}
function far() { const a = [1, 2, 3]; a[5000] = 'z'; return a; }
function show(label, f) { try { console.log(label, f()); } catch (e) { console.log(label, e.constructor.name, e.message); } }
const keys = (a) => [a.length, Object.keys(a).join()];
show('indexOf', () => [far().indexOf('z'), far().indexOf(2), far().indexOf(undefined), far().indexOf('z', -1), far().indexOf(2, 2)]);
show('lastIndexOf', () => [far().lastIndexOf('z'), far().lastIndexOf(1), far().lastIndexOf('z', 4000), far().lastIndexOf(2, -4999), [1,2,1].lastIndexOf(1, 1), [1,2,1].lastIndexOf(1, -3)]);
show('includes', () => [far().includes('z'), far().includes(undefined), far().includes(3, 4), [1, 2].includes(1, 1)]);
show('join', () => { const s = far().join('-'); return [s.length, s.slice(0, 8), s.slice(-4)]; });
show('toString', () => String(far()).length);
show('shift', () => { const a = far(); const v = a.shift(); return [v, ...keys(a), a[4999]]; });
show('unshift', () => { const a = far(); const n = a.unshift('p', 'q'); return [n, ...keys(a), a[5002]]; });
show('splice del', () => { const a = far(); const r = a.splice(1, 2); return [r, ...keys(a), a[4998]]; });
show('splice ins', () => { const a = far(); const r = a.splice(1, 0, 'x', 'y'); return [r, ...keys(a), a[5002]]; });
show('splice repl', () => { const a = far(); const r = a.splice(4999, 3, 'w'); return [r, ...keys(a)]; });
show('splice far', () => { const a = far(); const r = a.splice(2, 4990); return [r.length, Object.keys(r).join(), ...keys(a)]; });
show('sort', () => { const a = far(); a.sort(); return keys(a).concat([a[0], a[3]]); });
show('sort fn', () => { const a = far(); a[10] = 0; a.sort((x, y) => (x > y ? -1 : x < y ? 1 : 0)); return [...keys(a), a.slice(0, 5)]; });
show('reverse', () => { const a = far(); a.reverse(); return [...keys(a), a[0], a[5000]]; });
show('fill', () => { const a = far(); a.fill(0, 4998); return keys(a); });
show('slice', () => { const s = far().slice(2); return [...keys(s), s[4998]]; });
show('slice2', () => { const s = far().slice(-3, 5001); return [s, s.length]; });
show('concat', () => { const c = far().concat([7], far()); return keys(c); });
show('copyWithin', () => { const a = far(); a.copyWithin(0, 4999); return [...keys(a), a[1]]; });
show('copyWithin2', () => { const a = far(); a.copyWithin(4999, 0, 3); return keys(a); });
show('spread', () => { const s = [...far()]; return [s.length, s[5000], s[10]]; });
show('for-of', () => { let n = 0; for (const v of far()) n += v === undefined ? 0 : 1; return n; });
show('destructure', () => { const [a, , c, d, ...rest] = far(); return [a, c, d, rest.length, rest[rest.length - 1]]; });
show('from', () => { const s = Array.from(far()); return [s.length, s[5000]]; });
show('forEach', () => { const seen = []; far().forEach((v, i) => seen.push(i)); return seen; });
show('map', () => { const m = far().map((v) => v + 1); return keys(m).concat(m[5000]); });
show('filter', () => far().filter(() => true));
show('reduce', () => far().reduce((x, y) => x + y));
show('reduceRight', () => far().reduceRight((x, y) => x + y));
show('every', () => far().every((x) => x !== undefined));
show('find', () => far().findIndex((x) => x === 'z'));
show('at', () => far().at(-1));
show('apply', () => Math.max.apply(null, far()));
show('entries', () => [...far().entries()].length);
show('length=', () => { const a = far(); a.length = 10; return keys(a); });
show('length= nc', () => { const a = far(); Object.defineProperty(a, 4000, { value: 'nc', enumerable: true }); a.length = 2; return keys(a); });
show('length= nc strict', () => { 'use strict'; const a = far(); Object.defineProperty(a, 4000, { value: 'nc', enumerable: true }); a.length = 2; return keys(a); });
show('nc element', () => { const a = [1, 2, 3, 4]; Object.defineProperty(a, 2, { value: 'nc', configurable: false, writable: true, enumerable: true }); a.length = 1; return [a, a.length]; });
show('nc element pop', () => { 'use strict'; const a = [1, 2, 3]; Object.defineProperty(a, 2, { configurable: false }); return a.pop(); });
show('nc element shift', () => { 'use strict'; const a = [1, 2, 3]; Object.defineProperty(a, 0, { writable: false }); return a.shift(); });
show('readonly', () => { const a = [1, 2, 3]; Object.defineProperty(a, 1, { writable: false }); a[1] = 9; return [a, Object.getOwnPropertyDescriptor(a, 1)]; });
show('getter', () => { const a = [1, 2, 3]; Object.defineProperty(a, 1, { get() { return 'g'; } }); return [a.join(), a.indexOf('g'), a.slice(), a.map(x => x)]; });
show('sealed length', () => { const a = Object.seal([1, 2, 3]); a.length = 1; return [a.length, a]; });
show('accessor past', () => { const a = []; Object.defineProperty(a, 3, { get() { return 'g'; }, configurable: true }); return [a.length, a.join()]; });
show('proto hole', () => { Array.prototype[4999] = 'P'; const a = far(); const r = [a.indexOf('P'), a.includes('P'), a.join('').length, a.slice(4998).length, [...a][4999]]; delete Array.prototype[4999]; return r; });
show('structuredClone', () => { const a = [1]; a.length = 3000; const e = far(); e.length = 9000; return [structuredClone(a).length, ...keys(structuredClone(e))]; });

// ArraySetLength step 17 (a non-configurable index stops the shrink), accessor elements,
// iteration and structured clones over the length.
var a = [1, 2, 3, 4, 5];
Object.defineProperty(a, 2, { value: 'nc', configurable: false, writable: true, enumerable: true });
try { (function () { "use strict"; a.length = 0; })(); } catch (e) { console.log(e.constructor.name, e.message); }
console.log(a.length, a);
var s = Object.seal([1, 2, 3]);
try { (function () { "use strict"; s.length = 1; })(); } catch (e) { console.log(e.constructor.name, e.message); }
console.log(s.length, s);
var b = [];
Object.defineProperty(b, 5, { get() { return 'g'; }, configurable: true });
console.log(b.length, b[5]);
var c = [];
c[4294967294] = 1;
c.length = 10;
console.log(c.length, Object.keys(c));
c[7000] = 'x';
c.length = 8000;
console.log(c.length, Object.keys(c), Reflect.defineProperty(c, 'length', {value: 3}), c.length);
var d = [1]; d.length = 5000;
console.log([...d].length, Array.from(d).length, d.keys().next(), [...d.entries()].length);
var sc = structuredClone(d);
console.log(sc.length);
var e = [1, 2]; e[3000] = 3;
console.log(structuredClone(e).length, Object.keys(structuredClone(e)));

// A far index (4294967294): the operations Node finishes, without 2^32 steps.
var big = () => { const a = []; a[4294967294] = 1; return a; };
show('indexOf from', () => big().indexOf(1, -3));
show('concat', () => big().concat([2]).length);
show('length=', () => { const a = big(); a.length = 10; return [a.length, Object.keys(a)]; });
show('slice', () => { const s = big().slice(4294967290); return [s, s.length]; });
show('copyWithin', () => { const a = big(); a.copyWithin(0, 4294967294); return [a.length, Object.keys(a)]; });
show('fill', () => { const a = big(); a.fill(0, 4294967290); return Object.keys(a); });
show('at', () => big().at(-1));
show('splice end', () => { const a = big(); return [a.splice(4294967294, 1), a.length]; });
show('pop', () => { const a = big(); return [a.pop(), a.length]; });
show('push', () => { const a = big(); return a.push(3); });
show('keys', () => big().keys().next());
show('inspect', () => big());
show('clone', () => { const a = big(); return structuredClone(a); });
show('JSON', () => JSON.stringify(big()).length);
var a_ = [1, 2, 3]; a_[5000] = 'z'; console.log(a_);
var b_ = [1, 2, 3]; Object.defineProperty(b_, 1, { get() { return 'g'; } }); console.log(b_);
var c_ = []; c_[4294967294] = 1; c_[0] = 0; console.log(c_);
var d_ = [1,2,3]; Object.defineProperty(d_, 1, { writable: false }); console.log(d_);
