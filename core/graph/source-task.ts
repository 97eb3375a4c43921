import type { FrameSet } from '../frame.js';
import { releaseFrames } from '../frame-pool.js';
import type { Source } from '../stage/plugin.js';
import type { BuiltNode } from './built-graph.js';
import { throwIfAborted, type TaskContext } from './task-context.js';

/**
 * A source's task: reads its frames into the graph until its stream ends (or, for a live source,
 * until `finish` fires), then closes its outputs. A live source is read eagerly: the reader keeps
 * pulling the camera while the feeder waits for room in the stages, and the flow gate decides in
 * between. Its count is the frames that entered the stages or went around them; a dropped frame
 * never entered.
 */
export async function runSource(node: BuiltNode, source: Source, ctx: TaskContext): Promise<void> {
  const iterator = source.frames()[Symbol.asyncIterator]();
  const finish = source.live ? ctx.finish : undefined;
  let count = 0;
  const read = async (deliver: (frames: FrameSet) => Promise<void>) => {
    for (;;) {
      throwIfAborted(ctx.signal);
      const t0 = performance.now();
      const next = finish ? await untilFinished(iterator.next(), finish) : await iterator.next();
      ctx.accounting.addBusy(node, performance.now() - t0);
      if (next.done) break;
      await deliver(next.value);
      count++;
    }
  };
  const gate = ctx.gate;
  // Each consumer holds its own reference once emit returned; the source's own (a pooled frame's,
  // core/frame-pool.ts) is dropped then. A live source's frames go through the flow gate, which
  // may drop or route them: live sources hand out ordinary memory.
  if (!gate) {
    await read(async (frames) => {
      try {
        await ctx.wiring.emit(node, frames);
      } finally {
        releaseFrames(frames);
      }
    });
  } else {
    const feed = async () => {
      for (let frames = await gate.take(); frames; frames = await gate.take()) await ctx.wiring.emit(node, frames);
    };
    await Promise.all([read((frames) => gate.offer(frames)).then(() => gate.end()), feed()]);
    const { received, dropped } = gate.counts;
    count = received - dropped;
  }
  ctx.wiring.closeOutputs(node);
  ctx.accounting.setCount(node, count);
}

/** The source's next frame, or the end of its stream as soon as `finish` fires (a pending frame is left unread). */
function untilFinished<T>(next: Promise<IteratorResult<T>>, finish: AbortSignal): Promise<IteratorResult<T>> {
  const end: IteratorResult<T> = { done: true, value: undefined };
  if (finish.aborted) {
    next.catch(() => undefined);
    return Promise.resolve(end);
  }
  return new Promise((resolve, reject) => {
    const onFinish = () => {
      next.catch(() => undefined);
      resolve(end);
    };
    finish.addEventListener('abort', onFinish, { once: true });
    next.then(
      (result) => {
        finish.removeEventListener('abort', onFinish);
        resolve(result);
      },
      (error: unknown) => {
        finish.removeEventListener('abort', onFinish);
        reject(error);
      },
    );
  });
}
