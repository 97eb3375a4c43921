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

/**
 * Like `paste`, but cross-fades into what `data` holds over the `band` pixels inside each edge of
 * `core` that is not the frame's edge (a raised cosine, 0 at the edge, 1 at `band` in): the frame
 * there and the new tile differ only by the input's noise between the two frames, and a fade
 * hides that step.
 */
export function blend(data: Float32Array, channels: number, width: number, height: number, tile: Float32Array, win: Rect, core: Rect, band: number): void {
  const ramp = (d: number) => (d >= band ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (d + 0.5)) / band));
  const wx = Float32Array.from({ length: core.width }, (_, x) => (core.x > 0 ? ramp(x) : 1) * (core.x + core.width < width ? ramp(core.width - 1 - x) : 1));
  const wy = Float32Array.from({ length: core.height }, (_, y) => (core.y > 0 ? ramp(y) : 1) * (core.y + core.height < height ? ramp(core.height - 1 - y) : 1));
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < core.height; y++) {
      const from = (c * win.height + core.y - win.y + y) * win.width + core.x - win.x;
      const to = c * width * height + (core.y + y) * width + core.x;
      for (let x = 0; x < core.width; x++) {
        const w = wx[x] * wy[y];
        data[to + x] += w * (tile[from + x] - data[to + x]);
      }
    }
  }
}
