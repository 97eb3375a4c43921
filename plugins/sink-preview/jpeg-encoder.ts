import { ffmpegPath, startTool, type Tool } from '../../core/media/tool.js';
import { JpegSplitter } from './jpeg-splitter.js';
import { filterGraph, type SideBySide } from './side-by-side.js';

/**
 * One long-lived ffmpeg that turns packed before/after frames into side-by-side JPEGs. It holds
 * at most one frame at a time: `encode` refuses (returns false) while a frame is in flight, so a
 * slow encoder makes the preview skip frames and never makes the pipeline wait.
 * `-threads 1` and `-fps_mode passthrough`: with frame threads or the constant-rate logic,
 * ffmpeg 5.1 gives each JPEG only when the next frame arrives.
 */
export class JpegEncoder {
  private readonly tool: Tool;
  private readonly splitter = new JpegSplitter();
  private inFlight = false;
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  /** Why the encoder stopped working, once it has. */
  failure: string | undefined;

  constructor(
    layout: SideBySide,
    quality: number,
    private readonly onImage: (jpeg: Buffer) => void,
    private readonly onFailure: (message: string) => void,
  ) {
    const q = Math.round(2 + ((100 - quality) * 29) / 99);
    this.tool = startTool(
      ffmpegPath,
      ['-hide_banner', '-loglevel', 'error', '-nostdin', '-probesize', '32', '-analyzeduration', '0',
        '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${layout.packed.width}x${layout.packed.height}`, '-r', '25', '-i', 'pipe:0',
        '-filter_complex', filterGraph(layout), '-fps_mode', 'passthrough',
        '-c:v', 'mjpeg', '-threads', '1', '-q:v', String(q), '-f', 'image2pipe', 'pipe:1'],
      'pipe',
    );
    this.tool.child.stdin!.on('error', () => undefined); // reported through `exited`
    this.tool.child.stdout!.on('data', (chunk: Buffer) => {
      let images: Buffer[];
      try {
        images = this.splitter.push(chunk);
      } catch (error) {
        this.fail((error as Error).message);
        return;
      }
      for (const image of images) {
        this.inFlight = false;
        this.onImage(image);
      }
      if (!this.inFlight) this.wakeIdle();
    });
    this.tool.exited.then(
      (code) => {
        if (!this.closing) this.fail(`ffmpeg exited (${code}):\n    ${this.tool.stderrTail()}`);
      },
      (error: Error) => this.fail(error.message),
    );
  }

  get busy(): boolean {
    return this.inFlight;
  }

  /** Starts encoding one packed frame; false when busy or broken (the frame is skipped). */
  encode(packed: Buffer): boolean {
    if (this.inFlight || this.failure || this.closing) return false;
    this.inFlight = true;
    this.tool.child.stdin!.write(packed);
    return true;
  }

  /** Resolves once no frame is in flight (or after `ms`, whichever is first). */
  idle(ms: number): Promise<void> {
    if (!this.inFlight || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.wakeIdle();
    this.tool.child.stdin!.end();
    if (this.tool.child.exitCode === null) this.tool.child.kill('SIGKILL');
    await this.tool.exited.catch(() => undefined);
  }

  private fail(message: string): void {
    if (this.failure || this.closing) return;
    this.failure = message;
    this.inFlight = false;
    this.wakeIdle();
    this.onFailure(message);
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
