// W6 of docs/benchmarks.md in JavaScript: a worker thread posts N messages to the main thread,
// which runs a handler for each. settle-js and Node only (settle-boa has no worker_threads).
//   settle benches/js/w6.js [N [RUNS]]   (also `node`)
// Runs the workload RUNS times in a row (default 1; one worker per run), checks it, and prints
// one line without any timing: benches/compare_js.rs times the whole process from outside.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

if (!isMainThread) {
  // The poster: waits for the go signal, then posts `n` messages.
  parentPort.once('message', () => {
    const n = workerData.n;
    for (let i = 0; i < n; i++) parentPort.postMessage(i);
  });
  parentPort.postMessage('ready');
} else {
  const argv = process.argv;
  const N = argv.length > 2 ? Number(argv[2]) : 1e6;
  const RUNS = argv.length > 3 ? Number(argv[3]) : 1;

  const w6 = (n) => new Promise((done) => {
    const worker = new Worker(__filename, { workerData: { n } });
    let sum = 0;
    let got = 0;
    const onMessage = (i) => {
      if (i === 'ready') {
        if (n === 0) { worker.terminate(); done(0); } else worker.postMessage('go');
        return;
      }
      sum += i;
      if (++got === n) {
        worker.off('message', onMessage);
        worker.terminate();
        done(sum);
      }
    };
    worker.on('message', onMessage);
  });

  (async () => {
    for (let r = 0; r < RUNS; r++) {
      const sum = await w6(N);
      if (sum !== (N * (N - 1)) / 2) throw new Error('W6: sum ' + sum);
    }
    console.log('W6 n=' + N + ' runs=' + RUNS + ' ok');
  })();
}
