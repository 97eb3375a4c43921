/**
 * A pipeline's bus as promises. gstreamer-superficial pops bus messages on a libuv pool thread
 * (one per playing pipeline, until it reaches NULL) and calls back on the main thread; errors and
 * end of stream are kept here so that a pull or a push can be raced against them.
 *
 * That thread blocks in gst_bus_timed_pop() without a timeout and only looks at the pipeline's
 * state when a message arrives. Two things follow, both enforced by `PipelineBus.play`:
 * - the bus must not be flushed on the way to NULL (GstPipeline's `auto-flush-bus`, on by
 *   default): a flush drops the last state-changed message, the thread waits for a message that
 *   never comes, and libuv joins its pool threads when the process exits, so the process hangs
 *   at exit, even after process.exit() (test/fixtures/gst-cycles.mjs, 48 cycles 3 at a time: 2 of
 *   8 runs hung with the flush, 0 of 30 without);
 * - polling starts only with play(): stop() on a pipeline that never left NULL posts nothing.
 * The owner must stop() the pipeline on every path (end, error, abort).
 */
import type { GstBusMessage, GstPipeline } from './binding.js';

export interface BusError {
  message: string;
  /** The element that posted it, e.g. `/GstPipeline:pipeline0/GstFileSrc:filesrc0`. */
  element: string;
}

export class PipelineBus {
  error?: BusError;
  eos = false;
  private wake: (() => boolean)[] = [];

  private constructor() {}

  /** Plays `pipeline` and returns its bus. */
  static play(pipeline: GstPipeline): PipelineBus {
    const bus = new PipelineBus();
    pipeline['auto-flush-bus'] = false;
    pipeline.pollBus((message) => bus.take(message));
    pipeline.play();
    return bus;
  }

  private failure?: Promise<BusError>;

  /** Resolves with the error once there is one (never resolves otherwise). One promise per bus. */
  failed(): Promise<BusError> {
    this.failure ??= this.until(() => this.error);
    return this.failure;
  }

  /** End of stream or an error, or undefined after `ms`. */
  async ended(ms: number): Promise<'eos' | BusError | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    try {
      return await Promise.race([this.until(() => this.error ?? (this.eos ? 'eos' : undefined)), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private until<T>(test: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const check = () => {
        const value = test();
        if (value === undefined) return false;
        resolve(value);
        return true;
      };
      if (!check()) this.wake.push(check);
    });
  }

  private take(message: GstBusMessage): void {
    if (message.type === 'error' && !this.error) this.error = { message: String(message.message ?? 'unknown error'), element: String(message.name ?? message._src_element_name ?? '?') };
    else if (message.type === 'eos') this.eos = true;
    else return;
    const waiting = this.wake;
    this.wake = [];
    for (const check of waiting) if (!check()) this.wake.push(check);
  }
}

export function describeBusError(error: BusError): string {
  return `GStreamer: ${error.message} (from ${error.element.replace(/^\/GstPipeline:[^/]+\//, '')})`;
}
