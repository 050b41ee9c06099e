// Prints Node's ns/op beside settle's and tokio's for the workloads of docs/benchmarks.md.
//
//   cargo bench --bench workloads          # writes $CARGO_TARGET_DIR/settle-workloads.json
//   node benches/node/compare.js [W1 ...]  # runs the Node workloads and prints the table
//
// settle's and tokio's figures are read from the bench's JSON (median of its samples); Node's
// come from benches/node/workloads.js, run here, in a child process of its own.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const resultsPath = path.join(targetDir, 'settle-workloads.json');

let rust;
try {
  rust = JSON.parse(fs.readFileSync(resultsPath, 'utf8'));
} catch (e) {
  console.error(`cannot read ${resultsPath}: run \`cargo bench --bench workloads\` first (${e.message})`);
  process.exit(1);
}

const names = process.argv.slice(2).length ? process.argv.slice(2)
  : ['W1', 'W2', 'W3', 'W4a', 'W4b', 'W5', 'W6', 'W7'];

const out = execFileSync(process.execPath, [path.join(__dirname, 'workloads.js'), ...names],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
const node = {};
for (const line of out.trim().split('\n')) {
  const r = JSON.parse(line);
  node[r.name] = r;
}

const pad = (s, n) => String(s).padStart(n);
const fmt = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));
console.log(`Node ${process.version} vs settle and tokio (median ns/op; settle/tokio from ${resultsPath})`);
console.log(['workload', 'N', 'settle', 'best tokio', 'Node', 'Node/settle', 'Node clock'].map((h, i) => pad(h, i === 0 ? 8 : 12)).join(' '));
for (const name of names) {
  const s = rust[`${name}/settle`];
  const tokio = Object.entries(rust)
    .filter(([k, v]) => k.startsWith(`${name}/tokio`) && v)
    .map(([, v]) => v.ns);
  const t = tokio.length ? Math.min(...tokio) : undefined;
  const n = node[name];
  const ratio = s && n ? n.ns / s.ns : undefined;
  console.log([
    pad(name, 8),
    pad(s ? s.n : n ? n.n : '-', 12),
    pad(fmt(s && s.ns), 12),
    pad(fmt(t), 12),
    pad(fmt(n && n.ns), 12),
    pad(ratio === undefined ? '-' : `${ratio.toFixed(1)}x`, 12),
    pad(n ? n.clock : '-', 12),
  ].join(' '));
}
