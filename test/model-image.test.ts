import test from 'ava';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from '../core/frame.js';
import { silentLogger } from '../core/logger.js';
import { resolveOptions } from '../core/options.js';
import type { Stage } from '../core/stage/plugin.js';
import { projectRoot } from '../models/paths.js';
import { createContainer } from '../pipeline/container.js';
import { modelImage } from '../plugins/model-image/model-image.js';
import { cli, makeClip, probe, tempDir } from './helpers.js';

const models = join(projectRoot, 'test', 'fixtures', 'models');
const container = createContainer();
const services = { get: <T>(token: symbol) => container.get<T>(token) };

function options(raw: Record<string, unknown>) {
  const resolved = resolveOptions(modelImage.options, raw);
  if (resolved.problems.length) throw new Error(resolved.problems.map((p) => p.message).join('; '));
  return resolved.options;
}

async function stage(raw: Record<string, unknown>): Promise<Stage> {
  const s = modelImage.create({ nodeId: 'enhance', options: options({ threads: 1, ...raw }), log: silentLogger, signal: new AbortController().signal, ...services });
  await s.start?.({});
  return s;
}

/** A deterministic frame: smooth gradients plus a texture, left side dark, right side bright. */
function frame(width: number, height: number): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const base = 20 + (180 * x) / width;
      data[i] = Math.round(base + 30 * Math.sin(x / 3 + y / 5) + 20);
      data[i + 1] = Math.round(base + 25 * Math.cos(x / 4 - y / 7) + 20);
      data[i + 2] = Math.round(base * 0.6 + ((x * 7 + y * 13) % 40));
    }
  }
  return { index: 0, pts: 0, width, height, channels: 3, data };
}

async function enhance(raw: Record<string, unknown>, input: Frame): Promise<Frame> {
  const s = await stage(raw);
  try {
    return (await s.process({ video: input })).video;
  } finally {
    await s.dispose?.();
  }
}

function maxDiff(a: Frame, b: Frame): number {
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
  return max;
}

const file = (name: string) => join(models, name);

test('the committed fixture models match SHA256SUMS (regenerate with make-models.py)', (t) => {
  const sums = readFileSync(join(models, 'SHA256SUMS'), 'utf8').trim().split('\n');
  t.true(sums.length >= 7);
  for (const line of sums) {
    const [sum, name] = line.split(/\s+/);
    t.is(createHash('sha256').update(readFileSync(file(name))).digest('hex'), sum, name);
  }
});

test('model.image honours layout, range and channel order: three contracts of one mapping give one output', async (t) => {
  const input = frame(23, 17);
  const nchw = await enhance({ path: file('gain-nchw.onnx') }, input);
  const nhwc = await enhance({ path: file('gain-nhwc-bgr255.onnx'), layout: 'NHWC', range: '0..255', order: 'bgr', input: 'img_in', output: 'img_out' }, input);
  const signed = await enhance({ path: file('gain-signed.onnx'), range: '-1..1' }, input);
  t.deepEqual([nchw.width, nchw.height], [23, 17]);
  // The mapping computed here: out = G·in + b on 0..1 RGB.
  const [r, g, b] = [...input.data.subarray(0, 3)].map((v) => v / 255);
  const expected = [0.9 * r + 0.1 * g + 0.05, 0.8 * g + 0.2 * b + 0.02, 0.1 * r + 0.7 * b + 0.08].map((v) => Math.round(Math.min(v, 1) * 255));
  [...nchw.data.subarray(0, 3)].forEach((v, c) => t.true(Math.abs(v - expected[c]) <= 1, `channel ${c}: ${v} vs ${expected[c]}`));
  t.true(maxDiff(nchw, nhwc) <= 1, `NHWC/BGR/0..255 differs by ${maxDiff(nchw, nhwc)}`);
  t.true(maxDiff(nchw, signed) <= 1, `-1..1 differs by ${maxDiff(nchw, signed)}`);
  // Telling the stage the wrong order swaps red and blue in the output.
  const wrong = await enhance({ path: file('gain-nhwc-bgr255.onnx'), layout: 'NHWC', range: '0..255', order: 'rgb' }, input);
  t.true(maxDiff(nchw, wrong) > 20);
});

test('model.image pads an odd frame to the size multiple by edge replication and crops back', async (t) => {
  const input = frame(37, 29);
  await t.throwsAsync(enhance({ path: file('multiple8.onnx') }, input));
  const out = await enhance({ path: file('multiple8.onnx'), multiple: 8 }, input);
  t.deepEqual([out.width, out.height, out.data.length], [37, 29, 37 * 29 * 3]);
});

test('model.image: tiled equals untiled for a per-pixel model and a ×2 model with radius 1 (overlap/4 ≥ 1)', async (t) => {
  const input = frame(101, 67);
  for (const [name, scale] of [['gain-nchw.onnx', 1], ['upscale-x2.onnx', 2]] as const) {
    const whole = await enhance({ path: file(name), scale }, input);
    const tiled = await enhance({ path: file(name), scale, tile: 32, overlap: 8 }, input);
    t.deepEqual([tiled.width, tiled.height], [101 * scale, 67 * scale]);
    const diff = maxDiff(whole, tiled);
    t.log(`${name}: 101×67 in 32-px tiles, overlap 8: max |tiled − whole| = ${diff} / 255`);
    t.true(diff <= 1, `${name}: ${diff}`);
  }
  // Without the discarded margin the ×2 model's zero padding at tile cuts would show.
  const whole = await enhance({ path: file('upscale-x2.onnx'), scale: 2 }, input);
  await t.throwsAsync(enhance({ path: file('upscale-x2.onnx'), scale: 1 }, input), { message: /expected 101×67×3. Fix: check scale/ });
  t.is(whole.width, 202);
});

/** Mean luma of columns [x0, x1) of a frame. */
function columnLuma(f: Frame, x0: number, x1: number): number {
  let sum = 0;
  for (let y = 0; y < f.height; y++) for (let x = x0; x < x1; x++) sum += f.data[(y * f.width + x) * 3 + 1];
  return sum / (f.height * (x1 - x0));
}

/** Largest jump in mean column luma between neighbouring columns. */
function worstColumnJump(f: Frame): number {
  let worst = 0;
  for (let x = 1; x < f.width; x++) worst = Math.max(worst, Math.abs(columnLuma(f, x, x + 1) - columnLuma(f, x - 1, x)));
  return worst;
}

test('model.image global: a per-tile stretch breaks brightness across tiles; global: stats keeps it continuous', async (t) => {
  const input = frame(120, 24); // dark on the left, bright on the right: tiles see different min/max
  const smooth = await enhance({ path: file('stretch-gamma.onnx') }, input);
  const naive = await enhance({ path: file('stretch-gamma.onnx'), tile: 40, overlap: 8 }, input);
  const stats = await enhance({ path: file('gamma.onnx'), global: 'stats', tile: 40, overlap: 8 }, input);
  const statsWhole = await enhance({ path: file('gamma.onnx'), global: 'stats' }, input);
  const base = worstColumnJump(smooth);
  t.log(`worst column-to-column luma jump: whole ${base.toFixed(1)}, per-tile stretch ${worstColumnJump(naive).toFixed(1)}, global: stats ${worstColumnJump(stats).toFixed(1)}`);
  t.log(`max |tiled − whole|: per-tile stretch ${maxDiff(smooth, naive)}, global: stats ${maxDiff(smooth, stats)}`);
  t.true(maxDiff(smooth, naive) > 30, 'the per-tile stretch is visibly different');
  t.true(maxDiff(stats, statsWhole) <= 1);
  t.true(maxDiff(smooth, stats) <= 1, 'stats = the model stretching the whole frame');
  t.true(worstColumnJump(stats) <= base + 0.5);
  // And global: whole refuses to tile before anything opens.
  const problems = modelImage.check!(options({ path: file('stretch-gamma.onnx'), global: 'whole', tile: 64 }), services);
  t.regex(problems.map((p) => p.message).join('\n'), /cannot be tiled/);
});

test('model.image checks the model source: one of model/path, the file, its sha256', (t) => {
  const sum = readFileSync(join(models, 'SHA256SUMS'), 'utf8').split('\n').find((l) => l.endsWith('gain-nchw.onnx'))!.split(' ')[0];
  const check = (raw: Record<string, unknown>) => modelImage.check!(options(raw), services).map((p) => `${p.option}: ${p.message}`);
  t.deepEqual(check({ path: file('gain-nchw.onnx'), sha256: sum }), []);
  t.regex(check({ path: file('gain-nchw.onnx'), sha256: '0'.repeat(64) })[0], /^sha256: .* has sha256 e674b1ef/);
  t.regex(check({ path: file('missing.onnx') })[0], /^path: model file .* does not exist/);
  t.regex(check({})[0], /either by registry id/);
  t.regex(check({ model: 'kind' })[0], /^model: model 'kind' has networks decom, restore, illum/);
  t.regex(check({ model: 'kidn', network: 'decom' })[0], /did you mean 'kind'/);
  t.regex(check({ path: file('gain-nchw.onnx'), tile: 30, multiple: 8 }).join('\n'), /tile: 32/);
});

test('model.image runs a registry network by id (kind decom reflectance as an image model)', async (t) => {
  const out = await enhance({ model: 'kind', network: 'decom', output: 'reflectance', multiple: 4 }, frame(18, 10));
  t.deepEqual([out.width, out.height], [18, 10]);
});

test('pipelines/custom-onnx.yaml: a ×2 model named by path makes sink.file encode at twice the size', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'in.mp4'), { width: 64, height: 48, seconds: 0.2 });
  const output = join(dir, 'out.mp4');
  const sum = createHash('sha256').update(readFileSync(file('upscale-x2.onnx'))).digest('hex');
  const result = await cli(['run', join(projectRoot, 'pipelines', 'custom-onnx.yaml'), '--set', `input=${input}`, '--set', `output=${output}`,
    '--set', 'enhance.path=test/fixtures/models/upscale-x2.onnx', '--set', `enhance.sha256=${sum}`, '--set', 'enhance.scale=2', '--set', 'enhance.input=image', '--set', 'enhance.output=upscaled', '--set', 'encode.preset=ultrafast']);
  t.is(result.code, 0, result.stderr);
  const facts = await probe(output);
  t.deepEqual([facts.width, facts.height, facts.frames], [128, 96, 5]);
  // A wrong sha256 stops the run before anything is opened (exit 2), naming the option.
  writeFileSync(join(dir, 'x'), '');
  const bad = await cli(['run', join(projectRoot, 'pipelines', 'custom-onnx.yaml'), '--set', `input=${input}`, '--set', `output=${output}`,
    '--set', 'enhance.path=test/fixtures/models/upscale-x2.onnx', '--set', `enhance.sha256=${'1'.repeat(64)}`]);
  t.is(bad.code, 2, bad.stderr);
  t.regex(bad.stderr, /sha256/);
});
