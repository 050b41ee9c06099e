// Chapter 5.1's point: task parallelism. One sum is split into four ranges, each summed by
// its own worker (its own thread) from its workerData; the results come back as messages in
// whatever order the threads finish, and Promise.all puts them back in range order.
const { Worker } = require("worker_threads");

function sumInWorker(from, to) {
  return new Promise(function (resolve, reject) {
    const w = new Worker(__dirname + "/workers/sum-range.js", { workerData: { from, to } });
    w.once("message", resolve);
    w.once("error", reject);
  });
}

const N = 20000;
const parts = [0, 1, 2, 3].map((k) => sumInWorker((k * N) / 4, ((k + 1) * N) / 4));
Promise.all(parts).then(function (results) {
  for (const r of results) console.log(`[${r.from}, ${r.to}): ${r.sum}`);
  const total = results.reduce((a, r) => a + r.sum, 0);
  let check = 0;
  for (let i = 0; i < N; i++) check += i * i;
  console.log("total", total, total === check ? "= the single-threaded sum" : "!= " + check);
});
