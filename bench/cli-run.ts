import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';

/** The CLI's `done` event (`--log json`). */
export interface Done {
  frames: number;
  elapsed_s: number;
  ms_per_frame: Record<string, number>;
  peak_rss_mb: number;
}

export const cli = join(projectRoot, 'dist', 'pipeline', 'cli', 'main.js');

/**
 * Runs `kind-pipe run FILE --log json --set …` as a user would, shows its progress on stderr
 * under `label`, and resolves with its `done` event.
 */
export function runCliPipeline(file: string, sets: string[], label: string): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'run', file, '--log', 'json', ...sets.flatMap((s) => ['--set', s])], {
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let done: Done | undefined;
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) {
        if (line.includes('"event":"done"')) done = JSON.parse(line);
        if (line.includes('"event":"progress"')) process.stderr.write(`\r  ${label}: ${JSON.parse(line).frames} done   `);
      }
    });
    child.once('close', (code) => {
      process.stderr.write('\n');
      if (code === 0 && done) resolve(done);
      else reject(new Error(`${file} exited ${code}:\n${tail}`));
    });
  });
}
