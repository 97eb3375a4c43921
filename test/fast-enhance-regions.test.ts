/**
 * fast.enhance on a fixed camera (issue #18): with `refresh: 8` the maps net runs on the whole
 * frame every 8th frame and in between only around what changed. On a synthetic dark, static,
 * noisy scene that a bright square crosses, the output where the square is and where it was
 * must match the every-frame output (no trail, no stale brightening), the net must run over a
 * small part of the picture, and the still background must hold steadier than frame by frame.
 */
import test from 'ava';
import { silentLogger } from '../core/logger.js';
import { resolveOptions } from '../core/options.js';
import { pluginTable } from '../core/plugin-table.js';
import type { Stage, StagePlugin } from '../core/stage/plugin.js';
import { createContainer } from '../pipeline/container.js';
import { squareScene } from './square-scene.js';

const container = createContainer();
const table = pluginTable(container);
const width = 640, height = 384;
const size = 24, speed = 12, top = 150;
const frames = 24;

async function stage(raw: Record<string, unknown>, messages: string[]): Promise<Stage> {
  const plugin = table.get('fast.enhance') as StagePlugin;
  const { options, problems } = resolveOptions(plugin.options, raw);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  const log = { ...silentLogger, info: (message: string) => void messages.push(message) };
  const created = plugin.create({ nodeId: 'enhance', options, log, signal: new AbortController().signal, get: (token) => container.get(token) });
  await created.start?.({ video: { kind: 'video', format: 'rgb24', width, height, stream: { fps: 25 } } as never });
  return created;
}

const squareX = (f: number) => 60 + speed * f;
const inSquare = (f: number, x: number, y: number) => x >= squareX(f) && x < squareX(f) + size && y >= top && y < top + size;

/** The dark textured scene, the square at 200, Gaussian noise σ 3 (seeded). */
const scene = (f: number, state: { s: number }) => squareScene({ width, height, inSquare, square: 200, base: 14, slope: 1 / 32, checker: 8, sigma: 3 }, f, state);

async function run(refresh: number, still = 0, hold = 0): Promise<{ out: Uint8Array[]; messages: string[] }> {
  const messages: string[] = [];
  const enhance = await stage({ model: 'kind-fast', smoothing: 0.9, refresh, still, hold, threads: 1 }, messages);
  const state = { s: 777 };
  const out: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    const result = await enhance.process({ video: { index: f, pts: f / 25, width, height, channels: 3, data: scene(f, state) } });
    out.push(Uint8Array.from(result.video.data as Uint8Array));
  }
  await enhance.dispose?.();
  return { out, messages };
}

/** Mean |a − b| over the pixels of the box (x0, y0)–(x1, y1), clipped. */
function meanDifference(a: Uint8Array, b: Uint8Array, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0, n = 0;
  for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) {
      for (let c = 0; c < 3; c++) sum += Math.abs(a[(y * width + x) * 3 + c] - b[(y * width + x) * 3 + c]);
      n += 3;
    }
  }
  return sum / n;
}

test('issue #18: fast.enhance with refresh 8 should follow a moving square as the every-frame net does, with no trail, over a small part of the picture', async (t) => {
  const every = await run(1);
  const held = await run(8);
  for (let f = 1; f < frames; f++) {
    // Where the square is now and the 3 positions it just left: the maps there must be fresh.
    const x0 = squareX(f - 3) - 16, x1 = squareX(f) + size + 16;
    const near = meanDifference(held.out[f], every.out[f], x0, top - 16, x1, top + size + 16);
    t.true(near < 0.5, `frame ${f}: around the square the output differs by ${near.toFixed(2)} code values on average from the every-frame net's`);
  }
  const report = held.messages.find((m) => m.startsWith('ran the net over'));
  t.truthy(report, `fast.enhance reports its work (got ${JSON.stringify(held.messages)})`);
  const share = Number(/over ([\d.]+) %/.exec(report!)![1]);
  t.true(share < 40, `the net ran over ${share} % of the picture a frame (want < 40 %)`);
});

test('issue #18: fast.enhance with refresh 8 should hold the still background steadier than the every-frame net', async (t) => {
  const every = await run(1);
  const held = await run(8);
  // The background's bottom band, far from the square: frame-to-frame change between refreshes.
  const change = (out: Uint8Array[]) => {
    let sum = 0;
    for (let f = 2; f < 8; f++) sum += meanDifference(out[f], out[f - 1], 0, 300, width, height);
    return sum / 6;
  };
  const steady = change(held.out), moving = change(every.out);
  t.true(steady < moving, `background change frame to frame: ${steady.toFixed(2)} held vs ${moving.toFixed(2)} every frame`);
});

test('issue #18: fast.enhance with still 0.75 should average the still background over frames and leave no trail behind the moving square', async (t) => {
  const plain = await run(1);
  const still = await run(1, 0.75);
  const change = (out: Uint8Array[]) => {
    let sum = 0;
    for (let f = 4; f < frames; f++) sum += meanDifference(out[f], out[f - 1], 0, 300, width, height);
    return sum / (frames - 4);
  };
  const calm = change(still.out), noisy = change(plain.out);
  t.true(calm < 0.7 * noisy, `background change frame to frame: ${calm.toFixed(2)} averaged vs ${noisy.toFixed(2)} (want under 0.7×)`);
  const mean = (out: Uint8Array, x0: number, x1: number) => {
    let sum = 0;
    for (let y = top; y < top + size; y++) for (let x = x0; x < x1; x++) sum += out[(y * width + x) * 3];
    return sum / (size * (x1 - x0));
  };
  for (let f = 3; f < frames; f++) {
    // What the square just left (it was there 1 and 2 frames ago): a trail would hold its brightness there.
    const left = mean(still.out[f], squareX(f - 2), squareX(f)) - mean(plain.out[f], squareX(f - 2), squareX(f));
    t.true(Math.abs(left) < 2, `frame ${f}: where the square just was, the averaged output is ${left.toFixed(2)} code values brighter on average than the unaveraged one`);
    const now = mean(still.out[f], squareX(f), squareX(f) + size) - mean(plain.out[f], squareX(f), squareX(f) + size);
    t.true(Math.abs(now) < 2, `frame ${f}: where the square is, the averaged output differs by ${now.toFixed(2)} code values on average`);
  }
});

test('issue #18: fast.enhance with hold 32 should keep the curves of the still background beside a moving square, and follow the square itself with no trail', async (t) => {
  const plain = await run(8);
  const held = await run(8, 0, 32);
  const mean = (out: Uint8Array, x0: number, x1: number, y0 = top, y1 = top + size) => {
    let sum = 0;
    for (let y = y0; y < y1; y++) for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) sum += out[(y * width + x) * 3];
    return sum / ((y1 - y0) * (Math.min(width, x1) - Math.max(0, x0)));
  };
  for (let f = 3; f < frames; f++) {
    // Where the square is and where it was 1 and 2 frames ago its own blocks changed: fresh maps at once.
    const now = mean(held.out[f], squareX(f), squareX(f) + size) - mean(plain.out[f], squareX(f), squareX(f) + size);
    t.true(Math.abs(now) < 2, `frame ${f}: where the square is, the held output differs by ${now.toFixed(2)} code values on average`);
    const left = mean(held.out[f], squareX(f - 2), squareX(f)) - mean(plain.out[f], squareX(f - 2), squareX(f));
    t.true(Math.abs(left) < 2, `frame ${f}: where the square just was, the held output is ${left.toFixed(2)} code values brighter on average (a trail)`);
  }
  // The band above and below the square's path, within the net's 40-px field: the square's light
  // moves the every-run curves there although those pixels never change; held, they stay put.
  const ring = (out: Uint8Array[]) => {
    let sum = 0;
    for (let f = 2; f < frames; f++) {
      const x0 = squareX(f) - 24, x1 = squareX(f) + size + 24;
      sum += meanDifference(out[f], out[f - 1], x0, top - 32, x1, top - 8) + meanDifference(out[f], out[f - 1], x0, top + size + 8, x1, top + size + 32);
    }
    return sum / (2 * (frames - 2));
  };
  const steady = ring(held.out), moving = ring(plain.out);
  t.true(steady < 0.95 * moving, `beside the square, change frame to frame: ${steady.toFixed(2)} held vs ${moving.toFixed(2)} (want under 0.95×)`);
  t.truthy(held.messages.find((m) => m.includes('hold 32')), `fast.enhance reports how much of the picture took fresh maps (got ${JSON.stringify(held.messages)})`);
});
