/**
 * Where a fixed camera's picture stood still, for fast.enhance's temporal averaging: per tile of
 * `tile`×`tile` block means (16×16 px with 4×4 blocks), the mean over its blocks and channels of
 * the signed difference to the means the tile's average restarted from, made absolute: what
 * noise alone leaves near 0 and anything that moves or changes light does not. The noise level
 * is the median of the same score between this frame and the last; a tile moved when it scores
 * over `sensitivity` × that and over `floor` (0..1). No growing into neighbours: the tiles are
 * small, and a tile that is still but beside a moving one is still.
 */
export function stillMask(now: Float32Array, seen: Float32Array, previous: Float32Array, width: number, height: number, tile: number, sensitivity: number, floor: number): { moved: Uint8Array; cols: number; rows: number } {
  const cols = Math.ceil(width / tile), rows = Math.ceil(height / tile);
  const { since, step } = scores(now, seen, previous, width, height, tile, cols, rows);
  const limit = Math.max(sensitivity * median(step), floor);
  const moved = new Uint8Array(cols * rows);
  for (let t = 0; t < moved.length; t++) moved[t] = since[t] > limit ? 1 : 0;
  return { moved, cols, rows };
}

/** Per tile, |mean over its blocks and channels of (now − seen)|, and of (now − previous); one pass. */
function scores(now: Float32Array, seen: Float32Array, previous: Float32Array, width: number, height: number, tile: number, cols: number, rows: number): { since: Float32Array; step: Float32Array } {
  const plane = width * height;
  const since = new Float32Array(cols * rows);
  const step = new Float32Array(cols * rows);
  const counts = new Float32Array(cols * rows);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      const row = c * plane + y * width;
      const t0 = ((y / tile) | 0) * cols;
      for (let tx = 0, x = 0; tx < cols; tx++) {
        const x0 = x, x1 = Math.min(width, x + tile);
        let a = 0, b = 0;
        for (; x < x1; x++) {
          const v = now[row + x];
          a += v - seen[row + x];
          b += v - previous[row + x];
        }
        since[t0 + tx] += a;
        step[t0 + tx] += b;
        counts[t0 + tx] += x1 - x0;
      }
    }
  }
  for (let t = 0; t < since.length; t++) {
    since[t] = Math.abs(since[t] / counts[t]);
    step[t] = Math.abs(step[t] / counts[t]);
  }
  return { since, step };
}

/** The upper median, on a sorted copy (a few thousand tiles). */
function median(values: Float32Array): number {
  const sorted = Float32Array.from(values).sort();
  return sorted.length ? sorted[sorted.length >> 1] : 0;
}
