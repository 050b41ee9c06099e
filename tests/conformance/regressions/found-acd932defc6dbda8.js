// exit code: 0
var t0;
function show(v) {
  if (v instanceof Error) return v.name + ":" + v.message + (Array.isArray(v.errors) ? "[" + v.errors.map(show).join(",") + "]" : "");
  if (v instanceof Promise) return "promise:" + pname(v);
  if (Array.isArray(v)) return "[" + v.map(show).join(",") + "]";
  if (v !== null && typeof v === "object") return v.status ? v.status + ":" + show(v.status === "fulfilled" ? v.value : v.reason) : "obj:" + v.tag;
  return typeof v + ":" + String(v);
}
class Sub extends Promise { constructor(executor) { super(executor); console.log("new Sub"); } }
function withThen(p, tag) { const then = p.then; p.then = function (f, r) { console.log(tag + ".then"); return then.call(this, f, r); }; return p; }
function pname(p) { const i = [].indexOf(p); return i < 0 ? "?" : "p" + i; }
process.on("unhandledRejection", (r, p) => { console.log("unhandledRejection", show(r), pname(p)); p.catch((e) => console.log("caught in listener", show(e))); });
process.on("rejectionHandled", (p) => { console.log("rejectionHandled", pname(p)); });
{ let k1 = 0;
const i1 = setInterval(() => {
  console.log("L1"); if (++k1 >= 1) clearInterval(i1);
  Promise.resolve(0).then((v2) => {
    console.log("L2", show(v2));
    Sub.any([]);
  });
}, 0);
t0 = i1; }
