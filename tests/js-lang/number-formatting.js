// Number.prototype.toFixed / toExponential / toPrecision (21.1.3.2-5): rounding on the exact
// decimal value of the double, ties away from zero as the spec's 'pick the larger n'.
const xs = [0, -0, 1, -1, 1.25, 1.35, 1.45, 2.5, 0.5, 0.05, 0.000001234, 123.456, 9.995, 99.99, 1e21, 1.005, 1234.5678, -1.5e-7, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 255, 1e-7, 123456789012345680000, 0.00001, 1.45e-10];
for (const x of xs) console.log(x, x.toFixed(0), x.toFixed(2), x.toFixed(5), x.toExponential(), x.toExponential(0), x.toExponential(3), x.toPrecision(1), x.toPrecision(3), x.toPrecision(8), x.toPrecision(21));
console.log((NaN).toPrecision(3), (Infinity).toExponential(2), (-Infinity).toFixed(2), (25).toPrecision(), (0.5).toFixed(0), (1.5).toFixed(0), (-0.5).toFixed(0), (-1.5).toFixed(0), (0.45).toFixed(1), (8.345).toFixed(2), (10.235).toFixed(2));
for (const f of [() => (1).toPrecision(0), () => (1).toPrecision(101), () => (1).toExponential(-1), () => (1).toFixed(101)]) try { f() } catch (e) { console.log(e.name, e.message) }
