import type { Frame, FrameSet } from './frame.js';

/**
 * Frame memory that threads share instead of copying (issue #18). A slab is one SharedArrayBuffer:
 * a 16-byte header (a magic word and a reference count, read and written with Atomics from any
 * thread) and the frame's data after it. posting a frame whose data lies on a slab to a worker
 * shares the memory (structured clone of a SharedArrayBuffer-backed view), so a tensor made on one
 * worker reaches the workers that read it without a copy, through the main thread's channels.
 *
 * The rule: whoever holds a frame holds one reference. The scheduler gives each consumer (channel)
 * its own reference when a producer emits, and each consumer releases its own after `process()` or
 * `write()` returned (or when the frame is dropped because the run stopped). A slab whose count
 * reaches 0 is free: the pool that made it (on the thread that made it) hands it out again for the
 * next frame of that size, so memory is flat in video length without forcing garbage collection.
 * A plugin that keeps frame data across calls must copy it (temporal-denoise keeps its own mean).
 *
 * ```ts
 * const pool = new FramePool();
 * const shared = pool.share(new Float32Array(3 * 360 * 640)); // one copy, refs = 1
 * retainFrame(frame, 2); releaseFrame(frame); // …
 * ```
 */
export class FramePool {
  private readonly slabs = new Map<number, SharedArrayBuffer[]>();

  /** A view of `length` elements on a free slab (or a new one), holding one reference. */
  acquire<T extends Float32Array | Uint8Array>(kind: new (buffer: SharedArrayBuffer, offset: number, length: number) => T, length: number): T {
    const bytes = length * (kind as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    const list = this.slabs.get(bytes) ?? [];
    this.slabs.set(bytes, list);
    let slab = list.find((s) => Atomics.compareExchange(new Int32Array(s, 0, headerWords), refsWord, 0, 1) === 0);
    if (!slab) {
      slab = new SharedArrayBuffer(headerBytes + bytes);
      const header = new Int32Array(slab, 0, headerWords);
      header[magicWord] = magic;
      Atomics.store(header, refsWord, 1);
      list.push(slab);
    }
    return new kind(slab, headerBytes, length);
  }

  /** `data` copied onto a slab (one copy), holding one reference; data already on a slab is returned as it is. */
  share<T extends Float32Array | Uint8Array>(data: T): T {
    if (isPooled(data)) return data;
    const view = this.acquire(data.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => T, data.length);
    view.set(data);
    return view;
  }

  /** Slabs made so far, and how many of them some frame still holds. */
  stats(): { slabs: number; inUse: number; bytes: number } {
    let slabs = 0;
    let inUse = 0;
    let bytes = 0;
    for (const list of this.slabs.values()) {
      for (const slab of list) {
        slabs++;
        bytes += slab.byteLength;
        if (Atomics.load(new Int32Array(slab, 0, headerWords), refsWord) > 0) inUse++;
      }
    }
    return { slabs, inUse, bytes };
  }
}

const magic = 0x4b50464d; // 'KPFM'
const magicWord = 0;
const refsWord = 1;
const headerWords = 4;
const headerBytes = headerWords * 4;

function header(data: ArrayBufferView): Int32Array | undefined {
  const buffer = data.buffer;
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < headerBytes) return undefined;
  const words = new Int32Array(buffer, 0, headerWords);
  return words[magicWord] === magic ? words : undefined;
}

/** Whether `data` lies on a pool slab (shared, reference-counted). */
export function isPooled(data: ArrayBufferView): boolean {
  return header(data) !== undefined;
}

/** The references held on the slab under `data` (0: free); undefined for ordinary memory. */
export function refsOf(data: ArrayBufferView): number | undefined {
  const words = header(data);
  return words && Atomics.load(words, refsWord);
}

/** Adds `count` references to a pooled frame's slab; a no-op for ordinary frames. */
export function retainFrame(frame: Frame, count = 1): void {
  const words = header(frame.data);
  if (words && count !== 0) Atomics.add(words, refsWord, count);
}

/**
 * Drops one reference; at 0 the slab is free for the pool's next frame. Releasing a slab nobody
 * holds means some code kept or released a frame it did not own, so it throws instead of letting
 * two frames share memory.
 */
export function releaseFrame(frame: Frame): void {
  const words = header(frame.data);
  if (!words) return;
  const before = Atomics.sub(words, refsWord, 1);
  if (before <= 0) {
    Atomics.add(words, refsWord, 1);
    throw new Error(`frame ${frame.index}: released a shared frame that no one held (a stage kept or released a frame it did not own)`);
  }
}

export function releaseFrames(frames: FrameSet | undefined): void {
  for (const frame of Object.values(frames ?? {})) releaseFrame(frame);
}
