/**
 * fast.enhance — kind-fast for live video: the model's low-resolution net (its `heads` network,
 * models/fast/MODEL_CARD.md) gives curve strengths and a detail weight at 1/4 resolution, and
 * this stage does the rest itself, in WebAssembly SIMD (kernels.wat): the 4×4 block statistics
 * the net takes, the curves that make them a per-pixel affine model P, Q, then
 * out = up(P)·x + up(Q) over the rgb24 bytes. No
 * full-resolution float tensor is ever made: at 1280×720 the whole-frame graph that
 * `model.image` runs spends most of its time on them.
 *
 * A fixed camera's scene repeats, so with `refresh` > 1 the net runs on the whole frame only on
 * every `refresh`-th frame (and when most of the picture changed); in between it re-runs only
 * the windows around the tiles whose block means changed beyond the input's own noise
 * (kind.regions' change test, on the block means), with the image-wide context held, and keeps
 * the maps elsewhere. The net's receptive field is 10 low-resolution pixels, so a window with
 * that margin gives exactly the whole-frame maps inside it; a fade over 16 px around what changed
 * hides the noise step at its edge. Where nothing moved the flat, denoised part of the output (Q) then holds
 * still between refreshes instead of following each frame's noise.
 *
 * On video the image-wide context (exposure, colour cast) follows an exponential average over
 * frames (`smoothing`) instead of each frame's own, so a static scene does not pump with noise.
 * With `hold`, a pixel's maps change at once only where the new ones move it a lot, and
 * otherwise drift toward each run's in proportion (settle.ts): the still parts stop following the
 * noise and the lights around them, and what moves or lights up still changes on its frame.
 * `smoothing: 0, refresh: 1` gives the same output as `model.image` with kind-fast, within one
 * code value.
 *
 * ```yaml
 * - id: enhance
 *   plugin: fast.enhance
 *   worker: true
 *   inputs: { video: decode }
 *   options: { model: kind-fast, smoothing: 0.9, refresh: 8, hold: 32, threads: 1 }
 * ```
 */
import { videoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { asBytes, videoFrame } from '../../core/frame.js';
import { FramePool } from '../../core/frame-pool.js';
import { averageWarmupFrames } from '../../core/graph/warmup.js';
import { ModelRegistry, runtimeOptionSchema, type ModelSession } from '../../core/model.js';
import { defineStage } from '../../core/stage/plugin.js';
import { finiteOutputs } from '../kind/network.js';
import { changeMap } from '../kind-regions/change.js';
import { blend, crop, paste } from '../kind-regions/planes.js';
import { changedRects, dilate, window, type Rect } from '../kind-regions/rects.js';
import { FastKernels } from './kernels.js';
import { stillMask } from './still-mask.js';

const NETWORK = 'heads';
/** The net's receptive field, in low-resolution pixels (net.py: 3×3 stem, dilations 1, 2, 4, 1, 3×3 head). */
const FIELD = 10;
/** Tiles of the change test, in low-resolution pixels (64 px at full resolution; a multiple of its 16-px blocks). */
const TILE = 16;
/** The new maps fade into the kept ones over this many low-resolution pixels around what changed (16 px). */
const BAND = 4;
/** kind.regions' change-test constants: block score over 6× the noise level, never under 0.006. */
const CHANGE = { tile: TILE, sensitivity: 6, floor: 0.006 };
/** The temporal average's tiles, in low-resolution pixels (16 px), and its change test: over 4× the noise, never under 1 code value. */
const STILL_TILE = 4;
const STILL = { sensitivity: 4, floor: 1 / 255 };
/** Re-run the whole frame when over this share of the tiles changed, or the picture drifted this much (0..1). */
const GLOBAL_SHARE = 0.5;
const GLOBAL_DRIFT = 0.008;
/** …or when the windows around what changed would cover over this share of it: one run costs less then. */
const WHOLE_AREA = 0.6;
/** settle.ts (o.hold): a small move of the maps still comes in this much a frame. */
const RATE = 0.05;

export const fastEnhance = defineStage({
  role: 'stage',
  id: 'fast.enhance',
  description: "kind-fast for live video: its low-resolution net, then one fused full-resolution pass over the bytes; the image-wide context smoothed over frames",
  options: {
    model: { type: 'string', description: "registry id of a model with a 'heads' network (kind-pipe models)", default: 'kind-fast' },
    smoothing: { type: 'number', description: "weight of the past in the running average of the image-wide context (exposure, colour cast), per frame; 0: each frame on its own", default: 0.9, min: 0, max: 0.99 },
    still: { type: 'number', description: "weight of the past in a running average of the input where the picture did not change (a fixed camera's temporal denoising, per 16-px tile; what moves restarts it); 0: off", default: 0, min: 0, max: 0.95 },
    hold: { type: 'number', description: "code values: a pixel's fresh maps come in whole only where they move its output this much, a smaller move in proportion (settle.ts), so a fixed camera's still parts stop following the recorder's noise and nearby lights through the net; 0: every run's maps as they come", default: 0, min: 0, max: 255 },
    refresh: { type: 'integer', description: 'run the net on the whole frame every this many frames, and in between only where the picture changed (a fixed camera); 1: every frame whole', default: 1, min: 1, max: 1000 },
    ...runtimeOptionSchema,
  },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'rgb24 frames' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'enhanced rgb24 frames, same size' }],
  example: 'plugin: fast.enhance\ninputs: { video: decode }\noptions: { model: kind-fast, smoothing: 0.9 }',
  // A whole-frame run at every multiple of `refresh` (by frame index) starts the maps afresh.
  warmupFrames: (options) => averageWarmupFrames(options.smoothing) + (options.refresh > 1 ? options.refresh : 0),
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
    let kernels: FastKernels | undefined;
    /** The block means the maps of each low-resolution pixel were computed from, and the last frame's. */
    let seen = new Float32Array(0);
    let previous = new Float32Array(0);
    /** The block means each tile's running average (`still`) restarted from. */
    let stillSeen = new Float32Array(0);
    let context = new Float32Array(0);
    /** Frames since the context was last updated (a whole-frame run); 0 before the first. */
    let sinceContext = 0;
    const totals = { frames: 0, whole: 0, work: 0, moved: 0 };
    /** Output frames on reference-counted slabs, reused once the encoder took them: no garbage per frame. */
    const pool = new FramePool();

    function size(width: number, height: number): FastKernels {
      if (kernels?.width !== width || kernels.height !== height) {
        kernels = new FastKernels(width, height);
        seen = new Float32Array(kernels.low.length);
        previous = new Float32Array(kernels.low.length);
        stillSeen = new Float32Array(kernels.low.length);
        sinceContext = 0;
      }
      return kernels;
    }

    /** The net's heads on `win` of the block statistics; `mix` 0 holds the context. */
    async function heads(k: FastKernels, win: Rect, mix: number, low: Float32Array): Promise<Float32Array> {
      const whole = win.width === k.lowWidth && win.height === k.lowHeight;
      const dims = [1, 3, win.height, win.width];
      const result = await session.run({
        low: { data: low, dims },
        spread: { data: whole ? k.spread : crop(k.spread, 3, k.lowWidth, k.lowHeight, win), dims },
        context: { data: context, dims: [1, context.length, 1, 1] },
        mix: { data: new Float32Array([mix]), dims: [1] },
      });
      const data = result.heads.data;
      if (!(data instanceof Float32Array) || data.length !== 4 * win.width * win.height) {
        throw new KindPipeError('model', `fast.enhance '${ctx.nodeId}': model '${o.model}' network '${NETWORK}' gave 'heads' [${result.heads.dims.join(',')}] ${data.constructor.name}, expected [1,4,${win.height},${win.width}] float32. Fix: re-export it with models/fast/train/fast.py export-heads`);
      }
      if (mix > 0) context = Float32Array.from(result.used.data as Float32Array);
      return data;
    }

    /**
     * Where the maps must be recomputed this frame (null: the whole frame): each changed rect, the
     * core whose maps it moves, and the window the net sees. A change moves the maps as far as the
     * net sees, FIELD around it; the core fades into the kept maps over its outer BAND, and the
     * window adds only BAND: what a shorter window changes lies in that fade (measured: under 0.1
     * code value next to a moving bright square, test/fast-enhance-regions.test.ts).
     */
    function changed(k: FastKernels, index: number): { rect: Rect; core: Rect; win: Rect }[] | null {
      if (sinceContext === 0 || o.refresh <= 1 || index % o.refresh === 0) return null;
      const map = changeMap(k.low, seen, previous, k.lowWidth, k.lowHeight, CHANGE);
      if (map.share > GLOBAL_SHARE || Math.abs(map.drift) > GLOBAL_DRIFT) return null;
      const parts = changedRects(map.changed, map.cols, map.rows, TILE, k.lowWidth, k.lowHeight, FIELD).map((rect) => {
        const core = window(rect, FIELD, 1, k.lowWidth, k.lowHeight);
        return { rect, core, win: window(core, BAND, 1, k.lowWidth, k.lowHeight) };
      });
      const area = parts.reduce((sum, p) => sum + p.win.width * p.win.height, 0);
      return area > WHOLE_AREA * k.lowWidth * k.lowHeight ? null : parts;
    }

    /** Damps the fresh maps of `rows` where they move the output little (o.hold); `against` false (nothing held yet): takes them all. */
    function settle(k: FastKernels, against: boolean, rows: [number, number][]): void {
      if (o.hold <= 0) return;
      if (!against) {
        k.hold();
        return;
      }
      for (const [from, to] of rows) totals.moved += k.settle(from, to, o.hold, RATE) / (k.lowWidth * k.lowHeight);
    }

    /**
     * The still parts of the frame averaged over time (o.still), per 16-px tile (still-mask.ts):
     * a tile whose block means moved beyond the noise since its average restarted restarts from
     * this frame; a whole-picture change restarts all of them.
     */
    function average(k: FastKernels): void {
      const cols = Math.ceil(k.lowWidth / STILL_TILE), rows = Math.ceil(k.lowHeight / STILL_TILE);
      let moved: Uint8Array = new Uint8Array(cols * rows).fill(1);
      if (sinceContext > 0) {
        const map = stillMask(k.low, stillSeen, previous, k.lowWidth, k.lowHeight, STILL_TILE, STILL.sensitivity, STILL.floor);
        moved = map.moved;
      }
      // The moved tiles' block means become what their averages restarted from.
      const plane = k.lowWidth * k.lowHeight;
      for (let y = 0; y < k.lowHeight; y++) {
        const tiles = ((y / STILL_TILE) | 0) * cols;
        for (let tx = 0; tx < cols; tx++) {
          if (!moved[tiles + tx]) continue;
          const from = y * k.lowWidth + tx * STILL_TILE, to = Math.min((y + 1) * k.lowWidth, from + STILL_TILE);
          for (let c = 0; c < 3; c++) for (let i = c * plane + from; i < c * plane + to; i++) stillSeen[i] = k.low[i];
        }
      }
      k.stillAverage(moved, STILL_TILE * k.down, cols, o.still);
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
        const k = size(frame.width, frame.height);
        k.measure(bytes);
        if (o.still > 0) average(k);
        const parts = changed(k, frame.index);
        const whole: Rect = { x: 0, y: 0, width: k.lowWidth, height: k.lowHeight };
        if (parts === null) {
          // The context's running average, advanced by the frames since its last update at once.
          if (sinceContext === 0) context = new Float32Array(19);
          const mix = sinceContext === 0 ? 1 : 1 - o.smoothing ** sinceContext;
          k.heads.set(await heads(k, whole, mix, k.low));
          k.curves();
          settle(k, sinceContext > 0, [[0, k.lowHeight]]);
          k.widen();
          seen.set(k.low);
          sinceContext = 1;
          totals.whole++;
          totals.work += 1;
        } else {
          for (const { rect, core, win } of parts) {
            const low = crop(k.low, 3, k.lowWidth, k.lowHeight, win);
            const tile = k.curvesOf(low, await heads(k, win, 0, low), win.width * win.height);
            blend(k.maps, 6, k.lowWidth, k.lowHeight, tile, win, core, BAND);
            paste(seen, 3, k.lowWidth, k.lowHeight, crop(k.low, 3, k.lowWidth, k.lowHeight, rect), rect, rect);
            totals.work += (win.width * win.height) / (k.lowWidth * k.lowHeight);
          }
          const rows = spans(parts.map(({ core }) => [core.y, core.y + core.height]));
          settle(k, true, rows);
          for (const [from, to] of rows) k.widen(from, to);
          sinceContext++;
        }
        previous.set(k.low);
        totals.frames++;
        const out = pool.acquire(Uint8Array, bytes.length);
        k.apply(out);
        return { video: videoFrame(frame, out) };
      },
      dispose() {
        if (totals.frames > 0 && o.refresh > 1) {
          const held = o.hold > 0 ? `; fresh maps came in whole over ${(100 * totals.moved / totals.frames).toFixed(1)} % of it a frame (hold ${o.hold})` : '';
          ctx.log.info(`ran the net over ${(100 * totals.work / totals.frames).toFixed(1)} % of the picture a frame on average, ${totals.whole} whole frames of ${totals.frames}${held}`, { node: ctx.nodeId, ...totals });
        }
        session?.dispose();
      },
    };
  },
});

/** The row ranges `ranges` cover, overlapping or touching ones merged, in order. */
function spans(ranges: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}
