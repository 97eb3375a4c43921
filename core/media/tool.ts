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

let checked = false;

/** Fails with the Debian package to install when ffmpeg is not on PATH. */
export function requireFfmpeg(): void {
  if (checked) return;
  const result = spawnSync(ffmpegPath, ['-version'], { stdio: 'ignore' });
  if (result.error || result.status !== 0) {
    throw new KindPipeError('input', `ffmpeg is not installed or not on PATH (${ffmpegPath}). Fix: apt-get install ffmpeg, or set KIND_PIPE_FFMPEG`);
  }
  checked = true;
}

/** A child process whose last stderr lines are kept for error messages. */
export interface Tool {
  child: ChildProcess;
  stderrTail(): string;
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
  const exited = new Promise<number | string>((resolve, reject) => {
    child.once('error', (error) => reject(new KindPipeError('input', `cannot start ${binary}: ${error.message}. Fix: apt-get install ffmpeg`)));
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1));
  });
  exited.catch(() => undefined);
  return {
    child,
    exited,
    stderrTail: () => [...lines, partial].filter((l) => l.trim()).slice(-6).join('\n    '),
  };
}
