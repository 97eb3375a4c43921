import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time, for the CPU a child used: Node's child_process reports no per-child rusage. */
export const gnuTime = '/usr/bin/time';
export const hasGnuTime = existsSync(gnuTime);

/** One process, timed from spawn to exit. */
export interface Timed {
  /** Wall seconds, spawn to exit, measured here. */
  wallS: number;
  /** User and system CPU seconds of the process and the children it waited for (NaN without GNU time). */
  userS: number;
  sysS: number;
  stderr: string;
}

/**
 * Runs `command args` to completion, under GNU time when present (`-o` so that its line does
 * not mix with the program's stderr), and rejects with the stderr tail on a non-zero exit.
 */
export async function timed(command: string, args: string[], cwd?: string): Promise<Timed> {
  const folder = mkdtempSync(join(tmpdir(), 'kind-pipe-time-'));
  const report = join(folder, 'time.txt');
  const [binary, argv] = hasGnuTime ? [gnuTime, ['-f', '%U %S', '-o', report, command, ...args]] : [command, args];
  const started = performance.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(binary, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (text = (text + chunk).slice(-20000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`${command} ${args.slice(0, 8).join(' ')}… exited ${code}:\n${text.slice(-2000)}`))));
  });
  const wallS = (performance.now() - started) / 1000;
  const [userS, sysS] = hasGnuTime ? readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [Number.NaN, Number.NaN];
  rmSync(folder, { recursive: true, force: true });
  return { wallS, userS, sysS, stderr };
}
