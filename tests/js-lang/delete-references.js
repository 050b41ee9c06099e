// `delete` of a property reference (13.5.1.2): ToObject of the base, then [[Delete]]; a false
// result throws a TypeError in strict code only, worded as V8 names the object.
function sloppy() {
  return [delete "abc".length, delete "abc"[0], delete "abc"[5], delete (1).x, delete true.x, delete Object.freeze([1]).length];
}
console.log("sloppy", sloppy());

function strictCases() {
  "use strict";
  function nonConfigurable(o) {
    Object.defineProperty(o, "x", { value: 1 });
    return o;
  }
  const cases = [
    () => delete "abc".length,
    () => delete "abc"[0],
    () => delete "abc"[1.5],
    () => delete "abc"[5],
    () => delete (1).x,
    () => delete (1n).x,
    () => delete Symbol("s").description,
    () => delete null.x,
    () => delete (void 0)[0],
    () => delete new String("abc").length,
    () => delete nonConfigurable(new Number(1)).x,
    () => delete nonConfigurable(new Boolean(true)).x,
    () => delete nonConfigurable(Object(Symbol("s"))).x,
    () => delete nonConfigurable(new Date(0)).x,
    () => delete nonConfigurable(new TypeError("m")).x,
    () => delete nonConfigurable(new Map()).x,
    () => delete nonConfigurable({ toString() { return "q"; } }).x,
    () => delete nonConfigurable((function () { return arguments; })()).x,
    () => delete nonConfigurable(new (class Foo {})()).x,
    () => delete nonConfigurable(Object.create(null)).x,
    () => delete Object.freeze({ a: 1 }).a,
    () => delete [].length,
    () => delete Math.PI,
    () => delete function () {}.prototype,
    () => nonConfigurable(new Date(0)).x = 2,
    () => nonConfigurable(new String("s")).x = 2,
  ];
  for (const f of cases) {
    try {
      console.log(f());
    } catch (e) {
      console.log(e.constructor.name, e.message);
    }
  }
}
strictCases();

// The key is evaluated before ToObject throws for `null`.
try {
  delete null[(console.log("key evaluated"), "x")];
} catch (e) {
  console.log(e.constructor.name, e.message);
}

class A {
  m() {
    try {
      return delete super.x;
    } catch (e) {
      return `${e.constructor.name}: ${e.message}`;
    }
  }
}
console.log(new A().m());
