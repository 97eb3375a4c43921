import test from 'ava';
import { psnr } from '../../pipeline/eval/psnr.js';
import { matchMean } from './gt-mean.js';

const rgb = (values: number[]) => ({ width: values.length / 3, height: 1, data: Uint8Array.from(values) });

test('matchMean scales an output to the mean of its ground truth, so a pure exposure error scores as none', (t) => {
  const gt = rgb([40, 80, 120, 20, 60, 100]);
  const dark = rgb([20, 40, 60, 10, 30, 50]);
  t.deepEqual([...matchMean(dark, gt).data], [...gt.data]);
  t.is(psnr(matchMean(dark, gt), gt), Infinity);
});

test('matchMean clips at white and leaves a black image black', (t) => {
  t.deepEqual([...matchMean(rgb([100, 200, 0]), rgb([200, 200, 200])).data], [200, 255, 0]);
  t.deepEqual([...matchMean(rgb([0, 0, 0]), rgb([9, 9, 9])).data], [0, 0, 0]);
});
