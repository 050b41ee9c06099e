// W4b of docs/benchmarks.md in JavaScript: Promise.all over N pending promises, resolved
// afterwards.
//   settle benches/js/w4b.js [N [RUNS]]   (also `settle --engine boa`, `node`)
// Runs the workload RUNS times in a row (default 1), checks it, and prints one line without
// any timing: benches/compare_js.rs times the whole process from outside.
'use strict';
const argv = typeof process !== 'undefined' && process.argv ? process.argv : [];
const N = argv.length > 2 ? Number(argv[2]) : 1e5;
const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

async function w4b(n) {
  const inputs = new Array(n);
  const resolvers = new Array(n);
  for (let i = 0; i < n; i++) inputs[i] = new Promise((r) => { resolvers[i] = r; });
  const all = Promise.all(inputs);
  for (let i = 0; i < n; i++) resolvers[i](i);
  return (await all).length;
}

async function main() {
  for (let r = 0; r < RUNS; r++) {
    const length = await w4b(N);
    if (length !== N) throw new Error('W4b: length ' + length);
  }
  console.log('W4b n=' + N + ' runs=' + RUNS + ' ok');
}
main();
