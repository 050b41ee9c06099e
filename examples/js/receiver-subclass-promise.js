// A class extending Promise: `then`, the statics and `finally` construct the subclass
// (Symbol.species and the receiver), and its constructor runs once per derived promise.
let constructed = 0;
class Tracked extends Promise {
  constructor(executor) {
    super(executor);
    constructed += 1;
    this.label = 'tracked#' + constructed;
  }
}

const a = Tracked.resolve(1);
const b = a.then((v) => v + 1);
console.log(a instanceof Tracked, b instanceof Tracked, a.label, b.label);

const all = Tracked.all([a, b, 3]);
console.log('all is a', all.constructor.name, all.label);
all.then((values) => console.log('all:', values, 'constructed so far', constructed));

// A species that points back at plain Promise: derived promises are Promises again.
class Plain extends Promise {
  static get [Symbol.species]() {
    return Promise;
  }
}
const plainThen = Plain.resolve('x').then((v) => v);
console.log('species Promise:', plainThen instanceof Plain, plainThen instanceof Promise);

// finally keeps the subclass and passes the value through.
Tracked.reject(new Error('no'))
  .finally(() => console.log('finally ran'))
  .catch((e) => console.log('caught', e.message, 'constructed', constructed));

// Promise.reject and Promise.race with a subclass receiver.
const raced = Promise.race.call(Tracked, [new Promise(() => {}), Promise.resolve('late')]);
console.log('race gives', raced.constructor.name);
raced.then((v) => console.log('resolved', v));

// A receiver that is not a constructor is a TypeError thrown at once.
try {
  Promise.resolve.call({}, 1);
} catch (e) {
  console.log(e.constructor.name);
}
