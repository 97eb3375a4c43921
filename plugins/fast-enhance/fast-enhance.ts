/**
 * fast.enhance — kind-fast for live video: the model's low-resolution net (its `maps` network,
 * models/fast/MODEL_CARD.md) gives a per-pixel affine model P, Q at 1/4 resolution, and this
 * stage does the full-resolution work itself in two passes over the rgb24 bytes: the 4×4 block
 * statistics the net takes (block-stats.ts) and out = up(P)·x + up(Q) (affine-slice.ts). The
 * network runs on 1/16 of the pixels, and no full-resolution float tensor is ever made: at
 * 1280×720 the whole-frame graph that `model.image` runs spends most of its time on them.
 *
 * On video the image-wide context (exposure, colour cast) follows an exponential average over
 * frames (`smoothing`) instead of each frame's own, so a static scene does not pump with noise.
 * `smoothing: 0` gives the same output as `model.image` with kind-fast, within one code value.
 *
 * ```yaml
 * - id: enhance
 *   plugin: fast.enhance
 *   worker: false
 *   inputs: { video: decode }
 *   options: { model: kind-fast, smoothing: 0.9, threads: 1 }
 * ```
 */
import { videoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { asBytes, videoFrame } from '../../core/frame.js';
import { averageWarmupFrames } from '../../core/graph/warmup.js';
import { ModelRegistry, runtimeOptionSchema, type ModelSession } from '../../core/model.js';
import { defineStage } from '../../core/stage/plugin.js';
import { finiteOutputs } from '../kind/network.js';
import { AffineSlice } from './affine-slice.js';
import { BlockStats } from './block-stats.js';

const NETWORK = 'maps';

export const fastEnhance = defineStage({
  role: 'stage',
  id: 'fast.enhance',
  description: "kind-fast for live video: its low-resolution net, then one fused full-resolution pass over the bytes; the image-wide context smoothed over frames",
  options: {
    model: { type: 'string', description: "registry id of a model with a 'maps' network (kind-pipe models)", default: 'kind-fast' },
    smoothing: { type: 'number', description: "weight of the past in the running average of the image-wide context (exposure, colour cast); 0: each frame on its own", default: 0.9, min: 0, max: 0.99 },
    ...runtimeOptionSchema,
  },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'rgb24 frames' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'enhanced rgb24 frames, same size' }],
  example: 'plugin: fast.enhance\ninputs: { video: decode }\noptions: { model: kind-fast, smoothing: 0.9 }',
  warmupFrames: (options) => averageWarmupFrames(options.smoothing),
  check(options, services) {
    try {
      const entry = services.get<ModelRegistry>(ModelRegistry).get(options.model);
      if (!entry.networks[NETWORK]) {
        return [{ option: 'model', message: `model '${options.model}' has no '${NETWORK}' network (it has ${Object.keys(entry.networks).join(', ')}). Fix: model: kind-fast, or run this model with plugin: model.image` }];
      }
      return [];
    } catch (error) {
      return [{ option: 'model', message: KindPipeError.is(error) ? error.message : String(error) }];
    }
  },
  negotiate(inputs) {
    return { video: videoCaps(inputs.video) };
  },
  create(ctx) {
    const o = ctx.options;
    let session: ModelSession;
    let stats: BlockStats | undefined;
    let slice: AffineSlice | undefined;
    let context: Float32Array = new Float32Array(0);
    const mix = new Float32Array(1);
    let first = true;

    function size(width: number, height: number): void {
      if (stats?.width === width && stats.height === height) return;
      stats = new BlockStats(width, height);
      slice = new AffineSlice(width, height, stats.lowWidth, stats.lowHeight);
    }

    return {
      async start(caps) {
        session = finiteOutputs(await ctx.get<ModelRegistry>(ModelRegistry).open(o.model, NETWORK, {
          threads: o.threads,
          optimization: o.optimization,
          providers: o.providers.split(',').map((p) => p.trim()).filter(Boolean),
        }), `fast.enhance '${ctx.nodeId}' (model '${o.model}' network '${NETWORK}')`);
        const video = videoCaps(caps.video);
        if (video.width !== null && video.height !== null) size(video.width, video.height);
      },
      async process(inputs) {
        const frame = inputs.video;
        const bytes = asBytes(frame, 'fast.enhance');
        size(frame.width, frame.height);
        const s = stats!;
        s.measure(bytes);
        const dims = [1, 3, s.lowHeight, s.lowWidth];
        mix[0] = first ? 1 : 1 - o.smoothing;
        if (first) context = new Float32Array(19);
        const result = await session.run({
          low: { data: s.low, dims },
          spread: { data: s.spread, dims },
          context: { data: context, dims: [1, context.length, 1, 1] },
          mix: { data: mix, dims: [1] },
        });
        const maps = result.maps.data;
        if (!(maps instanceof Float32Array) || maps.length !== 6 * s.lowWidth * s.lowHeight) {
          throw new KindPipeError('model', `fast.enhance '${ctx.nodeId}': model '${o.model}' network '${NETWORK}' gave 'maps' [${result.maps.dims.join(',')}] ${maps.constructor.name}, expected [1,6,${s.lowHeight},${s.lowWidth}] float32. Fix: re-export it with models/fast/train/fast.py export-maps`);
        }
        context = result.used.data as Float32Array;
        first = false;
        const out = new Uint8Array(bytes.length);
        slice!.apply(bytes, maps, new Uint8ClampedArray(out.buffer, out.byteOffset, out.length));
        return { video: videoFrame(frame, out) };
      },
      dispose: () => session?.dispose(),
    };
  },
});
