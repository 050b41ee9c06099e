// W3 of docs/benchmarks.md in JavaScript: N handlers on one pending promise, then resolved.
//   settle benches/js/w3.js [N [RUNS]]   (also `settle --engine boa`, `node`)
// Runs the workload RUNS times in a row (default 1), checks it, and prints one line without
// any timing: benches/compare_js.rs times the whole process from outside.
'use strict';
const argv = typeof process !== 'undefined' && process.argv ? process.argv : [];
const N = argv.length > 2 ? Number(argv[2]) : 1e5;
const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

function w3(n) {
  return new Promise((done) => {
    let resolve;
    const p = new Promise((r) => { resolve = r; });
    let sum = 0;
    for (let i = 0; i < n; i++) {
      p.then((v) => { sum += v; if (sum === n) done(sum); });
    }
    resolve(1);
    if (n === 0) done(0);
  });
}

async function main() {
  for (let r = 0; r < RUNS; r++) {
    const sum = await w3(N);
    if (sum !== N) throw new Error('W3: sum ' + sum);
  }
  console.log('W3 n=' + N + ' runs=' + RUNS + ' ok');
}
main();
