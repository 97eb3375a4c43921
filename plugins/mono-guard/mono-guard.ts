/**
 * mono.guard — infrared night mode. Cheap cameras switch to infrared at night: the frames carry
 * no chroma (R ≈ G ≈ B), and a colour Retinex model gives them a cast. Placed after the
 * enhancer, this stage looks at the *input* frame (`reference`) on a subsample; once `enter`
 * consecutive frames have mean chroma ≤ `tolerance` it is in mono mode and replaces each enhanced
 * frame by its luma on all three channels (R = G = B exactly, no cast); after `leave`
 * consecutive colour frames it passes frames through again. The luma of the enhanced frame is
 * kept, so switching modes changes only chroma, never brightness. Costs ~1 ms per 640×360 frame.
 *
 * ```yaml
 * - id: ir
 *   plugin: mono.guard
 *   inputs: { video: fuse, reference: decode }
 *   options: { tolerance: 3, enter: 3, leave: 3 }
 * ```
 */
import { KindPipeError } from '../../core/errors.js';
import { asBytes, videoFrame } from '../../core/frame.js';
import type { StagePlugin } from '../../core/stage/plugin.js';
import { meanChroma, toLuma } from './chroma.js';

export const monoGuard: StagePlugin = {
  role: 'stage',
  id: 'mono.guard',
  description: 'Infrared night mode: when the input has no colour, output the enhanced frame as luma only (no colour cast), with hysteresis',
  options: {
    tolerance: { type: 'number', description: 'mean max−min of R,G,B (0..255) at or below which an input frame counts as mono', default: 3, min: 0, max: 255 },
    enter: { type: 'integer', description: 'consecutive mono input frames before mono mode starts', default: 3, min: 1, max: 1000 },
    leave: { type: 'integer', description: 'consecutive colour input frames before mono mode ends', default: 3, min: 1, max: 1000 },
    step: { type: 'integer', description: 'look at every step-th pixel of the input when measuring chroma', default: 7, min: 1, max: 1000 },
  },
  inputs: [
    { name: 'video', accepts: { kind: 'video' }, description: 'enhanced rgb24 frames' },
    { name: 'reference', accepts: { kind: 'video' }, description: 'the input rgb24 frames, where mono is detected' },
  ],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'rgb24 frames; R = G = B in mono mode' }],
  example: 'plugin: mono.guard\ninputs: { video: fuse, reference: decode }\noptions: { tolerance: 3, enter: 3, leave: 3 }',
  negotiate(inputs) {
    const { video, reference } = inputs;
    if (video.width !== reference.width || video.height !== reference.height) {
      throw new KindPipeError('caps', `mono.guard: 'video' is ${video.width}×${video.height} but 'reference' is ${reference.width}×${reference.height}: both must be one size`);
    }
    return { video: video };
  },
  create(ctx) {
    const tolerance = Number(ctx.options.tolerance);
    const enter = Number(ctx.options.enter);
    const leave = Number(ctx.options.leave);
    const step = Number(ctx.options.step);
    let mono = false;
    let run = 0; // consecutive input frames that disagree with the current mode
    return {
      async process(inputs) {
        const isMono = meanChroma(asBytes(inputs.reference, 'mono.guard reference'), step) <= tolerance;
        run = isMono === mono ? 0 : run + 1;
        if (run >= (mono ? leave : enter)) {
          mono = !mono;
          run = 0;
          ctx.log.info(`mono.guard: ${mono ? 'infrared/mono input: luma only' : 'colour input again'} from frame ${inputs.video.index}`, { mono, frame: inputs.video.index });
        }
        if (!mono) return { video: inputs.video };
        const bytes = asBytes(inputs.video, 'mono.guard video').slice();
        toLuma(bytes);
        return { video: { ...videoFrame(inputs.video, bytes), meta: { ...inputs.video.meta, mono: true } } };
      },
    };
  },
};
