/**
 * source.y4m — reads a YUV4MPEG2 stream (a .y4m file, a named pipe, or stdin with `path: '-'`)
 * and converts each frame to rgb24, the way ffmpeg, x264 and vspipe pass raw video between
 * processes. Every chroma tag ffmpeg writes is read (420jpeg, 420mpeg2, 420paldv, 411, 422, 444,
 * 444alpha, mono, and 9–16-bit `420p10`… / `mono16`…, which become 8-bit RGB). The header's
 * frame rate, aspect, chroma and XCOLORRANGE travel with the stream, so `sink.y4m` writes the
 * same kind of stream back. Interlaced input is refused unless `interlaced: progressive`.
 * The matrix is BT.709 for HD (width ≥ 1280 or height > 576) and BT.601 below, as players assume;
 * see docs/ffmpeg.md.
 *
 * ```yaml
 * - id: decode
 *   plugin: source.y4m
 *   options: { path: '-' }     # ffmpeg -i cam.mp4 -f yuv4mpegpipe - | kind-pipe run this.yaml
 * ```
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { isatty } from 'node:tty';
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import { y4mChroma } from '../../core/media/y4m-chroma.js';
import type { Y4mHeader, Y4mStream } from '../../core/media/y4m-header.js';
import { y4mLayout } from '../../core/media/y4m-layout.js';
import { Y4mReader } from '../../core/media/y4m-reader.js';
import { defaultRange, matrixForSize, type YuvMatrix, type YuvRange } from '../../core/media/yuv-matrix.js';
import { yuvToRgb } from '../../core/media/yuv-to-rgb.js';
import { defineSource } from '../../core/stage/plugin.js';

const fieldOrder: Readonly<Record<string, string>> = { t: 'top field first', b: 'bottom field first', m: 'mixed progressive and interlaced frames' };

export const sourceY4m = defineSource({
  role: 'source',
  id: 'source.y4m',
  description: "Read a YUV4MPEG2 (y4m) file or pipe ('-' = stdin) into rgb24 frames",
  options: {
    path: { type: 'path', description: "y4m file or named pipe to read; '-' reads stdin" },
    interlaced: {
      type: 'string',
      description: 'interlaced input (It, Ib, Im): refuse it, or process each frame as it is, fields woven (the output header keeps the flag)',
      default: 'refuse',
      enum: ['refuse', 'progressive'],
    },
    matrix: { type: 'string', description: 'YCbCr matrix: auto = BT.709 when width ≥ 1280 or height > 576, else BT.601', default: 'auto', enum: ['auto', 'bt601', 'bt709'] },
    range: { type: 'string', description: "sample range: auto = the header's XCOLORRANGE; without it limited, or full for mono (as ffmpeg reads gray)", default: 'auto', enum: ['auto', 'limited', 'full'] },
  },
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'frames converted to rgb24' }],
  example: "plugin: source.y4m\noptions: { path: '-' }",
  check(options) {
    const path = options.path;
    if (path === '-') return []; // where stdin points is known only when the run starts
    if (!existsSync(path)) return [{ option: 'path', kind: 'input', message: `input file ${path} does not exist. Fix: check the path (relative paths are from the current folder)` }];
    if (statSync(path).isDirectory()) return [{ option: 'path', kind: 'input', message: `input ${path} is a folder, not a y4m file. Fix: give the .y4m file, or '-' for stdin` }];
    return [];
  },
  create(ctx) {
    const path = ctx.options.path;
    const origin = path === '-' ? 'stdin' : path;
    let stream: Readable | undefined;
    let reader: Y4mReader | undefined;
    let header: Y4mHeader | undefined;
    let convert: ((yuv: Uint8Array, rgb: Uint8Array) => void) | undefined;
    let fps = 25;
    // Stopping must not wait for the next byte from a stalled writer.
    const release = () => stream?.destroy();
    const readFailed = (error: unknown) =>
      KindPipeError.is(error) || ctx.signal.aborted
        ? error
        : new KindPipeError('input', `reading ${origin} failed at byte ${reader?.offset ?? 0}: ${(error as Error).message}`);

    return {
      async open(): Promise<Record<string, Caps>> {
        if (path === '-' && isatty(0)) throw new KindPipeError('usage', 'stdin is a terminal, not a y4m stream. Fix: pipe one in, e.g. ffmpeg -i cam.mp4 -f yuv4mpegpipe - | kind-pipe …');
        stream = path === '-' ? process.stdin : createReadStream(path);
        ctx.signal.addEventListener('abort', release, { once: true });
        reader = new Y4mReader(stream, origin);
        const parsed = await reader.readHeader().catch((error) => Promise.reject(readFailed(error)));
        header = parsed;
        const { width, height } = parsed;
        const chroma = y4mChroma(parsed.chroma)!;
        if (parsed.interlace in fieldOrder && ctx.options.interlaced === 'refuse') {
          throw new KindPipeError(
            'input',
            `${origin}: the y4m header says I${parsed.interlace} (interlaced, ${fieldOrder[parsed.interlace]}); KinD works on whole frames and would see combing. ` +
              `Fix: deinterlace before the pipe (ffmpeg -i in.mp4 -vf bwdif -f yuv4mpegpipe -), or set interlaced: progressive on '${ctx.nodeId}' to process the frames as they are`,
          );
        }
        const [num, den] = parsed.rate;
        if (num > 0) fps = num / den;
        else ctx.log.warn(`${origin}: the y4m header gives no frame rate (F0:0); assuming 25 fps, as ffmpeg does`);
        const range: YuvRange = ctx.options.range === 'auto' ? (parsed.range ?? defaultRange(chroma.planes)) : ctx.options.range;
        const matrix: YuvMatrix = ctx.options.matrix === 'auto' ? matrixForSize(width, height) : ctx.options.matrix;
        convert = yuvToRgb({ width, height, shiftX: chroma.shiftX, shiftY: chroma.shiftY, planes: chroma.planes, depth: chroma.depth, matrix, range });
        const layout = y4mLayout(width, height, chroma);
        let frameCount = parsed.length;
        if (frameCount === undefined && path !== '-' && statSync(path).isFile()) {
          const frames = (statSync(path).size - reader.headerBytes) / ('FRAME\n'.length + layout.frameBytes);
          if (Number.isInteger(frames)) frameCount = frames;
        }
        ctx.log.info(
          `${origin}: y4m ${width}×${height} C${chroma.tag} F${num}:${den} I${parsed.interlace}, ${matrix === 'bt709' ? 'BT.709' : 'BT.601'} ${range} range` +
            (chroma.planes === 4 ? ' (alpha plane ignored)' : '') +
            (chroma.depth > 8 ? ` (${chroma.depth}-bit samples become 8-bit RGB)` : ''),
        );
        const { rate, interlace, aspect, extensions } = parsed;
        const y4m: Y4mStream = { rate, interlace, aspect, chroma: chroma.tag, range: ctx.options.range === 'auto' ? parsed.range : range, extensions, matrix };
        return { video: { kind: 'video', format: 'rgb24', width, height, stream: { fps, frameCount, origin, y4m } } };
      },
      async *frames(): AsyncGenerator<FrameSet> {
        const { width, height } = header!;
        const yuv = new Uint8Array(y4mLayout(width, height, y4mChroma(header!.chroma)!).frameBytes);
        let index = 0;
        for (;;) {
          const more = await reader!.readFrame(yuv).catch((error) => Promise.reject(readFailed(error)));
          if (!more) break;
          const rgb = new Uint8Array(width * height * 3);
          convert!(yuv, rgb);
          yield { video: { index, pts: index / fps, width, height, channels: 3, data: rgb } };
          index++;
        }
        if (index === 0) throw new KindPipeError('input', `${origin}: the y4m stream has a header but no frames (it ends at byte ${reader!.offset}). Fix: check the command that feeds it`);
      },
      dispose() {
        ctx.signal.removeEventListener('abort', release);
        release();
      },
    };
  },
});
