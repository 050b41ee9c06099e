// The book's worker (5.1), under Node: `parentPort` is the worker's side of the channel.
// It answers every message; listening keeps it alive until its parent terminates it.
const { parentPort } = require("worker_threads");

parentPort.on("message", function (data) {
  parentPort.postMessage("a really cool reply to: " + data);
});
