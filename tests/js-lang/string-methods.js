// String.prototype's methods count UTF-16 code units, and take the positions the spec gives
// them (startsWith/endsWith/includes/indexOf/lastIndexOf), with the spec's conversions.
const e = "a😀b";
console.log(e.length, e.slice(1, 3), e.substring(3, 1), e.indexOf("b"), e.at(-1), e.charCodeAt(1), e.codePointAt(1), e.codePointAt(2));
console.log(e.charAt(3), "é😀é".slice(-1), "é😀é".substring(1, 3) === "😀", "x😀".padStart(5, "é").length);
console.log("abc".startsWith("b", 1), "abc".endsWith("b", 2), "abcabc".includes("a", 4), "abcabc".includes("a", -9));
console.log("abcabc".lastIndexOf("c"), "abcabc".lastIndexOf("c", 4), "abc".lastIndexOf(""), "abc".lastIndexOf("", 1), "abc".lastIndexOf("abcd"), "abc".indexOf("", 9));
console.log("x".padStart(5, "ab"), "x".padEnd(4) + "|", "ab".padStart(1), "😀".padStart(4, "-"), "a".padEnd(3, ""), "a".padStart(Infinity === 1 ? 0 : 2.9, "+"));
console.log(String.fromCharCode(72, 105, 65536 + 33), String.fromCodePoint(0x1F600).length, String.fromCodePoint(0x1F600) === "😀", String.fromCharCode());
console.log("  \u00a0\ufeffhi\n\u2028 ".trim() + "|", " a ".trimStart() + "|", " a ".trimEnd() + "|", String.prototype.trimLeft === String.prototype.trimStart, String.prototype.trimRight.name);
console.log("abcdef".substr(-3, 2), "abcdef".substr(1), "abcdef".substr(-Infinity, 2), "abc".repeat(3), "abc".repeat(0) === "", "abc".concat(1, null, [2, 3]), "ß".toUpperCase(), "ÀB".toLowerCase());
console.log("abc".at(5), "abc".at(-4), "abc".charAt(-1) === "", isNaN("abc".charCodeAt(9)), "abc".codePointAt(3), "abc".at("1"), "abc".charAt(NaN));
console.log(Number("\u0085 1"), Number("\ufeff 1 "), Number(" \u2029 2 "));
console.log(String.prototype.at.length, String.prototype.padStart.length, String.prototype.lastIndexOf.length, String.fromCharCode.length, String.prototype.substr.length);
console.log(["b", "A", "a", "B", "_x", "10", "9", "Zed", "apple", "Apple"].sort((x, y) => x.localeCompare(y)));
console.log("a".localeCompare("A"), "A".localeCompare("a"), "a".localeCompare("a"), "a".localeCompare("b"), "B".localeCompare("a"));
console.log(String.prototype.charAt.call(12345, 2), String.prototype.slice.call({ toString() { return "object" } }, 1, 3));
for (const f of [
  () => String.fromCodePoint(-1),
  () => String.fromCodePoint(1.5),
  () => "a".repeat(-1),
  () => "a".repeat(Infinity),
  () => String.prototype.at.call(null),
  () => String.prototype.trim.call(undefined),
  () => "a".startsWith(/a/),
  () => "a".includes(/a/),
]) {
  try {
    f();
  } catch (err) {
    console.log(err.name, err.message);
  }
}
