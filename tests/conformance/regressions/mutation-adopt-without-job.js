// exit code: 0
var p0, p1;
function show(v) {
  if (v instanceof Error) return v.name + ":" + v.message + (Array.isArray(v.errors) ? "[" + v.errors.map(show).join(",") + "]" : "");
  if (v instanceof Promise) return "promise:" + pname(v);
  if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
  if (v !== null && typeof v === "object") return v.status ? v.status + ":" + show(v.status === "fulfilled" ? v.value : v.reason) : "obj:" + v.tag;
  return typeof v + ":" + String(v);
}
function pname(p) { const i = [p0, p1].indexOf(p); return i < 0 ? "?" : "p" + i; }
process.on("unhandledRejection", (r, p) => { console.log("unhandledRejection", show(r), pname(p)); });
p0 = (async () => {
  console.log("L1");
  try {
  } finally {
    console.log("L2");
    throw 0;
  }
})();
p1 = new Promise((res1, rej1) => {
  console.log("L3");
  queueMicrotask(() => {
    console.log("L4");
    res1(p0);
    queueMicrotask(() => {
      console.log("L5");
      Promise.reject(0);
    });
  });
});
