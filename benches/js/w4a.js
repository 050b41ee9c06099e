// W4a of docs/benchmarks.md in JavaScript: Promise.all over N resolved promises.
//   settle benches/js/w4a.js [N [RUNS]]   (also `settle --engine boa`, `node`)
// Runs the workload RUNS times in a row (default 1), checks it, and prints one line without
// any timing: benches/compare_js.rs times the whole process from outside.
'use strict';
const argv = typeof process !== 'undefined' && process.argv ? process.argv : [];
const N = argv.length > 2 ? Number(argv[2]) : 1e5;
const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

async function w4a(n) {
  const inputs = new Array(n);
  for (let i = 0; i < n; i++) inputs[i] = Promise.resolve(i);
  const all = await Promise.all(inputs);
  return all.length;
}

async function main() {
  for (let r = 0; r < RUNS; r++) {
    const length = await w4a(N);
    if (length !== N) throw new Error('W4a: length ' + length);
  }
  console.log('W4a n=' + N + ' runs=' + RUNS + ' ok');
}
main();
