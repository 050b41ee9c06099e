// Math's functions and constants, Number's constants and isSafeInteger, Number::exponentiate
// (1 ** Infinity is NaN), Math.round's halves and -0, max/min's -0 and NaN.
// Exact for these; the precision of the rest (cbrt, cosh, exp, expm1, sinh) is the
// implementation's, and settle-js's differs from V8's fdlibm in the last bit on some inputs.
const fns = ["abs","acos","acosh","asin","atan","ceil","clz32","floor","fround","log1p","log2","round","sign","sqrt","tan","trunc"];
const approx = ["cbrt","cosh","exp","expm1","sinh","sin","cos","log","log10","tanh","asinh","atanh"];
const inputs = [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, 4503599627370497, 1, -1, 10, 1e-10, NaN, Infinity, -Infinity, 3.7];
for (const f of approx) console.log(f, inputs.map((x) => { const r = Math[f](x); return Object.is(r, -0) ? "-0" : String(Math.round(r * 1e9) / 1e9); }).join(" "));
for (const f of fns) console.log(f, inputs.map((x) => { const r = Math[f](x); return Object.is(r, -0) ? "-0" : String(r); }).join(" "));
console.log(Math.atan2(1, 1), Math.atan2(-0, -1), Math.hypot(3, 4), Math.hypot(), Math.hypot(NaN, Infinity), Math.hypot(1e200, 1e200), Math.imul(3, 4), Math.imul(0xffffffff, 5), Math.clz32(1), Math.fround(5.5), Math.fround(5.05), Math.pow(1, Infinity), 1 ** Infinity, (-1) ** -Infinity, Math.pow(2, 0.5), 2 ** 10, Math.pow(NaN, 0));
console.log(Object.is(Math.max(-0, 0), 0), Object.is(Math.min(0, -0), -0), Math.max(), Math.min(), Math.max(1, NaN, 3), Math.max("7", 2));
let seen = 0; Math.max(NaN, { valueOf() { seen++; return 1 } }); console.log("valueOf after NaN:", seen);
console.log(Math.E, Math.LN10, Math.LN2, Math.LOG10E, Math.LOG2E, Math.PI, Math.SQRT1_2, Math.SQRT2, Object.prototype.toString.call(Math), String(Math));
console.log(Number.EPSILON, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_SAFE_INTEGER, Number.MIN_VALUE, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
console.log(Number.isSafeInteger(2 ** 53 - 1), Number.isSafeInteger(2 ** 53), Number.isSafeInteger(1.5), Number.isSafeInteger("1"), Number.parseFloat === parseFloat, Number.parseInt === parseInt, Number.parseInt("ff", 16));
Math.PI = 3; console.log(Math.PI, Object.getOwnPropertyDescriptor(Number, "EPSILON"));
