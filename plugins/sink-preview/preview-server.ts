import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KindPipeError } from '../../core/errors.js';
import { isLoopback } from './loopback.js';
import { EventsViewer, StreamViewer } from './viewers.js';

export interface PreviewServerOptions {
  host: string;
  port: number;
  /** Answer requests whatever Host they name (served beyond this machine on purpose). */
  public: boolean;
  /** The page at `/`. */
  page: string;
  /** The counters, as `/stats.json` and the page's `stats` events show them. */
  stats(): object;
}

/** What the server says about its viewers, for the counters. */
export interface ViewerCounts {
  viewers: number;
  pages: number;
  /** Frames slow viewers never got (a newer one replaced them), all viewers, gone ones too. */
  dropped: number;
  list: { id: number; sent: number; dropped: number; connectedS: number }[];
}

/**
 * The preview's web server (node:http, nothing else): `/` the page, `/stream.mjpg` the live
 * picture, `/events` the counters as Server-Sent Events, `/snapshot.jpg` and `/stats.json`.
 * Every write is latest-only per client, so nothing here ever waits for a browser. `close()`
 * destroys every connection at once, a stuck one too.
 */
export class PreviewServer {
  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly sockets = new Set<Socket>();
  private readonly viewers = new Set<StreamViewer>();
  private readonly pages = new Set<EventsViewer>();
  private latest: Buffer | undefined;
  private ended = false;
  private statsTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private droppedByGone = 0;
  url = '';

  constructor(private readonly options: PreviewServerOptions) {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    const { host, port } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new KindPipeError('output', `sink.preview cannot serve on ${host}:${port}: ${listenProblem(error, host, port)}`);
    });
    const address = this.server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${shown}:${address.port}/`;
    return this.url;
  }

  /** A new picture: kept for `/snapshot.jpg` and offered to every viewer. */
  frame(jpeg: Buffer): void {
    this.latest = jpeg;
    for (const viewer of this.viewers) viewer.offer(jpeg);
  }

  /** The counters changed: pages get them at most 4 times a second. */
  statsChanged(): void {
    if (this.statsTimer || this.ended) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = undefined;
      this.broadcast('stats');
    }, 250);
  }

  /** End of stream: pages get the final counters and `end`; viewers the last picture, then the end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.statsTimer);
    this.statsTimer = undefined;
    this.broadcast('end');
    for (const viewer of this.viewers) viewer.end(this.latest);
  }

  counts(): ViewerCounts {
    const list = [...this.viewers].map((v) => ({ id: v.id, sent: v.sent, dropped: v.dropped, connectedS: round((performance.now() - v.connectedAt) / 1000) }));
    return { viewers: this.viewers.size, pages: this.pages.size, dropped: this.droppedByGone + list.reduce((sum, v) => sum + v.dropped, 0), list };
  }

  async close(): Promise<void> {
    clearTimeout(this.statsTimer);
    for (const page of this.pages) page.end();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private broadcast(event: 'stats' | 'end'): void {
    const data = JSON.stringify(this.options.stats());
    for (const page of this.pages) page.send(event, data);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!this.options.public && !isLoopback(hostName(req.headers.host ?? ''), this.options.host)) {
      // A loopback server must not answer a page that reached it through DNS rebinding.
      reply(res, 403, 'text/plain', `Host '${req.headers.host}' is not this machine's loopback name. Open ${this.url} instead.\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      reply(res, 405, 'text/plain', 'only GET and HEAD\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    switch (path) {
      case '/':
      case '/index.html':
        return reply(res, 200, 'text/html; charset=utf-8', this.options.page);
      case '/stats.json':
        return reply(res, 200, 'application/json', JSON.stringify({ ...this.options.stats() }, null, 2) + '\n');
      case '/snapshot.jpg':
        if (!this.latest) {
          res.setHeader('Retry-After', '1');
          return reply(res, 503, 'text/plain', 'no frame yet: the pipeline has not sent one\n');
        }
        return reply(res, 200, 'image/jpeg', this.latest);
      case '/stream.mjpg':
        return this.watch(req, res);
      case '/events':
        return this.listenToEvents(req, res);
      default:
        return reply(res, 404, 'text/plain', `no ${path} here: try /, /stream.mjpg, /snapshot.jpg, /stats.json, /events\n`);
    }
  }

  private watch(req: IncomingMessage, res: ServerResponse): void {
    const viewer = new StreamViewer(this.nextId++, res);
    if (req.method === 'HEAD') return void res.end();
    if (this.ended) return viewer.end(this.latest);
    this.viewers.add(viewer);
    res.once('close', () => {
      this.viewers.delete(viewer);
      this.droppedByGone += viewer.dropped;
    });
    if (this.latest) viewer.offer(this.latest);
    this.statsChanged();
  }

  private listenToEvents(req: IncomingMessage, res: ServerResponse): void {
    const page = new EventsViewer(res);
    if (req.method === 'HEAD') return void res.end();
    this.pages.add(page);
    res.once('close', () => this.pages.delete(page));
    const data = JSON.stringify(this.options.stats());
    page.send('stats', data);
    if (this.ended) page.send('end', data);
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** The host part of a Host header: `127.0.0.1:8080` → `127.0.0.1`, `[::1]:8080` → `::1`. */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']'));
  return header.split(':')[0];
}

function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use by another program. Fix: choose another port, or port: 0 to pick a free one`;
    case 'EACCES':
      return `not allowed to listen on port ${port} (ports below 1024 need root). Fix: choose a port from 1024 up, or 0 to pick a free one`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `'${host}' is not an address of this machine. Fix: host: 127.0.0.1`;
    default:
      return `${error.code ?? ''} ${error.message}`.trim();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
