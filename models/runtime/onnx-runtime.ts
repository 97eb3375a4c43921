import type Ort from 'onnxruntime-node';
import { KindPipeError } from '../../core/errors.js';
import type { ModelRuntime, ModelSession, RuntimeOptions, TensorData } from '../../core/model.js';

/**
 * The onnxruntime-node adapter: CPU execution provider bundled; others when installed. The native
 * library loads with the first model, not with the container (~0.07 s that `--help` and pipelines
 * without a model need not pay, #18).
 */
export class OnnxRuntime implements ModelRuntime {
  private library?: Promise<typeof Ort>;

  prepare(): void {
    if (this.library) return;
    this.library = import('onnxruntime-node').then((m) => m.default);
    this.library.catch(() => undefined); // load() reports it
  }

  async load(bytes: Uint8Array, name: string, options: RuntimeOptions): Promise<ModelSession> {
    this.prepare();
    const ort = await this.library!;
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.threads,
        interOpNumThreads: 1,
        // onnxruntime's memory pattern plans one arena layout per input shape and keeps each: the
        // video mode's region windows come in many shapes (1280×720 walker clip: 2449 → 1704 MB
        // peak without it, 0.90 → 0.98 fps), and per-frame KinD gains nothing from it either
        // (640×360: 1313 → 865 MB, 0.88 → 0.91 fps).
        enableMemPattern: false,
        graphOptimizationLevel: options.optimization,
        executionProviders: options.providers,
        // Several sessions run at once in a pipeline; spinning threads would steal each other's cores.
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      });
    } catch (error) {
      throw new KindPipeError(
        'model',
        `cannot load model ${name} with providers [${options.providers.join(', ')}]: ${(error as Error).message}. ` +
          `Fix: check the file, or set 'providers: cpu' on the node`,
        { cause: error },
      );
    }
    return new OnnxSession(ort, session);
  }
}

class OnnxSession implements ModelSession {
  /** Per input: ordinary memory that shared frame data is copied into for the call (see run). */
  private readonly scratch = new Map<string, Float32Array | Uint8Array>();

  constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    const tensors: Record<string, Ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      const data = this.readable(name, tensor.data);
      tensors[name] = data instanceof Uint8Array ? new this.ort.Tensor('uint8', data, tensor.dims) : new this.ort.Tensor('float32', data, tensor.dims);
    }
    const results = await this.session.run(tensors);
    const outputs: Record<string, TensorData> = {};
    for (const [name, tensor] of Object.entries(results)) {
      outputs[name] = { data: tensor.data as Float32Array | Uint8Array, dims: tensor.dims };
    }
    return outputs;
  }

  /**
   * onnxruntime-node refuses data on a SharedArrayBuffer ('Invalid argument': N-API reads only
   * ArrayBuffers), which is where shared frames live (core/frame-pool.ts). Such data is copied into
   * one buffer per input, kept for the next call: one copy, and no new allocation per frame.
   */
  private readable(name: string, data: Float32Array | Uint8Array): Float32Array | Uint8Array {
    if (!(data.buffer instanceof SharedArrayBuffer)) return data;
    let copy = this.scratch.get(name);
    if (!copy || copy.length !== data.length || copy.constructor !== data.constructor) {
      copy = data instanceof Uint8Array ? new Uint8Array(data.length) : new Float32Array(data.length);
      this.scratch.set(name, copy);
    }
    copy.set(data);
    return copy;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
