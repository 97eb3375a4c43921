import { rmSync } from 'node:fs';
import { Job, UnrecoverableError, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { cancelReason, markCancelled } from './cancel-flag.js';
import { splitReason } from './exit-kind.js';
import type { FileJobData, SegmentResult } from './job-data.js';
import { joinSegments } from './join-segments.js';
import { ffmpegVersion } from '../../core/media/tool.js';
import { writeManifest } from './manifest.js';
import { segmentJobId } from './names.js';

export interface FileResult {
  output: string;
  frames: number;
  manifest: string;
}

/**
 * Runs a file job once its segments have ended. All done: join them losslessly under the final
 * name, with the input's audio, verified, and write the manifest. A segment failed (or the job
 * was cancelled): stop the other segments, wait for them to let go of the job's folder, remove
 * it, and fail with the segment's own message; nothing is written under the final name.
 */
export function fileProcessor(redis: Redis, segments: Queue, log: (line: string) => void) {
  return async (job: Job<FileJobData, FileResult>): Promise<FileResult> => {
    const data = job.data;
    const failures = Object.values(await job.getIgnoredChildrenFailures());
    const cancelled = await cancelReason(redis, job.id!);
    if (failures.length > 0 || cancelled) {
      // A user's cancel (kind-pipe cancel: '[exit 130] …') is the cause even where a segment it
      // stopped reported its own failure on the way down (a killed encoder's broken pipe, under
      // load); otherwise the failing segment's message is.
      const byUser = cancelled && splitReason(cancelled).code === 130 ? cancelled : undefined;
      const reason = byUser ?? failures.find((f) => f !== cancelled) ?? cancelled ?? 'a segment failed';
      if (!cancelled) await markCancelled(redis, job.id!, `another segment of ${job.id} failed`);
      await untilNoSegmentActive(segments, job.id!, data.segments.length);
      rmSync(data.workDir, { recursive: true, force: true });
      log(`${job.id}: failed, ${data.output} not written: ${reason.split('\n')[0]}`);
      throw new UnrecoverableError(reason);
    }
    const results = Object.values(await job.getChildrenValues<SegmentResult>()).sort((a, b) => a.index - b.index);
    if (results.length !== data.segments.length || results.some((r, i) => r.index !== i)) {
      throw new UnrecoverableError(`[exit 1] ${job.id}: ${results.length} of ${data.segments.length} segments reported a result`);
    }
    await job.updateProgress({ stage: 'joining' });
    let joinArgs: string[];
    try {
      joinArgs = await joinSegments({ segments: results.map((r) => ({ path: r.path, frames: r.frames })), fps: data.fps, input: data.input, audio: data.audio, output: data.output, frames: data.totalFrames, workDir: data.workDir });
    } catch (error) {
      throw new Error(`[exit 4] ${(error as Error).message}`); // retried: the disk may have room again
    }
    const manifest = await writeManifest(job.id!, data, results, joinArgs, ffmpegVersion());
    rmSync(data.workDir, { recursive: true, force: true });
    log(`${job.id}: wrote ${data.output} (${data.totalFrames} frames from ${results.length} segments)`);
    return { output: data.output, frames: data.totalFrames, manifest };
  };
}

/** Waits (up to a minute) until no segment of the job is running, so its folder can go. */
async function untilNoSegmentActive(segments: Queue, fileJobId: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(Array.from({ length: count }, async (_, i) => (await Job.fromId(segments, segmentJobId(fileJobId, i)))?.getState()));
    if (!states.includes('active')) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
