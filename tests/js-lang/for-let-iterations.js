// `for (let ...)` loops: each iteration has its own copy of the loop's bindings
// (CreatePerIterationEnvironment), which only a closure made in the loop, or a direct eval,
// can tell from one binding for the whole loop. settle-js copies only then; these are the
// cases where the copies must be there, and the ones where one binding must behave the same.
const out = [];

// Closures in the body keep their iteration's binding.
const fs = [];
for (let i = 0; i < 3; i++) fs.push(() => i);
out.push('body closures ' + fs.map((f) => f()).join(','));

// A closure in the initializer sees the first copy's binding (the initializer's scope).
const early = [];
for (let i = 0, f = () => i; i < 3; i++) early.push(f);
out.push('init closure ' + early.map((f) => f()).join(','));

// A closure in the update expression captures the copy the update runs in.
const updates = [];
for (let i = 0; i < 3; i++, updates.push(() => i));
out.push('update closures ' + updates.map((f) => f()).join(','));

// A nested loop's closure names the outer loop's binding.
const nested = [];
for (let i = 0; i < 2; i++) {
  for (let j = 0; j < 2; j++) nested.push(() => i + '' + j);
}
out.push('nested ' + nested.map((f) => f()).join(','));

// A closure nested two functions deep.
const deep = [];
for (let i = 0; i < 3; i++) deep.push(function () { return () => i * 10; });
out.push('deep ' + deep.map((f) => f()()).join(','));

// A class's method, a generator and an async function made in the loop.
const made = [];
for (let i = 0; i < 2; i++) {
  made.push(class { m() { return 'm' + i; } });
  made.push(function* () { yield 'g' + i; });
}
out.push('methods ' + made.map((c, k) => (k % 2 ? c().next().value : new c().m())).join(','));

// A direct eval can make a closure over the iteration's binding.
const evals = [];
for (let i = 0; i < 3; i++) evals.push(eval('() => i'));
out.push('eval closures ' + evals.map((f) => f()).join(','));

// A closure that names another binding: the loop's own binding is not captured, and the
// loop behaves the same whether or not it is copied.
let sum = 0;
const adders = [];
for (let i = 0; i < 4; i++) adders.push((v) => { sum += v; });
adders.forEach((f, k) => f(k));
out.push('other names ' + sum);

// No closure at all: writes in the body are seen by the update and the test.
let steps = [];
for (let i = 0; i < 10; i++) {
  if (i === 2) i += 3;
  steps.push(i);
}
out.push('writes ' + steps.join(','));

// The bindings stay block-scoped, with their temporal dead zone in the initializer.
try {
  for (let i = i; ; ) break;
} catch (e) {
  out.push('tdz ' + e.name);
}
out.push('scoped ' + typeof i);

// Labeled continue and break through an inner loop.
const labeled = [];
outer: for (let i = 0; i < 3; i++) {
  for (let j = 0; j < 3; j++) {
    if (j === 1) continue outer;
    if (i === 2) break outer;
    labeled.push(i + ':' + j);
  }
}
out.push('labeled ' + labeled.join(','));

// Closures made in the loop of an async function, run after the loop finished.
(async () => {
  const later = [];
  for (let i = 0; i < 3; i++) {
    await null;
    later.push(() => i);
  }
  out.push('async ' + later.map((f) => f()).join(','));
  // A const in the loop's head (no update): one iteration per value.
  for (const k = 5; ; ) {
    out.push('const ' + k);
    break;
  }
  out.forEach((l) => console.log(l));
})();
