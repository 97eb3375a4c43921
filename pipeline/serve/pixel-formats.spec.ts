import test from 'ava';
import { fromRgb24, pixelFormats, toRgb24 } from './pixel-formats.js';

const byName = (name: string) => [...pixelFormats.values()].find((f) => f.name === name)!;

test('toRgb24 should pick red, green and blue out of every layout kindenhance negotiates', (t) => {
  const cases: [string, number[]][] = [
    ['RGB', [10, 20, 30]],
    ['BGR', [30, 20, 10]],
    ['RGBx', [10, 20, 30, 0]],
    ['BGRx', [30, 20, 10, 0]],
    ['xRGB', [0, 10, 20, 30]],
    ['xBGR', [0, 30, 20, 10]],
    ['RGBA', [10, 20, 30, 99]],
    ['BGRA', [30, 20, 10, 99]],
    ['ARGB', [99, 10, 20, 30]],
    ['ABGR', [99, 30, 20, 10]],
  ];
  t.is(cases.length, pixelFormats.size);
  for (const [name, pixel] of cases) t.deepEqual([...toRgb24(Uint8Array.from([...pixel, ...pixel]), byName(name))], [10, 20, 30, 10, 20, 30], name);
});

test('fromRgb24 should write colour back in the sent layout and keep its alpha and padding bytes', (t) => {
  const sent = Uint8Array.from([1, 2, 3, 200, 4, 5, 6, 201]);
  t.deepEqual([...fromRgb24(Uint8Array.from([30, 20, 10, 60, 50, 40]), sent, byName('BGRA'))], [10, 20, 30, 200, 40, 50, 60, 201]);
  t.deepEqual([...sent], [1, 2, 3, 200, 4, 5, 6, 201], 'the sent frame is not changed');
});
