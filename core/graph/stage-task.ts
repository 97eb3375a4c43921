import { KindPipeError } from '../errors.js';
import type { FrameSet } from '../frame.js';
import type { Stage } from '../stage/plugin.js';
import type { BuiltNode } from './built-graph.js';
import { throwIfAborted, type TaskContext } from './task-context.js';

/**
 * A stage's task: one frame set in, one out, until its inputs end. It names the node and the
 * frame when the stage throws, and fails the run when the stage returns no frame on a port that
 * is consumed, or a frame with another index (a stage may neither drop nor reorder frames).
 */
export async function runStage(node: BuiltNode, stage: Stage, ctx: TaskContext): Promise<void> {
  let count = 0;
  for (;;) {
    const inputs = await ctx.wiring.pullInputs(node);
    if (!inputs) break;
    throwIfAborted(ctx.signal);
    const index = Object.values(inputs)[0].index;
    const origin = { node: node.id, stage: node.plugin.id, frame: index };
    const t0 = performance.now();
    let outputs: FrameSet;
    try {
      outputs = await stage.process(inputs);
    } catch (error) {
      if (KindPipeError.is(error)) throw error;
      throw new KindPipeError('plugin', `node '${node.id}' (${node.plugin.id}) failed on frame ${index}: ${errorText(error)}`, { cause: error, origin });
    }
    ctx.accounting.addBusy(node, performance.now() - t0);
    for (const port of ctx.wiring.consumedPorts(node)) {
      const frame = outputs[port];
      if (!frame) throw new KindPipeError('accounting', `node '${node.id}' (${node.plugin.id}) returned no '${port}' output for frame ${index}`, { origin });
      if (frame.index !== index) throw new KindPipeError('accounting', `node '${node.id}' (${node.plugin.id}) turned frame ${index} into frame ${frame.index}`, { origin });
    }
    await ctx.wiring.emit(node, outputs);
    count++;
  }
  ctx.wiring.closeOutputs(node);
  ctx.accounting.setCount(node, count);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
