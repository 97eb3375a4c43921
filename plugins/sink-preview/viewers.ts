import type { ServerResponse } from 'node:http';

const boundary = 'kind-pipe-frame';

/**
 * One browser (or player) watching `/stream.mjpg`: a multipart/x-mixed-replace response that gets
 * a JPEG whenever its socket has room. While its socket is full it keeps only the newest JPEG
 * and counts the one that newer JPEG replaced as dropped: a slow viewer sees fewer frames and
 * never holds back the pipeline or the other viewers.
 */
export class StreamViewer {
  readonly connectedAt = performance.now();
  sent = 0;
  dropped = 0;
  private pending: Buffer | undefined;
  private last: Buffer | undefined;

  constructor(
    readonly id: number,
    private readonly res: ServerResponse,
  ) {
    res.writeHead(200, {
      'Content-Type': `multipart/x-mixed-replace; boundary=${boundary}`,
      'Cache-Control': 'no-store',
      Connection: 'close',
    });
    res.on('drain', () => {
      const next = this.pending;
      this.pending = undefined;
      if (next) this.send(next);
    });
  }

  offer(jpeg: Buffer): void {
    if (this.res.writableNeedDrain) {
      if (this.pending) this.dropped++;
      this.pending = jpeg;
      return;
    }
    this.send(jpeg);
  }

  /** The stream is over: the last picture (when there is room for it), then the closing boundary. */
  end(last: Buffer | undefined): void {
    if (last && last !== this.last && !this.res.writableNeedDrain) this.send(last);
    this.pending = undefined;
    this.res.end(`--${boundary}--\r\n`);
  }

  private send(jpeg: Buffer): void {
    this.res.write(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
    this.res.write(jpeg);
    this.res.write('\r\n');
    this.last = jpeg;
    this.sent++;
  }
}

/** One page listening to `/events` (Server-Sent Events): counters, and `end` once. Latest-only too. */
export class EventsViewer {
  private pending = new Map<string, string>();

  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'close' });
    res.write('retry: 1000\n\n');
    res.on('drain', () => {
      const queued = [...this.pending];
      this.pending.clear();
      for (const [event, data] of queued) this.send(event, data);
    });
  }

  send(event: string, data: string): void {
    if (this.res.writableNeedDrain) {
      this.pending.set(event, data);
      return;
    }
    this.res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  end(): void {
    this.res.end();
  }
}
