// Throws from a timer, after one message: an uncaught exception ends a Node worker, and its
// parent gets an `error` event with the error (cloned), then `exit` with code 1.
const { parentPort } = require("worker_threads");

parentPort.postMessage("about to throw");
setTimeout(function () {
  throw new TypeError("boom in the worker");
}, 10);
