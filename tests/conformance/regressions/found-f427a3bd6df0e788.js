// exit code: 0
var p0;
function show(v) {
  if (v instanceof Error) return v.name + ":" + v.message + (Array.isArray(v.errors) ? "[" + v.errors.map(show).join(",") + "]" : "");
  if (v instanceof Promise) return "promise:" + pname(v);
  if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
  if (v !== null && typeof v === "object") return v.status ? v.status + ":" + show(v.status === "fulfilled" ? v.value : v.reason) : "obj:" + v.tag;
  return typeof v + ":" + String(v);
}
class Sub extends Promise { constructor(executor) { super(executor); console.log("new Sub"); } }
function withThen(p, tag) { const then = p.then; p.then = function (f, r) { console.log(tag + ".then"); return then.call(this, f, r); }; return p; }
function pname(p) { const i = [p0].indexOf(p); return i < 0 ? "?" : "p" + i; }
process.on("unhandledRejection", (r, p) => { console.log("unhandledRejection", show(r), pname(p)); });
p0 = Sub.resolve({ tag: "T1", then(f, r) { console.log("T1"); queueMicrotask(() => f({ tag: "T2", then(f, r) { console.log("T2"); queueMicrotask(() => f(p0)); } })); } });
