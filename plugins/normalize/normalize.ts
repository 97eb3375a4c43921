/**
 * normalize — rgb24 bytes to the float tensor KinD expects, with KinD's min-max stretch.
 *
 * `minmax` is the official per-image stretch `(x - min) / max(max - min, 0.001)`. On video it
 * flickers: a headlight entering the frame raises `max` and darkens everything else at once.
 * `temporal` takes robust min and max (ignoring the darkest and brightest `clip` fraction of
 * samples, so a few saturated headlight pixels do not count) and smooths them over time
 * (exponential moving average, `smoothing` = weight of the past), so the stretch changes slowly;
 * values beyond it are clipped. `none` only scales to 0..1.
 *
 * ```yaml
 * - id: norm
 *   plugin: normalize
 *   inputs: { video: decode }
 *   options: { mode: temporal, smoothing: 0.9 }
 * ```
 */
import { tensorCaps } from '../../core/caps.js';
import { asBytes, tensorFrame } from '../../core/frame.js';
import { averageWarmupFrames } from '../../core/graph/warmup.js';
import { defineStage } from '../../core/stage/plugin.js';

export const normalize = defineStage({
  role: 'stage',
  id: 'normalize',
  description: "rgb24 → float tensor [1,3,H,W] in 0..1 with KinD's min-max stretch (per frame or smoothed over time)",
  options: {
    mode: { type: 'string', description: 'minmax: per frame (official); temporal: smoothed for video; none: x/255', default: 'temporal', enum: ['minmax', 'temporal', 'none'] },
    smoothing: { type: 'number', description: 'temporal mode: weight of the past in the moving average of min and max', default: 0.9, min: 0, max: 0.999, when: { mode: ['temporal'] } },
    clip: { type: 'number', description: 'temporal mode: fraction of samples ignored at each end when finding min and max', default: 0.001, min: 0, max: 0.1, when: { mode: ['temporal'] } },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'rgb24 frames' }],
  outputs: [{ name: 'image', produces: { kind: 'tensor', channels: 3 }, description: 'f32[1,3,H,W], 0..1' }],
  example: 'plugin: normalize\ninputs: { video: decode }\noptions: { mode: temporal }',
  negotiate: (inputs) => ({ image: tensorCaps(inputs.video, 3) }),
  warmupFrames: (options) => (options.mode === 'temporal' ? averageWarmupFrames(options.smoothing) : 0),
  create(ctx) {
    const o = ctx.options;
    const histogram = new Uint32Array(256);
    let low: number | undefined;
    let high: number | undefined;
    return {
      async process(inputs) {
        const frame = inputs.video;
        const bytes = asBytes(frame, 'normalize');
        const plane = frame.width * frame.height;
        let min = 0;
        let max = 255;
        if (o.mode === 'minmax') {
          min = 255;
          max = 0;
          for (let i = 0; i < bytes.length; i++) {
            const v = bytes[i];
            if (v < min) min = v;
            if (v > max) max = v;
          }
        } else if (o.mode === 'temporal') {
          const range = robustRange(bytes, histogram, o.clip);
          low = low === undefined ? range.min : o.smoothing * low + (1 - o.smoothing) * range.min;
          high = high === undefined ? range.max : o.smoothing * high + (1 - o.smoothing) * range.max;
          min = low;
          max = high;
        }
        const scale = 1 / Math.max((max - min) / 255, 0.001) / 255;
        const out = new Float32Array(plane * 3);
        for (let p = 0, i = 0; p < plane; p++, i += 3) {
          out[p] = clamp01((bytes[i] - min) * scale);
          out[plane + p] = clamp01((bytes[i + 1] - min) * scale);
          out[2 * plane + p] = clamp01((bytes[i + 2] - min) * scale);
        }
        return { image: tensorFrame(frame, 3, out) };
      },
    };
  },
});

/** The lowest and highest byte values once `clip` of the samples at each end are ignored. */
function robustRange(bytes: Uint8Array, histogram: Uint32Array, clip: number): { min: number; max: number } {
  histogram.fill(0);
  for (let i = 0; i < bytes.length; i++) histogram[bytes[i]]++;
  const skip = Math.floor(clip * bytes.length);
  let min = 0;
  for (let seen = histogram[0]; seen <= skip && min < 255; seen += histogram[++min]);
  let max = 255;
  for (let seen = histogram[255]; seen <= skip && max > 0; seen += histogram[--max]);
  return max >= min ? { min, max } : { min: max, max: min };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
