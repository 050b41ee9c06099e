// for await over async iterables, sync iterables of promises, and its abrupt exits.
function ruler(label, n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => console.log(label + i));
  return p;
}
async function* agen() {
  try {
    yield 'a1';
    yield 'a2';
    yield 'a3';
  } finally {
    console.log('agen finally');
  }
}
const syncIterable = {
  [Symbol.iterator]() {
    let i = 0;
    return {
      next() { i++; console.log('sync next', i); return { value: i < 4 ? Promise.resolve('s' + i) : undefined, done: i >= 4 }; },
      return() { console.log('sync return'); return {}; },
    };
  },
};
async function main() {
  // 1. An async generator vs a then chain.
  const done1 = (async () => { for await (const v of agen()) console.log('got', v); })();
  await ruler('r', 8);
  await done1;
  // 2. A sync iterable of promises (CreateAsyncFromSyncIterator).
  const done2 = (async () => { for await (const v of syncIterable) console.log('got', v); })();
  await ruler('s', 10);
  await done2;
  // 3. An array of promises and plain values.
  for await (const v of [Promise.resolve(1), 2, new Promise(r => setTimeout(() => r(3), 5))]) console.log('array', v);
  // 4. break, return and throw close the iterator (AsyncIteratorClose).
  for await (const v of agen()) { console.log('break at', v); break; }
  for await (const v of syncIterable) { console.log('break at', v); break; }
  const early = await (async () => { for await (const v of agen()) { return 'returned ' + v; } })();
  console.log(early);
  try {
    for await (const v of agen()) { throw new Error('thrown at ' + v); }
  } catch (e) {
    console.log('caught', e.message);
  }
  outer: for (const i of [1, 2]) {
    for await (const v of agen()) { console.log('continue outer at', i, v); continue outer; }
  }
  // 5. A rejected promise in a sync iterable ends the loop with its reason (the iterator has
  // no return method: whether it is closed is where Node 20 and ES2025 differ, see
  // tests/spec_ticks_async_iteration.rs).
  try {
    for await (const v of { [Symbol.iterator]() { let n = 0; return { next() { n++; return { value: n === 2 ? Promise.reject(new Error('rejected value')) : n, done: n > 3 }; } }; } }) console.log('value', v);
  } catch (e) {
    console.log('caught', e.message);
  }
  // 6. A hand-written async iterator and destructuring heads.
  const pairs = { [Symbol.asyncIterator]() { let i = 0; return { next: () => Promise.resolve({ value: [i, i * i], done: i++ >= 3 }) }; } };
  for await (const [k, sq] of pairs) console.log(k, sq);
  let last;
  for await (last of agen());
  console.log('last', last);
  // 7. Not iterable at all.
  try { for await (const v of 5) console.log(v); } catch (e) { console.log(e.constructor.name); }
}
main().then(() => console.log('main done'));
