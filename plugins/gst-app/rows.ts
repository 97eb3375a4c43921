/**
 * GStreamer pads each row of packed RGB to a multiple of 4 bytes (default video stride); kind-pipe
 * frames are tightly packed. Sizes whose width×3 is a multiple of 4 need no copy.
 */
export function rgbStride(width: number): number {
  return (width * 3 + 3) & ~3;
}

/** Tightly packed rows from a GStreamer buffer; the buffer itself when there is no padding. */
export function unpadRows(buffer: Uint8Array, width: number, height: number): Uint8Array {
  const row = width * 3;
  const stride = rgbStride(width);
  if (buffer.length === row * height) return buffer;
  if (buffer.length !== stride * height) throw new RangeError(`buffer of ${buffer.length} bytes is not ${width}×${height} RGB (${row * height} bytes, or ${stride * height} with padded rows)`);
  const out = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) out.set(buffer.subarray(y * stride, y * stride + row), y * row);
  return out;
}

/** Rows padded to GStreamer's stride in `target` (reused frame to frame); `frame` when no padding is needed. */
export function padRows(frame: Uint8Array, width: number, height: number, target: Uint8Array): Uint8Array {
  const row = width * 3;
  const stride = rgbStride(width);
  if (stride === row) return frame;
  for (let y = 0; y < height; y++) target.set(frame.subarray(y * row, y * row + row), y * stride);
  return target;
}
