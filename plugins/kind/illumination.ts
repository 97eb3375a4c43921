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
 * `reuse: true` is for a fixed camera whose I is kept where nothing moved (kind.regions): I' is
 * recomputed only in windows around the 16×16 blocks of I that changed since the last frame, with
 * the net's reach (4 px) of context, so the pasted part equals the whole-frame result; the rest of
 * I' is kept. While the ratio glides, the kept I' was computed at an older ratio: once the ratio
 * has moved more than `ratioTolerance` (relative) from the one the kept I' was made with, the
 * whole frame is recomputed, so two parts of a frame never differ by more than that in their
 * ratio. The net costs ~0.4 s a 1280×720 frame on one core; a walker's windows are a tenth of it.
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
import { changedRects, pieces, window } from '../kind-regions/rects.js';
import { paste } from '../kind-regions/planes.js';
import { edgePadding, mirroredRect, mirrorPadded } from './edge-padding.js';
import { checkModel, dims, networkOptions, openNetwork } from './network.js';

const minRatio = 0.5;
const maxRatio = 20;

/** What `reuse` did with a frame (frame meta `illumination`): recomputed whole, or the share of the pixels the net saw. */
export interface IllumReuseReport {
  full: boolean;
  work: number;
}

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
    reuse: { type: 'boolean', description: "fixed cameras: recompute I' only where I changed since the last frame (kind.regions keeps I where nothing moved), the rest kept", default: false },
    ratioTolerance: { type: 'number', description: "reuse: relative change of the ratio since the kept I' was computed that recomputes the whole frame", default: 0.005, min: 0, max: 0.5 },
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
    /** The net without the stage's mirror padding: `reuse` mirrors each window itself. */
    let bare: ModelSession;
    /** For `reuse`: the last frame's I, the I' kept, and the ratio the oldest part of it was made at. */
    let kept: { width: number; height: number; light: Float32Array; adjusted: Float32Array; ratio: number } | undefined;
    const totals = { frames: 0, full: 0, work: 0 };
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
    async function whole(light: Float32Array, frame: Frame, ratio: number): Promise<Float32Array> {
      const out = await session.run({ illumination: { data: light, dims: dims(1, frame) }, ratio: { data: Float32Array.of(ratio), dims: [1] } });
      return floats(out.adjusted, 'kind.illumination');
    }
    /** `reuse`: the windows around what changed since the last frame, or the whole frame. */
    async function reused(light: Float32Array, frame: Frame, ratio: number): Promise<{ adjusted: Float32Array; report: IllumReuseReport }> {
      const { width, height } = frame;
      totals.frames++;
      const k = kept;
      const changed = k && k.width === width && k.height === height && Math.abs(ratio / k.ratio - 1) <= o.ratioTolerance ? changedBlocks(light, k.light, width, height) : undefined;
      if (!k || !changed || changed.share > 0.5) {
        totals.full++;
        totals.work += 1;
        const adjusted = await whole(light, frame, ratio);
        kept = { width, height, light: light.slice(), adjusted, ratio };
        return { adjusted: adjusted.slice(), report: { full: true, work: 1 } };
      }
      let work = 0;
      for (const core of changedRects(changed.map, changed.cols, changed.rows, reuseBlock, width, height, reach).flatMap((r) => pieces(r, 1024))) {
        const win = window(core, reach, 1, width, height, edgePadding.illum);
        work += win.width * win.height;
        const out = await bare.run({ illumination: { data: mirroredRect(light, 1, width, height, win), dims: [1, 1, win.height, win.width] }, ratio: { data: Float32Array.of(ratio), dims: [1] } });
        paste(k.adjusted, 1, width, height, floats(out.adjusted, 'kind.illumination'), win, core);
      }
      totals.work += work / (width * height);
      k.light.set(light);
      return { adjusted: k.adjusted.slice(), report: { full: false, work: work / (width * height) } };
    }
    return {
      async start() {
        bare = await openNetwork(ctx, 'illum');
        session = mirrorPadded(bare, edgePadding.illum);
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
        if (!o.reuse) return { adjusted: { ...tensorFrame(frame, 1, await whole(light, frame, ratio)), meta: { ...frame.meta, ratio } } };
        const { adjusted, report } = await reused(light, frame, ratio);
        return { adjusted: { ...tensorFrame(frame, 1, adjusted), meta: { ...frame.meta, ratio, illumination: report } } };
      },
      dispose() {
        if (totals.frames > 0) ctx.log.info(`reuse: computed ${(100 * totals.work / totals.frames).toFixed(1)} % of the pixels a frame on average, ${totals.full} full frames of ${totals.frames}`, { node: ctx.nodeId, ...totals });
        session?.dispose();
        exposure?.dispose();
      },
    };
  },
});

/** The Illumination net's four 3×3 convolutions reach 4 px: windows with that context are exact. */
const reach = 4;
/** `reuse` compares I in blocks of this side. */
const reuseBlock = 16;

/** The 16×16 blocks in which `now` differs from `then` at all (I kept upstream is bit-identical), and their share. */
export function changedBlocks(now: Float32Array, then: Float32Array, width: number, height: number): { map: Uint8Array; cols: number; rows: number; share: number } {
  const cols = Math.ceil(width / reuseBlock), rows = Math.ceil(height / reuseBlock);
  const map = new Uint8Array(cols * rows);
  let count = 0;
  for (let y = 0; y < height; y++) {
    const row = (y / reuseBlock | 0) * cols;
    for (let bx = 0; bx < cols; bx++) {
      if (map[row + bx]) continue;
      const x1 = Math.min(width, (bx + 1) * reuseBlock);
      for (let x = bx * reuseBlock, i = y * width + x; x < x1; x++, i++) {
        if (now[i] !== then[i]) {
          map[row + bx] = 1;
          count++;
          break;
        }
      }
    }
  }
  return { map, cols, rows, share: count / map.length };
}

/** The registry role of the exposure net an `exposureNet` option names. */
export function exposureRole(exposureNet: string): 'exposure' | 'exposure-night' {
  return exposureNet === 'night' ? 'exposure-night' : 'exposure';
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
