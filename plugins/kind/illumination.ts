/**
 * kind.illumination — KinD's Illumination-adjustment net: brightens I by a ratio the operator
 * chooses (`mode: ratio`), by the ratio that brings the mean adjusted illumination to `target`
 * (`mode: auto`, auto-exposure), or by the ratio the model's exposure net predicts from I's
 * histogram (`mode: learned`, trained on synthetic pairs to land on the photo's brightness;
 * `compensation` scales it for a brighter or darker picture). `exposureNet: night` picks the net
 * fitted also on scenes with lamps, which brightens real night footage more (lamps at white keep
 * the per-frame stretch from brightening it; models/kind/MODEL_CARD.md). In auto and learned modes the ratio
 * is smoothed over time in the log domain so exposure glides instead of pumping when headlights
 * pass.
 *
 * ```yaml
 * - id: illum
 *   plugin: kind.illumination
 *   inputs: { illumination: decom.illumination }
 *   options: { mode: ratio, ratio: 5 }
 * ```
 */
import { tensorCaps } from '../../core/caps.js';
import { asFloat, tensorFrame, type Frame } from '../../core/frame.js';
import { floats, ModelRegistry, type ModelSession } from '../../core/model.js';
import { averageWarmupFrames } from '../../core/graph/warmup.js';
import { defineStage } from '../../core/stage/plugin.js';
import { edgePadding, mirrorPadded } from './edge-padding.js';
import { checkModel, dims, networkOptions, openNetwork } from './network.js';

const minRatio = 0.5;
const maxRatio = 20;

export const kindIllumination = defineStage({
  role: 'stage',
  preferWorker: true,
  id: 'kind.illumination',
  description: "KinD Illumination-adjustment net: I → I' brightened by a ratio (fixed, or automatic exposure)",
  options: {
    ...networkOptions,
    mode: { type: 'string', description: "ratio: fixed brightening ratio; auto: aim the mean adjusted illumination at target; learned: the model's exposure net picks the ratio", default: 'ratio', enum: ['ratio', 'auto', 'learned'] },
    // The shipped weights see stretched inputs, whose natural ratios are ~1–1.5 (the official 5 was
    // for unstretched LOL training); the shipped pipelines use mode: learned (MODEL_CARD.md).
    ratio: { type: 'number', description: 'brightening ratio; the shipped weights respond over ~1–4', default: 2, min: minRatio, max: maxRatio, when: { mode: ['ratio'] } },
    target: { type: 'number', description: 'auto mode: target mean of the adjusted illumination', default: 0.85, min: 0.05, max: 0.95, when: { mode: ['auto'] } },
    compensation: { type: 'number', description: 'learned mode: multiplies the learned ratio (above 1 brighter, below 1 darker)', default: 1, min: 0.25, max: 4, when: { mode: ['learned'] } },
    exposureNet: {
      type: 'string',
      description: "learned mode: 'general' (fitted on photos darkened without light sources) or 'night' (fitted also on scenes with lamps at white: brighter on real night footage, 0.4 dB lower on the synthetic benchmark)",
      default: 'general',
      enum: ['general', 'night'],
      when: { mode: ['learned'] },
    },
    smoothing: { type: 'number', description: 'auto and learned modes: weight of the past in the moving average of log(ratio)', default: 0.9, min: 0, max: 0.999, when: { mode: ['auto', 'learned'] } },
  },
  inputs: [{ name: 'illumination', accepts: { kind: 'tensor', channels: 1 }, description: 'I from kind.decom' }],
  outputs: [{ name: 'adjusted', produces: { kind: 'tensor', channels: 1 }, description: "I', 0..1" }],
  example: 'plugin: kind.illumination\ninputs: { illumination: decom.illumination }\noptions: { mode: auto, target: 0.5 }',
  check(options, services) {
    const problems = checkModel(options, services);
    if (problems.length || options.mode !== 'learned') return problems;
    const entry = services.get<ModelRegistry>(ModelRegistry).get(options.model);
    if (!entry.networks.exposure) {
      return [{ option: 'mode', message: `model '${entry.id}' has no exposure network for mode: learned. Fix: use mode: auto (with a target), or a model that ships one (kind, kind-lite)` }];
    }
    const role = exposureRole(options.exposureNet);
    if (entry.networks[role]) return [];
    return [{ option: 'exposureNet', message: `model '${entry.id}' has no ${options.exposureNet} exposure network (${role}). Fix: exposureNet: general, or a model that ships one (kind, kind-lite)` }];
  },
  negotiate: (inputs) => ({ adjusted: tensorCaps(inputs.illumination, 1) }),
  warmupFrames: (options) => (options.mode === 'ratio' ? 0 : averageWarmupFrames(options.smoothing)),
  create(ctx) {
    const o = ctx.options;
    type Adaptive = Exclude<typeof o, { mode: 'ratio' }>;
    let session: ModelSession;
    let exposure: ModelSession | undefined;
    let logRatio: number | undefined;
    /** The ratio this frame asks for, before smoothing and clamping. */
    async function wantedRatio(adaptive: Adaptive, light: Float32Array, frame: Frame): Promise<number> {
      if (adaptive.mode === 'learned') {
        const out = await exposure!.run({ illumination: { data: light, dims: dims(1, frame) } });
        return Math.exp(floats(out.log_ratio, 'kind.illumination')[0]) * adaptive.compensation;
      }
      let sum = 0;
      for (let i = 0; i < light.length; i++) sum += light[i];
      return adaptive.target / Math.max(sum / light.length, 1e-4);
    }
    return {
      async start() {
        session = mirrorPadded(await openNetwork(ctx, 'illum'), edgePadding.illum);
        if (o.mode === 'learned') exposure = await openNetwork(ctx, exposureRole(o.exposureNet));
      },
      async process(inputs) {
        const frame = inputs.illumination;
        const light = asFloat(frame, 'kind.illumination');
        let ratio: number;
        if (o.mode === 'ratio') ratio = o.ratio;
        else {
          const wanted = Math.log(clamp(await wantedRatio(o, light, frame), minRatio, maxRatio));
          logRatio = logRatio === undefined ? wanted : o.smoothing * logRatio + (1 - o.smoothing) * wanted;
          ratio = Math.exp(logRatio);
        }
        const out = await session.run({
          illumination: { data: light, dims: dims(1, frame) },
          ratio: { data: Float32Array.of(ratio), dims: [1] },
        });
        return { adjusted: { ...tensorFrame(frame, 1, floats(out.adjusted, 'kind.illumination')), meta: { ...frame.meta, ratio } } };
      },
      dispose() {
        session?.dispose();
        exposure?.dispose();
      },
    };
  },
});

/** The registry role of the exposure net an `exposureNet` option names. */
export function exposureRole(exposureNet: string): 'exposure' | 'exposure-night' {
  return exposureNet === 'night' ? 'exposure-night' : 'exposure';
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
