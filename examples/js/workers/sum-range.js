// Sums the squares of [from, to) given as workerData, and posts the result once.
const { parentPort, workerData } = require("worker_threads");

let sum = 0;
for (let i = workerData.from; i < workerData.to; i++) sum += i * i;
parentPort.postMessage({ from: workerData.from, to: workerData.to, sum });
