import type { LiveCounts, Progress } from '../../core/graph/progress.js';
import type { Logger } from '../../core/logger.js';

export type LogFormat = 'text' | 'json';

/** Logs and progress on stderr: a redrawn bar on a TTY, JSON lines with `--log json`. */
export class Reporter implements Logger {
  private lastDraw = 0;
  private barShown = false;

  constructor(
    private readonly format: LogFormat,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  info(message: string, fields?: Record<string, unknown>): void {
    this.line('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.line('warn', message, fields);
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (process.env.KIND_PIPE_DEBUG) this.line('debug', message, fields);
  }

  event(name: string, fields: Record<string, unknown>): void {
    if (this.format === 'json') this.stream.write(JSON.stringify({ event: name, ...fields }) + '\n');
  }

  progress(p: Progress): void {
    const now = performance.now();
    const final = p.total !== undefined && p.frames >= p.total;
    if (this.format === 'json') {
      if (now - this.lastDraw < 1000 && !final) return;
      this.lastDraw = now;
      this.event('progress', { frames: p.frames, total: p.total ?? null, fps: round(p.fps), elapsed_s: round(p.elapsedS), eta_s: eta(p) ?? null, ...(p.live && { live: p.live }) });
      return;
    }
    const tty = this.stream.isTTY;
    if (now - this.lastDraw < (tty ? 200 : 5000) && !final) return;
    this.lastDraw = now;
    const left = eta(p);
    const counts = p.total ? `${p.frames}/${p.total} frames` : `${p.frames} frames`;
    const text = `${bar(p)} ${counts}  ${p.fps.toFixed(2)} fps  ${p.live ? liveText(p.live) : `ETA ${left === undefined ? '?' : clock(left)}`}`;
    if (tty) {
      this.stream.write(`\r${text}\x1b[K`);
      this.barShown = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the progress bar line so what follows starts on a fresh line. */
  endProgress(): void {
    if (this.barShown) this.stream.write('\n');
    this.barShown = false;
  }

  private line(level: string, message: string, fields?: Record<string, unknown>): void {
    if (this.format === 'json') {
      this.stream.write(JSON.stringify({ level, msg: message, ...fields }) + '\n');
      return;
    }
    this.endProgress();
    this.stream.write(level === 'info' ? `${message}\n` : `${level}: ${message}\n`);
  }
}

/** A live source's counters, e.g. `received 310 · enhanced 120 · dropped 188 · passed 0 · reconnects 1`. */
export function liveText(live: LiveCounts): string {
  return `received ${live.received} · enhanced ${live.enhanced} · dropped ${live.dropped} · passed ${live.passed} · reconnects ${live.reconnects}`;
}

function bar(p: Progress): string {
  if (!p.total) return '';
  const width = 24;
  const done = Math.min(width, Math.round((p.frames / p.total) * width));
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}]`;
}

function eta(p: Progress): number | undefined {
  if (!p.total || p.fps <= 0) return undefined;
  return Math.max(0, (p.total - p.frames) / p.fps);
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
