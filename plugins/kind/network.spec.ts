import test from 'ava';
import { KindPipeError } from '../../core/errors.js';
import type { ModelSession, TensorData } from '../../core/model.js';
import { finiteOutputs } from './network.js';

const session = (data: Float32Array): ModelSession => ({
  inputNames: ['x'],
  outputNames: ['y'],
  dispose: async () => undefined,
  run: async (): Promise<Record<string, TensorData>> => ({ y: { data, dims: [1, 1, 1, data.length] } }),
});

test('a KinD network whose output holds NaN or Inf fails naming the node, the output and the count (#17)', async (t) => {
  const broken = finiteOutputs(session(new Float32Array([0.5, Number.NaN, Infinity, 0.1])), "node 'restore' (model 'kind', network restore)");
  const error = await t.throwsAsync(() => broken.run({}));
  t.true(KindPipeError.is(error, 'model'));
  t.regex(error!.message, /node 'restore' \(model 'kind', network restore\): output 'y' holds 2 of 4 values NaN or infinite/);
});

test('finite outputs pass through unchanged', async (t) => {
  const data = new Float32Array([0, 0.25, 1]);
  const outputs = await finiteOutputs(session(data), 'x').run({});
  t.is(outputs.y.data, data);
});
