import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, type Still } from '../../core/media/still.js';
import { ffmpegPath } from '../../core/media/tool.js';
import { mapLimit } from '../../pipeline/eval/map-limit.js';
import { psnr } from '../../pipeline/eval/psnr.js';
import { runTool } from './exec.js';

/**
 * The classical chain a user would try on a dark, noisy frame: a global gain (levels: input
 * `1/gain` maps to white), a gamma (`out = in^(1/gamma)`, >1 lifts the mid-tones), then hqdn3d
 * in full-chroma YUV (chroma denoised harder, as colour noise is the ugliest).
 */
export interface ClassicalParams {
  gain: number;
  gamma: number;
  /** hqdn3d spatial strengths; 0 for none. */
  lumaDenoise: number;
  chromaDenoise: number;
}

/** The filter chain for `ffmpeg -vf`, usable as is on a user's own footage. */
export function classicalChain(p: ClassicalParams): string {
  const level = +(1 / p.gain).toFixed(4);
  const steps = [`colorlevels=rimax=${level}:gimax=${level}:bimax=${level}`];
  if (p.gamma !== 1) {
    const g = +(1 / p.gamma).toFixed(4);
    steps.push(`lutrgb=r=gammaval(${g}):g=gammaval(${g}):b=gammaval(${g})`);
  }
  if (p.lumaDenoise > 0 || p.chromaDenoise > 0) steps.push(`format=yuv444p,hqdn3d=${p.lumaDenoise}:${p.chromaDenoise}:0:0`);
  steps.push('format=rgb24');
  return steps.join(',');
}

/** The grid searched: 8 gains × 4 gammas × 5 denoise strengths (none … strong). */
export function classicalGrid(): ClassicalParams[] {
  const grid: ClassicalParams[] = [];
  for (const gain of [1.5, 1.8, 2.2, 2.7, 3.3, 4, 5, 6]) {
    for (const gamma of [1, 1.3, 1.6, 2]) {
      for (const [lumaDenoise, chromaDenoise] of [[0, 0], [10, 15], [30, 45], [80, 120], [160, 240]]) grid.push({ gain, gamma, lumaDenoise, chromaDenoise });
    }
  }
  return grid;
}

/**
 * Applies every chain in `params` to one image in a single ffmpeg run (decoded once, split, each
 * branch filtered, the results stacked vertically into one rgb24 frame) and returns one image
 * per chain. One filter thread, as in renderClassical: ffmpeg 5.1's sliced colorlevels aborts now
 * and then ("invalid fastbin entry", seen on set5_bird.png and on 848-px frames).
 */
export async function applyChains(file: string, params: readonly ClassicalParams[], size: { width: number; height: number }): Promise<Still[]> {
  const k = params.length;
  const labels = params.map((_, i) => `[s${i}]`).join('');
  const branches = params.map((p, i) => `[s${i}]${classicalChain(p)}[c${i}]`).join(';');
  const stack = k > 1 ? `;${params.map((_, i) => `[c${i}]`).join('')}vstack=inputs=${k}[out]` : ';[c0]null[out]';
  const graph = `[0:v]format=rgb24,split=${k}${labels};${branches}${stack}`;
  const frame = size.width * size.height * 3;
  const { stdout } = await runTool(ffmpegPath, ['-v', 'error', '-nostdin', '-filter_complex_threads', '1', '-i', file, '-filter_complex', graph, '-map', '[out]', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    maxBuffer: frame * k + 1024,
  });
  if (stdout.length !== frame * k) throw new Error(`${file}: the classical chains returned ${stdout.length} bytes, expected ${k}×${frame}`);
  return params.map((_, i) => ({ ...size, data: new Uint8Array(stdout.buffer, stdout.byteOffset + i * frame, frame) }));
}

/**
 * Writes the chain's output of every image of `lowDir` as PNG into `outDir` (emptied first).
 * One filter thread: Debian's ffmpeg 5.1 aborts ("invalid fastbin entry") in sliced colorlevels
 * on rgb24 frames 848 px wide (the dim-indoor clip); one thread gives the same pixels.
 */
export async function renderClassical(names: readonly string[], lowDir: string, outDir: string, p: ClassicalParams): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await mapLimit(names, 2, (name) =>
    runTool(ffmpegPath, ['-v', 'error', '-nostdin', '-y', '-filter_threads', '1', '-i', join(lowDir, `${name}.png`), '-vf', classicalChain(p), '-frames:v', '1', join(outDir, `${name}.png`)]),
  );
}

export interface GridResult {
  params: ClassicalParams;
  chain: string;
  /** Mean PSNR over the pairs, dB. */
  psnr: number;
}

/**
 * Mean PSNR of every grid point over the pairs, best first (at most 2 ffmpeg processes at once).
 * The parameters are tuned on the very images they are scored on, so the classical chain gets
 * its best possible shot: an upper bound for a user tuning it by eye.
 */
export async function searchClassical(names: readonly string[], lowDir: string, gtDir: string, onImage?: (done: number, total: number) => void): Promise<GridResult[]> {
  const grid = classicalGrid();
  const sums = new Float64Array(grid.length);
  let done = 0;
  await mapLimit(names, 2, async (name) => {
    const gt = await decodeImage(join(gtDir, `${name}.png`));
    const outputs = await applyChains(join(lowDir, `${name}.png`), grid, gt);
    outputs.forEach((out, i) => (sums[i] += psnr(out, gt)));
    onImage?.(++done, names.length);
  });
  return grid.map((params, i) => ({ params, chain: classicalChain(params), psnr: sums[i] / names.length })).sort((a, b) => b.psnr - a.psnr);
}
