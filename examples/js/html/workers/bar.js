// Loaded after foo.js, so it sees foo.js's globals.
loaded.push("bar.js");
function bar() {
  return "bar.js (after " + loaded.join(", ") + ")";
}
