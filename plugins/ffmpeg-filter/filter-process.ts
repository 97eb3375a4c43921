import type { VideoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { ffmpegPath, startTool, type Tool } from '../../core/media/tool.js';
import { PpmReader } from './ppm-reader.js';

type Image = { width: number; height: number; data: Uint8Array };

/** One long-running ffmpeg: raw rgb24 frames in on stdin, one PPM image per frame out on stdout. */
export class FilterProcess {
  private readonly tool: Tool;
  private readonly reader = new PpmReader();
  private waiting: { resolve: (image: Image) => void; reject: (error: Error) => void } | undefined;
  private failed: Error | undefined;
  private closing = false;

  constructor(
    private readonly graph: string,
    input: VideoCaps,
    private readonly output: { width: number; height: number },
    threads: number,
    private readonly timeoutMs: number,
  ) {
    const fps = input.stream.fps > 0 ? input.stream.fps : 25;
    this.tool = startTool(
      ffmpegPath,
      ['-hide_banner', '-v', 'error', '-nostdin', '-probesize', '32', '-analyzeduration', '0',
        '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${input.width}x${input.height}`, '-r', String(fps), '-i', 'pipe:0',
        '-filter_threads', String(threads), '-vf', graph, '-fps_mode', 'passthrough',
        '-pix_fmt', 'rgb24', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:1'],
      'pipe',
    );
    this.tool.child.stdin!.on('error', () => undefined); // a dead ffmpeg is reported through `exited`
    this.tool.child.stdout!.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (error) {
        this.fail(new KindPipeError('plugin', `ffmpeg.filter '${graph}': ${(error as Error).message}`));
      }
      this.deliver();
    });
    this.tool.exited.then(
      (code) => {
        if (!this.closing) this.fail(new KindPipeError('plugin', `ffmpeg.filter '${graph}': ffmpeg exited (${code}) mid-stream:\n    ${this.tool.stderrTail()}`));
      },
      (error: Error) => this.fail(error),
    );
  }

  /** Filters one frame; resolves with its image, or fails when ffmpeg dies, or gives no frame in time. */
  filter(data: Uint8Array, index: number): Promise<Image> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.reader.ready.length > 0) {
      return Promise.reject(new KindPipeError('accounting', `ffmpeg.filter '${this.graph}' gave more frames than it got before frame ${index}: filters that add frames are not supported`));
    }
    return new Promise<Image>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(
          new KindPipeError('accounting', `ffmpeg.filter '${this.graph}' gave no frame for frame ${index} within ${this.timeoutMs / 1000} s: the filtergraph drops or holds back frames (fps, select, tmix, …), which a stage may not do`),
        );
      }, this.timeoutMs);
      this.waiting = {
        resolve: (image) => (clearTimeout(timer), resolve(image)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      this.tool.child.stdin!.write(data);
      this.deliver();
    }).then((image) => {
      if (image.width !== this.output.width || image.height !== this.output.height) {
        throw new KindPipeError('caps', `ffmpeg.filter '${this.graph}' made frame ${index} ${image.width}×${image.height}, but negotiated ${this.output.width}×${this.output.height}: the graph changes size from frame to frame`);
      }
      return image;
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.tool.child.stdin!.end();
    const timer = setTimeout(() => this.tool.child.kill('SIGKILL'), 2000);
    await this.tool.exited.catch(() => undefined);
    clearTimeout(timer);
  }

  private deliver(): void {
    const waiting = this.waiting;
    if (!waiting || this.reader.ready.length === 0) return;
    this.waiting = undefined;
    waiting.resolve(this.reader.ready.shift()!);
  }

  private fail(error: Error): void {
    this.failed ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failed);
  }
}
