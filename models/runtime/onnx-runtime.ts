import ort from 'onnxruntime-node';
import { KindPipeError } from '../../core/errors.js';
import type { ModelRuntime, ModelSession, RuntimeOptions, TensorData } from '../../core/model.js';

/** The onnxruntime-node adapter: CPU execution provider bundled; others when installed. */
export class OnnxRuntime implements ModelRuntime {
  async load(bytes: Uint8Array, name: string, options: RuntimeOptions): Promise<ModelSession> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.threads,
        interOpNumThreads: 1,
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
    return new OnnxSession(session);
  }
}

class OnnxSession implements ModelSession {
  constructor(private readonly session: ort.InferenceSession) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) tensors[name] = tensor.data instanceof Uint8Array ? new ort.Tensor('uint8', tensor.data, tensor.dims) : new ort.Tensor('float32', tensor.data, tensor.dims);
    const results = await this.session.run(tensors);
    const outputs: Record<string, TensorData> = {};
    for (const [name, tensor] of Object.entries(results)) {
      outputs[name] = { data: tensor.data as Float32Array | Uint8Array, dims: tensor.dims };
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
