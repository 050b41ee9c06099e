// Reports, then loops forever: only terminate() stops it.
const { parentPort } = require("worker_threads");

parentPort.postMessage("spinning");
for (;;) {}
