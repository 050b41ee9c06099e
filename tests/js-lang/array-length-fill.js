// Stores into an array whose length is past its elements (`new Array(n)`, a longer
// `length`): the holes below the length stay holes, the length stays, and the array's
// methods see the stored elements in order.
const a = new Array(5);
a[0] = 'x';
a[2] = 'z';
console.log(a.length, a, Object.keys(a), 1 in a, 2 in a, a.indexOf(undefined), a.join('-'));
for (let i = 0; i < 5; i++) a[i] = i;
console.log(a.length, a, a.map((x) => x * 2), Object.keys(a));
console.log(a.reverse(), a.indexOf(0), a.slice(1, 3));
a[7] = 7;
console.log(a.length, a, 6 in a);

const b = new Array(3000);
b[0] = 'first';
b[2999] = 'last';
console.log(b.length, Object.keys(b), b.indexOf('last'), b.lastIndexOf('first'));
b.length = 10;
console.log(b.length, Object.keys(b), b);

const c = [];
c.length = 100;
c[50] = 1;
c[1] = 'one';
console.log(c.length, Object.keys(c), c.indexOf(1), c.lastIndexOf('one'), c.includes(undefined));
c.push('end');
console.log(c.length, c[100], Object.keys(c).length);

const d = new Array(4);
Object.freeze(d);
d[0] = 1;
console.log(d.length, 0 in d, Object.isFrozen(d));

const e = new Array(3);
Object.defineProperty(Array.prototype, 1, { set(v) { console.log('setter', v); }, configurable: true });
e[0] = 'a';
e[1] = 'b';
e[2] = 'c';
delete Array.prototype[1];
console.log(e.length, Object.keys(e), e);
