import test from 'ava';
import type { Frame } from '../../core/frame.js';
import { silentLogger } from '../../core/logger.js';
import { ModelRegistry, type ModelSession, type TensorData } from '../../core/model.js';
import { resolveOptions } from '../../core/options.js';
import { kindIllumination } from './illumination.js';

/** A registry whose illum "network" multiplies I by the ratio it is given, and records the ratios;
 * its exposure "network" predicts log(0.5 / mean(I)) + 0.25, so a learned ratio is known. */
function fakeRegistry(ratios: number[], opened: string[] = []) {
  const exposureNet = (offset: number): ModelSession => ({
    inputNames: ['illumination'],
    outputNames: ['log_ratio'],
    async run(feeds: Record<string, TensorData>) {
      const light = feeds.illumination.data as Float32Array;
      const mean = light.reduce((a, b) => a + b, 0) / light.length;
      return { log_ratio: { data: Float32Array.of(Math.log(0.5 / Math.max(mean, 1e-4)) + offset), dims: [1] } };
    },
    dispose() {},
  });
  const session: ModelSession = {
    inputNames: ['illumination', 'ratio'],
    outputNames: ['adjusted'],
    async run(feeds: Record<string, TensorData>) {
      const ratio = feeds.ratio.data[0];
      ratios.push(ratio);
      return { adjusted: { data: feeds.illumination.data.map((v) => Math.min(1, v * ratio)), dims: feeds.illumination.dims } };
    },
    dispose() {},
  };
  return {
    ids: () => ['kind'],
    get: () => ({ networks: { illum: { trained: true }, exposure: { trained: true }, 'exposure-night': { trained: true } } }),
    open: async (_id: string, role: string) => {
      opened.push(role);
      return role === 'exposure' ? exposureNet(0.25) : role === 'exposure-night' ? exposureNet(0.75) : session;
    },
  };
}

async function ratiosFor(options: Record<string, unknown>, levels: number[], opened: string[] = []): Promise<number[]> {
  const ratios: number[] = [];
  const registry = fakeRegistry(ratios, opened);
  const stage = kindIllumination.create({
    nodeId: 'illum',
    options: resolveOptions(kindIllumination.options, options).options,
    log: silentLogger,
    signal: new AbortController().signal,
    get: <T>(token: symbol) => (token === ModelRegistry ? registry : undefined) as T,
  });
  await stage.start?.({});
  for (const [index, level] of levels.entries()) {
    const frame: Frame = { index, pts: index, width: 4, height: 2, channels: 1, data: new Float32Array(8).fill(level) };
    await stage.process({ illumination: frame });
  }
  return ratios;
}

test('kind.illumination ratio mode should pass the operator ratio unchanged', async (t) => {
  t.deepEqual(await ratiosFor({ mode: 'ratio', ratio: 3 }, [0.1, 0.02]), [3, 3]);
});

test('kind.illumination auto mode should pick the ratio that brings mean I to the target', async (t) => {
  const [first] = await ratiosFor({ mode: 'auto', target: 0.5 }, [0.1]);
  t.true(Math.abs(first - 5) < 1e-6, `ratio ${first}`);
});

test('kind.illumination auto mode should glide, not jump, when the scene darkens', async (t) => {
  const ratios = await ratiosFor({ mode: 'auto', target: 0.5, smoothing: 0.9 }, [0.1, 0.05, 0.05, 0.05]);
  t.true(ratios[1] > 5 && ratios[1] < 5.5, `one frame later the ratio moved only a little: ${ratios[1]}`);
  t.true(ratios[3] > ratios[2] && ratios[2] > ratios[1], 'and keeps moving toward 10');
});

test('kind.illumination auto mode should stay within the ratio range on a black frame', async (t) => {
  const [ratio] = await ratiosFor({ mode: 'auto', target: 0.5 }, [0]);
  t.is(ratio, 20);
});

test('kind.illumination learned mode should run the exposure net and scale its ratio by compensation', async (t) => {
  const [plain] = await ratiosFor({ mode: 'learned' }, [0.1]);
  t.true(Math.abs(plain - 5 * Math.exp(0.25)) < 1e-4, `ratio ${plain}`);
  const [brighter] = await ratiosFor({ mode: 'learned', compensation: 2 }, [0.1]);
  t.true(Math.abs(brighter - 10 * Math.exp(0.25)) < 1e-4, `ratio ${brighter}`);
});

test('kind.illumination exposureNet: night should run the model\'s night exposure net instead of the general one', async (t) => {
  const opened: string[] = [];
  const [night] = await ratiosFor({ mode: 'learned', exposureNet: 'night' }, [0.1], opened);
  t.deepEqual(opened, ['illum', 'exposure-night']);
  t.true(Math.abs(night - 5 * Math.exp(0.75)) < 1e-4, `ratio ${night}`);
  const general: string[] = [];
  await ratiosFor({ mode: 'learned' }, [0.1], general);
  t.deepEqual(general, ['illum', 'exposure']);
});

test('kind.illumination learned mode should glide over time and stay within the ratio range', async (t) => {
  const ratios = await ratiosFor({ mode: 'learned', smoothing: 0.9 }, [0.1, 0.05, 0.05]);
  t.true(ratios[1] > ratios[0] && ratios[1] < ratios[0] * 1.1, `one frame later the ratio moved only a little: ${ratios}`);
  const [black] = await ratiosFor({ mode: 'learned', smoothing: 0 }, [0]);
  t.is(black, 20);
});

test('kind.illumination learned mode should be refused for a model without an exposure network', (t) => {
  const registry = { get: (id: string) => ({ id, task: 'kind', networks: { illum: { trained: true } } }) };
  const services = { get: <T>(token: symbol) => (token === ModelRegistry ? registry : undefined) as T };
  const options = resolveOptions(kindIllumination.options, { mode: 'learned', model: 'old-kind' }).options;
  const problems = kindIllumination.check?.(options, services) ?? [];
  t.is(problems.length, 1);
  t.is(problems[0].option, 'mode');
  t.regex(problems[0].message, /model 'old-kind' has no exposure network for mode: learned\. Fix: use mode: auto/);
  t.deepEqual(kindIllumination.check?.(resolveOptions(kindIllumination.options, { mode: 'auto', model: 'old-kind' }).options, services), []);
});

test('kind.illumination exposureNet: night should be refused for a model that ships only the general exposure net, naming the fix', (t) => {
  const registry = { get: (id: string) => ({ id, task: 'kind', networks: { illum: { trained: true }, exposure: { trained: true } } }) };
  const services = { get: <T>(token: symbol) => (token === ModelRegistry ? registry : undefined) as T };
  const problems = kindIllumination.check?.(resolveOptions(kindIllumination.options, { mode: 'learned', model: 'my-kind', exposureNet: 'night' }).options, services) ?? [];
  t.is(problems.length, 1);
  t.is(problems[0].option, 'exposureNet');
  t.regex(problems[0].message, /model 'my-kind' has no night exposure network \(exposure-night\)\. Fix: exposureNet: general/);
  t.deepEqual(kindIllumination.check?.(resolveOptions(kindIllumination.options, { mode: 'learned', model: 'my-kind' }).options, services), []);
});
