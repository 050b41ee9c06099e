// Async generators (ES2018) against promise chains and timers: each line's place in the
// output is the tick it ran on, as Node orders them.
function ticks(label, n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => console.log(label + i));
  return p;
}

async function* counter(limit) {
  try {
    for (let i = 0; i < limit; i++) {
      const sent = yield i;
      if (sent) console.log('counter got', sent);
    }
  } finally {
    console.log('counter finally');
  }
}

const obj = {
  async *method(x) { yield x; yield await Promise.resolve(x * 2); },
};
class Box {
  static async *values(items) { for (const v of items) yield v; }
}
const expr = async function* named() { yield named.name; };

async function main() {
  // 1. `yield v` against a then chain.
  const g1 = counter(3);
  g1.next().then(r => console.log('g1 next', JSON.stringify(r)));
  await ticks('a', 4);

  // 2. Two next() calls queued on one generator, and a throw() into it while queued.
  const g2 = counter(5);
  const q = [g2.next(), g2.next('hello'), g2.throw(new Error('stop')), g2.next()];
  q.forEach((p, i) => p.then(r => console.log('q' + i, JSON.stringify(r)), e => console.log('q' + i, 'rejected', e.message)));
  await ticks('b', 6);

  // 3. return() while suspended at a yield (the finally runs), and while executing.
  const g3 = counter(10);
  await g3.next();
  g3.return(Promise.resolve('early')).then(r => console.log('g3 return', JSON.stringify(r)));
  await ticks('c', 5);
  let g4;
  async function* selfReturn() {
    const p = g4.return('while-executing');
    p.then(r => console.log('g4 return', JSON.stringify(r)));
    yield 'first';
    console.log('not reached');
  }
  g4 = selfReturn();
  g4.next().then(r => console.log('g4 next', JSON.stringify(r)));
  await ticks('d', 5);

  // 4. return() on a fresh generator, and on a finished one; throw() on a fresh one.
  const fresh = counter(1);
  fresh.return('never started').then(r => console.log('fresh return', JSON.stringify(r)));
  fresh.next().then(r => console.log('fresh next', JSON.stringify(r)));
  const thrown = counter(1);
  thrown.throw('boom').catch(e => console.log('fresh throw rejected', e));
  thrown.next().then(r => console.log('after throw', JSON.stringify(r)));
  await ticks('e', 5);

  // 5. Rejections: an awaited yield operand, a rejected return value, a thrown error.
  async function* failing() {
    try {
      yield Promise.reject(new Error('yield operand'));
    } catch (e) {
      console.log('caught in generator:', e.message);
    }
    return Promise.reject(new Error('return value'));
  }
  const f = failing();
  f.next().then(r => console.log('f1', JSON.stringify(r)), e => console.log('f1 rejected', e.message));
  f.next().then(r => console.log('f2', JSON.stringify(r)), e => console.log('f2 rejected', e.message));
  f.next().then(r => console.log('f3', JSON.stringify(r)));
  await ticks('f', 6);

  // 6. Methods, static class methods and named expressions.
  const m = obj.method(21);
  console.log(JSON.stringify(await m.next()), JSON.stringify(await m.next()), JSON.stringify(await m.next()));
  const b = Box.values(['x', 'y']);
  console.log(JSON.stringify(await b.next()), JSON.stringify(await b.next()), JSON.stringify(await b.next()));
  console.log(JSON.stringify(await expr().next()));
  console.log(Object.getPrototypeOf(obj.method).constructor === Object.getPrototypeOf(async function* () {}).constructor);
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(counter(0)));
  console.log(Object.prototype.toString.call(proto), typeof proto.next, typeof proto.return, typeof proto.throw);
  const asyncIteratorProto = Object.getPrototypeOf(proto);
  console.log(asyncIteratorProto[Symbol.asyncIterator].call(42), counter(0)[Symbol.asyncIterator]() instanceof counter);

  // 7. Timers inside the generator body.
  async function* timed() {
    yield new Promise(r => setTimeout(() => r('after 5ms'), 5));
    setTimeout(() => console.log('timer inside generator'), 0);
    yield 'immediately';
  }
  const t = timed();
  setTimeout(() => console.log('outside timer 1ms'), 1);
  console.log(JSON.stringify(await t.next()));
  console.log(JSON.stringify(await t.next()));
  await new Promise(r => setTimeout(r, 1));
  console.log(JSON.stringify(await t.next()));

  // 8. A non-generator receiver.
  const next = Object.getPrototypeOf(proto).constructor === Object ? proto.next : null;
  next.call({}).then(null, e => console.log('incompatible receiver:', e instanceof TypeError));
}
main();
