import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import type { FileJobData, SegmentResult } from './job-data.js';
import { hashFile } from '../../core/util/hash.js';
import { chainOf, frameChainMethod, frameHashes } from '../provenance/frame-chain.js';

/** A joined output's manifest: `kind-pipe verify` checks its hashes and frame chain (docs/provenance.md). */
export const distributedFormat = 'kind-pipe-distributed/1';

/** Where a joined output's manifest goes: beside it. */
export function manifestPath(output: string): string {
  return `${output}.provenance.json`;
}

/**
 * Writes the record of a distributed run beside its output: the input and output with their
 * sha256, the pipeline text and `--set`s every segment ran, each segment (its frames, warm-up,
 * worker, times, file hash) and the exact join command. Written under a temp name and renamed.
 */
export async function writeManifest(jobId: string, data: FileJobData, results: readonly SegmentResult[], joinArgs: readonly string[], ffmpeg: string): Promise<string> {
  const manifest = {
    format: distributedFormat,
    kindPipe: JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version as string,
    job: jobId,
    createdAt: new Date().toISOString(),
    joinedBy: `${hostname()}:${process.pid}`,
    submittedAt: data.submittedAt,
    submittedBy: data.submittedBy,
    input: { path: data.input, sha256: await hashFile(data.input), frames: data.totalFrames, fps: data.fps },
    output: {
      path: data.output,
      sha256: await hashFile(data.output),
      frames: results.reduce((sum, r) => sum + r.frames, 0),
      frameChain: { ...chainOf(await frameHashes(data.output)), method: frameChainMethod }, // what kind-pipe verify --deep checks
    },
    pipeline: { path: data.pipeline.path, sha256: data.pipeline.sha256, sets: data.sets, text: data.pipeline.text },
    warmupFrames: data.warmup,
    segmentSeconds: data.segmentSeconds,
    segments: results.map((r) => {
      const plan = data.segments[r.index];
      return { index: r.index, firstFrame: plan.first, frames: r.frames, warmupFrames: plan.warmup, seekS: plan.seekS, sha256: r.sha256, worker: r.worker, startedAt: r.startedAt, finishedAt: r.finishedAt, elapsedS: r.elapsedS };
    }),
    ffmpeg,
    join: ['ffmpeg', ...joinArgs],
  };
  const path = manifestPath(data.output);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(temp, path);
  return path;
}
