// Name resolution (9.1.2.1 GetIdentifierReference, 9.4.2 ResolveBinding): the cases the
// interpreter's fast paths (one walk, a global's own data property, `x++` of a Number, a name
// bound nowhere in the script read from the global object) must answer as the spec does.

// A global read from the global object: an own data property, an accessor, one inherited from
// Object.prototype, one added later, one deleted.
globalThis['answer'] = 42;
function readAnswer() { return answer; }
console.log(readAnswer(), typeof queueMicrotask, typeof Promise);
let getterCalls = 0;
Object.defineProperty(globalThis, 'viaGetter', { get() { getterCalls++; return 'got'; }, configurable: true });
function readGetter() { return viaGetter; }
console.log(readGetter(), readGetter(), getterCalls);
Object.prototype['inheritedGlobal'] = 'from Object.prototype';
function readInherited() { return inheritedGlobal; }
console.log(readInherited());
delete Object.prototype['inheritedGlobal'];
function readLater() { try { return addedLater; } catch (e) { return e.constructor.name + ': ' + e.message; } }
console.log(readLater());
globalThis['addedLater'] = 'added';
console.log(readLater());
delete globalThis['addedLater'];
console.log(readLater());

// `with` (before any eval has run): a name found on the object, then on the global when the
// object loses it, and a call of a method found there gets the object as `this`.
const scopeObject = { ['answer']: 'from with', who() { return this === scopeObject; } };
with (scopeObject) {
  console.log(answer, who());
  const readInWith = () => answer;
  console.log(readInWith());
  delete scopeObject['answer'];
  console.log(readInWith());
}
with ({ counter: 1 }) { counter++; console.log(counter); }

// A sloppy direct eval's var shadows the global for the function's closures, before and
// after it runs (the closure read the global first).
globalThis['shadowed'] = 'global';
function evalShadows() {
  const read = () => shadowed;
  const before = read();
  eval('var shadowed = "eval var"');
  return [before, read(), shadowed];
}
console.log(evalShadows(), shadowed);
function evalFunctionShadows() {
  const read = () => typeof answer;
  const before = read();
  eval('function answer() {}');
  return [before, read()];
}
console.log(evalFunctionShadows(), answer);
// An eval in a block: its var hoists to the function, out of the block.
function evalInBlock() {
  const read = () => shadowed;
  { eval('var shadowed = "block eval var"'); }
  return read();
}
console.log(evalInBlock());
// A strict eval's var stays in the eval.
function strictEvalKeeps() {
  const read = () => shadowed;
  eval('"use strict"; var shadowed = "strict eval var"');
  return read();
}
console.log(strictEvalKeeps());

// The temporal dead zone of let, const and class, with V8's messages.
function tdz(f) { try { return f(); } catch (e) { return e.constructor.name + ': ' + e.message; } }
console.log(tdz(() => { const r = early; let early = 1; return r; }));
console.log(tdz(() => { early2++; let early2 = 1; }));
console.log(tdz(() => { early3 = 1; let early3; }));
console.log(tdz(() => { new Early(); class Early {} }));
console.log(tdz(() => { const c = 1; c++; }));
console.log(tdz(() => { const c = 1; c = 2; }));
console.log(tdz(function () { 'use strict'; undeclaredStrict = 1; }));
console.log(tdz(() => undeclaredRead));
console.log(typeof undeclaredTypeof);
// A closure made before its name leaves the dead zone reads it after.
{
  const later = () => laterValue;
  console.log(tdz(later));
  let laterValue = 'initialized';
  console.log(later());
}

// Parameters with defaults: an earlier parameter is visible, a later one is in its dead zone.
function defaults(a, b = a + 1, c = () => a + b) { return [a, b, c()]; }
console.log(defaults(1), tdz(() => { function f(x = y, y = 1) { return x; } return f(); }));
// A parameter shadows a global of the same name; `arguments` is the function's own.
function shadowsGlobal(answer) { return [answer, arguments.length]; }
console.log(shadowsGlobal('param'));
// A mapped parameter updated with ++ moves its arguments element too.
function mapped(n) { n++; return [n, arguments[0]]; }
console.log(mapped(1));

// catch parameters, and a block's let shadowing an outer one.
let shadow = 'outer';
try { throw 'thrown'; } catch (shadow) { console.log(shadow); }
{ let shadow = 'inner'; console.log(shadow); }
console.log(shadow);

// Closures capture each iteration's binding of a for-let loop, and the loop's counter.
const closures = [];
for (let i = 0; i < 3; i++) closures.push(() => i);
console.log(closures.map((f) => f()));
const varClosures = [];
for (var j = 0; j < 3; j++) varClosures.push(() => j);
console.log(varClosures.map((f) => f()));
const ofClosures = [];
for (const k of ['a', 'b']) ofClosures.push(() => k);
console.log(ofClosures.map((f) => f()));

// A named function expression's own name: visible inside, read-only, shadowed by a var.
const fact = function f(n) { return n <= 1 ? 1 : n * f(n - 1); };
console.log(fact(5), typeof f);
const sloppyAssign = function g() { g = 1; return typeof g; };
console.log(sloppyAssign());
const strictAssign = function h() { 'use strict'; h = 1; };
console.log(tdz(strictAssign));
const shadowedName = function s() { var s = 'var'; return s; };
console.log(shadowedName());

// A class's inner binding is const; methods see it.
class Klass { static self() { return Klass; } static rename() { Klass = 1; } }
console.log(Klass.self() === Klass, tdz(() => Klass.rename()));

// ++ and -- of names holding other values, and of a global.
let str = '5';
str++;
let big = 10n;
big--;
let undef;
undef++;
globalThis['globalCounter'] = 1;
globalCounter++;
++globalCounter;
console.log(str, big, undef, globalCounter, globalThis['globalCounter']);

// A reference keeps the slot it found its binding in, for every later run: across calls
// (new scopes of the same shape each time), in and out of the dead zone, with `arguments`,
// and after a sloppy eval adds a nearer binding of the name.
function tdzLater(first) {
  if (!first) {
    try { return read(); } catch (e) { return e.constructor.name + ': ' + e.message; }
  }
  let z = first;
  function read() { return z; }
  return read();
}
console.log(tdzLater('one'), tdzLater(''), tdzLater('three'));
function counts() { return arguments.length; }
console.log(counts(), counts(1, 2), counts(1));
function outerBinding() {
  let v = 'outer let';
  function inner() {
    const read = () => v;
    const before = [read(), read()];
    eval('var v = "inner eval var"');
    return [before, read()];
  }
  return [inner(), inner()];
}
console.log(outerBinding());
function depths(n) {
  const here = n;
  const reads = [() => here, () => n];
  { let here = 'block'; reads.push(() => here); }
  return reads.map((f) => f());
}
console.log(depths(1), depths(2));
for (const { p = () => q, q } of [{ q: 'first' }, { q: 'second' }]) console.log(p());
