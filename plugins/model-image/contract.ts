/**
 * The input contract of an image model, as the YAML states it, and the conversions between the
 * stage's frame (RGB, HWC, 0..1 floats) and the model's tensor.
 */
export interface ImageContract {
  layout: 'NCHW' | 'NHWC';
  range: '0..1' | '0..255' | '-1..1';
  order: 'rgb' | 'bgr';
}

/** A region of an RGB HWC 0..1 image. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

const toModel = { '0..1': [1, 0], '0..255': [255, 0], '-1..1': [2, -1] } as const;

/**
 * Copies `region` of `rgb` (width `stride` pixels per row) into a model tensor of `padded` size,
 * replicating the region's last row and column into the padding.
 */
export function packTensor(rgb: Float32Array, stride: number, region: Region, padded: { width: number; height: number }, contract: ImageContract): Float32Array {
  const [gain, offset] = toModel[contract.range];
  const plane = padded.width * padded.height;
  const out = new Float32Array(plane * 3);
  const nchw = contract.layout === 'NCHW';
  for (let y = 0; y < padded.height; y++) {
    const sy = region.y + Math.min(y, region.height - 1);
    for (let x = 0; x < padded.width; x++) {
      const sx = region.x + Math.min(x, region.width - 1);
      const src = (sy * stride + sx) * 3;
      const p = y * padded.width + x;
      for (let c = 0; c < 3; c++) {
        const value = rgb[src + (contract.order === 'bgr' ? 2 - c : c)] * gain + offset;
        out[nchw ? c * plane + p : p * 3 + c] = value;
      }
    }
  }
  return out;
}

/** The model output's size, by layout; throws when it has no 3 colour channels. */
export function tensorSize(dims: readonly number[], layout: ImageContract['layout']): { width: number; height: number; channels: number } {
  return layout === 'NCHW'
    ? { channels: dims[1], height: dims[2], width: dims[3] }
    : { height: dims[1], width: dims[2], channels: dims[3] };
}

/** Reads pixel (x, y) of a model output as RGB 0..1 into `into`. */
export function unpackPixel(data: Float32Array | Uint8Array, size: { width: number; height: number }, x: number, y: number, contract: ImageContract, into: Float32Array): void {
  const [gain, offset] = toModel[contract.range];
  const plane = size.width * size.height;
  const p = y * size.width + x;
  for (let c = 0; c < 3; c++) {
    const value = contract.layout === 'NCHW' ? data[c * plane + p] : data[p * 3 + c];
    into[contract.order === 'bgr' ? 2 - c : c] = (value - offset) / gain;
  }
}
