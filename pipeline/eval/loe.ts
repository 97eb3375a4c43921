import { requireSameSize, type Rgb } from './rgb.js';

/** Lightness as the NPE paper defines it: max(R, G, B) per pixel. */
export function lightness(image: Rgb): Float64Array {
  const n = image.width * image.height;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(image.data[i * 3], image.data[i * 3 + 1], image.data[i * 3 + 2]);
  return out;
}

/** Box (area) average of a plane down to dw×dh; every output cell averages its own source block. */
export function downsample(plane: Float64Array, width: number, height: number, dw: number, dh: number): Float64Array {
  const out = new Float64Array(dw * dh);
  for (let j = 0; j < dh; j++) {
    const y0 = Math.floor((j * height) / dh);
    const y1 = Math.floor(((j + 1) * height) / dh);
    for (let i = 0; i < dw; i++) {
      const x0 = Math.floor((i * width) / dw);
      const x1 = Math.floor(((i + 1) * width) / dw);
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += plane[y * width + x];
      out[j * dw + i] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/**
 * Lightness order error (Wang, Zheng, Hu & Li, "Naturalness preserved enhancement", IEEE TIP 2013):
 * the mean, over pixels x, of how many pixels y swap order between the reference and the
 * enhanced image — `U(L(x),L(y)) xor U(Le(x),Le(y))` with `U(a,b) = a ≥ b` and L = max(R,G,B).
 * As in the paper, both lightness maps are first reduced so the short side is `shortSide` (50)
 * pixels, aspect kept (box average here; the paper's MATLAB uses imresize); so LOE ranges from 0
 * (order kept) to the number of grid cells, e.g. 2500 for a square image. Lower is better.
 *
 * ```ts
 * loe(groundTruth, enhanced); // 0 for an order-preserving result, e.g. 180 for a bad one
 * ```
 */
export function loe(reference: Rgb, enhanced: Rgb, shortSide = 50): number {
  requireSameSize(reference, enhanced);
  const { width, height } = reference;
  const r = Math.min(1, shortSide / Math.min(width, height));
  const dw = Math.max(1, Math.round(width * r));
  const dh = Math.max(1, Math.round(height * r));
  const l = downsample(lightness(reference), width, height, dw, dh);
  const le = downsample(lightness(enhanced), width, height, dw, dh);
  const n = dw * dh;
  let disorder = 0;
  for (let p = 0; p < n; p++) {
    const lp = l[p];
    const lep = le[p];
    for (let q = 0; q < n; q++) if (lp >= l[q] !== lep >= le[q]) disorder++;
  }
  return disorder / n;
}
