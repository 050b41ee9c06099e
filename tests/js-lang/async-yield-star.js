// yield* in async generators: delegation to async generators, sync iterables and hand-written
// async iterators, with next/throw/return forwarded, against a then chain. (Kept out of
// examples/js: Boa 0.22 runs a `return(promise)` forwarded through yield* a tick late and words
// the missing-throw TypeError differently.)
function ruler(label, n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => console.log(label + i));
  return p;
}
async function* inner() {
  try {
    const a = yield 'i1';
    console.log('inner got', a);
    yield Promise.resolve('i2');
  } catch (e) {
    console.log('inner caught', e);
    yield 'i3';
  } finally {
    console.log('inner finally');
  }
  return 'inner result';
}
async function* outer() {
  const r = yield* inner();
  console.log('outer got', r);
  yield* [Promise.resolve('s1'), 's2'];
  return 'outer done';
}
async function main() {
  const show = (label) => (r) => console.log(label, JSON.stringify(r));
  const g = outer();
  g.next('ignored').then(show('n1'));
  g.next('hello').then(show('n2'));
  g.next().then(show('n3'));
  g.next().then(show('n4'));
  g.next().then(show('n5'));
  g.next().then(show('n6'));
  await ruler('t', 16);

  const g2 = outer();
  await g2.next();
  g2.throw('boom').then(show('throw'));
  g2.next().then(show('after throw'));
  await ruler('u', 8);

  const g3 = outer();
  await g3.next();
  g3.return(Promise.resolve('R')).then(show('return'));
  await ruler('v', 8);

  // Return into a sync iterable delegated from an async generator.
  const g4 = (async function* () { yield* { [Symbol.iterator]() { return { next: () => ({ value: 1, done: false }), return: (v) => { console.log('sync return', v); return { value: v, done: true }; } }; } }; })();
  await g4.next();
  console.log(JSON.stringify(await g4.return('bye')));

  // A hand-written async iterator without throw: closed, then a TypeError.
  const noThrow = { [Symbol.asyncIterator]() { return { next: async () => ({ value: 'x', done: false }), return: async () => { console.log('closed'); return {}; } }; } };
  const g5 = (async function* () { yield* noThrow; })();
  await g5.next();
  try { await g5.throw(new Error('e')); } catch (e) { console.log(e.constructor.name, e.message); }

  // Recursive delegation with awaits in between.
  async function* walk(t) {
    if (Array.isArray(t)) { for (const c of t) { await null; yield* walk(c); } } else yield t;
  }
  const seen = [];
  for await (const v of walk([1, [2, [3]], 4])) seen.push(v);
  console.log(seen.join(','));
}
main();
