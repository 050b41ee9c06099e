// exit code: 1
// Node with async stack traces on (its default) runs out of memory here: V8 walks the cycle of
// promises forever when the async finally handler creates an Error (docs/conformance.md).
var p0;
function show(v) {
  if (v instanceof Error) return v.name + ":" + v.message + (Array.isArray(v.errors) ? "[" + v.errors.map(show).join(",") + "]" : "");
  if (v instanceof Promise) return "promise:" + pname(v);
  if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
  if (v !== null && typeof v === "object") return v.status ? v.status + ":" + show(v.status === "fulfilled" ? v.value : v.reason) : "obj:" + v.tag;
  return typeof v + ":" + String(v);
}
function pname(p) { const i = [p0].indexOf(p); return i < 0 ? "?" : "p" + i; }
p0 = Promise.race([Promise.resolve().then().then(undefined, (v1) => {
  console.log("L1", show(v1));
  throw 3;
}).then((v2) => {
  console.log("L2", show(v2));
  Promise.resolve(new Error("E0"));
  Promise.resolve(p0);
  console.log("L3");
  return p0;
}, (v3) => {
  console.log("L4", show(v3));
  console.log("L5");
  Promise.resolve(new Error("E1"));
  Promise.resolve(2);
}), Promise.resolve().then((v4) => {
  console.log("L6", show(v4));
  Promise.reject(8);
  return p0;
}).finally(async () => {
  console.log("L7");
  Promise.resolve();
  Promise.resolve(new Error("E2"));
  return p0;
}).finally(async () => {
  console.log("L8");
  console.log("L9");
  console.log("L10");
  console.log("L11");
  return 7;
})]);
