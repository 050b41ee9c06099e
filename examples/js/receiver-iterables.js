// Promise combinators take any iterable: they walk it with Symbol.iterator, `next`, `done`
// and `value`, look up `C.resolve` once, and turn iteration errors into rejections.
function* numbers() {
  yield 1;
  yield Promise.resolve(2);
  yield new Promise((resolve) => setTimeout(() => resolve(3), 5));
}

Promise.all(numbers()).then((v) => console.log('all of a generator:', v));
Promise.race([new Promise(() => {}), 'values wins'].values()).then((v) => console.log('race of an array iterator:', v));
Promise.allSettled('ab').then((r) => console.log('allSettled of a string:', r));

// A hand-written iterator, logging each step of the protocol.
const log = [];
const iterable = {
  [Symbol.iterator]() {
    log.push('Symbol.iterator');
    let i = 0;
    return {
      next() {
        log.push('next ' + i);
        i += 1;
        return i <= 2 ? { value: i * 10, done: false } : { value: undefined, done: true };
      },
      return() {
        log.push('return');
        return {};
      },
    };
  },
};
Promise.any(iterable).then((v) => console.log('any:', v, log.join(', ')));

// A throwing `next` rejects the promise; nothing is thrown at the call.
const broken = { [Symbol.iterator]: () => ({ next() { throw new Error('next failed'); } }) };
Promise.all(broken).catch((e) => console.log('rejected:', e.message));

// Not iterable at all: also a rejection, not a throw.
Promise.race(42).catch((e) => console.log('rejected:', e.constructor.name));

// `resolve` is looked up once per call, and its errors close the iterator.
let lookups = 0;
const Counting = function (executor) {
  return new Promise(executor);
};
Object.defineProperty(Counting, 'resolve', {
  get() {
    lookups += 1;
    return (v) => {
      if (v === 'bad') throw new Error('resolve refused ' + v);
      return Promise.resolve(v);
    };
  },
});
const closing = {
  [Symbol.iterator]() {
    const items = ['ok', 'bad', 'never'];
    let i = 0;
    return {
      next: () => ({ value: items[i], done: i++ >= items.length }),
      return() {
        console.log('iterator closed after', i, 'items');
        return {};
      },
    };
  },
};
Promise.all.call(Counting, closing).catch((e) => console.log('rejected:', e.message, 'lookups', lookups));
