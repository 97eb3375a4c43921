import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeOptions } from '../../core/model.js';
import { OnnxRuntime } from '../../models/runtime/onnx-runtime.js';
import { projectRoot } from '../../models/paths.js';
import { AffineSlice } from './affine-slice.js';
import { BlockStats } from './block-stats.js';
import { FastKernels } from './kernels.js';
import { settleMaps } from './settle.js';

const weights = join(projectRoot, 'models', 'fast', 'weights');
const options: RuntimeOptions = { threads: 1, optimization: 'all', providers: ['cpu'] };

/** A dark frame with a lamp, edges and sensor-like noise (deterministic). */
function nightFrame(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const lamp = Math.hypot(x - width * 0.7, y - height * 0.3) < Math.max(2, width / 20) ? 200 : 0;
      for (let c = 0; c < 3; c++) bytes[(y * width + x) * 3 + c] = Math.min(255, 8 + ((x >> 4) % 3) * 6 + c * 2 + ((seed >>> (8 + c * 4)) & 7) + lamp);
    }
  }
  return bytes;
}

async function bothPaths(width: number, height: number) {
  const runtime = new OnnxRuntime();
  const full = await runtime.load(readFileSync(join(weights, 'kind-fast.onnx')), 'kind-fast', options);
  const heads = await runtime.load(readFileSync(join(weights, 'kind-fast-heads.onnx')), 'kind-fast-heads', options);
  const frame = nightFrame(width, height);
  const want = (await full.run({ frame: { data: frame, dims: [1, height, width, 3] } })).enhanced.data;
  const kernels = new FastKernels(width, height);
  kernels.measure(frame);
  const dims = [1, 3, kernels.lowHeight, kernels.lowWidth];
  const result = await heads.run({ low: { data: kernels.low, dims }, spread: { data: kernels.spread, dims }, context: { data: new Float32Array(19), dims: [1, 19, 1, 1] }, mix: { data: new Float32Array([1]), dims: [1] } });
  kernels.heads.set(result.heads.data as Float32Array);
  kernels.curves();
  kernels.widen();
  const got = new Uint8Array(frame.length);
  kernels.apply(got);
  full.dispose();
  heads.dispose();
  return { frame, maps: Float32Array.from(kernels.maps), want, got };
}

for (const [width, height] of [[385, 289], [64, 36], [1, 1], [1280, 8]]) {
  test(`issue #18: fast.enhance's SIMD block stats + heads net + SIMD curves and slice should give kind-fast's whole-frame output within one code value at ${width}×${height}`, async (t) => {
    const { want, got } = await bothPaths(width, height);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    t.true(worst <= 1, `largest difference ${worst} code values`);
  });
}

for (const [width, height] of [[385, 289], [64, 36], [1, 1], [1280, 8], [7, 5]]) {
  test(`issue #18: the SIMD kernels should give the JavaScript reference's block statistics exactly and its slice within one code value at ${width}×${height}`, async (t) => {
    const { frame, maps, got } = await bothPaths(width, height);
    const stats = new BlockStats(width, height);
    stats.measure(frame);
    const kernels = new FastKernels(width, height);
    kernels.measure(frame);
    t.deepEqual(Array.from(kernels.low), Array.from(stats.low));
    t.deepEqual(Array.from(kernels.spread), Array.from(stats.spread));
    const reference = new Uint8Array(frame.length);
    new AffineSlice(width, height, stats.lowWidth, stats.lowHeight).apply(frame, maps, new Uint8ClampedArray(reference.buffer));
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - reference[i]));
    t.true(worst <= 1, `largest difference ${worst} code values`);
  });
}

for (const [width, height] of [[385, 289], [7, 5], [1, 1]]) {
  test(`issue #18: the SIMD map hysteresis should give settle.ts's maps and count at ${width}×${height}`, (t) => {
    const kernels = new FastKernels(width, height);
    kernels.measure(nightFrame(width, height));
    const plane = kernels.lowWidth * kernels.lowHeight;
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    // Held maps, then fresh ones that move the output by 0 to ~60 code values.
    for (let i = 0; i < 6 * plane; i++) kernels.maps[i] = i < 3 * plane ? 1 + 3 * random() : 40 * random();
    kernels.hold();
    const held = Float32Array.from(kernels.maps);
    for (let i = 0; i < 6 * plane; i++) kernels.maps[i] += i < 3 * plane ? random() - 0.5 : 60 * (random() - 0.5) ** 3;
    const fresh = Float32Array.from(kernels.maps);
    const from = Math.min(1, kernels.lowHeight - 1), to = kernels.lowHeight;
    const whole = kernels.settle(from, to, 32, 0.05);
    const want = Float32Array.from(fresh);
    const wantWhole = settleMaps(want, held, kernels.low, kernels.lowWidth, kernels.lowHeight, from, to, 32, 0.05);
    t.is(whole, wantWhole);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(kernels.maps[i] - want[i]));
    t.true(worst < 1e-4, `largest difference ${worst}`);
    // At 385×289 both cases occur (the small sizes check the tails).
    if (width > 100) t.true(whole > 0 && whole < (to - from) * kernels.lowWidth, `${whole} of ${(to - from) * kernels.lowWidth} pixels took their fresh maps whole`);
  });
}
