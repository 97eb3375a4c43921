import type { Writable } from 'node:stream';
import { KindPipeError } from '../errors.js';

const goneCodes = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/**
 * Writes a y4m stream and waits for each write to be taken by the file or pipe before returning:
 * at most one frame waits in memory, so a slow reader stalls the run instead of making it buffer.
 * A reader that went away (broken pipe) becomes KindPipeError 'closed'.
 */
export class Y4mWriter {
  private failure: Error | undefined;
  /** Frames written so far. */
  frames = 0;

  constructor(
    private readonly stream: Writable,
    private readonly origin: string,
  ) {
    // Without a listener, an EPIPE between two writes would crash the process with a stack trace.
    stream.on('error', (error) => (this.failure ??= error));
  }

  writeHeader(text: string): Promise<void> {
    return this.write(Buffer.from(text, 'latin1'));
  }

  /** `data` holds `FRAME\n` and the picture; the caller may reuse it once this resolves. */
  async writeFrame(data: Uint8Array): Promise<void> {
    await this.write(data);
    this.frames++;
  }

  /** Resolves once everything written has been handed to the file or pipe. */
  flush(): Promise<void> {
    return this.write(new Uint8Array(0));
  }

  private write(data: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.explain(this.failure));
    return new Promise((resolve, reject) => {
      this.stream.write(data, (error) => (error ? reject(this.explain(this.failure ?? error)) : resolve()));
    });
  }

  private explain(error: Error): KindPipeError {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (goneCodes.has(code)) {
      return new KindPipeError('closed', `${this.origin}: the reader closed the pipe after ${this.frames} frame${this.frames === 1 ? '' : 's'} (broken pipe); stopped`);
    }
    return new KindPipeError('output', `writing ${this.origin} failed after ${this.frames} frames: ${error.message}`);
  }
}
