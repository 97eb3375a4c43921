/**
 * kind.illumination — KinD's Illumination-adjustment net: brightens I by a ratio the operator
 * chooses (`mode: ratio`), or by the ratio that brings the mean adjusted illumination to `target`
 * (`mode: auto`, auto-exposure). In auto mode the ratio is smoothed over time in the log domain so
 * exposure glides instead of pumping when headlights pass.
 *
 * ```yaml
 * - id: illum
 *   plugin: kind.illumination
 *   inputs: { illumination: decom.illumination }
 *   options: { mode: ratio, ratio: 5 }
 * ```
 */
import { tensorCaps } from '../../core/caps.js';
import { asFloat, tensorFrame } from '../../core/frame.js';
import { floats, type ModelSession } from '../../core/model.js';
import type { StagePlugin } from '../../core/stage/plugin.js';
import { checkModel, dims, networkOptions, openNetwork } from './network.js';

const minRatio = 0.5;
const maxRatio = 20;

export const kindIllumination: StagePlugin = {
  role: 'stage',
  preferWorker: true,
  id: 'kind.illumination',
  description: "KinD Illumination-adjustment net: I → I' brightened by a ratio (fixed, or automatic exposure)",
  options: {
    ...networkOptions,
    mode: { type: 'string', description: 'ratio: fixed brightening ratio; auto: aim the mean adjusted illumination at target', default: 'ratio', enum: ['ratio', 'auto'] },
    // The shipped weights see stretched inputs, whose natural ratios are ~1–1.5 (the official 5 was
    // for unstretched LOL training); the shipped pipelines use auto, target 0.65 (MODEL_CARD.md).
    ratio: { type: 'number', description: 'brightening ratio; the shipped weights respond over ~1–4', default: 2, min: minRatio, max: maxRatio },
    target: { type: 'number', description: 'auto mode: target mean of the adjusted illumination', default: 0.85, min: 0.05, max: 0.95 },
    smoothing: { type: 'number', description: 'auto mode: weight of the past in the moving average of log(ratio)', default: 0.9, min: 0, max: 0.999 },
  },
  inputs: [{ name: 'illumination', accepts: { kind: 'tensor', channels: 1 }, description: 'I from kind.decom' }],
  outputs: [{ name: 'adjusted', produces: { kind: 'tensor', channels: 1 }, description: "I', 0..1" }],
  example: 'plugin: kind.illumination\ninputs: { illumination: decom.illumination }\noptions: { mode: auto, target: 0.5 }',
  check: checkModel,
  negotiate: (inputs) => ({ adjusted: tensorCaps(inputs.illumination, 1) }),
  create(ctx) {
    let session: ModelSession;
    const auto = ctx.options.mode === 'auto';
    const target = Number(ctx.options.target);
    const smoothing = Number(ctx.options.smoothing);
    let logRatio: number | undefined;
    return {
      async start() {
        session = await openNetwork(ctx, 'illum');
      },
      async process(inputs) {
        const frame = inputs.illumination;
        const light = asFloat(frame, 'kind.illumination');
        let ratio = Number(ctx.options.ratio);
        if (auto) {
          let sum = 0;
          for (let i = 0; i < light.length; i++) sum += light[i];
          const wanted = Math.log(clamp(target / Math.max(sum / light.length, 1e-4), minRatio, maxRatio));
          logRatio = logRatio === undefined ? wanted : smoothing * logRatio + (1 - smoothing) * wanted;
          ratio = Math.exp(logRatio);
        }
        const out = await session.run({
          illumination: { data: light, dims: dims(1, frame) },
          ratio: { data: Float32Array.of(ratio), dims: [1] },
        });
        return { adjusted: { ...tensorFrame(frame, 1, floats(out.adjusted, 'kind.illumination')), meta: { ...frame.meta, ratio } } };
      },
      dispose: () => session?.dispose(),
    };
  },
};

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
