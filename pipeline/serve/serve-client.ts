import { connect, type Socket } from 'node:net';
import { KindPipeError } from '../../core/errors.js';
import { decodeHeader, encodeHeader, headerBytes, messageType, type MessageHeader } from './wire-format.js';

/** A message from the server: a result with its pixels, or an error with its text. */
export interface ServeReply {
  header: MessageHeader;
  payload: Uint8Array;
  /** The UTF-8 text of an error message. */
  text?: string;
}

/**
 * The client side of docs/gstreamer-protocol.md in TypeScript, for the load bench and the tests:
 * what kindenhance does, without GStreamer. Replies are read as they come, so a message the
 * server sends before any frame (a full server's refusal) is not missed.
 *
 * ```ts
 * const client = await ServeClient.connect('/tmp/kind.sock');
 * const reply = await client.request({ format: 1, width: 64, height: 48, fpsN: 25, fpsD: 1, sequence: 0n, pts: noPts }, rgb);
 * if (reply?.text) console.error(reply.text);
 * await client.close();
 * ```
 */
export class ServeClient {
  private buffered = Buffer.alloc(0);
  private readonly arrived: ServeReply[] = [];
  private readonly waiting: ((reply: ServeReply | undefined) => void)[] = [];
  private ended = false;
  private unreadable: KindPipeError | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.take(chunk));
    socket.on('error', () => undefined); // a refused or reset connection ends like a closed one
    socket.once('close', () => {
      this.ended = true;
      for (const wake of this.waiting.splice(0)) wake(undefined);
    });
  }

  static connect(path: string): Promise<ServeClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new ServeClient(socket));
      });
    });
  }

  /** Sends one frame message; `payloadBytes` defaults to the payload's length. */
  send(header: Omit<MessageHeader, 'type' | 'payloadBytes'> & { payloadBytes?: number }, payload: Uint8Array = new Uint8Array(0)): void {
    this.socket.write(encodeHeader({ ...header, type: messageType.frame, payloadBytes: header.payloadBytes ?? payload.length }));
    if (payload.length > 0) this.socket.write(payload);
  }

  /** The next message from the server, or undefined once it closed the connection. */
  next(): Promise<ServeReply | undefined> {
    const reply = this.arrived.shift();
    if (!reply && this.unreadable) return Promise.reject(this.unreadable);
    if (reply || this.ended) return Promise.resolve(reply);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** One frame in flight, as kindenhance keeps it: sends it and waits for its answer. */
  request(header: Omit<MessageHeader, 'type' | 'payloadBytes'>, payload: Uint8Array): Promise<ServeReply | undefined> {
    this.send(header, payload);
    return this.next();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ended) resolve();
      else {
        this.socket.once('close', () => resolve());
        this.socket.end();
      }
    });
  }

  private take(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= headerBytes) {
      const header = decodeHeader(this.buffered);
      if ('problem' in header) {
        this.unreadable = new KindPipeError('input', `kind-pipe serve sent an unreadable header: ${header.problem}`);
        this.socket.destroy();
        return;
      }
      if (this.buffered.length < headerBytes + header.payloadBytes) return;
      const payload = Uint8Array.prototype.slice.call(this.buffered, headerBytes, headerBytes + header.payloadBytes);
      this.buffered = this.buffered.subarray(headerBytes + header.payloadBytes);
      const reply: ServeReply = { header, payload, ...(header.type === messageType.error && { text: Buffer.from(payload).toString('utf8') }) };
      const wake = this.waiting.shift();
      if (wake) wake(reply);
      else this.arrived.push(reply);
    }
  }
}
