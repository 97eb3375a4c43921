import test from 'ava';
import type { Frame } from '../../core/frame.js';
import { silentLogger } from '../../core/logger.js';
import { ModelRegistry } from '../../core/model.js';
import { resolveOptions } from '../../core/options.js';
import { FileModelRegistry, loadModelTable } from '../../models/registry.js';
import { OnnxRuntime } from '../../models/runtime/onnx-runtime.js';
import { kindDecom } from './decom.js';
import { kindRestore } from './restore.js';
import { kindRegions } from '../kind-regions/kind-regions.js';

const registry = new FileModelRegistry(loadModelTable(), new OnnxRuntime());
const services = { get: <T>(token: symbol) => (token === ModelRegistry ? registry : undefined) as T };

/** A 61×37 stretched night frame with structure: a gradient, a bright square and deterministic noise. */
function frame(): Frame {
  const width = 61;
  const height = 37;
  const data = new Float32Array(3 * width * height);
  let seed = 7;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const square = x > 20 && x < 35 && y > 10 && y < 22 ? 0.6 : 0;
        data[(c * height + y) * width + x] = Math.min(1, (x / width) * 0.3 + square + (seed / 2147483648) * 0.1 + c * 0.05);
      }
  return { index: 0, pts: 0, width, height, channels: 3, data };
}

async function run<T extends typeof kindDecom | typeof kindRestore | typeof kindRegions>(stage: T, options: Record<string, unknown>, inputs: Record<string, Frame>) {
  const s = stage.create({ nodeId: 'n', options: resolveOptions(stage.options, options).options as never, log: silentLogger, signal: new AbortController().signal, ...services });
  await s.start?.({});
  try {
    return (await s.process(inputs as never)) as Record<string, Frame>;
  } finally {
    await s.dispose?.();
  }
}

function psnr(a: Frame, b: Frame): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let se = 0;
  for (let i = 0; i < x.length; i++) se += (x[i] - y[i]) ** 2;
  return 10 * Math.log10(1 / (se / x.length));
}

test('issue #16: kind.decom and kind.restore with precision int8 open the -int8 files and match fp32 to over 30 dB PSNR', async (t) => {
  t.truthy(registry.get('kind').networks['decom-int8']?.file.endsWith('kind-decom-int8.onnx'));
  t.truthy(registry.get('kind').networks['restore-int8']?.file.endsWith('kind-restore-int8.onnx'));
  const image = frame();
  const d32 = await run(kindDecom, { precision: 'fp32', threads: 1 }, { image });
  const d8 = await run(kindDecom, { precision: 'int8', threads: 1 }, { image });
  t.notDeepEqual(d8.reflectance.data, d32.reflectance.data, 'int8 ran a different (quantized) graph');
  t.true(psnr(d8.reflectance, d32.reflectance) > 30, `decom R: ${psnr(d8.reflectance, d32.reflectance).toFixed(1)} dB`);
  t.true(psnr(d8.illumination, d32.illumination) > 30, `decom I: ${psnr(d8.illumination, d32.illumination).toFixed(1)} dB`);
  const r32 = await run(kindRestore, { precision: 'fp32', threads: 1 }, d32);
  const r8 = await run(kindRestore, { precision: 'int8', threads: 1 }, d32);
  t.is(r8.restored.width, 61);
  t.true(psnr(r8.restored, r32.restored) > 30, `restore: ${psnr(r8.restored, r32.restored).toFixed(1)} dB`);
});

test('issue #16: precision int8 on a model without an int8 restore net is refused naming the option and the fix', (t) => {
  const options = resolveOptions(kindRestore.options, { model: 'kind-lite', precision: 'int8' }).options;
  const problems = kindRestore.check!(options as never, services as never);
  t.is(problems.length, 1);
  t.is(problems[0].option, 'precision');
  t.regex(problems[0].message, /model 'kind-lite' has no int8 restore network .*Fix: set precision: fp32, or model: kind/);
  t.deepEqual(kindDecom.check!(resolveOptions(kindDecom.options, { model: 'kind-lite', precision: 'int8' }).options as never, services as never), []);
});

test('precision defaults to fp32 and refuses other values', (t) => {
  t.is(resolveOptions(kindDecom.options, {}).options.precision, 'fp32');
  const { problems } = resolveOptions(kindDecom.options, { precision: 'fp16' });
  t.is(problems[0]?.option, 'precision');
  t.regex(problems[0]?.message ?? '', /fp32 \| int8/);
});

test('issue #16: kind.regions with precision int8 (the video pipeline\'s) runs the int8 files: a first frame gives what kind.decom + kind.restore give at int8', async (t) => {
  const image = frame();
  const d8 = await run(kindDecom, { precision: 'int8', threads: 1 }, { image });
  const r8 = await run(kindRestore, { precision: 'int8', threads: 1 }, d8);
  const regions8 = await run(kindRegions, { precision: 'int8', threads: 1 }, { image });
  const regions32 = await run(kindRegions, { threads: 1 }, { image });
  t.true(psnr(regions8.restored, r8.restored) > 60, `int8 regions vs int8 stages: ${psnr(regions8.restored, r8.restored).toFixed(1)} dB`);
  t.true(psnr(regions8.reflectance, d8.reflectance) > 60, `reflectance: ${psnr(regions8.reflectance, d8.reflectance).toFixed(1)} dB`);
  t.notDeepEqual(regions8.restored.data, regions32.restored.data, 'int8 ran the quantized graphs');
  const lite = kindRegions.check!(resolveOptions(kindRegions.options, { model: 'kind-lite', precision: 'int8' }).options as never, services as never);
  t.is(lite.length, 1);
  t.regex(lite[0].message, /model 'kind-lite' has no int8 restore network/);
});
