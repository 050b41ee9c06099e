// exit code: 0
var p0, once = false;
function show(v) {
  if (v instanceof Error) return v.name + ":" + v.message + (Array.isArray(v.errors) ? "[" + v.errors.map(show).join(",") + "]" : "");
  if (v instanceof Promise) return "promise:" + pname(v);
  if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
  if (v !== null && typeof v === "object") return v.status ? v.status + ":" + show(v.status === "fulfilled" ? v.value : v.reason) : "obj:" + v.tag;
  return typeof v + ":" + String(v);
}
function pname(p) { const i = [p0].indexOf(p); return i < 0 ? "?" : "p" + i; }
process.on("unhandledRejection", (r, p) => { console.log("unhandledRejection", show(r), pname(p)); if (once) return; once = true;
  p0.then((v1) => {
    console.log("L1", show(v1));
  });
});
p0 = (async () => {
  console.log("L2");
})().finally(() => {
  console.log("L3");
  Promise.reject(0);
}).then((v2) => {
  console.log("L4", show(v2));
  return p0;
});
