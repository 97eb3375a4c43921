import { Job, type Queue } from 'bullmq';
import { KindPipeError } from '../../core/errors.js';
import type { Reporter } from '../cli/reporter.js';
import { kindForExitCode, splitReason } from './exit-kind.js';
import type { FileJobData, SegmentProgress } from './job-data.js';
import { segmentJobId } from './names.js';
import type { FileResult } from './process-file.js';

/**
 * `submit --wait`: one progress bar over the whole file (the frames every segment has written),
 * until the file job completes (its result) or fails (its segment's message, as a KindPipeError
 * of the kind a local run would have failed with).
 */
export async function waitForFile(files: Queue, segments: Queue, jobId: string, reporter: Reporter, signal: AbortSignal): Promise<FileResult> {
  const started = performance.now();
  for (;;) {
    const job = await patiently(Job.fromId<FileJobData, FileResult>(files, jobId), jobId, reporter);
    if (!job) throw new KindPipeError('plugin', `job ${jobId} is no longer in Redis (was Redis restarted without persistence, or the job removed?). Fix: run Redis with appendonly yes (docs/scale-out.md) and submit again`);
    const state = await patiently(job.getState(), jobId, reporter);
    if (state === 'completed') {
      reporter.progress({ frames: job.data.totalFrames, total: job.data.totalFrames, fps: job.data.totalFrames / ((performance.now() - started) / 1000), elapsedS: (performance.now() - started) / 1000 });
      reporter.endProgress();
      return job.returnvalue;
    }
    if (state === 'failed') {
      reporter.endProgress();
      const { code, message } = splitReason(job.failedReason ?? 'failed');
      throw new KindPipeError(kindForExitCode(code), message);
    }
    if (signal.aborted) throw new KindPipeError('cancelled', `stopped waiting; job ${jobId} goes on (kind-pipe status ${jobId}, kind-pipe cancel ${jobId})`);
    let frames = 0;
    for (let i = 0; i < job.data.segments.length; i++) {
      const segment = await patiently(Job.fromId(segments, segmentJobId(jobId, i)), jobId, reporter);
      const progress = segment?.progress as Partial<SegmentProgress> | undefined;
      frames += typeof progress === 'object' && progress ? Number(progress.frames) || 0 : 0;
    }
    const elapsedS = (performance.now() - started) / 1000;
    reporter.progress({ frames: Math.min(frames, job.data.totalFrames - 1), total: job.data.totalFrames, fps: frames / elapsedS, elapsedS });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** How long --wait sits out a Redis that does not answer before it gives up (the job goes on). */
const outageLimitS = 600;

/** A Redis command that waits through an outage: says so after 5 s, gives up after outageLimitS. */
async function patiently<T>(command: Promise<T>, jobId: string, reporter: Reporter): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let waited = 0;
  const ticks = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      waited += 5;
      if (waited === 5) reporter.warn(`Redis does not answer; waiting for it (up to ${outageLimitS / 60} min)`);
      if (waited >= outageLimitS) reject(new KindPipeError('plugin', `Redis did not answer for ${outageLimitS} s; stopped waiting. Job ${jobId} goes on when Redis is back: kind-pipe status ${jobId}`));
    }, 5000);
  });
  try {
    const value = await Promise.race([command, ticks]);
    if (waited >= 5) reporter.info('Redis answers again');
    return value;
  } finally {
    clearInterval(timer);
  }
}
