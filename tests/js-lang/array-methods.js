// Array.prototype's newer methods (at, findLast/findLastIndex, flat/flatMap, reduceRight,
// toReversed/toSorted/toSpliced/with, copyWithin) and sort as a stable O(n log n) merge sort.
const a = [1, 2, 3, 4, 5];
console.log(a.at(0), a.at(-1), a.at(9), a.at(-9), a.at("1"), [].at(0), Array.prototype.at.call({ length: 2, 1: "x" }, -1));
console.log(a.findLast((v) => v % 2 === 0), a.findLastIndex((v) => v > 10), a.findLastIndex((v, i, arr) => arr === a && v < 3));
console.log([1, [2, [3, [4, [5]]]]].flat(), [1, [2, [3, [4]]]].flat(Infinity), [1, [2]].flat(0), [1, , 3, [4, , 6]].flat(), [[1, 2], [3]].flat(-1));
console.log([1, 2, 3].flatMap((v) => [v, v * 10]), [1, 2].flatMap((v) => [[v]]), ["a b", "c"].flatMap((s) => s.split(" ")), [1, 2].flatMap(function (v) { return this.k + v }, { k: 10 }));
console.log([1, 2, 3, 4].reduceRight((acc, v) => acc + v), [[1], [2], [3]].reduceRight((acc, v) => acc.concat(v), []), [, 1, , 2].reduceRight((acc, v, i) => acc + i, ""));
const b = [3, 1, 2];
console.log(b.toReversed(), b.toSorted(), b.toSorted((x, y) => y - x), b, b.toSpliced(1, 1), b.toSpliced(1, 0, "x", "y"), b.toSpliced(-1), b.toSpliced(), b.with(1, "w"), b.with(-1, "last"));
console.log([1, , 3].toReversed(), [, "b", "a"].toSorted(), [1, 2, 3, 4, 5].copyWithin(0, 3), [1, 2, 3, 4, 5].copyWithin(-2, 0, 2), [1, 2, 3, 4, 5].copyWithin(1, 3, 4));
try { b.with(3, 0) } catch (e) { console.log(e.name, e.message) }
try { b.with(-4, 0) } catch (e) { console.log(e.name, e.message) }
try { b.sort(1) } catch (e) { console.log(e.name, e.message) }
try { b.toSorted("x") } catch (e) { console.log(e.name, e.message) }
try { [].reduceRight((a, b) => a) } catch (e) { console.log(e.name, e.message) }
const big = [];
for (let i = 0; i < 20000; i++) big.push((i * 7919) % 20011);
big.sort((x, y) => x - y);
let sorted = true;
for (let i = 1; i < big.length; i++) if (big[i - 1] > big[i]) sorted = false;
console.log("20000 sorted:", sorted, big[0], big[19999]);
const stable = [{ k: 1, v: "a" }, { k: 0, v: "b" }, { k: 1, v: "c" }, { k: 0, v: "d" }].sort((x, y) => x.k - y.k).map((o) => o.v).join("");
console.log(stable, [3, undefined, 1, , 2].sort(), ["b", "a", 10, 9, 1].sort(), [5, 1, 4].sort(() => 0));
let calls = 0;
const chaos = [5, 3, 8, 1, 9, 2].sort(() => { calls++; return Math.random() - 0.5 });
console.log(chaos.length, calls > 0);
const thrower = [3, 2, 1];
try { thrower.sort(() => { throw new Error("cmp") }) } catch (e) { console.log(e.message, thrower) }
console.log(Array.prototype.flat.length, Array.prototype.flatMap.length, Array.prototype.at.length, Array.prototype.toSpliced.length, Array.prototype.with.length, Array.prototype.reduceRight.length);
