import type { Caps } from '../caps.js';
import { DisposableStore } from '../disposable.js';
import { KindPipeError } from '../errors.js';
import { prefixedLogger, type Logger } from '../logger.js';
import type { Sink, Stage, StageContext } from '../stage/plugin.js';
import type { BuiltGraph, BuiltNode } from './built-graph.js';
import type { Instance } from './instance.js';
import { inputCapsOf, negotiate } from './negotiate.js';
import type { Progress, RunResult } from './progress.js';
import { streamFrames } from './stream.js';
import { throwIfAborted } from './task-context.js';

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

/**
 * Runs a built graph: creates every node's instance, negotiates caps (negotiate.ts), starts
 * stages (model loading happens there) and sinks, then streams frames (stream.ts: one task per
 * node, source-task / stage-task / sink-task over the channels of wiring.ts) and lets sinks
 * linger. Every frame that enters must leave through every sink that depends on its source, or
 * the run fails naming where frames went missing (accounting.ts). A live source (`Source.live`)
 * is read eagerly through a FlowGate (flow-gate.ts) that limits the frames in flight per its
 * policy. On failure or stop, sinks that had not finished are aborted (no partial output), and
 * every resource is released.
 *
 * ```ts
 * const result = await runGraph(buildGraph(spec, plugins, services), { log, get: services.get });
 * ```
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

    const result = await streamFrames(graph, instances, caps, abort, options, started);
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
