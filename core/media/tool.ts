import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { KindPipeError } from '../errors.js';

/** ffmpeg/ffprobe binaries; overridable for a custom build. */
export const ffmpegPath = process.env.KIND_PIPE_FFMPEG ?? 'ffmpeg';
export const ffprobePath = process.env.KIND_PIPE_FFPROBE ?? 'ffprobe';

/**
 * A file path as ffmpeg/ffprobe must get it: absolute, with the file protocol, so that a name
 * like `-night.mp4` is not read as an option nor `cam:1.mp4` as a protocol (#17).
 */
export function ffmpegFile(path: string): string {
  return `file:${resolve(path)}`;
}

let versionLine: string | undefined;
/** `ffmpeg -version`'s first line: which build encoded (and will decode) an output; for manifests. */
export function ffmpegVersion(): string {
  versionLine ??= spawnSync(ffmpegPath, ['-version'], { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim() || 'unknown';
  return versionLine;
}

/**
 * The error for an ffmpeg or ffprobe that cannot be found: what a spawn's ENOENT becomes, so that
 * the common paths need no separate `-version` run (about 0.1 s of startup) to say it (#18).
 */
export function notInstalled(binary: string): KindPipeError {
  const variable = binary === ffprobePath ? 'KIND_PIPE_FFPROBE' : 'KIND_PIPE_FFMPEG';
  const name = binary === ffprobePath ? 'ffprobe' : 'ffmpeg';
  return new KindPipeError('input', `${name} is not installed or not on PATH (${binary}). Fix: apt-get install ffmpeg, or set ${variable}`);
}

let checked = false;

/**
 * Fails with the Debian package to install when ffmpeg is not on PATH. Costs an `ffmpeg -version`
 * run: for code that cannot see the spawn's own error; startTool reports a missing binary itself.
 */
export function requireFfmpeg(): void {
  if (checked) return;
  const result = spawnSync(ffmpegPath, ['-version'], { stdio: 'ignore' });
  if (result.error || result.status !== 0) throw notInstalled(ffmpegPath);
  checked = true;
}

/** A child process whose last stderr lines are kept for error messages. */
export interface Tool {
  child: ChildProcess;
  stderrTail(): string;
  /** Resolves once the process runs; rejects as `exited` does when it cannot start (notInstalled for ENOENT). */
  spawned: Promise<void>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export function startTool(binary: string, args: readonly string[], stdin: 'pipe' | 'ignore' = 'ignore'): Tool {
  const child = spawn(binary, args, { stdio: [stdin, 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split(/\r?\n|\r/);
    partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) lines.push(line);
    if (lines.length > 40) lines.splice(0, lines.length - 20);
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? notInstalled(binary) : new KindPipeError('input', `cannot start ${binary}: ${error.message}. Fix: apt-get install ffmpeg`)),
    );
  });
  const spawned = Promise.race([new Promise<void>((resolve) => child.once('spawn', () => resolve())), failed]);
  const exited = Promise.race([new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1))), failed]);
  spawned.catch(() => undefined);
  exited.catch(() => undefined);
  return {
    child,
    spawned,
    exited,
    stderrTail: () => [...lines, partial].filter((l) => l.trim()).slice(-6).join('\n    '),
  };
}
