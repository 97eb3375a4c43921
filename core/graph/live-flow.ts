import { describeCaps, type Caps } from '../caps.js';
import { KindPipeError } from '../errors.js';
import type { BuiltGraph } from './built-graph.js';
import { FlowGate } from './flow-gate.js';
import type { Instance } from './instance.js';
import { inputCapsOf } from './negotiate.js';
import type { LiveCounts } from './progress.js';

/** The flow gate of a graph's live source, and the counters it reports. */
export interface LiveFlow {
  gate: FlowGate;
  counts(): LiveCounts;
}

/**
 * The flow gate of the graph's live source, if it has one. `passthrough` hands the camera's frame
 * to every sink input, so each must take exactly what the source gives (no stage may change the
 * size or the kind of the frames on the way).
 */
export function liveFlow(graph: BuiltGraph, instances: Map<string, Instance>, caps: ReadonlyMap<string, Record<string, Caps>>): LiveFlow | undefined {
  const live = [...instances.values()].filter((i) => i.role === 'source' && i.impl.live);
  if (live.length === 0) return undefined;
  const sources = graph.nodes.filter((n) => n.plugin.role === 'source');
  const source = live[0];
  if (source.role !== 'source' || !source.impl.live) return undefined;
  if (sources.length > 1) {
    throw new KindPipeError('config', `${graph.file}: node '${source.node.id}' is a live source with a flow policy, which needs it to be the graph's only source (found ${sources.map((s) => s.id).join(', ')}). Fix: run one pipeline per camera`, { origin: { node: source.node.id } });
  }
  const impl = source.impl;
  const flow = impl.live!.flow;
  const sinks = graph.nodes.filter((n) => n.plugin.role === 'sink');
  if (flow.policy === 'passthrough') {
    const given = Object.values(caps.get(source.node.id)!);
    if (given.length !== 1) throw new KindPipeError('config', `node '${source.node.id}': flow: passthrough needs a source with one output, it has ${given.length}`, { origin: { node: source.node.id } });
    for (const sink of sinks) {
      for (const [port, wants] of Object.entries(inputCapsOf(sink, caps))) {
        if (wants.kind !== given[0].kind || wants.width !== given[0].width || wants.height !== given[0].height) {
          throw new KindPipeError(
            'caps',
            `${graph.file}: node '${source.node.id}' has flow: passthrough, which writes camera frames (${describeCaps(given[0])}) straight to sink '${sink.id}', ` +
              `but its input '${port}' gets ${describeCaps(wants)} from the stages. Fix: use flow: drop-oldest or block, or keep the size through the stages`,
            { origin: { node: sink.id } },
          );
        }
      }
    }
  }
  const gate = new FlowGate(flow, sinks.map((s) => s.id));
  return { gate, counts: () => ({ ...gate.counts, reconnects: impl.live?.reconnects() ?? 0 }) };
}
