import { ContainerModule } from 'inversify';
import { ModelRegistry, ModelRuntime } from '../core/model.js';
import { FileModelRegistry, loadModelTable } from './registry.js';
import { OnnxRuntime } from './runtime/onnx-runtime.js';

/** Binds the model runtime and the registry; holds no logic. */
export const modelsModule = new ContainerModule(({ bind }) => {
  bind<ModelRuntime>(ModelRuntime).toConstantValue(new OnnxRuntime());
  bind<ModelRegistry>(ModelRegistry)
    .toDynamicValue((context) => new FileModelRegistry(loadModelTable(), context.get<ModelRuntime>(ModelRuntime)))
    .inSingletonScope();
});
