// W7 of docs/benchmarks.md in JavaScript: N async functions, each awaiting a resolved promise
// twice.
//   settle benches/js/w7.js [N [RUNS]]   (also `settle --engine boa`, `node`)
// Runs the workload RUNS times in a row (default 1), checks it, and prints one line without
// any timing: benches/compare_js.rs times the whole process from outside.
'use strict';
const argv = typeof process !== 'undefined' && process.argv ? process.argv : [];
const N = argv.length > 2 ? Number(argv[2]) : 1e5;
const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

async function w7(n) {
  const p = Promise.resolve(1);
  let sum = 0;
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) {
    tasks[i] = (async () => { const a = await p; const b = await p; sum += a + b; })();
  }
  await Promise.all(tasks);
  return sum;
}

async function main() {
  for (let r = 0; r < RUNS; r++) {
    const sum = await w7(N);
    if (sum !== 2 * N) throw new Error('W7: sum ' + sum);
  }
  console.log('W7 n=' + N + ' runs=' + RUNS + ' ok');
}
main();
