import test from 'ava';
import { colourfulness } from './colourfulness.js';
import { constant, gaussian, image } from './fixtures/images.js';
import { luma, meanLuma } from './luma.js';
import { noiseSigma } from './noise.js';

test('meanLuma should use the BT.601 weights', (t) => {
  t.true(Math.abs(meanLuma(constant(3, 3, 255, 0, 0)) - 0.299 * 255) < 1e-9);
  t.true(Math.abs(meanLuma(constant(3, 3, 0, 255, 0)) - 0.587 * 255) < 1e-9);
  t.true(Math.abs(meanLuma(constant(3, 3, 255)) - 255) < 1e-9);
  t.deepEqual([...luma(constant(1, 1, 0, 0, 100))].map((v) => v.toFixed(6)), ['11.400000']);
});

test('noiseSigma should be 0 on flat and linear images', (t) => {
  t.is(noiseSigma(constant(20, 20, 77)), 0);
  t.true(noiseSigma(image(50, 40, (i, j) => i + 2 * j)) < 1e-12); // luma weights leave rounding dust
});

test('noiseSigma should recover the σ of added Gaussian noise', (t) => {
  const n = gaussian(11);
  const sigma = 8;
  const noisy = image(256, 256, () => 0);
  for (let p = 0; p < 256 * 256; p++) noisy.data.fill(Math.round(128 + sigma * n()), p * 3, p * 3 + 3);
  const estimate = noiseSigma(noisy);
  t.true(Math.abs(estimate - sigma) < 0.25, String(estimate));
});

test('colourfulness should be 0 for grey and follow Hasler–Süsstrunk for two colours', (t) => {
  t.is(colourfulness(image(8, 8, (i, j) => (i * 8 + j) * 4)), 0);
  // Half pure red, half pure blue: rg = 255 | 0, yb = 127.5 | −255, so
  // σrg = 127.5, σyb = 191.25, μrg = 127.5, μyb = −63.75.
  const redBlue = image(4, 2, (i, _j, c) => (i === 0 ? [255, 0, 0][c] : [0, 0, 255][c]));
  const expected = Math.sqrt(127.5 ** 2 + 191.25 ** 2) + 0.3 * Math.sqrt(127.5 ** 2 + 63.75 ** 2);
  t.true(Math.abs(colourfulness(redBlue) - expected) < 1e-9);
  t.is(expected.toFixed(2), '272.62');
});
