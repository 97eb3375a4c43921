import test from 'ava';
import { changeMap } from './change.js';

const width = 128, height = 64, plane = width * height;
const options = { tile: 32, sensitivity: 6, floor: 0.006 };

function noisyScene(seed: number, sigma: number, extra: (x: number, y: number) => number = () => 0): Float32Array {
  let s = seed >>> 0;
  const uniform = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[c * plane + y * width + x] = 0.2 + x / 1000 + extra(x, y) + sigma * (uniform() - 0.5) * 3.46;
  return out;
}

test('changeMap: noise alone marks no tile', (t) => {
  const map = changeMap(noisyScene(3, 0.02), noisyScene(1, 0.02), noisyScene(2, 0.02), width, height, options);
  t.is(map.share, 0);
  t.true(map.noise > 0);
});

test('changeMap: a faint 12-px square marks the tiles it covers, and only those', (t) => {
  const square = (x: number, y: number) => (x >= 40 && x < 52 && y >= 10 && y < 22 ? 0.08 : 0);
  const map = changeMap(noisyScene(3, 0.02, square), noisyScene(1, 0.02), noisyScene(2, 0.02), width, height, options);
  t.deepEqual([...map.changed], [0, 1, 0, 0, 0, 0, 0, 0]);
});

test('changeMap: the whole picture brightening is drift, not change', (t) => {
  const map = changeMap(noisyScene(3, 0.02, () => 0.03), noisyScene(1, 0.02), noisyScene(2, 0.02), width, height, options);
  t.is(map.share, 0);
  t.true(Math.abs(map.drift - 0.03) < 0.003, `drift ${map.drift}`);
});
