/**
 * Where `before` and `after` go in the preview picture: both scaled to one display height, a
 * thin gap between them. ffmpeg does the scaling; JavaScript only stacks the two frames' rows
 * into one buffer (row copies, no per-pixel work), which ffmpeg crops apart again.
 */
export interface SideBySide {
  before: { width: number; height: number };
  after: { width: number; height: number };
  /** The stacked input ffmpeg reads: `before` rows on top of `after` rows, left-aligned. */
  packed: { width: number; height: number };
  /** Display size of each side and of the whole picture. */
  display: { height: number; left: number; gap: number; right: number; width: number };
}

export const gap = 4;

/** `height` 0: the `after` frame's own height (what the enhancer made, unscaled). */
export function sideBySide(before: { width: number; height: number }, after: { width: number; height: number }, height: number): SideBySide {
  const h = height > 0 ? height : after.height;
  const left = Math.max(1, Math.round((before.width * h) / before.height));
  const right = Math.max(1, Math.round((after.width * h) / after.height));
  return {
    before,
    after,
    packed: { width: Math.max(before.width, after.width), height: before.height + after.height },
    display: { height: h, left, gap, right, width: left + gap + right },
  };
}

/** The ffmpeg filtergraph that turns one packed frame into the picture. */
export function filterGraph(layout: SideBySide): string {
  const { before, after, display } = layout;
  return (
    `[0:v]split[b][a];` +
    `[b]crop=${before.width}:${before.height}:0:0,scale=${display.left}:${display.height},pad=${display.left + display.gap}:${display.height}:0:0:color=0x0d1117[l];` +
    `[a]crop=${after.width}:${after.height}:0:${before.height},scale=${display.right}:${display.height}[r];` +
    `[l][r]hstack=inputs=2,format=yuvj444p`
  );
}

/**
 * Stacks the two rgb24 frames into one fresh buffer of the packed size. Where one frame is
 * narrower, the rest of its rows is left as it was allocated: the filtergraph crops it away.
 */
export function pack(layout: SideBySide, before: Uint8Array, after: Uint8Array): Buffer {
  const stride = layout.packed.width * 3;
  const out = Buffer.allocUnsafe(stride * layout.packed.height);
  copyRows(out, stride, 0, before, layout.before.width * 3, layout.before.height);
  copyRows(out, stride, layout.before.height, after, layout.after.width * 3, layout.after.height);
  return out;
}

function copyRows(out: Buffer, stride: number, top: number, src: Uint8Array, rowBytes: number, rows: number): void {
  if (rowBytes === stride) {
    out.set(src.subarray(0, rowBytes * rows), top * stride);
    return;
  }
  for (let y = 0; y < rows; y++) out.set(src.subarray(y * rowBytes, (y + 1) * rowBytes), (top + y) * stride);
}
