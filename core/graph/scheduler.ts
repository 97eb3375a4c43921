import { capsMismatch, describeCaps, type Caps } from '../caps.js';
import { DisposableStore } from '../disposable.js';
import { KindPipeError } from '../errors.js';
import type { Frame, FrameSet } from '../frame.js';
import { prefixedLogger, type Logger } from '../logger.js';
import type { Sink, Source, Stage, StageContext } from '../stage/plugin.js';
import type { BuiltGraph, BuiltNode } from './built-graph.js';
import { Channel } from './channel.js';
import { collectFrames } from '../util/collect-frames.js';
import { FlowGate, type Route } from './flow-gate.js';
import type { LiveCounts, Progress, RunResult } from './progress.js';

export interface RunOptions {
  log: Logger;
  signal?: AbortSignal;
  /** Ends live sources' streams (`Source.live`): the frames in flight are written and the sinks finish normally. */
  finish?: AbortSignal;
  get<T>(token: symbol): T;
  onProgress?(progress: Progress): void;
  /**
   * Creates a stage that runs on a worker thread (nodes with `worker`); without it, such stages
   * run inline. Lives outside core because the worker must build its own container.
   */
  createWorkerStage?(node: BuiltNode, ctx: StageContext): Stage;
  /** Called once every node's caps are known, before the first frame. */
  onNegotiated?(caps: ReadonlyMap<string, Record<string, Caps>>): void;
  /** Called when every output is complete and sinks linger (`Sink.linger`): a stop now removes nothing. */
  onLinger?(): void;
}

type Instance = { node: BuiltNode } & (
  | { role: 'source'; impl: Source }
  | { role: 'stage'; impl: Stage }
  | { role: 'sink'; impl: Sink }
);

/**
 * Runs a built graph: opens sources, negotiates every node's caps, starts stages (model loading
 * happens there), then streams frames through bounded channels, one async loop per node, so that
 * decode, inference and encode overlap. Every frame that enters must leave through every sink, or
 * the run fails naming the node where frames went missing. A live source (`Source.live`) is read
 * eagerly through a FlowGate (flow-gate.ts) that limits the frames in flight per its policy.
 */
export async function runGraph(graph: BuiltGraph, options: RunOptions): Promise<RunResult> {
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(new KindPipeError('cancelled', 'stopped by the user'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const resources = new DisposableStore();
  const instances = new Map<string, Instance>();
  const started = performance.now();
  let sinksDone = false;

  try {
    for (const node of graph.nodes) {
      const ctx: StageContext = {
        nodeId: node.id,
        options: node.options,
        log: prefixedLogger(options.log, node.id),
        signal: abort.signal,
        get: options.get,
      };
      const plugin = node.plugin;
      const instance: Instance =
        plugin.role === 'source'
          ? { node, role: 'source', impl: plugin.create(ctx) }
          : plugin.role === 'stage'
            ? { node, role: 'stage', impl: node.worker && options.createWorkerStage ? options.createWorkerStage(node, ctx) : plugin.create(ctx) }
            : { node, role: 'sink', impl: plugin.create(ctx) };
      instances.set(node.id, instance);
      if (instance.role === 'source') resources.add(instance.impl);
      else if (instance.role === 'stage') resources.add({ dispose: () => instance.impl.dispose?.() });
    }

    const caps = await negotiate(graph, instances);
    options.onNegotiated?.(caps);
    for (const instance of instances.values()) {
      const inputCaps = inputCapsOf(instance.node, caps);
      if (instance.role === 'stage') await instance.impl.start?.(inputCaps);
      if (instance.role === 'sink') await instance.impl.start(inputCaps);
      throwIfAborted(abort.signal);
    }

    const result = await stream(graph, instances, caps, abort, options, started);
    sinksDone = true;
    await linger(instances, abort.signal, options);
    return result;
  } catch (error) {
    if (!sinksDone) {
      for (const instance of instances.values()) {
        if (instance.role === 'sink') await instance.impl.abort().catch(() => undefined);
      }
    }
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    await resources.dispose().catch((error) => options.log.warn(`while releasing resources: ${String(error)}`));
  }
}

/**
 * Lets sinks with `linger` stay up, together, once every output is complete; a stop only ends it.
 * Called even when the run was stopped meanwhile (the signal is then aborted): `linger` is where
 * such a sink releases what `finish` kept open.
 */
async function linger(instances: Map<string, Instance>, signal: AbortSignal, options: RunOptions): Promise<void> {
  const lingering: Sink[] = [];
  for (const instance of instances.values()) if (instance.role === 'sink' && instance.impl.linger) lingering.push(instance.impl);
  if (lingering.length === 0) return;
  if (!signal.aborted) options.onLinger?.();
  await Promise.all(lingering.map((sink) => sink.linger!(signal)));
}

async function negotiate(graph: BuiltGraph, instances: Map<string, Instance>): Promise<Map<string, Record<string, Caps>>> {
  const caps = new Map<string, Record<string, Caps>>();
  for (const node of graph.nodes) {
    const instance = instances.get(node.id)!;
    if (instance.role === 'source') {
      caps.set(node.id, await instance.impl.open());
      continue;
    }
    const plugin = node.plugin;
    if (plugin.role === 'source') continue;
    const inputs = inputCapsOf(node, caps);
    for (const port of plugin.inputs) {
      const mismatch = capsMismatch(inputs[port.name], port.accepts);
      if (mismatch) {
        const from = node.inputs[port.name];
        throw new KindPipeError('caps', `${graph.file}: node '${node.id}' (${plugin.id}) input '${port.name}' ${mismatch} (from '${from.node}.${from.port}')`);
      }
    }
    if (plugin.role === 'stage') {
      const outputs = plugin.negotiate(inputs, node.options);
      for (const port of plugin.outputs) {
        if (!outputs[port.name]) throw new KindPipeError('plugin', `node '${node.id}' (${plugin.id}) did not negotiate caps for its output '${port.name}'`);
      }
      caps.set(node.id, outputs);
    } else {
      caps.set(node.id, {});
    }
  }
  return caps;
}

function inputCapsOf(node: BuiltNode, caps: Map<string, Record<string, Caps>>): Record<string, Caps> {
  const inputs: Record<string, Caps> = {};
  for (const [port, from] of Object.entries(node.inputs)) inputs[port] = caps.get(from.node)![from.port];
  return inputs;
}

async function stream(
  graph: BuiltGraph,
  instances: Map<string, Instance>,
  caps: Map<string, Record<string, Caps>>,
  abort: AbortController,
  options: RunOptions,
  started: number,
): Promise<RunResult> {
  // One channel per (consumer, input port); a producer pushes each output frame to all its consumers.
  const inbox = new Map<string, Map<string, Channel<Frame>>>();
  const outbox = new Map<string, Map<string, Channel<Frame>[]>>();
  const all: Channel<Frame>[] = [];
  for (const node of graph.nodes) {
    const ports = new Map<string, Channel<Frame>>();
    for (const [port, from] of Object.entries(node.inputs)) {
      const channel = new Channel<Frame>(graph.queueSize);
      all.push(channel);
      ports.set(port, channel);
      const producer = outbox.get(from.node) ?? new Map<string, Channel<Frame>[]>();
      producer.set(from.port, [...(producer.get(from.port) ?? []), channel]);
      outbox.set(from.node, producer);
    }
    inbox.set(node.id, ports);
  }

  const busyMs = new Map<string, number>();
  const counts = new Map<string, number>();
  const addBusy = (id: string, ms: number) => busyMs.set(id, (busyMs.get(id) ?? 0) + ms);
  const sources = graph.nodes.filter((n) => n.plugin.role === 'source');
  const total = sources.length === 1 ? Object.values(caps.get(sources[0].id)!)[0]?.stream.frameCount : undefined;
  let sunk = 0;
  const sinkCount = graph.nodes.filter((n) => n.plugin.role === 'sink').length;
  const gate = liveGate(graph, instances, caps);
  const liveSource = sources.length === 1 ? instances.get(sources[0].id) : undefined;
  const liveCounts = (): LiveCounts | undefined =>
    gate && liveSource?.role === 'source' ? { ...gate.counts, reconnects: liveSource.impl.live?.reconnects() ?? 0 } : undefined;

  const emit = async (node: BuiltNode, frames: FrameSet) => {
    for (const [port, channels] of outbox.get(node.id) ?? []) {
      const frame = frames[port];
      for (const channel of channels) await channel.push(frame);
    }
  };
  const closeOutputs = (node: BuiltNode) => {
    for (const channels of outbox.get(node.id)?.values() ?? []) for (const c of channels) c.close();
  };
  const pullInputs = async (node: BuiltNode): Promise<FrameSet | undefined> => {
    const frames: FrameSet = {};
    const ended: string[] = [];
    for (const [port, channel] of inbox.get(node.id)!) {
      const frame = await channel.pull();
      if (frame === undefined) ended.push(port);
      else frames[port] = frame;
    }
    const ports = [...inbox.get(node.id)!.keys()];
    if (ended.length === ports.length) return undefined;
    if (ended.length > 0) {
      const from = ended.map((p) => `${p} ← ${node.inputs[p].node}`).join(', ');
      throw new KindPipeError('accounting', `node '${node.id}': input ${from} ended while others still had frames: frames were lost upstream of '${node.id}'`);
    }
    const indexes = new Set(Object.values(frames).map((f) => f.index));
    if (indexes.size > 1) {
      const seen = Object.entries(frames).map(([p, f]) => `${p}=#${f.index}`).join(', ');
      throw new KindPipeError('accounting', `node '${node.id}': inputs are out of step (${seen}): a stage upstream dropped or reordered frames`);
    }
    return frames;
  };

  const loop = async (instance: Instance): Promise<void> => {
    const node = instance.node;
    let count = 0;
    if (instance.role === 'source') {
      const iterator = instance.impl.frames()[Symbol.asyncIterator]();
      const finish = instance.impl.live ? options.finish : undefined;
      const read = async (deliver: (frames: FrameSet) => Promise<void>) => {
        for (;;) {
          throwIfAborted(abort.signal);
          const t0 = performance.now();
          const next = finish ? await untilFinished(iterator.next(), finish) : await iterator.next();
          addBusy(node.id, performance.now() - t0);
          if (next.done) break;
          await deliver(next.value);
          count++;
        }
      };
      if (!gate) await read((frames) => emit(node, frames));
      else {
        // The reader keeps pulling the camera while the feeder waits for room in the stages.
        const feed = async () => {
          for (let frames = await gate.take(); frames; frames = await gate.take()) await emit(node, frames);
        };
        await Promise.all([read((frames) => gate.offer(frames)).then(() => gate.end()), feed()]);
        const { received, dropped } = gate.counts;
        count = received - dropped;
      }
      closeOutputs(node);
    } else if (instance.role === 'stage') {
      for (;;) {
        const inputs = await pullInputs(node);
        if (!inputs) break;
        throwIfAborted(abort.signal);
        const index = Object.values(inputs)[0].index;
        const t0 = performance.now();
        let outputs: FrameSet;
        try {
          outputs = await instance.impl.process(inputs);
        } catch (error) {
          if (KindPipeError.is(error)) throw error;
          throw new KindPipeError('plugin', `node '${node.id}' (${node.plugin.id}) failed on frame ${index}: ${errorText(error)}`, { cause: error });
        }
        addBusy(node.id, performance.now() - t0);
        for (const port of outbox.get(node.id)?.keys() ?? []) {
          const frame = outputs[port];
          if (!frame) throw new KindPipeError('accounting', `node '${node.id}' (${node.plugin.id}) returned no '${port}' output for frame ${index}`);
          if (frame.index !== index) throw new KindPipeError('accounting', `node '${node.id}' (${node.plugin.id}) turned frame ${index} into frame ${frame.index}`);
        }
        await emit(node, outputs);
        count++;
      }
      closeOutputs(node);
    } else {
      for (;;) {
        const route: Route | undefined = gate ? await gate.nextRoute(node.id) : undefined;
        if (gate && !route) {
          const extra = await pullInputs(node);
          if (extra) throw new KindPipeError('accounting', `sink '${node.id}' received frame ${Object.values(extra)[0].index} that the flow gate never let in`);
          break;
        }
        const inputs = route?.kind === 'bypass' ? bypassInputs(node, route.frames) : await pullInputs(node);
        if (!inputs) {
          if (gate) throw new KindPipeError('accounting', `sink '${node.id}': the stages ended while the flow gate still expected a frame from them`);
          break;
        }
        throwIfAborted(abort.signal);
        const t0 = performance.now();
        await instance.impl.write(inputs);
        collectFrames();
        addBusy(node.id, performance.now() - t0);
        if (gate && route?.kind === 'stages') gate.frameWritten(node.id);
        count++;
        if (++sunk % sinkCount === 0 && options.onProgress) {
          const elapsedS = (performance.now() - started) / 1000;
          const frames = sunk / sinkCount;
          options.onProgress({ frames, total, elapsedS, fps: frames / Math.max(elapsedS, 1e-6), live: liveCounts() });
        }
      }
    }
    counts.set(node.id, count);
  };

  let firstError: unknown;
  const onAbort = () => {
    for (const channel of all) channel.fail(abort.signal.reason);
    gate?.fail(abort.signal.reason);
  };
  abort.signal.addEventListener('abort', onAbort, { once: true });
  await Promise.all(
    [...instances.values()].map((instance) =>
      loop(instance).catch((error) => {
        firstError ??= error;
        if (!abort.signal.aborted) abort.abort(error);
      }),
    ),
  );
  abort.signal.removeEventListener('abort', onAbort);
  if (firstError !== undefined) throw abort.signal.reason ?? firstError;

  const entered = sources.reduce((sum, s) => sum + (counts.get(s.id) ?? 0), 0);
  for (const node of graph.nodes) {
    if (node.plugin.role === 'sink' && sources.length === 1 && counts.get(node.id) !== entered) {
      throw new KindPipeError('accounting', `${entered} frames entered but sink '${node.id}' received ${counts.get(node.id) ?? 0}`);
    }
  }
  const outputs: string[] = [];
  const records: RunResult['records'] = {};
  for (const instance of instances.values()) {
    if (instance.role !== 'sink') continue;
    const output = await instance.impl.finish();
    outputs.push(output);
    const record = instance.impl.provenance?.();
    if (record) records[instance.node.id] = { output, ...record };
  }
  const frames = entered;
  const msPerFrame: Record<string, number> = {};
  for (const [id, ms] of busyMs) msPerFrame[id] = frames > 0 ? ms / frames : 0;
  return { frames, outputs, records, elapsedS: (performance.now() - started) / 1000, msPerFrame, live: liveCounts() };
}

/**
 * The flow gate of the graph's live source, if it has one. `passthrough` hands the camera's frame
 * to every sink input, so each must take exactly what the source gives (no stage may change the
 * size or the kind of the frames on the way).
 */
function liveGate(graph: BuiltGraph, instances: Map<string, Instance>, caps: Map<string, Record<string, Caps>>): FlowGate | undefined {
  const live = [...instances.values()].filter((i) => i.role === 'source' && i.impl.live);
  if (live.length === 0) return undefined;
  const sources = graph.nodes.filter((n) => n.plugin.role === 'source');
  const source = live[0];
  if (source.role !== 'source' || !source.impl.live) return undefined;
  if (sources.length > 1) {
    throw new KindPipeError('config', `${graph.file}: node '${source.node.id}' is a live source with a flow policy, which needs it to be the graph's only source (found ${sources.map((s) => s.id).join(', ')}). Fix: run one pipeline per camera`);
  }
  const flow = source.impl.live.flow;
  const sinks = graph.nodes.filter((n) => n.plugin.role === 'sink');
  if (flow.policy === 'passthrough') {
    const given = Object.values(caps.get(source.node.id)!);
    if (given.length !== 1) throw new KindPipeError('config', `node '${source.node.id}': flow: passthrough needs a source with one output, it has ${given.length}`);
    for (const sink of sinks) {
      for (const [port, wants] of Object.entries(inputCapsOf(sink, caps))) {
        if (wants.kind !== given[0].kind || wants.width !== given[0].width || wants.height !== given[0].height) {
          throw new KindPipeError(
            'caps',
            `${graph.file}: node '${source.node.id}' has flow: passthrough, which writes camera frames (${describeCaps(given[0])}) straight to sink '${sink.id}', ` +
              `but its input '${port}' gets ${describeCaps(wants)} from the stages. Fix: use flow: drop-oldest or block, or keep the size through the stages`,
          );
        }
      }
    }
  }
  return new FlowGate(flow, sinks.map((s) => s.id));
}

/** A camera frame routed around the stages, on every input port of a sink. */
function bypassInputs(node: BuiltNode, frames: FrameSet): FrameSet {
  const frame = Object.values(frames)[0];
  return Object.fromEntries(Object.keys(node.inputs).map((port) => [port, frame]));
}

/** The source's next frame, or the end of its stream as soon as `finish` fires (a pending frame is left unread). */
function untilFinished<T>(next: Promise<IteratorResult<T>>, finish: AbortSignal): Promise<IteratorResult<T>> {
  const end: IteratorResult<T> = { done: true, value: undefined };
  if (finish.aborted) {
    next.catch(() => undefined);
    return Promise.resolve(end);
  }
  return new Promise((resolve, reject) => {
    const onFinish = () => {
      next.catch(() => undefined);
      resolve(end);
    };
    finish.addEventListener('abort', onFinish, { once: true });
    next.then(
      (result) => {
        finish.removeEventListener('abort', onFinish);
        resolve(result);
      },
      (error: unknown) => {
        finish.removeEventListener('abort', onFinish);
        reject(error);
      },
    );
  });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

