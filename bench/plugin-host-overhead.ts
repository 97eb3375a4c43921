/**
 * Per-frame cost of hosting a passthrough stage (test/fixtures/plugins/misbehave, fault none):
 * inline on the main thread, inline on a worker thread, and isolated in its own process (frames
 * over a Unix socket, control over JSON-RPC). `node dist/bench/plugin-host-overhead.js`
 */
import { join } from 'node:path';
import type { Caps } from '../core/caps.js';
import type { BuiltNode } from '../core/graph/built-graph.js';
import { silentLogger } from '../core/logger.js';
import type { Stage, StageContext, StagePlugin } from '../core/stage/plugin.js';
import { projectRoot } from '../models/paths.js';
import { activateInHost } from '../pipeline/plugin-host/activate-in-host.js';
import { discoverPlugins } from '../pipeline/plugin-host/discover.js';
import { activatePlugin } from '../core/host/activate-plugin.js';
import { pathToFileURL } from 'node:url';
import { WorkerStage } from '../pipeline/worker/worker-stage.js';

const folder = join(projectRoot, 'test', 'fixtures', 'plugins', 'misbehave');
const [plugin] = discoverPlugins(undefined, [{ from: folder, at: 'bench' }]).plugins;
const options = { fault: 'none', at: 0, once: '' };
const ctx: StageContext = { nodeId: 'pass', options, log: silentLogger, signal: new AbortController().signal, get: () => undefined as never };

async function stageFor(mode: string): Promise<{ stage: Stage; done: () => Promise<void> }> {
  if (mode === 'isolated') {
    const activation = await activateInHost(plugin, silentLogger);
    if (!activation.ok) throw new Error(activation.cause);
    return { stage: (activation.plugins[0] as StagePlugin).create(ctx), done: activation.deactivate };
  }
  const activation = await activatePlugin(plugin.manifest, folder, () => import(pathToFileURL(plugin.entry).href), silentLogger);
  if (!activation.ok) throw new Error(activation.cause);
  const p = activation.plugins[0] as StagePlugin;
  if (mode === 'inline') return { stage: p.create(ctx), done: activation.deactivate };
  const node: BuiltNode = { id: 'pass', plugin: p, options, inputs: {}, worker: true };
  return { stage: new WorkerStage(node, ctx, { entry: plugin.entry, folder, manifest: plugin.manifest }), done: activation.deactivate };
}

async function measure(mode: string, width: number, height: number, frames: number): Promise<number> {
  const caps: Caps = { kind: 'video', format: 'rgb24', width, height, stream: { fps: 25, origin: 'bench' } };
  const { stage, done } = await stageFor(mode);
  await stage.start?.({ video: caps });
  const data = new Uint8Array(width * height * 3).map((_, i) => i & 255);
  const frame = (index: number) => ({ video: { index, pts: index / 25, width, height, channels: 3, data } });
  for (let i = 0; i < 10; i++) await stage.process(frame(i));
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) await stage.process(frame(10 + i));
  const ms = (performance.now() - t0) / frames;
  await stage.dispose?.();
  await done();
  return ms;
}

const rows: string[] = [];
for (const [width, height, frames] of [[640, 360, 300], [1280, 720, 150]] as const) {
  const cells = [];
  for (const mode of ['inline', 'worker', 'isolated']) cells.push(`${mode} ${(await measure(mode, width, height, frames)).toFixed(3)} ms/frame`);
  rows.push(`${width}×${height}: ${cells.join(' · ')}`);
}
process.stdout.write(rows.join('\n') + '\n');
