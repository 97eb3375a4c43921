import { ModelRegistry, runtimeOptionSchema, type ModelSession, type RuntimeOptions } from '../../core/model.js';
import { KindPipeError } from '../../core/errors.js';
import type { OptionsOf, OptionsSchema } from '../../core/options.js';
import type { Services, StageContext } from '../../core/stage/plugin.js';

/** Options every KinD network stage takes: which registered model, and how to run it. */
export const networkOptions = {
  model: { type: 'string', description: "registry id of the KinD model ('kind-pipe models' lists them)", default: 'kind' },
  ...runtimeOptionSchema,
} as const satisfies OptionsSchema;

/** The options of kind.decom and kind.restore: also which precision of the network to run (#16). */
export const precisionOptions = {
  ...networkOptions,
  precision: {
    type: 'string',
    enum: ['fp32', 'int8'],
    default: 'fp32',
    description: "int8 runs the calibrated QDQ file (kind-decom-int8.onnx, kind-restore-int8.onnx; models/kind/MODEL_CARD.md 'int8')",
  },
} as const satisfies OptionsSchema;

export type PrecisionOptions = OptionsOf<typeof precisionOptions>;

/** The registry role of `role` at the node's precision: 'decom' or 'decom-int8'. */
export function precisionRole(options: { precision: string }, role: string): string {
  return options.precision === 'int8' ? `${role}-int8` : role;
}

/** checkModel, and for precision int8 that the model ships an int8 file for this network. */
export function checkPrecision(role: string) {
  return (options: PrecisionOptions, services: Services): { option: string; message: string }[] => {
    const problems = checkModel(options, services);
    if (problems.length > 0 || options.precision === 'fp32') return problems;
    const registry = services.get<ModelRegistry>(ModelRegistry);
    const wanted = precisionRole(options, role);
    if (registry.get(options.model).networks[wanted]) return [];
    const others = registry.ids().filter((id) => registry.get(id).task === 'kind' && registry.get(id).networks[wanted]);
    return [{
      option: 'precision',
      message: `model '${options.model}' has no int8 ${role} network (no '${wanted}' in models/kind/weights/manifest.json). Fix: set precision: fp32${others.length ? `, or model: ${others.join(' | ')}` : ''}, or write one with models/kind/train/quantize.py`,
    }];
  };
}

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
export async function openNetwork(ctx: StageContext<NetworkOptions>, role: string, file = role): Promise<ModelSession> {
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
  return finiteOutputs(await registry.open(id, file, runtimeOptions(ctx.options)), `node '${ctx.nodeId}' (model '${id}', network ${file})`);
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
        const data = tensor.data;
        let broken = 0;
        // v − v is 0 for a finite v and NaN for NaN and ±Inf; an indexed loop, not the iterator (#18: 4 ms a 720p frame).
        for (let i = 0; i < data.length; i++) if (data[i] - data[i] !== 0) broken++;
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
