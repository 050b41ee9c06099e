// Function `length` and `name` (ECMA-262 10.2.9 SetFunctionName, 10.2.10 SetFunctionLength): computed
// Symbol keys in brackets, get/set prefixes, bound names, defaults and rest, built-ins.
const s = Symbol('sym'), e = Symbol();
const o = { m() {}, get g() { return 1; }, set g(v) {}, [s]() {}, [e]: function () {}, arrow: () => {}, f: function () {}, named: function inner() {}, async am() {}, *gm() {} };
const d = Object.getOwnPropertyDescriptor(o, 'g');
console.log(o.m.name, d.get.name, d.set.name, o[s].name, JSON.stringify(o[e].name), o.arrow.name, o.f.name, o.named.name, o.am.name, o.gm.name);
function f1(a, b = 1, c) {} function f2(...r) {} function f3(a, [b], {c}) {}
console.log(f1.length, f2.length, f3.length, ((a, b) => 0).length, f1.bind(null, 1).length, f1.bind().name, (function () {}).bind().name);
class C { static sm() {} m() {} get [s]() { return 1; } }
console.log(C.name, C.sm.name, C.prototype.m.name, Object.getOwnPropertyDescriptor(C.prototype, s).get.name, C.length);
console.log(Object.getOwnPropertyNames(C), Object.getOwnPropertyNames(function () {}).filter(n => n !== 'arguments' && n !== 'caller'));
let x; x = function () {}; const y = class {}; let [z = function () {}] = [];
console.log(x.name, y.name, z.name, (0, function () {}).name === '');
console.log(Promise.all.length, Promise.name, Promise.prototype.then.length, Object.getOwnPropertyDescriptor(Promise.resolve, 'name'), Array.prototype.push.length, Function.prototype.length, JSON.stringify(Function.prototype.name));
console.log(Symbol.prototype[Symbol.toPrimitive].name, Object.getOwnPropertyDescriptor(Array.prototype, Symbol.iterator).value.name);
