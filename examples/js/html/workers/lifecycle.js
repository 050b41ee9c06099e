// A worker that shows HTML's rules from the inside (see ../ch5-worker-lifecycle.js).
var count = 0;
onmessage = function (evt) {
  count++;
  var data = evt.data;
  if (data === "throw") {
    // Uncaught: reported to the page as an ErrorEvent on the Worker; this worker goes on.
    throw new TypeError("thrown in the worker");
  }
  if (data === "close") {
    postMessage("closing after " + count + " messages");
    // Closes this worker: the rest of this task still runs, later messages are dropped.
    close();
    postMessage("posted after close(), in the same task");
    return;
  }
  // A copy: changing it here changes nothing in the page.
  data.list.push("added by the worker");
  postMessage({ got: data, isCopy: true, self: self === globalThis, hasWindow: typeof window });
};
