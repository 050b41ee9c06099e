// The book's worker (5.1), as a browser runs it: a classic script whose global object is
// the worker's DedicatedWorkerGlobalScope (`self`), with its own `addEventListener` and
// `postMessage`. importScripts loads and runs foo.js and bar.js synchronously, in order,
// in this global scope, before the next line runs.
importScripts("foo.js", "bar.js");

addEventListener("message", function (evt) {
  // evt.data: a copy of what the page sent.
  postMessage("a really cool reply to \"" + evt.data + "\" from " + foo() + " and " + bar());
});
