/**
 * temporal.denoise — averages the static scene of a fixed camera over time, before the networks:
 * each pixel's running mean covers up to `frames` frames (noise falls as 1/√frames) until the
 * pixel changes beyond what the video's own noise explains, when it restarts at once, so anything
 * that moves passes as it is (background.ts has the method).
 *
 * ```yaml
 * - id: still
 *   plugin: temporal.denoise
 *   inputs: { video: decode }
 *   options: { frames: 24, threshold: 1.8 }
 * ```
 */
import { asBytes, videoFrame } from '../../core/frame.js';
import { defineStage } from '../../core/stage/plugin.js';
import { Background } from './background.js';

export const temporalDenoise = defineStage({
  role: 'stage',
  id: 'temporal.denoise',
  description: 'Average what stays still over time (fixed cameras): noise falls as 1/√frames, what moves passes unchanged',
  preferWorker: true,
  options: {
    frames: { type: 'integer', description: 'most frames one pixel is averaged over', default: 24, min: 1, max: 255 },
    threshold: { type: 'number', description: "how many times noise's expected difference a 3×3 neighbourhood must differ to count as moved (lower: fewer trails, less denoising)", default: 1.8, min: 1, max: 10 },
    globalChange: { type: 'number', description: 'share of the frame that changed at once above which every pixel restarts (a light switched on)', default: 0.5, min: 0.05, max: 1 },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'rgb24 frames of a fixed camera' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'the same frames, the static scene averaged' }],
  example: 'plugin: temporal.denoise\ninputs: { video: decode }\noptions: { frames: 24 }',
  negotiate: (inputs) => ({ video: inputs.video }),
  warmupFrames: (options) => options.frames,
  create(ctx) {
    const options = { maxFrames: ctx.options.frames, threshold: ctx.options.threshold, globalChange: ctx.options.globalChange };
    let background: Background | undefined;
    return {
      async process(inputs) {
        const frame = inputs.video;
        const bytes = asBytes(frame, 'temporal.denoise');
        if (!background || background.width !== frame.width || background.height !== frame.height) background = new Background(frame.width, frame.height, options);
        const out = new Uint8Array(bytes.length);
        background.push(bytes, out);
        return { video: videoFrame(frame, out) };
      },
    };
  },
});
