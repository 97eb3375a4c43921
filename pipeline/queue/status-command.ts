import { Job, Queue } from 'bullmq';
import { KindPipeError } from '../../core/errors.js';
import { parseCommandArgs } from '../cli/command-args.js';
import { exitCodes } from '../cli/exit-codes.js';
import { markCancelled } from './cancel-flag.js';
import { connectRedis, ensureReachable, redisTarget } from './connection.js';
import { splitReason } from './exit-kind.js';
import type { CameraJobData, FileJobData, SegmentProgress } from './job-data.js';
import { cameraQueue, fileQueue, queuePrefix, segmentJobId, segmentQueue } from './names.js';

export const statusUsage = `usage: kind-pipe status [JOB] --redis URL [--json]
       kind-pipe cancel JOB --redis URL

status: every file and camera job (state, frames done, output), or one job with its segments.
cancel: stops a job: its running segments stop within a second, its folder is removed, nothing
is written under its output name; a camera's piece in progress is completed.`;

interface Row {
  job: string;
  kind: 'file' | 'camera';
  state: string;
  done: string;
  output: string;
  reason?: string;
}

/** `kind-pipe status [JOB]` and `kind-pipe cancel JOB`. */
export async function runStatusCommand(argv: string[], command: 'status' | 'cancel'): Promise<number> {
  const args = parseCommandArgs(argv, { command, usage: statusUsage, flags: ['--redis', '--redis-ca'], switches: ['--json'] });
  if (args.help) {
    process.stdout.write(`${statusUsage}\n`);
    return exitCodes.ok;
  }
  if (command === 'cancel' && !args.file) throw new KindPipeError('usage', `kind-pipe cancel needs a job id (kind-pipe status lists them)\n\n${statusUsage}`);
  const target = redisTarget(args.values, command);
  const redis = connectRedis(target, 'quiet');
  const queues = {
    file: new Queue(fileQueue, { connection: redis, prefix: queuePrefix }),
    segment: new Queue(segmentQueue, { connection: redis, prefix: queuePrefix }),
    camera: new Queue(cameraQueue, { connection: redis, prefix: queuePrefix }),
  };
  try {
    await ensureReachable(redis, target);
    if (command === 'cancel') {
      const job = (await Job.fromId(queues.file, args.file)) ?? (await Job.fromId(queues.camera, args.file));
      if (!job) throw new KindPipeError('usage', `no job '${args.file}' in Redis. Fix: kind-pipe status lists the jobs`);
      const state = await job.getState();
      if (state === 'completed' || state === 'failed') {
        process.stderr.write(`${args.file} has already ${state}; nothing to cancel\n`);
        return exitCodes.ok;
      }
      await markCancelled(redis, args.file, `[exit 130] cancelled by kind-pipe cancel ${args.file}`);
      process.stderr.write(`cancelling ${args.file}: its workers stop within about a second\n`);
      return exitCodes.ok;
    }
    if (args.file) {
      const text = await describeJob(queues, args.file, args.values['--json'] === 'true');
      process.stdout.write(text);
      return exitCodes.ok;
    }
    const rows: Row[] = [];
    const states = ['active', 'waiting', 'waiting-children', 'delayed', 'prioritized', 'completed', 'failed'] as const;
    for (const job of await queues.file.getJobs([...states], 0, 99)) rows.push(await fileRow(job as Job<FileJobData>, queues.segment));
    for (const job of await queues.camera.getJobs([...states], 0, 99)) rows.push(await cameraRow(job as Job<CameraJobData>));
    if (args.values['--json'] === 'true') process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else if (rows.length === 0) process.stdout.write('no jobs\n');
    else process.stdout.write(table(rows.map((r) => [r.job, r.kind, r.state, r.done, r.output + (r.reason ? `  (${r.reason})` : '')])));
    return exitCodes.ok;
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    redis.disconnect();
  }
}

async function fileRow(job: Job<FileJobData>, segments: Queue): Promise<Row> {
  const state = await job.getState();
  const frames = state === 'completed' ? job.data.totalFrames : await framesDone(job, segments);
  return {
    job: job.id!,
    kind: 'file',
    state: state === 'waiting-children' ? 'running' : state,
    done: `${frames}/${job.data.totalFrames} frames`,
    output: job.data.output,
    reason: job.failedReason ? splitReason(job.failedReason).message.split('\n')[0] : undefined,
  };
}

async function cameraRow(job: Job<CameraJobData>): Promise<Row> {
  const progress = job.progress as { pieces?: number } | number;
  return { job: job.id!, kind: 'camera', state: await job.getState(), done: `${typeof progress === 'object' ? progress.pieces ?? 0 : 0} pieces`, output: job.data.output, reason: job.failedReason };
}

async function framesDone(job: Job<FileJobData>, segments: Queue): Promise<number> {
  let frames = 0;
  for (let i = 0; i < job.data.segments.length; i++) {
    const progress = (await Job.fromId(segments, segmentJobId(job.id!, i)))?.progress as Partial<SegmentProgress> | undefined;
    frames += typeof progress === 'object' && progress ? Number(progress.frames) || 0 : 0;
  }
  return frames;
}

async function describeJob(queues: { file: Queue; segment: Queue; camera: Queue }, id: string, json: boolean): Promise<string> {
  const camera = await Job.fromId<CameraJobData>(queues.camera, id);
  if (camera) {
    const row = await cameraRow(camera);
    return json ? JSON.stringify({ ...row, progress: camera.progress }, null, 2) + '\n' : `${row.job}: camera ${camera.data.url.replace(/\/\/[^@/]*@/, '//***@')} → ${row.output}, ${row.state}, ${row.done}\n`;
  }
  const job = await Job.fromId<FileJobData>(queues.file, id);
  if (!job) throw new KindPipeError('usage', `no job '${id}' in Redis. Fix: kind-pipe status lists the jobs`);
  const row = await fileRow(job, queues.segment);
  const segments = [];
  for (const plan of job.data.segments) {
    const segment = await Job.fromId(queues.segment, segmentJobId(id, plan.index));
    const progress = segment?.progress as Partial<SegmentProgress> | undefined;
    segments.push({
      segment: plan.index,
      frames: `${plan.first}–${plan.first + plan.frames - 1}`,
      state: segment ? await segment.getState() : 'gone',
      done: `${typeof progress === 'object' && progress ? progress.frames ?? 0 : 0}/${plan.frames}`,
      attempts: segment?.attemptsMade ?? 0,
      reason: segment?.failedReason ? splitReason(segment.failedReason).message.split('\n')[0] : '',
    });
  }
  if (json) return JSON.stringify({ ...row, input: job.data.input, segments, result: job.returnvalue ?? null }, null, 2) + '\n';
  const head = `${row.job}: ${job.data.input} → ${row.output}\n  ${row.state}, ${row.done}, ${job.data.segments.length} segments, warm-up ${job.data.warmup} frames${row.reason ? `\n  failed: ${row.reason}` : ''}\n`;
  return head + table(segments.map((s) => [`  ${s.segment}`, s.frames, s.state, s.done, `tries ${s.attempts}`, s.reason]));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n') + '\n';
}
