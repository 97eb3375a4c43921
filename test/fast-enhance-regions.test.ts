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

async function run(refresh: number): Promise<{ out: Uint8Array[]; messages: string[] }> {
  const messages: string[] = [];
  const enhance = await stage({ model: 'kind-fast', smoothing: 0.9, refresh, threads: 1 }, messages);
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
