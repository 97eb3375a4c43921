import { lumaWeights, yuvLevels, type YuvFormat } from './yuv-matrix.js';
import { checkSampleOrder, yuvPlanes } from './yuv-planes.js';

const one = 1 << 16;

/**
 * Builds a converter from one y4m frame (planar Y'CbCr, any subsampling and depth) to rgb24.
 * Tables of 16.16 fixed-point terms are made once here; per frame it is one pass of adds and
 * shifts. Chroma is replicated over the pixels it covers (as swscale's fast path does), which
 * `yuvFromRgb`'s block average undoes exactly.
 *
 * ```ts
 * const toRgb = yuvToRgb({ width: 64, height: 48, shiftX: 1, shiftY: 1, planes: 3, depth: 8, matrix: 'bt601', range: 'limited' });
 * toRgb(y4mFrameData, rgb); // rgb: Uint8Array(64 * 48 * 3)
 * ```
 */
export function yuvToRgb(format: YuvFormat): (yuv: Uint8Array, rgb: Uint8Array) => void {
  checkSampleOrder(format);
  const { width, height, shiftX, shiftY } = format;
  const { kr, kb } = lumaWeights[format.matrix];
  const kg = 1 - kr - kb;
  const levels = yuvLevels(format.range, format.depth);
  const size = levels.max + 1;
  const luma = new Int32Array(size);
  const redV = new Int32Array(size);
  const greenU = new Int32Array(size);
  const greenV = new Int32Array(size);
  const blueU = new Int32Array(size);
  for (let s = 0; s < size; s++) {
    const y = ((s - levels.yOffset) / levels.yScale) * 255;
    const c = ((s - levels.cOffset) / levels.cScale) * 255;
    luma[s] = Math.round(y * one) + one / 2;
    redV[s] = Math.round(2 * (1 - kr) * c * one);
    blueU[s] = Math.round(2 * (1 - kb) * c * one);
    greenU[s] = Math.round(((-2 * kb * (1 - kb)) / kg) * c * one);
    greenV[s] = Math.round(((-2 * kr * (1 - kr)) / kg) * c * one);
  }
  const chromaWidth = Math.ceil(width / (1 << shiftX));

  return (yuv, rgb) => {
    const out = new Uint8ClampedArray(rgb.buffer, rgb.byteOffset, width * height * 3);
    const [Y, U, V] = yuvPlanes(format, yuv);
    if (format.planes === 1) {
      for (let i = 0, o = 0; i < width * height; i++, o += 3) {
        const l = luma[Y[i]] >> 16;
        out[o] = l;
        out[o + 1] = l;
        out[o + 2] = l;
      }
      return;
    }
    let o = 0;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const chromaRow = (y >> shiftY) * chromaWidth;
      for (let x = 0; x < width; x++) {
        const c = chromaRow + (x >> shiftX);
        const l = luma[Y[row + x]];
        const u = U[c];
        const v = V[c];
        out[o++] = (l + redV[v]) >> 16;
        out[o++] = (l + greenU[u] + greenV[v]) >> 16;
        out[o++] = (l + blueU[u]) >> 16;
      }
    }
  };
}
