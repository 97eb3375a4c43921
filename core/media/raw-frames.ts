import type { Readable, Writable } from 'node:stream';

/**
 * Cuts a byte stream into frames of `frameBytes`, copying into one buffer per frame from
 * `allocate` (fresh memory by default, or a FramePool slab; no Buffer.concat). Pulling is lazy, so
 * a slow consumer stalls the producer process through the pipe.
 */
export async function* readFrames(stream: Readable, frameBytes: number, allocate: (bytes: number) => Uint8Array = (bytes) => Buffer.allocUnsafe(bytes)): AsyncGenerator<Uint8Array> {
  let frame = allocate(frameBytes);
  let filled = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(frameBytes - filled, chunk.length - offset);
      frame.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        yield frame;
        frame = allocate(frameBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) throw new Error(`stream ended in the middle of a frame (${filled} of ${frameBytes} bytes)`);
}

/** Writes and waits until the stream took the data: backpressure from the consumer process. */
export async function writeAll(stream: Writable, data: Uint8Array): Promise<void> {
  if (stream.destroyed) throw new Error('the output pipe is closed');
  // Until the write's callback the stream may still hold `data` unsent, and a shared frame's memory
  // is reused once its sink returns (core/frame-pool.ts). A frame is far above the stream's
  // highWaterMark, so waiting for 'drain' (as before) waited just as long.
  await new Promise<void>((resolve, reject) => stream.write(data, (error) => (error ? reject(error) : resolve())));
}
