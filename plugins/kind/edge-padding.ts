import type { ModelSession, TensorData } from '../../core/model.js';

/**
 * Mirror padding around a KinD network (issue #20). Every conv of the networks pads with zeros, so
 * on a dark frame the outer pixels see black beyond the edge and come out 5–30 code values off
 * (R, I and the U-Net's R' all brighten there): the 1–6 px bright border of enhanced night video.
 * The stage mirrors its input by `pad` pixels on each side before the session and crops the
 * outputs back, so the edge looks like the interior to the network. Pixels per network: enough to
 * cover the zero-padding reach that showed on a flat dark frame (models/kind/MODEL_CARD.md,
 * "Frame edges"); models/kind/train/export_pipeline.py pads the one-graph export the same way.
 */
export const edgePadding = { decom: 8, restore: 8, illum: 4 } as const;

/** Index of the mirrored (edge pixel repeated, `dcba|abcd|dcba`) pixel for i in any range, any n ≥ 1. */
export function mirrorIndex(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * The pixels of `rect` of a CHW float image, as a CHW image of the rect's size; where the rect
 * reaches beyond the image, the image is mirrored (kind.regions' windows at the frame's edges).
 */
export function mirroredRect(src: Float32Array, channels: number, width: number, height: number, rect: { x: number; y: number; width: number; height: number }): Float32Array {
  const inside = rect.x >= 0 && rect.x + rect.width <= width;
  const cols = inside ? undefined : Int32Array.from({ length: rect.width }, (_, x) => mirrorIndex(rect.x + x, width));
  const out = new Float32Array(channels * rect.width * rect.height);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < rect.height; y++) {
      const from = c * width * height + mirrorIndex(rect.y + y, height) * width;
      const to = (c * rect.height + y) * rect.width;
      if (!cols) out.set(src.subarray(from + rect.x, from + rect.x + rect.width), to);
      else for (let x = 0; x < rect.width; x++) out[to + x] = src[from + cols[x]];
    }
  }
  return out;
}

/** A CHW float image padded by mirroring `pad` pixels on every side. */
export function mirrorPad(src: Float32Array, channels: number, width: number, height: number, pad: number): Float32Array {
  return mirroredRect(src, channels, width, height, { x: -pad, y: -pad, width: width + 2 * pad, height: height + 2 * pad });
}

/** The centre width×height of a CHW float image padded by `pad`. */
export function cropPadding(src: Float32Array, channels: number, width: number, height: number, pad: number): Float32Array {
  const w = width + 2 * pad;
  const h = height + 2 * pad;
  const out = new Float32Array(channels * width * height);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const from = (c * h + y + pad) * w + pad;
      out.set(src.subarray(from, from + width), (c * height + y) * width);
    }
  }
  return out;
}

/**
 * A session that mirror-pads every image feed (dims [1, C, H, W], float32) by `pad` and crops every
 * image output back; other feeds (the illumination ratio) pass through.
 */
export function mirrorPadded(session: ModelSession, pad: number): ModelSession {
  if (pad <= 0) return session;
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    dispose: () => session.dispose(),
    async run(feeds) {
      const padded: Record<string, TensorData> = {};
      for (const [name, feed] of Object.entries(feeds)) {
        const [n, c, h, w] = feed.dims;
        padded[name] = feed.dims.length === 4 && n === 1 && feed.data instanceof Float32Array
          ? { data: mirrorPad(feed.data, c, w, h, pad), dims: [1, c, h + 2 * pad, w + 2 * pad] }
          : feed;
      }
      const outputs = await session.run(padded);
      const cropped: Record<string, TensorData> = {};
      for (const [name, out] of Object.entries(outputs)) {
        const [n, c, h, w] = out.dims;
        cropped[name] = out.dims.length === 4 && n === 1 && out.data instanceof Float32Array && h > 2 * pad && w > 2 * pad
          ? { data: cropPadding(out.data, c, w - 2 * pad, h - 2 * pad, pad), dims: [1, c, h - 2 * pad, w - 2 * pad] }
          : out;
      }
      return cropped;
    },
  };
}
