import test from 'ava';
import { Readable } from 'node:stream';
import { KindPipeError } from '../errors.js';
import { Y4mReader } from './y4m-reader.js';

const header = 'YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420jpeg\n';
const frameBytes = 4 * 2 + 2 * 2 * 1; // Y 4×2, Cb and Cr 2×1

function frame(fill: number, line = 'FRAME\n'): Buffer {
  return Buffer.concat([Buffer.from(line), Buffer.alloc(frameBytes, fill)]);
}

/** A stream that hands its bytes over in chunks of `size`, to cross every boundary. */
function stream(data: Buffer, size = 1): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return Readable.from(chunks);
}

async function readAll(data: Buffer, size = 1): Promise<number[]> {
  const reader = new Y4mReader(stream(data, size), 'in.y4m');
  await reader.readHeader();
  const firsts: number[] = [];
  const into = new Uint8Array(frameBytes);
  while (await reader.readFrame(into)) firsts.push(into[0]);
  return firsts;
}

test('Y4mReader should read the header and each frame however the bytes are chunked, skipping FRAME parameters', async (t) => {
  const data = Buffer.concat([Buffer.from(header), frame(1), frame(2, 'FRAME Ixyz\n'), frame(3)]);
  for (const size of [1, 5, 7, data.length]) t.deepEqual(await readAll(data, size), [1, 2, 3], `chunks of ${size}`);
});

test('Y4mReader .readHeader should count the header bytes', async (t) => {
  const reader = new Y4mReader(stream(Buffer.from(header + 'FRAME\n'), 3), 'in.y4m');
  const parsed = await reader.readHeader();
  t.is(parsed.width, 4);
  t.is(reader.headerBytes, header.length);
});

const bad: [string, Buffer, RegExp][] = [
  ['a zero-byte stream', Buffer.alloc(0), /in\.y4m: the stream is empty \(0 bytes\); expected a YUV4MPEG2 header/],
  ['a stream that is not y4m', Buffer.from('\x00\x00\x00\x18ftypisom'), /in\.y4m: not a YUV4MPEG2 stream: it starts with "\\x00\\x00\\x00\\x18[^"]*" where "YUV4MPEG2 " was expected \(byte 0\)\. Fix: feed it y4m/],
  ['a truncated header', Buffer.from('YUV4MPEG2 W4 H2 F25'), /in\.y4m: the YUV4MPEG2 header is truncated: the stream ended at byte 19 before the header's end of line/],
  ['a header with no end of line for 1 KiB', Buffer.from(`YUV4MPEG2 W4 H2 X${'A'.repeat(2000)}`), /runs past 1024 bytes without an end of line/],
  ['an unknown chroma tag', Buffer.from('YUV4MPEG2 W4 H2 C420xyz\n'), /byte 16: field "C420xyz": unknown chroma tag/],
  ['a frame shorter than the header promises', Buffer.concat([Buffer.from(header), frame(1), frame(2).subarray(0, 10)]), /in\.y4m: frame 1 \(starting at byte 57\) is shorter than the header promises: the stream ended at byte 67, after 4 of its 12 bytes of picture data/],
  ['a stream cut inside a FRAME line', Buffer.concat([Buffer.from(header), frame(1), Buffer.from('FRA')]), /frame 1 \(starting at byte 57\) is shorter than the header promises: the stream ended at byte 60, in its FRAME line/],
  ['a frame longer than the header promises', Buffer.concat([Buffer.from(header), frame(1), Buffer.from('xx'), frame(2)]), /in\.y4m: frame 1 \(byte 57\): expected "FRAME", found "xx[^"]*": the stream is not y4m from here, or a frame before it was longer than the header promises/],
];
for (const [what, data, message] of bad) {
  test(`Y4mReader should reject ${what}, naming the byte or frame`, async (t) => {
    const error = await t.throwsAsync(readAll(data, 4));
    t.true(KindPipeError.is(error, 'input'), String(error));
    t.regex(error!.message, message);
  });
}
