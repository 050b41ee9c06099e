// Chapter 5.1, "Data Transfer": a message is copied, not shared. The structured clone
// algorithm copies primitives, arrays (holes included), plain objects, wrapper objects and
// errors, nested to any depth; an object reached twice is copied once, so shared references
// and cycles survive the trip. A class instance arrives as a plain object. A function, a
// Symbol or a Promise cannot be cloned: postMessage throws a DataCloneError (a DOMException)
// at once, and nothing is sent. The worker (workers/echo.js) echoes each message back.
const { Worker } = require("worker_threads");

const shared = { label: "shared" };
const cyclic = { name: "cyclic" };
cyclic.self = cyclic;
class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  norm() { return Math.hypot(this.x, this.y); }
}
const messages = [
  42,
  "text",
  null,
  undefined,
  [1, , 3],
  { nested: { deeper: { deepest: [true, false] } } },
  { a: shared, b: shared },
  cyclic,
  new Point(3, 4),
  new Number(7),
  new RangeError("out of range"),
  10n,
];

const w = new Worker(__dirname + "/workers/echo.js", { workerData: { answer: 42, list: ["x", "y"] } });

for (const bad of [function () {}, () => 1, Symbol("s"), Promise.resolve(), { deep: { f: function named() {} } }]) {
  try {
    w.postMessage(bad);
  } catch (e) {
    console.log(e.name, e.code, e instanceof Error, "-", e.message);
  }
}

let received = 0;
w.on("message", function (copy) {
  if (received === 0) {
    console.log("first message:", copy);
  } else if (received <= messages.length) {
    const original = messages[received - 1];
    if (copy instanceof Error) console.log("echo", received, "error:", copy.name, copy.message, copy instanceof RangeError);
    else {
      const kind = typeof original === "object" && original !== null ? (copy === original ? "(the same object!)" : "(a copy)") : "";
      console.log("echo", received, copy, kind);
    }
    if (copy && copy.a) console.log("  a === b:", copy.a === copy.b);
    if (copy && copy.self) console.log("  self === itself:", copy.self === copy);
    if (copy && copy.x === 3) console.log("  is a Point:", copy instanceof Point, "has norm:", typeof copy.norm);
  } else {
    console.log("last:", copy);
  }
  received++;
});
w.on("exit", function (code) {
  console.log("worker exited with", code, "after", received, "messages");
});

for (const m of messages) w.postMessage(m);
w.postMessage("bye");
