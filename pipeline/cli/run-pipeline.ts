import { KindPipeError } from '../../core/errors.js';
import type { BuiltGraph } from '../../core/graph/built-graph.js';
import type { RunResult } from '../../core/graph/progress.js';
import { ModelRuntime } from '../../core/model.js';
import { runGraph } from '../../core/graph/scheduler.js';
import { createProgressFeed, ProgressFeed } from '../../core/progress-feed.js';
import { runServices } from '../../core/run-services.js';
import type { Services } from '../../core/stage/plugin.js';
import type { ExternalPlugins } from '../plugin-host/external-plugins.js';
import { WorkerStage } from '../worker/worker-stage.js';
import { exitCodes } from './exit-codes.js';
import { liveText, type LogFormat, type Reporter } from './reporter.js';

/** Seconds a stopped run (SIGTERM, Ctrl-C) may take to remove its partial output before it quits anyway. */
export const stopDeadlineS = 15;

/**
 * Runs a built graph as `kind-pipe run` and `kind-pipe filter` do: heavy stages on worker threads,
 * progress and the closing summary on stderr (a bar, or JSON lines with `--log json`), Ctrl-C or
 * SIGTERM stops cleanly (a second Ctrl-C quits at once). Writes nothing on stdout.
 */
export async function runPipeline(
  graph: BuiltGraph,
  file: string,
  services: Services,
  reporter: Reporter,
  log: LogFormat,
  external?: Pick<ExternalPlugins, 'createWorkerStage'>,
): Promise<RunResult> {
  const stop = new AbortController();
  const finish = new AbortController();
  // A camera never ends by itself: the first Ctrl-C ends its stream and completes the output.
  const live = graph.nodes.some((n) => n.plugin.role === 'source' && n.plugin.live);
  let interrupts = 0;
  let lingering = false; // every output is complete; a preview stays up (Sink.linger)
  let hardStop: NodeJS.Timeout | undefined;
  /** A stop that a stuck stage keeps from finishing still ends the process (#17): see stopDeadlineS. */
  const armHardStop = () => {
    hardStop ??= setTimeout(() => {
      reporter.warn(`the run did not stop within ${stopDeadlineS} s (a stage does not return); quitting. A hidden partial file is removed by the next run of the same output`);
      process.exit(exitCodes.interrupted);
    }, stopDeadlineS * 1000);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (lingering) {
      if (stop.signal.aborted) process.exit(exitCodes.interrupted);
      reporter.warn(`${signal}: closing the preview; the outputs are complete`);
      stop.abort(new KindPipeError('cancelled', `stopped by ${signal}`));
      return;
    }
    if (live && ++interrupts === 1) {
      reporter.warn(`${signal}: finishing: no more camera frames; the frames in flight are written and the output completed (press Ctrl-C again to stop and remove it)`);
      finish.abort();
      return;
    }
    if (++interrupts > (live ? 3 : 1)) process.exit(exitCodes.interrupted);
    reporter.warn(`${signal}: stopping; removing partial output (press Ctrl-C again to quit at once)`);
    armHardStop();
    stop.abort(new KindPipeError('cancelled', `stopped by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A node with a `model` option on this thread loads a network: the runtime's native library
  // (~0.15 s) then loads while the source's probe runs, not after it (#18).
  if (graph.nodes.some((n) => !n.worker && 'model' in n.plugin.options)) services.get<ModelRuntime>(ModelRuntime).prepare?.();
  reporter.event('start', { pipeline: file, nodes: graph.nodes.map((n) => n.id) });
  const progressFeed = createProgressFeed(); // the run's counters, for plugins that show them (sink.preview)
  const runs = runServices(services, [[ProgressFeed, progressFeed]]);
  let result: RunResult;
  try {
    result = await runGraph(graph, {
      log: reporter,
      signal: stop.signal,
      finish: finish.signal,
      get: runs.get,
      onProgress: (p) => {
        reporter.progress(p);
        progressFeed.publish(p);
      },
      onLinger: () => (lingering = true),
      createWorkerStage: (node, ctx) => external?.createWorkerStage(node, ctx) ?? new WorkerStage(node, ctx),
      onNegotiated: (caps) => {
        for (const node of graph.nodes) {
          for (const [port, c] of Object.entries(caps.get(node.id) ?? {})) reporter.debug(`${node.id}.${port}: ${c.kind} ${c.width}×${c.height}`);
        }
      },
    });
  } finally {
    clearTimeout(hardStop);
  }
  reporter.endProgress();
  const perStage = Object.entries(result.msPerFrame).map(([id, ms]) => `${id} ${ms.toFixed(1)}`).join(', ');
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  reporter.event('done', { frames: result.frames, outputs: result.outputs, elapsed_s: result.elapsedS, ms_per_frame: result.msPerFrame, peak_rss_mb: peakRssMb, ...(result.live && { live: result.live }) });
  if (log === 'text') {
    process.stderr.write(`done: ${result.frames} frames in ${result.elapsedS.toFixed(1)} s (${(result.frames / result.elapsedS).toFixed(2)} fps), peak RSS ${peakRssMb} MB; ms/frame: ${perStage}\n`);
    if (result.live) process.stderr.write(`live: ${liveText(result.live)}\n`);
  }
  return result;
}
