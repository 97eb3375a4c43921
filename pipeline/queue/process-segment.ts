import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { cancelReason } from './cancel-flag.js';
import type { SegmentJobData, SegmentProgress, SegmentResult } from './job-data.js';
import { hashFile } from '../../core/util/hash.js';
import { pipelineOnThisMachine } from './pipeline-file.js';
import { runChild } from './run-child.js';

/** Exit codes of `kind-pipe run` that no retry can mend: a wrong pipeline or a bad input. */
const final = new Set([2, 3]);

/**
 * Runs one segment job: `kind-pipe run` on the segment's frames in a child process (run-child.ts),
 * progress into the job, the segment's file into the job's folder. A failure says `[exit N]`
 * and the run's own message, so the submitter can exit as a local run would; a wrong pipeline
 * or input fails at once, anything else is retried with backoff. A cancelled job stops within a
 * second; a worker shutting down hands the job back to the queue for another worker.
 */
export function segmentProcessor(redis: Redis, log: (line: string) => void, shutdown: AbortSignal) {
  return async (job: Job<SegmentJobData, SegmentResult>, token?: string): Promise<SegmentResult> => {
    const { segment, fileJobId } = job.data;
    const cancelled = await cancelReason(redis, fileJobId);
    if (cancelled) throw new UnrecoverableError(cancelled);
    mkdirSync(job.data.workDir, { recursive: true });
    const file = pipelineOnThisMachine(job.data.pipeline, job.data.workDir);
    const stop = new AbortController();
    let stoppedBy: { cancel: string } | 'shutdown' | undefined;
    const poll = setInterval(() => {
      cancelReason(redis, fileJobId).then(
        (why) => {
          if (why && !stoppedBy) (stoppedBy = { cancel: why }), stop.abort();
        },
        () => undefined, // Redis away for a moment: look again in a second
      );
    }, 1000);
    const onShutdown = () => {
      stoppedBy ??= 'shutdown';
      stop.abort();
    };
    shutdown.addEventListener('abort', onShutdown, { once: true });
    const startedAt = new Date();
    log(`${job.id}: frames ${segment.first}–${segment.first + segment.frames - 1} (+${segment.warmup} warm-up), attempt ${job.attemptsMade + 1}`);
    try {
      const outcome = await runChild(file, job.data.sets, job.data.cwd, (p) => {
        const progress: SegmentProgress = { frames: Math.max(0, p.frames - segment.warmup), total: segment.frames };
        job.updateProgress(progress as unknown as object).catch(() => undefined);
      }, stop.signal);
      if (stoppedBy === 'shutdown') {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (stoppedBy) throw new UnrecoverableError(stoppedBy.cancel);
      if (outcome.code !== 0) {
        const message = `[exit ${outcome.code}] ${outcome.message}`;
        log(`${job.id}: failed: ${message.split('\n')[0]}`);
        throw final.has(outcome.code) ? new UnrecoverableError(message) : new Error(message);
      }
      if (!existsSync(job.data.path)) throw new Error(`[exit 1] segment ${segment.index} reported success but ${job.data.path} is missing`);
      const finishedAt = new Date();
      const elapsedS = (finishedAt.getTime() - startedAt.getTime()) / 1000;
      log(`${job.id}: done, ${segment.frames} frames in ${elapsedS.toFixed(1)} s`);
      await job.updateProgress({ frames: segment.frames, total: segment.frames } as unknown as object).catch(() => undefined);
      return {
        index: segment.index,
        path: job.data.path,
        frames: segment.frames,
        sha256: await hashFile(job.data.path),
        worker: `${hostname()}:${process.pid}`,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        elapsedS,
      };
    } finally {
      clearInterval(poll);
      shutdown.removeEventListener('abort', onShutdown);
    }
  };
}
