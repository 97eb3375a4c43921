import { lumaWeights, yuvLevels, type YuvFormat } from './yuv-matrix.js';
import { checkSampleOrder, yuvPlanes } from './yuv-planes.js';

const one = 1 << 16;

/**
 * Builds a converter from rgb24 to one y4m frame (planar Y'CbCr, any subsampling and depth).
 * Luma is per pixel from 16.16 fixed-point tables; each chroma sample is computed from the mean
 * RGB of the pixels it covers (a box filter: exact, since Cb and Cr are linear in R'G'B'), so a
 * frame read by `yuvToRgb` and written back unchanged returns within rounding.
 *
 * ```ts
 * const toYuv = yuvFromRgb({ width: 64, height: 48, shiftX: 1, shiftY: 1, planes: 3, depth: 8, matrix: 'bt601', range: 'limited' });
 * toYuv(rgb, y4mFrameData); // y4mFrameData: Uint8Array(y4mLayout(64, 48, chroma).frameBytes)
 * ```
 */
export function yuvFromRgb(format: YuvFormat): (rgb: Uint8Array, yuv: Uint8Array) => void {
  checkSampleOrder(format);
  const { width, height, shiftX, shiftY } = format;
  const { kr, kb } = lumaWeights[format.matrix];
  const kg = 1 - kr - kb;
  const { yOffset, yScale, cOffset, cScale, max } = yuvLevels(format.range, format.depth);
  const red = new Int32Array(256);
  const green = new Int32Array(256);
  const blue = new Int32Array(256);
  for (let v = 0; v < 256; v++) {
    red[v] = Math.round(((kr * yScale) / 255) * v * one);
    green[v] = Math.round(((kg * yScale) / 255) * v * one);
    blue[v] = Math.round(((kb * yScale) / 255) * v * one);
  }
  const base = yOffset * one + one / 2;
  // Cb = (B − Y) / (2 (1 − kb)), Cr = (R − Y) / (2 (1 − kr)), scaled to the range's chroma span.
  const s = cScale / 255;
  const [uR, uG, uB] = [(-kr / (2 * (1 - kb))) * s, (-kg / (2 * (1 - kb))) * s, 0.5 * s];
  const [vR, vG, vB] = [0.5 * s, (-kg / (2 * (1 - kr))) * s, (-kb / (2 * (1 - kr))) * s];
  const chromaWidth = Math.ceil(width / (1 << shiftX));
  const chromaHeight = Math.ceil(height / (1 << shiftY));
  const sums = new Float64Array(chromaWidth * 4);
  const clamp = (v: number) => (v <= 0 ? 0 : v >= max ? max : Math.floor(v + 0.5));

  return (rgb, yuv) => {
    const [Y, U, V] = yuvPlanes(format, yuv);
    for (let i = 0, p = 0; i < width * height; i++, p += 3) {
      const v = (base + red[rgb[p]] + green[rgb[p + 1]] + blue[rgb[p + 2]]) >> 16;
      Y[i] = v > max ? max : v;
    }
    if (format.planes === 1) return;
    for (let cy = 0; cy < chromaHeight; cy++) {
      sums.fill(0);
      const rows = Math.min(height, (cy + 1) << shiftY);
      for (let y = cy << shiftY; y < rows; y++) {
        for (let x = 0, p = y * width * 3; x < width; x++, p += 3) {
          const c = (x >> shiftX) * 4;
          sums[c] += rgb[p];
          sums[c + 1] += rgb[p + 1];
          sums[c + 2] += rgb[p + 2];
          sums[c + 3]++;
        }
      }
      for (let cx = 0, c = 0; cx < chromaWidth; cx++, c += 4) {
        const n = sums[c + 3];
        const r = sums[c] / n;
        const g = sums[c + 1] / n;
        const b = sums[c + 2] / n;
        U[cy * chromaWidth + cx] = clamp(cOffset + uR * r + uG * g + uB * b);
        V[cy * chromaWidth + cx] = clamp(cOffset + vR * r + vG * g + vB * b);
      }
    }
  };
}
