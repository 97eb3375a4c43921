import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { sourceY4m } from './source-y4m.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(sourceY4m);
});
