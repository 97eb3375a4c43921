import type { Rgb } from './rgb.js';

/**
 * Colourfulness M of Hasler & Süsstrunk ("Measuring colourfulness in natural images", 2003):
 * with rg = R − G and yb = (R + G)/2 − B per pixel, `M = √(σrg² + σyb²) + 0.3·√(μrg² + μyb²)`
 * (population statistics, 8-bit levels). 0 is grey; ~15 "slightly", ~33 "moderately", ~59
 * "quite", ~82 "highly", ~109 "extremely" colourful on their scale. Infrared night frames score ~0.
 *
 * ```ts
 * colourfulness(frame); // e.g. 35
 * ```
 */
export function colourfulness(image: Rgb): number {
  const n = image.width * image.height;
  let srg = 0;
  let syb = 0;
  let srg2 = 0;
  let syb2 = 0;
  for (let i = 0; i < n; i++) {
    const r = image.data[i * 3];
    const g = image.data[i * 3 + 1];
    const b = image.data[i * 3 + 2];
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    srg += rg;
    syb += yb;
    srg2 += rg * rg;
    syb2 += yb * yb;
  }
  const mrg = srg / n;
  const myb = syb / n;
  const vrg = Math.max(0, srg2 / n - mrg * mrg);
  const vyb = Math.max(0, syb2 / n - myb * myb);
  return Math.sqrt(vrg + vyb) + 0.3 * Math.sqrt(mrg * mrg + myb * myb);
}
