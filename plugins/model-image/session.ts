import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { ModelRegistry, ModelRuntime, type ImageModelContract, type ModelSession, type RuntimeOptions } from '../../core/model.js';
import type { OptionProblem } from '../../core/options.js';
import type { Services } from '../../core/stage/plugin.js';
import type { ModelImageOptions } from './options.js';

const contractOptions = ['layout', 'range', 'order', 'dtype', 'multiple', 'scale', 'global'] as const;

/**
 * A registry model states its contract (models/<folder>/weights/manifest.json); the node must state
 * the same, so that the pipeline file says what the model does (a ×2 model reads `scale: 2`).
 */
export function checkContract(options: ModelImageOptions, services: Services): OptionProblem[] {
  if (!options.model) return [];
  let contract: ImageModelContract | undefined;
  try {
    contract = services.get<ModelRegistry>(ModelRegistry).get(options.model).networks[networkRole(options, services)]?.contract;
  } catch {
    return []; // checkSource names the problem
  }
  if (!contract) return [];
  return contractOptions
    .filter((key) => options[key] !== contract[key])
    .map((key) => ({
      option: key,
      message: `model '${options.model}' takes ${key} ${contract[key]}, the node says ${options[key]}. Fix: ${key}: ${typeof contract[key] === 'number' ? contract[key] : `'${contract[key]}'`} (see 'kind-pipe models')`,
    }));
}

/** A `path:` is relative to the current folder, like every path in a pipeline file. */
export function modelFile(options: ModelImageOptions): string {
  return resolve(process.cwd(), options.path);
}

/** Which registry network or file the node names, and whether it is there and intact. */
export function checkSource(options: ModelImageOptions, services: Services): OptionProblem[] {
  const id = options.model;
  const path = options.path;
  if ((id === '') === (path === '')) {
    return [{ option: id ? 'path' : 'model', message: "name the model either by registry id ('model: ID', see 'kind-pipe models') or by file ('path: my-model.onnx'), not both" }];
  }
  if (id) {
    try {
      networkRole(options, services);
      return [];
    } catch (error) {
      return [{ option: 'model', message: KindPipeError.is(error) ? error.message : String(error) }];
    }
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(modelFile(options));
  } catch {
    return [{ option: 'path', message: `model file ${modelFile(options)} does not exist or cannot be read. Fix: give the path of your .onnx export, relative to the current folder` }];
  }
  const expected = options.sha256.toLowerCase();
  if (expected && !/^[0-9a-f]{64}$/.test(expected)) return [{ option: 'sha256', message: `'${expected}' is not a sha256 (64 hex digits). Fix: sha256sum ${path}` }];
  const actual = sha256(bytes);
  if (expected && actual !== expected) {
    return [{ option: 'sha256', message: `${path} has sha256 ${actual}, the pipeline expects ${expected}. Fix: use the file you meant, or update sha256` }];
  }
  return [];
}

/**
 * The registry network to run: `network:`, or the model's only one with an image contract
 * (kind-fast's `maps` network is for fast.enhance, which slices the frame itself), or its only one.
 */
function networkRole(options: ModelImageOptions, services: Services): string {
  const id = options.model;
  const entry = services.get<ModelRegistry>(ModelRegistry).get(id);
  const roles = Object.keys(entry.networks);
  const images = roles.filter((r) => entry.networks[r].contract);
  const only = images.length === 1 ? images : roles;
  const role = options.network || (only.length === 1 ? only[0] : '');
  if (!entry.networks[role]) {
    throw new KindPipeError('model', `model '${id}' has networks ${roles.join(', ')}: ${role ? `'${role}' is not one of them` : 'say which'}. Fix: set 'network: ${roles[0]}'`);
  }
  return role;
}

/** Opens the node's model: through the registry (which checks its sha256), or from its file. */
export async function openModel(options: ModelImageOptions, services: Services, runtime: RuntimeOptions): Promise<ModelSession> {
  if (options.model) {
    return services.get<ModelRegistry>(ModelRegistry).open(options.model, networkRole(options, services), runtime);
  }
  const file = modelFile(options);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new KindPipeError('model', `model file ${file} cannot be read. Fix: give the path of your .onnx export`, { cause: error });
  }
  const expected = options.sha256.toLowerCase();
  if (expected && sha256(bytes) !== expected) {
    throw new KindPipeError('model', `${file} has sha256 ${sha256(bytes)}, the pipeline expects ${expected}. Fix: use the file you meant, or update sha256`);
  }
  return services.get<ModelRuntime>(ModelRuntime).load(bytes, file, runtime);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The node's runtime options (threads, optimisation, providers) as the runtime takes them. */
export function runtimeOptions(options: ModelImageOptions): RuntimeOptions {
  return {
    threads: options.threads,
    optimization: options.optimization,
    providers: options.providers.split(',').map((p) => p.trim()).filter(Boolean),
  };
}
