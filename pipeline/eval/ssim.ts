import { KindPipeError } from '../../core/errors.js';
import { channel, requireSameSize, type Rgb } from './rgb.js';

/** The constants of Wang, Bovik, Sheikh & Simoncelli (2004), as in their ssim_index.m. */
export const ssimConstants = Object.freeze({ window: 11, sigma: 1.5, k1: 0.01, k2: 0.03, peak: 255 });

/** A normalised 1-D Gaussian of `size` taps (odd); the 2-D window is its outer product. */
export function gaussianWindow(size: number, sigma: number): Float64Array {
  const taps = new Float64Array(size);
  const r = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) sum += taps[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) taps[i] /= sum;
  return taps;
}

/** 'valid' separable filtering: output is (width−k+1)×(height−k+1), no padding. */
function filterValid(plane: Float64Array, width: number, height: number, taps: Float64Array): Float64Array {
  const k = taps.length;
  const ow = width - k + 1;
  const oh = height - k + 1;
  const rows = new Float64Array(ow * height);
  for (let y = 0; y < height; y++) {
    const line = y * width;
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * plane[line + x + t];
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * rows[(y + t) * ow + x];
      out[y * ow + x] = s;
    }
  }
  return out;
}

/**
 * Mean SSIM of two planes (values 0..255, same size), Gaussian-weighted with population
 * (co)variances, averaged over the 'valid' positions where the whole 11×11 window fits. This is
 * MATLAB ssim_index.m without its optional downsampling, and equals skimage's
 * `structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=255)` (which filters with reflection, then crops the 5-pixel border away).
 */
export function ssimPlane(x: Float64Array, y: Float64Array, width: number, height: number): number {
  const { window, sigma, k1, k2, peak } = ssimConstants;
  if (width < window || height < window) {
    throw new KindPipeError('input', `SSIM needs images of at least ${window}×${window} pixels; this one is ${width}×${height}`);
  }
  const taps = gaussianWindow(window, sigma);
  const n = x.length;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const [mx, my, exx, eyy, exy] = [x, y, xx, yy, xy].map((p) => filterValid(p, width, height, taps));
  const c1 = (k1 * peak) ** 2;
  const c2 = (k2 * peak) ** 2;
  let sum = 0;
  for (let i = 0; i < mx.length; i++) {
    const ux = mx[i];
    const uy = my[i];
    const vx = exx[i] - ux * ux;
    const vy = eyy[i] - uy * uy;
    const vxy = exy[i] - ux * uy;
    sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  }
  return sum / mx.length;
}

/**
 * Structural similarity of two 8-bit RGB images: `ssimPlane` on R, G and B separately, then
 * averaged — skimage's `structural_similarity(..., channel_axis=-1)` with Wang's Gaussian
 * settings, the way low-light papers (LOL, KinD) report SSIM on colour images. 1 means identical.
 *
 * ```ts
 * ssim(enhanced, groundTruth); // e.g. 0.71
 * ```
 */
export function ssim(a: Rgb, b: Rgb): number {
  requireSameSize(a, b);
  let sum = 0;
  for (const c of [0, 1, 2] as const) sum += ssimPlane(channel(a, c), channel(b, c), a.width, a.height);
  return sum / 3;
}
