import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs a program with an argument array (never a shell); resolves with stdout as a Buffer. */
export async function runTool(binary: string, args: readonly string[], options: { cwd?: string; maxBuffer?: number } = {}): Promise<{ stdout: Buffer; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(binary, [...args], { encoding: 'buffer', maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024, cwd: options.cwd });
    return { stdout, stderr: stderr.toString() };
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    const tail = (e.stderr?.toString() ?? '').trim().split('\n').slice(-8).join('\n  ');
    throw new Error(`${binary} ${args.slice(0, 6).join(' ')}… failed: ${tail || e.message}`);
  }
}

/** Seconds since `start` (from performance.now()), rounded to 0.1. */
export const secondsSince = (start: number): number => Math.round((performance.now() - start) / 100) / 10;
