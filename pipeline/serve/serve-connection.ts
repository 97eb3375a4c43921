import type { Socket } from 'node:net';
import { KindPipeError } from '../../core/errors.js';
import { ProtocolError, readFrames, type FrameLimits } from './message-reader.js';
import { SocketStream, type StreamContext } from './socket-stream.js';
import { encodeHeader, errorMessage, noPts, type MessageHeader } from './wire-format.js';

/** How long frames in flight may take to finish when a stream or the server stops. */
export const finishDeadlineMs = 3000;

/**
 * One kindenhance element on the socket: reads its frames in order and answers each one, through
 * a `SocketStream` per caps. A header this server cannot read is answered with an error message
 * and ends this connection only; other connections keep being served.
 *
 * ```ts
 * const connection = new ServeConnection(socket, { ...context, origin: 'connection 1' });
 * await connection.run();          // until the client hangs up or shutdown() is called
 * ```
 */
export class ServeConnection {
  private stream: SocketStream | undefined;
  private closing = false;
  frames = 0;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: Omit<StreamContext, 'reply' | 'replyError'> & FrameLimits,
  ) {}

  async run(): Promise<void> {
    // A client gone for good (not a half-close) cannot take replies: drop what it sent.
    this.socket.once('close', () => this.stream?.abort(new KindPipeError('cancelled', `${this.ctx.origin} closed`)));
    this.socket.on('error', (error) => this.ctx.log.debug(error.message));
    try {
      // Leaving the loop on a bad header must not destroy the socket: the error reply goes out on it.
      for await (const message of readFrames(this.socket.iterator({ destroyOnReturn: false }), this.ctx)) {
        const { sequence } = message.header;
        if (this.closing) {
          await this.replyError(sequence, 'kind-pipe serve is shutting down');
          continue;
        }
        try {
          const key = SocketStream.keyOf(message.header);
          if (!this.stream || this.stream.failed || this.stream.key !== key) {
            await this.stream?.end(finishDeadlineMs);
            this.stream = undefined;
            this.stream = new SocketStream(message.header, { ...this.ctx, reply: (h, p) => this.reply(h, p), replyError: (s, m) => this.replyError(s, m) });
          }
          await this.stream.push(message);
          this.frames++;
        } catch (error) {
          await this.replyError(sequence, error instanceof Error ? error.message : String(error));
        }
      }
      await this.stream?.end(finishDeadlineMs);
    } catch (error) {
      await this.stream?.end(finishDeadlineMs);
      if (error instanceof ProtocolError) {
        this.ctx.log.warn(`${error.message}; closing this connection`);
        await this.replyError(error.sequence ?? noPts, error.message).catch(() => undefined);
      } else if (!this.closing) {
        this.ctx.log.warn(error instanceof Error ? error.message : String(error));
      }
    } finally {
      this.stream = undefined;
      this.socket.end();
    }
  }

  /** Server shutdown: answer the frames in flight (within the deadline), refuse new ones, hang up. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await this.stream?.end(finishDeadlineMs);
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    timer.unref();
  }

  private reply(header: MessageHeader, payload: Uint8Array): Promise<void> {
    return this.write(encodeHeader(header), payload);
  }

  private replyError(sequence: bigint, message: string): Promise<void> {
    return this.write(errorMessage(sequence, message));
  }

  /** Writes one message's parts together; resolves once the last is handed to the socket. */
  private write(...parts: Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed || !this.socket.writable) {
        reject(new KindPipeError('closed', `${this.ctx.origin} is closed`));
        return;
      }
      const last = parts.pop()!;
      this.socket.cork();
      for (const part of parts) this.socket.write(part);
      this.socket.write(last, (error) => (error ? reject(error) : resolve()));
      this.socket.uncork();
    });
  }
}
