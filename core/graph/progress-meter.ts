import type { LiveCounts, Progress } from './progress.js';

/**
 * The run's progress reports: one each time every sink has written one more frame, with the
 * total the graph's single source expects and, for a live source, its flow counters.
 */
export class ProgressMeter {
  private sunk = 0;

  constructor(
    private readonly sinkCount: number,
    private readonly total: number | undefined,
    private readonly started: number,
    private readonly live: () => LiveCounts | undefined,
    private readonly onProgress?: (progress: Progress) => void,
  ) {}

  /** A sink wrote a frame. */
  written(): void {
    if (++this.sunk % this.sinkCount === 0 && this.onProgress) {
      const elapsedS = (performance.now() - this.started) / 1000;
      const frames = this.sunk / this.sinkCount;
      this.onProgress({ frames, total: this.total, elapsedS, fps: frames / Math.max(elapsedS, 1e-6), live: this.live() });
    }
  }
}
