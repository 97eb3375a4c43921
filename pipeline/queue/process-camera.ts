import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { cancelReason } from './cancel-flag.js';
import type { CameraJobData } from './job-data.js';
import { countVideoFrames } from '../../core/media/probe.js';
import { pipelineOnThisMachine } from './pipeline-file.js';
import { runChild } from './run-child.js';

/** A recorded piece's name: the output's stem, the piece's UTC start, a counter. */
export function piecePath(output: string, start: Date, n: number): string {
  const stamp = start.toISOString().replace(/[:.]/g, '-');
  return join(dirname(output), `${basename(output, extname(output))}-${stamp}-${String(n).padStart(5, '0')}${extname(output)}`);
}

/**
 * Records a camera for as long as its job is not cancelled: one `kind-pipe run` per piece of
 * `pieceFrames` frames, each a complete file, so a worker that dies loses only the piece in
 * progress (its partial file is removed) and the next worker starts a new piece. Progress holds
 * the pieces written and the last one's name.
 */
export function cameraProcessor(redis: Redis, log: (line: string) => void, shutdown: AbortSignal) {
  return async (job: Job<CameraJobData, { pieces: number }>, token?: string): Promise<{ pieces: number }> => {
    const data = job.data;
    const scratch = join(dirname(data.output), `.${basename(data.output)}.kind-pipe-${job.id}`);
    mkdirSync(scratch, { recursive: true });
    const file = pipelineOnThisMachine(data.pipeline, scratch);
    let pieces = 0;
    for (;;) {
      const cancelled = await cancelReason(redis, job.id!);
      if (cancelled) {
        log(`${job.id}: ${cancelled}; ${pieces} pieces recorded by this worker`);
        return { pieces };
      }
      if (shutdown.aborted) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const stop = new AbortController();
      const poll = setInterval(() => {
        cancelReason(redis, job.id!).then((why) => why && stop.abort(), () => undefined);
      }, 1000);
      const onShutdown = () => stop.abort();
      shutdown.addEventListener('abort', onShutdown, { once: true });
      const path = piecePath(data.output, new Date(), pieces);
      log(`${job.id}: recording ${path}`);
      try {
        const sets = [...data.sets, `${data.sourceNode}.url=${data.url}`, `${data.sourceNode}.frames=${data.pieceFrames}`, `${data.sinkNode}.path=${path}`];
        const outcome = await runChild(file, sets, data.cwd, () => undefined, stop.signal);
        // Stopped before the camera's first frame, a live run completes an empty file: not a piece.
        if (existsSync(path) && (await countVideoFrames(path).catch(() => 0)) === 0) rmSync(path, { force: true });
        if (stop.signal.aborted) continue; // cancelled or shutting down: the loop's top decides
        if (outcome.code === 2) throw new UnrecoverableError(`[exit 2] ${outcome.message}`);
        if (outcome.code !== 0) throw new Error(`[exit ${outcome.code}] ${outcome.message}`); // retried with backoff: the camera may come back
        pieces++;
        await job.updateProgress({ pieces, last: path, at: new Date().toISOString() });
      } finally {
        clearInterval(poll);
        shutdown.removeEventListener('abort', onShutdown);
      }
    }
  };
}
