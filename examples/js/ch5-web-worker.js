// Chapter 5.1, "Web Workers", on Node's worker_threads: the book's
//
//   var w1 = new Worker( "http://some.url.1/mycoolworker.js" );
//   w1.addEventListener( "message", function(evt){ /* evt.data */ } );
//   w1.postMessage( "something cool to say" );
//
// with a local worker file (workers/mycoolworker.js), Node's `on` for `addEventListener`, and
// the value itself for `evt.data`. The worker runs on its own thread, with its own event
// loop; the only link is messages, which arrive as macrotasks: the main script's synchronous
// code and its microtasks always come first. `terminate()` kills the worker at once; its
// promise gives the exit code (1 for a terminated worker) after the `exit` event. `online`
// comes when the worker starts running its script, before any of its messages.
const { Worker, isMainThread } = require("worker_threads");

console.log("main thread?", isMainThread);
var w1 = new Worker(__dirname + "/workers/mycoolworker.js");

w1.on("message", function (data) {
  console.log("main got:", data);
  if (data.endsWith("second")) {
    w1.terminate().then(function (code) {
      console.log("terminate() fulfilled with", code);
    });
  }
});
w1.on("online", function () {
  console.log("online: the worker started running its script");
});
w1.on("exit", function (code) {
  console.log("exit event, code", code);
});

w1.postMessage("something cool to say");
w1.postMessage("second");
Promise.resolve().then(function () {
  console.log("microtask: before any message");
});
console.log("main script done");
