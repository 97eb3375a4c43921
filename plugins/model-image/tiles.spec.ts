import test from 'ava';
import { feather, spans } from './tiles.js';

test('spans should be one whole span when tile is 0 or covers the length', (t) => {
  t.deepEqual(spans(100, 0, 16), [{ start: 0, size: 100, before: 0, after: 0 }]);
  t.deepEqual(spans(100, 128, 16), [{ start: 0, size: 100, before: 0, after: 0 }]);
});

test('spans should cover the length with neighbours overlapping by at least overlap', (t) => {
  for (const [length, tile, overlap] of [[101, 32, 8], [385, 64, 16], [1000, 512, 32], [65, 64, 8]]) {
    const list = spans(length, tile, overlap);
    t.is(list[0].start, 0);
    t.is(list.at(-1)!.start + list.at(-1)!.size, length);
    for (let k = 1; k < list.length; k++) {
      t.true(list[k].before >= overlap, `${length}/${tile}: overlap ${list[k].before}`);
      t.is(list[k].before, list[k - 1].after);
    }
  }
});

test('feather should discard the outer quarter of an overlap, be 1 inside, and scale with the output', (t) => {
  const [first, second] = spans(56, 32, 8);
  const w = feather(second, 2);
  t.is(w.length, 64);
  // Overlap 8 input px = 16 output px: 4 discarded, 8 cross-faded, 4 at full weight.
  t.true(w[0] < 1e-5 && w[3] < 1e-5);
  t.true(w[4] > 0 && w[4] < 0.1);
  t.true(w[11] > 0.9 && w[11] < 1);
  t.is(w[12], 1);
  t.is(w[63], 1);
  const v = feather(first, 1);
  t.is(v[0], 1);
  t.true(v[30] < 1e-5 && v[31] < 1e-5);
  t.true(v[29] > 0);
});
