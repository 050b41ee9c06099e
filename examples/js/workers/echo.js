// Sends back what it receives, and, once, its workerData; stops listening on "bye".
const { parentPort, workerData, isMainThread } = require("worker_threads");

parentPort.postMessage({ isMainThread, workerData });
parentPort.on("message", function onMessage(message) {
  parentPort.postMessage(message);
  if (message === "bye") {
    // No more listeners: nothing keeps the worker alive, and it exits with code 0.
    parentPort.off("message", onMessage);
  }
});
