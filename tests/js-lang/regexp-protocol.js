// The RegExp protocol as the spec makes it observable: which properties the String methods
// and the @@ methods read, in which order, with a script's own exec, flags and species.

function logged(label, re) {
  var log = [];
  var proxyish = Object.create(re);
  ["exec", "flags", "global", "unicode", "lastIndex", "source", "constructor"].forEach(function (k) {
    Object.defineProperty(proxyish, k, {
      get: function () {
        log.push("get " + k);
        var v = re[k];
        return typeof v === "function" ? v.bind(re) : v;
      },
      set: function (v) {
        log.push("set " + k + "=" + v);
        re[k] = v;
      },
    });
  });
  return { obj: proxyish, log: log, label: label };
}

// A script's exec decides what a match is.
var fake = /unused/g;
var calls = 0;
fake.exec = function (s) {
  calls++;
  if (calls > 2) return null;
  var r = ["m" + calls];
  r.index = calls * 2;
  r.groups = { n: "G" + calls };
  return r;
};
console.log("abcdefgh".replace(fake, "[$&|$<n>|$`]"));
calls = 0;
console.log("abcdefgh".match(fake), fake.lastIndex);
calls = 0;
console.log(fake[Symbol.search]("abc"), calls);

// exec returning a primitive is a TypeError.
var bad = /x/;
bad.exec = function () {
  return 1;
};
try {
  bad.test("x");
} catch (e) {
  console.log(e.constructor.name, e.message);
}

// `flags` (22.2.6.4) reads the eight getters (in "dgimsuvy" order; Node 20 reads sticky
// before unicodeSets, an older edition's order, so only the count is printed).
var order = [];
var flagsSource = {};
["hasIndices", "global", "ignoreCase", "multiline", "dotAll", "unicode", "unicodeSets", "sticky"].forEach(
  function (k) {
    Object.defineProperty(flagsSource, k, {
      get: function () {
        order.push(k);
        return k === "global" || k === "sticky";
      },
    });
  }
);
var flagsGetter = Object.getOwnPropertyDescriptor(RegExp.prototype, "flags").get;
console.log(flagsGetter.call(flagsSource), order.length);

// Symbol.species decides what @@split constructs, with "y" added to the flags.
class Spy extends RegExp {
  static get [Symbol.species]() {
    return function (source, flags) {
      console.log("species called with", String(source), flags);
      return new RegExp(source, flags);
    };
  }
}
console.log("a-b-c".split(new Spy("-", "g")));
console.log([..."a1b2".matchAll(new Spy("\\d", "g"))].map(String));

// lastIndex goes through ToLength; a sticky or global failure resets it to 0.
var li = /b/g;
li.lastIndex = "1.9";
console.log(li.exec("abb").index, li.lastIndex);
li.lastIndex = -5;
console.log(li.exec("abb").index, li.lastIndex);
li.lastIndex = 99;
console.log(li.exec("abb"), li.lastIndex);

// A frozen lastIndex makes a global match throw.
var frozen = /a/g;
Object.defineProperty(frozen, "lastIndex", { writable: false, value: 0 });
try {
  "aaa".replace(frozen, "b");
} catch (e) {
  console.log(e.constructor.name, e.message);
}

// String methods call a pattern's own Symbol methods, with any object as the pattern.
var custom = {
  [Symbol.match]: function (s) { return "match:" + s; },
  [Symbol.matchAll]: function (s) { return "matchAll:" + s; },
  [Symbol.replace]: function (s, r) { return "replace:" + s + ":" + r; },
  [Symbol.search]: function (s) { return "search:" + s; },
  [Symbol.split]: function (s, l) { return "split:" + s + ":" + l; },
};
console.log("str".match(custom), "str".replace(custom, "R"), "str".search(custom), "str".split(custom, 3));
// matchAll and replaceAll first check a RegExp-like pattern (one with Symbol.match) for "g".
try {
  "str".matchAll(custom);
} catch (e) {
  console.log(e.constructor.name, e.message);
}
custom.flags = "g";
console.log("str".matchAll(custom), "str".replaceAll(custom, "R"));
delete custom[Symbol.match];
delete custom.flags;
console.log("str".matchAll(custom), "str".replaceAll(custom, "R"));

// A pattern that is not a RegExp and has no methods becomes one (RegExpCreate), or a string.
console.log("a.c abc".match("a.c").index, "a+c".search("\\+c"));
try {
  "x".search("+");
} catch (e) {
  console.log(e.constructor.name, e.message);
}
console.log("a.b".replace(".", "$&$&"), "1x2x3".split("x", 2), "abc".split("", 2));

// IsRegExp follows Symbol.match.
var notRe = /a/g;
notRe[Symbol.match] = false;
console.log("/a/g".startsWith ? "ok" : "", String(new RegExp(notRe)), new RegExp(notRe) === notRe);
var looksLike = { [Symbol.match]: true, source: "q+", flags: "g", constructor: RegExp };
console.log(RegExp(looksLike) === looksLike, String(new RegExp(looksLike)));

// Getters on RegExp.prototype itself, and on other receivers.
console.log(RegExp.prototype.global, RegExp.prototype.source, RegExp.prototype.flags, String(RegExp.prototype));
try {
  Object.getOwnPropertyDescriptor(RegExp.prototype, "sticky").get.call({});
} catch (e) {
  console.log(e.constructor.name, e.message);
}
try {
  RegExp.prototype.exec.call({}, "a");
} catch (e) {
  console.log(e.constructor.name, e.message);
}

// Regex objects in console.log, with properties, and nested past the depth limit.
var withProps = /p/y;
withProps.note = "hi";
console.log(withProps, { a: { b: { c: { d: /deep/ } } } }, [new Spy("s")]);
console.log(Object.getOwnPropertyNames(/a/), Object.getOwnPropertyDescriptor(/a/, "lastIndex"));
console.log(/[/]\//.source, new RegExp("\n").source, String(new RegExp("/", "g")), RegExp.prototype.toString.call({ source: "S", flags: "F" }));

// Empty matches advance by a code point with u, by a code unit without.
console.log("😀".replace(/(?:)/g, "-").length, "😀".replace(/(?:)/gu, "-"), "a😀".split(/(?:)/u));
console.log("😀".match(/(?:)/g).length, [..."😀".matchAll(/(?:)/gu)].length);

// includes, startsWith and endsWith refuse a RegExp (IsRegExp), but not one whose
// Symbol.match is false.
["includes", "startsWith", "endsWith"].forEach(function (m) {
  try {
    "a/b/"[m](/b/);
    console.log("no error", m);
  } catch (e) {
    console.log(e.constructor.name, e.message);
  }
});
var plain = /b/;
plain[Symbol.match] = false;
console.log("a/b/".includes(plain), "/b/x".startsWith(plain), "x/b/".endsWith(plain));
