import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { KindPipeError } from '../core/errors.js';
import type { GraphSpec, NodeSpec, PluginReference } from '../core/graph/spec.js';
import { closest } from '../core/options.js';

/** `--set` overrides: `input=…`, `output=…` or `node.option=value`. */
export type Overrides = readonly string[];

const topLevelKeys = ['version', 'name', 'description', 'queue', 'plugins', 'nodes'] as const;
const nodeKeys = ['id', 'plugin', 'inputs', 'options', 'worker'] as const;

/**
 * Reads a pipeline file into a GraphSpec. Shape errors (not YAML, missing `nodes`, a node without
 * `plugin`, an unknown key) are reported here with file:line:column; plugins, options and caps are
 * checked by the graph builder.
 */
export function loadPipeline(file: string, overrides: Overrides = []): GraphSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KindPipeError('input', `cannot read pipeline file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}. Fix: check the path`);
  }
  return parsePipeline(text, file, overrides);
}

export function parsePipeline(text: string, file: string, overrides: Overrides = []): GraphSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const messages = doc.errors.map((e) => `${position(e.pos[0])}: YAML syntax error: ${e.message.split('\n')[0]}`);
    throw new KindPipeError('config', messages.join('\n'));
  }
  const setLocations = new Map<string, string>();
  const locate = (path: readonly (string | number)[], part: 'key' | 'value' = 'value'): string => {
    const set = setLocations.get(path.join('\u0000'));
    if (set) return set;
    return position(nearestRange(doc.contents as YamlNode | null, path, part));
  };

  const problems: string[] = [];
  const root = toPlain(doc, file);
  if (!isRecord(root)) throw new KindPipeError('config', `${position(0)}: a pipeline file is a YAML mapping with a 'nodes' list. See pipelines/cctv-night.yaml`);
  for (const key of Object.keys(root)) {
    if (!(topLevelKeys as readonly string[]).includes(key)) {
      const guess = closest(key, topLevelKeys);
      problems.push(`${locate([key], 'key')}: unknown key '${key}'${guess ? `; did you mean '${guess}'?` : ''} Allowed: ${topLevelKeys.join(', ')}`);
    }
  }
  if (root.version !== undefined && root.version !== 1) problems.push(`${locate(['version'])}: version ${JSON.stringify(root.version)} is not supported. Fix: write 'version: 1'`);
  const queue = root.queue ?? 4;
  if (typeof queue !== 'number' || !Number.isInteger(queue) || queue < 1 || queue > 64) {
    problems.push(`${locate(['queue'])}: 'queue' must be an integer in [1, 64] (frames that may wait between two nodes), got ${JSON.stringify(queue)}`);
  }
  if (!Array.isArray(root.nodes) || root.nodes.length === 0) {
    problems.push(`${locate(['nodes'])}: 'nodes' must be a non-empty list of nodes, each with 'id' and 'plugin'`);
    throw new KindPipeError('config', problems.join('\n'));
  }

  const plugins = parsePluginReferences(root.plugins, locate, problems);
  const nodes: NodeSpec[] = [];
  root.nodes.forEach((raw: unknown, index: number) => {
    if (!isRecord(raw)) {
      problems.push(`${locate(['nodes', index])}: each node is a mapping with 'id', 'plugin', 'inputs', 'options'`);
      return;
    }
    for (const key of Object.keys(raw)) {
      if (!(nodeKeys as readonly string[]).includes(key)) {
        const guess = closest(key, nodeKeys);
        problems.push(`${locate(['nodes', index, key], 'key')}: unknown node key '${key}'${guess ? `; did you mean '${guess}'?` : ''} Allowed: ${nodeKeys.join(', ')}`);
      }
    }
    const id = raw.id;
    const plugin = raw.plugin;
    if (typeof id !== 'string' || !/^[A-Za-z_][\w-]*$/.test(id)) {
      problems.push(`${locate(['nodes', index, 'id'])}: node ${index + 1} needs an 'id' made of letters, digits, '_' or '-' (got ${JSON.stringify(id)})`);
    }
    if (typeof plugin !== 'string') problems.push(`${locate(['nodes', index, 'plugin'])}: node ${JSON.stringify(id ?? index + 1)} needs a 'plugin' (run 'kind-pipe plugins' for the list)`);
    const inputs = raw.inputs ?? {};
    const options = raw.options ?? {};
    if (!isRecord(inputs) || Object.values(inputs).some((v) => typeof v !== 'string')) {
      problems.push(`${locate(['nodes', index, 'inputs'])}: 'inputs' maps each input port to a node id (or node.port), e.g. { image: decode }`);
    }
    if (!isRecord(options)) problems.push(`${locate(['nodes', index, 'options'])}: 'options' must be a mapping of option names to values`);
    if (raw.worker !== undefined && typeof raw.worker !== 'boolean') problems.push(`${locate(['nodes', index, 'worker'])}: 'worker' must be true or false`);
    nodes.push({
      id: String(id),
      plugin: String(plugin),
      inputs: isRecord(inputs) ? (inputs as Record<string, string>) : {},
      options: isRecord(options) ? { ...options } : {},
      worker: typeof raw.worker === 'boolean' ? raw.worker : undefined,
    });
  });
  if (problems.length > 0) throw new KindPipeError('config', problems.join('\n'));

  applyOverrides(nodes, overrides, setLocations);
  return { file, nodes, locate, queueSize: queue as number, plugins };
}

const pluginKeys = ['from', 'host', 'policy', 'timeout'] as const;

/** `plugins:` — each entry a folder/package name, or `{ from, host, policy, timeout }` (docs/plugins.md). */
function parsePluginReferences(raw: unknown, locate: (path: (string | number)[], part?: 'key') => string, problems: string[]): PluginReference[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${locate(['plugins'])}: 'plugins' must be a list of plugin folders or package names, e.g. [ ./plugins/plate-crop ]`);
    return [];
  }
  const references: PluginReference[] = [];
  raw.forEach((entry: unknown, index: number) => {
    const at = locate(['plugins', index]);
    const item = typeof entry === 'string' ? { from: entry } : isRecord(entry) ? entry : undefined;
    if (!item || typeof item.from !== 'string' || item.from === '') {
      problems.push(`${at}: each plugin is a folder or package name, or { from: PATH, host: inline|isolated, policy: fail|restart, timeout: SECONDS }`);
      return;
    }
    for (const key of Object.keys(item)) {
      if (!(pluginKeys as readonly string[]).includes(key)) {
        const guess = closest(key, pluginKeys);
        problems.push(`${locate(['plugins', index, key], 'key')}: unknown plugin key '${key}'${guess ? `; did you mean '${guess}'?` : ''} Allowed: ${pluginKeys.join(', ')}`);
      }
    }
    if (item.host !== undefined && item.host !== 'inline' && item.host !== 'isolated') problems.push(`${locate(['plugins', index, 'host'])}: 'host' must be inline or isolated`);
    if (item.policy !== undefined && item.policy !== 'fail' && item.policy !== 'restart') problems.push(`${locate(['plugins', index, 'policy'])}: 'policy' must be fail or restart`);
    if (item.timeout !== undefined && !(typeof item.timeout === 'number' && item.timeout > 0 && item.timeout <= 600)) {
      problems.push(`${locate(['plugins', index, 'timeout'])}: 'timeout' must be seconds in (0, 600]`);
    }
    references.push({
      from: item.from,
      host: item.host as PluginReference['host'],
      policy: item.policy as PluginReference['policy'],
      timeout: item.timeout as number | undefined,
      at,
    });
  });
  return references;
}

/**
 * The option that `--set input=…` / `output=…` sets on a source or sink: `path` for files and
 * folders, `url` for a camera; null for sinks that write nowhere (the live preview).
 */
function locationOption(plugin: string): string | null {
  if (plugin === 'source.rtsp') return 'url';
  if (plugin === 'sink.preview') return null;
  return 'path';
}

/**
 * `input=PATH` sets `path` (a camera's `url`) on the pipeline's source node, `output=PATH` on its sink node (a
 * pipeline with several names the node instead); `node.option=value` sets any option.
 */
function applyOverrides(nodes: NodeSpec[], overrides: Overrides, setLocations: Map<string, string>): void {
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new KindPipeError('usage', `--set ${override}: expected KEY=VALUE, e.g. --set input=night.mp4 or --set illum.compensation=1.3`);
    const key = override.slice(0, eq);
    const value = override.slice(eq + 1);
    if ((key === 'input' || key === 'output') && value === '') throw new KindPipeError('usage', `--set ${key}= is empty. Fix: give a path, e.g. --set ${key}=${key === 'input' ? 'night.mp4' : 'night-enhanced.mp4'}`);
    let index: number;
    let option: string;
    if (key === 'input' || key === 'output') {
      const prefix = key === 'input' ? 'source.' : 'sink.';
      const candidates = nodes.map((n, i) => [n, i] as const).filter(([n]) => n.plugin.startsWith(prefix) && locationOption(n.plugin) !== null);
      if (candidates.length !== 1) {
        throw new KindPipeError('usage', `--set ${key}=…: the pipeline has ${candidates.length} ${prefix.slice(0, -1)} nodes. Fix: name one, e.g. --set ${candidates[0]?.[0].id ?? 'node'}.${locationOption(candidates[0]?.[0].plugin ?? '') ?? 'path'}=${value}`);
      }
      index = candidates[0][1];
      option = locationOption(candidates[0][0].plugin)!;
    } else {
      const dot = key.indexOf('.');
      const nodeId = dot > 0 ? key.slice(0, dot) : '';
      option = key.slice(dot + 1);
      index = nodes.findIndex((n) => n.id === nodeId);
      if (dot <= 0) {
        throw new KindPipeError('usage', `--set ${override}: '${key}' is not input, output or NODE.OPTION. Fix: e.g. --set ${nodes[0]?.id ?? 'node'}.${key}=${value}${topLevelKeys.includes(key as (typeof topLevelKeys)[number]) ? ` (the file's own '${key}:' cannot be set from the command line: edit the file)` : ''}`);
      }
      if (index < 0) {
        const guess = closest(nodeId, nodes.map((n) => n.id));
        throw new KindPipeError(
          'usage',
          `--set ${override}: no node '${nodeId}'${guess ? `; did you mean '${guess}'?` : ''}. Use input=…, output=… or NODE.OPTION=VALUE with a node of: ${nodes.map((n) => n.id).join(', ')}`,
        );
      }
    }
    nodes[index].options[option] = value;
    setLocations.set(['nodes', index, 'options', option].join('\u0000'), `--set ${key}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Start offset of the deepest node along `path` that exists. */
function nearestRange(node: YamlNode | null, path: readonly (string | number)[], part: 'key' | 'value'): number {
  let current: unknown = node;
  let offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    let next: unknown;
    if (isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (pair && isPair(pair)) {
        const keyRange = (pair.key as { range?: [number, number, number] }).range;
        if (keyRange) offset = keyRange[0];
        next = pair.value;
      }
    } else if (isSeq(current) && typeof segment === 'number') {
      next = current.items[segment];
    }
    if (next === undefined || next === null) return offset;
    if (part === 'key' && segment === path[path.length - 1]) return offset;
    const range = (next as { range?: [number, number, number] }).range;
    if (range && !(isMap(current) && !isScalar(next))) offset = range[0];
    current = next;
  }
  return offset;
}

/** Pipeline files are small: more aliases or deeper nesting than this is a mistake or an attack. */
const maxAliases = 50;
const maxDepth = 32;

/**
 * The document as plain data, refusing alias bombs ("billion laughs": a few lines that expand
 * to gigabytes) and absurd nesting with a message that names the file (#17).
 */
function toPlain(doc: ReturnType<typeof parseDocument>, file: string): unknown {
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: maxAliases });
  } catch (error) {
    throw new KindPipeError('config', `${file}: YAML aliases expand too far (${(error as Error).message.split('\n')[0]}). Fix: write the values out instead of using more than ${maxAliases} aliases (*name)`);
  }
  const depth = (value: unknown, level: number): number => {
    if (level > maxDepth || typeof value !== 'object' || value === null) return level;
    return Math.max(level, ...Object.values(value).map((v) => depth(v, level + 1)));
  };
  if (depth(root, 0) > maxDepth) throw new KindPipeError('config', `${file}: the YAML nests deeper than ${maxDepth} levels. Fix: a pipeline file needs a handful (nodes → node → options)`);
  return root;
}
