import test from 'ava';
import { KindPipeError } from '../../core/errors.js';
import type { BuiltNode } from '../../core/graph/built-graph.js';
import { silentLogger } from '../../core/logger.js';
import type { StagePlugin } from '../../core/stage/plugin.js';
import { WorkerStage } from './worker-stage.js';
import type { Frame } from '../../core/frame.js';
import { FramePool, isPooled, refsOf, releaseFrame } from '../../core/frame-pool.js';
import { kindFuse } from '../../plugins/kind/fuse.js';
import { fastEnhance } from '../../plugins/fast-enhance/fast-enhance.js';
import { resolveOptions } from '../../core/options.js';

test('WorkerStage should rebuild an error from its worker thread with its kind and origin (issue #21)', async (t) => {
  // The worker looks the id up in its own container: a source there is no stage, which it refuses.
  const plugin = { role: 'stage', id: 'source.file' } as StagePlugin;
  const node: BuiltNode = { id: 'decode', plugin, options: {}, inputs: {}, worker: true };
  const stage = new WorkerStage(node, { nodeId: node.id, options: {}, log: silentLogger, signal: new AbortController().signal, get: <T>() => undefined as T });
  try {
    const error = await t.throwsAsync(stage.start({}));
    t.true(KindPipeError.is(error, 'plugin'));
    t.is(error!.message, "worker: 'source.file' is not a stage plugin");
    t.deepEqual((error as KindPipeError).origin, { node: 'decode', stage: 'source.file' });
  } finally {
    await stage.dispose();
  }
});

test('issue #18: WorkerStage should share frames with its worker thread, not copy them', async (t) => {
  const plugin = kindFuse as unknown as StagePlugin;
  const node: BuiltNode = { id: 'fuse', plugin, options: { mode: 'product', sigma: 3 }, inputs: {}, worker: true };
  const stage = new WorkerStage(node, { nodeId: node.id, options: node.options, log: silentLogger, signal: new AbortController().signal, get: <T>() => undefined as T });
  const pool = new FramePool();
  const tensor = (channels: number, value: number): Frame => ({ index: 0, pts: 0, width: 2, height: 1, channels, data: pool.share(new Float32Array(2 * channels).fill(value)) });
  const inputs = (value: number) => ({ image: tensor(3, 9), reflectance: tensor(3, 9), illumination: tensor(1, 9), restored: tensor(3, value), adjusted: tensor(1, 1) });
  try {
    await stage.start({});
    const first = (await stage.process(inputs(0.2))).video;
    t.true(isPooled(first.data), 'the output comes back on a shared slab');
    t.is(refsOf(first.data), 1);
    t.deepEqual([...first.data], Array(6).fill(51));
    t.true(typeof stage.computeMs === 'number' && stage.computeMs >= 0);
    // Released, the worker's pool reuses the slab: the next frame appears in the memory the host still views.
    releaseFrame(first);
    const second = (await stage.process(inputs(0.4))).video;
    t.deepEqual([...first.data], Array(6).fill(102), 'the host and the worker see one memory');
    t.deepEqual([...second.data], Array(6).fill(102));
  } finally {
    await stage.dispose();
  }
});

test('issue #18: WorkerStage running a stage that takes its outputs from its own FramePool (fast.enhance) should hand each back holding one reference, reused once released', async (t) => {
  const plugin = fastEnhance as unknown as StagePlugin;
  const { options } = resolveOptions(plugin.options, { model: 'kind-fast', threads: 1 });
  const node: BuiltNode = { id: 'enhance', plugin, options, inputs: {}, worker: true };
  const stage = new WorkerStage(node, { nodeId: node.id, options, log: silentLogger, signal: new AbortController().signal, get: <T>() => undefined as T });
  const pool = new FramePool();
  const frame = (index: number): Frame => ({ index, pts: index / 25, width: 16, height: 8, channels: 3, data: pool.share(new Uint8Array(16 * 8 * 3).fill(20 + index)) });
  try {
    await stage.start({ video: { kind: 'video', format: 'rgb24', width: 16, height: 8, stream: { fps: 25 } } as never });
    const first = (await stage.process({ video: frame(0) })).video;
    t.true(isPooled(first.data));
    t.is(refsOf(first.data), 1, 'one reference, the one the scheduler passes on (two would never be freed)');
    releaseFrame(first);
    const second = (await stage.process({ video: frame(1) })).video;
    t.is(refsOf(second.data), 1);
    t.deepEqual([...first.data.subarray(0, 3)], [...second.data.subarray(0, 3)], 'the released slab came back for the next frame');
  } finally {
    await stage.dispose();
  }
});
