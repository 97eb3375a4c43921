import test from 'ava';
import type { Rgb } from '../../pipeline/eval/rgb.js';
import { greyBlocks, realFootageScores, sharpness, stretch } from './no-reference.js';

/** A width×height image whose pixel (x, y) is `colour(x, y)`. */
function image(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): Rgb {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 3);
  return { width, height, data };
}

test('stretch maps the darkest value to 0 and the brightest to 255 over all channels, as normalize minmax', (t) => {
  const s = stretch(image(2, 1, (x) => (x ? [40, 30, 20] : [10, 20, 30])));
  t.deepEqual([...s.data], [0, 85, 170, 255, 170, 85]);
});

test('greyBlocks keeps the 8×8 blocks whose mean is grey and leaves out coloured, black and clipped ones', (t) => {
  // Four blocks side by side: grey, orange, black, white.
  const colours: [number, number, number][] = [[100, 102, 98], [180, 120, 60], [5, 5, 5], [250, 250, 250]];
  const mask = greyBlocks(image(32, 8, (x) => colours[Math.floor(x / 8)]));
  t.is(mask.reduce((a, b) => a + b, 0), 64);
  t.is(mask[0], 1);
  t.is(mask[8], 0);
});

test('realFootageScores measures a green cast on grey regions and a lifted black level', (t) => {
  const input = image(16, 16, (x, y) => ((x + y) % 2 ? [120, 120, 120] : [60, 60, 60]));
  const grey = greyBlocks(input);
  const neutral = realFootageScores(input, grey);
  t.is(neutral.greyCast, 0);
  t.is(neutral.greyShare, 1);
  t.is(neutral.blackLevel, 60);
  const veiled = realFootageScores(image(16, 16, (x, y) => ((x + y) % 2 ? [114, 120, 118] : [80, 84, 83])), grey);
  t.true(Math.abs(veiled.greyRG - 194 / 204) < 1e-9);
  t.true(veiled.greyCast > 4.5 && veiled.greyCast < 5.5, `cast ${veiled.greyCast} %`);
  t.true(veiled.blackLevel > 80);
});

test('sharpness does not change with brightness but drops when the texture is smoothed', (t) => {
  const checker = (lo: number, hi: number) => image(8, 8, (x, y) => ((x + y) % 2 ? [hi, hi, hi] : [lo, lo, lo]));
  t.true(Math.abs(sharpness(checker(40, 80)) - sharpness(checker(80, 160))) < 1e-9);
  t.true(sharpness(checker(55, 65)) < sharpness(checker(40, 80)) / 3);
  t.is(sharpness(image(4, 4, () => [0, 0, 0])), 0);
});
