#!/usr/bin/env node
/**
 * How much context kind.regions needs (issue #16): KinD's Decom and Restoration on a window grown
 * by `margin` pixels around a region, against the whole frame, compared in the region. For each
 * margin: the largest and the mean absolute difference of R, I and R' inside the region (0..1),
 * over regions at several places (aligned and not to the 16-px grid). Input: the middle frame of
 * the real night clip, stretched min-max.
 *
 *   npm run build && node dist/bench/video/margin.js [--margins 0,8,16,32,48,64,96]
 *
 * Skips (exit 0) with a message when ../shared/data is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRegistry, floats } from '../../core/model.js';
import { projectRoot } from '../../models/paths.js';
import { createContainer } from '../../pipeline/container.js';
import { crop, paste } from '../../plugins/kind-regions/planes.js';
import { window, type Rect } from '../../plugins/kind-regions/rects.js';
import { decodedFrames } from './score.js';

const data = process.env.KIND_PIPE_DATA ?? join(projectRoot, '..', 'shared', 'data');
const clip = join(data, 'video', 'night-road-640x360.mp4');
const argv = process.argv.slice(2);
const at = argv.indexOf('--margins');
const margins = (at >= 0 ? argv[at + 1] : '0,8,16,32,48,64,96').split(',').map(Number);
const width = 640, height = 360;

async function main(): Promise<void> {
  if (!existsSync(clip)) {
    process.stdout.write(`margin skipped: ${clip} is absent (set KIND_PIPE_DATA)\n`);
    return;
  }
  let bytes: Uint8Array | undefined;
  let n = 0;
  for await (const frame of decodedFrames(clip, width, height)) if (n++ === 48) bytes = frame.slice();
  const plane = width * height;
  let lo = 255, hi = 0;
  for (const v of bytes!) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const image = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) image[c * plane + p] = (bytes![3 * p + c] - lo) / Math.max(hi - lo, 1);
  const registry = createContainer().get<ModelRegistry>(ModelRegistry);
  const options = { threads: 0, optimization: 'all' as const, providers: ['cpu'] };
  const decom = await registry.open('kind', 'decom', options);
  const restore = await registry.open('kind', 'restore', options);
  const whole = await decom.run({ image: { data: image, dims: [1, 3, height, width] } });
  const R = floats(whole.reflectance, 'margin'), I = floats(whole.illumination, 'margin');
  const Rr = floats((await restore.run({ reflectance: { data: R, dims: [1, 3, height, width] }, illumination: { data: I, dims: [1, 1, height, width] } })).restored, 'margin');
  const cores: Rect[] = [{ x: 256, y: 144, width: 64, height: 64 }, { x: 100, y: 37, width: 96, height: 40 }, { x: 420, y: 250, width: 32, height: 32 }];
  process.stdout.write('| margin | R max | R mean | I max | I mean | R\' max (own R, I) | R\' mean | R\' max (cached R, I around) |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n');
  for (const margin of margins) {
    const worst = { r: 0, rm: 0, i: 0, im: 0, o: 0, om: 0, c: 0 };
    for (const core of cores) {
      const win = window(core, margin, 16, width, height);
      const dims = (c: number) => [1, c, win.height, win.width];
      const d = await decom.run({ image: { data: crop(image, 3, width, height, win), dims: dims(3) } });
      const r = floats(d.reflectance, 'margin'), i = floats(d.illumination, 'margin');
      const own = floats((await restore.run({ reflectance: { data: r, dims: dims(3) }, illumination: { data: i, dims: dims(1) } })).restored, 'margin');
      // As kind.regions does it: the region's new R, I pasted into the whole frame's, then Restoration on the window.
      const r2 = R.slice(), i2 = I.slice();
      paste(r2, 3, width, height, r, win, core);
      paste(i2, 1, width, height, i, win, core);
      const cached = floats((await restore.run({ reflectance: { data: crop(r2, 3, width, height, win), dims: dims(3) }, illumination: { data: crop(i2, 1, width, height, win), dims: dims(1) } })).restored, 'margin');
      const cmp = (tile: Float32Array, full: Float32Array, channels: number) => {
        const a = crop(full, channels, width, height, core);
        const b = new Float32Array(a.length);
        const t = new Float32Array(channels * width * height);
        paste(t, channels, width, height, tile, win, core);
        b.set(crop(t, channels, width, height, core));
        let max = 0, sum = 0;
        for (let k = 0; k < a.length; k++) (max = Math.max(max, Math.abs(a[k] - b[k]))), (sum += Math.abs(a[k] - b[k]));
        return { max, mean: sum / a.length };
      };
      const cr = cmp(r, R, 3), ci = cmp(i, I, 1), co = cmp(own, Rr, 3), cc = cmp(cached, Rr, 3);
      worst.r = Math.max(worst.r, cr.max); worst.rm = Math.max(worst.rm, cr.mean);
      worst.i = Math.max(worst.i, ci.max); worst.im = Math.max(worst.im, ci.mean);
      worst.o = Math.max(worst.o, co.max); worst.om = Math.max(worst.om, co.mean);
      worst.c = Math.max(worst.c, cc.max);
    }
    const f = (v: number) => `${(v * 255).toFixed(2)}/255`;
    process.stdout.write(`| ${margin} | ${f(worst.r)} | ${f(worst.rm)} | ${f(worst.i)} | ${f(worst.im)} | ${f(worst.o)} | ${f(worst.om)} | ${f(worst.c)} |\n`);
  }
  decom.dispose();
  restore.dispose();
}

main().catch((error) => {
  process.stderr.write(`margin failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
