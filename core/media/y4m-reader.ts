import type { Readable } from 'node:stream';
import { KindPipeError } from '../errors.js';
import { parseY4mHeader, quote, y4mMagic, type Y4mHeader } from './y4m-header.js';

/** Longest header or FRAME line accepted (x264 reads 256; ffmpeg writes under 96). */
const maxLine = 1024;

/**
 * Reads a y4m stream: the header, then one frame at a time into a buffer the caller owns. Pulls
 * from the stream only when asked, so a slow consumer stalls the writer at the other end of the
 * pipe instead of making this side buffer. Every error names the stream, the frame and the byte.
 */
export class Y4mReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private chunk: Buffer = Buffer.alloc(0);
  private position = 0;
  private ended = false;
  /** Bytes consumed so far: the offset of the next byte. */
  offset = 0;
  /** Frames read so far: the index of the next frame. */
  frames = 0;
  /** Length of the header line, '\n' included. */
  headerBytes = 0;

  constructor(
    stream: Readable,
    private readonly origin: string,
  ) {
    this.chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  async readHeader(): Promise<Y4mHeader> {
    const line = await this.readLine((text) => {
      if (!y4mMagic.startsWith(text.slice(0, y4mMagic.length)) || (text.length > y4mMagic.length && text[y4mMagic.length] !== ' ' && text[y4mMagic.length] !== '\n')) {
        throw new KindPipeError('input', `${this.origin}: not a YUV4MPEG2 stream: it starts with ${quote(text.slice(0, 16))} where "${y4mMagic} " was expected (byte 0). Fix: feed it y4m, e.g. ffmpeg -i in.mp4 -f yuv4mpegpipe - | …`);
      }
    });
    if (line.text === '' && !line.complete) throw new KindPipeError('input', `${this.origin}: the stream is empty (0 bytes); expected a YUV4MPEG2 header. Fix: check the command that feeds it`);
    if (!line.complete) {
      throw new KindPipeError('input', `${this.origin}: the YUV4MPEG2 header is truncated: the stream ended at byte ${this.offset} before the header's end of line ${quote(line.text.slice(0, 80))}`);
    }
    this.headerBytes = this.offset;
    return parseY4mHeader(line.text, this.origin, 0);
  }

  /**
   * Reads the next frame's data into `into` (exactly its length). False at a clean end of stream
   * (right after a whole frame); throws on anything else.
   */
  async readFrame(into: Uint8Array): Promise<boolean> {
    const index = this.frames;
    const at = this.offset;
    const line = await this.readLine((text) => {
      if (!'FRAME'.startsWith(text.slice(0, 5)) || (text.length > 5 && text[5] !== ' ' && text[5] !== '\n')) {
        throw new KindPipeError('input', `${this.origin}: frame ${index} (byte ${at}): expected "FRAME", found ${quote(text.slice(0, 16))}: the stream is not y4m from here, or a frame before it was longer than the header promises`);
      }
    });
    if (line.text === '' && !line.complete) return false;
    if (!line.complete) throw this.truncated(index, at, `in its FRAME line`);
    let filled = 0;
    while (filled < into.length) {
      if (!(await this.fill())) break;
      const take = Math.min(into.length - filled, this.chunk.length - this.position);
      into.set(this.chunk.subarray(this.position, this.position + take), filled);
      this.position += take;
      this.offset += take;
      filled += take;
    }
    if (filled < into.length) throw this.truncated(index, at, `after ${filled} of its ${into.length} bytes of picture data`);
    this.frames++;
    return true;
  }

  private truncated(index: number, at: number, where: string): KindPipeError {
    return new KindPipeError(
      'input',
      `${this.origin}: frame ${index} (starting at byte ${at}) is shorter than the header promises: the stream ended at byte ${this.offset}, ${where}. Fix: the writer stopped mid-frame; check it`,
    );
  }

  /** Reads up to '\n' (consumed, not returned); `check` sees the text so far, to fail early. */
  private async readLine(check: (text: string) => void): Promise<{ text: string; complete: boolean }> {
    let text = '';
    for (;;) {
      if (!(await this.fill())) {
        if (text) check(text);
        return { text, complete: false };
      }
      const newline = this.chunk.indexOf(10, this.position);
      const end = newline < 0 ? this.chunk.length : newline + 1;
      const part = this.chunk.toString('latin1', this.position, end);
      this.offset += end - this.position;
      this.position = end;
      text += part;
      check(text);
      if (newline >= 0) return { text: text.slice(0, -1), complete: true };
      if (text.length > maxLine) {
        throw new KindPipeError('input', `${this.origin}: a line of the y4m stream (byte ${this.offset - text.length}) runs past ${maxLine} bytes without an end of line: ${quote(text.slice(0, 40))}…`);
      }
    }
  }

  /** Makes the current chunk have unread bytes; false at end of stream. */
  private async fill(): Promise<boolean> {
    while (this.position >= this.chunk.length) {
      if (this.ended) return false;
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      this.chunk = next.value;
      this.position = 0;
    }
    return true;
  }
}
