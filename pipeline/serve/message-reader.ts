import { pixelFormats } from './pixel-formats.js';
import { decodeHeader, headerBytes, maxSide, messageType, type MessageHeader } from './wire-format.js';

/** One frame as kindenhance sent it: its header and its rows of pixels, packed. */
export interface FrameMessage {
  header: MessageHeader;
  payload: Uint8Array;
}

/** A message this server cannot follow; after it the byte stream cannot be trusted. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly sequence?: bigint,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** What a server takes; `serve --max-frame-pixels` sets it. */
export interface FrameLimits {
  /** Largest width × height a frame may have. */
  maxFramePixels: number;
}

/**
 * Frames from a byte stream (a socket), in order. The header is checked before its payload is
 * read, so a wrong size or format, or a frame over `limits`, throws `ProtocolError` without
 * allocating anything. Ends quietly when the stream ends, even in the middle of a message (the
 * client went away).
 *
 * ```ts
 * for await (const { header, payload } of readFrames(socket, { maxFramePixels: 3840 * 2160 })) …
 * ```
 */
export async function* readFrames(stream: AsyncIterable<Uint8Array>, limits: FrameLimits = { maxFramePixels: maxSide * maxSide }): AsyncGenerator<FrameMessage> {
  const head = new Uint8Array(headerBytes);
  let headFilled = 0;
  let header: MessageHeader | undefined;
  let payload = new Uint8Array(0);
  let payloadFilled = 0;
  for await (const chunk of stream) {
    let offset = 0;
    while (offset < chunk.length) {
      if (!header) {
        const take = Math.min(headerBytes - headFilled, chunk.length - offset);
        head.set(chunk.subarray(offset, offset + take), headFilled);
        headFilled += take;
        offset += take;
        if (headFilled < headerBytes) break;
        header = checkedFrameHeader(head, limits);
        payload = new Uint8Array(header.payloadBytes);
        payloadFilled = 0;
      }
      const take = Math.min(payload.length - payloadFilled, chunk.length - offset);
      payload.set(chunk.subarray(offset, offset + take), payloadFilled);
      payloadFilled += take;
      offset += take;
      if (payloadFilled === payload.length) {
        yield { header, payload };
        header = undefined;
        headFilled = 0;
      }
    }
  }
}

function checkedFrameHeader(bytes: Uint8Array, limits: FrameLimits): MessageHeader {
  const header = decodeHeader(bytes);
  if ('problem' in header) throw new ProtocolError(header.problem, header.sequence);
  const { sequence } = header;
  if (header.type !== messageType.frame) throw new ProtocolError(`expected a frame message (type ${messageType.frame}), got type ${header.type}`, sequence);
  const format = pixelFormats.get(header.format);
  if (!format) {
    const known = [...pixelFormats.values()].map((f) => `${f.code}=${f.name}`).join(', ');
    throw new ProtocolError(`unknown pixel format ${header.format}; known: ${known}`, sequence);
  }
  if (header.width < 1 || header.height < 1 || header.width > maxSide || header.height > maxSide) {
    throw new ProtocolError(`frame size ${header.width}×${header.height} is out of range (1…${maxSide} each side)`, sequence);
  }
  const pixels = header.width * header.height;
  if (pixels > limits.maxFramePixels) {
    throw new ProtocolError(
      `a ${header.width}×${header.height} frame (${pixels} pixels) is larger than this server takes (--max-frame-pixels ${limits.maxFramePixels}). ` +
        `Fix: scale the frames down before kindenhance (videoscale), or start kind-pipe serve with --max-frame-pixels ${pixels} or more`,
      sequence,
    );
  }
  const expected = header.width * header.height * format.bytesPerPixel;
  if (header.payloadBytes !== expected) {
    throw new ProtocolError(`payload of ${header.payloadBytes} bytes does not match ${header.width}×${header.height} ${format.name} (${expected} bytes, rows packed without padding)`, sequence);
  }
  return header;
}
