/**
 * The per-pixel recursive background of a fixed camera, with a noise-aware change test.
 *
 * Each pixel keeps a running mean of its colour and how many frames that mean covers (`count`,
 * at most `maxFrames`). A frame's pixel is *static* when its difference from the mean, averaged
 * over the 3×3 neighbourhood and the three channels (27 samples, so that noise averages out
 * while a real change does not), stays below `threshold` × what noise alone gives at that
 * brightness; then it joins the mean (noise falls as 1/√count). Otherwise the pixel *changed*
 * (something moved, a light came on): its mean restarts from the new value at once, so a moving
 * object passes unsmeared and the background it uncovers comes back in the same frame — no ghost,
 * no trail. When most of the frame changed at once (a lamp switching on, the camera's exposure
 * jumping) every pixel restarts.
 *
 * The noise is measured from the video itself, per brightness (sensor noise grows with the
 * signal): the first frame from differences between horizontal neighbours (robust to edges: a
 * median), every later one from the residuals of the pixels that stayed static, smoothed over time.
 */
export interface BackgroundOptions {
  /** Most frames one pixel's mean covers (noise falls to 1/√maxFrames). */
  maxFrames: number;
  /** How many times the noise's expected difference a 3×3 neighbourhood must differ to count as changed. */
  threshold: number;
  /** Share of changed pixels above which the whole frame restarts. */
  globalChange: number;
}

/** Brightness bins of the noise level function. */
const bins = 16;
/** E|N(0,σ)| = σ·√(2/π). */
const meanAbsPerSigma = Math.sqrt(2 / Math.PI);

export class Background {
  private mean: Float32Array;
  private count: Uint8Array;
  private sigma: Float32Array = new Float32Array(bins);
  private readonly diff: Float32Array;
  private readonly rows: Float32Array;
  private readonly boxed: Float32Array;
  /** Per frame, what happened: for tests and the log. */
  changedShare = 0;
  resets = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly options: BackgroundOptions,
  ) {
    const pixels = width * height;
    this.mean = new Float32Array(pixels * 3);
    this.count = new Uint8Array(pixels);
    this.diff = new Float32Array(pixels);
    this.rows = new Float32Array(pixels);
    this.boxed = new Float32Array(pixels);
  }

  /** Takes one rgb24 frame and writes the denoised one into `out` (which may be `frame`'s copy). */
  push(frame: Uint8Array, out: Uint8Array): void {
    const pixels = this.width * this.height;
    if (this.count[0] === 0) {
      this.restart(frame);
      this.sigma = spatialNoise(frame, this.width, this.height);
      out.set(frame);
      return;
    }
    const { mean, count, diff } = this;
    for (let p = 0, i = 0; p < pixels; p++, i += 3) {
      diff[p] = (Math.abs(frame[i] - mean[i]) + Math.abs(frame[i + 1] - mean[i + 1]) + Math.abs(frame[i + 2] - mean[i + 2])) / 3;
    }
    const box = this.box3(diff);
    // Residuals of the pixels that stay static, per brightness: this frame's noise level.
    const sums = new Float64Array(bins);
    const ns = new Float64Array(bins);
    let changed = 0;
    const changedMask = this.rows; // reused: 1 where changed
    for (let p = 0, i = 0; p < pixels; p++, i += 3) {
      const bin = binOf(mean[i], mean[i + 1], mean[i + 2]);
      const n = count[p];
      const expected = this.sigma[bin] * meanAbsPerSigma * Math.sqrt(1 + 1 / n);
      const moved = box[p] > this.options.threshold * Math.max(expected, 0.5);
      changedMask[p] = moved ? 1 : 0;
      if (moved) changed++;
      else if (n >= 4) {
        sums[bin] += diff[p] / Math.sqrt(1 + 1 / n);
        ns[bin]++;
      }
    }
    this.changedShare = changed / pixels;
    if (this.changedShare > this.options.globalChange) {
      this.resets++;
      this.restart(frame);
      out.set(frame);
      return;
    }
    for (let b = 0; b < bins; b++) {
      if (ns[b] >= 64) this.sigma[b] = 0.8 * this.sigma[b] + 0.2 * (sums[b] / ns[b] / meanAbsPerSigma);
    }
    fillEmptyBins(this.sigma);
    const cap = this.options.maxFrames;
    for (let p = 0, i = 0; p < pixels; p++, i += 3) {
      if (changedMask[p]) {
        count[p] = 1;
        mean[i] = frame[i];
        mean[i + 1] = frame[i + 1];
        mean[i + 2] = frame[i + 2];
      } else {
        const n = count[p] < cap ? count[p] + 1 : cap;
        count[p] = n;
        const w = 1 / n;
        mean[i] += (frame[i] - mean[i]) * w;
        mean[i + 1] += (frame[i + 1] - mean[i + 1]) * w;
        mean[i + 2] += (frame[i + 2] - mean[i + 2]) * w;
      }
      out[i] = mean[i] + 0.5;
      out[i + 1] = mean[i + 1] + 0.5;
      out[i + 2] = mean[i + 2] + 0.5;
    }
  }

  /** The noise level (σ, in code values) the change test uses at a brightness 0..255. */
  noiseAt(level: number): number {
    return this.sigma[Math.min(bins - 1, Math.floor((level * bins) / 256))];
  }

  private restart(frame: Uint8Array): void {
    for (let i = 0; i < frame.length; i++) this.mean[i] = frame[i];
    this.count.fill(1);
  }

  /** Mean over each pixel's 3×3 neighbourhood (clamped at the edges), separably. */
  private box3(values: Float32Array): Float32Array {
    const { width: w, height: h, rows, boxed: out } = this;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const l = x > 0 ? x - 1 : x;
        const r = x < w - 1 ? x + 1 : x;
        rows[row + x] = values[row + l] + values[row + x] + values[row + r];
      }
    }
    for (let y = 0; y < h; y++) {
      const up = (y > 0 ? y - 1 : y) * w;
      const down = (y < h - 1 ? y + 1 : y) * w;
      const row = y * w;
      for (let x = 0; x < w; x++) out[row + x] = (rows[up + x] + rows[row + x] + rows[down + x]) / 9;
    }
    return out;
  }
}

function binOf(r: number, g: number, b: number): number {
  const luma = 0.299 * r + 0.587 * g + 0.114 * b;
  return Math.min(bins - 1, Math.floor((luma * bins) / 256));
}

/**
 * σ per brightness from one frame: the median absolute difference of horizontal neighbours (per
 * channel) is 0.6745·√2·σ where the picture is flat, and a median ignores the edges.
 */
function spatialNoise(frame: Uint8Array, width: number, height: number): Float32Array {
  const histograms = Array.from({ length: bins }, () => new Uint32Array(256));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const i = (y * width + x) * 3;
      const bin = binOf(frame[i], frame[i + 1], frame[i + 2]);
      for (let c = 0; c < 3; c++) histograms[bin][Math.abs(frame[i + c] - frame[i + 3 + c])]++;
    }
  }
  const sigma = new Float32Array(bins);
  histograms.forEach((histogram, b) => {
    const total = histogram.reduce((s, v) => s + v, 0);
    if (total < 64) return;
    let seen = 0;
    let median = 0;
    while (median < 255 && (seen += histogram[median]) < total / 2) median++;
    sigma[b] = Math.max(0.5, median / (0.6745 * Math.SQRT2));
  });
  fillEmptyBins(sigma);
  return sigma;
}

/** Bins no pixel fell in take their nearest measured neighbour's level (or 1 code value). */
function fillEmptyBins(sigma: Float32Array): void {
  const measured = [...sigma.keys()].filter((b) => sigma[b] > 0);
  for (let b = 0; b < sigma.length; b++) {
    if (sigma[b] > 0) continue;
    const nearest = measured.reduce((best, m) => (Math.abs(m - b) < Math.abs(best - b) ? m : best), measured[0] ?? -1);
    sigma[b] = nearest >= 0 ? sigma[nearest] : 1;
  }
}
