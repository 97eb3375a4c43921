import test from 'ava';
import { KindPipeError } from '../../core/errors.js';
import { constant, image } from './fixtures/images.js';
import { mse, psnr } from './psnr.js';

test('psnr should be 20·log10(255/10) = 28.13 dB for a constant offset of 10', (t) => {
  const a = constant(7, 5, 100);
  const b = constant(7, 5, 110);
  t.is(mse(a, b), 100);
  t.true(Math.abs(psnr(a, b) - 20 * Math.log10(25.5)) < 1e-12);
  t.is(psnr(a, b).toFixed(2), '28.13');
});

test('psnr should pool the error over R, G and B, not average per-channel dB', (t) => {
  // Only the red channel is off by 30: MSE = 900 / 3 = 300.
  const a = constant(4, 4, 50, 60, 70);
  const b = constant(4, 4, 80, 60, 70);
  t.is(mse(a, b), 300);
  t.true(Math.abs(psnr(a, b) - 10 * Math.log10((255 * 255) / 300)) < 1e-12);
});

test('psnr should be Infinity for identical images', (t) => {
  const a = image(9, 3, (i, j, c) => i * 40 + j * 9 + c);
  t.is(psnr(a, { ...a, data: a.data.slice() }), Infinity);
});

test('psnr should refuse images of different sizes, naming both sizes', (t) => {
  const error = t.throws(() => psnr(constant(4, 4, 0), constant(4, 5, 0)));
  t.true(KindPipeError.is(error, 'input'));
  t.regex(error!.message, /4×4 vs 4×5/);
});
