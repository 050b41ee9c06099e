// Checks that the parent's first n messages (after a count n) arrive in order and says so;
// on the parent's "ack", sends 3 numbered messages in one go and stops listening.
const { parentPort } = require("worker_threads");

let expected = -1;
let count = 0;
parentPort.on("message", function onMessage(m) {
  if (m === "ack") {
    parentPort.off("message", onMessage);
    for (let i = 0; i < 3; i++) parentPort.postMessage(i);
    return;
  }
  if (expected < 0) {
    count = m;
    expected = 0;
    return;
  }
  if (m !== expected) parentPort.postMessage("out of order: " + m);
  expected++;
  if (expected === count) parentPort.postMessage("received all " + count + " in order");
});
