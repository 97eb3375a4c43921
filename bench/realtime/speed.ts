import { join } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { cli } from '../cli-run.js';
import type { Clip } from './clips.js';
import { timed, type Timed } from './timed.js';

/** The three commands timed on each clip. */
export const methods = ['kind-fast', 'floor', 'eq-chain'] as const;
export type Method = (typeof methods)[number];

export const methodTitles: Record<Method, string> = {
  'kind-fast': 'kind-fast (cctv-night-fast.yaml)',
  floor: 'ffmpeg decode + x264 (I/O floor)',
  'eq-chain': 'ffmpeg eq + hqdn3d + x264',
};

/** One method's runs on one clip, and their medians. */
export interface MethodRuns {
  wallS: number[];
  cpuS: number[];
  /** frames / median wall time. */
  fps: number;
  /** Median user+sys CPU per frame, ms. */
  cpuMsPerFrame: number;
}

/** kind-fast's own report: the CLI's `done:` line, and its per-node ms/frame. */
export interface DoneLine {
  text: string;
  msPerFrame: Record<string, number>;
}

export interface ClipSpeed {
  runs: Record<Method, MethodRuns>;
  doneLines: DoneLine[];
  /** Where the last kind-fast run wrote its output (for the flicker check). */
  kindFastOutput: string;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The command line of `method` on `frames` frames of `clip`, writing `out`. */
function command(method: Method, clip: Clip, frames: number, out: string): [string, string[]] {
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', out];
  if (method === 'kind-fast') {
    return [process.execPath, [cli, 'run', join('pipelines', 'cctv-night-fast.yaml'), '--set', `input=${clip.file}`, '--set', `output=${out}`, '--set', `decode.frames=${frames}`, '--no-manifest']];
  }
  if (method === 'floor') return ['ffmpeg', ['-y', '-v', 'error', '-i', clip.file, '-frames:v', String(frames), ...x264]];
  return ['ffmpeg', ['-y', '-v', 'error', '-i', clip.file, '-frames:v', String(frames), '-vf', 'eq=brightness=0.15:gamma=1.8,hqdn3d', ...x264]];
}

/** The `done:` line of the CLI's text log (its progress bar redraws with \r on the same stream). */
export function doneLine(stderr: string): DoneLine {
  const text = stderr.replace(/\r/g, '\n').split('\n').find((l) => l.startsWith('done:'));
  if (!text) throw new Error(`kind-pipe printed no done: line:\n${stderr.slice(-1000)}`);
  const msPerFrame: Record<string, number> = {};
  for (const part of text.split('ms/frame:')[1].split(',')) {
    const [node, ms] = part.trim().split(' ');
    msPerFrame[node] = Number(ms);
  }
  return { text, msPerFrame };
}

/**
 * `rounds` rounds of the three methods in turn on the same clip and frame count, so that a
 * neighbour's load hits all three alike; each run is a whole process, spawn to exit.
 */
export async function timeClip(clip: Clip, frames: number, rounds: number, work: string, log: (m: string) => void): Promise<ClipSpeed> {
  const all: Record<Method, Timed[]> = { 'kind-fast': [], floor: [], 'eq-chain': [] };
  const doneLines: DoneLine[] = [];
  const kindFastOutput = join(work, 'kind-fast.mp4');
  for (let round = 1; round <= rounds; round++) {
    for (const method of methods) {
      const out = method === 'kind-fast' ? kindFastOutput : join(work, `${method}.mp4`);
      const [binary, args] = command(method, clip, frames, out);
      const run = await timed(binary, args, projectRoot);
      all[method].push(run);
      log(`${clip.name} round ${round} ${method}: ${run.wallS.toFixed(2)} s wall, ${(frames / run.wallS).toFixed(2)} fps, ${(run.userS + run.sysS).toFixed(2)} s CPU`);
      if (method === 'kind-fast') {
        doneLines.push(doneLine(run.stderr));
        log(`  ${doneLines[doneLines.length - 1].text}`);
      }
    }
  }
  const summary = (runs: Timed[]): MethodRuns => {
    const wallS = runs.map((r) => Math.round(r.wallS * 1000) / 1000);
    const cpuS = runs.map((r) => Math.round((r.userS + r.sysS) * 100) / 100);
    return { wallS, cpuS, fps: frames / median(wallS), cpuMsPerFrame: (1000 * median(cpuS)) / frames };
  };
  return { runs: { 'kind-fast': summary(all['kind-fast']), floor: summary(all.floor), 'eq-chain': summary(all['eq-chain']) }, doneLines, kindFastOutput };
}
