// Indirect eval (ECMA-262 19.2.1.1): the string runs as global code; its completion value is
// returned; `var` and function declarations of sloppy code become global properties.
var ev = eval;
console.log(ev('1 + 2'), ev(5), ev('var z = 3; z * 2'), typeof z, z);
console.log(ev('if (true) { "a"; } else { "b"; }'), ev('try { throw 1 } catch (e) { "c" + e } finally { "f" }'));
console.log(ev('function gg() { return 7; } gg()'), typeof gg, Object.getOwnPropertyDescriptor(globalThis, 'gg').configurable);
console.log(ev('"use strict"; var local = 1; local'), typeof local);
let lex = 'L';
console.log(ev('typeof lex'));
try { ev('let x = ;'); } catch (e) { console.log(e.name, e instanceof SyntaxError); }
try { ev('throw new TypeError("boom")'); } catch (e) { console.log(e.name, e.message); }
console.log(ev('this === globalThis'), ev('let q = 1; q + 1'), typeof q);
console.log(ev.length, ev.name, Object.getOwnPropertyDescriptor(globalThis, 'eval'));
try { new ev('1'); } catch (e) { console.log(e.name); }
(function () { var loc = 1; console.log(ev('typeof loc')); })();
console.log(ev(''), ev('var a1;'), ev('1; var a2 = 5;'));
