/**
 * The frame protocol between the `kindenhance` GStreamer element (gst/gstkindenhance.c) and
 * `kind-pipe serve`: every message is a 48-byte little-endian header and a payload. Written down
 * in docs/gstreamer-protocol.md; the C side mirrors these offsets.
 *
 * ```ts
 * const header = decodeHeader(bytes);           // { problem } for anything this server cannot read
 * socket.write(encodeHeader({ ...header, type: messageType.result }));
 * ```
 */
export const headerBytes = 48;
export const protocolMagic = 'KPGS';
export const protocolVersion = 1;
/** Largest width or height a frame may have. */
export const maxSide = 16384;
/** `pts` when the buffer has no timestamp (GST_CLOCK_TIME_NONE). */
export const noPts = 0xffff_ffff_ffff_ffffn;

export const messageType = { frame: 1, result: 2, error: 3 } as const;
export type MessageType = (typeof messageType)[keyof typeof messageType];

export interface MessageHeader {
  type: MessageType;
  /** Pixel format code (pixel-formats.ts); 0 in error messages. */
  format: number;
  width: number;
  height: number;
  fpsN: number;
  fpsD: number;
  payloadBytes: number;
  sequence: bigint;
  /** Nanoseconds, or `noPts`. */
  pts: bigint;
}

export function encodeHeader(header: MessageHeader): Buffer {
  const bytes = Buffer.alloc(headerBytes);
  bytes.write(protocolMagic, 0, 'latin1');
  bytes.writeUInt16LE(protocolVersion, 4);
  bytes.writeUInt16LE(header.type, 6);
  bytes.writeUInt32LE(header.format, 8);
  bytes.writeUInt32LE(header.width, 12);
  bytes.writeUInt32LE(header.height, 16);
  bytes.writeUInt32LE(header.fpsN, 20);
  bytes.writeUInt32LE(header.fpsD, 24);
  bytes.writeUInt32LE(header.payloadBytes, 28);
  bytes.writeBigUInt64LE(header.sequence, 32);
  bytes.writeBigUInt64LE(header.pts, 40);
  return bytes;
}

/** The header's fields, or why it cannot be read (bad magic, another protocol version). */
export function decodeHeader(bytes: Uint8Array): MessageHeader | { problem: string; sequence?: bigint } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, headerBytes);
  const magic = view.toString('latin1', 0, 4);
  if (magic !== protocolMagic) {
    return { problem: `not a kindenhance message: the header starts with ${JSON.stringify(magic)}, expected "${protocolMagic}"` };
  }
  const version = view.readUInt16LE(4);
  const sequence = view.readBigUInt64LE(32);
  if (version !== protocolVersion) {
    return { problem: `protocol version ${version} is not supported; this kind-pipe serve speaks version ${protocolVersion}. Fix: build kindenhance from the same kind-pipe checkout`, sequence };
  }
  const type = view.readUInt16LE(6);
  if (type !== messageType.frame && type !== messageType.result && type !== messageType.error) return { problem: `unknown message type ${type}`, sequence };
  return {
    type,
    format: view.readUInt32LE(8),
    width: view.readUInt32LE(12),
    height: view.readUInt32LE(16),
    fpsN: view.readUInt32LE(20),
    fpsD: view.readUInt32LE(24),
    payloadBytes: view.readUInt32LE(28),
    sequence,
    pts: view.readBigUInt64LE(40),
  };
}

/** An error message (header and UTF-8 text) answering frame `sequence`, or `noPts` for none. */
export function errorMessage(sequence: bigint, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = encodeHeader({ type: messageType.error, format: 0, width: 0, height: 0, fpsN: 0, fpsD: 0, payloadBytes: payload.length, sequence, pts: noPts });
  return Buffer.concat([header, payload]);
}
