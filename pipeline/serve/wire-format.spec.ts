import test from 'ava';
import { decodeHeader, encodeHeader, headerBytes, messageType, noPts, type MessageHeader } from './wire-format.js';

const frame: MessageHeader = { type: messageType.frame, format: 4, width: 640, height: 360, fpsN: 30000, fpsD: 1001, payloadBytes: 640 * 360 * 4, sequence: 7n, pts: 1_234_567_890n };

test('encodeHeader should write the 48 little-endian bytes docs/gstreamer-protocol.md lays out', (t) => {
  const bytes = encodeHeader(frame);
  t.is(bytes.length, headerBytes);
  t.is(bytes.toString('latin1', 0, 4), 'KPGS');
  t.deepEqual([bytes.readUInt16LE(4), bytes.readUInt16LE(6), bytes.readUInt32LE(8), bytes.readUInt32LE(12), bytes.readUInt32LE(16)], [1, 1, 4, 640, 360]);
  t.deepEqual([bytes.readUInt32LE(20), bytes.readUInt32LE(24), bytes.readUInt32LE(28)], [30000, 1001, 921600]);
  t.is(bytes.readBigUInt64LE(32), 7n);
  t.is(bytes.readBigUInt64LE(40), 1_234_567_890n);
});

test('decodeHeader should read back what encodeHeader wrote, including a missing pts', (t) => {
  t.deepEqual(decodeHeader(encodeHeader(frame)), frame);
  t.deepEqual(decodeHeader(encodeHeader({ ...frame, pts: noPts })), { ...frame, pts: noPts });
});

test('decodeHeader when the magic or version is wrong should say so, keeping the sequence when it can', (t) => {
  t.deepEqual(decodeHeader(Buffer.alloc(48, 'x')), { problem: 'not a kindenhance message: the header starts with "xxxx", expected "KPGS"' });
  const other = encodeHeader(frame);
  other.writeUInt16LE(2, 4);
  const decoded = decodeHeader(other);
  t.true('problem' in decoded && /protocol version 2 is not supported; this kind-pipe serve speaks version 1/.test(decoded.problem));
  t.is((decoded as { sequence?: bigint }).sequence, 7n);
});
