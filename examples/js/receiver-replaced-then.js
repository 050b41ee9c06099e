// A native promise whose `then` was replaced: ECMA-262 looks `then` up on every object a
// promise is resolved with, so resolving, combinators and `finally` call the replacement.
const p = Promise.resolve('value');
let calls = 0;
const originalThen = Promise.prototype.then;
p.then = function (onFulfilled, onRejected) {
  calls += 1;
  console.log('replaced then called', calls);
  return originalThen.call(this, onFulfilled, onRejected);
};

new Promise((resolve) => resolve(p)).then((v) => console.log('resolved through it:', v));
Promise.all([p]).then((v) => console.log('all through it:', v));
Promise.resolve(p).then((v) => console.log('Promise.resolve returns p itself:', v));

// `await` only uses PromiseResolve: p's constructor is Promise, so p is awaited directly and
// the replaced `then` is not called.
(async () => {
  console.log('awaited:', await p, 'calls', calls);
})();

// A `then` getter that throws rejects the promise being resolved.
const trap = Promise.resolve(1);
Object.defineProperty(trap, 'then', {
  get() {
    throw new Error('then getter threw');
  },
});
new Promise((resolve) => resolve(trap)).catch((e) => console.log('rejected:', e.message));

// A `then` that throws after resolving: the first call wins.
const early = Promise.resolve(2);
early.then = function (resolve) {
  resolve('resolved first');
  throw new Error('ignored');
};
Promise.resolve()
  .then(() => early)
  .then((v) => console.log('handler result:', v));

// Replacing Promise.prototype.then itself affects every promise (restored after one use).
Promise.prototype.then = function (f, r) {
  console.log('prototype then replaced');
  Promise.prototype.then = originalThen;
  return originalThen.call(this, f, r);
};
Promise.resolve(3).finally(() => console.log('finally'));
