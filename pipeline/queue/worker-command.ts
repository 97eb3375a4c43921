import { hostname } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { KindPipeError } from '../../core/errors.js';
import { parseCommandArgs } from '../cli/command-args.js';
import { exitCodes } from '../cli/exit-codes.js';
import { connectRedis, ensureReachable, redacted, redisTarget } from './connection.js';
import { cameraQueue, fileQueue, queuePrefix, segmentQueue } from './names.js';
import { cameraProcessor } from './process-camera.js';
import { fileProcessor } from './process-file.js';
import { segmentProcessor } from './process-segment.js';

export const workerUsage = `usage: kind-pipe worker --redis URL [--concurrency N] [--cameras N] [--lock-seconds S] [--redis-ca PEM]

Runs the jobs 'kind-pipe submit' queues: N segments at a time (default 1; each a 'kind-pipe run'
in its own process), joins finished files, and records up to --cameras cameras (default 1).
A job whose worker dies is taken over by another worker within about 1.5 × --lock-seconds
(default 30). SIGTERM/Ctrl-C hands the running jobs back to the queue and exits. See docs/scale-out.md.`;

/** `kind-pipe worker`: one BullMQ worker per queue, until SIGTERM/SIGINT. */
export async function runWorkerCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, { command: 'worker', usage: workerUsage, flags: ['--redis', '--redis-ca', '--concurrency', '--cameras', '--lock-seconds'] });
  if (args.help) {
    process.stdout.write(`${workerUsage}\n`);
    return exitCodes.ok;
  }
  if (args.file) throw new KindPipeError('usage', `kind-pipe worker takes no pipeline file (the jobs carry theirs), got '${args.file}'\n\n${workerUsage}`);
  const target = redisTarget(args.values, 'worker');
  const concurrency = count(args.values['--concurrency'] ?? '1', '--concurrency', 1);
  const cameras = count(args.values['--cameras'] ?? '1', '--cameras', 0);
  const lockSeconds = Number(args.values['--lock-seconds'] ?? '30');
  if (!(lockSeconds >= 1)) throw new KindPipeError('usage', `--lock-seconds ${args.values['--lock-seconds']}: give 1 or more seconds`);
  const name = `${hostname()}:${process.pid}`;
  const log = (line: string) => process.stderr.write(`[kind-pipe worker ${name}] ${line}\n`);

  const redis = connectRedis(target, 'wait');
  await ensureReachable(redis, target);
  const shutdown = new AbortController();
  const lock = { lockDuration: lockSeconds * 1000, stalledInterval: (lockSeconds * 1000) / 2 };
  const common = { connection: redis, prefix: queuePrefix, ...lock };
  const segmentsQueue = new Queue(segmentQueue, { connection: redis, prefix: queuePrefix });
  const workers = [
    new Worker(segmentQueue, segmentProcessor(redis, log, shutdown.signal), { ...common, concurrency, maxStalledCount: 5 }),
    new Worker(fileQueue, fileProcessor(redis, segmentsQueue, log), { ...common, concurrency: 1, maxStalledCount: 5 }),
    ...(cameras > 0 ? [new Worker(cameraQueue, cameraProcessor(redis, log, shutdown.signal), { ...common, concurrency: cameras, maxStalledCount: 1_000_000 })] : []),
  ];
  let lastError = '';
  for (const worker of workers) {
    worker.on('error', (error) => {
      if (error.message !== lastError) log(`Redis: ${(lastError = error.message)} (retrying)`); // a restart shows once, not per command
    });
    worker.on('ready', () => {
      if (lastError) log(`Redis: connected again`);
      lastError = '';
    });
    worker.on('failed', (job, error) => job && log(`${job.id}: ${job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError' ? 'failed' : 'will retry'}: ${error.message.split('\n')[0]}`));
  }
  log(`ready: ${redacted(target.url)}, ${concurrency} segment${concurrency === 1 ? '' : 's'} at a time, ${cameras} camera${cameras === 1 ? '' : 's'}, lock ${lockSeconds} s`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (shutdown.signal.aborted) process.exit(exitCodes.interrupted);
      log(`${signal}: handing running jobs back to the queue`);
      shutdown.abort();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await Promise.all(workers.map((w) => w.close()));
  await segmentsQueue.close();
  redis.disconnect();
  return exitCodes.ok;
}

function count(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new KindPipeError('usage', `${flag} ${text}: give a whole number, ${min} or more`);
  return value;
}
