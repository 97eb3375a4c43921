import { tensorCaps, videoCaps, type Caps } from '../../core/caps.js';
import type { StageDescription } from '../../core/host/protocol.js';
import type { StagePlugin } from '../../core/stage/plugin.js';
import type { DiscoveredPlugin } from './discovered-plugin.js';
import type { PluginHostProcess } from './host-process.js';
import { IsolatedStage } from './isolated-stage.js';

/**
 * The descriptor kind-pipe holds for a stage that lives in a host process: its contract arrives as
 * data. Output caps are those of the input of the same kind (an isolated stage keeps the frame
 * size); the host's own `negotiate` is checked against this when the stage starts.
 */
export function isolatedStagePlugin(plugin: DiscoveredPlugin, description: StageDescription, takeSpare: () => PluginHostProcess | undefined): StagePlugin {
  return {
    ...description,
    negotiate: (inputs) => predictCaps(description, inputs),
    create: (ctx) => new IsolatedStage(plugin, description.id, ctx, takeSpare, (inputs) => predictCaps(description, inputs)),
  };
}

export function predictCaps(description: StageDescription, inputs: Record<string, Caps>): Record<string, Caps> {
  const given = Object.values(inputs);
  const outputs: Record<string, Caps> = {};
  for (const port of description.outputs) {
    const like = given.find((c) => c.kind === port.produces.kind) ?? given[0];
    outputs[port.name] = port.produces.kind === 'video' ? videoCaps(like) : tensorCaps(like, port.produces.channels ?? (like.kind === 'tensor' ? like.channels : 3));
  }
  return outputs;
}
