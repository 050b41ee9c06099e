// Array holes (ECMA-262 13.2.4.1 Elision, 10.4.2): an absent index below length; `in` and the
// methods that test HasProperty skip it, iteration reads it as undefined, console.log shows
// `<N empty items>`.
var a = [1, , 3];
console.log(a, 1 in a, a.length, Object.keys(a), a.hasOwnProperty(1), a.hasOwnProperty(0));
var cnt = 0; a.forEach(function () { cnt++; }); console.log(cnt);
console.log(a.map(x => x * 2), a.filter(() => true), a.indexOf(undefined), a.includes(undefined), a.join('-'));
console.log([,].length, [, ,], Array(3), new Array(2), [1, , , 4, , 6], [...a], Array.from(a));
var b = [1, 2, 3]; delete b[1]; console.log(b, b.length, 1 in b);
var c = []; c[3] = 'x'; console.log(c, c.length, Object.keys(c));
var d = [5, 1, , 3]; d.sort(); console.log(d);
console.log([1, , 3].reduce((s, x) => s + x), [, 'a'].find(x => true), [, 'a'].findIndex(x => x === undefined));
console.log([1, , 3].concat([, 5]), [1, , 3].slice(1), JSON.stringify([1, , 3]), String([1, , 3]));
var e = [1, 2, 3]; e.length = 5; console.log(e); e.length = 1; console.log(e);
const [p, q, r] = [1, , 3]; console.log(p, q, r);
for (const x of [1, , 3]) console.log(x);
for (const k in [1, , 3]) console.log(k);
console.log(Object.getOwnPropertyNames([1, , 3]), Object.entries([1, , 3]));
console.log(Array(120).fill(0).map((_, i) => i % 3 ? i : undefined).length, [, , 1, , ]);
var big = []; big[150] = 1; console.log(big);
console.log([1, , 3].some(x => x === undefined), [1, , 3].every(x => x !== undefined));
function f() { arguments[5] = 'x'; return Object.keys(arguments); } console.log(f(1, 2));
