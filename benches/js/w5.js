// W5 of docs/benchmarks.md in JavaScript: N timers with pseudo-random delays of 0-1000 ms,
// all set, then all fired (real clock: a run takes about a second whatever the engine, so
// benches/compare_js.rs reports CPU time per timer, not wall time).
//   settle benches/js/w5.js [N [RUNS]]   (also `settle --engine boa`, `node`)
// Runs the workload RUNS times in a row (default 1), checks it, and prints one line without
// any timing.
'use strict';
const argv = typeof process !== 'undefined' && process.argv ? process.argv : [];
const N = argv.length > 2 ? Number(argv[2]) : 1e5;
const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

// xorshift32, as benches/node/workloads.js: delays spread uniformly over 0..=1000 ms.
function rng() {
  let s = 0x9e3779b9 | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % 1001;
  };
}

function w5(n) {
  return new Promise((done) => {
    const next = rng();
    let fired = 0;
    const tick = () => { if (++fired === n) done(fired); };
    for (let i = 0; i < n; i++) setTimeout(tick, next());
    if (n === 0) done(0);
  });
}

async function main() {
  for (let r = 0; r < RUNS; r++) {
    const fired = await w5(N);
    if (fired !== N) throw new Error('W5: fired ' + fired);
  }
  console.log('W5 n=' + N + ' runs=' + RUNS + ' ok');
}
main();
