// RegExp's SyntaxErrors in V8's words: the pattern errors regress reports, mapped to V8's
// messages (js/src/builtins/regexp.rs, `v8_message`), and the flags errors.
var cases = [
  ["("], ["(a"], ["a)"], [")("], ["(?:"], ["["], ["[a"], ["*"], ["+a"], ["?"], ["a**"], ["a{2,1}"],
  ["\\"], ["[b-a]"], ["(?<a>x)(?<a>y)"], ["\\k<x>", "u"], ["\\p{Foo}", "u"], ["{", "u"], ["}", "u"],
  ["]", "u"], ["(?<1a>x)"], ["a{1", "u"], ["\\u{110000}", "u"], ["\\q", "u"],
  ["a", "gg"], ["a", "x"], ["a", "uv"], ["a", "G"],
];
cases.forEach(function (c) {
  try {
    new RegExp(c[0], c[1]);
    console.log("ok", c[0], c[1] || "");
  } catch (e) {
    console.log(e.name + ": " + e.message);
  }
});
