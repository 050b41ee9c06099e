// Promise.all and its kin, and the language's own iteration (for-of, spread, destructuring),
// step an array's iterator without its result objects when the iterator's `next` is the
// intrinsic one (nothing can see those objects); everything the protocol does that a script
// can see must stay: elements read live, holes read through the prototype, a replaced `next`
// called, errors from the steps.
const log = [];
const show = (label) => (v) => log.push(label + ' ' + JSON.stringify(v));
const fail = (label) => (e) => log.push(label + ' rejected ' + (e && e.message));

// The array grows while it is iterated: a custom constructor's resolve pushes to it.
const grow = [1, 2];
class Grow extends Promise {
  static resolve(v) {
    if (grow.length < 4) grow.push(grow.length + 1);
    return super.resolve(v);
  }
}
Grow.all(grow).then(show('live'), fail('live'));

// A hole is read through Array.prototype (a getter there runs, in order).
const holes = [1, , 3];
Object.defineProperty(Array.prototype, 1, {
  get() { log.push('getter read'); return 'from prototype'; },
  configurable: true,
});
Promise.all(holes).then(show('holes'), fail('holes'));
delete Array.prototype[1];

// A replaced next is called through the protocol, its result objects read.
const ArrayIteratorPrototype = Object.getPrototypeOf([][Symbol.iterator]());
const next = ArrayIteratorPrototype.next;
ArrayIteratorPrototype.next = function () {
  const r = next.call(this);
  log.push('replaced next ' + r.done);
  return r;
};
Promise.all(['x', 'y']).then(show('replaced'), fail('replaced'));
ArrayIteratorPrototype.next = next;

// A getter that throws on an element rejects the result, and the iterator is not closed
// (the step threw).
const throwing = [1, 2];
Object.defineProperty(throwing, 1, { get() { throw new Error('element getter'); } });
Promise.all(throwing).then(show('throwing'), fail('throwing'));

// allSettled, any and race take the same steps; keys and entries iterators too.
Promise.allSettled([1, Promise.reject(new Error('no'))]).then(
  (rs) => log.push('allSettled ' + rs.map((r) => r.status).join(',')),
);
Promise.any([Promise.reject(new Error('a')), 2]).then(show('any'));
Promise.race([new Promise(() => {}), 3]).then(show('race'));
Promise.all(['p', 'q'].entries()).then(show('entries'));
Promise.all('ab').then(show('string'));

// The same steps in for-of, spread and destructuring, over iterators that are not the
// array's own shortcut (entries, keys, a holey array, one that grows).
const seen = [];
for (const [i, v] of ['a', 'b'].entries()) seen.push(i + v);
seen.push([...[7, 8].keys()].join('+'));
Object.defineProperty(Array.prototype, 1, { get() { return 'proto'; }, configurable: true });
seen.push([...[0, , 2]].join('/'));
delete Array.prototype[1];
const growing = [1];
for (const v of growing.values()) if (growing.length < 3) growing.push(v + 1);
seen.push(growing.join(''));
const [first, ...others] = 'xyz'[Symbol.iterator]();
seen.push(first + others.join(''));
ArrayIteratorPrototype.next = function () {
  const r = next.call(this);
  seen.push('replaced ' + r.done);
  return r;
};
for (const v of [1].values()) seen.push('got ' + v);
ArrayIteratorPrototype.next = next;
log.push('language ' + seen.join(', '));

setTimeout(() => log.forEach((l) => console.log(l)), 0);
