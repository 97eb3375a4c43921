import { KindPipeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Stage, StagePlugin } from '../stage/plugin.js';
import { activatePlugin } from './activate-plugin.js';
import type { Activation } from './activation.js';
import type { FramePipe } from './frame-pipe.js';
import { framesFromWire, framesToWire } from './frame-wire.js';
import type { ActivateReply, FrameHeader, PluginHostMainShape, PluginHostShape, StageDescription } from './protocol.js';

/**
 * The plugin side of an isolated host: activates one plugin and runs its stages on request. It
 * knows nothing of processes; `host-main.ts` wires it to the fork IPC channel and a Unix socket,
 * the specs to an in-memory pair.
 */
export class PluginHost implements PluginHostShape {
  private activation: Extract<Activation, { ok: true }> | undefined;
  private readonly stages = new Map<number, Stage>();
  private readonly abort = new AbortController();
  private readonly log: Logger;

  constructor(
    private readonly frames: FramePipe,
    main: PluginHostMainShape,
    private readonly load: (entry: string) => Promise<unknown>,
  ) {
    this.log = {
      info: (message) => void main.$log({ level: 'info', message }).catch(() => undefined),
      warn: (message) => void main.$log({ level: 'warn', message }).catch(() => undefined),
      debug: (message) => void main.$log({ level: 'debug', message }).catch(() => undefined),
    };
  }

  async $activate(request: Parameters<PluginHostShape['$activate']>[0]): Promise<ActivateReply> {
    const activation = await activatePlugin(request.manifest, request.folder, () => this.load(request.entry), this.log);
    if (!activation.ok) return { ok: false, cause: activation.cause };
    const others = activation.plugins.filter((p) => p.role !== 'stage').map((p) => p.id);
    if (others.length > 0) {
      await activation.deactivate().catch(() => undefined);
      return { ok: false, cause: `an isolated host runs stages only, but it registers ${others.join(', ')}. Fix: host it inline` };
    }
    this.activation = activation;
    return { ok: true, stages: (activation.plugins as StagePlugin[]).map(describe) };
  }

  async $negotiate(request: Parameters<PluginHostShape['$negotiate']>[0]) {
    return this.plugin(request.pluginId).negotiate(request.inputs, request.options);
  }

  async $createStage(request: Parameters<PluginHostShape['$createStage']>[0]): Promise<void> {
    const plugin = this.plugin(request.pluginId);
    const get = () => {
      throw new KindPipeError('plugin', `'${request.pluginId}' runs isolated, where the container's services are not available`, { origin: { node: request.nodeId, stage: request.pluginId } });
    };
    this.stages.set(request.instance, plugin.create({ nodeId: request.nodeId, options: request.options, log: this.log, signal: this.abort.signal, get }));
  }

  async $start(request: Parameters<PluginHostShape['$start']>[0]): Promise<void> {
    await this.stage(request.instance).start?.(request.caps);
  }

  async $process(request: Parameters<PluginHostShape['$process']>[0]): Promise<FrameHeader[]> {
    const inputs = framesFromWire(request.frames, await this.frames.receive(request.seq));
    const outputs = await this.stage(request.instance).process(inputs);
    const wire = framesToWire(outputs);
    await this.frames.send(request.seq, wire.bodies);
    return wire.headers;
  }

  async $disposeStage(request: Parameters<PluginHostShape['$disposeStage']>[0]): Promise<void> {
    const stage = this.stages.get(request.instance);
    this.stages.delete(request.instance);
    await stage?.dispose?.();
  }

  async $deactivate(): Promise<void> {
    this.abort.abort();
    for (const instance of [...this.stages.keys()]) await this.$disposeStage({ instance });
    await this.activation?.deactivate();
    this.activation = undefined;
  }

  private plugin(id: string): StagePlugin {
    const plugin = this.activation?.plugins.find((p) => p.id === id);
    if (!plugin || plugin.role !== 'stage') throw new KindPipeError('plugin', `the host has no activated stage '${id}'`);
    return plugin;
  }

  private stage(instance: number): Stage {
    const stage = this.stages.get(instance);
    if (!stage) throw new KindPipeError('plugin', `the host has no stage instance ${instance}`);
    return stage;
  }
}

function describe(plugin: StagePlugin): StageDescription {
  return {
    id: plugin.id,
    role: 'stage',
    description: String(plugin.description ?? ''),
    options: plugin.options ?? {},
    example: String(plugin.example ?? ''),
    inputs: [...plugin.inputs],
    outputs: [...plugin.outputs],
  };
}
