// A worker that starts a worker of its own (a subworker) and relays its one message up.
const { Worker, parentPort, workerData } = require("worker_threads");

const depth = workerData ? workerData.depth : 1;
if (depth === 1) {
  console.log("relay: starting the inner worker");
  const inner = new Worker(__filename, { workerData: { depth: 2 } });
  inner.once("message", (m) => parentPort.postMessage(m));
} else {
  const { isMainThread } = require("worker_threads");
  parentPort.postMessage({ from: "inner", depth, isMainThread });
}
