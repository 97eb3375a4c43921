import type { Rgb } from './rgb.js';

/** BT.601 luma Y' = 0.299 R + 0.587 G + 0.114 B per pixel, full range 0..255. */
export function luma(image: Rgb): Float64Array {
  const n = image.width * image.height;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.299 * image.data[i * 3] + 0.587 * image.data[i * 3 + 1] + 0.114 * image.data[i * 3 + 2];
  return out;
}

/**
 * Mean BT.601 luma in 8-bit levels (0 black … 255 white): how bright a result came out.
 *
 * ```ts
 * meanLuma(frame); // e.g. 18 for a night frame, ~110 for a well-exposed one
 * ```
 */
export function meanLuma(image: Rgb): number {
  const y = luma(image);
  let sum = 0;
  for (const v of y) sum += v;
  return sum / y.length;
}
