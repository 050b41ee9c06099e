// Chapter 5.1, "Web Workers", as the book writes it, under `settle --host html` (a browser's
// rules; the worker file is local, relative to this page's directory, instead of a URL):
//
//   var w1 = new Worker( "http://some.url.1/mycoolworker.js" );
//   w1.addEventListener( "message", function(evt){ /* evt.data */ } );
//   w1.postMessage( "something cool to say" );
//
// The expected output (ch5-web-worker.out) is written from HTML's rules, not recorded:
// - the page's script runs to its end first ("posted" is printed before any reply): a
//   message is a task queued on the receiving event loop, and the worker's script itself
//   only runs on its own thread, after `new Worker` returned;
// - messages keep their order (one port, one task queue);
// - `terminate()` stops the worker at once ("the same as closing a browser tab"): a message
//   posted to it afterwards goes nowhere. A worker listening for messages lives as long as
//   its page, so terminating it is also what lets this page (the settle process) end.
var w1 = new Worker("workers/mycoolworker.js");
var replies = 0;

w1.addEventListener("message", function (evt) {
  console.log("page got:", evt.data);
  replies++;
  if (replies === 2) {
    w1.terminate();
    w1.postMessage("never delivered");
    console.log("terminated after", replies, "replies");
  }
});

w1.postMessage("something cool to say");
w1.postMessage("something else");
console.log("posted");
