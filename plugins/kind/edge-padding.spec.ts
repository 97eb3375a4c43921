import test from 'ava';
import type { ModelSession, TensorData } from '../../core/model.js';
import { cropPadding, mirrorIndex, mirrorPad, mirrorPadded } from './edge-padding.js';

test('mirrorIndex repeats the edge pixel and folds again when the pad is wider than the image', (t) => {
  t.deepEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => mirrorIndex(i, 3)), [2, 1, 0, 0, 1, 2, 2, 1, 0, 0]);
  t.deepEqual([-9, -1, 0, 1, 9].map((i) => mirrorIndex(i, 1)), [0, 0, 0, 0, 0]);
});

test('mirrorPad then cropPadding gives back the image, at odd sizes and 1×1', (t) => {
  for (const [w, h, c, pad] of [[5, 3, 3, 8], [1, 1, 1, 4], [7, 2, 2, 3]]) {
    const image = Float32Array.from({ length: w * h * c }, (_, i) => i / 10);
    const padded = mirrorPad(image, c, w, h, pad);
    t.is(padded.length, c * (w + 2 * pad) * (h + 2 * pad));
    t.deepEqual(cropPadding(padded, c, w, h, pad), image, `${w}×${h}×${c} pad ${pad}`);
  }
});

test('mirrorPad puts the mirrored neighbours around the edge', (t) => {
  // 3×2, one channel: rows [0 1 2] [3 4 5]; padded by 1 → 5×4.
  const padded = mirrorPad(Float32Array.of(0, 1, 2, 3, 4, 5), 1, 3, 2, 1);
  t.deepEqual([...padded], [0, 0, 1, 2, 2, 0, 0, 1, 2, 2, 3, 3, 4, 5, 5, 3, 3, 4, 5, 5]);
});

test('mirrorPadded pads image feeds, passes other feeds through and crops image outputs', async (t) => {
  const seen: Record<string, readonly number[]> = {};
  const inner: ModelSession = {
    inputNames: ['illumination', 'ratio'],
    outputNames: ['adjusted'],
    dispose: async () => undefined,
    async run(feeds): Promise<Record<string, TensorData>> {
      for (const [name, feed] of Object.entries(feeds)) seen[name] = feed.dims;
      const i = feeds.illumination;
      return { adjusted: { data: (i.data as Float32Array).map((v) => v * 2), dims: i.dims } };
    },
  };
  const image = Float32Array.from({ length: 4 * 3 }, (_, i) => i);
  const out = await mirrorPadded(inner, 4).run({ illumination: { data: image, dims: [1, 1, 3, 4] }, ratio: { data: Float32Array.of(2), dims: [1] } });
  t.deepEqual(seen, { illumination: [1, 1, 11, 12], ratio: [1] });
  t.deepEqual(out.adjusted.dims, [1, 1, 3, 4]);
  t.deepEqual([...out.adjusted.data], [...image].map((v) => v * 2));
});
