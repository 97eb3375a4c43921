import type { Caps } from '../caps.js';
import type { BuiltGraph } from './built-graph.js';
import { Accounting } from './accounting.js';
import type { Instance } from './instance.js';
import { liveFlow } from './live-flow.js';
import type { Progress, RunResult } from './progress.js';
import { ProgressMeter } from './progress-meter.js';
import { runSink } from './sink-task.js';
import { runSource } from './source-task.js';
import { runStage } from './stage-task.js';
import type { TaskContext } from './task-context.js';
import { Wiring } from './wiring.js';

/**
 * Streams frames through a negotiated, started graph: one async task per node over bounded
 * channels, so that decode, inference and encode overlap. The first task to fail aborts the
 * others; the run then fails with the abort's reason (a stop by the user wins over the errors it
 * caused), else that first error. Once every task ended, the accounting is checked and the sinks
 * finish, in graph order.
 */
export async function streamFrames(
  graph: BuiltGraph,
  instances: Map<string, Instance>,
  caps: Map<string, Record<string, Caps>>,
  abort: AbortController,
  options: { finish?: AbortSignal; onProgress?(progress: Progress): void },
  started: number,
): Promise<RunResult> {
  const sources = graph.nodes.filter((n) => n.plugin.role === 'source');
  const total = sources.length === 1 ? Object.values(caps.get(sources[0].id)!)[0]?.stream.frameCount : undefined;
  const sinkCount = graph.nodes.filter((n) => n.plugin.role === 'sink').length;
  const live = liveFlow(graph, instances, caps);
  const liveCounts = () => live?.counts();
  const ctx: TaskContext = {
    wiring: new Wiring(graph),
    accounting: new Accounting(graph),
    progress: new ProgressMeter(sinkCount, total, started, liveCounts, options.onProgress),
    signal: abort.signal,
    gate: live?.gate,
    finish: options.finish,
  };
  const task = (instance: Instance): Promise<void> =>
    instance.role === 'source'
      ? runSource(instance.node, instance.impl, ctx)
      : instance.role === 'stage'
        ? runStage(instance.node, instance.impl, ctx)
        : runSink(instance.node, instance.impl, ctx);

  let firstError: unknown;
  const onAbort = () => {
    ctx.wiring.fail(abort.signal.reason);
    live?.gate.fail(abort.signal.reason);
  };
  abort.signal.addEventListener('abort', onAbort, { once: true });
  await Promise.all(
    [...instances.values()].map((instance) =>
      task(instance).catch((error) => {
        firstError ??= error;
        if (!abort.signal.aborted) abort.abort(error);
      }),
    ),
  );
  abort.signal.removeEventListener('abort', onAbort);
  if (firstError !== undefined) throw abort.signal.reason ?? firstError;

  ctx.accounting.check();
  const outputs: string[] = [];
  const records: RunResult['records'] = {};
  for (const instance of instances.values()) {
    if (instance.role !== 'sink') continue;
    const output = await instance.impl.finish();
    outputs.push(output);
    const record = instance.impl.provenance?.();
    if (record) records[instance.node.id] = { output, ...record };
  }
  const frames = ctx.accounting.entered;
  return { frames, outputs, records, elapsedS: (performance.now() - started) / 1000, msPerFrame: ctx.accounting.msPerFrame(), live: liveCounts() };
}
