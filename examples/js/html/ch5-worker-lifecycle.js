// A dedicated worker's life under `settle --host html`. The expected output is written by
// hand from the HTML standard (10.2, "Web workers"):
// - `onmessage` and every `addEventListener("message")` listener get the same MessageEvent;
//   listeners run in the order they were added, and the event handler attribute where it
//   was set (here: set first, so it runs first);
// - a message is a structured clone: what the worker changes in its copy is not seen here,
//   and the page's later changes are not seen there; a function cannot be cloned, so
//   postMessage throws a "DataCloneError" DOMException and sends nothing;
// - an uncaught exception in the worker fires an ErrorEvent at the Worker object ("Uncaught"
//   and the error in `message`, the worker's file, line and column, `error` null: the error
//   object stays in the worker); preventDefault() stops the page from reporting it; unlike
//   Node, the worker keeps running and answers the next message;
// - `close()` inside the worker: the task that called it finishes (its messages are still
//   sent), later messages to the worker are dropped, and, no longer listening, it ends.
var w = new Worker("workers/lifecycle.js");
var order = [];

w.onmessage = function (evt) {
  order.push("onmessage");
  console.log("page got:", evt.data);
  if (evt.data === "posted after close(), in the same task") {
    // The worker's last message (a timer here would race the worker's thread).
    Promise.resolve().then(summary);
  }
};
w.addEventListener("message", function () {
  order.push("listener");
});
w.onerror = function (evt) {
  console.log("error event:", evt.message, "at", evt.filename.split("/").pop() + ":" + evt.lineno, "error:", evt.error);
  evt.preventDefault();
};

var payload = { list: ["from the page"] };
w.postMessage(payload);
payload.list.push("changed after posting");
try {
  w.postMessage({ callback: function () {} });
} catch (e) {
  console.log(e.name + ":", e.message, e instanceof DOMException, e.code);
}
w.postMessage("throw");
w.postMessage({ list: ["after the error"] });
w.postMessage("close");
w.postMessage({ list: ["dropped: the worker closed"] });

function summary() {
  // A promise job of the last message's task: after every listener of that message.
  console.log("listeners ran in order:", order.join(", "));
  console.log("the page still has:", payload.list);
}
