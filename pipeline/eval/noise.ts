import { luma } from './luma.js';
import type { Rgb } from './rgb.js';

/**
 * Standard deviation of the noise in 8-bit luma levels, by Immerkær's fast estimator ("Fast noise
 * variance estimation", CVIU 1996): convolve the luma with the mask
 * `[1 −2 1; −2 4 −2; 1 −2 1]` (the difference of two Laplacians, which cancels image structure up
 * to second order) and take `σ = √(π/2) · Σ|conv| / (6 (W−2)(H−2))` over the interior.
 * Edges and texture inflate it a little; flat regions give it exactly.
 *
 * ```ts
 * noiseSigma(frame); // e.g. 1.2 for a clean photo, 9 for a brightened night frame
 * ```
 */
export function noiseSigma(image: Rgb): number {
  const { width: w, height: h } = image;
  if (w < 3 || h < 3) return 0;
  const y = luma(image);
  let sum = 0;
  for (let r = 1; r < h - 1; r++) {
    for (let c = 1; c < w - 1; c++) {
      const i = r * w + c;
      const v =
        y[i - w - 1] - 2 * y[i - w] + y[i - w + 1] -
        2 * y[i - 1] + 4 * y[i] - 2 * y[i + 1] +
        y[i + w - 1] - 2 * y[i + w] + y[i + w + 1];
      sum += Math.abs(v);
    }
  }
  return (Math.sqrt(Math.PI / 2) * sum) / (6 * (w - 2) * (h - 2));
}
