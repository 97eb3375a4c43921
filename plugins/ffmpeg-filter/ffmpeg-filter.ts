/**
 * ffmpeg.filter — any ffmpeg video filtergraph (one chain: `hqdn3d=4:3:6:4.5`, `unsharp`,
 * `scale=1280:-2`, `eq=gamma=1.4,hqdn3d`) as a stage. One ffmpeg process runs for the whole
 * stream, so temporal filters keep their state; frames go in as raw rgb24 and come back as PPM
 * images (ffmpeg's image2pipe flushes each image at once; its rawvideo muxer holds one back).
 * Every output frame keeps its input's index, pts and meta (frame accounting, timestamps), and
 * its size comes from `negotiate` before any frame flows, so `scale` works. Filters that drop,
 * add or hold back frames (`fps`, `select`, `tmix`, `minterpolate`) break the one-in-one-out
 * rule and fail the run, naming the frame.
 *
 * ```yaml
 * - id: denoise
 *   plugin: ffmpeg.filter
 *   inputs: { video: decode }
 *   options: { graph: "hqdn3d=4:3:6:4.5" }
 * ```
 */
import { videoCaps, type VideoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import { requireFfmpeg } from '../../core/media/tool.js';
import { defineStage } from '../../core/stage/plugin.js';
import { FilterProcess } from './filter-process.js';
import { filterOutputSize } from './output-size.js';
import { temporalFilterFrames } from './temporal-filters.js';

/** Below this, ffmpeg's rawvideo input waits for more bytes than one frame before it starts (measured with ffmpeg 5.1). */
const minPixels = 4;

export const ffmpegFilter = defineStage({
  role: 'stage',
  id: 'ffmpeg.filter',
  description: 'Any ffmpeg video filtergraph (hqdn3d, unsharp, scale, eq, …) as a stage; one frame out per frame in',
  options: {
    graph: { type: 'string', description: "an ffmpeg -vf filter chain, e.g. 'hqdn3d=4:3:6:4.5' or 'scale=640:-2,unsharp'" },
    threads: { type: 'integer', description: "ffmpeg's filter threads", default: 1, min: 1, max: 16 },
    timeout: { type: 'number', description: 'seconds to wait for one filtered frame before failing (a filter that drops or holds back frames)', default: 10, min: 0.1, max: 600 },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video', fixedSize: true }, description: 'rgb24 frames of one size' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'filtered rgb24 frames (the size may change, e.g. scale)' }],
  example: 'plugin: ffmpeg.filter\ninputs: { video: decode }\noptions: { graph: "hqdn3d=4:3:6:4.5" }',
  warmupFrames: (options) => temporalFilterFrames(options.graph),
  negotiate(inputs, options) {
    requireFfmpeg();
    const input = inputs.video;
    if (input.width! * input.height! < minPixels) {
      throw new KindPipeError('caps', `ffmpeg.filter '${options.graph}': a ${input.width}×${input.height} frame is too small: ffmpeg holds back frames of under ${minPixels} pixels until more input arrives, so no frame would come out in step. Fix: frames of at least ${minPixels} pixels (e.g. scale them up before this stage)`);
    }
    const size = filterOutputSize(options.graph, input.width!, input.height!, input.stream.fps);
    return { video: { ...videoCaps(input), ...size } };
  },
  create(ctx) {
    let filter: FilterProcess | undefined;
    return {
      async start(caps) {
        const input = caps.video as VideoCaps;
        const output = filterOutputSize(ctx.options.graph, input.width!, input.height!, input.stream.fps);
        filter = new FilterProcess(ctx.options.graph, input, output, ctx.options.threads, ctx.options.timeout * 1000);
      },
      async process(inputs): Promise<FrameSet> {
        const frame = inputs.video;
        const image = await filter!.filter(frame.data as Uint8Array, frame.index);
        return { video: { index: frame.index, pts: frame.pts, width: image.width, height: image.height, channels: 3, data: image.data, meta: frame.meta } };
      },
      async dispose() {
        await filter?.close();
      },
    };
  },
});
