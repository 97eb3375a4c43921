import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { KindPipeError } from '../errors.js';
import type { Frame } from '../frame.js';
import { silentLogger } from '../logger.js';
import type { Plugin, SinkPlugin, SourcePlugin, StagePlugin } from '../stage/plugin.js';
import { buildGraph } from './builder.js';
import type { FlowPolicyName } from './flow-gate.js';
import { runGraph } from './scheduler.js';

const services = { get: <T>(): T => undefined as T };

/** A camera: `total` frames, one every `everyMs`, whatever the graph does (it does not wait to be pulled). */
function camera(total: number, everyMs: number, policy: FlowPolicyName, maxInFlight: number): SourcePlugin {
  return {
    role: 'source', id: 'test.camera', description: '', options: {}, example: '',
    outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
    create: () => ({
      live: { flow: { policy, maxInFlight }, reconnects: () => 0 },
      open: async () => ({ video: { kind: 'video', format: 'rgb24', width: 2, height: 1, stream: { fps: 1000 / everyMs, origin: 'test' } } }),
      async *frames() {
        const start = performance.now();
        for (let index = 0; index < total; index++) {
          const due = start + index * everyMs;
          if (due > performance.now()) await sleep(due - performance.now());
          yield { video: { index, pts: index * everyMs, width: 2, height: 1, channels: 3, data: new Uint8Array(6), meta: { late: performance.now() - due } } };
        }
      },
      dispose() {},
    }),
  };
}

/** A slow enhancement: marks every frame it processed (byte 0 = 1). */
function slowStage(ms: number, scale = 1): StagePlugin {
  return {
    role: 'stage', id: 'test.slow', description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
    outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
    negotiate: (inputs) => ({ video: { ...inputs.video, width: inputs.video.width! * scale } }),
    create: () => ({
      process: async ({ video }) => {
        await sleep(ms);
        const data = new Uint8Array(video.data.length * scale);
        data[0] = 1;
        return { video: { ...video, width: video.width * scale, data } };
      },
    }),
  };
}

function collector(received: Frame[]): SinkPlugin {
  return {
    role: 'sink', id: 'test.collect', description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
    create: () => ({ start: async () => {}, write: async ({ video }) => void received.push(video), finish: async () => 'collected', abort: async () => {} }),
  };
}

async function run(plugins: Plugin[]) {
  const spec = {
    file: 'test.yaml',
    queueSize: 4,
    locate: (path: readonly (string | number)[]) => `test.yaml:${path.join('.')}`,
    nodes: plugins.map((p, i) => ({ id: `n${i}`, plugin: p.id, inputs: (i === 0 ? {} : { video: `n${i - 1}` }) as Record<string, string>, options: {} })),
  };
  return runGraph(buildGraph(spec, new Map(plugins.map((p) => [p.id, p])), services), { log: silentLogger, get: services.get });
}

const indexes = (frames: Frame[]) => frames.map((f) => f.index);
const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]);

test('runGraph with a live source under drop-oldest should drop frames, never wait for the stages, and count every frame', async (t) => {
  const received: Frame[] = [];
  const result = await run([camera(60, 5, 'drop-oldest', 1), slowStage(30), collector(received)]);
  const live = result.live!;
  t.is(live.received, 60);
  t.true(live.dropped > 20, `dropped ${live.dropped}`);
  t.is(live.received, live.enhanced + live.dropped + live.passed);
  t.is(received.length, live.enhanced);
  t.true(increasing(indexes(received)), 'in camera order');
  t.true(received.every((f) => f.data[0] === 1), 'every written frame was enhanced');
  t.true(Math.max(...received.map((f) => Number(f.meta!.late))) < 15, 'the camera was read on time');
});

test('runGraph with a live source under passthrough should write every frame in order, the late ones un-enhanced', async (t) => {
  const received: Frame[] = [];
  const result = await run([camera(60, 5, 'passthrough', 2), slowStage(30), collector(received)]);
  const live = result.live!;
  t.deepEqual(indexes(received), [...Array(60).keys()]);
  t.true(live.passed > 20, `passed ${live.passed}`);
  t.is(received.filter((f) => f.data[0] === 1).length, live.enhanced);
  t.is(received.filter((f) => f.data[0] === 0).length, live.passed);
  t.is(live.received, live.enhanced + live.passed);
  t.is(result.frames, 60);
});

test('runGraph with a live source under block should enhance every frame and hold the camera back', async (t) => {
  const received: Frame[] = [];
  const result = await run([camera(30, 5, 'block', 2), slowStage(20), collector(received)]);
  t.deepEqual(result.live, { received: 30, enhanced: 30, dropped: 0, passed: 0, reconnects: 0 });
  t.deepEqual(indexes(received), [...Array(30).keys()]);
  t.true(Math.max(...received.map((f) => Number(f.meta!.late))) > 100, 'the camera was read late: backpressure');
});

test('runGraph under passthrough should refuse stages that change the frame size, naming the sink and the fix', async (t) => {
  const error = await t.throwsAsync(run([camera(5, 5, 'passthrough', 1), slowStage(1, 2), collector([])]));
  t.true(KindPipeError.is(error, 'caps'));
  t.regex(error!.message, /flow: passthrough.*sink 'n2'.*video rgb24 4×1.*Fix: use flow: drop-oldest or block/);
});
