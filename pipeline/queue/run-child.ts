import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Progress } from '../../core/graph/progress.js';

const here = dirname(fileURLToPath(import.meta.url));
const cliMain = join(here, '..', 'cli', 'main.js');
const guard = pathToFileURL(join(here, 'segment-guard.js')).href;

export interface ChildOutcome {
  code: number;
  /** What the run printed as its error (`kind-pipe: …` without the prefix), when it failed. */
  message: string;
  /** The run's `done` event, when it succeeded. */
  done?: { frames: number; elapsed_s: number; peak_rss_mb: number };
}

/**
 * Runs `kind-pipe run FILE --set … --log json` in a child process, so that onnxruntime's
 * synchronous inference never holds up the worker's event loop (BullMQ renews job locks from
 * it). Progress comes from the run's JSON lines; `signal` stops it as SIGTERM does (partial
 * output removed); if the worker dies, segment-guard stops it too.
 */
export function runChild(file: string, sets: readonly string[], cwd: string, onProgress: (p: Progress) => void, signal: AbortSignal): Promise<ChildOutcome> {
  const args = ['run', file, ...sets.flatMap((s) => ['--set', s]), '--log', 'json', '--no-manifest']; // the join writes the file's manifest
  const child = fork(cliMain, args, {
    cwd: existsSync(cwd) ? cwd : dirname(file),
    execArgv: ['--import', guard],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const stop = () => child.kill('SIGTERM');
  signal.addEventListener('abort', stop, { once: true });
  let text = '';
  let partial = '';
  let done: ChildOutcome['done'];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseJson(line);
      if (event?.event === 'progress') onProgress({ frames: Number(event.frames), total: Number(event.total) || undefined, fps: Number(event.fps), elapsedS: Number(event.elapsed_s) });
      else if (event?.event === 'done') done = event as unknown as ChildOutcome['done'];
      else if (!event && line.trim()) text += `${line}\n`;
    }
  });
  return new Promise((resolve) => {
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', stop);
      const message = (text + partial).trim().replace(/^kind-pipe: /, '');
      resolve({ code: code ?? (sig === 'SIGTERM' ? 130 : 1), message: message || `kind-pipe run ended by ${sig ?? `exit ${code}`}`, done });
    });
  });
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
