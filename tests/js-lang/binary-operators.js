// Every binary operator over operands of every type (Numbers, -0, NaN, strings, booleans,
// null, undefined, BigInts, objects with valueOf, arrays, symbols): Numbers take the direct
// path, the rest ToPrimitive and ToNumeric first, and both end in the same Number operation.
const vals = [1, -0, NaN, Infinity, '3', true, null, undefined, 2n, {valueOf() { return 7; }}, [5], Symbol.iterator, 2 ** 32 + 3, -2.5];
const ops = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b,
  '%': (a, b) => a % b, '**': (a, b) => a ** b, '<<': (a, b) => a << b, '>>': (a, b) => a >> b,
  '>>>': (a, b) => a >>> b, '&': (a, b) => a & b, '|': (a, b) => a | b, '^': (a, b) => a ^ b,
  '==': (a, b) => a == b, '===': (a, b) => a === b, '<': (a, b) => a < b, '>=': (a, b) => a >= b,
};
const out = [];
for (const op in ops) for (const a of vals) for (const b of vals) {
  try { out.push(String(ops[op](a, b))); } catch (e) { out.push(e.name); }
}
console.log(out.length);
console.log(out.join(','));
