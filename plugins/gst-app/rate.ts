/** GStreamer fractions (`30000/1001`) to frames per second and back. */
export function parseFraction(text: unknown): number {
  const match = /^(\d+)\/(\d+)$/.exec(String(text));
  if (!match || Number(match[2]) === 0) return 0;
  return Number(match[1]) / Number(match[2]);
}

/** The simplest fraction GStreamer would write for `fps`: `25/1`, `30000/1001`, else millihertz. */
export function toFraction(fps: number): string {
  for (const d of [1, 1001, 1000]) {
    const n = Math.round(fps * d);
    if (n > 0 && Math.abs(n / d - fps) < 1e-6 * Math.max(1, fps)) return `${n}/${d}`;
  }
  return `${Math.max(1, Math.round(fps * 1000))}/1000`;
}
