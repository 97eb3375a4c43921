import test from 'ava';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../core/logger.js';
import { resolveOptions } from '../core/options.js';
import { projectRoot } from '../models/paths.js';
import { createContainer } from '../pipeline/container.js';
import { kindDecom } from '../plugins/kind/decom.js';
import { modelImage } from '../plugins/model-image/model-image.js';
import { cli, makeClip, meanLuma, probe, tempDir } from './helpers.js';

const container = createContainer();
const services = { get: <T>(token: symbol) => container.get<T>(token) };
const fastOptions = { model: 'kind-fast', layout: 'NHWC', range: '0..255', dtype: 'uint8', global: 'whole' };

test('issue #9: one clip through cctv-night, cctv-night-fast, cctv-night-sr and a user ONNX file by path gives four valid videos with its frames, fps and audio', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'night.mp4'), { width: 64, height: 48, seconds: 1, fps: 25, audio: true });
  const before = await probe(input);
  const upscaler = join(projectRoot, 'test', 'fixtures', 'models', 'upscale-x2.onnx');
  const runs = [
    { file: 'cctv-night.yaml', scale: 1, sets: [] as string[] },
    { file: 'cctv-night-fast.yaml', scale: 1, sets: [] },
    { file: 'cctv-night-sr.yaml', scale: 2, sets: [] },
    {
      file: 'custom-onnx.yaml',
      scale: 2,
      sets: ['enhance.path=' + upscaler, 'enhance.sha256=' + createHash('sha256').update(readFileSync(upscaler)).digest('hex'), 'enhance.scale=2', 'enhance.input=image', 'enhance.output=upscaled'],
    },
  ];
  for (const run of runs) {
    const output = join(dir, run.file.replace('.yaml', '.mp4'));
    const result = await cli(['run', join('pipelines', run.file), '--set', `input=${input}`, '--set', `output=${output}`, ...run.sets.flatMap((s) => ['--set', s])]);
    t.is(result.code, 0, `${run.file}: ${result.stderr}`);
    const after = await probe(output);
    t.deepEqual(
      { width: after.width, height: after.height, frames: after.frames, audio: after.hasAudio },
      { width: 64 * run.scale, height: 48 * run.scale, frames: before.frames, audio: true },
      run.file,
    );
    t.true(Math.abs(after.fps - before.fps) < 0.01, `${run.file}: fps ${after.fps} vs ${before.fps}`);
  }
});

test('cctv-night-fast.yaml brightens a dark clip (kind-fast is trained, not an identity)', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'night.mp4'), { width: 160, height: 90, seconds: 0.4, brightness: -0.4 });
  const output = join(dir, 'fast.mp4');
  const result = await cli(['run', 'pipelines/cctv-night-fast.yaml', '--set', `input=${input}`, '--set', `output=${output}`]);
  t.is(result.code, 0, result.stderr);
  const [lumaIn, lumaOut] = [await meanLuma(input), await meanLuma(output)];
  t.true(lumaOut > lumaIn * 1.5, `mean luma ${lumaOut.toFixed(1)} should be well above ${lumaIn.toFixed(1)}`);
});

test('model.image refuses a registry model whose contract the node misstates, naming each option and its fix', (t) => {
  const check = (raw: Record<string, unknown>) => {
    const { options } = resolveOptions(modelImage.options, raw);
    return modelImage.check!(options, services).map((p) => `${p.option}: ${p.message}`);
  };
  t.deepEqual(check(fastOptions), []);
  const problems = check({ model: 'kind-fast' });
  t.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['dtype', 'global', 'layout', 'range']);
  t.true(problems.some((p) => p.includes("Fix: layout: 'NHWC'")), problems.join('\n'));
  t.regex(check({ ...fastOptions, range: '0..1' }).join('\n'), /dtype uint8 carries 0\.\.255 values/);
  t.regex(check({ model: 'sr-x2' }).join('\n'), /^scale: model 'sr-x2' takes scale 2, the node says 1\. Fix: scale: 2/m);
});

test('the KinD stages refuse a model that is not a KinD model, pointing to model.image', (t) => {
  const { options } = resolveOptions(kindDecom.options, { model: 'kind-fast' });
  const problems = kindDecom.check!(options, services);
  t.is(problems.length, 1);
  t.regex(problems[0].message, /'kind-fast' is not a KinD model \(task: enhancement\)\. Fix: run it with plugin model\.image/);
});

test('kind-fast takes uint8 frames as they are: a 1×1 and a 385×289 frame come back at their size', async (t) => {
  const { options } = resolveOptions(modelImage.options, { ...fastOptions, threads: 1 });
  const stage = modelImage.create({ nodeId: 'enhance', options, log: silentLogger, signal: new AbortController().signal, ...services });
  await stage.start?.({});
  try {
    for (const [width, height] of [[1, 1], [385, 289]]) {
      const data = new Uint8Array(width * height * 3).map((_, i) => 10 + (i % 23));
      const out = (await stage.process({ video: { index: 0, pts: 0, width, height, channels: 3, data } })).video;
      t.deepEqual([out.width, out.height, out.data.length], [width, height, width * height * 3]);
      t.true(out.data instanceof Uint8Array);
    }
  } finally {
    await stage.dispose?.();
  }
});

test('kind-pipe describe MODEL and kind-pipe models show task, input contract, hashes and licence', async (t) => {
  const described = await cli(['describe', 'kind-fast']);
  t.is(described.code, 0, described.stderr);
  t.regex(described.stdout, /task {5}enhancement/);
  t.regex(described.stdout, /input {4}rgb, NHWC uint8 0\.\.255/);
  t.regex(described.stdout, /sha256 [0-9a-f]{12}/);
  t.regex(described.stdout, /licence/);
  const listed = await cli(['models']);
  for (const id of ['kind', 'kind-lite', 'kind-fast', 'sr-x2']) t.regex(listed.stdout, new RegExp(`^${id} `, 'm'));
  const unknown = await cli(['describe', 'kind-fats']);
  t.not(unknown.code, 0);
  t.regex(unknown.stderr, /did you mean 'kind-fast'/);
});
