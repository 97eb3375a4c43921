import test from 'ava';
import { y4mChroma, y4mChromaTags } from './y4m-chroma.js';
import { y4mLayout } from './y4m-layout.js';
import { yuvFromRgb } from './yuv-from-rgb.js';
import { matrixForSize, type YuvFormat, type YuvMatrix, type YuvRange } from './yuv-matrix.js';
import { yuvToRgb } from './yuv-to-rgb.js';

function format(tag: string, width: number, height: number, matrix: YuvMatrix = 'bt601', range: YuvRange = 'limited'): YuvFormat {
  const c = y4mChroma(tag)!;
  return { width, height, shiftX: c.shiftX, shiftY: c.shiftY, planes: c.planes, depth: c.depth, matrix, range };
}

/** One pixel of one colour, through rgb → y4m → rgb: returns the Y, Cb, Cr samples. */
function samples(rgb: [number, number, number], matrix: YuvMatrix, range: YuvRange): number[] {
  const f = format('444', 1, 1, matrix, range);
  const yuv = new Uint8Array(3);
  yuvFromRgb(f)(new Uint8Array(rgb), yuv);
  return [...yuv];
}

test('yuvFromRgb should put black, white and grey at the nominal levels of each range', (t) => {
  t.deepEqual(samples([0, 0, 0], 'bt601', 'limited'), [16, 128, 128]);
  t.deepEqual(samples([255, 255, 255], 'bt601', 'limited'), [235, 128, 128]);
  t.deepEqual(samples([0, 0, 0], 'bt709', 'full'), [0, 128, 128]);
  t.deepEqual(samples([255, 255, 255], 'bt709', 'full'), [255, 128, 128]);
});

test('yuvFromRgb should follow the BT.601 and BT.709 matrices (pure red)', (t) => {
  // BT.601: Y = 16 + 219·0.299, Cr = 128 + 112; BT.709: Y = 16 + 219·0.2126, Cb = 128 − 112·0.2126/0.9278.
  t.deepEqual(samples([255, 0, 0], 'bt601', 'limited'), [81, 90, 240]);
  t.deepEqual(samples([255, 0, 0], 'bt709', 'limited'), [63, 102, 240]);
});

test('yuvToRgb should map limited-range black and white to 0 and 255 and clip what lies beyond', (t) => {
  const f = format('444', 4, 1);
  const rgb = new Uint8Array(12);
  // Y planes then Cb then Cr: 16 (black), 235 (white), 5 (below black), 250 (above white).
  yuvToRgb(f)(new Uint8Array([16, 235, 5, 250, 128, 128, 128, 128, 128, 128, 128, 128]), rgb);
  t.deepEqual([...rgb], [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]);
});

test('yuvToRgb on mono should give grey', (t) => {
  const rgb = new Uint8Array(3);
  yuvToRgb(format('mono', 1, 1, 'bt601', 'full'))(new Uint8Array([77]), rgb);
  t.deepEqual([...rgb], [77, 77, 77]);
});

/** A smooth colour gradient at an odd size: what a camera sees, with no detail finer than chroma. */
function gradient(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      rgb[p] = Math.round(20 + (200 * x) / width);
      rgb[p + 1] = Math.round(30 + (180 * y) / height);
      rgb[p + 2] = Math.round(220 - (150 * (x + y)) / (width + height));
    }
  }
  return rgb;
}

for (const range of ['limited', 'full'] as const) {
  for (const tag of y4mChromaTags.filter((t) => !t.startsWith('mono'))) {
    test(`a gradient through ${tag} ${range} and back (385×289) should come back within a few code values`, (t) => {
      const [width, height] = [385, 289];
      const f = format(tag, width, height, 'bt709', range);
      const source = gradient(width, height);
      const yuv = new Uint8Array(y4mLayout(width, height, y4mChroma(tag)!).frameBytes);
      const back = new Uint8Array(source.length);
      yuvFromRgb(f)(source, yuv);
      yuvToRgb(f)(yuv, back);
      let worst = 0;
      let sum = 0;
      for (let i = 0; i < source.length; i++) {
        const d = Math.abs(source[i] - back[i]);
        worst = Math.max(worst, d);
        sum += d;
      }
      // 8-bit limited range has 219 luma steps for 256 RGB steps, and chroma subsampling shares
      // one Cb/Cr between pixels whose colour differs a little: measured worst 3, mean ≤ 0.49.
      t.true(worst <= 3, `worst ${worst}`);
      t.true(sum / source.length < 0.6, `mean ${(sum / source.length).toFixed(3)}`);
    });
  }
}

test('a y4m frame no stage changes should survive yuv → rgb → yuv within one code value (8-bit 4:2:0)', (t) => {
  const [width, height] = [33, 17];
  const f = format('420jpeg', width, height);
  const rgb = gradient(width, height);
  const first = new Uint8Array(y4mLayout(width, height, y4mChroma('420jpeg')!).frameBytes);
  yuvFromRgb(f)(rgb, first);
  const again = new Uint8Array(first.length);
  const between = new Uint8Array(rgb.length);
  yuvToRgb(f)(first, between);
  yuvFromRgb(f)(between, again);
  let worst = 0;
  for (let i = 0; i < first.length; i++) worst = Math.max(worst, Math.abs(first[i] - again[i]));
  t.true(worst <= 1, `worst ${worst}`);
});

test('matrixForSize should pick BT.709 for HD the way players do, BT.601 for SD', (t) => {
  t.is(matrixForSize(1280, 720), 'bt709');
  t.is(matrixForSize(720, 578), 'bt709');
  t.is(matrixForSize(720, 576), 'bt601');
  t.is(matrixForSize(1024, 576), 'bt601');
  t.is(matrixForSize(640, 360), 'bt601');
});
