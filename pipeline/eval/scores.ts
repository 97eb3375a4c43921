import { colourfulness } from './colourfulness.js';
import { loe } from './loe.js';
import { meanLuma } from './luma.js';
import { noiseSigma } from './noise.js';
import { psnr } from './psnr.js';
import type { Rgb } from './rgb.js';
import { ssim } from './ssim.js';

/** Full-reference scores of one enhanced image against its ground truth. */
export interface ReferenceScores {
  /** dB, higher is better; Infinity when identical. */
  psnr: number;
  /** 0..1, higher is better (mean over R, G, B). */
  ssim: number;
  /** Lightness order error against the ground truth, lower is better. */
  loe: number;
}

/** No-reference statistics of one image. */
export interface NoReferenceScores {
  /** Mean BT.601 luma, 0..255. */
  meanLuma: number;
  /** Immerkær noise σ in luma levels, lower is cleaner. */
  noiseSigma: number;
  /** Hasler–Süsstrunk M, 0 = grey. */
  colourfulness: number;
}

/** Scores `pred` against `gt` (same size; see `requireSameSize`). */
export function referenceScores(pred: Rgb, gt: Rgb): ReferenceScores {
  return { psnr: psnr(pred, gt), ssim: ssim(pred, gt), loe: loe(gt, pred) };
}

export function noReferenceScores(image: Rgb): NoReferenceScores {
  return { meanLuma: meanLuma(image), noiseSigma: noiseSigma(image), colourfulness: colourfulness(image) };
}

/** Per-key arithmetic mean of score records (a PSNR of Infinity makes the mean Infinity). */
export function meanScores<S extends object>(all: readonly S[]): S {
  const mean = {} as Record<string, number>;
  for (const key of Object.keys(all[0] ?? {})) {
    mean[key] = all.reduce((s, x) => s + (x as Record<string, number>)[key], 0) / all.length;
  }
  return mean as S;
}
