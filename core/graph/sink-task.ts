import { KindPipeError } from '../errors.js';
import type { FrameSet } from '../frame.js';
import type { Sink } from '../stage/plugin.js';
import { releaseFrames } from '../frame-pool.js';
import type { BuiltNode } from './built-graph.js';
import type { Route } from './flow-gate.js';
import { throwIfAborted, type TaskContext } from './task-context.js';

/**
 * A sink's task: writes every frame set that reaches it until its inputs end. Behind a live
 * source's flow gate it writes in the order the gate routes (through the stages, or a camera
 * frame around them) and fails the run when the stages and the gate disagree on a frame. Each
 * frame's shared memory is released once `write` returned: a sink that keeps data copies it.
 */
export async function runSink(node: BuiltNode, sink: Sink, ctx: TaskContext): Promise<void> {
  const gate = ctx.gate;
  const origin = { node: node.id, stage: node.plugin.id };
  let count = 0;
  for (;;) {
    const route: Route | undefined = gate ? await gate.nextRoute(node.id) : undefined;
    if (gate && !route) {
      const extra = await ctx.wiring.pullInputs(node);
      if (extra) throw new KindPipeError('accounting', `sink '${node.id}' received frame ${Object.values(extra)[0].index} that the flow gate never let in`, { origin });
      break;
    }
    const inputs = route?.kind === 'bypass' ? bypassInputs(node, route.frames) : await ctx.wiring.pullInputs(node);
    if (!inputs) {
      if (gate) throw new KindPipeError('accounting', `sink '${node.id}': the stages ended while the flow gate still expected a frame from them`, { origin });
      break;
    }
    const t0 = performance.now();
    try {
      throwIfAborted(ctx.signal);
      await sink.write(inputs);
    } finally {
      // A bypassed camera frame is the source's own (never shared); frames from the stages hold a reference each.
      if (route?.kind !== 'bypass') releaseFrames(inputs);
    }
    ctx.accounting.addBusy(node, performance.now() - t0);
    if (gate && route?.kind === 'stages') gate.frameWritten(node.id);
    count++;
    ctx.progress.written();
  }
  ctx.accounting.setCount(node, count);
}

/** A camera frame routed around the stages, on every input port of a sink. */
function bypassInputs(node: BuiltNode, frames: FrameSet): FrameSet {
  const frame = Object.values(frames)[0];
  return Object.fromEntries(Object.keys(node.inputs).map((port) => [port, frame]));
}
