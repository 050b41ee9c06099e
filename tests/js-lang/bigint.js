// BigInt (ECMA-262 6.1.6.2, 21.2): settle-js's are 64-bit; literals, arithmetic, comparison with
// Numbers and Strings, conversions and their TypeErrors and RangeErrors, as Node gives them.
const a = 10n, b = 3n;
console.log(typeof a, a + b, a - b, a * b, a / b, a % b, -a % b, a ** b, a << 2n, -a >> 1n, a & b, a | b, a ^ b, ~a, -a);
console.log(a == 10, a === 10, a == '10', 1n < 2, 2 > 1n, 1n < 1.5, 0n == false, !!0n, !!1n, a < '11');
console.log(String(a), `${a}`, a + 'x', [1n, 2n], { v: -5n }, Object.prototype.toString.call(1n));
console.log(BigInt(42), BigInt('0x1f'), BigInt(' 12 '), BigInt(true), (255n).toString(16), (-255n).toString(2));
for (const f of [() => a + 1, () => BigInt(1.5), () => BigInt('1.5'), () => new BigInt(1), () => 1n / 0n, () => +a, () => a >>> 1n, () => JSON.stringify(1n), () => Math.max(1n), () => BigInt(undefined)]) {
  try { console.log(f()); } catch (e) { console.log(e.constructor.name, e.message); }
}
let i = 5n; i++; ++i; i--; console.log(i, typeof i, 1n === 1n, [0n].includes(0n), Object.is(0n, -0n));
console.log(BigInt.prototype.valueOf.call(7n), typeof BigInt, BigInt.name, BigInt.length);
