// A promise's resolving functions are built-in functions of length 1 and name "" (27.2.1.3),
// however settle-js stores them (object.rs, Func::Resolving); recorded from Node v20.
let res, rej;
const p = new Promise((a, b) => { res = a; rej = b; });
console.log(typeof res, res.length, JSON.stringify(res.name), Object.getOwnPropertyNames(res).join(','), res.hasOwnProperty('prototype'));
console.log(Object.getPrototypeOf(res) === Function.prototype, String(res), Object.isExtensible(res));
try { new res(1); } catch (e) { console.log(e.constructor.name); }
console.log(res.call({}, 5), rej(new Error('x')));
p.then((v) => console.log('resolved', v));
const q = new Promise((a) => { a.extra = 1; a.length; delete a.name; console.log(Object.getOwnPropertyNames(a).join(','), a.extra); a(7); a(8); });
q.then((v) => console.log('q', v));
let resolve, reject;
const promise = new Promise((a, b) => { resolve = a; reject = b; });
console.log(resolve.length, reject.name === '', resolve !== reject);
reject(new Error('late')); resolve(1);
promise.catch((e) => console.log('caught', e.message));
// A thenable: its then receives resolving functions too.
Promise.resolve({ then(a, b) { console.log('then got', typeof a, a.length, a.name === ''); a(42); } }).then((v) => console.log('thenable', v));
