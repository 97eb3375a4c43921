import type { BuiltGraph } from './built-graph.js';

/**
 * Frames after which an exponential moving average that keeps `smoothing` of the past has
 * forgotten where it started: the weight left on its first input falls below 1/1000.
 */
export function averageWarmupFrames(smoothing: number): number {
  if (smoothing <= 0) return 0;
  return Math.ceil(Math.log(1e-3) / Math.log(smoothing));
}

/**
 * How many frames before a cut a segment must decode (and not write) so that its first frame
 * comes out as in one run over the whole file: along every path from the source to a sink the
 * stages' own warm-ups add up (a moving average fed by a moving average), and the longest path
 * counts.
 */
export function graphWarmupFrames(graph: BuiltGraph): number {
  const needed = new Map<string, number>();
  for (const node of graph.nodes) { // topological order: producers first
    const upstream = Math.max(0, ...Object.values(node.inputs).map((input) => needed.get(input.node) ?? 0));
    const own = node.plugin.role === 'stage' ? node.plugin.warmupFrames?.(node.options) ?? 0 : 0;
    needed.set(node.id, upstream + own);
  }
  return Math.max(0, ...needed.values());
}
