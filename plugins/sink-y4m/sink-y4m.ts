/**
 * sink.y4m — converts rgb24 frames to YUV4MPEG2 and writes them to a .y4m file, a named pipe, or
 * stdout (`path: '-'`), for ffmpeg, x264 or any y4m reader at the other end. When the stream came
 * from `source.y4m` it writes the same header back — frame rate, interlacing flag, aspect, chroma
 * tag, XCOLORRANGE and other X fields — and converts with the same matrix and range; otherwise
 * 420jpeg (444 for odd sizes), limited range, the source's frame rate. Each frame is written
 * before the next is taken, so a slow reader stalls the run; a reader that goes away ends it with
 * KindPipeError 'closed' (exit 5). A file is written under a temp name and renamed at the end.
 *
 * ```yaml
 * - id: encode
 *   plugin: sink.y4m
 *   inputs: { video: fuse }
 *   options: { path: '-' }    # kind-pipe run this.yaml | ffmpeg -i - -c:v libx264 out.mp4
 * ```
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { isatty } from 'node:tty';
import { KindPipeError } from '../../core/errors.js';
import { asBytes } from '../../core/frame.js';
import { y4mChroma, y4mChromaTags } from '../../core/media/y4m-chroma.js';
import { formatY4mHeader } from '../../core/media/y4m-header.js';
import { y4mLayout } from '../../core/media/y4m-layout.js';
import { Y4mWriter } from '../../core/media/y4m-writer.js';
import { yuvFromRgb } from '../../core/media/yuv-from-rgb.js';
import { defaultRange, matrixForSize, type YuvMatrix } from '../../core/media/yuv-matrix.js';
import { defineSink } from '../../core/stage/plugin.js';

const frameLine = 'FRAME\n';
const stdoutIsATerminal = 'stdout is a terminal: y4m is binary video. Fix: pipe it on (… | ffmpeg -i - out.mp4) or redirect it to a file';

export const sinkY4m = defineSink({
  role: 'sink',
  id: 'sink.y4m',
  description: "Write frames as YUV4MPEG2 (y4m) to a file or pipe ('-' = stdout)",
  options: {
    path: { type: 'path', description: "y4m file or named pipe to write; '-' writes stdout" },
    chroma: {
      type: 'string',
      description: "chroma tag to write: auto = the y4m input's (444alpha → 444); without a y4m input 420jpeg, or 444 for odd sizes",
      default: 'auto',
      enum: ['auto', ...y4mChromaTags.filter((tag) => tag !== '444alpha')],
    },
    matrix: { type: 'string', description: 'YCbCr matrix: auto = the one the y4m input was read with, else BT.709 when width ≥ 1280 or height > 576, BT.601 below', default: 'auto', enum: ['auto', 'bt601', 'bt709'] },
    range: { type: 'string', description: "sample range: auto = the y4m input's XCOLORRANGE, untagged when it had none (limited; full for mono)", default: 'auto', enum: ['auto', 'limited', 'full'] },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video', fixedSize: true }, description: 'frames to write' }],
  example: "plugin: sink.y4m\ninputs: { video: fuse }\noptions: { path: '-' }",
  check(options) {
    const path = options.path;
    if (path === '-') return []; // where stdout points is known only when the run starts
    const folder = dirname(resolve(path));
    if (!existsSync(folder) || !statSync(folder).isDirectory()) return [{ option: 'path', kind: 'output', message: `output folder ${folder} does not exist. Fix: mkdir -p ${folder}, or choose another path` }];
    if (existsSync(path) && statSync(path).isDirectory()) return [{ option: 'path', kind: 'output', message: `output ${path} is a folder. Fix: name a .y4m file` }];
    return [];
  },
  create(ctx) {
    const path = ctx.options.path;
    const toStdout = path === '-';
    const finalPath = resolve(path);
    // A named pipe or device is written in place; a regular file under a temp name, then renamed.
    const inPlace = toStdout || (existsSync(finalPath) && !statSync(finalPath).isFile());
    const target = inPlace ? finalPath : join(dirname(finalPath), `.${basename(finalPath, extname(finalPath))}.partial-${process.pid}${extname(finalPath)}`);
    let stream: Writable | undefined;
    let writer: Y4mWriter | undefined;
    let convert: ((rgb: Uint8Array, yuv: Uint8Array) => void) | undefined;
    let buffer: Uint8Array | undefined;
    let size = { width: 0, height: 0 };

    return {
      async start(caps) {
        if (toStdout && isatty(1)) throw new KindPipeError('usage', stdoutIsATerminal);
        const video = caps.video;
        const { width, height } = video as { width: number; height: number };
        size = { width, height };
        const from = video.stream.y4m;
        const odd = width % 2 === 1 || height % 2 === 1;
        const tag = ctx.options.chroma !== 'auto' ? ctx.options.chroma : from ? (from.chroma === '444alpha' ? '444' : from.chroma) : odd ? '444' : '420jpeg';
        const chroma = y4mChroma(tag)!;
        const rangeTag = ctx.options.range === 'auto' ? from?.range : ctx.options.range;
        const matrix: YuvMatrix = ctx.options.matrix !== 'auto' ? ctx.options.matrix : (from?.matrix ?? matrixForSize(width, height));
        const header = formatY4mHeader({
          width,
          height,
          rate: from?.rate ?? frameRate(video.stream.fps),
          interlace: from?.interlace ?? 'p',
          aspect: from?.aspect ?? [0, 0],
          chroma: chroma.tag,
          range: rangeTag ?? (from ? undefined : defaultRange(chroma.planes)),
          extensions: from?.extensions ?? [],
        });
        if (header.dropped.length) ctx.log.warn(`left out of the y4m header (ffmpeg reads at most 96 bytes of it): ${header.dropped.join(' ')}`);
        convert = yuvFromRgb({ width, height, shiftX: chroma.shiftX, shiftY: chroma.shiftY, planes: chroma.planes, depth: chroma.depth, matrix, range: rangeTag ?? defaultRange(chroma.planes) });
        buffer = new Uint8Array(frameLine.length + y4mLayout(width, height, chroma).frameBytes);
        buffer.set(Buffer.from(frameLine, 'latin1'));
        stream = toStdout ? process.stdout : createWriteStream(target);
        writer = new Y4mWriter(stream, toStdout ? 'stdout' : finalPath);
        await writer.writeHeader(header.text);
      },
      async write(inputs) {
        const frame = inputs.video;
        if (frame.width !== size.width || frame.height !== size.height) {
          throw new KindPipeError('plugin', `sink.y4m: frame ${frame.index} is ${frame.width}×${frame.height} but the stream is ${size.width}×${size.height}`);
        }
        // The frame data starts at byte 6: even, so 16-bit sample views stay aligned.
        convert!(asBytes(frame, 'sink.y4m'), buffer!.subarray(frameLine.length));
        await writer!.writeFrame(buffer!);
      },
      async finish() {
        await writer!.flush();
        if (toStdout) return '-';
        await new Promise<void>((done, fail) => stream!.end((error?: Error | null) => (error ? fail(error) : done())));
        if (!inPlace) renameSync(target, finalPath);
        return finalPath;
      },
      async abort() {
        if (toStdout) return; // what was written stays written; nothing more goes out
        stream?.destroy();
        if (!inPlace) rmSync(target, { force: true });
      },
    };
  },
});

/** A y4m `F` ratio for a frame rate: exact for whole and NTSC (×1000/1001) rates. */
function frameRate(fps: number): [number, number] {
  for (const den of [1, 1001]) {
    const num = fps * den;
    if (Math.abs(num - Math.round(num)) < 0.01) return [Math.round(num), den];
  }
  const num = Math.round(fps * 1000);
  const divisor = gcd(num, 1000);
  return [num / divisor, 1000 / divisor];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
