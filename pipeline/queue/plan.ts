import type { SegmentPlan } from './job-data.js';
import type { FrameIndex } from './frame-index.js';

/**
 * Cuts a file into segments of at least `seconds` each, every cut on a keyframe, so that every
 * frame is written by exactly one segment. Each segment decodes up to `warmup` frames before its
 * cut (fewer at the start of the file) and seeks to halfway between the first decoded frame and
 * the one before it, so ffmpeg's exact seek keeps that frame whatever the rounding.
 */
export function planSegments(index: FrameIndex, seconds: number, warmup: number): SegmentPlan[] {
  const { pts, keyframe } = index;
  const cuts = [0];
  for (let i = 1; i < pts.length; i++) {
    if (keyframe[i] && pts[i] - pts[cuts[cuts.length - 1]] >= seconds - 1e-6) cuts.push(i);
  }
  return cuts.map((first, n) => {
    const end = cuts[n + 1] ?? pts.length;
    const lead = Math.min(warmup, first);
    const from = first - lead;
    const seekS = from === 0 ? 0 : Math.max(0, (pts[from - 1] + pts[from]) / 2 - index.startS);
    return { index: n, first, frames: end - first, warmup: lead, seekS };
  });
}
