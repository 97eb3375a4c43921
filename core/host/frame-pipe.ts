import type { Duplex } from 'node:stream';

/**
 * Frame bytes over a stream (a Unix socket between processes, an in-memory pair in specs).
 * A packet is `seq u32, count u32`, then `count` × (`byteLength u32`, bytes), little-endian; each
 * body lands in its own ArrayBuffer (one copy), so a Float32Array view over it is aligned.
 */
export class FramePipe {
  private readonly arrived = new Map<number, ArrayBuffer[]>();
  private readonly waiting = new Map<number, { resolve: (bodies: ArrayBuffer[]) => void; reject: (error: Error) => void }>();
  private closed: Error | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private packet: { seq: number; count: number; bodies: ArrayBuffer[] } | undefined;
  private body: { target: Uint8Array; filled: number } | undefined;

  constructor(private readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    const end = (error?: Error) => this.close(error ?? new Error('the frame socket closed'));
    stream.on('error', end);
    stream.on('close', () => end());
  }

  async send(seq: number, bodies: readonly ArrayBufferView[]): Promise<void> {
    if (this.closed) throw this.closed;
    const head = Buffer.alloc(8 + 4 * bodies.length);
    head.writeUInt32LE(seq, 0);
    head.writeUInt32LE(bodies.length, 4);
    let ok = this.stream.write(head.subarray(0, 8));
    for (const [i, body] of bodies.entries()) {
      head.writeUInt32LE(body.byteLength, 8 + 4 * i);
      ok = this.stream.write(head.subarray(8 + 4 * i, 12 + 4 * i));
      ok = this.stream.write(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    }
    if (!ok) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  /** The bodies of packet `seq`, in order, when it has fully arrived. */
  receive(seq: number): Promise<ArrayBuffer[]> {
    const ready = this.arrived.get(seq);
    if (ready) {
      this.arrived.delete(seq);
      return Promise.resolve(ready);
    }
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
  }

  /** Forgets a packet that will never be asked for (a request that was abandoned). */
  discard(seq: number): void {
    this.arrived.delete(seq);
    this.waiting.delete(seq);
  }

  close(reason: Error = new Error('the frame pipe was closed')): void {
    if (this.closed) return;
    this.closed = reason;
    for (const waiter of this.waiting.values()) waiter.reject(reason);
    this.waiting.clear();
    this.stream.destroy();
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.body) {
        const take = Math.min(chunk.length - offset, this.body.target.length - this.body.filled);
        this.body.target.set(chunk.subarray(offset, offset + take), this.body.filled);
        this.body.filled += take;
        offset += take;
        if (this.body.filled === this.body.target.length) {
          this.body = undefined;
          this.maybeComplete();
        }
        continue;
      }
      const need = this.packet ? 4 : 8;
      const take = Math.min(chunk.length - offset, need - this.pendingBytes);
      this.pending.push(chunk.subarray(offset, offset + take));
      this.pendingBytes += take;
      offset += take;
      if (this.pendingBytes < need) continue;
      const word = Buffer.concat(this.pending, need);
      this.pending = [];
      this.pendingBytes = 0;
      if (!this.packet) {
        this.packet = { seq: word.readUInt32LE(0), count: word.readUInt32LE(4), bodies: [] };
        this.maybeComplete();
      } else {
        const target = new Uint8Array(new ArrayBuffer(word.readUInt32LE(0)));
        this.packet.bodies.push(target.buffer);
        this.body = { target, filled: 0 };
        if (target.length === 0) {
          this.body = undefined;
          this.maybeComplete();
        }
      }
    }
  }

  private maybeComplete(): void {
    const packet = this.packet;
    if (!packet || packet.bodies.length < packet.count || this.body) return;
    this.packet = undefined;
    const waiter = this.waiting.get(packet.seq);
    if (waiter) {
      this.waiting.delete(packet.seq);
      waiter.resolve(packet.bodies);
    } else this.arrived.set(packet.seq, packet.bodies);
  }
}
