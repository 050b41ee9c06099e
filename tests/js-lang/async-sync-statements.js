// Statements of async functions and generators that cannot suspend run on the synchronous
// evaluator (Stmt::Sync): their jumps (break, continue, return, throw) must still reach the
// suspending statements around them, labels included, and their order with the awaits
// around them must not change.
const log = [];
const out = (...xs) => log.push(xs.join(' '));

async function labels() {
  outer: for (let i = 0; i < 4; i++) {
    await null;
    for (let j = 0; j < 3; j++) {
      if (j === 1) continue outer;
      if (i === 2) break outer;
      out('labels', i, j);
    }
  }
  block: {
    await null;
    if (log.length > 0) break block;
    out('not reached');
  }
  return 'labels done';
}

async function returns(n) {
  await null;
  if (n > 1) {
    for (const x of [1, 2, 3]) {
      if (x === n) return 'returned ' + x;
    }
  }
  await null;
  return 'fell through ' + n;
}

async function throws() {
  await null;
  try {
    JSON.parse('{');
  } catch (e) {
    out('caught', e.name);
  }
  switch (log.length % 2) {
    case 0:
      out('even');
      break;
    default:
      out('odd');
  }
  await null;
  if (true) throw new TypeError('from a synchronous if');
}

async function suspendsInside() {
  let s = 0;
  for (let i = 0; i < 3; i++) {
    s += i;
    if (i === 1) {
      s += await i;
    }
    while (s > 100) s--;
  }
  try {
    await Promise.reject(new Error('awaited'));
  } catch (e) {
    out('suspending catch', e.message, s);
  } finally {
    out('finally');
  }
  return s;
}

function* gen() {
  let i = 0;
  while (true) {
    const got = yield i;
    if (got === 'stop') {
      for (;;) return 'stopped at ' + i;
    }
    if (got === 'skip') {
      i += 10;
      continue;
    }
    i++;
  }
}

async function* agen() {
  for (let i = 0; i < 3; i++) {
    if (i === 1) continue;
    yield i;
  }
  label: {
    if (true) break label;
  }
  yield 'end';
}

// Bindings of awaited values: plain names and patterns without initializers are bound at
// once; a default that awaits suspends inside the pattern.
async function patterns() {
  const [x, y] = await Promise.resolve([1, 2]);
  const { a, b: [c] } = await { a: 3, b: [4] };
  const { d = await Promise.resolve(5), e = 6 } = {};
  let f;
  [f] = await [7];
  const steps = [];
  const iterable = {
    [Symbol.iterator]() {
      let i = 0;
      return { next: () => (steps.push('next' + i), { done: i > 1, value: i++ }) };
    },
  };
  const [g, h] = await iterable;
  try {
    return await Promise.reject(new RangeError('returned rejection'));
  } catch (err) {
    out('patterns', x, y, a, c, d, e, f, g, h, steps.join(','), err.message);
  } finally {
    out('finally after return await');
  }
}

(async () => {
  await patterns();
  out(await labels());
  out(await returns(2), await returns(5));
  await throws().catch((e) => out('rejected', e.name, e.message));
  out('suspends inside', await suspendsInside());
  const g = gen();
  out(g.next().value, g.next().value, g.next('skip').value, g.next().value, g.next('stop').value);
  const seen = [];
  for await (const v of agen()) seen.push(v);
  out('agen', seen.join(','));
  // The order of the awaits against other jobs is the same as with every statement async.
  const order = [];
  const a = (async () => {
    order.push('a1');
    for (let i = 0; i < 2; i++) order.push('a-sync' + i);
    await null;
    order.push('a2');
  })();
  Promise.resolve().then(() => order.push('then'));
  order.push('main');
  await a;
  out(order.join(' '));
  log.forEach((l) => console.log(l));
})();
