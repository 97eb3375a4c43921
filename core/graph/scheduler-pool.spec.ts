import test from 'ava';
import { FramePool, refsOf } from '../frame-pool.js';
import { silentLogger } from '../logger.js';
import type { Plugin, SinkPlugin, SourcePlugin, StagePlugin } from '../stage/plugin.js';
import { buildGraph } from './builder.js';
import type { GraphSpec } from './spec.js';
import { runGraph } from './scheduler.js';

const services = { get: <T>(): T => undefined as T };
const video = { kind: 'video' } as const;

function source(total: number): SourcePlugin {
  return {
    role: 'source', id: 'test.source', description: '', options: {}, example: '',
    outputs: [{ name: 'video', produces: video, description: '' }],
    create: () => ({
      open: async () => ({ video: { kind: 'video', format: 'rgb24', width: 2, height: 1, stream: { fps: 10, frameCount: total, origin: 'test' } } }),
      async *frames() {
        for (let index = 0; index < total; index++) yield { video: { index, pts: index / 10, width: 2, height: 1, channels: 3, data: new Uint8Array(6).fill(index) } };
      },
      dispose() {},
    }),
  };
}

/** Puts each frame on a slab of `pool`, as a worker stage's reply does (one reference, for the caller). */
function share(pool: FramePool): StagePlugin {
  return {
    role: 'stage', id: 'test.share', description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: video, description: '' }],
    outputs: [{ name: 'video', produces: video, description: '' }],
    negotiate: (inputs) => ({ video: inputs.video }),
    create: () => ({ process: async (inputs) => ({ video: { ...inputs.video, data: pool.share(inputs.video.data) } }) }),
  };
}

const passthrough: StagePlugin = {
  role: 'stage', id: 'test.pass', description: '', options: {}, example: '',
  inputs: [{ name: 'video', accepts: video, description: '' }],
  outputs: [{ name: 'video', produces: video, description: '' }],
  negotiate: (inputs) => ({ video: inputs.video }),
  create: () => ({ process: async (inputs) => ({ video: inputs.video }) }),
};

function sink(id: string, seen: number[][], failAt?: number): SinkPlugin {
  return {
    role: 'sink', id, description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: video, description: '' }],
    create: () => ({
      start: async () => {},
      write: async (inputs) => {
        if (inputs.video.index === failAt) throw new Error('disk full');
        seen.push([...inputs.video.data]);
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
      finish: async () => id,
      abort: async () => {},
    }),
  };
}

/** source → share ─┬→ pass → sink a;  share └→ sink b (one shared frame, three holders). */
function fanOut(pool: FramePool, total: number, seen: { a: number[][]; b: number[][] }, failAt?: number) {
  const plugins: Plugin[] = [source(total), share(pool), passthrough, sink('test.a', seen.a, failAt), sink('test.b', seen.b)];
  const spec: GraphSpec = {
    file: 'test.yaml',
    queueSize: 2,
    locate: (path) => `test.yaml:${path.join('.')}`,
    nodes: [
      { id: 'decode', plugin: 'test.source', inputs: {}, options: {} },
      { id: 'share', plugin: 'test.share', inputs: { video: 'decode' }, options: {} },
      { id: 'pass', plugin: 'test.pass', inputs: { video: 'share' }, options: {} },
      { id: 'a', plugin: 'test.a', inputs: { video: 'pass' }, options: {} },
      { id: 'b', plugin: 'test.b', inputs: { video: 'share' }, options: {} },
    ],
  };
  return runGraph(buildGraph(spec, new Map(plugins.map((p) => [p.id, p])), services), { log: silentLogger, get: services.get });
}

test('issue #18: runGraph should free a shared frame when its last consumer is done, reusing slabs so memory stays flat', async (t) => {
  const pool = new FramePool();
  const seen = { a: [] as number[][], b: [] as number[][] };
  const result = await fanOut(pool, 200, seen);
  t.is(result.frames, 200);
  // Every consumer read its own frame's bytes, never a later frame's that reused the slab.
  t.deepEqual(seen.a, [...Array(200).keys()].map((i) => Array(6).fill(i)));
  t.deepEqual(seen.b, seen.a);
  const stats = pool.stats();
  t.is(stats.inUse, 0);
  t.true(stats.slabs <= 12, `${stats.slabs} slabs for 200 frames: slabs are not being reused`);
});

test('issue #18: runGraph should release every shared frame when a sink fails mid-run (abort)', async (t) => {
  const pool = new FramePool();
  await t.throwsAsync(fanOut(pool, 100, { a: [], b: [] }, 20), { message: /disk full/ });
  t.is(pool.stats().inUse, 0);
});

test('issue #18: FramePool should refuse a release no one holds, naming the frame', (t) => {
  const pool = new FramePool();
  const frame = { index: 7, pts: 0, width: 1, height: 1, channels: 3, data: pool.share(new Uint8Array(3)) };
  t.is(refsOf(frame.data), 1);
  t.is(pool.share(frame.data), frame.data);
  return import('../frame-pool.js').then(({ releaseFrame }) => {
    releaseFrame(frame);
    t.is(refsOf(frame.data), 0);
    t.throws(() => releaseFrame(frame), { message: /frame 7: released a shared frame that no one held/ });
    t.is(refsOf(frame.data), 0);
  });
});
