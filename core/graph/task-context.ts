import type { Accounting } from './accounting.js';
import type { FlowGate } from './flow-gate.js';
import type { ProgressMeter } from './progress-meter.js';
import type { Wiring } from './wiring.js';

/** What every node's task (source-task, stage-task, sink-task) shares while frames stream. */
export interface TaskContext {
  wiring: Wiring;
  accounting: Accounting;
  progress: ProgressMeter;
  /** Aborted when the run is stopped or any task failed: every task ends at its next step. */
  signal: AbortSignal;
  /** The live source's flow gate, when the graph has one (live-flow.ts). */
  gate?: FlowGate;
  /** Ends a live source's stream (`RunOptions.finish`). */
  finish?: AbortSignal;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}
