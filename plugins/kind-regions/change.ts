/**
 * Which tiles of a frame changed since the networks last saw them, measured against the input's
 * own noise. The test is on blocks: means over 16×16 windows, every 8 px. Noise averages out in
 * a block mean (÷16 for independent pixels) while a real change — an object, a light — does not,
 * so a small, faint object still stands out. First the whole picture's drift is taken out: the median over blocks
 * of the mean difference, per channel (the stretch upstream glides, the camera's gain moves); what
 * drifts alike everywhere does not make a seam, and past a limit it takes a full refresh (the
 * caller's). A block's score is then the mean over channels of |block mean of (now − then) −
 * drift|. The noise level is the median block score between this frame and the previous one (a
 * fixed camera's frame is mostly still): what noise alone moves a block mean by, frame to frame.
 * A tile changed when one of its blocks scores above `sensitivity` × that level and above `floor`
 * (twice that for a tile none of whose neighbours does).
 */
export interface ChangeMap {
  cols: number;
  rows: number;
  /** 1 per changed tile, row-major. */
  changed: Uint8Array;
  /** Share of the tiles that changed. */
  share: number;
  /** The median block score from the previous frame: what noise alone gives. */
  noise: number;
  /** The median signed block difference (now − then) of luma, 0..1. */
  drift: number;
}

export interface ChangeOptions {
  /** Tile side in pixels (a multiple of 16). */
  tile: number;
  /** How many times the noise level a block must score to count as changed. */
  sensitivity: number;
  /** A block score below which a block never counts as changed, 0..1. */
  floor: number;
}

/**
 * Means over 16×16 windows (8×8 ones let the encoder's and the denoiser's blotches through as
 * change), every 8 px (so a small object that straddles a 16-px grid still fills one window).
 */
const block = 8;

/**
 * Means of (now − then) and of (now − previous) per channel over 16×16 windows every 8 px,
 * [3][8-px blocks] each (at the top left); one pass over the three pictures.
 */
function blockMeans(now: Float32Array, then: Float32Array, previous: Float32Array, width: number, height: number): { since: Float32Array[]; step: Float32Array[] } {
  const bx = Math.ceil(width / block), by = Math.ceil(height / block);
  const plane = width * height;
  const since = [0, 1, 2].map(() => new Float32Array(bx * by));
  const step = [0, 1, 2].map(() => new Float32Array(bx * by));
  const sums = new Float64Array(bx), steps = new Float64Array(bx);
  for (let c = 0; c < 3; c++) {
    for (let j = 0; j < by; j++) {
      sums.fill(0);
      steps.fill(0);
      const y1 = Math.min(height, (j + 1) * block);
      for (let y = j * block; y < y1; y++) {
        const row = c * plane + y * width;
        // One block's columns at a time: no division per pixel (4 ms a 320×180 frame before, #18).
        for (let i = 0, x = 0; i < bx; i++) {
          const x1 = Math.min(width, x + block);
          let sum = 0, moved = 0;
          for (; x < x1; x++) {
            const v = now[row + x];
            sum += v - then[row + x];
            moved += v - previous[row + x];
          }
          sums[i] += sum;
          steps[i] += moved;
        }
      }
      for (let i = 0; i < bx; i++) {
        const n = (y1 - j * block) * (Math.min(width, (i + 1) * block) - i * block);
        since[c][j * bx + i] = sums[i] / n;
        step[c][j * bx + i] = steps[i] / n;
      }
    }
    for (const m of [since[c], step[c]]) {
      for (let j = 0; j < by; j++) {
        for (let i = 0; i < bx; i++) {
          const k = j * bx + i, right = i + 1 < bx, down = j + 1 < by;
          m[k] = (m[k] + (right ? m[k + 1] : m[k]) + (down ? m[k + bx] : m[k]) + (right && down ? m[k + bx + 1] : m[k])) / 4;
        }
      }
    }
  }
  return { since, step };
}

export function changeMap(now: Float32Array, then: Float32Array, previous: Float32Array, width: number, height: number, o: ChangeOptions): ChangeMap {
  const bx = Math.ceil(width / block), by = Math.ceil(height / block);
  const { since, step } = blockMeans(now, then, previous, width, height);
  const drifts = since.map(median);
  const steps = new Float32Array(bx * by);
  for (let k = 0; k < steps.length; k++) steps[k] = (Math.abs(step[0][k]) + Math.abs(step[1][k]) + Math.abs(step[2][k])) / 3;
  const noise = median(steps);
  const limit = Math.max(o.sensitivity * noise, o.floor);
  const per = o.tile / block;
  const cols = Math.ceil(width / o.tile), rows = Math.ceil(height / o.tile);
  const worst = new Float32Array(cols * rows);
  for (let j = 0; j < by; j++) {
    for (let i = 0; i < bx; i++) {
      const k = j * bx + i;
      const score = (Math.abs(since[0][k] - drifts[0]) + Math.abs(since[1][k] - drifts[1]) + Math.abs(since[2][k] - drifts[2])) / 3;
      const t = ((j / per) | 0) * cols + ((i / per) | 0);
      if (score > worst[t]) worst[t] = score;
    }
  }
  // A lone tile must score twice as high: the noise's tail (a blotch of the encoder, a patch the
  // denoiser restarted) comes one tile at a time, things that move cover several.
  const changed = new Uint8Array(cols * rows);
  let count = 0;
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      const t = ty * cols + tx;
      if (worst[t] <= limit) continue;
      let neighbours = false;
      for (let dy = -1; dy <= 1 && !neighbours; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = tx + dx, ny = ty + dy;
          if ((dx || dy) && nx >= 0 && ny >= 0 && nx < cols && ny < rows && worst[ny * cols + nx] > limit) neighbours = true;
        }
      }
      if (neighbours || worst[t] > 2 * limit) {
        changed[t] = 1;
        count++;
      }
    }
  }
  const drift = 0.299 * drifts[0] + 0.587 * drifts[1] + 0.114 * drifts[2];
  return { cols, rows, changed, share: count / changed.length, noise, drift };
}

/** The upper median (the element at n/2 in sorted order), by quickselect on a copy: no full sort. */
function median(values: Float32Array): number {
  const a = Float32Array.from(values);
  const k = a.length >> 1;
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a.length ? a[k] : 0;
}
