// An arrow function's own 'use strict' directive makes its code strict mode code (ECMA-262
// 11.2.2), in a sloppy script: assignment to an undeclared name, `this` not coerced, writes
// to non-writable or getter-only properties and deletes of non-configurable ones throw, and
// the strictness reaches the functions nested in the arrow.
function report(f) {
  try {
    console.log('ok', f());
  } catch (e) {
    console.log(e.constructor.name + ': ' + e.message);
  }
}

report(() => { 'use strict'; undeclaredInStrictArrow = 1; return 'created'; });
console.log(typeof undeclaredInStrictArrow);
report(() => { undeclaredInSloppyArrow = 1; return typeof undeclaredInSloppyArrow; });

const frozen = Object.freeze({ x: 1 });
report(() => { 'use strict'; frozen.x = 2; });
report(() => { frozen.x = 2; return frozen.x; });
const getterOnly = { get y() { return 1; } };
report(() => { 'use strict'; getterOnly.y = 2; });
report(() => { 'use strict'; delete Object.prototype; });
report(() => { return delete Object.prototype; });

// `this` inside a strict arrow is the enclosing `this`; a function nested in a strict arrow
// is strict too, so its `this` is not coerced to an object.
report(() => { 'use strict'; return typeof (function () { return this; })(); });
report(() => { 'use strict'; return typeof (function () { return this; }).call(5); });
report(() => typeof (function () { return this; }).call(5));
report(() => { 'use strict'; return (() => { nestedUndeclared = 1; })(); });

// The directive is the body's first statement only; elsewhere it is a plain expression.
report(() => { 0; 'use strict'; lateDirective = 1; return typeof lateDirective; });
// An expression body has no directive prologue.
report(() => ('use strict', exprBodyGlobal = 1, typeof exprBodyGlobal));
// An async arrow's directive too.
(async () => { 'use strict'; asyncUndeclared = 1; })().catch((e) => console.log('async', e.constructor.name + ': ' + e.message));

// The reasons a strict [[Set]] or delete is refused, in V8's words.
report(() => { 'use strict'; Object.defineProperty(Object.create(null), 'x', { value: 1 }).x = 2; });
report(() => { 'use strict'; class K {} Object.defineProperty(new K(), 'x', { value: 1 }).x = 2; });
report(() => { 'use strict'; Object.defineProperty(function f() {}, 'x', { value: 1 }).x = 2; });
report(() => { 'use strict'; Object.create(Object.defineProperty({}, 'x', { value: 1 })).x = 2; });
report(() => { 'use strict'; Object.freeze([1])[0] = 2; });
report(() => { 'use strict'; Object.preventExtensions({}).x = 2; });
report(() => { 'use strict'; return delete Object.freeze(Object.create(null)).x; });
report(() => { 'use strict'; delete Object.freeze({ y: 1 }).y; });
report(() => { 'use strict'; delete Object.freeze([1])[0]; });
report(() => { 'use strict'; delete Math.PI; });
