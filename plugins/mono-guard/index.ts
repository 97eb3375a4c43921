import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { monoGuard } from './mono-guard.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(monoGuard);
});
