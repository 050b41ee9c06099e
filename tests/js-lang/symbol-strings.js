// Symbol values convert to strings only where ECMA-262 allows it: String(sym) and
// sym.toString() give SymbolDescriptiveString; `+` and template literals throw a TypeError.
const s = Symbol('foo');
console.log(String(s), s.toString(), String(Symbol()), String(Symbol.iterator));
console.log(s.description, Symbol().description, Symbol('').description === '');
for (const attempt of [() => '' + s, () => `${s}`, () => s + 1, () => new String(s)]) {
  try {
    console.log(attempt());
  } catch (e) {
    console.log(e.constructor.name, e.message);
  }
}
console.log(Object.prototype.toString.call(s), typeof Object(s));
