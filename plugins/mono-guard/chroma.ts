/**
 * Mean chroma of an rgb24 frame on a subsample: the mean over every `step`-th pixel of
 * max(R,G,B) − min(R,G,B), in 0..255 units. An infrared (night-mode) camera frame is ≈ 0.
 */
export function meanChroma(bytes: Uint8Array, step: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i + 2 < bytes.length; i += 3 * step) {
    const r = bytes[i];
    const g = bytes[i + 1];
    const b = bytes[i + 2];
    sum += Math.max(r, g, b) - Math.min(r, g, b);
    count++;
  }
  return count ? sum / count : 0;
}

/** Replaces each pixel by its Rec. 601 luma on all three channels, in place (16-bit fixed point). */
export function toLuma(bytes: Uint8Array): void {
  for (let i = 0; i + 2 < bytes.length; i += 3) {
    const y = (19595 * bytes[i] + 38470 * bytes[i + 1] + 7471 * bytes[i + 2] + 32768) >> 16;
    bytes[i] = y;
    bytes[i + 1] = y;
    bytes[i + 2] = y;
  }
}

/** Mean Rec. 601 luma (0..255) of an rgb24 frame over every `step`-th pixel. */
export function meanLuma(bytes: Uint8Array, step: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i + 2 < bytes.length; i += 3 * step) {
    sum += 0.299 * bytes[i] + 0.587 * bytes[i + 1] + 0.114 * bytes[i + 2];
    count++;
  }
  return count ? sum / count : 0;
}

/** Multiplies every byte by `factor`, rounding and clamping to 0..255, in place. */
export function scaleBytes(bytes: Uint8Array, factor: number): void {
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i] * factor + 0.5;
    bytes[i] = v >= 255 ? 255 : v;
  }
}
