import test from 'ava';
import { KindPipeError } from '../errors.js';
import { formatY4mHeader, parseY4mHeader, y4mHeaderLimit } from './y4m-header.js';

test('parseY4mHeader should read every field ffmpeg writes', (t) => {
  const header = parseY4mHeader('YUV4MPEG2 W1920 H1080 F30000:1001 It A4:3 C420mpeg2 XYSCSS=420MPEG2 XCOLORRANGE=FULL', 'cam');
  t.deepEqual(header, { width: 1920, height: 1080, rate: [30000, 1001], interlace: 't', aspect: [4, 3], chroma: '420mpeg2', range: 'full', extensions: [] });
});

test('parseY4mHeader should take fields in any order and keep vendor X fields, reading XLENGTH as a frame count', (t) => {
  const header = parseY4mHeader('YUV4MPEG2 C444p10 W321 H181 F24000:1001 Ip A0:0 XLENGTH=240', 'vspipe');
  t.is(header.chroma, '444p10');
  t.is(header.length, 240);
  t.deepEqual(header.extensions, ['XLENGTH=240']);
  t.is(header.range, undefined);
});

test('parseY4mHeader when C is missing should fall back to XYSCSS, then to 420jpeg; C420 means 420jpeg', (t) => {
  t.is(parseY4mHeader('YUV4MPEG2 W2 H2 XYSCSS=422', 's').chroma, '422');
  t.is(parseY4mHeader('YUV4MPEG2 W2 H2', 's').chroma, '420jpeg');
  t.is(parseY4mHeader('YUV4MPEG2 W2 H2 C420', 's').chroma, '420jpeg');
  t.is(parseY4mHeader('YUV4MPEG2 W2 H2 C444 XYSCSS=420JPEG', 's').chroma, '444');
});

const bad: [string, string, RegExp][] = [
  ['an unknown chroma tag', 'YUV4MPEG2 W64 H48 C420xyz', /stdin: YUV4MPEG2 header, byte 18: field "C420xyz": unknown chroma tag '420xyz'\. Known: 420jpeg, 420mpeg2/],
  ['no width', 'YUV4MPEG2 H48 F25:1', /byte 19: no W \(width\) field/],
  ['a zero height', 'YUV4MPEG2 W64 H0', /byte 14: field "H0": the height must be a whole number from 1 to 32768/],
  ['a malformed rate', 'YUV4MPEG2 W64 H48 F25', /byte 18: field "F25": expected FN:D, e.g\. F30000:1001/],
  ['a rate with one zero', 'YUV4MPEG2 W64 H48 F25:0', /field "F25:0": a zero in only one half/],
  ['an unknown interlacing letter', 'YUV4MPEG2 W64 H48 Ix', /field "Ix": interlacing must be Ip, It, Ib, Im or I\?/],
  ['a bad colour range', 'YUV4MPEG2 W64 H48 XCOLORRANGE=TV', /field "XCOLORRANGE=TV": XCOLORRANGE must be FULL or LIMITED/],
  ['an unknown field letter', 'YUV4MPEG2 W64 H48 Z9', /byte 18: unknown field "Z9"; a header field starts with W, H, F, I, A, C or X/],
  ['another magic', 'YUV4MPEG W64 H48', /stdin: not a YUV4MPEG2 stream: it starts with "YUV4MPEG W64 H48"/],
];
for (const [what, line, message] of bad) {
  test(`parseY4mHeader should reject ${what}, naming the field and its byte`, (t) => {
    const error = t.throws(() => parseY4mHeader(line, 'stdin'));
    t.true(KindPipeError.is(error, 'input'));
    t.regex(error!.message, message);
  });
}

test('formatY4mHeader should write what parseY4mHeader reads back, with XYSCSS beside C as ffmpeg does', (t) => {
  const header = { width: 322, height: 182, rate: [25, 1] as [number, number], interlace: 'p' as const, aspect: [1, 1] as [number, number], chroma: '420jpeg', range: 'limited' as const, extensions: ['XLENGTH=10'] };
  const { text, dropped } = formatY4mHeader(header);
  t.is(text, 'YUV4MPEG2 W322 H182 F25:1 Ip A1:1 C420jpeg XYSCSS=420JPEG XCOLORRANGE=LIMITED XLENGTH=10\n');
  t.deepEqual(dropped, []);
  t.deepEqual(parseY4mHeader(text.trimEnd(), 'again'), { ...header, length: 10 });
});

test('formatY4mHeader should drop vendor fields that would pass the 96 bytes ffmpeg reads', (t) => {
  const { text, dropped } = formatY4mHeader({
    width: 640, height: 360, rate: [25, 1], interlace: 'p', aspect: [1, 1], chroma: '420p10', range: 'limited',
    extensions: ['XLENGTH=1000', 'XSOMETHING=a-long-vendor-value-that-does-not-fit'],
  });
  t.true(text.length <= y4mHeaderLimit, `${text.length} bytes`);
  t.regex(text, / XLENGTH=1000\n$/);
  t.deepEqual(dropped, ['XSOMETHING=a-long-vendor-value-that-does-not-fit']);
});
