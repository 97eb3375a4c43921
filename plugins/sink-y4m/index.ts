import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { sinkY4m } from './sink-y4m.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(sinkY4m);
});
