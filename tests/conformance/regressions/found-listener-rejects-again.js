// exit code: 0
var t0, t1, once = false;
function show(v) {
  if (v instanceof Error) return v.name + ":" + v.message + (Array.isArray(v.errors) ? "[" + v.errors.map(show).join(",") + "]" : "");
  if (v instanceof Promise) return "promise:" + pname(v);
  if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
  if (v !== null && typeof v === "object") return v.status ? v.status + ":" + show(v.status === "fulfilled" ? v.value : v.reason) : "obj:" + v.tag;
  return typeof v + ":" + String(v);
}
function pname(p) { const i = [].indexOf(p); return i < 0 ? "?" : "p" + i; }
process.on("unhandledRejection", (r, p) => { console.log("unhandledRejection", show(r), pname(p)); if (once) return; once = true;
  Promise.reject(0);
});
queueMicrotask(() => {
  console.log("L1");
  t0 = setTimeout(() => {
    console.log("L2");
    Promise.any([]);
  }, 0);
});
queueMicrotask(() => {
  console.log("L3");
  t1 = setTimeout(() => {
    console.log("L4");
  }, 0);
});
