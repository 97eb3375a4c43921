import { KindPipeError } from '../../core/errors.js';
import type { GraphSpec, NodeSpec } from '../../core/graph/spec.js';
import type { Plugin } from '../../core/stage/plugin.js';

/**
 * Turns a pipeline into a y4m filter: its one source becomes `source.y4m` reading stdin and its
 * one sink `sink.y4m` writing stdout. Node ids, connections and every other node stay as they
 * are, so `--set decode.range=full` or `--set encode.chroma=444` reach the y4m nodes; options the
 * y4m plugins do not have (a file sink's `crf`) are left behind.
 *
 * ```ts
 * const spec = asY4mFilter(loadPipeline('pipelines/cctv-night.yaml', sets), pluginTable(container));
 * ```
 */
export function asY4mFilter(spec: GraphSpec, plugins: ReadonlyMap<string, Plugin>): GraphSpec {
  const ofRole = (role: Plugin['role']) => spec.nodes.filter((node) => plugins.get(node.plugin)?.role === role);
  const sources = ofRole('source');
  const sinks = ofRole('sink');
  // An unknown plugin may be the missing source or sink: let the graph builder name it.
  const unknown = spec.nodes.some((node) => !plugins.has(node.plugin));
  if (!unknown && (sources.length !== 1 || sinks.length !== 1)) {
    const list = (nodes: NodeSpec[], what: string) => `${nodes.length} ${what}${nodes.length === 1 ? '' : 's'}${nodes.length ? ` (${nodes.map((n) => n.id).join(', ')})` : ''}`;
    throw new KindPipeError(
      'usage',
      `${spec.file}: kind-pipe filter needs a pipeline with exactly one source and one sink, to stand for stdin and stdout; it has ${list(sources, 'source')} and ${list(sinks, 'sink')}. Fix: use kind-pipe run with source.y4m/sink.y4m nodes instead`,
    );
  }
  const swap = new Map<NodeSpec, Plugin>();
  if (sources.length === 1) swap.set(sources[0], plugins.get('source.y4m')!);
  if (sinks.length === 1) swap.set(sinks[0], plugins.get('sink.y4m')!);
  const nodes = spec.nodes.map((node) => {
    const y4m = swap.get(node);
    if (!y4m) return node;
    const options = Object.fromEntries(Object.entries(node.options).filter(([name]) => name !== 'path' && name in y4m.options));
    return { ...node, plugin: y4m.id, options: { ...options, path: '-' } };
  });
  return { ...spec, nodes };
}
