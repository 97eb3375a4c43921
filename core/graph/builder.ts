import { capsMismatch, describePattern, type CapsPattern } from '../caps.js';
import { KindPipeError } from '../errors.js';
import { closest, inapplicableOptions, resolveOptions } from '../options.js';
import type { OptionProblem } from '../options.js';
import type { Plugin, Services } from '../stage/plugin.js';
import type { BuiltGraph, BuiltNode } from './built-graph.js';
import type { GraphSpec } from './spec.js';
import { ioOverlapProblems } from './io-overlap.js';

/**
 * Checks the whole graph — plugins, every option, every connection and its caps kind, cycles —
 * before any input is opened, and reports every problem at once with file:line:column.
 */
export function buildGraph(spec: GraphSpec, plugins: ReadonlyMap<string, Plugin>, services: Services): BuiltGraph {
  const problems: string[] = [];
  const kinds: OptionProblem['kind'][] = []; // of the plugins' check() problems
  const at = (path: (string | number)[], part?: 'key') => spec.locate(path, part);
  const byId = new Map<string, { index: number; plugin?: Plugin }>();

  spec.nodes.forEach((node, index) => {
    if (byId.has(node.id)) problems.push(`${at(['nodes', index, 'id'])}: node id '${node.id}' is used twice. Fix: give each node its own id`);
    const plugin = plugins.get(node.plugin);
    if (!plugin) {
      const guess = closest(node.plugin, [...plugins.keys()]);
      problems.push(
        `${at(['nodes', index, 'plugin'])}: node '${node.id}': unknown plugin '${node.plugin}'` +
          (guess ? `; did you mean '${guess}'?` : '') +
          ` Run 'kind-pipe plugins' for the list. Known: ${[...plugins.keys()].sort().join(', ')}`,
      );
    }
    byId.set(node.id, { index, plugin });
  });

  const built: BuiltNode[] = [];
  spec.nodes.forEach((node, index) => {
    const plugin = byId.get(node.id)?.plugin;
    if (!plugin) return;
    const where = `node '${node.id}' (${plugin.id})`;
    const { options, problems: resolveProblems } = resolveOptions(plugin.options, node.options);
    // The loader locates a `--set` value as '--set KEY' instead of a place in the file.
    const fromFile = (option: string) => !at(['nodes', index, 'options', option]).startsWith('--set ');
    const optionProblems = [...resolveProblems, ...inapplicableOptions(plugin.options, node.options, options, fromFile)];
    for (const p of optionProblems) {
      const known = p.option in plugin.options;
      const path = node.options[p.option] === undefined ? ['nodes', index] : ['nodes', index, 'options', p.option];
      problems.push(`${at(path, known ? undefined : 'key')}: ${where}: ${p.message}`);
    }
    if (optionProblems.length === 0 && plugin.check) {
      for (const p of plugin.check(options, services)) {
        problems.push(`${at(['nodes', index, 'options', p.option])}: ${where}: ${p.message}`);
        kinds.push(p.kind);
      }
    }

    const declared = plugin.role === 'source' ? [] : plugin.inputs;
    const inputs: BuiltNode['inputs'] = {};
    for (const port of Object.keys(node.inputs)) {
      if (!declared.some((d) => d.name === port)) {
        const names = declared.map((d) => d.name);
        const guess = closest(port, names);
        problems.push(
          `${at(['nodes', index, 'inputs', port], 'key')}: ${where} has no input '${port}'` +
            (guess ? `; did you mean '${guess}'?` : '') +
            ` Inputs: ${names.length ? names.join(', ') : '(none: it is a source)'}`,
        );
      }
    }
    for (const port of declared) {
      const ref = node.inputs[port.name];
      if (ref === undefined) {
        problems.push(`${at(['nodes', index, 'inputs'])}: ${where}: input '${port.name}' is not connected. Fix: add 'inputs: { ${port.name}: <node id> }'`);
        continue;
      }
      const resolved = resolveRef(ref, byId, spec);
      if (typeof resolved === 'string') {
        problems.push(`${at(['nodes', index, 'inputs', port.name])}: ${where}: input '${port.name}': ${resolved}`);
        continue;
      }
      const produces = resolved.produces;
      const mismatch = staticMismatch(produces, port.accepts);
      if (mismatch) {
        problems.push(
          `${at(['nodes', index, 'inputs', port.name])}: ${where}: input '${port.name}' ${mismatch} from '${ref}'. ` +
            `Fix: connect an output that produces ${describePattern(port.accepts)}`,
        );
      }
      inputs[port.name] = { node: resolved.node, port: resolved.port };
    }
    if (node.worker && plugin.role !== 'stage') problems.push(`${at(['nodes', index, 'worker'])}: ${where}: only stages can run on a worker thread. Fix: remove 'worker'`);
    const worker = plugin.role === 'stage' && (node.worker ?? plugin.preferWorker ?? false);
    built.push({ id: node.id, plugin, options, inputs, worker });
  });

  if (problems.length === 0) {
    for (const p of ioOverlapProblems(built)) {
      problems.push(`${at(['nodes', spec.nodes.findIndex((n) => n.id === p.node.id), 'options', p.option])}: node '${p.node.id}' (${p.node.plugin.id}): ${p.message}`);
    }
    if (!built.some((n) => n.plugin.role === 'source')) problems.push(`${spec.file}: the graph has no source. Fix: add a node with a source plugin (e.g. source.file)`);
    if (!built.some((n) => n.plugin.role === 'sink')) problems.push(`${spec.file}: the graph has no sink. Fix: add a node with a sink plugin (e.g. sink.file)`);
  }
  const ordered = problems.length === 0 ? topologicalOrder(built, spec, problems) : built;
  if (problems.length > 0) {
    // Every problem an input (or output) file's: exit 3 (4), as documented; anything else: exit 2.
    const only = kinds.length === problems.length && kinds.every((k) => k === kinds[0]) ? kinds[0] : undefined;
    throw new KindPipeError(only ?? 'config', `${spec.file}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`);
  }
  return { file: spec.file, nodes: ordered, queueSize: spec.queueSize };
}

function resolveRef(
  ref: string,
  byId: Map<string, { index: number; plugin?: Plugin }>,
  spec: GraphSpec,
): { node: string; port: string; produces: CapsPattern } | string {
  const dot = ref.lastIndexOf('.');
  let nodeId = ref;
  let port: string | undefined;
  if (!byId.has(ref) && dot > 0) {
    nodeId = ref.slice(0, dot);
    port = ref.slice(dot + 1);
  }
  const producer = byId.get(nodeId);
  if (!producer) {
    const guess = closest(nodeId, [...byId.keys()]);
    return `no node '${nodeId}'${guess ? `; did you mean '${guess}'?` : ''} Nodes: ${spec.nodes.map((n) => n.id).join(', ')}`;
  }
  if (!producer.plugin) return `node '${nodeId}' has an unknown plugin`;
  if (producer.plugin.role === 'sink') return `node '${nodeId}' is a sink and has no outputs`;
  const outputs = producer.plugin.outputs;
  const chosen = port === undefined ? outputs[0] : outputs.find((o) => o.name === port);
  if (!chosen) return `node '${nodeId}' has no output '${port}'. Outputs: ${outputs.map((o) => `${nodeId}.${o.name}`).join(', ')}`;
  return { node: nodeId, port: chosen.name, produces: chosen.produces };
}

function staticMismatch(produces: CapsPattern, accepts: CapsPattern): string | undefined {
  const probe =
    produces.kind === 'video'
      ? { kind: 'video' as const, format: 'rgb24' as const, width: 1, height: 1, stream: { fps: 1, origin: '' } }
      : { kind: 'tensor' as const, dtype: 'f32' as const, channels: produces.channels ?? accepts.channels ?? 1, width: 1, height: 1, stream: { fps: 1, origin: '' } };
  return capsMismatch(probe, { ...accepts, fixedSize: false });
}

function topologicalOrder(nodes: BuiltNode[], spec: GraphSpec, problems: string[]): BuiltNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const ordered: BuiltNode[] = [];
  const visit = (node: BuiltNode, trail: string[]): void => {
    const seen = state.get(node.id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const index = spec.nodes.findIndex((n) => n.id === node.id);
      problems.push(`${spec.locate(['nodes', index])}: the graph has a cycle: ${[...trail, node.id].join(' → ')}. Fix: a node cannot depend on its own output`);
      return;
    }
    state.set(node.id, 'visiting');
    for (const input of Object.values(node.inputs)) {
      const producer = byId.get(input.node);
      if (producer) visit(producer, [...trail, node.id]);
    }
    state.set(node.id, 'done');
    ordered.push(node);
  };
  for (const node of nodes) visit(node, []);
  return ordered;
}
