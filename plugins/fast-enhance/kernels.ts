/**
 * fast.enhance's per-pixel work in WebAssembly SIMD (kernels.wat, compiled at build time): the
 * 4×4 block statistics the net takes, the curves that turn the net's heads into P and Q
 * (models/fast/train/net.py, curve_affine), the maps' hysteresis (settle.ts) and
 * out = up(P)·x + up(Q). The arithmetic is that of
 * block-stats.ts and affine-slice.ts (the readable references the spec checks these against),
 * four to sixteen values at a time: at 1280×720 the passes cost a few milliseconds where the
 * JavaScript ones took ~35.
 *
 * The upsampling is split the way bilinear interpolation separates: `widen` interpolates each
 * low-resolution row of P and Q to full width once (rows × width × 3 floats, laid out like the
 * pixels), then `slice` interpolates between two widened rows per output row and applies the
 * affine model, all contiguous vectors. One instance per frame size owns its memory: the frame
 * is copied in once, read by both passes, and the result copied out.
 */
import { readFileSync } from 'node:fs';

interface Exports {
  memory: WebAssembly.Memory;
  blockStats(rgb: number, width: number, height: number, down: number, lowWidth: number, lowHeight: number, sum: number, square: number, low: number, spread: number): void;
  curves(low: number, heads: number, maps: number, count: number): void;
  stillAverage(rgb: number, average: number, width: number, height: number, mask: number, tile: number, cols: number, step: number, held: number, hold: number): void;
  widen(maps: number, lowWidth: number, lowHeight: number, width: number, column: number, weight: number, p: number, q: number, from: number, to: number): void;
  settle(maps: number, held: number, low: number, plane: number, from: number, to: number, big: number, rate: number): number;
  slice(rgb: number, out: number, width: number, p: number, q: number, rowFrom: number, rowTo: number, rowWeight: number, from: number, to: number): void;
}

/**
 * A still pixel's averaged byte changes only once its average moved this many code values from
 * it: under one, so that a real change of one code value still shows, over a half, so that an
 * average hovering at a rounding boundary does not toggle the byte (and the recorder's one-code
 * block updates of a still scene, amplified by the curves, do not flicker).
 */
const HOLD = 0.875;

let compiled: WebAssembly.Module | undefined;

function module(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('./kernels.wasm', import.meta.url)));
  return compiled;
}

/** Byte offsets of the buffers in the instance's memory, each 16-byte aligned. */
class Layout {
  size = 0;
  take(bytes: number): number {
    const at = this.size;
    this.size += Math.ceil(bytes / 16) * 16;
    return at;
  }
}

export class FastKernels {
  readonly lowWidth: number;
  readonly lowHeight: number;
  /** 1×3×h×w block means, 0..1 (valid after `measure`). */
  readonly low: Float32Array;
  /** 1×3×h×w block standard deviations, 0..1. */
  readonly spread: Float32Array;
  /** The net's heads for the whole frame: 1×4×h×w, a for R,G,B then w. */
  readonly heads: Float32Array;
  /** The maps the next `apply` slices with: 1×6×h×w, P for R,G,B then Q in code values. */
  readonly maps: Float32Array;
  private readonly wasm: Exports;
  private readonly frame: Uint8Array;
  private readonly result: Uint8Array;
  private readonly at: Record<'rgb' | 'out' | 'average' | 'held' | 'mask' | 'sum' | 'square' | 'low' | 'spread' | 'heads' | 'maps' | 'heldMaps' | 'tileLow' | 'tileHeads' | 'tileMaps' | 'p' | 'q' | 'column' | 'weight' | 'rowFrom' | 'rowTo' | 'rowWeight', number>;

  constructor(readonly width: number, readonly height: number, readonly down = 4) {
    this.lowWidth = Math.ceil(width / down);
    this.lowHeight = Math.ceil(height / down);
    const bytes = width * height * 3;
    const plane = this.lowWidth * this.lowHeight;
    const layout = new Layout();
    this.at = {
      rgb: layout.take(bytes),
      out: layout.take(bytes),
      average: layout.take(bytes * 2),
      held: layout.take(bytes),
      mask: layout.take(Math.ceil(width / 16) * Math.ceil(height / 16)),
      sum: layout.take(width * 3 * 4),
      square: layout.take(width * 3 * 4),
      low: layout.take(3 * plane * 4),
      spread: layout.take(3 * plane * 4),
      heads: layout.take(4 * plane * 4),
      maps: layout.take(6 * plane * 4),
      heldMaps: layout.take(6 * plane * 4),
      tileLow: layout.take(3 * plane * 4),
      tileHeads: layout.take(4 * plane * 4),
      tileMaps: layout.take(6 * plane * 4),
      p: layout.take(this.lowHeight * width * 3 * 4),
      q: layout.take(this.lowHeight * width * 3 * 4),
      column: layout.take(width * 4),
      weight: layout.take(width * 4),
      rowFrom: layout.take(height * 4),
      rowTo: layout.take(height * 4),
      rowWeight: layout.take(height * 4),
    };
    this.wasm = new WebAssembly.Instance(module(), {}).exports as unknown as Exports;
    const pages = Math.ceil(layout.size / 65536) - this.wasm.memory.buffer.byteLength / 65536;
    if (pages > 0) this.wasm.memory.grow(pages);
    const buffer = this.wasm.memory.buffer;
    this.frame = new Uint8Array(buffer, this.at.rgb, bytes);
    this.result = new Uint8Array(buffer, this.at.out, bytes);
    this.low = new Float32Array(buffer, this.at.low, 3 * plane);
    this.spread = new Float32Array(buffer, this.at.spread, 3 * plane);
    this.heads = new Float32Array(buffer, this.at.heads, 4 * plane);
    this.maps = new Float32Array(buffer, this.at.maps, 6 * plane);
    const column = new Int32Array(buffer, this.at.column, width);
    const weight = new Float32Array(buffer, this.at.weight, width);
    for (let x = 0; x < width; x++) [column[x], , weight[x]] = source(x, width, this.lowWidth);
    const rowFrom = new Int32Array(buffer, this.at.rowFrom, height);
    const rowTo = new Int32Array(buffer, this.at.rowTo, height);
    const rowWeight = new Float32Array(buffer, this.at.rowWeight, height);
    for (let y = 0; y < height; y++) [rowFrom[y], rowTo[y], rowWeight[y]] = source(y, height, this.lowHeight);
  }

  /** Copies the frame in and fills `low` and `spread`. */
  measure(rgb: Uint8Array): void {
    const { at, width, height } = this;
    this.frame.set(rgb);
    this.wasm.blockStats(at.rgb, width, height, this.down, this.lowWidth, this.lowHeight, at.sum, at.square, at.low, at.spread);
  }

  /**
   * Averages the frame `measure` copied in over time where `mask` (a byte per `tile`×`tile`
   * pixels, row-major, `cols` a row; `tile` ≥ 16) is 0: the running average moves toward the frame
   * by `1 − keep` and replaces it, held where it stays within HOLD of the byte it gave the frame
   * before; where the mask is 1 the average restarts from the frame. Call
   * with every tile set on the first frame. `apply` then slices the averaged frame.
   */
  stillAverage(mask: Uint8Array, tile: number, cols: number, keep: number): void {
    const { at } = this;
    new Uint8Array(this.wasm.memory.buffer, at.mask, mask.length).set(mask);
    this.wasm.stillAverage(at.rgb, at.average, this.width, this.height, at.mask, tile, cols, Math.round(256 * (1 - keep)), at.held, Math.round(256 * HOLD));
  }

  /** `maps` from `heads` and `low`, for the whole frame. */
  curves(): void {
    this.wasm.curves(this.at.low, this.at.heads, this.at.maps, this.lowWidth * this.lowHeight);
  }

  /**
   * The maps of a window from its block means (3 planes) and heads (4 planes) of `count` pixels
   * each: a view on scratch memory, valid until the next call.
   */
  curvesOf(low: Float32Array, heads: Float32Array, count: number): Float32Array {
    const buffer = this.wasm.memory.buffer;
    new Float32Array(buffer, this.at.tileLow, 3 * count).set(low);
    new Float32Array(buffer, this.at.tileHeads, 4 * count).set(heads);
    this.wasm.curves(this.at.tileLow, this.at.tileHeads, this.at.tileMaps, count);
    return new Float32Array(buffer, this.at.tileMaps, 6 * count);
  }

  /**
   * Widens the rows lowFrom..lowTo of `maps` (call after the maps changed there; all rows
   * before the first `apply`).
   */
  widen(lowFrom = 0, lowTo = this.lowHeight): void {
    const { at } = this;
    this.wasm.widen(at.maps, this.lowWidth, this.lowHeight, this.width, at.column, at.weight, at.p, at.q, lowFrom, lowTo);
  }

  /** Takes `maps` as they are as the held maps `settle` damps the next ones against. */
  hold(): void {
    new Float32Array(this.wasm.memory.buffer, this.at.heldMaps, this.maps.length).set(this.maps);
  }

  /**
   * settle.ts's map hysteresis on the low-resolution rows lowFrom..lowTo of `maps` against the
   * held maps, which become the result too; returns how many pixels took their fresh maps whole.
   */
  settle(lowFrom: number, lowTo: number, big: number, rate: number): number {
    const { at, lowWidth } = this;
    return this.wasm.settle(at.maps, at.heldMaps, at.low, lowWidth * this.lowHeight, lowFrom * lowWidth, lowTo * lowWidth, big, rate);
  }

  /** Writes up(P)·x + up(Q) of the frame `measure` copied in to `out` (width×height×3 bytes). */
  apply(out: Uint8Array): void {
    const { at } = this;
    this.wasm.slice(at.rgb, at.out, this.width, at.p, at.q, at.rowFrom, at.rowTo, at.rowWeight, 0, this.height);
    out.set(this.result);
  }
}

/** The two source samples and the weight of the second for output position `i` (align_corners=False). */
function source(i: number, size: number, lowSize: number): [number, number, number] {
  const at = Math.max(0, (i + 0.5) * (lowSize / size) - 0.5);
  const from = Math.min(Math.floor(at), lowSize - 1);
  const to = Math.min(from + 1, lowSize - 1);
  return [from, to, to === from ? 0 : at - from];
}
