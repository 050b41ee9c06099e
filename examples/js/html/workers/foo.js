// Loaded by importScripts: its declarations become the worker's globals.
function foo() {
  return "foo.js";
}
var loaded = ["foo.js"];
