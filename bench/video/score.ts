import { spawn } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import { readFrames } from '../../core/media/raw-frames.js';
import { ffmpegFile, ffmpegPath } from '../../core/media/tool.js';
import { psnr } from '../../pipeline/eval/psnr.js';
import { ssim } from '../../pipeline/eval/ssim.js';
import { matchMean } from '../quality/gt-mean.js';

/** One clip of make_clips.py's listing. */
export interface Clip {
  name: string;
  width: number;
  height: number;
  frames: number;
  fps: number;
  input: string;
  clean: string;
  mask: string;
  motionShare: number;
  lamp: boolean;
  pan: boolean;
}

export interface Scores {
  psnr: number;
  ssim: number;
  /** PSNR with each frame's mean matched to the ground truth's (GT-mean, as bench:quality): exposure taken out. */
  psnrMatched: number;
  /** PSNR over the moving objects' pixels only. */
  psnrMoving: number;
  /** Mean |out(t) − out(t−1)| where the ground truth did not change (code values). */
  flicker: number;
  frames: number;
}

/** The rgb24 frames of a video file, decoded by ffmpeg, one at a time. */
export async function* decodedFrames(file: string, width: number, height: number, filter?: string): AsyncGenerator<Uint8Array> {
  const args = ['-v', 'error', '-nostdin', '-i', ffmpegFile(file), '-map', '0:v:0'];
  if (filter) args.push('-vf', filter);
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, 'pipe:1');
  const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'ignore'] }); // stopping early makes it complain of the closed pipe
  try {
    yield* readFrames(child.stdout, width * height * 3);
  } finally {
    child.kill();
  }
}

/** Frame `index` of a raw file of `bytes`-sized frames. */
function rawFrame(file: string, bytes: number, index: number): Uint8Array {
  const buffer = new Uint8Array(bytes);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, bytes, index * bytes);
  } finally {
    closeSync(fd);
  }
  return buffer;
}

/**
 * Scores frames against the clip's clean frames, streamed (memory flat): PSNR and SSIM per frame
 * (means), PSNR with the exposure matched (GT-mean), PSNR inside the object masks, and flicker where the ground truth stays the same.
 * `withSsim: false` for the grid search, where PSNR decides.
 */
export async function score(clip: Clip, frames: AsyncIterable<Uint8Array>, withSsim = true): Promise<Scores> {
  const { width, height } = clip;
  const pixels = width * height;
  let psnrSum = 0;
  let matchedSum = 0;
  let ssimSum = 0;
  let movingError = 0;
  let movingCount = 0;
  let flickerSum = 0;
  let flickerCount = 0;
  let n = 0;
  let previous: { out: Uint8Array; clean: Uint8Array } | undefined;
  for await (const out of frames) {
    if (n >= clip.frames) break;
    const clean = rawFrame(clip.clean, pixels * 3, n);
    const mask = rawFrame(clip.mask, pixels, n);
    let error = 0;
    for (let p = 0, i = 0; p < pixels; p++, i += 3) {
      const e = (out[i] - clean[i]) ** 2 + (out[i + 1] - clean[i + 1]) ** 2 + (out[i + 2] - clean[i + 2]) ** 2;
      error += e;
      if (mask[p]) {
        movingError += e;
        movingCount += 3;
      }
      if (previous && clean[i] === previous.clean[i] && clean[i + 1] === previous.clean[i + 1] && clean[i + 2] === previous.clean[i + 2]) {
        flickerSum += (Math.abs(out[i] - previous.out[i]) + Math.abs(out[i + 1] - previous.out[i + 1]) + Math.abs(out[i + 2] - previous.out[i + 2])) / 3;
        flickerCount++;
      }
    }
    psnrSum += 10 * Math.log10((255 * 255) / Math.max(error / (pixels * 3), 1e-10));
    if (withSsim) matchedSum += Math.min(100, psnr(matchMean({ width, height, data: out }, { width, height, data: clean }), { width, height, data: clean }));
    if (withSsim) ssimSum += ssim({ width, height, data: out }, { width, height, data: clean });
    previous = { out: out.slice(), clean };
    n++;
  }
  return {
    psnr: psnrSum / n,
    ssim: withSsim ? ssimSum / n : Number.NaN,
    psnrMatched: withSsim ? matchedSum / n : Number.NaN,
    psnrMoving: movingCount ? 10 * Math.log10((255 * 255) / Math.max(movingError / movingCount, 1e-10)) : Number.NaN,
    flicker: flickerCount ? flickerSum / flickerCount : Number.NaN,
    frames: n,
  };
}
