// JSON.parse (with a reviver) and JSON.stringify (replacer function or list, space) per
// ECMA-262 25.5, with V8's SyntaxError and circular-structure messages.
const bad = ['{"a":}', '', '[1,]', '{"a":1}x', '"abc', '{a:1}', 'tru', 'nul', '01', '1.', '-', '"\\x"', '"a\nb"', '[1 2]', '{"a" 1}', '{"a":1,}', ' ', '1e', '"\\u12"', '{"a":1', '[', 'x'.repeat(50), '[' + '1,'.repeat(30) + 'x]', '{"long key here to test":  ?}', 'undefined', "'a'", '\u00a01', 'NaN', '[-]', '+1', '.5', '"\t"',
  "{", "{\"a\"", "{\"a\":", "[1", "\"a", "[1,", "{\"a\":1", "{\"a\":1,", "trux", "[tru]", "\"\\u", "\"\\", "-x", "1.x", "1ex", "1e+", "[01]", "00", "-01", "{\"a\":1}}", "[1]]", "[\"a\" \"b\"]", "1 2", "{\"a\":1 \"b\":2}", "Infinity", "[object Object]", " undefined", "tr1e", 'tr"', '[1,,2]', '{"a":1,"a":2,"__proto__":3}', '😀x', '"😀"x'];
for (const b of bad) { try { const v = JSON.parse(b); console.log("ok", JSON.stringify(b), JSON.stringify(v), Object.keys(v ?? {})) } catch (e) { console.log(JSON.stringify(b), e.name + ": " + e.message) } }
const good = ' { "a" : [1, -2.5e3, 0, -0, 1E2, 0.1, true, false, null, "s\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00", {}, []], "b": {"c": {"d": 1}} } ';
const v = JSON.parse(good);
console.log(v, Object.is(v.a[3], -0), v.a[9]);
console.log(JSON.parse('[1, [2, {"a": 3}], {"b": [4]}]', function (k, v) { console.log(JSON.stringify(k), JSON.stringify(v), Array.isArray(this)); return typeof v === "number" ? v * 10 : v; }));
console.log(JSON.parse('{"a": 1, "b": 2, "c": {"d": 3}}', (k, v) => (k === "b" ? undefined : v)));
console.log(JSON.parse('"x"', function (k, v) { return [k, v, Object.keys(this)] }), JSON.parse(12), JSON.parse(null), JSON.parse(true), JSON.parse({ toString() { return "[7]" } }));
console.log(JSON.parse(JSON.stringify({ deep: [[[[{ x: "y" }]]]] })).deep[0][0][0][0].x, JSON.parse.length, JSON.parse.name);
const o = { a: 1, b: [1, "x", null, undefined, () => 1, Symbol("s"), NaN], c: { d: true, e: undefined }, f: new Date0() };
function Date0() { this.when = "now"; }
Date0.prototype.toJSON = function (key) { return "toJSON(" + key + ")"; };
console.log(JSON.stringify(o));
console.log(JSON.stringify(o, null, 2));
console.log(JSON.stringify(o, null, "--"));
console.log(JSON.stringify(o, null, new Number(3)));
console.log(JSON.stringify(o, null, new String("abcdefghijklmn")));
console.log(JSON.stringify(o, ["a", "c", "d", 1, new String("b")]));
console.log(JSON.stringify(o, function (k, v) { if (typeof v === "number") return v * 2; if (k === "c") return undefined; return v; }));
console.log(JSON.stringify({ x: 1, y: { z: 2 } }, function (k, v) { console.log(JSON.stringify(k), typeof v, this === undefined); return v; }));
console.log(JSON.stringify([]), JSON.stringify({}), JSON.stringify([], null, 2), JSON.stringify({}, null, 2), JSON.stringify([[]], null, 2));
console.log(JSON.stringify("a\u2028b\"\\\n"), JSON.stringify(undefined), JSON.stringify(() => 1), JSON.stringify(Symbol()), JSON.stringify(new Boolean(false)), JSON.stringify(Object("s")));
console.log(JSON.stringify({ [Symbol("k")]: 1, k: 2 }), JSON.stringify([new Map([[1, 2]]), new Set([1])]), JSON.stringify({ a: 1 }, null, 20).length);
try { JSON.stringify({ big: 1n }) } catch (e) { console.log(e.name, e.message) }
BigInt.prototype.toJSON = function () { return this.toString() + "n"; };
console.log(JSON.stringify({ big: 12n }));
delete BigInt.prototype.toJSON;
const cyc = {}; cyc.self = cyc; try { JSON.stringify(cyc) } catch (e) { console.log(e.message) }
const a = { b: { c: [1] } }; a.b.c.push(a); try { JSON.stringify(a) } catch (e) { console.log(e.message) }
const x = []; x[0] = x; try { JSON.stringify(x) } catch (e) { console.log(e.message) }
class K {} const k = new K(); k.m = { n: k }; try { JSON.stringify({ k }) } catch (e) { console.log(e.message) }
const long = { l1: { l2: { l3: { l4: { l5: {} } } } } }; long.l1.l2.l3.l4.l5.back = long.l1; try { JSON.stringify(long) } catch (e) { console.log(e.message) }
console.log(JSON.stringify({ a: [{ b: 1 }, { c: [2, { d: 3 }] }] }, null, "\t"));
console.log(JSON.stringify({ date: { toJSON() { return undefined } }, keep: 1 }));
console.log(JSON.stringify(Object.assign(Object.create({ inherited: 1 }), { own: 2 })));
console.log(JSON.stringify({ "1": "one", b: 2, "0": "zero" }));
const mk=(n)=>{const r={};let c=r;for(let i=0;i<n;i++){c["k"+i]={};c=c["k"+i]};c.back=r;return r}; for (const n of [1,2,3,4,5]) { try{JSON.stringify(mk(n))}catch(e){console.log(e.message)} }
