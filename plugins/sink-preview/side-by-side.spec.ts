import test from 'ava';
import { gap, pack, sideBySide } from './side-by-side.js';

test('sideBySide should scale both sides to the after height when height is 0 (a ×2 after shows as large as its before)', (t) => {
  const layout = sideBySide({ width: 160, height: 90 }, { width: 320, height: 180 }, 0);
  t.deepEqual(layout.display, { height: 180, left: 320, gap, right: 320, width: 320 + gap + 320 });
  t.deepEqual(layout.packed, { width: 320, height: 270 });
});

test('sideBySide should keep each side its aspect ratio at a chosen height, odd sizes too', (t) => {
  const layout = sideBySide({ width: 385, height: 289 }, { width: 101, height: 67 }, 100);
  t.is(layout.display.left, Math.round((385 * 100) / 289));
  t.is(layout.display.right, Math.round((101 * 100) / 67));
  t.is(layout.display.width, layout.display.left + gap + layout.display.right);
});

test('pack should put before rows on top of after rows, left-aligned in the wider width (the rest is cropped away)', (t) => {
  const layout = sideBySide({ width: 2, height: 1 }, { width: 3, height: 2 }, 0);
  const before = Uint8Array.from({ length: 2 * 1 * 3 }, (_, i) => 10 + i);
  const after = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => 100 + i);
  const out = pack(layout, before, after);
  t.is(out.length, 3 * 3 * 3);
  t.deepEqual([...out.subarray(0, 6)], [...before]);
  t.deepEqual([...out.subarray(9)], [...after]);
});
