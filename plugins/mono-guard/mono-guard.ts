/**
 * mono.guard — infrared night mode. Cheap cameras switch to infrared at night: the frames carry
 * no chroma (R ≈ G ≈ B), and a colour Retinex model gives them a cast. Placed after the
 * enhancer, this stage looks at the *input* frame (`reference`) on a subsample; once `enter`
 * consecutive frames have mean chroma ≤ `tolerance` (grey frames after H.264 measure 3–4, the
 * dim indoor clip of shared/data ~10, the night road 20–55) it is in mono mode and replaces each enhanced
 * frame by its luma on all three channels (R = G = B exactly, no cast); after `leave`
 * consecutive colour frames it passes frames through again. The luma of the enhanced frame is
 * kept, so switching modes changes only chroma.
 *
 * A colour model also brightens a grey frame differently from a colour one (its illumination
 * estimate follows max(R,G,B), which drops when colour goes): measured on a test clip, KinD's
 * output luma stepped 23 % when the camera switched while the input stepped 0.9 %. So the stage
 * also keeps the enhancement gain (mean output luma / mean input luma) continuous: it follows an
 * exponential average of the gain (`smoothing`) and scales each frame by average/instant gain,
 * turning a jump into a fade of a few frames; brightness changes of the input pass unchanged.
 * Costs ~1–2 ms per 640×360 frame.
 *
 * ```yaml
 * - id: ir
 *   plugin: mono.guard
 *   inputs: { video: fuse, reference: decode }
 *   options: { tolerance: 6, enter: 3, leave: 3, smoothing: 0.9 }
 * ```
 */
import { KindPipeError } from '../../core/errors.js';
import { asBytes, videoFrame } from '../../core/frame.js';
import { averageWarmupFrames } from '../../core/graph/warmup.js';
import { defineStage } from '../../core/stage/plugin.js';
import { meanChroma, meanLuma, scaleBytes, toLuma } from './chroma.js';

export const monoGuard = defineStage({
  role: 'stage',
  id: 'mono.guard',
  description: 'Infrared night mode: when the input has no colour, output the enhanced frame as luma only (no colour cast), with hysteresis',
  options: {
    tolerance: { type: 'number', description: 'mean max−min of R,G,B (0..255) at or below which an input frame counts as mono (H.264 leaves 3–4 on grey frames; dim colour scenes measure ~10)', default: 6, min: 0, max: 255 },
    enter: { type: 'integer', description: 'consecutive mono input frames before mono mode starts', default: 3, min: 1, max: 1000 },
    leave: { type: 'integer', description: 'consecutive colour input frames before mono mode ends', default: 3, min: 1, max: 1000 },
    step: { type: 'integer', description: 'look at every step-th pixel when measuring chroma and luma', default: 7, min: 1, max: 1000 },
    smoothing: {
      type: 'number',
      description: "weight of the past in the running average of the enhancement gain (output/input luma) that keeps brightness continuous across a switch; 0: off",
      default: 0.9,
      min: 0,
      max: 0.99,
    },
  },
  inputs: [
    { name: 'video', accepts: { kind: 'video' }, description: 'enhanced rgb24 frames' },
    { name: 'reference', accepts: { kind: 'video' }, description: 'the input rgb24 frames, where mono is detected' },
  ],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'rgb24 frames; R = G = B in mono mode' }],
  example: 'plugin: mono.guard\ninputs: { video: fuse, reference: decode }\noptions: { tolerance: 6, enter: 3, leave: 3 }',
  // The mode switch looks back enter/leave frames; the gain's average keeps `smoothing` of the past.
  warmupFrames: (options) => Math.max(options.enter, options.leave) + averageWarmupFrames(options.smoothing),
  negotiate(inputs) {
    const { video, reference } = inputs;
    if (video.width !== reference.width || video.height !== reference.height) {
      throw new KindPipeError('caps', `mono.guard: 'video' is ${video.width}×${video.height} but 'reference' is ${reference.width}×${reference.height}: both must be one size`);
    }
    return { video: video };
  },
  create(ctx) {
    const tolerance = ctx.options.tolerance;
    const enter = ctx.options.enter;
    const leave = ctx.options.leave;
    const step = ctx.options.step;
    const smoothing = ctx.options.smoothing;
    let mono = false;
    let run = 0; // consecutive input frames that disagree with the current mode
    let averageGain: number | undefined;

    /** The factor that brings this frame's gain to the running average (1 when smoothing is off). */
    function continuity(reference: Uint8Array, video: Uint8Array): number {
      if (smoothing === 0) return 1;
      const gain = (meanLuma(video, step) + 0.5) / (meanLuma(reference, step) + 0.5);
      averageGain = averageGain === undefined ? gain : smoothing * averageGain + (1 - smoothing) * gain;
      return averageGain / gain;
    }

    return {
      async process(inputs) {
        const reference = asBytes(inputs.reference, 'mono.guard reference');
        const factor = continuity(reference, asBytes(inputs.video, 'mono.guard video'));
        const isMono = meanChroma(reference, step) <= tolerance;
        run = isMono === mono ? 0 : run + 1;
        if (run >= (mono ? leave : enter)) {
          mono = !mono;
          run = 0;
          ctx.log.info(`mono.guard: ${mono ? 'infrared/mono input: luma only' : 'colour input again'} from frame ${inputs.video.index}`, { mono, frame: inputs.video.index });
        }
        const rescale = Math.abs(factor - 1) > 0.002;
        if (!mono && !rescale) return { video: inputs.video };
        const bytes = asBytes(inputs.video, 'mono.guard video').slice();
        if (mono) toLuma(bytes);
        if (rescale) scaleBytes(bytes, factor);
        return { video: { ...videoFrame(inputs.video, bytes), meta: { ...inputs.video.meta, ...(mono ? { mono: true } : {}) } } };
      },
    };
  },
});
