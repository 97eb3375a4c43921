import test from 'ava';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, encodePng } from '../core/media/still.js';
import { projectRoot } from '../models/paths.js';
import { cli, tempDir } from './helpers.js';

// Issue #20 part 1: enhanced dark video had a 1–6 px bright border along the frame edges. Its cause
// was the networks' zero padding (black beyond the edge brightened R, I and R' there); the KinD
// stages now mirror their inputs before each network (plugins/kind/edge-padding.ts).

/** A uniformly dark, noisy frame (code 15, σ ≈ 3) with one small lamp at white, so the min-max stretch leaves it dark as a night frame. */
function darkFrame(width: number, height: number): Uint8Array {
  let seed = 20;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(15 + 3 * gauss())));
  for (let y = height / 2 - 2; y < height / 2 + 2; y++) for (let x = width / 2 - 2; x < width / 2 + 2; x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return data;
}

/** Mean luma-ish value (mean of R, G, B) over a rectangle of an rgb24 image. */
function mean(data: Uint8Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum += data[(y * width + x) * 3 + c];
  return sum / ((x1 - x0) * (y1 - y0) * 3);
}

for (const model of ['kind', 'kind-lite']) {
  test(`issue #20: ${model}'s outer 6 px rows and columns of a uniformly dark noisy frame stay within 2 code values of the interior (no bright border)`, async (t) => {
    const dir = tempDir('kind-pipe-edges-');
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const [width, height] = [256, 192];
    mkdirSync(join(dir, 'in'));
    mkdirSync(join(dir, 'out'));
    await encodePng(join(dir, 'in', 'dark.png'), { width, height, data: darkFrame(width, height) });
    const sets = ['decom', 'restore', 'illum'].flatMap((node) => ['--set', `${node}.model=${model}`]);
    const ran = await cli(['run', join(projectRoot, 'pipelines', 'stills.yaml'), '--set', `input=${join(dir, 'in')}`, '--set', `output=${join(dir, 'out')}`, ...sets]);
    t.is(ran.code, 0, ran.stderr);
    const out = (await decodeImage(join(dir, 'out', 'dark.png'))).data;
    // The interior leaves out the lamp and its glow.
    const m = 24;
    const interior = (mean(out, width, m, m, width - m, height / 2 - 16) + mean(out, width, m, height / 2 + 16, width - m, height - m)) / 2;
    const report: string[] = [];
    for (let k = 0; k < 6; k++) {
      const lines = {
        [`row ${k}`]: mean(out, width, m, k, width - m, k + 1),
        [`row ${height - 1 - k}`]: mean(out, width, m, height - 1 - k, width - m, height - k),
        [`column ${k}`]: mean(out, width, k, m, k + 1, height - m),
        [`column ${width - 1 - k}`]: mean(out, width, width - 1 - k, m, width - k, height - m),
      };
      for (const [name, value] of Object.entries(lines)) {
        if (Math.abs(value - interior) > 2) report.push(`${name} ${value.toFixed(1)}`);
      }
    }
    t.log(`interior ${interior.toFixed(1)}`);
    t.deepEqual(report, [], `edge lines off the interior's ${interior.toFixed(1)} by more than 2 code values`);
  });
}
