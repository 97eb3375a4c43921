import type { Disposable } from './disposable.js';
import type { Progress } from './graph/progress.js';

/**
 * The run's progress reports, for plugins that show them while the run goes (sink.preview).
 * The runner publishes every report the scheduler gives; a plugin gets the feed through its
 * context (`ctx.get(ProgressFeed)`) and must cope with its absence (a graph run by other code).
 *
 * ```ts
 * const feed = ctx.get<ProgressFeed>(ProgressFeed);
 * const subscription = feed.subscribe((p) => show(p.frames, p.fps));
 * ```
 */
export interface ProgressFeed {
  /** The last report, or undefined before the first frame went through. */
  readonly latest: Progress | undefined;
  publish(progress: Progress): void;
  subscribe(listener: (progress: Progress) => void): Disposable;
}

export const ProgressFeed = Symbol.for('kind-pipe.ProgressFeed');

export function createProgressFeed(): ProgressFeed {
  const listeners = new Set<(progress: Progress) => void>();
  let latest: Progress | undefined;
  return {
    get latest() {
      return latest;
    },
    publish(progress) {
      latest = progress;
      for (const listener of listeners) listener(progress);
    },
    subscribe(listener) {
      listeners.add(listener);
      return { dispose: () => void listeners.delete(listener) };
    },
  };
}
