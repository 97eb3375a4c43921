import test from 'ava';
import { KindPipeError } from '../../core/errors.js';
import { constant, gaussian, image } from './fixtures/images.js';
import { gaussianWindow, ssim } from './ssim.js';

// The same integer formulas as pattern() and dimmed() in fixtures/reference.py.
const pattern = () => {
  const x = image(32, 24, (i, j, c) => (i * 31 + j * 17 + c * 50 + ((i * j) % 7) * 9) % 256);
  const y = image(32, 24, (i, j, c) => x.data[(i * 32 + j) * 3 + c] + ((i * 13 + j * 7 + c * 3) % 61) - 30 + Math.floor(i / 8) * 9);
  return [x, y];
};
const dimmed = () => {
  const x = image(48, 40, (i, j, c) => (i * 5 + j * 3 + c * 20) % 256);
  const y = image(48, 40, (i, j, c) => Math.floor((x.data[(i * 48 + j) * 3 + c] * 6 + 300) / 10));
  return [x, y];
};

test('gaussianWindow should be the normalised 11-tap σ=1.5 Gaussian', (t) => {
  const w = gaussianWindow(11, 1.5);
  t.true(Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-15);
  t.true(Math.abs(w[5] - 0.266011725) < 1e-9); // 1 / Σ exp(−k²/4.5), k = −5…5
  t.is(w[0], w[10]);
});

test('ssim should be exactly 1 for identical images', (t) => {
  const [x] = pattern();
  t.is(ssim(x, { ...x, data: x.data.slice() }), 1);
});

// Reference values from fixtures/reference.py, an independent numpy implementation of skimage's
// algorithm (reflect-padded filtering of the whole image, then the 5-pixel border cropped), which
// gives 0.1564551317 on a real dark/ground-truth pair where this code gives 0.15645513171663528.
test('ssim should match the numpy reference on a textured pair', (t) => {
  const [x, y] = pattern();
  t.true(Math.abs(ssim(x, y) - 0.962437635308859) < 1e-12, String(ssim(x, y)));
});

test('ssim should match the numpy reference on a darker, lower-contrast copy', (t) => {
  const [x, y] = dimmed();
  t.true(Math.abs(ssim(x, y) - 0.883959881159646) < 1e-12, String(ssim(x, y)));
});

test('ssim should drop as noise grows', (t) => {
  const base = image(64, 64, (i, j) => 128 + 60 * Math.sin(i / 5) * Math.cos(j / 7));
  const noisy = (sigma: number) => {
    const n = gaussian(3);
    return { ...base, data: base.data.map((v) => Math.max(0, Math.min(255, Math.round(v + sigma * n())))) };
  };
  const light = ssim(base, noisy(5));
  const heavy = ssim(base, noisy(25));
  t.true(light < 1 && heavy < light, `${light} ${heavy}`);
});

test('ssim should refuse images smaller than its 11×11 window', (t) => {
  const error = t.throws(() => ssim(constant(10, 40, 5), constant(10, 40, 5)));
  t.true(KindPipeError.is(error, 'input'));
  t.regex(error!.message, /at least 11×11/);
});
