import type { FrameSet } from '../frame.js';
import type { FrameHeader } from './protocol.js';

/** Splits a frame set into headers (for JSON-RPC) and bodies (for the frame pipe), in the same order. */
export function framesToWire(frames: FrameSet): { headers: FrameHeader[]; bodies: ArrayBufferView[] } {
  const headers: FrameHeader[] = [];
  const bodies: ArrayBufferView[] = [];
  for (const [port, f] of Object.entries(frames)) {
    headers.push({
      port,
      index: f.index,
      pts: f.pts,
      width: f.width,
      height: f.height,
      channels: f.channels,
      dtype: f.data instanceof Float32Array ? 'f32' : 'u8',
      byteLength: f.data.byteLength,
      meta: f.meta ? { ...f.meta } : undefined,
    });
    bodies.push(f.data);
  }
  return { headers, bodies };
}

/** The inverse of framesToWire; a body whose length differs from its header's is an error. */
export function framesFromWire(headers: readonly FrameHeader[], bodies: readonly ArrayBuffer[]): FrameSet {
  if (headers.length !== bodies.length) throw new Error(`${headers.length} frame headers but ${bodies.length} frame bodies`);
  const frames: FrameSet = {};
  headers.forEach((h, i) => {
    if (bodies[i].byteLength !== h.byteLength) throw new Error(`frame '${h.port}' #${h.index}: header says ${h.byteLength} bytes, ${bodies[i].byteLength} arrived`);
    const data = h.dtype === 'f32' ? new Float32Array(bodies[i]) : new Uint8Array(bodies[i]);
    frames[h.port] = { index: h.index, pts: h.pts, width: h.width, height: h.height, channels: h.channels, data, meta: h.meta };
  });
  return frames;
}
