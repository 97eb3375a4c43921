import { KindPipeError } from './errors.js';
import type { Disposable } from './disposable.js';

/** How a model session runs; set per node in the pipeline file. */
export interface RuntimeOptions {
  /** Intra-op threads; 0 lets the runtime choose (all cores). */
  threads: number;
  optimization: 'disabled' | 'basic' | 'extended' | 'all';
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu']. */
  providers: string[];
}

export interface TensorData {
  /** float32, or uint8 for models that take frames as they are (e.g. kind-fast). */
  data: Float32Array | Uint8Array;
  dims: readonly number[];
}

/** A model output the caller expects in float32; throws naming `where` when the model gave another type. */
export function floats(tensor: TensorData, where: string): Float32Array {
  if (tensor.data instanceof Float32Array) return tensor.data;
  throw new KindPipeError('model', `${where}: the model gave ${tensor.data.constructor.name} output where float32 is expected`);
}

export interface ModelSession extends Disposable {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
}

/** A runtime adapter: onnxruntime-node today; another runtime binds here without touching stages. */
/** Token and interface share the name (one binding per container). */
export const ModelRuntime = Symbol.for('kind-pipe.ModelRuntime');
export interface ModelRuntime {
  /** Loads a model from bytes (already checked against the registry's sha256). */
  load(bytes: Uint8Array, name: string, options: RuntimeOptions): Promise<ModelSession>;
  /** Starts loading the runtime's own code, for a run that will load a model: load() then finds it ready. */
  prepare?(): void;
}

export const runtimeOptionSchema = {
  threads: { type: 'integer', description: 'inference threads for this node (0 = all cores)', default: 0, min: 0, max: 256 },
  optimization: {
    type: 'string',
    description: 'graph optimisation level',
    default: 'all',
    enum: ['disabled', 'basic', 'extended', 'all'],
  },
  providers: { type: 'string', description: 'execution providers, comma-separated, in order of preference', default: 'cpu' },
} as const;

/** One network file of a model, as the registry lists it. */
export interface NetworkEntry {
  role: string;
  file: string;
  sha256: string;
  params: number;
  inputs: readonly string[];
  outputs: readonly string[];
  trained: boolean;
  steps: number;
  minutes: number;
  /** How an image model takes and gives frames (model.image uses it for registry models). */
  contract?: ImageModelContract;
}

/** The tensor contract of a one-input, one-output image model. */
export interface ImageModelContract {
  layout: 'NCHW' | 'NHWC';
  range: '0..1' | '0..255' | '-1..1';
  order: 'rgb' | 'bgr';
  dtype: 'float32' | 'uint8';
  /** H and W must be multiples of this. */
  multiple: number;
  /** Output size / input size. */
  scale: number;
  /** Whether the model may be tiled (none), needs the stage's whole-frame stretch (stats) or the whole frame (whole). */
  global: 'none' | 'stats' | 'whole';
}

/** A registered model: one or more networks (KinD has decom, restore, illum). */
export interface ModelEntry {
  id: string;
  task: string;
  description: string;
  networks: Readonly<Record<string, NetworkEntry>>;
  /** True only when every network was trained. */
  trained: boolean;
  trainedOn: string;
  license: string;
}

export const ModelRegistry = Symbol.for('kind-pipe.ModelRegistry');
export interface ModelRegistry {
  ids(): string[];
  /** Throws KindPipeError('model') naming the known ids when `id` is unknown. */
  get(id: string): ModelEntry;
  /** Reads a network's file, checks its sha256 and opens it with the runtime. */
  open(id: string, role: string, options: RuntimeOptions): Promise<ModelSession>;
}
