/**
 * Y'CbCr ↔ R'G'B' for the y4m plugins: which matrix and which range, and the sample levels each
 * range means at each bit depth. No gamma, no primaries: the models see the same gamma-encoded
 * RGB a player would show.
 */
export type YuvMatrix = 'bt601' | 'bt709';
export type YuvRange = 'limited' | 'full';

/** Luma weights of red and blue (green is what is left). */
export const lumaWeights: Readonly<Record<YuvMatrix, { kr: number; kb: number }>> = {
  bt601: { kr: 0.299, kb: 0.114 },
  bt709: { kr: 0.2126, kb: 0.0722 },
};

/**
 * The matrix to assume when nothing says: y4m carries none. Players (mpv, VLC, browsers) take
 * BT.709 for HD and BT.601 for SD; mpv's rule is width ≥ 1280 or height > 576. ffmpeg itself
 * converts untagged YUV with BT.601 at every size; see docs/ffmpeg.md for why we follow players.
 */
export function matrixForSize(width: number, height: number): YuvMatrix {
  return width >= 1280 || height > 576 ? 'bt709' : 'bt601';
}

/**
 * The range to assume when a y4m header has no XCOLORRANGE: limited for Y'CbCr, as everywhere in
 * video, but full for mono, because ffmpeg's gray is full range (it expands 16–235 when it makes
 * gray from YUV, and reads untagged gray as full).
 */
export function defaultRange(planes: number): YuvRange {
  return planes === 1 ? 'full' : 'limited';
}

/** Sample levels of one range at one bit depth: black, white span, chroma zero and span. */
export interface YuvLevels {
  yOffset: number;
  yScale: number;
  cOffset: number;
  cScale: number;
  /** Largest sample value, 2^depth − 1. */
  max: number;
}

export function yuvLevels(range: YuvRange, depth: number): YuvLevels {
  const max = (1 << depth) - 1;
  const step = 1 << (depth - 8);
  return range === 'limited'
    ? { yOffset: 16 * step, yScale: 219 * step, cOffset: 128 * step, cScale: 224 * step, max }
    : { yOffset: 0, yScale: max, cOffset: 1 << (depth - 1), cScale: max, max };
}

/** Everything a converter needs to know about one y4m picture. */
export interface YuvFormat {
  width: number;
  height: number;
  shiftX: number;
  shiftY: number;
  /** 1 = mono (luma only); 3 or 4 = Y Cb Cr (a 4th, alpha, plane is ignored on read). */
  planes: 1 | 3 | 4;
  depth: number;
  matrix: YuvMatrix;
  range: YuvRange;
}
