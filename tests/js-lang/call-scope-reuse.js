// A call's scope and frame are reused by a later call once nothing holds them (interp.rs,
// Scope::recycle): what a closure, an arguments object or a `this` kept must stay its own.
function capture(x) { return () => x; }
function plain(y) { const z = y * 2; return z; }
const keep = [];
for (let i = 0; i < 40; i++) {
  keep.push(capture(i));
  plain(i);
}
console.log(keep.map((f) => f()).join(','));

// A recursion deeper than the spare list, then calls that reuse the scopes it freed.
function depth(n) { const here = n; return n === 0 ? 0 : depth(n - 1) + here - n + 1; }
console.log(depth(100), depth(3), plain(21));

// An arguments object (sloppy functions map it to the parameters) outlives its call.
function sloppy(a, b) { a = a + 1; return arguments; }
const args = [sloppy(1, 2), sloppy(10, 20)];
plain(1);
plain(2);
console.log(args.map((a) => Array.from(a).join('/')).join(' '));

// `this` of a method call, kept by a closure in one call and not in the next.
const obj = {
  tag: 'obj',
  later() { return () => this.tag; },
  now() { return this.tag; },
};
const later = obj.later();
console.log(obj.now(), later(), obj.now.call({ tag: 'other' }), later());

// A closure made and dropped inside a call: the call's scope is registered, never reused.
function inner(v) { const f = () => v + 1; return f(); }
let sum = 0;
for (let i = 0; i < 30; i++) sum += inner(i) + plain(i);
console.log(sum);

// An exception out of a call leaves its scope as a return does.
function thrower(e) { const local = e; throw new Error('from ' + local); }
for (const e of ['a', 'b']) {
  try { thrower(e); } catch (err) { console.log(err.message, plain(3)); }
}
