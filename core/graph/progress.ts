/** What a run reports as it goes. */
export interface Progress {
  frames: number;
  /** Frames the source expects, when it knows. */
  total?: number;
  elapsedS: number;
  fps: number;
}

/** What a finished run reports. */
export interface RunResult {
  frames: number;
  outputs: string[];
  elapsedS: number;
  /** Mean milliseconds of work per frame, per node (process/write/decode time only, not waiting). */
  msPerFrame: Record<string, number>;
}
