'use strict';
// settle-conformance's Node driver: runs many generated programs in one Node process, one after
// another, each isolated from the others.
//
// Protocol (stdin -> stdout, lengths in bytes):
//   in:  "<id> <length>\n" followed by the program's source
//   out: "<id> <exit code> <length>\n" followed by what the program printed with console.log
//
// Isolation:
// - Each program runs in a fresh vm context: its own globals and its own intrinsics (Promise,
//   Error, Array...), so nothing a program declares or patches is seen by the next one.
// - The context's timer, microtask and process functions are the real ones behind a thin wrapper
//   that keeps the set of the program's live timers. A program is finished when that set is empty
//   and a setImmediate callback of the driver runs: by then every nextTick, microtask and promise
//   job the program queued has run (Node drains them after each callback) and Node has processed
//   its rejections (also after each callback). Only then does the next program start, so the
//   next program's jobs and timers can never interleave with this one's.
// - Node's crash (an uncaught exception, or an unhandled rejection without an
//   'unhandledRejection' listener) is emulated: the program is "halted" (exit code 1), its timers
//   are cleared, and nothing it still runs can print or queue work, as if the process had died.
// - process.on('unhandledRejection'/'rejectionHandled') are real process events, forwarded to
//   the running program's listeners.
const vm = require('vm');
const util = require('util');

const TIME_LIMIT_MS = 20000;

let current = null;
const queue = [];

function crash(st) {
  if (st.halted) return;
  st.halted = true;
  st.code = 1;
  for (const t of st.timers) clearTimeout(t);
  st.timers.clear();
  maybeDone(st);
}

process.on('unhandledRejection', (reason, promise) => {
  const st = current;
  if (st === null || st.halted) return;
  const listeners = st.listeners.unhandledRejection;
  if (listeners.length === 0) return crash(st);
  for (const l of listeners.slice()) {
    try {
      l(reason, promise);
    } catch (e) {
      return crash(st);
    }
  }
});

process.on('rejectionHandled', (promise) => {
  const st = current;
  if (st === null || st.halted) return;
  for (const l of st.listeners.rejectionHandled.slice()) {
    try {
      l(promise);
    } catch (e) {
      return crash(st);
    }
  }
});

process.on('uncaughtException', () => {
  if (current !== null) crash(current);
});

function maybeDone(st) {
  if (st.done || st.checking || st.timers.size !== 0) return;
  st.checking = true;
  setImmediate(() => {
    st.checking = false;
    if (!st.done && st.timers.size === 0) finish(st);
  });
}

function finish(st) {
  st.done = true;
  clearTimeout(st.limit);
  current = null;
  const out = Buffer.from(st.out, 'utf8');
  process.stdout.write(`${st.id} ${st.code} ${out.length}\n`);
  process.stdout.write(out);
  next();
}

function sandbox(st) {
  const guard = (f, args) => {
    if (st.halted) return;
    try {
      f(...args);
    } catch (e) {
      crash(st);
    }
  };
  const clear = (t) => {
    if (st.timers.has(t)) {
      clearTimeout(t);
      st.timers.delete(t);
      maybeDone(st);
    }
  };
  const proc = {
    nextTick(f, ...args) {
      if (!st.halted) process.nextTick(() => guard(f, args));
    },
    on(name, f) {
      if (name in st.listeners) st.listeners[name].push(f);
      return proc;
    },
  };
  return {
    console: {
      log(...args) {
        if (!st.halted) st.out += util.format(...args) + '\n';
      },
    },
    setTimeout(f, delay, ...args) {
      if (st.halted) return undefined;
      const t = setTimeout(() => {
        st.timers.delete(t);
        guard(f, args);
        maybeDone(st);
      }, delay);
      st.timers.add(t);
      return t;
    },
    setInterval(f, delay, ...args) {
      if (st.halted) return undefined;
      const t = setInterval(() => guard(f, args), delay);
      st.timers.add(t);
      return t;
    },
    clearTimeout: clear,
    clearInterval: clear,
    queueMicrotask(f) {
      if (!st.halted) queueMicrotask(() => guard(f, []));
    },
    process: proc,
  };
}

function next() {
  if (current !== null || queue.length === 0) return;
  const { id, src } = queue.shift();
  const st = {
    id,
    out: '',
    code: 0,
    halted: false,
    done: false,
    checking: false,
    timers: new Set(),
    listeners: { unhandledRejection: [], rejectionHandled: [] },
    limit: null,
  };
  current = st;
  st.limit = setTimeout(() => {
    st.code = -2;
    st.halted = true;
    for (const t of st.timers) clearTimeout(t);
    st.timers.clear();
    finish(st);
  }, TIME_LIMIT_MS);
  const context = vm.createContext(sandbox(st));
  let script;
  try {
    script = new vm.Script(src, { filename: `program-${id}.js` });
  } catch (e) {
    st.code = 2;
    st.halted = true;
    maybeDone(st);
    return;
  }
  try {
    script.runInContext(context);
  } catch (e) {
    crash(st);
  }
  maybeDone(st);
}

let input = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  input = Buffer.concat([input, chunk]);
  for (;;) {
    const nl = input.indexOf(10);
    if (nl < 0) break;
    const [id, length] = input.subarray(0, nl).toString('utf8').split(' ').map(Number);
    if (input.length < nl + 1 + length) break;
    const src = input.subarray(nl + 1, nl + 1 + length).toString('utf8');
    input = input.subarray(nl + 1 + length);
    queue.push({ id, src });
  }
  next();
});
