import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { temporalDenoise } from './temporal-denoise.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(temporalDenoise);
});
