import test from 'ava';
import { changedRects, fittedPieces, pieces, window } from './rects.js';

/** A changed-tile map of `cols`×`rows` with the listed tiles set. */
function tiles(cols: number, rows: number, set: [number, number][]): Uint8Array {
  const map = new Uint8Array(cols * rows);
  for (const [x, y] of set) map[y * cols + x] = 1;
  return map;
}

test('changedRects: one box per group of touching tiles, clipped to the frame', (t) => {
  const rects = changedRects(tiles(4, 3, [[3, 2], [2, 2]]), 4, 3, 32, 100, 70, 0);
  t.deepEqual(rects, [{ x: 64, y: 64, width: 36, height: 6 }]);
});

test('changedRects: far groups stay apart, groups whose windows overlap enough merge', (t) => {
  const map = tiles(20, 2, [[0, 0], [19, 0]]);
  t.is(changedRects(map, 20, 2, 32, 640, 64, 16).length, 2, 'two windows cost less than one across the frame');
  t.is(changedRects(tiles(20, 2, [[0, 0], [2, 0]]), 20, 2, 32, 640, 64, 88).length, 1, 'their 88-px margins overlap almost wholly');
});

test('pieces: a rect cut into pieces no larger than the limit, covering it exactly', (t) => {
  const rect = { x: 10, y: 5, width: 1000, height: 300 };
  const cut = pieces(rect, 400);
  t.is(cut.length, 3);
  t.true(cut.every((p) => p.width <= 400 && p.height <= 400));
  t.is(cut.reduce((s, p) => s + p.width * p.height, 0), rect.width * rect.height);
  t.deepEqual(pieces({ x: 0, y: 0, width: 1, height: 1 }, 400), [{ x: 0, y: 0, width: 1, height: 1 }]);
});

test('window: grown by the margin, origin on the alignment grid, clipped to the frame', (t) => {
  t.deepEqual(window({ x: 100, y: 40, width: 32, height: 32 }, 20, 16, 640, 360), { x: 80, y: 16, width: 72, height: 76 });
  t.deepEqual(window({ x: 608, y: 0, width: 32, height: 32 }, 88, 16, 640, 360), { x: 512, y: 0, width: 128, height: 120 });
});

test('window with a pad aligns to the mirror-padded frame and reaches pad past the edges it touches', (t) => {
  t.deepEqual(window({ x: 0, y: 0, width: 640, height: 360 }, 88, 16, 640, 360, 8), { x: -8, y: -8, width: 656, height: 376 });
  t.deepEqual(window({ x: 100, y: 40, width: 32, height: 32 }, 20, 16, 640, 360, 8), { x: 72, y: 8, width: 80, height: 84 });
  t.deepEqual(window({ x: 608, y: 0, width: 32, height: 32 }, 88, 16, 640, 360, 8), { x: 520, y: -8, width: 128, height: 128 });
});

test('fittedPieces: the fewest pieces whose windows fit, margins only on the sides inside the frame', (t) => {
  const frame = { x: 0, y: 0, width: 1280, height: 720 };
  const cut = fittedPieces(frame, 768, 88, 16, 1280, 720, 8);
  t.deepEqual(cut, [{ x: 0, y: 0, width: 640, height: 720 }, { x: 640, y: 0, width: 640, height: 720 }]);
  t.true(cut.every((c) => { const w = window(c, 88, 16, 1280, 720, 8); return w.width <= 768 && w.height <= 768; }));
  t.is(pieces(frame, 768 - 2 * 88).length, 6, 'room for two margins on every side cuts it into six');
  const inner = fittedPieces({ x: 400, y: 200, width: 600, height: 100 }, 512, 88, 16, 1280, 720, 8);
  t.is(inner.length, 2, 'inside the frame both margins count');
  t.true(inner.every((c) => window(c, 88, 16, 1280, 720, 8).width <= 512));
  t.is(inner.reduce((s, p) => s + p.width * p.height, 0), 600 * 100);
});
