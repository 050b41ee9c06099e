// `await` and Promise.resolve of a native promise skip its `then` only while Promise.prototype's
// `then` and `constructor` and Promise[Symbol.species] are the intrinsic ones (the check is
// cached, issue 16): each change below must be seen by the next `await` / `resolve`.
'use strict';
const log = [];
const original = Promise.prototype.then;
async function step(label) {
  await Promise.resolve(label);
  // Resolving with a promise: NewPromiseResolveThenableJob calls its `then`.
  const inner = await new Promise((resolve) => resolve(Promise.resolve(label + ' (resolved)')));
  const chained = await Promise.resolve().then(() => Promise.resolve(label + ' (chained)'));
  log.push(label, inner, chained);
  return Promise.resolve(label);
}
async function main() {
  await step('plain 1');
  await step('plain 2');
  Promise.prototype.then = function (a, b) {
    log.push('patched then');
    return original.call(this, a, b);
  };
  await step('patched');
  Promise.prototype.then = original;
  await step('restored');
  Object.defineProperty(Promise.prototype, 'constructor', { value: Object, writable: true, configurable: true });
  const p = Promise.resolve(1);
  log.push(Promise.resolve(p) === p ? 'same promise' : 'new promise');
  Promise.prototype.constructor = Promise;
  log.push(Promise.resolve(p) === p ? 'same promise again' : 'new promise again');
  const species = Object.getOwnPropertyDescriptor(Promise, Symbol.species);
  Object.defineProperty(Promise, Symbol.species, { get() { log.push('species read'); return Promise; }, configurable: true });
  await step('species patched');
  Promise.resolve(1).then(() => {});
  Object.defineProperty(Promise, Symbol.species, species);
  await step('species restored');
  delete Promise.prototype.then;
  try {
    await step('then deleted');
  } catch (e) {
    log.push('threw ' + e.constructor.name);
  }
  Promise.prototype.then = original;
  await step('then back');
  const own = Promise.resolve('own');
  own.then = function (a, b) { log.push('own then'); return original.call(this, a, b); };
  log.push(await own);
  console.log(log.join('\n'));
}
main().catch((e) => console.log('failed', e));
