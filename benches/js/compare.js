// settle-js, Boa on settle and Node on the workloads W1-W7 written in JavaScript
// (benches/js/w*.js; docs/benchmarks.md, "settle-js and Boa on W1-W7 (JavaScript)", issue 16).
//
//   node benches/js/compare.js                         3 rounds, every workload, all three engines
//   node benches/js/compare.js --rounds 5 W2 W7        only those, 5 rounds
//   node benches/js/compare.js --settle PATH           the settle binary (default target/release/settle)
//   node benches/js/compare.js --engines settle,node   leave Boa out
//   node benches/js/compare.js --runs 1                each script does its workload once (default:
//                                                     3 times for the N = 10^5 ones, so that Node's
//                                                     work is well above its start-up's jitter)
//   node benches/js/compare.js --baseline OLD/settle   also settle-js from another build, in
//                                                     the same rounds (a before/after column)
//
// Every run is a process of its own: `ENGINE w*.js N RUNS` (the workload RUNS times in a row),
// timed from outside, and the same script with N = 0 in the same round (start-up, parsing, the
// loop's exit); ns per operation is (time(N, RUNS) - time(0)) / (N x RUNS). Rounds are interleaved and the engines' order rotates each round, so
// no engine always runs right after another. Reported per workload: the median over rounds of
// each engine, and the medians of the same-round ratios settle-js / Node and Boa / Node. W5's
// timers wait on the real clock (a run takes about a second whatever the engine), so its figure
// is CPU time (user + system, the children's times in /proc/self/stat, Linux, 10 ms ticks),
// every other workload's is wall time. W6 needs worker_threads, which settle-boa does not have.
// The scripts print one check line each; nothing here reads timing from their output.
'use strict';

const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const WORKLOADS = [
  { name: 'W1', file: 'w1.js', n: 1e6, what: 'microtask ping (per job)' },
  { name: 'W2', file: 'w2.js', n: 1e6, what: 'then-chain (per link)' },
  { name: 'W3', file: 'w3.js', n: 1e5, runs: 3, what: 'fan-out (per handler)' },
  { name: 'W4a', file: 'w4a.js', n: 1e5, runs: 3, what: 'all, resolved inputs (per element)' },
  { name: 'W4b', file: 'w4b.js', n: 1e5, runs: 3, what: 'all, pending inputs (per element)' },
  { name: 'W5', file: 'w5.js', n: 1e5, what: 'timers, real clock (CPU per timer)', cpu: true },
  { name: 'W6', file: 'w6.js', n: 1e6, what: 'cross-thread post (per message)', noBoa: true },
  { name: 'W7', file: 'w7.js', n: 1e5, runs: 3, what: 'async tasks (per task)' },
];

function parse(args) {
  const o = { rounds: 3, settle: path.join(root, 'target', 'release', 'settle'),
              engines: ['settle', 'boa', 'node'], baseline: null, runs: null, only: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--rounds') o.rounds = Number(args[++i]);
    else if (a === '--settle') o.settle = path.resolve(args[++i]);
    else if (a === '--engines') o.engines = args[++i].split(',');
    else if (a === '--baseline') o.baseline = path.resolve(args[++i]);
    else if (a === '--runs') o.runs = Number(args[++i]);
    else if (a.startsWith('--')) { console.error(`compare.js: unknown flag ${a}`); process.exit(2); }
    else o.only.push(a.toLowerCase());
  }
  if (!(o.rounds > 0)) { console.error('compare.js: --rounds takes a positive number'); process.exit(2); }
  for (const e of o.engines) {
    if (!['settle', 'boa', 'node', 'before'].includes(e)) { console.error(`compare.js: unknown engine ${e}`); process.exit(2); }
  }
  if (o.baseline) o.engines.push('before');
  return o;
}

const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/// The CPU time (ns) of this process's waited-for children so far: cutime + cstime.
function childrenCpuNs() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return ((Number(fields[13]) + Number(fields[14])) * 1e9) / TICK;
}

/// Runs one engine on one script with `n`; its wall and CPU time in ns.
function runOnce(options, engine, w, n, runs) {
  const script = path.join(__dirname, w.file);
  const [cmd, args] = engine === 'node' ? [process.execPath, [script]]
    : engine === 'boa' ? [options.settle, ['--engine', 'boa', script]]
    : engine === 'before' ? [options.baseline, [script]]
    : [options.settle, [script]];
  const cpu0 = childrenCpuNs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, [...args, String(n), String(runs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const wall = Number(process.hrtime.bigint() - t0);
  const cpu = childrenCpuNs() - cpu0;
  const expected = `${w.name} n=${n} runs=${runs} ok`;
  if (r.status !== 0 || r.stdout.trim() !== expected) {
    throw new Error(`compare.js: ${engine} ${w.file} ${n} failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return w.cpu ? cpu : wall;
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function main() {
  const options = parse(process.argv.slice(2));
  if (options.engines.some((e) => e !== 'node') && !fs.existsSync(options.settle)) {
    console.error(`compare.js: ${options.settle} not found (cargo build --release)`);
    process.exit(2);
  }
  const workloads = WORKLOADS.filter((w) => !options.only.length || options.only.includes(w.name.toLowerCase()));
  const results = workloads.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    workloads.forEach((w, wi) => {
      const engines = options.engines.filter((e) => !(e === 'boa' && w.noBoa));
      const turn = round % engines.length;
      const order = [...engines.slice(turn), ...engines.slice(0, turn)];
      const row = {};
      for (const e of order) {
        const runs = options.runs ?? w.runs ?? 1;
        const base = runOnce(options, e, w, 0, 1);
        const full = runOnce(options, e, w, w.n, runs);
        row[e] = Math.max(0, full - base) / (w.n * runs);
      }
      results[wi].push(row);
      const show = (e) => (row[e] === undefined ? '-' : row[e].toFixed(1));
      console.error(`round ${round + 1} ${w.name.padEnd(4)} settle ${show('settle')}  boa ${show('boa')}  node ${show('node')}` +
        (options.baseline ? `  before ${show('before')}` : ''));
    });
  }
  const has = (e) => options.engines.includes(e);
  console.log(`\nns/op, median over ${options.rounds} rounds, every run a process of its own ` +
    '(time(N, RUNS) - time(0)) / (N x RUNS); ratios are medians of same-round ratios; W5 is CPU time, the rest wall time');
  const before = options.baseline !== null;
  console.log('| workload (N) | settle-js | Boa on settle | Node | settle-js / Node | Boa / Node |' +
    (before ? ' settle-js before | before / after |' : ''));
  console.log('|---|---:|---:|---:|---:|---:|' + (before ? '---:|---:|' : ''));
  workloads.forEach((w, wi) => {
    const rows = results[wi];
    const col = (e) => {
      const v = rows.map((r) => r[e]).filter((x) => x !== undefined);
      return v.length ? median(v).toFixed(1) : '-';
    };
    const speedup = () => {
      const v = rows.filter((r) => r.before !== undefined && r.settle > 0).map((r) => r.before / r.settle);
      return v.length ? `${median(v).toFixed(2)}x` : '-';
    };
    const ratio = (e) => {
      const v = rows.filter((r) => r[e] !== undefined && r.node > 0).map((r) => r[e] / r.node);
      return v.length ? `${median(v).toFixed(1)}x` : '-';
    };
    console.log(`| ${w.name} ${w.what} (${w.n}) | ${has('settle') ? col('settle') : '-'} | ` +
      `${has('boa') && !w.noBoa ? col('boa') : '-'} | ${has('node') ? col('node') : '-'} | ` +
      `${has('settle') && has('node') ? ratio('settle') : '-'} | ` +
      `${has('boa') && has('node') && !w.noBoa ? ratio('boa') : '-'} |` +
      (before ? ` ${col('before')} | ${speedup()} |` : ''));
  });
}

main();
