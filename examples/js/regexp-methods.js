// Regular expressions: each RegExp method and each String method that takes a pattern, with
// the edge cases scripts trip on (lastIndex, sticky, empty matches with g, named groups,
// $<name>, split with captures and a limit, replaceAll with a non-global regex).

console.log("-- literals, flags, toString");
var re = /(\d+)-(\d+)/g;
console.log(re, String(re), re.source, re.flags, re.global, re.sticky, re.lastIndex);
console.log(new RegExp("a/b", "im"), new RegExp(re, "y").flags, RegExp(re) === re, new RegExp("").source);
console.log(Object.prototype.toString.call(/x/), /x/ instanceof RegExp, [/a/g, { r: /b/i }]);
try {
  new RegExp("(");
} catch (e) {
  console.log(e.name + ": " + e.message);
}
try {
  new RegExp("a", "gg");
} catch (e) {
  console.log(e.name + ": " + e.message);
}

console.log("-- exec and lastIndex");
var m;
while ((m = re.exec("1-2, 30-40 and 500-6")) !== null) {
  console.log(m[0], m[1], m[2], "at", m.index, "next from", re.lastIndex);
}
console.log("after the last match lastIndex is", re.lastIndex);
console.log(/(a)|(b)/.exec("b"));
var noG = /o/;
noG.lastIndex = 5;
console.log(noG.exec("foo").index, noG.lastIndex, "(no g, no y: lastIndex ignored)");

console.log("-- test, sticky");
var sticky = /foo/y;
console.log(sticky.test("foofoo bar"), sticky.lastIndex, sticky.test("foofoo bar"), sticky.lastIndex);
console.log(sticky.test("foofoo bar"), sticky.lastIndex, "(no foo at 6: lastIndex reset)");
var global = /foo/g;
console.log(global.test("foo"), global.test("foo"), global.test("foo"), "(g remembers lastIndex)");
console.log(/^b/m.test("a\nb"), /^b/.test("a\nb"), /a.b/s.test("a\nb"), /a.b/.test("a\nb"), /ABC/i.test("abc"));

console.log("-- named groups and indices (d)");
var date = /(?<year>\d{4})-(?<month>\d\d)-(?<day>\d\d)/d;
var dm = date.exec("on 2015-06-17!");
console.log(dm.groups.year, dm.groups.month, dm.groups.day, dm.index);
console.log(dm.indices[0], dm.indices.groups.day);

console.log("-- unicode (u)");
console.log("😀x".match(/./g).length, "😀x".match(/./gu).length, /^.$/u.test("😀"), /^.$/.test("😀"));
console.log(/\u{1F600}/u.test("😀"), "a😀b".search(/b/), "😀😀".replace(/(?:)/gu, "-"));

console.log("-- match");
console.log("a1b22c333".match(/\d+/g), "a1b22".match(/\d+/), "abc".match(/z/g), "abc".match(/z/));
console.log("aaa".match(/a*?/g), "abc".match(/(?:)/g), "".match(/^/g), "x".match("x").index);

console.log("-- matchAll");
for (var item of "a1b22c333".matchAll(/[a-z](\d+)/g)) {
  console.log(item[0], item[1], item.index);
}
var it = "ab".matchAll(/(?<ch>.)/g);
console.log(Object.prototype.toString.call(it), [...it].map(function (x) { return x.groups.ch; }), [..."xx".matchAll(/(?:)/g)].length);
try {
  "a".matchAll(/a/);
} catch (e) {
  console.log(e.name + ": " + e.message);
}

console.log("-- replace");
console.log("2015-06-17".replace(date, "$<day>/$<month>/$<year>"));
console.log("John Smith".replace(/(\w+)\s(\w+)/, "$2, $1"), "aaa".replace(/a/, "b"), "aaa".replace(/a/g, "b"));
console.log("abc".replace(/b/, "[$$ $& $` $' $1 $0 $<x>]"), "abc".replace(/(b)/, "$01$10$2"));
console.log("abc".replace(/(?<L>b)/, "[$<L>|$<nope>]"), "abc".replace("b", "$'$`"), "a.b.c".replace(".", "!"));
console.log(
  "price: 10, 20".replace(/\d+/g, function (match, offset, whole) {
    return "$" + match * 2 + "@" + offset + "/" + whole.length;
  })
);
console.log("x-y".replace(/(?<a>x)-(?<b>y)/, function () {
  var groups = arguments[arguments.length - 1];
  return groups.b + "+" + groups.a;
}));
console.log("abc".replace(/(?:)/g, "-"), "abc".replace("", "-"));

console.log("-- replaceAll");
console.log("a.b.c".replaceAll(".", "$&$&"), "aaa".replaceAll("a", function (m, i) { return i; }));
console.log("abc".replaceAll("", "-"), "x1y2".replaceAll(/\d/g, "#"));
try {
  "aaa".replaceAll(/a/, "b");
} catch (e) {
  console.log(e.name + ": " + e.message);
}

console.log("-- search");
console.log("hello world".search(/o/), "hello".search(/z/), "hello".search("l"));
var sg = /l/g;
sg.lastIndex = 4;
console.log("hello".search(sg), sg.lastIndex, "(search keeps lastIndex)");

console.log("-- split");
console.log("a, b;c  d".split(/[,;\s]+/), "a1b2c3".split(/\d/), "a1b2c3".split(/(\d)/));
console.log("a1b2c3".split(/(\d)/, 3), "abc".split(/(?:)/), "abc".split(""), "".split(/x/), "".split(/(?:)/));
console.log("one  two".split(" "), "a,b,c".split(",", 2), "a,b".split(), "ab".split(/(a)(x)?/));

console.log("-- subclass and Symbol methods");
class Logged extends RegExp {
  exec(s) {
    var r = super.exec(s);
    console.log("  exec", JSON.stringify(s), "->", r && r[0]);
    return r;
  }
}
console.log(new Logged("b", "g"), "abcb".replace(new Logged("b", "g"), "B"));
console.log(RegExp.prototype[Symbol.replace].call(/o/g, "foo", "0"), Symbol.split.toString());
var splitter = {
  [Symbol.split](s, limit) {
    return ["custom", s, limit];
  },
};
console.log("text".split(splitter, 9));
