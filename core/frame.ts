/**
 * One frame on one stream. `index` counts from 0 at the source and is carried unchanged through
 * every stage (frame accounting); `pts` is in seconds. Video data is rgb24 HWC bytes, tensor data
 * float32 CHW.
 */
export interface Frame {
  index: number;
  pts: number;
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Float32Array;
  /** Free-form facts that travel with the frame, e.g. the still image's file name. */
  meta?: Readonly<Record<string, unknown>>;
}

export type FrameSet = Record<string, Frame>;

export function tensorFrame(like: Frame, channels: number, data: Float32Array): Frame {
  return { index: like.index, pts: like.pts, width: like.width, height: like.height, channels, data, meta: like.meta };
}

export function videoFrame(like: Frame, data: Uint8Array): Frame {
  return { index: like.index, pts: like.pts, width: like.width, height: like.height, channels: 3, data, meta: like.meta };
}

export function asFloat(frame: Frame, role: string): Float32Array {
  if (!(frame.data instanceof Float32Array)) throw new TypeError(`${role}: expected a float32 tensor frame`);
  return frame.data;
}

export function asBytes(frame: Frame, role: string): Uint8Array {
  if (!(frame.data instanceof Uint8Array)) throw new TypeError(`${role}: expected an rgb24 video frame`);
  return frame.data;
}

/** The frames with their data copied into ordinary memory: for a plugin that keeps frames past its call. */
export function copyFrames(frames: FrameSet): FrameSet {
  return Object.fromEntries(Object.entries(frames).map(([port, f]) => [port, { ...f, data: f.data.slice() }]));
}
