/**
 * kind.regions — KinD's Decomposition and Restoration nets for a fixed camera: they run only where
 * the (temporally denoised, stretched) input changed beyond its noise since they last saw it, and
 * the enhanced maps of the rest of the frame are kept from before (issue #16). Changed 16×16 blocks
 * (change.ts) mark tiles; the tiles' groups become rectangles (rects.ts); each runs in a window
 * grown by `margin` pixels of context — the networks' reach, measured so that the pasted centre
 * equals the whole-frame result — and only the centre is pasted back, so no seam shows. Decom runs
 * first on the current input; Restoration then reads R and I from the updated full-frame maps, so
 * its context is right on both sides of a region's border. The whole frame is recomputed on a
 * global change (over `globalChange` of the tiles, or the whole picture drifting past `drift`: a
 * new stretch, a light) and every `refresh` frames. The denoiser upstream restarts a pixel that
 * changed and cleans it over the next frames, so a changed tile (and the whole frame after a
 * reset) is recomputed again 4 and 16 frames later (`settle`): otherwise the maps would keep the
 * noisy first look next to neighbours computed from a clean input, a seam in the noise. A region
 * takes one ring of unchanged tiles around what changed, and fades into the kept maps over it:
 * kept and new maps differ there only by the input's noise from frame to frame, and a hard edge
 * would show that step (test/kind-regions.test.ts measures it). With `hold`, a pixel of a region
 * whose input has not moved since its maps were made keeps them: the U-Net's reach would
 * otherwise change still pixels whenever something passes nearby (flicker on real footage). Every run, a full refresh too, is cut into windows
 * of at most `piece` pixels a side, so activation memory is bounded by `piece`, not by the frame.
 * At the frame's edges a window reaches past it into the mirrored frame, and the windows' grid is
 * that of the mirror-padded frame, as kind.decom and kind.restore pad it (#20: the networks' zero
 * padding brightened the outer pixels of dark video). Outputs are full-frame R, I and R', as
 * kind.decom and kind.restore give them.
 *
 * ```yaml
 * - id: regions
 *   plugin: kind.regions
 *   inputs: { image: norm }
 *   options: { model: kind, refresh: 96 }
 * ```
 */
import { tensorCaps } from '../../core/caps.js';
import { asFloat, tensorFrame, type Frame } from '../../core/frame.js';
import { floats, type ModelSession } from '../../core/model.js';
import { defineStage } from '../../core/stage/plugin.js';
import { edgePadding, mirroredRect } from '../kind/edge-padding.js';
import { checkPrecision, openNetwork, precisionOptions, precisionRole } from '../kind/network.js';
import { changeMap } from './change.js';
import { blend, crop, moved, paste } from './planes.js';
import { changedRects, dilate, fittedPieces, window, type Rect } from './rects.js';

/** The Restoration U-Net pools 4 times: windows start on its 16-pixel grid. */
const align = 16;

/** What one frame cost: for the log, tests and the benchmark (frame meta `regions`). */
export interface RegionsReport {
  /** Whether the whole frame was recomputed, and why. */
  full: false | 'first' | 'refresh' | 'global' | 'settle';
  /** The parts of the frame recomputed (pasted back); the rest was kept. */
  regions: Rect[];
  /** Pixels the Restoration net saw (windows with their margins) over the frame's pixels. */
  work: number;
}

export const kindRegions = defineStage({
  role: 'stage',
  preferWorker: true,
  id: 'kind.regions',
  description: 'KinD Decom + Restoration on the regions that changed (fixed cameras): the rest of R, I and R\' is kept from before',
  options: {
    ...precisionOptions,
    tile: { type: 'integer', description: 'side of the tiles the change map marks, in pixels (a multiple of 16)', default: 32, min: 16, max: 256 },
    // Measured by bench/video/margin.ts (docs/models.md): Decom's result in the region is exact from
    // 16 px of context; Restoration's U-Net (4 poolings) needs 88 px for < 1/255 (48: 19/255).
    margin: { type: 'integer', description: "context for the Restoration net beyond the pixels its result counts whole in, in pixels (its reach: 88 keeps them within 1/255 of the whole-frame result; a region's faded ring of tiles gets less)", default: 88, min: 0, max: 512 },
    decomMargin: { type: 'integer', description: 'context around a region for the Decomposition net, in pixels (16 is exact)', default: 16, min: 0, max: 512 },
    sensitivity: { type: 'number', description: "how many times the input noise's block score a block must differ to count as changed", default: 6, min: 1, max: 100 },
    floor: { type: 'number', description: 'block difference (0..1) below which a block never counts as changed', default: 0.006, min: 0, max: 1 },
    drift: { type: 'number', description: 'whole-picture drift (0..1, median block difference of luma since the maps were computed) that recomputes the whole frame', default: 0.008, min: 0, max: 1 },
    globalChange: { type: 'number', description: 'share of changed tiles above which the whole frame is recomputed', default: 0.5, min: 0, max: 1 },
    refresh: { type: 'integer', description: 'recompute the whole frame at least every this many frames (1: every frame, as kind.decom + kind.restore)', default: 96, min: 1, max: 100000 },
    settle: { type: 'integer', description: "frames after a tile changed during which it is recomputed again as the denoiser upstream settles (at 4 and 16 frames: its noise then fell 2× and 4×); 0: never", default: 24, min: 0, max: 1000 },
    hold: { type: 'number', description: "a pixel of a recomputed region whose input moved less than this (0..1, 3×3 mean, any channel) since its maps were computed keeps them (fully recomputed from twice that); 0: off", default: 0, min: 0, max: 1 },
    piece: { type: 'integer', description: 'largest window side the networks run on, margin included (bounds activation memory)', default: 1024, min: 64, max: 8192 },
  },
  inputs: [{ name: 'image', accepts: { kind: 'tensor', channels: 3 }, description: 'min-max stretched image, 0..1 (of a fixed camera)' }],
  outputs: [
    { name: 'reflectance', produces: { kind: 'tensor', channels: 3 }, description: 'R, 0..1' },
    { name: 'illumination', produces: { kind: 'tensor', channels: 1 }, description: 'I, 0..1' },
    { name: 'restored', produces: { kind: 'tensor', channels: 3 }, description: "R', 0..1" },
  ],
  example: 'plugin: kind.regions\ninputs: { image: norm }\noptions: { model: kind }',
  check(options, services) {
    // The model's problems come once (from the first check); then each network's int8 file.
    const problems = checkPrecision('decom')(options, services);
    if (problems.length === 0) problems.push(...checkPrecision('restore')(options, services));
    if (options.tile % 16 !== 0) problems.push({ option: 'tile', message: `tile must be a multiple of 16 (the change test's blocks), got ${options.tile}. Fix: tile: ${Math.max(16, Math.round(options.tile / 16) * 16)}` });
    if (options.piece <= 2 * options.margin + align) problems.push({ option: 'piece', message: `piece (${options.piece}) must exceed 2 × margin + ${align} (${2 * options.margin + align}), or the windows hold no centre. Fix: piece: ${Math.max(512, 4 * options.margin)}` });
    return problems;
  },
  // After a full refresh nothing from before is left in the maps.
  warmupFrames: (options) => options.refresh,
  negotiate: (inputs) => ({ reflectance: tensorCaps(inputs.image, 3), illumination: tensorCaps(inputs.image, 1), restored: tensorCaps(inputs.image, 3) }),
  create(ctx) {
    const o = ctx.options;
    let decom: ModelSession;
    let restore: ModelSession;
    /** The full-frame maps; `seen` is the input each part was computed from, `previous` the last frame's input. */
    let maps: { width: number; height: number; seen: Float32Array; previous: Float32Array; r: Float32Array; i: Float32Array; restored: Float32Array } | undefined;
    let sinceRefresh = 0;
    /** Per tile: the frame it last changed in, and the frame its maps were last computed. */
    let changedAt = new Int32Array(0);
    let computedAt = new Int32Array(0);
    let now = 0;
    const totals = { frames: 0, full: 0, work: 0 };

    /**
     * Restoration's context around a core: a region fades in over its outer `band` px (its ring of
     * unchanged tiles), so its new maps count whole only from `band` px inside, where the window
     * then holds `margin` of context; the ring's pixels, weighted towards 0 at the edge, have
     * less (bench/video/margin.ts: 12/255 at 56 px, weighted by 0.0006 there; ≤ ~2.5/255 over the
     * ring). Full frames' pieces meet without a fade: they take the whole margin.
     */
    const restoreMargin = (band: number) => Math.max(0, o.margin - band);

    /** Decom on each core's window of the current input, then Restoration on the updated maps. */
    async function compute(image: Float32Array, width: number, height: number, cores: Rect[], band: number): Promise<number> {
      const m = maps!;
      // Faded regions (partial frames) keep the maps of their still pixels (`hold`); full frames take all.
      const gates = cores.map((core) => (band > 0 && o.hold > 0 ? moved(image, m.seen, width, height, core, o.hold) : undefined));
      const put = (data: Float32Array, channels: number, tile: Float32Array, win: Rect, core: Rect, gate: Float32Array | undefined) =>
        band > 0 ? blend(data, channels, width, height, tile, win, core, band, gate) : paste(data, channels, width, height, tile, win, core);
      let seen = 0;
      for (const [k, core] of cores.entries()) {
        const win = window(core, o.decomMargin, align, width, height, edgePadding.decom);
        const out = await decom.run({ image: { data: mirroredRect(image, 3, width, height, win), dims: [1, 3, win.height, win.width] } });
        put(m.r, 3, floats(out.reflectance, 'kind.regions'), win, core, gates[k]);
        put(m.i, 1, floats(out.illumination, 'kind.regions'), win, core, gates[k]);
        // What the maps now stand for: where a pixel kept its maps, the input they were made from.
        put(m.seen, 3, crop(image, 3, width, height, core), core, core, gates[k]);
      }
      for (const [k, core] of cores.entries()) {
        const win = window(core, restoreMargin(band), align, width, height, edgePadding.restore);
        seen += win.width * win.height;
        const out = await restore.run({
          reflectance: { data: mirroredRect(m.r, 3, width, height, win), dims: [1, 3, win.height, win.width] },
          illumination: { data: mirroredRect(m.i, 1, width, height, win), dims: [1, 1, win.height, win.width] },
        });
        put(m.restored, 3, floats(out.restored, 'kind.regions'), win, core, gates[k]);
      }
      return seen / (width * height);
    }

    return {
      async start() {
        decom = await openNetwork(ctx, 'decom', precisionRole(o, 'decom'));
        restore = await openNetwork(ctx, 'restore', precisionRole(o, 'restore'));
      },
      async process(inputs) {
        const frame: Frame = inputs.image;
        const image = asFloat(frame, 'kind.regions');
        const { width, height } = frame;
        const pixels = width * height;
        let full: RegionsReport['full'] = false;
        let cores: Rect[];
        // Restoration's windows are the larger (Decom's margin is the smaller): they set the cut.
        const cut = (r: Rect, band: number) => fittedPieces(r, o.piece, Math.max(restoreMargin(band), o.decomMargin), align, width, height, Math.max(edgePadding.restore, edgePadding.decom));
        const cols = Math.ceil(width / o.tile), rows = Math.ceil(height / o.tile);
        now++;
        if (!maps || maps.width !== width || maps.height !== height) {
          maps = { width, height, seen: new Float32Array(3 * pixels), previous: new Float32Array(3 * pixels), r: new Float32Array(3 * pixels), i: new Float32Array(pixels), restored: new Float32Array(3 * pixels) };
          changedAt = new Int32Array(cols * rows).fill(now);
          computedAt = new Int32Array(cols * rows);
          full = 'first';
        } else if (++sinceRefresh >= o.refresh) full = 'refresh';
        let wanted: Uint8Array | undefined;
        if (!full) {
          const map = changeMap(image, maps.seen, maps.previous, width, height, { tile: o.tile, sensitivity: o.sensitivity, floor: o.floor });
          if (map.share > o.globalChange || Math.abs(map.drift) > o.drift) {
            full = 'global';
            changedAt.fill(now);
          } else {
            wanted = map.changed;
            let count = 0;
            for (let t = 0; t < wanted.length; t++) {
              if (wanted[t]) changedAt[t] = now;
              // The denoiser upstream restarted here: its input gets cleaner for a while, so the maps
              // follow it at 4 and 16 frames after the change instead of keeping the noisy first look.
              else if (now - changedAt[t] < o.settle && now - changedAt[t] >= 4 * Math.max(1, computedAt[t] - changedAt[t])) wanted[t] = 1;
              count += wanted[t];
            }
            if (count > o.globalChange * wanted.length) full = 'settle';
          }
        }
        if (full) {
          sinceRefresh = 0;
          totals.full++;
          computedAt.fill(now);
          cores = cut({ x: 0, y: 0, width, height }, 0);
          // A frame that fits one window runs whole, exactly as kind.decom + kind.restore.
          if (width <= o.piece && height <= o.piece) cores = [{ x: 0, y: 0, width, height }];
        } else {
          for (let t = 0; t < wanted!.length; t++) if (wanted![t]) computedAt[t] = now;
          // One ring of unchanged tiles around what changed, faded over (blend): no seam in the noise.
          cores = changedRects(dilate(wanted!, cols, rows), cols, rows, o.tile, width, height, restoreMargin(o.tile)).flatMap((r) => cut(r, o.tile));
        }
        const work = await compute(image, width, height, cores!, full ? 0 : o.tile);
        maps.previous.set(image);
        totals.frames++;
        totals.work += work;
        const report: RegionsReport = { full, regions: cores!, work };
        const meta = { ...frame.meta, regions: report };
        return {
          reflectance: { ...tensorFrame(frame, 3, maps.r.slice()), meta },
          illumination: { ...tensorFrame(frame, 1, maps.i.slice()), meta },
          restored: { ...tensorFrame(frame, 3, maps.restored.slice()), meta },
        };
      },
      dispose() {
        if (totals.frames > 0) {
          ctx.log.info(`computed ${(100 * totals.work / totals.frames).toFixed(1)} % of the pixels a frame on average, ${totals.full} full frames of ${totals.frames}`, { node: ctx.nodeId, ...totals });
        }
        decom?.dispose();
        restore?.dispose();
      },
    };
  },
});
