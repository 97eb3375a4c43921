import type { Y4mStream } from './media/y4m-header.js';

/**
 * Caps: what flows on a stream, declared before any frame does (like GStreamer pad caps or a
 * MediaPipe contract). Video is packed rgb24 (HWC bytes); tensors are float32 [1, C, H, W].
 * `width`/`height` are null when they vary from frame to frame (a folder of photos).
 */
export interface StreamInfo {
  /** Average frames per second; the encoder writes at this rate. */
  fps: number;
  /** Frames the source expects to deliver, when known (for progress). */
  frameCount?: number;
  /** A file whose audio a sink may copy into its output. */
  audioFrom?: string;
  /** Where the stream came from, for messages. */
  origin: string;
  /** The YUV4MPEG2 header facts of a y4m input, so that a y4m sink writes the same kind of stream. */
  y4m?: Y4mStream;
}

export interface VideoCaps {
  kind: 'video';
  format: 'rgb24';
  width: number | null;
  height: number | null;
  stream: StreamInfo;
}

export interface TensorCaps {
  kind: 'tensor';
  dtype: 'f32';
  channels: number;
  width: number | null;
  height: number | null;
  stream: StreamInfo;
}

export type Caps = VideoCaps | TensorCaps;

/** What a port accepts; fields left out accept anything. */
export interface CapsPattern {
  kind: 'video' | 'tensor';
  channels?: number;
  /** Only streams whose every frame has the same size. */
  fixedSize?: boolean;
}

export function describeCaps(caps: Caps): string {
  const size = caps.width === null ? 'W×H varying' : `${caps.width}×${caps.height}`;
  return caps.kind === 'video' ? `video rgb24 ${size}` : `tensor f32[1,${caps.channels},H,W] ${size}`;
}

export function describePattern(pattern: CapsPattern): string {
  const base = pattern.kind === 'video' ? 'video rgb24' : `tensor f32[1,${pattern.channels ?? 'C'},H,W]`;
  return pattern.fixedSize ? `${base} of fixed size` : base;
}

/** Why `caps` does not satisfy `pattern`, or undefined when it does. */
export function capsMismatch(caps: Caps, pattern: CapsPattern): string | undefined {
  if (caps.kind !== pattern.kind) return `expects ${describePattern(pattern)} but gets ${describeCaps(caps)}`;
  if (pattern.channels !== undefined && caps.kind === 'tensor' && caps.channels !== pattern.channels) {
    return `expects ${describePattern(pattern)} but gets ${describeCaps(caps)}`;
  }
  if (pattern.fixedSize && caps.width === null) {
    return `expects frames of one fixed size but gets ${describeCaps(caps)}`;
  }
  return undefined;
}

export function tensorCaps(from: Caps, channels: number): TensorCaps {
  return { kind: 'tensor', dtype: 'f32', channels, width: from.width, height: from.height, stream: from.stream };
}

export function videoCaps(from: Caps): VideoCaps {
  return { kind: 'video', format: 'rgb24', width: from.width, height: from.height, stream: from.stream };
}
