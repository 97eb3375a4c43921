import { capsMismatch, type Caps } from '../caps.js';
import { KindPipeError } from '../errors.js';
import type { BuiltGraph, BuiltNode } from './built-graph.js';
import type { Instance } from './instance.js';

/**
 * Every node's output caps, in graph order, before any frame flows: sources open and tell theirs,
 * each stage's inputs are checked against what its ports accept and it derives its outputs from
 * them (GStreamer's caps negotiation).
 */
export async function negotiate(graph: BuiltGraph, instances: Map<string, Instance>): Promise<Map<string, Record<string, Caps>>> {
  const caps = new Map<string, Record<string, Caps>>();
  for (const node of graph.nodes) {
    const instance = instances.get(node.id)!;
    if (instance.role === 'source') {
      caps.set(node.id, await instance.impl.open());
      continue;
    }
    const plugin = node.plugin;
    if (plugin.role === 'source') continue;
    const inputs = inputCapsOf(node, caps);
    const origin = { node: node.id, stage: plugin.id };
    for (const port of plugin.inputs) {
      const mismatch = capsMismatch(inputs[port.name], port.accepts);
      if (mismatch) {
        const from = node.inputs[port.name];
        throw new KindPipeError('caps', `${graph.file}: node '${node.id}' (${plugin.id}) input '${port.name}' ${mismatch} (from '${from.node}.${from.port}')`, { origin });
      }
    }
    if (plugin.role === 'stage') {
      const outputs = plugin.negotiate(inputs, node.options);
      for (const port of plugin.outputs) {
        if (!outputs[port.name]) throw new KindPipeError('plugin', `node '${node.id}' (${plugin.id}) did not negotiate caps for its output '${port.name}'`, { origin });
      }
      caps.set(node.id, outputs);
    } else {
      caps.set(node.id, {});
    }
  }
  return caps;
}

/** The caps on each input port of `node`: its producers' output caps. */
export function inputCapsOf(node: BuiltNode, caps: ReadonlyMap<string, Record<string, Caps>>): Record<string, Caps> {
  const inputs: Record<string, Caps> = {};
  for (const [port, from] of Object.entries(node.inputs)) inputs[port] = caps.get(from.node)![from.port];
  return inputs;
}
