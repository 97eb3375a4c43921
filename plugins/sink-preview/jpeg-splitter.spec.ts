import test from 'ava';
import { execFileSync } from 'node:child_process';
import { JpegSplitter } from './jpeg-splitter.js';

/** A real JPEG from ffmpeg's mjpeg encoder, as the preview's encoder makes them. */
function jpeg(colour: string, size = '33x17'): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=${colour}:s=${size},format=yuvj444p`, '-frames:v', '1', '-c:v', 'mjpeg', '-f', 'image2pipe', 'pipe:1']);
}

/** The same image with a comment segment whose bytes include an EOI marker (ff d9) right after SOI. */
function withTrickyComment(image: Buffer): Buffer {
  const text = Buffer.from([0xff, 0xd9, 0xff, 0xd8, 0x41]);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, text.length + 2]), text]);
  return Buffer.concat([image.subarray(0, 2), segment, image.subarray(2)]);
}

test('JpegSplitter.push should give back each image of a stream cut into chunks of any size', (t) => {
  const images = [jpeg('red'), withTrickyComment(jpeg('green', '64x48')), jpeg('blue', '1x1')];
  const stream = Buffer.concat(images);
  for (const chunkSize of [1, 2, 3, 7, 64, stream.length]) {
    const splitter = new JpegSplitter();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += chunkSize) out.push(...splitter.push(stream.subarray(i, i + chunkSize)));
    t.deepEqual(out.map((b) => b.toString('hex')), images.map((b) => b.toString('hex')), `chunks of ${chunkSize} bytes`);
    t.is(splitter.pending, 0);
  }
});

test('JpegSplitter.push should keep an unfinished image pending until its EOI arrives', (t) => {
  const image = jpeg('white');
  const splitter = new JpegSplitter();
  t.deepEqual(splitter.push(image.subarray(0, image.length - 1)), []);
  t.is(splitter.pending, image.length - 1);
  t.is(splitter.push(image.subarray(image.length - 1)).length, 1);
});

test('JpegSplitter.push should refuse a stream that is not JPEG', (t) => {
  t.throws(() => new JpegSplitter().push(Buffer.from('P6\n1 1\n255\n\0\0\0')), { message: /not a JPEG stream/ });
});
