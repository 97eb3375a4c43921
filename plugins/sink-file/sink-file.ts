/**
 * sink.file — encodes rgb24 frames with ffmpeg (H.264 or H.265), at the source's frame rate and
 * size, copying the source's audio. Writes to a hidden temp name beside the output and renames at
 * the end, so a failed or stopped run never leaves a half-written file under the final name.
 * Odd sizes cannot be 4:2:0, so they are encoded 4:4:4 unless `pix_fmt` says otherwise.
 *
 * ```yaml
 * - id: encode
 *   plugin: sink.file
 *   inputs: { video: fuse }
 *   options: { path: night-enhanced.mp4, codec: h264, crf: 20 }
 * ```
 */
import { accessSync, constants, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { asBytes } from '../../core/frame.js';
import { startFrameCounter, type FrameCounter } from '../../core/media/probe.js';
import { writeAll } from '../../core/media/raw-frames.js';
import { ffmpegFile, ffmpegPath, startTool, type Tool } from '../../core/media/tool.js';
import { defineSink } from '../../core/stage/plugin.js';

const containers = ['.mp4', '.mkv', '.mov', '.m4v', '.avi', '.ts'];

export const sinkFile = defineSink({
  role: 'sink',
  id: 'sink.file',
  description: 'Encode frames to a video file with ffmpeg, keeping fps, size and audio',
  options: {
    path: { type: 'path', description: 'output video file (.mp4, .mkv, .mov, .m4v, .avi, .ts)' },
    codec: { type: 'string', description: 'video codec', default: 'h264', enum: ['h264', 'h265'] },
    crf: { type: 'integer', description: 'constant rate factor: lower is better quality, bigger file', default: 20, min: 0, max: 51 },
    preset: {
      type: 'string',
      description: 'encoder speed/size trade-off',
      default: 'medium',
      enum: ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'],
    },
    pix_fmt: { type: 'string', description: 'encoded pixel format (auto: yuv420p, or yuv444p for odd sizes)', default: 'auto', enum: ['auto', 'yuv420p', 'yuv444p'] },
    audio: { type: 'string', description: "copy the source's audio, or drop it", default: 'copy', enum: ['copy', 'none'] },
    threads: { type: 'integer', description: 'encoder threads (0 = one per core). The count changes the encoded bits: provenance records it so kind-pipe verify --rerun can pin it', default: 0, min: 0, max: 64 },
    skip: { type: 'integer', description: 'leading frames received but not encoded: the warm-up of temporal stages before a segment (kind-pipe submit sets it)', default: 0, min: 0 },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video', fixedSize: true }, description: 'frames to encode' }],
  example: 'plugin: sink.file\ninputs: { video: fuse }\noptions: { path: out.mp4, crf: 20 }',
  check(options) {
    const path = resolve(options.path);
    const folder = dirname(path);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      return [{ option: 'path', kind: 'output', message: `output folder ${folder} does not exist. Fix: mkdir -p ${folder}, or choose another path` }];
    }
    if (existsSync(path) && statSync(path).isDirectory()) {
      return [{ option: 'path', kind: 'output', message: `output ${path} is an existing folder. Fix: name a file, e.g. ${join(path, 'enhanced.mp4')}` }];
    }
    if (!writable(folder)) return [{ option: 'path', kind: 'output', message: `output folder ${folder} is not writable. Fix: choose a folder you can write to, or change its permissions` }];
    if (!containers.includes(extname(path).toLowerCase())) {
      return [{ option: 'path', message: `output ${path} needs a video file extension. Fix: end it in one of ${containers.join(', ')}` }];
    }
    return [];
  },
  create(ctx) {
    const finalPath = resolve(ctx.options.path);
    const tempPath = join(dirname(finalPath), `.${basename(finalPath, extname(finalPath))}.partial-${process.pid}${extname(finalPath)}`);
    let encoder: Tool | undefined;
    let counter: FrameCounter | undefined; // checks the finished file (#17), started with the encoder (#18)
    let command: string[] = [];
    const threads = ctx.options.threads || availableParallelism();
    const skip = ctx.options.skip;
    let received = 0;
    let written = 0;

    const failure = (what: string) =>
      new KindPipeError('output', `encoding ${finalPath} failed ${what} (frame ${written}):\n    ${encoder?.stderrTail() ?? ''}`);

    return {
      async start(caps: Record<string, Caps>) {
        removeLeftovers(finalPath, ctx.log);
        const video = caps.video;
        const { width, height } = video as { width: number; height: number };
        const odd = width % 2 === 1 || height % 2 === 1;
        let pixFmt = ctx.options.pix_fmt;
        if (pixFmt === 'auto') pixFmt = odd ? 'yuv444p' : 'yuv420p';
        if (pixFmt === 'yuv420p' && odd) {
          throw new KindPipeError('config', `sink.file: ${width}×${height} is odd-sized and cannot be encoded as yuv420p. Fix: set pix_fmt: auto or yuv444p, or scale to an even size`);
        }
        const audioFrom = ctx.options.audio === 'copy' ? video.stream.audioFrom : undefined;
        const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
        args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(video.stream.fps), '-i', 'pipe:0');
        if (audioFrom) args.push('-i', ffmpegFile(audioFrom), '-map', '0:v:0', '-map', '1:a?', '-c:a', 'copy');
        else args.push('-map', '0:v:0');
        args.push('-c:v', ctx.options.codec === 'h265' ? 'libx265' : 'libx264', '-crf', `${ctx.options.crf}`, '-preset', ctx.options.preset);
        args.push('-pix_fmt', pixFmt, '-threads', String(threads));
        if (ctx.options.codec === 'h265') args.push('-tag:v', 'hvc1', '-x265-params', 'log-level=error');
        if (['.mp4', '.mov', '.m4v'].includes(extname(finalPath).toLowerCase())) args.push('-movflags', '+faststart');
        args.push(ffmpegFile(tempPath));
        command = [ffmpegPath, ...args.slice(0, -1), ffmpegFile(finalPath)]; // as written, but under the final name
        encoder = startTool(ffmpegPath, args, 'pipe');
        encoder.child.stdin!.on('error', () => undefined); // reported through the exit code
        await encoder.spawned; // a missing ffmpeg says so here, not as a failed first write
        counter = startFrameCounter();
      },
      async write(inputs) {
        if (received++ < skip) return;
        try {
          await writeAll(encoder!.child.stdin!, asBytes(inputs.video, 'sink.file'));
        } catch {
          throw failure('while writing');
        }
        written++;
      },
      async finish() {
        encoder!.child.stdin!.end();
        const code = await encoder!.exited;
        if (code !== 0) {
          rmSync(tempPath, { force: true });
          throw failure(`(ffmpeg exit ${code})`);
        }
        // ffmpeg 5.1 exits 0 after "Error writing trailer … No space left on device": read what it
        // said, and count the frames in the file, before the rename replaces an older output (#17).
        const said = encoder!.stderrTail();
        const frames = /error writing|no space left|i\/o error/i.test(said) ? -1 : await counter!.count(tempPath).catch(() => -1);
        counter!.dispose();
        if (frames !== written) {
          rmSync(tempPath, { force: true });
          throw failure(frames < 0 ? '(ffmpeg reported a write error)' : `(the file holds ${frames} frames, not ${written})`);
        }
        renameSync(tempPath, finalPath);
        return finalPath;
      },
      provenance: () => ({ command, pins: { threads } }),
      async abort() {
        counter?.dispose();
        if (encoder && encoder.child.exitCode === null) {
          encoder.child.kill('SIGKILL');
          await encoder.exited.catch(() => undefined);
        }
        rmSync(tempPath, { force: true });
      },
    };
  },
});

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Partial files that an earlier run of this output left when it was SIGKILLed (its pid is gone):
 * removed, and said so, so that hidden half-files do not pile up beside the outputs (#17).
 */
function removeLeftovers(finalPath: string, log: { warn(message: string): void }): void {
  const stem = basename(finalPath, extname(finalPath));
  const pattern = /^\.(.+)\.partial-(\d+)(\.[^.]+)$/;
  for (const name of readdirSync(dirname(finalPath))) {
    const match = pattern.exec(name);
    if (!match || match[1] !== stem || match[3] !== extname(finalPath) || alive(Number(match[2]))) continue;
    rmSync(join(dirname(finalPath), name), { force: true });
    log.warn(`removed ${join(dirname(finalPath), name)}: a partial file left by an earlier run (pid ${match[2]}) that was killed`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
