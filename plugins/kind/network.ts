import { ModelRegistry, runtimeOptionSchema, type ModelSession, type RuntimeOptions } from '../../core/model.js';
import { KindPipeError } from '../../core/errors.js';
import type { OptionsOf, OptionsSchema } from '../../core/options.js';
import type { Services, StageContext } from '../../core/stage/plugin.js';

/** Options every KinD network stage takes: which registered model, and how to run it. */
export const networkOptions = {
  model: { type: 'string', description: "registry id of the KinD model ('kind-pipe models' lists them)", default: 'kind' },
  ...runtimeOptionSchema,
} as const satisfies OptionsSchema;

/** The options of `networkOptions`, resolved; every KinD network stage's options hold them. */
export type NetworkOptions = OptionsOf<typeof networkOptions>;

export function checkModel(options: NetworkOptions, services: Services): { option: string; message: string }[] {
  try {
    const entry = services.get<ModelRegistry>(ModelRegistry).get(options.model);
    if (entry.task !== 'kind') {
      return [{ option: 'model', message: `model '${entry.id}' is not a KinD model (task: ${entry.task}). Fix: run it with plugin model.image (model: ${entry.id}), or name a KinD model here (kind, kind-lite)` }];
    }
    return [];
  } catch (error) {
    return [{ option: 'model', message: KindPipeError.is(error) ? error.message : String(error) }];
  }
}

const warned = new Set<string>();

/** Opens one network of the node's model; says loudly, once per model, when it is untrained. */
export async function openNetwork(ctx: StageContext<NetworkOptions>, role: string): Promise<ModelSession> {
  const registry = ctx.get<ModelRegistry>(ModelRegistry);
  const id = ctx.options.model;
  const entry = registry.get(id);
  if (!entry.networks[role]?.trained && !warned.has(id)) {
    warned.add(id);
    ctx.log.warn(
      `\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n` +
        `!! WARNING: model '${id}' ships UNTRAINED weights (random initialisation) for\n` +
        `!! ${Object.values(entry.networks).filter((n) => !n.trained).map((n) => n.role).join(', ')}. Its output is NOT an enhancement.\n` +
        `!! Train them with models/kind/train (see its README).\n` +
        `!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!`,
      { model: id, trained: false },
    );
  }
  return finiteOutputs(await registry.open(id, role, runtimeOptions(ctx.options)), `node '${ctx.nodeId}' (model '${id}', network ${role})`);
}

/**
 * A session whose float outputs are checked: NaN would reach the picture as black and Inf as white,
 * so a broken or mis-exported network must fail the run instead of looking like a dark scene (#17).
 */
export function finiteOutputs(session: ModelSession, where: string): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    dispose: () => session.dispose(),
    async run(feeds) {
      const outputs = await session.run(feeds);
      for (const [name, tensor] of Object.entries(outputs)) {
        if (!(tensor.data instanceof Float32Array)) continue;
        let broken = 0;
        for (const v of tensor.data) if (!Number.isFinite(v)) broken++;
        if (broken > 0) {
          throw new KindPipeError('model', `${where}: output '${name}' holds ${broken} of ${tensor.data.length} values NaN or infinite. Fix: restore the weights (git checkout -- models/), or re-export the network`);
        }
      }
      return outputs;
    },
  };
}

export function runtimeOptions(options: OptionsOf<typeof runtimeOptionSchema>): RuntimeOptions {
  return {
    threads: options.threads,
    optimization: options.optimization,
    providers: options.providers.split(',').map((p) => p.trim()).filter(Boolean),
  };
}

/** Dims of a CHW tensor frame as the network sees it. */
export function dims(channels: number, frame: { width: number; height: number }): number[] {
  return [1, channels, frame.height, frame.width];
}
