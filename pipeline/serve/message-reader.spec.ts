import test from 'ava';
import { ProtocolError, readFrames, type FrameLimits } from './message-reader.js';
import { encodeHeader, messageType, noPts, type MessageHeader } from './wire-format.js';

const header = (sequence: bigint, payloadBytes = 2 * 3 * 3): MessageHeader => ({ type: messageType.frame, format: 1, width: 2, height: 3, fpsN: 25, fpsD: 1, payloadBytes, sequence, pts: noPts });

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(stream: AsyncIterable<Uint8Array>, limits?: FrameLimits) {
  const frames = [];
  for await (const frame of readFrames(stream, limits)) frames.push(frame);
  return frames;
}

test('readFrames should cut a byte stream into frames however it is chunked', async (t) => {
  const bytes = Buffer.concat([encodeHeader(header(0n)), Buffer.alloc(18, 1), encodeHeader(header(1n)), Buffer.alloc(18, 2)]);
  for (const size of [1, 7, 48, 66, 1000]) {
    const frames = await collect(chunks(bytes, size));
    t.deepEqual(frames.map((f) => [f.header.sequence, f.payload.length, f.payload[17]]), [[0n, 18, 1], [1n, 18, 2]], `chunks of ${size}`);
  }
});

test('readFrames when a header is wrong should throw ProtocolError naming the problem and the frame', async (t) => {
  const wrong = Buffer.concat([encodeHeader(header(0n)), Buffer.alloc(18), encodeHeader(header(5n, 17))]);
  const error = await t.throwsAsync(collect(chunks(wrong, 100)), { instanceOf: ProtocolError });
  t.is(error!.message, 'payload of 17 bytes does not match 2×3 RGB (18 bytes, rows packed without padding)');
  t.is(error!.sequence, 5n);
  const unknown = encodeHeader({ ...header(1n), format: 42 });
  await t.throwsAsync(collect(chunks(unknown, 48)), { message: /unknown pixel format 42; known: 1=RGB, 2=BGR/ });
});

test('readFrames when the stream ends inside a message should end quietly (the client left)', async (t) => {
  const cut = Buffer.concat([encodeHeader(header(0n)), Buffer.alloc(10)]);
  t.deepEqual(await collect(chunks(cut, 8)), []);
});

test('readFrames when a header announces a frame over maxFramePixels should throw before its payload arrives, naming the limit and the flag (#17)', async (t) => {
  async function* headerOnly(): AsyncGenerator<Uint8Array> {
    yield encodeHeader({ ...header(3n), width: 7680, height: 4320, payloadBytes: 7680 * 4320 * 3 });
    await new Promise(() => undefined); // the payload never comes: only the header was checked
  }
  const error = await t.throwsAsync(collect(headerOnly(), { maxFramePixels: 3840 * 2160 }), { instanceOf: ProtocolError });
  t.is(error!.sequence, 3n);
  t.regex(error!.message, /^a 7680×4320 frame \(33177600 pixels\) is larger than this server takes \(--max-frame-pixels 8294400\)\. Fix: .*--max-frame-pixels 33177600 or more$/);
  t.is((await collect(chunks(Buffer.concat([encodeHeader(header(0n)), Buffer.alloc(18)]), 9), { maxFramePixels: 6 })).length, 1, 'exactly at the limit is taken');
});
