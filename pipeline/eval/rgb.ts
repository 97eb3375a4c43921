import { KindPipeError } from '../../core/errors.js';
import type { Still } from '../../core/media/still.js';

/** An rgb24 image (interleaved R, G, B bytes, row-major), as `decodeImage` returns it. */
export type Rgb = Still;

/** One channel (0 R, 1 G, 2 B) of an rgb24 image as float64 values 0..255. */
export function channel(image: Rgb, c: 0 | 1 | 2): Float64Array {
  const n = image.width * image.height;
  const plane = new Float64Array(n);
  for (let i = 0; i < n; i++) plane[i] = image.data[i * 3 + c];
  return plane;
}

/** Throws unless both images have the same size; `what` names them in the message. */
export function requireSameSize(a: Rgb, b: Rgb, what = 'the two images'): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new KindPipeError('input', `${what} differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}. Fix: compare images of the same size`);
  }
}
