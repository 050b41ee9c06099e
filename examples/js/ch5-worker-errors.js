// Chapter 5.1's `terminate()` and a worker's errors, on Node. Each step starts when the last
// one's `exit` event came, so the output order does not depend on thread timing.
// 1. An uncaught exception in a worker: `error` (the error, cloned: a TypeError here too),
//    then `exit` with code 1. Messages it sent before come first.
// 2. An unhandled rejection in a worker: the same.
// 3. A worker in an endless loop: `terminate()` stops it; `exit` 1, then its promise.
// 4. A missing worker file: `error` (MODULE_NOT_FOUND), `exit` 1.
// 5. A path that is neither absolute nor ./-relative: the constructor throws.
// 6. An unref'd worker does not keep the process alive: the spinning worker is stopped when
//    the main script ends.
const { Worker } = require("worker_threads");
const dir = __dirname + "/workers/";

function step1() {
  const w = new Worker(dir + "thrower.js");
  w.on("message", (m) => console.log("1. message:", m));
  w.on("error", (e) => console.log("1. error:", e.name, e.message, e instanceof TypeError));
  w.on("exit", (code) => { console.log("1. exit", code); step2(); });
}

function step2() {
  const w = new Worker(dir + "rejecter.js");
  w.on("error", (e) => console.log("2. error:", e.name, e.message));
  w.on("exit", (code) => { console.log("2. exit", code); step3(); });
}

function step3() {
  const w = new Worker(dir + "spin.js");
  w.on("message", (m) => {
    console.log("3. message:", m);
    w.terminate().then((code) => { console.log("3. terminate() fulfilled with", code); step4(); });
  });
  w.on("exit", (code) => console.log("3. exit", code));
}

function step4() {
  const w = new Worker(dir + "missing.js");
  w.on("error", (e) => console.log("4. error:", e.code, e.message.replace(__dirname, ".")));
  w.on("exit", (code) => { console.log("4. exit", code); step5(); });
}

function step5() {
  try {
    new Worker("workers/spin.js");
  } catch (e) {
    console.log("5.", e.name, e.code);
  }
  const w = new Worker(dir + "spin.js");
  w.unref();
  w.on("exit", () => console.log("6. never printed: the process ends first"));
  console.log("6. unref'd a spinning worker; the process may end");
}

step1();
