import { endianness } from 'node:os';
import { KindPipeError } from '../errors.js';
import { y4mLayout } from './y4m-layout.js';
import type { YuvFormat } from './yuv-matrix.js';

export type SampleArray = Uint8Array | Uint16Array;

/**
 * Views of each plane of one y4m frame buffer: bytes for 8-bit samples, 16-bit words (little
 * endian, as y4m stores them) above 8 bits. The buffer must start at an even byte offset.
 */
export function yuvPlanes(format: YuvFormat, data: Uint8Array): SampleArray[] {
  const layout = y4mLayout(format.width, format.height, format);
  return layout.planes.map((plane) =>
    layout.bytesPerSample === 1
      ? data.subarray(plane.offset, plane.offset + plane.bytes)
      : new Uint16Array(data.buffer, data.byteOffset + plane.offset, plane.width * plane.height),
  );
}

/** Samples above 8 bits are read as native 16-bit words: only right on a little-endian CPU. */
export function checkSampleOrder(format: YuvFormat): void {
  if (format.depth > 8 && endianness() !== 'LE') {
    throw new KindPipeError('input', `${format.depth}-bit y4m needs a little-endian CPU (this one is ${endianness()}). Fix: convert to 8 bits before the pipe (ffmpeg -pix_fmt yuv420p)`);
  }
}
