// Sticky matching at every position (a failed sticky attempt remembers where the next match
// starts, so @@split does not search again between matches), and @@split edge cases.
const y = /b+/y;
const s = "aabbbacbb";
const out = [];
for (let i = 0; i <= s.length + 1; i++) { y.lastIndex = i; const m = y.exec(s); out.push(m ? m[0] + "@" + m.index + ">" + y.lastIndex : "-" + y.lastIndex); }
console.log(out.join(" "));
y.lastIndex = 5; console.log(y.test(s), y.lastIndex); y.lastIndex = 2; console.log(y.test(s), y.lastIndex);
y.lastIndex = 7; console.log(y.test("xxxxxxxbb"), y.lastIndex); y.lastIndex = 7; console.log(y.test(s), y.lastIndex);
console.log("a😀b😀c".split(/😀/u), "a😀b😀c".split(/(?:)/u), "xaybzc".split(/[abc]/), "a,,b".split(/,/), ",a,".split(/,/), "ab".split(/$/), "ab".split(/^/m));
console.log("test1test2".split(/(?=t)/), "a1b2".split(/(?<=\d)/));
