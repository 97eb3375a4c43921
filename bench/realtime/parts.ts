import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Clip } from './clips.js';
import { median, type ClipSpeed } from './speed.js';
import { timed } from './timed.js';

/** CPU per frame of each part of kind-fast's run, and the frame rates that CPU allows. */
export interface PartCosts {
  /** ffmpeg decoding to rgb24 alone, user+sys ms/frame. */
  decodeMs: number;
  /** ffmpeg x264 ultrafast crf 23 from rgb24 frames alone, user+sys ms/frame. */
  encodeMs: number;
  /** The pipeline's own enhance ms/frame (its done line; on the main thread, one inference thread). */
  enhanceMs: number;
  /** The whole kind-pipe process with its ffmpeg children, user+sys ms/frame (GNU time). */
  pipelineMs: number;
  /** What the node process itself spends: pipelineMs − decodeMs − encodeMs (enhance, pipes, JS). */
  nodeMs: number;
  cores: number;
  /** cores × 1000 / (decode + enhance + encode): the rate if every core were kept busy. */
  ceilingFps: number;
  /** The same from the pipeline's measured total CPU. */
  pipelineCeilingFps: number;
  /** 1000 / enhance: enhance runs on one thread, so frames cannot pass it faster. */
  enhanceLimitFps: number;
}

/**
 * Decode alone (rgb24 to a raw file: the same copy the pipeline's decoder makes into its pipe),
 * then encode alone from that file, each under GNU time; enhance from kind-fast's done lines.
 */
export async function partCosts(clip: Clip, frames: number, speed: ClipSpeed, work: string): Promise<PartCosts> {
  const raw = join(work, 'frames.rgb');
  const decode = await timed('ffmpeg', ['-v', 'error', '-nostdin', '-i', clip.file, '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', raw]);
  const encode = await timed('ffmpeg', ['-v', 'error', '-nostdin', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${clip.width}x${clip.height}`, '-r', String(clip.fps), '-i', raw, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p', '-y', join(work, 'encode-alone.mp4')]);
  rmSync(raw, { force: true });
  const perFrame = (cpuS: number) => (1000 * cpuS) / frames;
  const decodeMs = perFrame(decode.userS + decode.sysS);
  const encodeMs = perFrame(encode.userS + encode.sysS);
  const enhanceMs = median(speed.doneLines.map((d) => d.msPerFrame.enhance));
  const pipelineMs = speed.runs['kind-fast'].cpuMsPerFrame;
  const cores = availableParallelism();
  return {
    decodeMs,
    encodeMs,
    enhanceMs,
    pipelineMs,
    nodeMs: pipelineMs - decodeMs - encodeMs,
    cores,
    ceilingFps: (cores * 1000) / (decodeMs + enhanceMs + encodeMs),
    pipelineCeilingFps: (cores * 1000) / pipelineMs,
    enhanceLimitFps: 1000 / enhanceMs,
  };
}
