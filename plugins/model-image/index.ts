import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { modelImage } from './model-image.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(modelImage);
});
