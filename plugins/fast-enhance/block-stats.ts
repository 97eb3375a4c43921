/**
 * The 4×4 block means and standard deviations of an rgb24 frame, as kind-fast's low-resolution
 * net takes them (models/fast/train/net.py, FastCurve.pooled): float planes (NCHW, 0..1) of
 * ceil(H/4)×ceil(W/4); a block cut by the frame's edge averages the pixels it has, like
 * avg_pool2d with ceil_mode. One pass over the bytes, integer sums (exact), buffers allocated once.
 */
export class BlockStats {
  readonly lowWidth: number;
  readonly lowHeight: number;
  /** 1×3×h×w block means, 0..1. */
  readonly low: Float32Array;
  /** 1×3×h×w block standard deviations, 0..1 (with FastCurve's +1e-6 under the root). */
  readonly spread: Float32Array;
  private readonly sum: Int32Array;
  private readonly square: Int32Array;

  constructor(readonly width: number, readonly height: number, readonly down = 4) {
    this.lowWidth = Math.ceil(width / down);
    this.lowHeight = Math.ceil(height / down);
    const plane = this.lowWidth * this.lowHeight;
    this.low = new Float32Array(3 * plane);
    this.spread = new Float32Array(3 * plane);
    this.sum = new Int32Array(3 * this.lowWidth);
    this.square = new Int32Array(3 * this.lowWidth);
  }

  /** Fills `low` and `spread` from `rgb` (width×height×3 bytes). */
  measure(rgb: Uint8Array): void {
    const { width, height, down, lowWidth, sum, square, low, spread } = this;
    const plane = lowWidth * this.lowHeight;
    const full = Math.floor(width / down);
    for (let by = 0; by < this.lowHeight; by++) {
      sum.fill(0);
      square.fill(0);
      const y0 = by * down;
      const y1 = Math.min(y0 + down, height);
      for (let y = y0; y < y1; y++) {
        let i = y * width * 3;
        let b = 0;
        for (let bx = 0; bx < full; bx++, b += 3) {
          let s0 = 0, s1 = 0, s2 = 0, q0 = 0, q1 = 0, q2 = 0;
          for (let k = 0; k < down; k++, i += 3) {
            const r = rgb[i], g = rgb[i + 1], u = rgb[i + 2];
            s0 += r; s1 += g; s2 += u;
            q0 += r * r; q1 += g * g; q2 += u * u;
          }
          sum[b] += s0; sum[b + 1] += s1; sum[b + 2] += s2;
          square[b] += q0; square[b + 1] += q1; square[b + 2] += q2;
        }
        for (let x = full * down; x < width; x++, i += 3) {
          for (let c = 0; c < 3; c++) {
            sum[b + c] += rgb[i + c];
            square[b + c] += rgb[i + c] * rgb[i + c];
          }
        }
      }
      const rows = y1 - y0;
      for (let bx = 0; bx < lowWidth; bx++) {
        const n = rows * (Math.min((bx + 1) * down, width) - bx * down);
        const p = by * lowWidth + bx;
        for (let c = 0; c < 3; c++) {
          const mean = sum[bx * 3 + c] / (n * 255);
          const variance = square[bx * 3 + c] / (n * 65025) - mean * mean;
          low[c * plane + p] = mean;
          spread[c * plane + p] = Math.sqrt((variance > 0 ? variance : 0) + 1e-6);
        }
      }
    }
  }
}
