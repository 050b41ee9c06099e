// When messages run. A message is a macrotask on the receiving loop: the main script and its
// microtasks finish before the first message; after a message's listener, Node drains
// process.nextTick callbacks, then promise jobs. Messages on one port stay in the order they
// were posted, in both directions (the worker checks 50 of ours; we check its 3).
//
// Only a message that arrives alone is watched here: Node may take several messages that
// are already waiting in one go, and then runs their listeners back to back, with the ticks
// and jobs after the last (settle always gives each message its own task).
const { Worker } = require("worker_threads");

const w = new Worker(__dirname + "/workers/burst.js");
const burst = [];
w.on("message", function (m) {
  if (typeof m === "number") {
    burst.push(m);
    return;
  }
  console.log("message:", m);
  process.nextTick(() => console.log("  nextTick after the message"));
  Promise.resolve().then(() => console.log("  promise job after the message"));
  // The worker sends its burst only after this: the one message above arrived alone.
  w.postMessage("ack");
});
w.on("exit", (code) => console.log("exit", code, "- the burst arrived as", burst));

w.postMessage(50);
for (let i = 0; i < 50; i++) w.postMessage(i);
Promise.resolve().then(() => console.log("main script's promise job"));
console.log("main script done");
