#!/usr/bin/env node
// ort-run.js — run a gan-export'ed generator through ONNX Runtime (onnxruntime-node, CPU), for
// tests/export.bats and bench/export.sh. Reads the noise (gan-export --noise) and, for a
// conditional model, the named condition columns of a CSV; writes the events as CSV with 9
// significant digits (float32 exactly), or with --bench only times the runs.
//   node tools/ort-run.js MODEL.onnx --noise Z.csv [--cond C.csv --cond-cols A,B] \
//        [--out-cols X,Y] [--threads 1] [--batch N] [--repeat R] [--bench] [-o OUT.csv]
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

function die(msg) { process.stderr.write(`ort-run: ${msg}\n`); process.exit(1); }

const a = process.argv.slice(2);
const opt = { threads: 1, batch: 0, repeat: 1, bench: false, out: '-' };
let model = null;
for (let i = 0; i < a.length; i++) {
  const k = a[i], v = () => { if (i + 1 >= a.length) die(`${k} needs a value`); return a[++i]; };
  if (k === '--noise') opt.noise = v();
  else if (k === '--cond') opt.cond = v();
  else if (k === '--cond-cols') opt.condCols = v().split(',');
  else if (k === '--out-cols') opt.outCols = v().split(',');
  else if (k === '--threads') opt.threads = +v();
  else if (k === '--batch') opt.batch = +v();
  else if (k === '--repeat') opt.repeat = +v();
  else if (k === '--bench') opt.bench = true;
  else if (k === '-o') opt.out = v();
  else if (!model && !k.startsWith('-')) model = k;
  else die(`unknown argument ${k}`);
}
if (!model || !opt.noise) die('usage: ort-run.js MODEL.onnx --noise Z.csv [--cond C.csv --cond-cols A,B] [-o OUT]');

// CSV of numbers: the wanted columns by name (all when names is null), row-major Float32Array
function readCsv(file, names) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length);
  const head = lines[0].split(',');
  const idx = (names || head).map((n) => { const j = head.indexOf(n); if (j < 0) die(`${file}: no column ${n}`); return j; });
  const rows = lines.length - 1, out = new Float32Array(rows * idx.length);
  for (let r = 0; r < rows; r++) {
    const f = lines[r + 1].split(',');
    for (let j = 0; j < idx.length; j++) out[r * idx.length + j] = Number(f[idx[j]]);
  }
  return { rows, cols: idx.length, data: out };
}

(async () => {
  const z = readCsv(opt.noise, null);
  const c = opt.cond ? readCsv(opt.cond, opt.condCols || die('--cond needs --cond-cols')) : null;
  if (c && c.rows < z.rows) die(`${opt.cond}: ${c.rows} rows, the noise has ${z.rows}`);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: opt.threads, interOpNumThreads: 1, executionMode: 'sequential',
  });
  const n = z.rows, B = opt.batch > 0 ? opt.batch : n;
  let nout = 0, ev = null, best = Infinity;
  for (let rep = 0; rep < opt.repeat; rep++) {
    const t0 = process.hrtime.bigint();
    for (let s = 0; s < n; s += B) {
      const b = Math.min(B, n - s);
      const feeds = { noise: new ort.Tensor('float32', z.data.subarray(s * z.cols, (s + b) * z.cols), [b, z.cols]) };
      if (c) feeds.conditions = new ort.Tensor('float32', c.data.subarray(s * c.cols, (s + b) * c.cols), [b, c.cols]);
      const y = (await session.run(feeds)).events;
      nout = y.dims[1];
      if (!ev) ev = new Float32Array(n * nout);
      ev.set(y.data, s * nout);
    }
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt < best) best = dt;
  }
  if (opt.bench) {
    process.stdout.write(`events,seconds,events_per_s\n${n},${best.toPrecision(4)},${(n / best).toPrecision(4)}\n`);
    return;
  }
  const names = opt.outCols || Array.from({ length: nout }, (_, j) => `y${j + 1}`);
  const text = [names.join(',')];
  for (let r = 0; r < n; r++) {
    const row = [];
    for (let j = 0; j < nout; j++) row.push(ev[r * nout + j].toPrecision(9));
    text.push(row.join(','));
  }
  const body = text.join('\n') + '\n';
  if (opt.out === '-') process.stdout.write(body);
  else { fs.writeFileSync(opt.out + '.tmp', body); fs.renameSync(opt.out + '.tmp', opt.out); }
})().catch((e) => die(e.message));
