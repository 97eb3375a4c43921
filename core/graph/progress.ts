import type { OutputRecord } from '../stage/plugin.js';
import type { FlowCounts } from './flow-gate.js';

/** A live source's counters: what its flow gate did with each frame, and how often it reconnected. */
export interface LiveCounts extends FlowCounts {
  reconnects: number;
}

/** What a run reports as it goes. */
export interface Progress {
  frames: number;
  /** Frames the source expects, when it knows. */
  total?: number;
  elapsedS: number;
  fps: number;
  /** Only for a live source (a camera). */
  live?: LiveCounts;
}

/** What a finished run reports. */
export interface RunResult {
  frames: number;
  outputs: string[];
  /** Per sink node that completed a file and can say how (Sink.provenance). */
  records: Record<string, OutputRecord & { output: string }>;
  elapsedS: number;
  /** Mean milliseconds of work per frame, per node (process/write/decode time only, not waiting). */
  msPerFrame: Record<string, number>;
  /** Only for a live source: received = enhanced + dropped + passed. */
  live?: LiveCounts;
}
