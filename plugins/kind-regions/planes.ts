import type { Rect } from './rects.js';

/** The pixels of `rect` from a CHW float tensor of `width`×`height`, as a CHW tensor of the rect's size. */
export function crop(data: Float32Array, channels: number, width: number, height: number, rect: Rect): Float32Array {
  const out = new Float32Array(channels * rect.width * rect.height);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < rect.height; y++) {
      const from = c * width * height + (rect.y + y) * width + rect.x;
      out.set(data.subarray(from, from + rect.width), (c * rect.height + y) * rect.width);
    }
  }
  return out;
}

/** Writes the `core` part of `tile` (a CHW tensor covering `win`) into the frame tensor `data`. */
export function paste(data: Float32Array, channels: number, width: number, height: number, tile: Float32Array, win: Rect, core: Rect): void {
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < core.height; y++) {
      const from = (c * win.height + core.y - win.y + y) * win.width + core.x - win.x;
      data.set(tile.subarray(from, from + core.width), c * width * height + (core.y + y) * width + core.x);
    }
  }
}
