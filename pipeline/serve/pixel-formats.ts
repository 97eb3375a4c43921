/**
 * The packed RGB layouts kindenhance may send (GStreamer's names), and the conversion to and from
 * the rgb24 frames stages work on. Padding and alpha bytes are taken back from the frame that was
 * sent, so they come back unchanged.
 *
 * ```ts
 * const format = pixelFormats.get(header.format)!;   // e.g. BGRx: 4 bytes, r at 2, g at 1, b at 0
 * const rgb = toRgb24(payload, format);
 * const back = fromRgb24(enhanced, payload, format);
 * ```
 */
export interface PixelFormat {
  code: number;
  name: string;
  bytesPerPixel: number;
  /** Byte offsets of red, green and blue within a pixel. */
  r: number;
  g: number;
  b: number;
}

const table: readonly PixelFormat[] = [
  { code: 1, name: 'RGB', bytesPerPixel: 3, r: 0, g: 1, b: 2 },
  { code: 2, name: 'BGR', bytesPerPixel: 3, r: 2, g: 1, b: 0 },
  { code: 3, name: 'RGBx', bytesPerPixel: 4, r: 0, g: 1, b: 2 },
  { code: 4, name: 'BGRx', bytesPerPixel: 4, r: 2, g: 1, b: 0 },
  { code: 5, name: 'xRGB', bytesPerPixel: 4, r: 1, g: 2, b: 3 },
  { code: 6, name: 'xBGR', bytesPerPixel: 4, r: 3, g: 2, b: 1 },
  { code: 7, name: 'RGBA', bytesPerPixel: 4, r: 0, g: 1, b: 2 },
  { code: 8, name: 'BGRA', bytesPerPixel: 4, r: 2, g: 1, b: 0 },
  { code: 9, name: 'ARGB', bytesPerPixel: 4, r: 1, g: 2, b: 3 },
  { code: 10, name: 'ABGR', bytesPerPixel: 4, r: 3, g: 2, b: 1 },
];

export const pixelFormats: ReadonlyMap<number, PixelFormat> = new Map(table.map((f) => [f.code, f]));

export function toRgb24(packed: Uint8Array, format: PixelFormat): Uint8Array {
  if (format.name === 'RGB') return packed;
  const pixels = packed.length / format.bytesPerPixel;
  const rgb = new Uint8Array(pixels * 3);
  const { bytesPerPixel: n, r, g, b } = format;
  for (let i = 0, o = 0; o < rgb.length; i += n, o += 3) {
    rgb[o] = packed[i + r];
    rgb[o + 1] = packed[i + g];
    rgb[o + 2] = packed[i + b];
  }
  return rgb;
}

/** `rgb` in `format`, with the bytes that are not colour (x, A) copied from `sent`. */
export function fromRgb24(rgb: Uint8Array, sent: Uint8Array, format: PixelFormat): Uint8Array {
  if (format.name === 'RGB') return rgb;
  const packed = new Uint8Array(sent);
  const { bytesPerPixel: n, r, g, b } = format;
  for (let i = 0, o = 0; o < rgb.length; i += n, o += 3) {
    packed[i + r] = rgb[o];
    packed[i + g] = rgb[o + 1];
    packed[i + b] = rgb[o + 2];
  }
  return packed;
}
