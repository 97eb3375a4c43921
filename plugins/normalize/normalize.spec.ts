import test from 'ava';
import type { Frame } from '../../core/frame.js';
import { silentLogger } from '../../core/logger.js';
import { resolveOptions } from '../../core/options.js';
import { normalize } from './normalize.js';

/** Options as a run resolves them: the defaults (clip 0.001) filled in, as a pipeline gets them. */
function stage(mode: string) {
  const { options } = resolveOptions(normalize.options, { mode, smoothing: 0.9 });
  return normalize.create({ nodeId: 'norm', options, log: silentLogger, signal: new AbortController().signal, get: () => undefined as never });
}

/** A dark size×size frame (values 20..40); `headlight` saturates its first `lit` pixels. */
function frame(index: number, size: number, lit: number): Frame {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = 20 + (i % 21);
  data.fill(255, 0, 3 * lit);
  return { index, pts: index / 25, width: size, height: size, channels: 3, data };
}

/** The stretched value of one background pixel over 10 frames; frame 5 has the headlight. */
async function backgroundLevels(mode: string, size: number, lit: number): Promise<number[]> {
  const s = stage(mode);
  const levels: number[] = [];
  for (let i = 0; i < 10; i++) {
    const out = (await s.process({ video: frame(i, size, i === 5 ? lit : 0) })).image.data as Float32Array;
    let pixel = size * size - 1;
    while ((3 * pixel) % 21 !== 18) pixel--; // a bright background pixel (38), far from the headlight
    levels.push(out[pixel]);
  }
  return levels;
}

const jump = (levels: number[]) => Math.abs(levels[5] - levels[4]);

test('normalize minmax should stretch each frame on its own (the official recipe)', async (t) => {
  const out = (await stage('minmax').process({ video: frame(0, 8, 0) })).image;
  t.deepEqual([out.channels, out.width, out.height], [3, 8, 8]);
  const data = out.data as Float32Array;
  t.is(Math.min(...data), 0);
  t.is(Math.max(...data), 1);
});

test('normalize temporal should ignore a headlight of a few pixels that makes minmax flicker', async (t) => {
  const perFrame = await backgroundLevels('minmax', 32, 1);
  const smoothed = await backgroundLevels('temporal', 32, 1);
  t.true(jump(perFrame) > 0.3, `minmax jumps by ${jump(perFrame)}`);
  t.true(jump(smoothed) < 0.01, `temporal jumps by ${jump(smoothed)}`);
});

test('normalize temporal should damp a large headlight to a fraction of the per-frame jump', async (t) => {
  const perFrame = await backgroundLevels('minmax', 8, 4);
  const smoothed = await backgroundLevels('temporal', 8, 4);
  t.true(jump(perFrame) > 0.3, `minmax jumps by ${jump(perFrame)}`);
  // 4 of 64 pixels is more than `clip` ignores, so the robust max rises, but only by 1 − smoothing
  // of the way: 0.47 of the background's level against 0.82 for minmax. (Before #21 this spec left
  // `clip` out, the stage read NaN and never stretched, and the jump was 0: it checked nothing.)
  t.true(jump(smoothed) < jump(perFrame) * 0.6, `temporal jumps by ${jump(smoothed)} vs minmax ${jump(perFrame)}`);
});
