/**
 * kind-fast's only full-resolution step, out = up(P)·x + up(Q), as one pass over the rgb24 bytes:
 * P and Q come at low resolution (1×6×h×w: P for R,G,B, then Q in code values), `up` is bilinear
 * with PyTorch's align_corners=False (the arithmetic the network was trained with), and the
 * result is rounded and clamped to bytes. The interpolation indices and weights of every column
 * and row are computed once per size; each output row interpolates the maps vertically once
 * (w×6 values), then each pixel does two multiply-adds per channel.
 */
export class AffineSlice {
  private readonly column: Int32Array;
  private readonly columnWeight: Float32Array;
  private readonly rowFrom: Int32Array;
  private readonly rowTo: Int32Array;
  private readonly rowWeight: Float32Array;
  /** The current output row of the maps, interleaved per low-res column: P r,g,b, Q r,g,b. */
  private readonly row: Float32Array;
  /** Its difference to the next column, so that a pixel interpolates with one multiply-add. */
  private readonly step: Float32Array;

  constructor(readonly width: number, readonly height: number, readonly lowWidth: number, readonly lowHeight: number) {
    this.column = new Int32Array(width);
    this.columnWeight = new Float32Array(width);
    for (let x = 0; x < width; x++) {
      const [from, , weight] = source(x, width, lowWidth);
      this.column[x] = from * 6;
      this.columnWeight[x] = weight;
    }
    this.rowFrom = new Int32Array(height);
    this.rowTo = new Int32Array(height);
    this.rowWeight = new Float32Array(height);
    for (let y = 0; y < height; y++) {
      const [from, to, weight] = source(y, height, lowHeight);
      this.rowFrom[y] = from;
      this.rowTo[y] = to;
      this.rowWeight[y] = weight;
    }
    this.row = new Float32Array(lowWidth * 6);
    this.step = new Float32Array(lowWidth * 6);
  }

  /** Writes up(P)·rgb + up(Q) into `out` (a clamped view: assignment rounds and clamps). */
  apply(rgb: Uint8Array, maps: Float32Array, out: Uint8ClampedArray): void {
    const { width, lowWidth, row, step, column, columnWeight } = this;
    const plane = lowWidth * this.lowHeight;
    for (let y = 0; y < this.height; y++) {
      const a = this.rowFrom[y] * lowWidth;
      const b = this.rowTo[y] * lowWidth;
      const f = this.rowWeight[y];
      for (let k = 0; k < 6; k++) {
        const base = k * plane;
        for (let j = 0; j < lowWidth; j++) {
          const top = maps[base + a + j];
          row[j * 6 + k] = top + (maps[base + b + j] - top) * f;
        }
      }
      for (let j = 0; j < lowWidth * 6; j++) step[j] = j + 6 < lowWidth * 6 ? row[j + 6] - row[j] : 0;
      let i = y * width * 3;
      for (let x = 0; x < width; x++, i += 3) {
        const c = column[x];
        const w = columnWeight[x];
        out[i] = (row[c] + step[c] * w) * rgb[i] + row[c + 3] + step[c + 3] * w;
        out[i + 1] = (row[c + 1] + step[c + 1] * w) * rgb[i + 1] + row[c + 4] + step[c + 4] * w;
        out[i + 2] = (row[c + 2] + step[c + 2] * w) * rgb[i + 2] + row[c + 5] + step[c + 5] * w;
      }
    }
  }
}

/** The two source samples and the weight of the second for output position `i` (align_corners=False). */
function source(i: number, size: number, lowSize: number): [number, number, number] {
  const at = Math.max(0, (i + 0.5) * (lowSize / size) - 0.5);
  const from = Math.min(Math.floor(at), lowSize - 1);
  const to = Math.min(from + 1, lowSize - 1);
  return [from, to, to === from ? 0 : at - from];
}
