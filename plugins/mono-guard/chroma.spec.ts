import test from 'ava';
import { meanChroma, meanLuma, scaleBytes, toLuma } from './chroma.js';

test('meanChroma should be 0 for grey pixels and max−min for coloured ones', (t) => {
  t.is(meanChroma(new Uint8Array([10, 10, 10, 200, 200, 200]), 1), 0);
  t.is(meanChroma(new Uint8Array([10, 40, 20, 0, 0, 0]), 1), 15);
  t.is(meanChroma(new Uint8Array([10, 40, 20, 0, 0, 0]), 2), 30, 'step 2 looks at the first pixel only');
});

test('toLuma should write Rec. 601 luma to all three channels', (t) => {
  const bytes = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 150, 200]);
  toLuma(bytes);
  t.deepEqual([...bytes], [76, 76, 76, 150, 150, 150, 29, 29, 29, 141, 141, 141]);
});

test('meanLuma should average Rec. 601 luma over the subsample', (t) => {
  t.is(meanLuma(new Uint8Array([100, 100, 100, 200, 200, 200]), 1), 150);
  t.is(Math.round(meanLuma(new Uint8Array([255, 0, 0, 0, 0, 0]), 2)), 76);
});

test('scaleBytes should round and clamp', (t) => {
  const bytes = new Uint8Array([0, 10, 100, 200]);
  scaleBytes(bytes, 1.5);
  t.deepEqual([...bytes], [0, 15, 150, 255]);
});
