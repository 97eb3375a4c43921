import test from 'ava';
import { image } from './fixtures/images.js';
import { downsample, lightness, loe } from './loe.js';

// 16×16 grey ramp: every lightness value 0..255 exactly once, so every pair has a strict order.
const ramp = image(16, 16, (i, j) => i * 16 + j);

test('loe should be 0 for identical images', (t) => {
  const big = image(300, 200, (i, j, c) => (i * 7 + j * 3 + c * 11) % 256);
  t.is(loe(big, { ...big, data: big.data.slice() }), 0);
});

test('loe should be 0 when lightness is brightened but its order kept', (t) => {
  const half = image(16, 16, (i, j) => (i * 16 + j) / 2); // has ties, which 2·v keeps
  const doubled = { ...half, data: half.data.map((v) => v * 2) };
  t.is(loe(half, doubled), 0);
});

test('loe should count every swapped pair: an inverted ramp of n distinct values gives n − 1', (t) => {
  const inverted = { ...ramp, data: ramp.data.map((v) => 255 - v) };
  t.is(loe(ramp, inverted), 255);
});

test('loe should count only the pixels that changed order', (t) => {
  // Swap the lightness of two pixels (values 0 and 1): for each of them one pair flips.
  const swapped = { ...ramp, data: ramp.data.slice() };
  swapped.data.set([1, 1, 1], 0);
  swapped.data.set([0, 0, 0], 3);
  t.is(loe(ramp, swapped), 2 / 256);
});

test('loe should compare on a grid whose short side is 50 by default', (t) => {
  // 100×100 of 2×2 blocks holding (block index mod 256): the 50×50 grid sees 2500 cells, values
  // 0..195 ten times and 196..255 nine times. Inverting swaps every pair of unequal cells, so
  // LOE = 2500 − Σ count² / 2500 = 2500 − (196·100 + 60·81) / 2500 = 2490.216. Scoring the
  // 10 000 pixels instead would give 10000 − 16·24460 / 10000 = 9960.864.
  const blocks = image(100, 100, (i, j) => (Math.floor(i / 2) * 50 + Math.floor(j / 2)) % 256);
  const inverted = { ...blocks, data: blocks.data.map((v) => 255 - v) };
  t.is(loe(blocks, inverted).toFixed(6), '2490.216000');
  // A 64×64 image of 4×4 blocks on a 16-cell grid: the 16×16 ramp again.
  const coarse = image(64, 64, (i, j) => Math.floor(i / 4) * 16 + Math.floor(j / 4));
  t.is(loe(coarse, { ...coarse, data: coarse.data.map((v) => 255 - v) }, 16), 255);
});

test('lightness should be max(R, G, B)', (t) => {
  const px = { width: 2, height: 1, data: Uint8Array.from([10, 200, 30, 90, 5, 91]) };
  t.deepEqual([...lightness(px)], [200, 91]);
});

test('downsample should average whole blocks', (t) => {
  const plane = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  t.deepEqual([...downsample(plane, 4, 4, 2, 2)], [3.5, 5.5, 11.5, 13.5]);
});
