import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { BuiltGraph } from '../../core/graph/built-graph.js';
import type { GraphSpec } from '../../core/graph/spec.js';
import type { RunResult } from '../../core/graph/progress.js';
import { ffmpegVersion } from '../../core/media/tool.js';
import { ModelRegistry } from '../../core/model.js';
import type { Services } from '../../core/stage/plugin.js';
import { hashFile, sha256 } from '../../core/util/hash.js';
import { projectRoot } from '../../models/paths.js';
import { discoverPlugins } from '../plugin-host/discover.js';
import { canonicalJson } from './canonical-json.js';
import { chainOf, frameChainMethod, frameHashes, type FrameChain } from './frame-chain.js';
import { signText, type ManifestSignature } from './signing.js';

export const manifestFormat = 'kind-pipe-provenance/1';

/** Where an output's manifest goes: beside it, so that the two travel together. */
export function manifestPathOf(output: string): string {
  return `${output}.provenance.json`;
}

/** An input as the run read it. */
export interface InputRecord {
  node: string;
  option: string;
  path: string;
  /** Absent for a stream (stdin, a camera), which no one can hash again. */
  sha256?: string;
  bytes?: number;
  /** A folder of images: its files, each hashed. */
  files?: { name: string; sha256: string }[];
}

export interface RunManifest {
  format: typeof manifestFormat;
  kindPipe: string;
  createdAt: string;
  host: string;
  command: string[];
  /** `canonical` is absent only in a distributed run's manifest, which records the pipeline file. */
  pipeline: { file: string; sha256: string; sets: string[]; canonical?: CanonicalPipeline };
  inputs: InputRecord[];
  output: { node: string; option: string; path: string; sha256: string; bytes: number; frameChain: FrameChain & { method: string } };
  plugins: { id: string; from: string }[];
  models: { node: string; model: string; role?: string; file: string; sha256: string }[];
  runtime: { node: string; onnxruntime: string; platform: string; cpus: number; cpuModel: string; sessions: Record<string, { threads: number; providers: string; optimization: string }> };
  encode: { ffmpeg: string; command: readonly string[]; pins: Record<string, string | number> };
  run: { frames: number; startedAt: string; elapsedS: number; provenanceS: number };
  signature?: ManifestSignature;
}

/** The graph as it ran: every option resolved (defaults filled, `--set` applied), paths absolute, secrets masked. */
export interface CanonicalPipeline {
  version: 1;
  queue: number;
  plugins?: { from: string; host?: string; policy?: string; timeout?: number }[];
  nodes: { id: string; plugin: string; inputs?: Record<string, string>; options: Record<string, unknown>; worker?: boolean }[];
}

export function canonicalPipeline(graph: BuiltGraph, spec: GraphSpec): CanonicalPipeline {
  const base = dirname(resolve(spec.file));
  return {
    version: 1,
    queue: graph.queueSize,
    ...(spec.plugins?.length && {
      plugins: spec.plugins.map((p) => ({ from: p.from.startsWith('.') || isAbsolute(p.from) ? resolve(base, p.from) : p.from, host: p.host, policy: p.policy, timeout: p.timeout })),
    }),
    nodes: graph.nodes.map((node) => {
      const options: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(node.options)) {
        // An option of another mode (its default) did nothing, and the builder refuses it set.
        const when = node.plugin.options[name]?.when;
        if (when && Object.entries(when).some(([mode, values]) => !(values as readonly unknown[]).includes(node.options[mode]))) continue;
        const type = node.plugin.options[name]?.type;
        if (type === 'path' && typeof value === 'string' && value !== '' && value !== '-') options[name] = resolve(value);
        else options[name] = typeof value === 'string' ? masked(value) : value;
      }
      const inputs = Object.fromEntries(Object.entries(node.inputs).map(([port, from]) => [port, `${from.node}.${from.port}`]));
      return {
        id: node.id,
        plugin: node.plugin.id,
        ...(Object.keys(inputs).length > 0 && { inputs }),
        options,
        ...(node.plugin.role === 'stage' && { worker: node.worker }),
      };
    }),
  };
}

/** What a run writes beside each file output, signed when a key is given. */
export interface ManifestContext {
  graph: BuiltGraph;
  spec: GraphSpec;
  services: Services;
  sets: string[];
  result: RunResult;
  startedAt: Date;
  signKey?: KeyObject;
}

/**
 * Writes OUTPUT.provenance.json for every output whose sink can say how it was written
 * (Sink.provenance: sink.file). Hashes the inputs once, and each output and its decoded frames.
 * Temp name and rename, so a manifest is whole or absent. Returns the manifests written.
 */
export async function writeRunManifests(ctx: ManifestContext): Promise<string[]> {
  const started = performance.now();
  const entries = Object.entries(ctx.result.records);
  if (entries.length === 0) return [];
  const inputs = await inputRecords(ctx.graph);
  const shared = {
    kindPipe: packageVersion(join(projectRoot, 'package.json')),
    host: hostname(),
    pipeline: { file: resolve(ctx.spec.file), sha256: sha256(readFileSync(ctx.spec.file)), sets: ctx.sets, canonical: canonicalPipeline(ctx.graph, ctx.spec) },
    plugins: pluginRecords(ctx.graph, ctx.spec),
    models: modelRecords(ctx.graph, ctx.services),
    runtime: runtimeRecord(ctx.graph),
  };
  const written: string[] = [];
  for (const [nodeId, record] of entries) {
    const node = ctx.graph.nodes.find((n) => n.id === nodeId)!;
    const option = Object.keys(node.plugin.options).find((name) => node.plugin.options[name].type === 'path') ?? 'path';
    const hashes = await frameHashes(record.output);
    const manifest: RunManifest = {
      format: manifestFormat,
      ...shared,
      createdAt: new Date().toISOString(),
      command: ['kind-pipe', 'run', ctx.spec.file, ...ctx.sets.flatMap((s) => ['--set', s])],
      inputs,
      output: {
        node: nodeId,
        option,
        path: resolve(record.output),
        sha256: await hashFile(record.output),
        bytes: statSync(record.output).size,
        frameChain: { ...chainOf(hashes), method: frameChainMethod },
      },
      encode: { ffmpeg: ffmpegVersion(), command: record.command ?? [], pins: record.pins ?? {} },
      run: { frames: ctx.result.frames, startedAt: ctx.startedAt.toISOString(), elapsedS: round(ctx.result.elapsedS), provenanceS: round((performance.now() - started) / 1000) },
    };
    if (ctx.signKey) manifest.signature = signText(canonicalJson(manifest), ctx.signKey);
    const path = manifestPathOf(record.output);
    const temp = join(dirname(path), `.${process.pid}.provenance.tmp`);
    writeFileSync(temp, JSON.stringify(manifest, null, 2) + '\n');
    renameSync(temp, path);
    written.push(path);
  }
  return written;
}

async function inputRecords(graph: BuiltGraph): Promise<InputRecord[]> {
  const records: InputRecord[] = [];
  for (const node of graph.nodes.filter((n) => n.plugin.role === 'source')) {
    for (const [option, spec] of Object.entries(node.plugin.options)) {
      const value = node.options[option];
      if (typeof value !== 'string' || (spec.type !== 'path' && !/^[a-z]+:\/\//i.test(value))) continue;
      if (spec.type !== 'path' || value === '-' || !existsSync(value)) {
        records.push({ node: node.id, option, path: masked(value) }); // a stream: nothing to hash
        continue;
      }
      const path = resolve(value);
      if (statSync(path).isDirectory()) {
        const files = [];
        for (const name of readdirSync(path).sort()) if (statSync(join(path, name)).isFile()) files.push({ name, sha256: await hashFile(join(path, name)) });
        records.push({ node: node.id, option, path, files });
      } else if (statSync(path).isFile()) {
        records.push({ node: node.id, option, path, sha256: await hashFile(path), bytes: statSync(path).size });
      } else {
        records.push({ node: node.id, option, path }); // a named pipe
      }
    }
  }
  return records;
}

function pluginRecords(graph: BuiltGraph, spec: GraphSpec): { id: string; from: string }[] {
  const version = packageVersion(join(projectRoot, 'package.json'));
  const external = new Map<string, string>();
  for (const plugin of discoverPlugins(spec.file, spec.plugins).plugins) {
    const m = plugin.manifest;
    for (const list of Object.values(m.contributes)) for (const c of list) external.set(c.id, `${m.name}@${m.version ?? '?'} (${plugin.folder})`);
  }
  const ids = [...new Set(graph.nodes.map((n) => n.plugin.id))];
  return ids.map((id) => ({ id, from: external.get(id) ?? `kind-pipe@${version} (built in)` }));
}

function modelRecords(graph: BuiltGraph, services: Services): RunManifest['models'] {
  const records: RunManifest['models'] = [];
  const registry = services.get<ModelRegistry>(ModelRegistry);
  for (const node of graph.nodes) {
    const model = node.options.model;
    if (typeof model === 'string' && model !== '' && 'model' in node.plugin.options) {
      try {
        for (const network of Object.values(registry.get(model).networks)) {
          records.push({ node: node.id, model, role: network.role, file: relative(projectRoot, network.file), sha256: network.sha256 });
        }
      } catch {
        // not a registry model: the node's own check named it
      }
    }
    const path = node.options.path;
    if (node.plugin.role === 'stage' && typeof path === 'string' && /\.onnx$/i.test(path) && existsSync(path)) {
      records.push({ node: node.id, model: 'file', file: resolve(path), sha256: sha256(readFileSync(path)) });
    }
  }
  return records;
}

function runtimeRecord(graph: BuiltGraph): RunManifest['runtime'] {
  const sessions: RunManifest['runtime']['sessions'] = {};
  for (const node of graph.nodes) {
    if (!('threads' in node.plugin.options && 'providers' in node.plugin.options)) continue;
    sessions[node.id] = { threads: Number(node.options.threads), providers: String(node.options.providers), optimization: String(node.options.optimization) };
  }
  return {
    node: process.version,
    onnxruntime: packageVersion(join(projectRoot, 'node_modules', 'onnxruntime-node', 'package.json')),
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    sessions,
  };
}

function packageVersion(file: string): string {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/** A URL's password (rtsp://user:secret@host) as ***: a manifest is handed to others. */
function masked(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, '$1:***@');
}

const round = (s: number) => Math.round(s * 1000) / 1000;
