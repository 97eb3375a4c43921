import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { fastEnhance } from './fast-enhance.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(fastEnhance);
});
