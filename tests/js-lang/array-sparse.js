// Far array indices and lengths: one property each, not every index below (Node's answers).
const a = [];
a[4294967294] = 1;
console.log(a.length, a[4294967294], a[5], 5 in a, 4294967294 in a);
console.log(Object.keys(a));
a[4294967295] = 2; // not an array index: a plain property, length unchanged
console.log(a.length, Object.keys(a));
for (const k in a) console.log("for-in", k);
a[0] = "x";
a[7] = "y";
console.log(Object.keys(a), a.length);
console.log(delete a[4294967294], a[4294967294], a.length, Object.keys(a));

const b = [1, 2, 3];
b.length = 4294967295;
console.log(b.length, Object.keys(b), b[2], b[3]);
try {
  b.push(1);
} catch (e) {
  console.log(e.constructor.name, e.message);
}
console.log(b.length, Object.keys(b));
b.length = 2;
console.log(b.length, Object.keys(b));

const c = [];
c[1e9] = "far";
c[1e9 - 5] = "near far";
console.log(c.length, Object.keys(c), c[1e9]);
c[1e9] = "again";
console.log(c[1e9], Object.getOwnPropertyDescriptor(c, "1000000000"));
console.log(c.pop(), c.length, c.pop(), c.length);
c.push("p");
console.log(c.length, c[999999995], Object.keys(c));
c.length = 0;
console.log(c.length, Object.keys(c), c[999999995]);
c.push(1, 2);
console.log(c);

const d = new Array(4294967295);
console.log(d.length, Object.keys(d));
d[4294967294] = "last";
d[3] = "three";
console.log(d.length, Object.keys(d), d[4294967294], d[3]);
d.length = 4;
console.log(d.length, Object.keys(d));

for (const bad of [4294967296, -1, 1.5]) {
  try {
    new Array(bad);
  } catch (e) {
    console.log(e.constructor.name, e.message);
  }
  try {
    [].length = bad;
  } catch (e) {
    console.log(e.constructor.name, e.message);
  }
}

const e = [];
Object.defineProperty(e, 2000000, { value: 1, writable: false, enumerable: true, configurable: true });
e[2000000] = 5;
console.log(e.length, e[2000000]);
