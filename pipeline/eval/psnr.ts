import { requireSameSize, type Rgb } from './rgb.js';

/** Mean squared error over every pixel and all three channels, in 8-bit levels². */
export function mse(a: Rgb, b: Rgb): number {
  requireSameSize(a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    sum += d * d;
  }
  return sum / a.data.length;
}

/**
 * Peak signal-to-noise ratio in dB of 8-bit RGB images: `10·log10(255² / MSE)`, the MSE taken
 * jointly over R, G and B (as skimage's `peak_signal_noise_ratio(data_range=255)`). Identical
 * images give `Infinity`.
 *
 * ```ts
 * psnr(enhanced, groundTruth); // e.g. 21.7
 * ```
 */
export function psnr(a: Rgb, b: Rgb): number {
  const error = mse(a, b);
  return error === 0 ? Infinity : 10 * Math.log10((255 * 255) / error);
}
