import test from 'ava';
import { KindPipeError } from '../errors.js';
import type { Frame } from '../frame.js';
import { silentLogger } from '../logger.js';
import type { Plugin, SinkPlugin, SourcePlugin, StagePlugin } from '../stage/plugin.js';
import { buildGraph } from './builder.js';
import type { GraphSpec } from './spec.js';
import { runGraph } from './scheduler.js';

const services = { get: <T>(): T => undefined as T };

function counter(total: number, produced: { n: number }, id = 'test.counter'): SourcePlugin {
  return {
    role: 'source', id, description: '', options: {}, example: '',
    outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
    create: () => ({
      open: async () => ({ video: { kind: 'video', format: 'rgb24', width: 2, height: 1, stream: { fps: 10, frameCount: total, origin: 'test' } } }),
      async *frames() {
        for (let index = 0; index < total; index++) {
          produced.n++;
          yield { video: { index, pts: index / 10, width: 2, height: 1, channels: 3, data: new Uint8Array(6).fill(index % 256) } };
        }
      },
      dispose() {},
    }),
  };
}

function passthrough(id: string, mangle?: (f: Frame) => Frame): StagePlugin {
  return {
    role: 'stage', id, description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
    outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
    negotiate: (inputs) => ({ video: inputs.video }),
    create: () => ({ process: async (inputs) => ({ video: mangle ? mangle(inputs.video) : inputs.video }) }),
  };
}

function collector(received: number[], onWrite?: () => Promise<void>, aborted?: { value: boolean }): SinkPlugin {
  return {
    role: 'sink', id: 'test.collect', description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
    create: () => ({
      start: async () => {},
      write: async (inputs) => {
        await onWrite?.();
        received.push(inputs.video.index);
      },
      finish: async () => 'collected',
      abort: async () => {
        if (aborted) aborted.value = true;
      },
    }),
  };
}

function linear(plugins: Plugin[], queueSize = 2): GraphSpec {
  return {
    file: 'test.yaml',
    queueSize,
    locate: (path) => `test.yaml:${path.join('.')}`,
    nodes: plugins.map((p, i) => ({ id: `n${i}`, plugin: p.id, inputs: (i === 0 ? {} : { video: `n${i - 1}` }) as Record<string, string>, options: {} })),
  };
}

async function run(plugins: Plugin[], queueSize = 2) {
  const graph = buildGraph(linear(plugins, queueSize), new Map(plugins.map((p) => [p.id, p])), services);
  return runGraph(graph, { log: silentLogger, get: services.get });
}

test('runGraph should deliver every frame, in order, through every stage', async (t) => {
  const received: number[] = [];
  const result = await run([counter(25, { n: 0 }), passthrough('a'), passthrough('b'), collector(received)]);
  t.is(result.frames, 25);
  t.deepEqual(received, [...Array(25).keys()]);
  t.deepEqual(result.outputs, ['collected']);
});

test('runGraph should keep frames in flight bounded by the queues when the sink is slow (flat memory)', async (t) => {
  const produced = { n: 0 };
  const received: number[] = [];
  let maxAhead = 0;
  await run(
    [counter(200, produced), passthrough('a'), collector(received, async () => {
      maxAhead = Math.max(maxAhead, produced.n - received.length);
      await new Promise((r) => setImmediate(r));
    })],
    2,
  );
  t.is(received.length, 200);
  // 2 queues of 2 frames + one frame in each of the 3 nodes: never the whole video.
  t.true(maxAhead <= 8, `source ran ${maxAhead} frames ahead of the sink`);
});

test('runGraph should fail naming the stage that changed a frame index (frame accounting)', async (t) => {
  const aborted = { value: false };
  const error = await t.throwsAsync(
    run([counter(10, { n: 0 }), passthrough('test.skipper', (f) => (f.index === 7 ? { ...f, index: 8 } : f)), collector([], undefined, aborted)]),
  );
  t.true(KindPipeError.is(error, 'accounting'));
  t.regex(error!.message, /node 'n1' \(test\.skipper\) turned frame 7 into frame 8/);
  t.true(aborted.value, 'the sink was told to remove its partial output');
});

test('runGraph should name the node and frame when a stage throws', async (t) => {
  const error = await t.throwsAsync(
    run([counter(10, { n: 0 }), passthrough('test.thrower', (f) => { if (f.index === 3) throw new Error('bad pixel'); return f; }), collector([])]),
  );
  t.true(KindPipeError.is(error, 'plugin'));
  t.regex(error!.message, /node 'n1' \(test\.thrower\) failed on frame 3: bad pixel/);
});

function lingerSinks(events: string[], onFinish?: (id: string) => void) {
  return (id: string, lingers: boolean): SinkPlugin => ({
    role: 'sink', id, description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
    create: () => ({
      start: async () => {},
      write: async () => {},
      finish: async () => {
        events.push(`${id} finish`);
        onFinish?.(id);
        return id;
      },
      abort: async () => {
        events.push(`${id} abort`);
      },
      ...(lingers && {
        linger: (signal: AbortSignal) =>
          new Promise<void>((resolve) => {
            events.push(`${id} linger`);
            if (signal.aborted) resolve();
            signal.addEventListener('abort', () => resolve(), { once: true });
          }),
      }),
    }),
  });
}

/** A source feeding a lingering sink (listed first) and a plain one. */
function lingerGraph(sink: ReturnType<typeof lingerSinks>) {
  const plugins: Plugin[] = [counter(5, { n: 0 }), sink('test.preview', true), sink('test.file', false)];
  const spec: GraphSpec = {
    file: 'test.yaml',
    queueSize: 2,
    locate: (path) => `test.yaml:${path.join('.')}`,
    nodes: [
      { id: 'src', plugin: 'test.counter', inputs: {}, options: {} },
      { id: 'preview', plugin: 'test.preview', inputs: { video: 'src' }, options: {} },
      { id: 'file', plugin: 'test.file', inputs: { video: 'src' }, options: {} },
    ],
  };
  return buildGraph(spec, new Map(plugins.map((p) => [p.id, p])), services);
}

test('runGraph lets a sink linger only after every sink has finished; a stop then ends the linger and removes nothing', async (t) => {
  const events: string[] = [];
  const graph = lingerGraph(lingerSinks(events));
  const stop = new AbortController();
  const result = await runGraph(graph, {
    log: silentLogger,
    get: services.get,
    signal: stop.signal,
    onLinger: () => {
      events.push('onLinger');
      setImmediate(() => stop.abort());
    },
  });
  t.deepEqual(events, ['test.preview finish', 'test.file finish', 'onLinger', 'test.preview linger']);
  t.deepEqual(result.outputs, ['test.preview', 'test.file']);
  t.is(result.frames, 5);
});

test('runGraph still calls linger (already stopped) when the stop came while sinks were finishing, so the sink can release what it kept', async (t) => {
  const events: string[] = [];
  const stop = new AbortController();
  const graph = lingerGraph(lingerSinks(events, (id) => id === 'test.file' && stop.abort()));
  const result = await runGraph(graph, { log: silentLogger, get: services.get, signal: stop.signal, onLinger: () => events.push('onLinger') });
  t.deepEqual(events, ['test.preview finish', 'test.file finish', 'test.preview linger']);
  t.is(result.frames, 5);
});

function join(): StagePlugin {
  return {
    role: 'stage', id: 'test.join', description: '', options: {}, example: '',
    inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }, { name: 'reference', accepts: { kind: 'video' }, description: '' }],
    outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
    negotiate: (inputs) => ({ video: inputs.video }),
    create: () => ({ process: async (inputs) => ({ video: inputs.video }) }),
  };
}

/** Two counters (`a` with `totalA` frames, `b` with `totalB`), each with its own sink, and a third sink behind a stage joining them. */
async function runTwoSources(totalA: number, totalB: number, received: Record<string, number[]>) {
  const sink = (id: string) => ({ ...collector((received[id] = [])), id: `test.${id}` });
  const plugins: Plugin[] = [counter(totalA, { n: 0 }, 'test.a'), counter(totalB, { n: 0 }, 'test.b'), join(), sink('outA'), sink('outB'), sink('outJ')];
  const spec: GraphSpec = {
    file: 'test.yaml',
    queueSize: 2,
    locate: (path) => `test.yaml:${path.join('.')}`,
    nodes: [
      { id: 'a', plugin: 'test.a', inputs: {}, options: {} },
      { id: 'b', plugin: 'test.b', inputs: {}, options: {} },
      { id: 'outA', plugin: 'test.outA', inputs: { video: 'a' }, options: {} },
      { id: 'outB', plugin: 'test.outB', inputs: { video: 'b' }, options: {} },
      { id: 'joined', plugin: 'test.join', inputs: { video: 'a', reference: 'b' }, options: {} },
      { id: 'outJ', plugin: 'test.outJ', inputs: { video: 'joined' }, options: {} },
    ],
  };
  return runGraph(buildGraph(spec, new Map(plugins.map((p) => [p.id, p])), services), { log: silentLogger, get: services.get });
}

test('runGraph with two sources should deliver to each sink exactly the frames of the sources it depends on, and count both (issue #21)', async (t) => {
  const received: Record<string, number[]> = {};
  const result = await runTwoSources(6, 6, received);
  t.is(result.frames, 12, 'frames entered over both sources');
  for (const id of ['outA', 'outB', 'outJ']) t.deepEqual(received[id], [...Array(6).keys()], id);
});

test('runGraph with two sources of different lengths joined by a stage should fail naming the join and the source that ended first (issue #21)', async (t) => {
  const error = await t.throwsAsync(runTwoSources(6, 4, {}));
  t.true(KindPipeError.is(error, 'accounting'));
  t.is(error!.message, "node 'joined': input reference ← b ended while others still had frames: frames were lost upstream of 'joined'");
  t.deepEqual((error as KindPipeError).origin, { node: 'joined', stage: 'test.join' });
});
