import { luma } from '../../pipeline/eval/luma.js';
import type { Rgb } from '../../pipeline/eval/rgb.js';

/**
 * No-reference checks for real footage (issue #20 part 2): PSNR on synthetic pairs rewarded a grey
 * veil, so enhanced real frames are also measured for what the eye objects to.
 *
 *   const grey = greyBlocks(stretch(input));
 *   realFootageScores(output, grey)  // { blackLevel, greyCast, sharpness, meanLuma, … }
 */
export interface RealFootageScores {
  /** 1st percentile of luma, 0..255: the black level (a veil lifts it). */
  blackLevel: number;
  /** Mean R/G and B/G over the grey blocks (1 = neutral). */
  greyRG: number;
  greyBG: number;
  /** max(|R/G − 1|, |B/G − 1|) over the grey blocks, in %; NaN when the frame has none. */
  greyCast: number;
  /** Share of the frame in grey blocks, 0..1. */
  greyShare: number;
  /** Gradient energy: mean |∇Y| over mean Y (brightness-free, so a darker output is not "softer"). */
  sharpness: number;
  /** Mean BT.601 luma, 0..255: the exposure. */
  meanLuma: number;
}

/** The per-image min-max stretch of `normalize mode: minmax` (one min and max over all channels), as 8-bit. */
export function stretch(image: Rgb): Rgb {
  let lo = 255;
  let hi = 0;
  for (const v of image.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = 255 / Math.max(hi - lo, 0.255);
  return { width: image.width, height: image.height, data: image.data.map((v) => Math.round(Math.min(255, (v - lo) * scale))) };
}

/** Block side of the grey-region mask: big enough that sensor noise averages out in its mean. */
export const greyBlock = 8;

/**
 * The blocks of `reference` (the stretched input) that are grey: block means with
 * max(R, G, B) − min(R, G, B) under 10 % of their luma, luma 16..235 (neither black nor clipped).
 * Returned as a per-pixel mask so it applies to any output of the same size.
 */
export function greyBlocks(reference: Rgb): Uint8Array {
  const { width, height, data } = reference;
  const mask = new Uint8Array(width * height);
  for (let by = 0; by + greyBlock <= height; by += greyBlock) {
    for (let bx = 0; bx + greyBlock <= width; bx += greyBlock) {
      const sum = [0, 0, 0];
      for (let y = by; y < by + greyBlock; y++) for (let x = bx; x < bx + greyBlock; x++) for (let c = 0; c < 3; c++) sum[c] += data[(y * width + x) * 3 + c];
      const [r, g, b] = sum.map((s) => s / (greyBlock * greyBlock));
      const y = 0.299 * r + 0.587 * g + 0.114 * b;
      if (y < 16 || y > 235 || Math.max(r, g, b) - Math.min(r, g, b) > 0.1 * y) continue;
      for (let yy = by; yy < by + greyBlock; yy++) mask.fill(1, yy * width + bx, yy * width + bx + greyBlock);
    }
  }
  return mask;
}

/** The low `q`-quantile (0..1) of a list of values. */
export function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

/** Mean |∇Y| (forward differences, both axes) over mean Y. */
export function sharpness(image: Rgb): number {
  const { width, height } = image;
  const y = luma(image);
  let grad = 0;
  let sum = 0;
  for (let row = 0; row < height; row++) {
    for (let x = 0; x < width; x++) {
      const i = row * width + x;
      sum += y[i];
      if (x + 1 < width) grad += Math.abs(y[i + 1] - y[i]);
      if (row + 1 < height) grad += Math.abs(y[i + width] - y[i]);
    }
  }
  return sum > 0 ? grad / sum : 0;
}

/** The no-reference scores of one enhanced frame; `grey` is greyBlocks of its stretched input. */
export function realFootageScores(image: Rgb, grey: Uint8Array): RealFootageScores {
  const y = luma(image);
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let p = 0; p < grey.length; p++) {
    if (!grey[p]) continue;
    r += image.data[p * 3];
    g += image.data[p * 3 + 1];
    b += image.data[p * 3 + 2];
    n++;
  }
  const greyRG = n && g ? r / g : NaN;
  const greyBG = n && g ? b / g : NaN;
  let total = 0;
  for (const v of y) total += v;
  return {
    blackLevel: quantile(y, 0.01),
    greyRG,
    greyBG,
    greyCast: 100 * Math.max(Math.abs(greyRG - 1), Math.abs(greyBG - 1)),
    greyShare: n / grey.length,
    sharpness: sharpness(image),
    meanLuma: total / y.length,
  };
}
