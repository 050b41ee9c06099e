// Object.fromEntries / Object.hasOwn, performance.now on the loop clock, the URI functions
// (19.2.6), V8's Error.captureStackTrace and `stack`, and symbol keys in console.log.
console.log(Object.fromEntries([["a", 1], ["b", [2]]]), Object.fromEntries(new Map([[1, "one"], [Symbol.iterator, "sym"]])), Object.fromEntries(Object.entries({ x: 1, y: 2 }).map(([k, v]) => [k, v * 2])));
try { Object.fromEntries([1]) } catch (e) { console.log(e.name, e.message) }
try { Object.fromEntries(null) } catch (e) { console.log(e.name) }
console.log(Object.hasOwn({ a: 1 }, "a"), Object.hasOwn({ a: 1 }, "toString"), Object.hasOwn([1], 0), Object.hasOwn("ab", "length"));
const t0 = performance.now(); console.log(typeof t0, t0 >= 0, performance.now() >= t0);
setTimeout(() => console.log("after a timer, the clock moved on:", performance.now() > t0), 50);
const texts = ["hello world", "a+b=c&d", "ünïcödé ✓ 😀", "/path?q=1#frag", ";/?:@&=+$,#-_.!~*'()", "100%"];
for (const s of texts) console.log(encodeURIComponent(s), encodeURI(s), decodeURIComponent(encodeURIComponent(s)) === s, decodeURI(encodeURI(s)) === s);
console.log(decodeURI("%3B%2F%3F%20%C3%A9"), decodeURIComponent("%3B%2F%3F%20%C3%A9"), decodeURIComponent("abc"));
for (const bad of ["%", "%zz", "%C3", "%C3%28", "%ED%A0%80", "%C0%AF", "%FF", "%E2%82"]) { try { decodeURIComponent(bad); console.log("ok", bad) } catch (e) { console.log(bad, e.name, e.message) } }
class AppError extends Error { constructor(m) { super(m); this.name = "AppError"; Error.captureStackTrace(this, AppError); } }
const ae = new AppError("bad");
console.log(ae.stack.split("\n")[0], ae instanceof AppError, Object.keys(ae));
const e2 = new TypeError("t"); e2.stack = "custom"; console.log(e2.stack, Object.getOwnPropertyDescriptor(e2, "stack").enumerable);
console.log(typeof new Error("x").stack, new RangeError("r").stack.split("\n")[0], typeof Object.create(Error.prototype).stack);
const sy = { [Symbol("a")]: 1, b: 2, get [Symbol("g")]() { return 1 } }; Object.defineProperty(sy, Symbol("hidden"), { value: 3, enumerable: false }); console.log(sy, [sy]);
