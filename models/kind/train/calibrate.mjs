// Runs KinD networks with onnxruntime-node for quantize.py (there is no onnxruntime for Python here).
//
//   node models/kind/train/calibrate.mjs stats   FRAMES.json DECOM.onnx RESTORE.onnx OUT.json
//   node models/kind/train/calibrate.mjs compare FRAMES.json DECOM32 RESTORE32 DECOM8 RESTORE8 OUT.json
//
// FRAMES.json: { "frames": [{ "file": "f0.f32", "height": H, "width": W }] } with stretched RGB
// NCHW float32 frames as the pipeline feeds kind.decom. `stats` takes models whose every
// activation is a graph output (quantize.py writes them) and records, per tensor and frame, the
// min, max and tail percentiles from a 4096-bin histogram; restore is fed decom's own outputs.
// OUT.json: { tails, tensors: { decom: { name: [per frame] }, restore: { ... } } }.
// `compare` runs both precisions on each frame and reports PSNR of int8 against fp32 per output.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';

const TAILS = [1e-6, 1e-5, 1e-4, 1e-3];
const BINS = 4096;
const [mode, framesFile, ...rest] = process.argv.slice(2);
const list = JSON.parse(readFileSync(framesFile, 'utf8')).frames;
const open = (path) => ort.InferenceSession.create(path, { graphOptimizationLevel: 'all', intraOpNumThreads: 2, interOpNumThreads: 1 });

function frame(f) {
  const buf = readFileSync(join(dirname(framesFile), f.file));
  return new ort.Tensor('float32', new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), [1, 3, f.height, f.width]);
}

function summary(data) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const hist = new Float64Array(BINS);
  const span = hi - lo || 1;
  for (const v of data) hist[Math.min(BINS - 1, Math.floor(((v - lo) / span) * BINS))]++;
  // first bin where the cumulative count reaches q·n: its lower edge for the low tail, its upper
  // edge for the high tail (conservative outwards)
  const bin = (q) => {
    const target = q * data.length;
    let sum = 0;
    for (let b = 0; b < BINS; b++) if ((sum += hist[b]) >= target) return b;
    return BINS - 1;
  };
  const out = { min: lo, max: hi, n: data.length };
  // lo[k], hi[k]: the tails TAILS[k]
  out.lo = TAILS.map((t) => lo + (span * bin(t)) / BINS);
  out.hi = TAILS.map((t) => Math.min(hi, lo + (span * (bin(1 - t) + 1)) / BINS));
  return out;
}

async function stats([decomPath, restorePath, outFile]) {
  const decom = await open(decomPath);
  const restore = await open(restorePath);
  // tensor names repeat across the two graphs (torch names them by op), so one table per network
  const record = { decom: {}, restore: {} };
  const add = (net, outputs) => {
    for (const [name, t] of Object.entries(outputs)) if (t.type === 'float32') (record[net][name] ??= []).push(summary(t.data));
  };
  for (const f of list) {
    const d = await decom.run({ image: frame(f) });
    add('decom', d);
    add('restore', await restore.run({ reflectance: d.reflectance, illumination: d.illumination }));
    process.stderr.write('.');
  }
  writeFileSync(outFile, JSON.stringify({ frames: list.length, tails: TAILS, tensors: record }));
  process.stderr.write(`\n${Object.keys(record.decom).length} + ${Object.keys(record.restore).length} tensors over ${list.length} frames -> ${outFile}\n`);
}

function psnr(a, b) {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10(1 / Math.max(se / a.length, 1e-12));
}

async function compare([d32, r32, d8, r8, outFile]) {
  const nets = { d32: await open(d32), r32: await open(r32), d8: await open(d8), r8: await open(r8) };
  const rows = [];
  for (const f of list) {
    const image = frame(f);
    const a = await nets.d32.run({ image });
    const b = await nets.d8.run({ image });
    const ra = await nets.r32.run({ reflectance: a.reflectance, illumination: a.illumination });
    // restore int8 on fp32 decom (its own cost) and on int8 decom (the chain's cost)
    const rb = await nets.r8.run({ reflectance: a.reflectance, illumination: a.illumination });
    const rc = await nets.r8.run({ reflectance: b.reflectance, illumination: b.illumination });
    rows.push({
      frame: f.file,
      decomR: psnr(a.reflectance.data, b.reflectance.data),
      decomI: psnr(a.illumination.data, b.illumination.data),
      restore: psnr(ra.restored.data, rb.restored.data),
      chain: psnr(ra.restored.data, rc.restored.data),
    });
    process.stderr.write('.');
  }
  const mean = (k) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  const result = { frames: rows.length, mean: { decomR: mean('decomR'), decomI: mean('decomI'), restore: mean('restore'), chain: mean('chain') }, rows };
  writeFileSync(outFile, JSON.stringify(result, null, 2));
  process.stderr.write(`\n${JSON.stringify(result.mean)}\n`);
}

if (mode === 'stats') await stats(rest);
else if (mode === 'compare') await compare(rest);
else {
  process.stderr.write('usage: calibrate.mjs stats|compare FRAMES.json MODELS... OUT.json\n');
  process.exit(2);
}
