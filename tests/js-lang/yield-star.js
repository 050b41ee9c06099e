// yield* over any iterable: arrays, strings, generators, hand-written iterators.
function* inner() {
  const a = yield 'i1';
  console.log('inner got', a);
  try {
    yield 'i2';
  } catch (e) {
    console.log('inner caught', e);
    yield 'i3';
  } finally {
    console.log('inner finally');
  }
  return 'inner-done';
}
function* outer() {
  yield* [1, 2];
  yield* 'ab';
  const r = yield* inner();
  console.log('outer got', r);
  yield 'o-last';
}
const g = outer();
console.log(JSON.stringify([...outer()]));
for (let i = 0; i < 6; i++) console.log(JSON.stringify(g.next('n' + i)));
console.log(JSON.stringify(g.throw('boom')));
console.log(JSON.stringify(g.next()));
console.log(JSON.stringify(g.next()));

// return() forwarded to the inner iterator.
const g2 = outer();
g2.next(); g2.next(); g2.next(); g2.next(); g2.next();
console.log(JSON.stringify(g2.return('R')));
console.log(JSON.stringify(g2.next()));

// A hand-written iterator: the result object is passed through as it is.
const log = [];
const custom = {
  [Symbol.iterator]() { log.push('@@iterator'); return this; },
  get next() { log.push('get next'); return function (v) { log.push('next ' + v); return { value: v, done: v === 'stop', extra: 1 }; }; },
  return(v) { log.push('return ' + v); return { value: 'from-return', done: true }; },
};
function* wrap() { const r = yield* custom; log.push('result ' + r); }
const w = wrap();
const first = w.next('ignored');
console.log(JSON.stringify(first), Object.keys(first).join());
console.log(JSON.stringify(w.next('x')));
console.log(JSON.stringify(w.next('stop')));
console.log(log.join(' | '));
const w2 = wrap(); w2.next();
console.log(JSON.stringify(w2.return('bye')), log.slice(-1)[0]);

// throw() into an iterator without a throw method: IteratorClose, then a TypeError.
const noThrow = { [Symbol.iterator]() { return { next() { return { value: 0, done: false }; }, return() { console.log('closed'); return {}; } }; } };
const w3 = (function* () { yield* noThrow; })();
w3.next();
try { w3.throw(new Error('x')); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
console.log(JSON.stringify(w3.next()));

// Non-object results and non-iterables.
try { (function* () { yield* { [Symbol.iterator]() { return { next() { return 3; } }; } }; })().next(); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
try { (function* () { yield* 5; })().next(); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
const retNonObj = { [Symbol.iterator]() { return { next() { return { done: false }; }, return() { return 1; } }; } };
const w4 = (function* () { yield* retNonObj; })(); w4.next();
try { w4.return(); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }

// A return method that refuses to finish keeps the delegation going.
let n = 0;
const stubborn = { [Symbol.iterator]() { return { next() { return { value: 'v' + n++, done: false }; }, return(v) { return { value: 'still ' + v, done: false }; } }; } };
const w5 = (function* () { try { yield* stubborn; } finally { console.log('w5 finally'); } })();
w5.next();
console.log(JSON.stringify(w5.return('a')));
console.log(JSON.stringify(w5.next()));

// Recursive delegation.
function* tree(t) { if (Array.isArray(t)) { for (const c of t) yield* tree(c); } else { yield t; } }
console.log([...tree([1, [2, [3, 4]], [[5]]])].join(','));
