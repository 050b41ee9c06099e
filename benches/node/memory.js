// Node's side of the memory table of docs/benchmarks.md (issue 16: "memory per pending promise
// with one reaction <= Node's"): V8 heap bytes per item, from `process.memoryUsage().heapUsed`
// after full collections, around 1e6 items kept alive at once.
//
//   node --expose-gc benches/node/memory.js
//
// The settle side is tests/memory_figures.rs. Each figure here is the growth of the V8 heap
// divided by the count, minus the array slot that keeps an item alive (measured as the array
// of numbers, "array slot"), so it compares with settle's bytes per item.
'use strict';

if (typeof gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const N = 1e6;

function heapGrowth(make) {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept === undefined) throw new Error('nothing kept');
  return (after - before) / N;
}

const add = (v) => v + 1;
const slot = heapGrowth(() => Array.from({ length: N }, (_, i) => i));
const rows = [
  ['array slot (subtracted below where an array keeps the items)', slot],
  ['pending promise', heapGrowth(() => Array.from({ length: N }, () => new Promise(() => {}))) - slot],
  [
    'pending promise with one reaction (then-chain link)',
    heapGrowth(() => {
      // The root is kept: the links are reachable only from it (its reaction list).
      const root = new Promise(() => {});
      let p = root;
      for (let i = 0; i < N; i++) p = p.then(add);
      return [root, p];
    }),
  ],
  [
    'then() on one pending promise, derived promise included',
    heapGrowth(() => {
      const p = new Promise(() => {});
      for (let i = 0; i < N; i++) p.then(add);
      return [p];
    }),
  ],
  ['fulfilled promise', heapGrowth(() => Array.from({ length: N }, (_, i) => Promise.resolve(i))) - slot],
];
console.log(`node ${process.version}, V8 heap bytes per item (${N} items alive):`);
for (const [what, bytes] of rows) console.log(`  ${what.padEnd(62)} ${bytes.toFixed(1)}`);
