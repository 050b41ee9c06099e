// The workloads W1-W7 of docs/benchmarks.md, in Node, for comparison with settle.
//
//   node benches/node/workloads.js                 all workloads; one JSON line each
//   node benches/node/workloads.js W2 W3           only those
//   node benches/node/workloads.js --once W2 1e6   one run, no warm-up (for /usr/bin/time -v)
//
// Each workload runs whole (build, run to completion) `warmup` times, then `samples` times;
// the median, min and max of ns per operation are printed. Every run checks its result.
'use strict';

const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

// W6's poster: runs in a worker thread and posts `n` messages to the main thread.
if (!isMainThread) {
  parentPort.once('message', () => {
    const n = workerData.n;
    for (let i = 0; i < n; i++) parentPort.postMessage(i);
  });
  parentPort.postMessage('ready');
  return;
}

// The same kind of generator as the Rust side (its exact sequence does not matter: delays are
// spread uniformly over 0..=1000 ms either way).
function rng() {
  let s = 0x9e3779b9 | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % 1001;
  };
}

function check(ok, what) {
  if (!ok) throw new Error(`workload check failed: ${what}`);
}

const workloads = {
  // W1: a job that queues the next, n jobs.
  W1: { n: 1e6, run: (n) => new Promise((done) => {
    let left = n;
    function ping() {
      if (left-- === 0) done(); else queueMicrotask(ping);
    }
    queueMicrotask(ping);
  }) },

  // W2: n links of .then(v => v + 1) on a resolved promise.
  W2: { n: 1e6, run: async (n) => {
    let p = Promise.resolve(0);
    for (let i = 0; i < n; i++) p = p.then((v) => v + 1);
    check((await p) === n, 'W2 sum');
  } },

  // W3: n handlers on one pending promise, then resolved.
  W3: { n: 1e5, run: (n) => new Promise((done) => {
    let resolve;
    const p = new Promise((r) => { resolve = r; });
    let sum = 0;
    for (let i = 0; i < n; i++) {
      p.then((v) => { sum += v; if (sum === n) done(); });
    }
    resolve(1);
  }) },

  // W4a: Promise.all over n resolved promises.
  W4a: { n: 1e5, run: async (n) => {
    const inputs = new Array(n);
    for (let i = 0; i < n; i++) inputs[i] = Promise.resolve(i);
    const all = await Promise.all(inputs);
    check(all.length === n, 'W4a length');
  } },

  // W4b: Promise.all over n pending promises, resolved afterwards.
  W4b: { n: 1e5, run: async (n) => {
    const inputs = new Array(n);
    const resolvers = new Array(n);
    for (let i = 0; i < n; i++) inputs[i] = new Promise((r) => { resolvers[i] = r; });
    const all = Promise.all(inputs);
    for (let i = 0; i < n; i++) resolvers[i](i);
    check((await all).length === n, 'W4b length');
  } },

  // W5: n timers with random delays of 0-1000 ms, set, then all fired. Node has no virtual
  // clock: the run takes about a second of real time, so the figure is CPU time (user +
  // system) per timer, not wall time.
  W5: { n: 1e5, cpu: true, samples: 5, warmup: 1, run: (n) => new Promise((done) => {
    const next = rng();
    let fired = 0;
    const tick = () => { if (++fired === n) done(); };
    for (let i = 0; i < n; i++) setTimeout(tick, next());
  }) },

  // W6: another thread posts n messages to this one, which runs a handler for each. Timed
  // from the go signal (the worker is already started) to the last message.
  W6: { n: 1e6, samples: 5, warmup: 1, setup: async (n) => {
    const worker = new Worker(__filename, { workerData: { n } });
    await new Promise((r) => worker.once('message', r)); // 'ready'
    return worker;
  }, run: (n, worker) => new Promise((done) => {
    let sum = 0;
    let got = 0;
    const onMessage = (i) => {
      sum += i;
      if (++got === n) {
        worker.off('message', onMessage);
        check(sum === (n * (n - 1)) / 2, 'W6 sum');
        done();
      }
    };
    worker.on('message', onMessage);
    worker.postMessage('go');
  }), teardown: (worker) => worker.terminate() },

  // W7: n async functions, each awaiting a resolved promise twice.
  W7: { n: 1e5, run: async (n) => {
    const p = Promise.resolve(1);
    let sum = 0;
    const tasks = new Array(n);
    for (let i = 0; i < n; i++) {
      tasks[i] = (async () => { const a = await p; const b = await p; sum += a + b; })();
    }
    await Promise.all(tasks);
    check(sum === 2 * n, 'W7 sum');
  } },
};

function nowNs(cpu) {
  if (cpu) {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  }
  return Number(process.hrtime.bigint());
}

async function runOnce(w, n) {
  const ctx = w.setup ? await w.setup(n) : undefined;
  const start = nowNs(w.cpu);
  await w.run(n, ctx);
  const ns = nowNs(w.cpu) - start;
  if (w.teardown) await w.teardown(ctx);
  return ns / n;
}

async function measure(name, w, n) {
  const warmup = w.warmup ?? 2;
  const samples = w.samples ?? 10;
  for (let i = 0; i < warmup; i++) await runOnce(w, n);
  const per = [];
  for (let i = 0; i < samples; i++) per.push(await runOnce(w, n));
  per.sort((a, b) => a - b);
  const mid = per.length >> 1;
  const median = per.length % 2 ? per[mid] : (per[mid - 1] + per[mid]) / 2;
  const round = (x) => Math.round(x * 100) / 100;
  return { name, n, ns: round(median), min: round(per[0]), max: round(per[per.length - 1]),
           samples, clock: w.cpu ? 'cpu' : 'wall' };
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--once') {
    const w = workloads[args[1]];
    if (!w) throw new Error(`unknown workload ${args[1]}`);
    const n = args[2] ? Number(args[2]) : w.n;
    const ns = await runOnce(w, n);
    console.log(JSON.stringify({ name: args[1], n, ns: Math.round(ns * 100) / 100, once: true }));
    return;
  }
  const names = args.length ? args : Object.keys(workloads);
  for (const name of names) {
    const w = workloads[name];
    if (!w) throw new Error(`unknown workload ${name}`);
    console.log(JSON.stringify(await measure(name, w, w.n)));
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
