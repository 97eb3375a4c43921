import { pathToFileURL } from 'node:url';
import { KindPipeError } from '../../core/errors.js';
import type { BuiltNode } from '../../core/graph/built-graph.js';
import type { GraphSpec } from '../../core/graph/spec.js';
import { activatePlugin } from '../../core/host/activate-plugin.js';
import type { Activation } from '../../core/host/activation.js';
import { activatesOn } from '../../core/host/validate-manifest.js';
import { contributionKinds } from '../../core/host/manifest.js';
import { contractMismatches } from '../../core/host/declared-contract.js';
import { prefixedLogger, type Logger } from '../../core/logger.js';
import type { Plugin, Stage, StageContext } from '../../core/stage/plugin.js';
import { WorkerStage } from '../worker/worker-stage.js';
import { discoverPlugins } from './discover.js';
import type { DiscoveredPlugin } from './discovered-plugin.js';
import { guardProcessExit } from './exit-guard.js';
import { GuardedStage, guardedPlugin } from './guarded-stage.js';

/** The plugins one pipeline can use: the built-ins plus the external plugins its nodes activated. */
export interface ExternalPlugins {
  table: ReadonlyMap<string, Plugin>;
  /** For `RunOptions.createWorkerStage`: an inline external stage on a worker thread imports its module there. */
  createWorkerStage(node: BuiltNode, ctx: StageContext): Stage;
  /** Deactivates every activated plugin (each within its deadline) and stops idle host processes. */
  dispose(): Promise<void>;
}

/**
 * Discovers the pipeline's plugins and activates, lazily, only those whose activation events its
 * nodes fire (`onStage:ID` for a node with `plugin: ID`). A plugin that fails to activate fails
 * the whole call with a message naming it and the cause, before any input is opened.
 */
export async function loadExternalPlugins(spec: GraphSpec, builtins: ReadonlyMap<string, Plugin>, log: Logger): Promise<ExternalPlugins> {
  const { plugins: discovered, problems } = discoverPlugins(spec.file, spec.plugins);
  if (problems.length > 0) throw new KindPipeError('config', problems.join('\n'));
  const used = new Set(spec.nodes.map((n) => n.plugin));
  const table = new Map(builtins);
  const origin = new Map<string, DiscoveredPlugin>();
  const deactivations: (() => Promise<void>)[] = [];
  const failures: string[] = [];

  for (const plugin of discovered) {
    const m = plugin.manifest;
    if (![...used].some((id) => activatesOn(m, id))) continue;
    const clash = contributionKinds.flatMap((k) => m.contributes[k].map((c) => c.id)).filter((id) => table.has(id));
    if (clash.length > 0) {
      failures.push(`plugin '${m.name}' contributes ${clash.map((id) => `'${id}'`).join(', ')}, already provided by ${clash.map((id) => origin.get(id)?.manifest.name ?? 'kind-pipe (built in)').join(', ')}. Fix: rename its ids`);
      continue;
    }
    let activation: Activation;
    if (m.host === 'isolated') activation = await (await import('./activate-in-host.js')).activateInHost(plugin, log); // its JSON-RPC modules load only when needed
    else {
      guardProcessExit(plugin.folder, m.name);
      activation = await activatePlugin(m, plugin.folder, () => import(pathToFileURL(plugin.entry).href), prefixedLogger(log, m.name));
    }
    if (!activation.ok) {
      failures.push(`plugin '${activation.name}' failed to activate: ${activation.cause}`);
      continue;
    }
    deactivations.push(activation.deactivate);
    const broken = activation.plugins.flatMap((p) => {
      const kind = contributionKinds.find((k) => m.contributes[k].some((c) => c.id === p.id));
      if (!kind) return [];
      const index = m.contributes[kind].findIndex((c) => c.id === p.id);
      return contractMismatches(m.contributes[kind][index], p).map((problem) => `kindPipe.contributes.${kind}[${index}] (${p.id}) ${problem}`);
    });
    if (broken.length > 0) {
      failures.push(`plugin '${m.name}' failed to activate: its code does not match its package.json:\n  ${broken.join('\n  ')}\n  Fix: make the manifest and the code declare the same contract`);
      continue;
    }
    for (const p of activation.plugins) {
      table.set(p.id, p.role === 'stage' ? guardedPlugin(p, m.name, undefined, m.host === 'isolated' ? undefined : m.timeout) : p); // isolated stages time their requests themselves
      origin.set(p.id, plugin);
    }
  }

  const dispose = async () => {
    for (const deactivate of deactivations.reverse()) await deactivate().catch((error) => log.warn(`while deactivating a plugin: ${error instanceof Error ? error.message : error}`));
  };
  if (failures.length > 0) {
    await dispose();
    throw new KindPipeError('plugin', failures.join('\n'));
  }
  return {
    table,
    dispose,
    createWorkerStage(node, ctx) {
      const plugin = origin.get(node.plugin.id);
      if (!plugin) return new WorkerStage(node, ctx);
      if (node.plugin.role !== 'stage') throw new KindPipeError('plugin', `node '${node.id}': only stages run on worker threads`, { origin: { node: node.id, stage: node.plugin.id } });
      if (plugin.manifest.host === 'isolated') return node.plugin.create(ctx);
      const inner = new WorkerStage(node, ctx, { entry: plugin.entry, folder: plugin.folder, manifest: plugin.manifest });
      return new GuardedStage(inner, node.plugin, plugin.manifest.name, ctx, plugin.manifest.timeout);
    },
  };
}
