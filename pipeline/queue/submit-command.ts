import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue } from 'bullmq';
import { KindPipeError } from '../../core/errors.js';
import { buildGraph } from '../../core/graph/builder.js';
import { pluginTable } from '../../core/plugin-table.js';
import type { Services } from '../../core/stage/plugin.js';
import { parseCommandArgs } from '../cli/command-args.js';
import { exitCodes } from '../cli/exit-codes.js';
import { Reporter } from '../cli/reporter.js';
import { createContainer } from '../container.js';
import { loadPipeline } from '../load.js';
import { loadExternalPlugins } from '../plugin-host/external-plugins.js';
import { submitCamera } from './submit-camera.js';
import { connectRedis, ensureReachable, redisTarget } from './connection.js';
import { fileQueue, queuePrefix, segmentJobId, segmentQueue } from './names.js';
import { pipelineCopy } from './pipeline-file.js';
import { retryOptions } from './retry.js';
import { planFileJob } from './submit-plan.js';
import { waitForFile } from './wait-for-file.js';

export const submitUsage = `usage: kind-pipe submit FILE --redis URL --set input=VIDEO --set output=OUT [--set KEY=VALUE]...
                        [--segment SECONDS] [--warmup FRAMES] [--wait] [--log text|json] [--redis-ca PEM]
       kind-pipe submit FILE --redis URL --camera RTSP-URL --set output=OUT [--piece SECONDS]

Cuts VIDEO at keyframes into segments of at least SECONDS (default 60), queues one job per
segment for 'kind-pipe worker' processes (on any machine that sees the same paths), and joins
their outputs without re-encoding into OUT, with VIDEO's audio and OUT.provenance.json. Each
segment first decodes the frames its temporal stages need (--warmup overrides the count the
pipeline's stages declare) and does not write them. Prints the job id; --wait shows one
progress bar and exits as 'kind-pipe run' would. --camera queues a long-running job that records
the camera in pieces of --piece seconds (default 300); another worker takes it over if its
worker dies. See docs/scale-out.md.`;

/** `kind-pipe submit`: checks the pipeline as `run` would, cuts the input, queues the flow. */
export async function runSubmitCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, { command: 'submit', usage: submitUsage, flags: ['--redis', '--redis-ca', '--segment', '--warmup', '--camera', '--piece'], switches: ['--wait'], log: true });
  if (args.help) {
    process.stdout.write(`${submitUsage}\n`);
    return exitCodes.ok;
  }
  if (!args.file) throw new KindPipeError('usage', `kind-pipe submit needs a pipeline file\n\n${submitUsage}`);
  const target = redisTarget(args.values, 'submit');
  const camera = args.values['--camera'];
  const sets = camera ? [...args.sets, `input=${camera}`] : args.sets;
  const reporter = new Reporter(args.log);
  const container = createContainer();
  const services: Services = { get: (token) => container.get(token) };
  const spec = loadPipeline(args.file, sets);
  const external = await loadExternalPlugins(spec, pluginTable(container), reporter);
  let graph;
  try {
    graph = buildGraph(spec, external.table, services); // the checks and messages of a local run, before anything is queued
  } finally {
    await external.dispose();
  }
  const pipeline = pipelineCopy(args.file);
  const redis = connectRedis(target, args.values['--wait'] ? 'wait' : 'quiet'); // --wait sits out a Redis restart
  try {
    await ensureReachable(redis, target);
    if (camera) {
      const id = await submitCamera(redis, graph, pipeline, sets, positiveNumber(args.values['--piece'] ?? '300', '--piece'));
      process.stdout.write(`${id}\n`);
      reporter.info(`queued camera job ${id}: records ${camera} until 'kind-pipe cancel ${id}'`);
      return exitCodes.ok;
    }
    const jobId = `kp-${randomBytes(5).toString('hex')}`;
    const segmentSeconds = positiveNumber(args.values['--segment'] ?? '60', '--segment');
    const warmup = args.values['--warmup'] === undefined ? undefined : nonNegativeInteger(args.values['--warmup'], '--warmup');
    const { file, segments } = await planFileJob(jobId, graph, pipeline, args.sets, { segmentSeconds, warmup });
    const flows = new FlowProducer({ connection: redis, prefix: queuePrefix });
    await flows.add({
      name: 'file',
      queueName: fileQueue,
      data: file,
      opts: { jobId, ...retryOptions },
      children: segments.map((data) => ({
        name: 'segment',
        queueName: segmentQueue,
        data,
        opts: { jobId: segmentJobId(jobId, data.segment.index), ...retryOptions, continueParentOnFailure: true },
      })),
    });
    await flows.close();
    process.stdout.write(`${jobId}\n`);
    reporter.info(`queued ${jobId}: ${file.totalFrames} frames of ${file.input} in ${segments.length} segment${segments.length === 1 ? '' : 's'} (warm-up ${file.warmup} frames) → ${file.output}`);
    reporter.event('submitted', { job: jobId, frames: file.totalFrames, segments: segments.length, warmup: file.warmup, output: file.output });
    if (!args.values['--wait']) return exitCodes.ok;
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const files = new Queue(fileQueue, { connection: redis, prefix: queuePrefix });
    const segmentsQueue = new Queue(segmentQueue, { connection: redis, prefix: queuePrefix });
    try {
      const result = await waitForFile(files, segmentsQueue, jobId, reporter, stop.signal);
      reporter.info(`${jobId}: ${result.frames} frames → ${result.output} (manifest ${result.manifest})`);
      process.stdout.write(`${result.output}\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await files.close();
      await segmentsQueue.close();
    }
    return exitCodes.ok;
  } finally {
    redis.disconnect();
  }
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new KindPipeError('usage', `${flag} ${text}: give a number of seconds above 0`);
  return value;
}

function nonNegativeInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new KindPipeError('usage', `${flag} ${text}: give a whole number of frames, 0 or more`);
  return value;
}
