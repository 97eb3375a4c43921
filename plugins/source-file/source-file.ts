/**
 * source.file — decodes a video file with ffmpeg into rgb24 frames.
 *
 * Rotation metadata is applied (frames come out upright, size swapped for 90°/270°); odd sizes
 * are kept; a variable-frame-rate file is decoded frame by frame (no duplicates, no drops) and
 * its average rate is what the sink encodes at, so count and duration stay the same.
 *
 * ```yaml
 * - id: decode
 *   plugin: source.file
 *   options: { path: night.mp4 }
 * ```
 */
import { existsSync, statSync } from 'node:fs';
import type { FrameSet } from '../../core/frame.js';
import { FramePool } from '../../core/frame-pool.js';
import { probeVideo } from '../../core/media/probe.js';
import { readFrames } from '../../core/media/raw-frames.js';
import { ffmpegFile, ffmpegPath, startTool, type Tool } from '../../core/media/tool.js';
import { KindPipeError } from '../../core/errors.js';
import type { Caps } from '../../core/caps.js';
import { defineSource } from '../../core/stage/plugin.js';

export const sourceFile = defineSource({
  role: 'source',
  id: 'source.file',
  description: 'Decode a video file (anything ffmpeg reads) into rgb24 frames',
  options: {
    path: { type: 'path', description: 'video file to read' },
    start: { type: 'number', description: 'seconds to skip at the start', default: 0, min: 0 },
    frames: { type: 'integer', description: 'stop after this many frames (0 = all)', default: 0, min: 0 },
    threads: { type: 'integer', description: "decoder threads (0 = ffmpeg's choice, one per core and more). 1 where the rest of the pipeline keeps the cores busy: frame threads cost CPU to hand work over", default: 0, min: 0, max: 64 },
  },
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'decoded frames, rgb24, upright' }],
  example: 'plugin: source.file\noptions: { path: night.mp4 }',
  check(options) {
    const path = options.path;
    if (!existsSync(path)) return [{ option: 'path', kind: 'input', message: `input file ${path} does not exist. Fix: check the path (relative paths are from the current folder)` }];
    if (!statSync(path).isFile()) return [{ option: 'path', kind: 'input', message: `input ${path} is ${statSync(path).isDirectory() ? 'a folder' : 'not a file'}. Fix: give a video file (a folder of images runs with source.images: pipelines/stills.yaml)` }];
    return [];
  },
  create(ctx) {
    const path = ctx.options.path;
    const start = ctx.options.start;
    const limit = ctx.options.frames;
    let decoder: Tool | undefined;
    let width = 0;
    let height = 0;
    let fps = 0;
    let expected: number | undefined;
    return {
      async open(): Promise<Record<string, Caps>> {
        // The decoder starts beside the probe, so that its startup overlaps the probe's and the
        // other nodes' (#18); its first frames wait in the pipe until frames() reads them.
        decoder = startTool(ffmpegPath, decoderArgs(path, start, limit, ctx.options.threads));
        // Node discards a child's unread stdout once the child exits: a 'readable' listener keeps a
        // short clip's frames, all decoded before frames() reads, until it does.
        decoder.child.stdout!.on('readable', () => undefined);
        const probe = await probeVideo(path);
        ({ width, height, fps } = probe);
        if (!['progressive', 'unknown'].includes(probe.fieldOrder)) {
          ctx.log.warn(`${path} is interlaced (field order ${probe.fieldOrder}): moving edges will show combing. Fix: add a node before the enhancement with plugin: ffmpeg.filter, options: { graph: yadif }`);
        }
        if (probe.variableFrameRate) ctx.log.info(`${path} has a variable frame rate; encoding at its average ${fps.toFixed(3)} fps keeps count and duration`);
        if (start > 0 && probe.durationS > 0 && start >= probe.durationS) {
          throw new KindPipeError('config', `node '${ctx.nodeId}' (source.file): start ${start} s is at or after the end of ${path} (${probe.durationS.toFixed(2)} s long). Fix: set start below ${probe.durationS.toFixed(2)}`);
        }
        let frameCount = probe.frameCount ?? (Math.round(probe.durationS * fps) || undefined);
        if (frameCount !== undefined && start > 0) frameCount = Math.max(0, Math.round(frameCount - start * fps));
        if (limit > 0) frameCount = Math.min(frameCount ?? limit, limit);
        expected = frameCount;
        return {
          video: {
            kind: 'video',
            format: 'rgb24',
            width,
            height,
            stream: { fps, frameCount, origin: path, audioFrom: probe.hasAudio && start === 0 && limit === 0 ? path : undefined },
          },
        };
      },
      async *frames(): AsyncGenerator<FrameSet> {
        const tool = decoder!; // started by open()
        const frameBytes = width * height * 3;
        // Frames on reference-counted slabs, reused once every consumer is done with them (the
        // scheduler releases the source's own reference after handing a frame on): no garbage
        // per frame (2.8 MB at 1280×720, #18).
        const pool = new FramePool();
        let index = 0;
        try {
          for await (const data of readFrames(tool.child.stdout!, frameBytes, (bytes) => pool.acquire(Uint8Array, bytes))) {
            yield { video: { index, pts: index / fps, width, height, channels: 3, data } };
            index++;
          }
        } catch (error) {
          throw new KindPipeError('input', `decoding ${path} failed at frame ${index}: ${(error as Error).message}\n    ${tool.stderrTail()}`);
        }
        const code = await tool.exited;
        if (code !== 0) throw new KindPipeError('input', `ffmpeg could not decode ${path} (exit ${code}) after ${index} frames:\n    ${tool.stderrTail()}`);
        if (index === 0) throw new KindPipeError('input', `${path} decoded to zero frames. Fix: check that the file has video`);
        // A cut-off file (a recorder that lost power) decodes without an error, just short.
        if (expected !== undefined && index < expected * 0.98 - 1) {
          ctx.log.warn(`${path}: decoded ${index} of the ${expected} frames its header announces; the file looks truncated, and the output holds the ${index} that could be read`);
        }
      },
      dispose() {
        if (decoder && decoder.child.exitCode === null) decoder.child.kill('SIGKILL');
      },
    };
  },
});

function decoderArgs(path: string, start: number, limit: number, threads: number): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (threads > 0) args.push('-threads', String(threads));
  if (start > 0) args.push('-ss', String(start));
  args.push('-i', ffmpegFile(path), '-map', '0:v:0', '-fps_mode', 'passthrough', '-an', '-sn');
  if (limit > 0) args.push('-frames:v', String(limit));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  return args;
}
