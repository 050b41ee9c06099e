// W2 of docs/benchmarks.md in JavaScript: N links of .then(v => v + 1) on a resolved promise.
//   settle benches/js/w2.js [N [RUNS]]   (also `settle --engine boa`, `node`)
// Runs the workload RUNS times in a row (default 1), checks it, and prints one line without
// any timing: benches/compare_js.rs times the whole process from outside.
'use strict';
const argv = typeof process !== 'undefined' && process.argv ? process.argv : [];
const N = argv.length > 2 ? Number(argv[2]) : 1e6;
const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

function w2(n) {
  let p = Promise.resolve(0);
  for (let i = 0; i < n; i++) p = p.then((v) => v + 1);
  return p;
}

async function main() {
  for (let r = 0; r < RUNS; r++) {
    const sum = await w2(N);
    if (sum !== N) throw new Error('W2: sum ' + sum);
  }
  console.log('W2 n=' + N + ' runs=' + RUNS + ' ok');
}
main();
