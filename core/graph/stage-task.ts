import { KindPipeError } from '../errors.js';
import type { FrameSet } from '../frame.js';
import { isPooled, releaseFrames, retainFrame } from '../frame-pool.js';
import type { Stage } from '../stage/plugin.js';
import type { BuiltNode } from './built-graph.js';
import { throwIfAborted, type TaskContext } from './task-context.js';

/**
 * A stage's task: one frame set in, one out, until its inputs end. It names the node and the
 * frame when the stage throws, and fails the run when the stage returns no frame on a port that
 * is consumed, or a frame with another index (a stage may neither drop nor reorder frames).
 * Shared frames (core/frame-pool.ts): the task holds one reference per input and one per output
 * (a stage on a worker returns fresh outputs holding one; an input passed through as an output
 * gets one here) and releases them all once the outputs are on their channels, or on failure. The
 * time it books is the stage's own compute time (`Stage.computeMs` when the stage measures it on
 * its thread), not the time spent handing frames over or waiting.
 */
export async function runStage(node: BuiltNode, stage: Stage, ctx: TaskContext): Promise<void> {
  let count = 0;
  for (;;) {
    const inputs = await ctx.wiring.pullInputs(node);
    if (!inputs) break;
    const index = Object.values(inputs)[0].index;
    const origin = { node: node.id, stage: node.plugin.id, frame: index };
    const t0 = performance.now();
    let outputs: FrameSet | undefined;
    try {
      throwIfAborted(ctx.signal);
      try {
        outputs = await stage.process(inputs);
      } catch (error) {
        if (KindPipeError.is(error)) throw error;
        throw new KindPipeError('plugin', `node '${node.id}' (${node.plugin.id}) failed on frame ${index}: ${errorText(error)}`, { cause: error, origin });
      }
      ctx.accounting.addBusy(node, stage.computeMs ?? performance.now() - t0);
      const held = new Set(Object.values(inputs).filter((f) => isPooled(f.data)).map((f) => f.data.buffer));
      for (const frame of Object.values(outputs)) if (held.has(frame.data.buffer)) retainFrame(frame);
      for (const port of ctx.wiring.consumedPorts(node)) {
        const frame = outputs[port];
        if (!frame) throw new KindPipeError('accounting', `node '${node.id}' (${node.plugin.id}) returned no '${port}' output for frame ${index}`, { origin });
        if (frame.index !== index) throw new KindPipeError('accounting', `node '${node.id}' (${node.plugin.id}) turned frame ${index} into frame ${frame.index}`, { origin });
      }
      await ctx.wiring.emit(node, outputs);
    } finally {
      releaseFrames(inputs);
      releaseFrames(outputs);
    }
    count++;
  }
  ctx.wiring.closeOutputs(node);
  ctx.accounting.setCount(node, count);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
