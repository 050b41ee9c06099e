// W1 of docs/benchmarks.md in JavaScript: a microtask that queues the next, N jobs.
//   settle benches/js/w1.js [N [RUNS]]   (also `settle --engine boa`, `node`)
// Runs the workload RUNS times in a row (default 1), checks it, and prints one line without
// any timing: benches/compare_js.rs times the whole process from outside.
'use strict';
const argv = typeof process !== 'undefined' && process.argv ? process.argv : [];
const N = argv.length > 2 ? Number(argv[2]) : 1e6;
const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

function w1(n) {
  return new Promise((done) => {
    let left = n;
    let jobs = 0;
    function ping() {
      jobs++;
      if (left-- === 0) done(jobs); else queueMicrotask(ping);
    }
    queueMicrotask(ping);
  });
}

async function main() {
  for (let r = 0; r < RUNS; r++) {
    const jobs = await w1(N);
    if (jobs !== N + 1) throw new Error('W1: ' + jobs + ' jobs');
  }
  console.log('W1 n=' + N + ' runs=' + RUNS + ' ok');
}
main();
