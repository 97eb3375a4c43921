import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Frees the frames a thread has finished with, now rather than later. Frame data lives outside
 * the V8 heap, and V8 only collects it once tens of MB of it have piled up in each isolate (main
 * thread plus one per worker), so RSS would climb for the first hundred frames before levelling
 * off. A young-generation collection per frame (well under a millisecond) keeps it level from the
 * start: measured 258 MB at 30 frames vs 266 MB at 300, instead of 307 vs 395 MB.
 */
let collect: ((options?: { type: 'minor' | 'major' }) => void) | undefined;

export function enableFrameCollection(): void {
  if (collect) return;
  setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as typeof collect;
}

export function collectFrames(): void {
  collect?.({ type: 'minor' });
}
