import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { kindRegions } from './kind-regions.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(kindRegions);
});
