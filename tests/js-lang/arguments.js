// Arguments objects (ECMA-262 10.4.4): a sloppy function with simple parameters gets a mapped one
// (parameters and elements write through to each other until deleted or frozen); strict code
// and non-simple parameter lists get an unmapped one, whose `callee` throws.
function f(a, b) { return arguments; }
const x = f(1, 2, 3);
console.log(x, x.length, Object.getOwnPropertyNames(x), typeof x[Symbol.iterator], [...x]);
console.log(Object.getOwnPropertyDescriptor(x, 'callee'), Object.getOwnPropertyDescriptor(x, 'length'), Object.prototype.toString.call(x));
function s(a) { 'use strict'; a = 2; try { arguments.callee; } catch (e) { console.log(e.constructor.name); } return arguments[0]; }
console.log(s(1));
function m(a, b) { a = 5; arguments[1] = 6; return [a, b, arguments[0], arguments[1], arguments.length]; }
console.log(m(1, 2), m(1));
function d(a) { delete arguments[0]; a = 3; arguments[0] = 4; return [a, arguments[0]]; }
console.log(d(1));
function dup(a, a) { a = 9; return [arguments[0], arguments[1]]; }
console.log(dup(1, 2));
function def(a = 0) { a = 2; return arguments[0]; }
console.log(def(1));
function fr(a) { Object.freeze(arguments); a = 2; return [arguments[0], a]; }
console.log(fr(1));
function sp(a) { a = 'x'; return Array.prototype.slice.call(arguments); }
console.log(sp(1, 2));
