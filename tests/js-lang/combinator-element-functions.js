// Promise.all, allSettled and any: while an input's then is the intrinsic, the element
// functions are run by the reactions' jobs without function objects (promise/src/realm/then.rs,
// invoke_then_with_handlers); a script's then still sees real ones. Recorded from Node v20.
const log = [];
// Intrinsic promises: element functions are never seen; ordering against plain thens.
const a = Promise.resolve(1), b = new Promise((r) => setTimeout(() => r(2), 0)), c = Promise.reject(new Error('c'));
Promise.all([a, b]).then((v) => log.push('all ' + v));
Promise.allSettled([a, c]).then((v) => log.push('settled ' + v.map((x) => x.status + ':' + (x.value ?? x.reason.message)).join(',')));
Promise.any([c, a]).then((v) => log.push('any ' + v));
Promise.any([c]).catch((e) => log.push('any-none ' + e.constructor.name + ' ' + e.errors.length));
a.then(() => log.push('a.then'));
// A promise whose `then` is the script's: the element function is a real function object.
const custom = Promise.resolve(5);
custom.then = function (f, r) {
  log.push('custom then: ' + typeof f + ' length ' + f.length + ' name "' + f.name + '" ' + (r === undefined ? '' : typeof r));
  f(50); f(51);
  return Promise.prototype.then.call(this, f, r);
};
Promise.all([custom, a]).then((v) => log.push('all-custom ' + v));
Promise.allSettled([custom]).then((v) => log.push('settled-custom ' + JSON.stringify(v)));
// A capability whose resolve throws: the error goes to the derived promise (unhandled).
process.on('unhandledRejection', (e) => log.push('unhandled ' + e.message));
function Ctor(executor) {
  executor(() => { throw new Error('resolve threw'); }, () => {});
}
Ctor.resolve = (v) => Promise.resolve(v);
Promise.all.call(Ctor, [a]);
setTimeout(() => console.log(log.join('\n')), 10);
