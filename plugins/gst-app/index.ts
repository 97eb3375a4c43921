import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { sinkGst } from './sink-gst.js';
import { sourceGst } from './source-gst.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(sourceGst);
  bind(PluginContribution).toConstantValue(sinkGst);
});
