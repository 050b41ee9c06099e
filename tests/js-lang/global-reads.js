// A name the script binds nowhere is the global object's property; its read keeps the
// property's position (interp.rs, get_global_cached) and must see every change of it.
// Recorded from Node v20.
globalThis.g1 = 1;
function read() { return g1; }
console.log(read());
g1 = 2;
console.log(read());
delete globalThis.g1;
try { read(); } catch (e) { console.log(e.name, e.message); }
globalThis.g1 = 3;
console.log(read());
Object.defineProperty(globalThis, 'g1', { get() { return 'getter'; }, configurable: true });
console.log(read());
delete globalThis.g1;
// Properties before it deleted, so its position moves.
globalThis.a0 = 0;
globalThis.a1 = 1;
globalThis.g1 = 'x';
console.log(read());
delete globalThis.a0;
console.log(read());
delete globalThis.a1;
globalThis.a2 = 2;
console.log(read(), typeof a0, typeof a2);
// Found on the global object's prototype chain, then own, then not.
Object.defineProperty(Object.prototype, 'g2', { get() { return 'proto'; }, configurable: true });
function read2() { return g2; }
console.log(read2());
globalThis.g2 = 'own';
console.log(read2());
delete globalThis.g2;
console.log(read2());
delete Object.prototype.g2;
try { read2(); } catch (e) { console.log(e.name, e.message); }
// A sloppy direct eval makes the name a binding of the function.
function f() { const r = () => g1; const before = r(); eval('var g1 = "local"'); return [before, r()]; }
console.log(f().join(' '), read());
// A non-writable global keeps its value.
Object.defineProperty(globalThis, 'g3', { value: 'fixed', writable: false, configurable: true });
function read3() { return g3; }
console.log(read3());
g3 = 'changed';
console.log(read3());
