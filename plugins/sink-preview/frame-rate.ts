/** Frames per second of the frames arriving: over the last 25 while live, over all of them after. */
export class FrameRate {
  private readonly recent: number[] = [];
  private first: number | undefined;
  private last: number | undefined;
  private count = 0;
  private stoppedAt: number | undefined;

  tick(now = performance.now()): void {
    this.first ??= now;
    this.last = now;
    this.count++;
    this.recent.push(now);
    if (this.recent.length > 25) this.recent.shift();
  }

  stop(now = performance.now()): void {
    this.stoppedAt ??= now;
  }

  fps(live: boolean): number {
    const times = live ? this.recent : undefined;
    const n = times ? times.length : this.count;
    const span = times ? times[times.length - 1] - times[0] : (this.last ?? 0) - (this.first ?? 0);
    return n > 1 && span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  elapsedS(): number {
    if (this.first === undefined) return 0;
    return ((this.stoppedAt ?? performance.now()) - this.first) / 1000;
  }
}
