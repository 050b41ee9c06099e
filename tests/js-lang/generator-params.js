// A generator's parameters are bound at the call (FunctionDeclarationInstantiation runs
// before the generator object exists), its body only at the first next().
const log = [];
function* g(a = log.push('default a'), b = (() => { throw new Error('in b'); })()) { log.push('body'); }
try { g(); } catch (e) { log.push('call threw ' + e.message); }
function* h(x = log.push('default x')) { log.push('h body'); yield x; }
const it = h();
log.push('created');
it.next();
async function* ag(p = log.push('async default')) { log.push('async body'); }
const ait = ag();
log.push('async created');
try { (async function* (q = undefinedName) {})(); } catch (e) { log.push('async call threw ' + e.constructor.name); }
ait.next().then(() => { log.push('async next settled'); console.log(log.join('\n')); });
// How Node's console shows them.
console.log(ag, h, ait, it);
