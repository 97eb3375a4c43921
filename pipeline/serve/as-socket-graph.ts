import { KindPipeError } from '../../core/errors.js';
import type { GraphSpec, NodeSpec } from '../../core/graph/spec.js';
import type { Plugin } from '../../core/stage/plugin.js';

/** Plugin ids that stand for the socket: frames received (source) and frames sent back (sink). */
export const socketSourceId = 'serve.socket-source';
export const socketSinkId = 'serve.socket-sink';

/** A pipeline whose source and sink stand for a kindenhance connection. */
export interface SocketGraph {
  spec: GraphSpec;
  /** The source's output port name, which the stages' inputs refer to. */
  sourcePort: string;
  /** The sink's input port name. */
  sinkPort: string;
  /** The processing stages, in file order, for messages. */
  stages: string[];
}

/**
 * Keeps a pipeline's processing stages and puts the socket in place of its one source and one
 * sink (the idea of `kind-pipe filter`, with a connection instead of stdin and stdout). Node ids
 * and connections stay; the source's and sink's options are dropped (there is no file to open).
 *
 * ```ts
 * const graph = asSocketGraph(loadPipeline('pipelines/cctv-night.yaml', sets), pluginTable(container));
 * ```
 */
export function asSocketGraph(spec: GraphSpec, plugins: ReadonlyMap<string, Plugin>): SocketGraph {
  const ofRole = (role: Plugin['role']) => spec.nodes.filter((node) => plugins.get(node.plugin)?.role === role);
  const unknown = spec.nodes.filter((node) => !plugins.has(node.plugin));
  if (unknown.length > 0) {
    // The builder names them with file:line:column and a suggestion.
    return { spec, sourcePort: 'video', sinkPort: 'video', stages: [] };
  }
  const sources = ofRole('source');
  const sinks = ofRole('sink');
  if (sources.length !== 1 || sinks.length !== 1) {
    const list = (nodes: NodeSpec[], what: string) => `${nodes.length} ${what}${nodes.length === 1 ? '' : 's'}${nodes.length ? ` (${nodes.map((n) => n.id).join(', ')})` : ''}`;
    throw new KindPipeError(
      'usage',
      `${spec.file}: kind-pipe serve needs a pipeline with exactly one source and one sink, to stand for the frames kindenhance sends and gets back; it has ${list(sources, 'source')} and ${list(sinks, 'sink')}`,
    );
  }
  const source = plugins.get(sources[0].plugin)!;
  const sink = plugins.get(sinks[0].plugin)!;
  const outputs = source.role === 'source' ? source.outputs : [];
  const inputs = sink.role === 'sink' ? sink.inputs : [];
  if (outputs.length !== 1 || outputs[0].produces.kind !== 'video' || inputs.length !== 1 || inputs[0].accepts.kind !== 'video') {
    throw new KindPipeError('usage', `${spec.file}: kind-pipe serve needs a source with one video output and a sink with one video input; '${sources[0].id}' (${source.id}) or '${sinks[0].id}' (${sink.id}) has another shape`);
  }
  const nodes = spec.nodes.map((node) => {
    if (node === sources[0]) return { ...node, plugin: socketSourceId, options: {} };
    if (node === sinks[0]) return { ...node, plugin: socketSinkId, options: {} };
    return node;
  });
  const stages = spec.nodes.filter((node) => plugins.get(node.plugin)?.role === 'stage').map((node) => node.id);
  return { spec: { ...spec, nodes }, sourcePort: outputs[0].name, sinkPort: inputs[0].name, stages };
}
