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
 * hides that step. `gate` (core-sized, 0..1 per pixel) scales the fade: 0 keeps what `data` holds.
 */
export function blend(data: Float32Array, channels: number, width: number, height: number, tile: Float32Array, win: Rect, core: Rect, band: number, gate?: Float32Array): void {
  const ramp = (d: number) => (d >= band ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (d + 0.5)) / band));
  const wx = Float32Array.from({ length: core.width }, (_, x) => (core.x > 0 ? ramp(x) : 1) * (core.x + core.width < width ? ramp(core.width - 1 - x) : 1));
  const wy = Float32Array.from({ length: core.height }, (_, y) => (core.y > 0 ? ramp(y) : 1) * (core.y + core.height < height ? ramp(core.height - 1 - y) : 1));
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < core.height; y++) {
      const from = (c * win.height + core.y - win.y + y) * win.width + core.x - win.x;
      const to = c * width * height + (core.y + y) * width + core.x;
      for (let x = 0; x < core.width; x++) {
        const w = wx[x] * wy[y] * (gate ? gate[y * core.width + x] : 1);
        data[to + x] += w * (tile[from + x] - data[to + x]);
      }
    }
  }
}

/**
 * Per pixel of `core`: how far the input moved from the one its maps were computed from, as a
 * weight for the new maps: 0 while the 3×3 mean of (now − then) stays within `hold` in every
 * channel, 1 from twice that. A still pixel inside a recomputed region thus keeps its maps: the
 * Restoration net's 88-px reach would otherwise move them whenever a light passes nearby.
 */
export function moved(now: Float32Array, then: Float32Array, width: number, height: number, core: Rect, hold: number): Float32Array {
  const gate = new Float32Array(core.width * core.height);
  const plane = width * height;
  for (let y = 0; y < core.height; y++) {
    const fy = core.y + y;
    const y0 = Math.max(0, fy - 1), y1 = Math.min(height - 1, fy + 1);
    for (let x = 0; x < core.width; x++) {
      const fx = core.x + x;
      const x0 = Math.max(0, fx - 1), x1 = Math.min(width - 1, fx + 1);
      let most = 0;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let yy = y0; yy <= y1; yy++) for (let xx = x0, i = c * plane + yy * width + x0; xx <= x1; xx++, i++) sum += now[i] - then[i];
        most = Math.max(most, Math.abs(sum) / ((y1 - y0 + 1) * (x1 - x0 + 1)));
      }
      gate[y * core.width + x] = most <= hold ? 0 : most >= 2 * hold ? 1 : most / hold - 1;
    }
  }
  return gate;
}
